// render_html_run_report: the page skeleton, its style sheet and script, the header and the
// charts. The tables are written by html_sections.cpp and html_event_table.cpp.
#include "msmireport/html_report.h"

#include "html_sections.h"
#include "html_text.h"
#include "msmilog/time_format.h"

namespace msmireport {
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

void meta_row(std::ostream& out, const char* label, const std::string& value,
              const char* id = nullptr) {
  out << "<tr><th>" << label << "</th><td";
  if (id != nullptr) out << " id=\"" << id << "\"";
  out << ">";
  write_escaped(out, value);
  out << "</td></tr>\n";
}

std::string title_of(const RunReportData& d) {
  if (d.is_import) return "Imported log " + d.run.import_name;
  std::string title = d.run.scenario;
  if (!d.run.kb.empty()) title += " (" + d.run.kb + ")";
  return title;
}

void write_header(std::ostream& out, const RunReportData& d) {
  const msmilog::RunSummary& r = d.run;
  out << "<header>\n<h1>";
  write_escaped(out, title_of(d));
  out << "</h1>\n<p class=\"note\">msmisim " << (d.is_import ? "import" : "run") << " report, "
      << (d.is_import ? "import" : "run") << " " << r.run_id << " of ";
  write_escaped(out, d.db_path);
  out << "</p>\n<table class=\"meta\" id=\"run-header\" data-run-id=\"" << r.run_id
      << "\" data-kind=\"";
  write_escaped(out, r.kind);
  out << "\" data-verdict=\"";
  write_escaped(out, r.verdict);
  out << "\">\n";
  if (d.is_import) {
    meta_row(out, "import name", r.import_name);
  } else {
    meta_row(out, "scenario", r.scenario, "scenario");
    meta_row(out, "KB article", r.kb.empty() ? "none" : r.kb, "kb");
    meta_row(out, "profile", r.profile, "profile");
    meta_row(out, "defects", r.defects.empty() ? "none" : r.defects);
    meta_row(out, "seed", std::to_string(r.seed), "seed");
  }
  out << "<tr><th>verdict</th><td id=\"verdict\"><span class=\"badge ";
  write_escaped(out, r.verdict);
  out << "\">";
  write_escaped(out, r.verdict.empty() ? "unfinished" : r.verdict);
  out << "</span></td></tr>\n";
  if (!d.is_import) {
    meta_row(out, "virtual duration",
             r.virtual_duration_us < 0 ? "unfinished" : short_duration(r.virtual_duration_us));
    meta_row(out, "virtual time 0", msmilog::format_iso8601_utc(r.epoch_us));
  } else {
    meta_row(out, "first event", html::table_time(d, d.start_us));
    meta_row(out, "last event", html::table_time(d, d.end_us));
  }
  meta_row(out, "events", std::to_string(d.event_count), "event-count");
  meta_row(out, "computer", r.computer, "computer");
  meta_row(out, "recorded", r.started_at + (r.finished_at.empty() ? "" : " to " + r.finished_at));
  meta_row(out, "msmisim version",
           r.msmisim_version + (r.msmisim_version == d.report_version
                                    ? ""
                                    : " (report by msmisim " + d.report_version + ")"),
           "version");
  out << "</table>\n";
  if (!r.command.empty()) {
    out << "<p>" << (d.is_import ? "Imported with:" : "Replay this run exactly:")
        << "</p>\n<pre id=\"replay\"><code>";
    write_escaped(out, r.command);
    out << "</code></pre>\n";
  }
  out << "</header>\n";
}

void write_nav(std::ostream& out, const RunReportData& d) {
  out << "<nav>";
  const auto link = [&](const char* id, const char* text) {
    out << "<a href=\"#" << id << "\">" << text << "</a>";
  };
  if (!d.is_import) {
    link("threads", "threads");
    link("backlog-section", "backlog");
  }
  link("events", "events over time");
  if (!d.is_import) link("expectations", "expectations");
  link("diagnosis", "diagnosis");
  if (!d.is_import) {
    link("invariants", "invariants");
    link("fault-rules", "fault rules");
    link("ledger", "ledger");
  } else {
    link("imports", "files");
  }
  link("event-list", "event table");
  out << "</nav>\n";
}

}  // namespace

void render_html_run_report(const RunReportData& d, std::ostream& out) {
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<meta name=\"generator\" content=\"msmisim " << html_escape(d.report_version)
      << "\">\n<title>";
  write_escaped(out, title_of(d) + " — msmisim " + (d.is_import ? "import " : "run ") +
                         std::to_string(d.run.run_id));
  out << "</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n";
  write_header(out, d);
  write_nav(out, d);

  if (!d.is_import) {
    out << "<section id=\"threads\">\n<h2>Thread activity</h2>\n"
        << "<p class=\"note\">% processor time of each MT.EXE thread over virtual time, as "
           "Performance Monitor would chart it; markers show service stops, starts and "
           "crashes.</p>\n";
    render_line_chart(thread_activity_chart(d), out);
    if (!d.threads.empty()) {
      out << "<table id=\"thread-table\"><thead><tr><th>thread</th><th>role</th>"
          << "<th>mean % busy</th></tr></thead><tbody>\n";
      for (const ThreadActivity& t : d.threads) {
        out << "<tr data-thread=\"" << t.thread << "\">";
        html::number_cell(out, t.thread);
        html::cell(out, t.role);
        out << "<td class=\"num\">" << fixed_decimals(t.mean_busy_pct, 1) << "</td></tr>\n";
      }
      out << "</tbody></table>\n";
    }
    out << "</section>\n<section id=\"backlog-section\">\n<h2>Backlog</h2>\n"
        << "<p class=\"note\">P1 files, INQUEUE3 records, the MTA's MSMI queue and the outbound "
           "mailbag records (the largest depth within each point's interval).</p>\n";
    render_line_chart(backlog_chart(d), out);
    out << "</section>\n";
  }
  out << "<section id=\"events\">\n<h2>Events over time</h2>\n<p class=\"note\">" << d.event_count
      << " events in buckets of " << short_duration(d.bucket_us)
      << "; darker is more; ▼ marks the first event of each ID.</p>\n";
  render_strip_chart(events_over_time_chart(d), out);
  html::write_event_ids(out, d);
  out << "</section>\n";

  if (!d.is_import) html::write_expectations(out, d);
  html::write_diagnosis(out, d);
  if (!d.is_import) {
    html::write_invariants(out, d);
    html::write_fault_rules(out, d);
    html::write_lifecycle(out, d);
    html::write_ledger(out, d);
  } else {
    html::write_imports(out, d);
  }
  html::write_event_table(out, d);
  out << "<footer class=\"note\"><p>Rendered by msmisim ";
  write_escaped(out, d.report_version);
  out << " from the event store; every chart is drawn in the page.</p></footer>\n"
      << "<script>" << kScript << "</script>\n</body>\n</html>\n";
}

}  // namespace msmireport
