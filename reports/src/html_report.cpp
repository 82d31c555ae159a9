// render_html_run_report: the page skeleton, its style sheet and script, the header and the
// charts. The tables are written by html_sections.cpp and html_event_table.cpp.
#include "msmireport/html_report.h"

#include "html_page.h"
#include "html_sections.h"
#include "html_text.h"
#include "msmilog/time_format.h"

namespace msmireport {
namespace {

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
  html::write_page_start(out, title_of(d) + " — msmisim " + (d.is_import ? "import " : "run ") +
                                  std::to_string(d.run.run_id));
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
  html::write_page_end(out);
}

}  // namespace msmireport
