#include "html_page.h"

#include "html_text.h"

namespace msmireport::html {
namespace {

// Print-friendly: no navigation or filter box on paper, charts and rows not split over pages.
constexpr const char* kStyle = R"css(
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:0 auto;max-width:980px;padding:0 16px 48px;color:#222;line-height:1.4;background:#fff}
h1{font-size:1.45em;margin:.9em 0 .2em}
h2{font-size:1.15em;border-bottom:1px solid #ccc;margin:1.8em 0 .5em;padding-bottom:2px}
h3{font-size:1em;margin:1em 0 .3em}
table{border-collapse:collapse;width:100%;font-size:.84em;margin:.4em 0}
th,td{border:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top;overflow-wrap:break-word}
th{background:#f0f0f0}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.desc{white-space:pre-wrap;overflow-wrap:anywhere}
td.wrap{overflow-wrap:anywhere}
table.meta th{width:11em;background:#f7f7f7}
.pass{color:#1b5e20;font-weight:bold}.fail{color:#b71c1c;font-weight:bold}.skipped{color:#777}
.badge{display:inline-block;padding:0 .5em;border-radius:3px;color:#fff;background:#616161;font-weight:bold}
.badge.pass{background:#2e7d32;color:#fff}.badge.fail{background:#c62828;color:#fff}
pre{background:#f5f5f5;padding:6px 8px;white-space:pre-wrap;word-break:break-all;font-size:.85em}
code,pre{font-family:ui-monospace,"Cascadia Mono",Consolas,"DejaVu Sans Mono",monospace}
svg.chart{max-width:100%;height:auto;display:block;margin:.4em 0}
.note{color:#555;font-size:.88em}
tr.Error td.type{color:#b71c1c}tr.Warning td.type{color:#e65100}
nav a{margin-right:.8em;font-size:.88em}
#event-filter{width:22em;margin:.3em 0;padding:2px 4px}
@media print{nav,#event-filter{display:none}body{max-width:none;padding:0}h2{break-after:avoid}svg.chart,tr,article{break-inside:avoid}a{color:inherit;text-decoration:none}}
)css";

// Filters the event table's rows by the text box; without script the box stays hidden and the
// table whole.
constexpr const char* kScript = R"js(
(function(){var box=document.getElementById("event-filter");var table=document.getElementById("event-table");if(!box||!table)return;var rows=table.tBodies[0].rows;box.hidden=false;box.addEventListener("input",function(){var q=box.value.toLowerCase();for(var i=0;i<rows.length;i++){rows[i].hidden=q!==""&&rows[i].textContent.toLowerCase().indexOf(q)<0;}});})();
)js";

}  // namespace

void write_page_start(std::ostream& out, const std::string& title) {
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<meta name=\"generator\" content=\"msmisim " << html_escape(MSMISIM_VERSION)
      << "\">\n<title>";
  write_escaped(out, title);
  out << "</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n";
}

void write_page_end(std::ostream& out) {
  out << "<footer class=\"note\"><p>Rendered by msmisim " << html_escape(MSMISIM_VERSION)
      << " from the event store; every chart is drawn in the page.</p></footer>\n"
      << "<script>" << kScript << "</script>\n</body>\n</html>\n";
}

}  // namespace msmireport::html
