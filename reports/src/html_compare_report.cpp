// render_html_compare_report: the comparison page in the shared skeleton (html_page.h), the
// two runs' header side by side, the common time axis and the three charts with both runs on
// it. The tables are written by html_compare_sections.cpp.
#include "msmireport/html_compare_report.h"

#include <algorithm>
#include <map>
#include <set>
#include <string_view>

#include "html_compare_sections.h"
#include "html_page.h"
#include "html_sections.h"
#include "html_text.h"
#include "msmilog/time_format.h"
#include "msmireport/html_report.h"

namespace msmireport {
namespace {

using html_compare::kOnlyOneRunStyle;
using html_compare::run_name;

// `d` on the comparison's time axis: an imported log's clock shifted so its first event is at
// 0 (a simulated run's virtual time is kept). The event table and ledger rows, which the page
// does not show, are dropped.
RunReportData on_compare_axis(const RunReportData& d) {
  RunReportData s = d;
  s.events.clear();
  s.ledger.clear();
  if (!d.absolute_time) return s;
  const std::int64_t shift = d.start_us;
  s.absolute_time = false;
  s.start_us = 0;
  s.end_us = d.end_us - shift;
  for (ThreadActivity& t : s.threads) {
    for (ChartPoint& p : t.busy) p.time_us -= shift;
  }
  for (BacklogPoint& p : s.backlog) p.time_us -= shift;
  for (msmilog::LifecycleRow& r : s.lifecycle) r.time_us -= shift;
  for (EventIdActivity& a : s.events_by_id) {
    for (ChartPoint& p : a.buckets) p.time_us -= shift;
    a.first_us -= shift;
  }
  return s;
}

std::int64_t floor_to(std::int64_t t, std::int64_t width) {
  const std::int64_t q = t / width;
  return (q * width > t ? q - 1 : q) * width;
}

// Re-counts the events over time of `d` into buckets `width` wide (>= d->bucket_us), so both
// runs' strips share the chart's one bucket width. A bucket is placed by its start: exact when
// `width` is a multiple of the old width on the same grid (two simulated runs), else off by at
// most one old bucket.
void rebucket(RunReportData* d, std::int64_t width) {
  if (d->bucket_us == width) return;
  for (EventIdActivity& a : d->events_by_id) {
    std::map<std::int64_t, double> counts;
    for (const ChartPoint& p : a.buckets) counts[floor_to(p.time_us, width)] += p.value;
    a.buckets.clear();
    for (const auto& [t, n] : counts) a.buckets.push_back({t, n});
  }
  d->bucket_us = width;
}

// "scenarios/kb/Q151791.json" -> "Q151791": the scenario as a title names it.
std::string scenario_name(const std::string& path) {
  std::string name = path.substr(path.find_last_of('/') + 1);
  constexpr std::string_view kJson = ".json";
  if (name.size() > kJson.size() && name.ends_with(kJson)) name.resize(name.size() - kJson.size());
  return name;
}

std::string title_of(const RunReportData& d) {
  if (d.is_import) return "imported log " + d.run.import_name;
  std::string title = scenario_name(d.run.scenario);
  if (!d.run.kb.empty() && d.run.kb != title) title += " (" + d.run.kb + ")";
  return title;
}

// "Q151791,Q175965" -> "Q151791, Q175965", so a long list wraps.
std::string list_text(const std::string& list) {
  std::string out;
  for (char c : list) {
    out += c;
    if (c == ',') out += ' ';
  }
  return out.empty() ? "none" : out;
}

// "Q151791 (exchange-5.0)", "imported log customer-1234".
std::string short_title(const RunReportData& d) {
  return d.is_import ? title_of(d) : title_of(d) + " (" + d.run.profile + ")";
}

std::int64_t crash_count(const RunReportData& d) {
  std::int64_t n = 0;
  for (const msmilog::LifecycleRow& r : d.lifecycle) n += r.what == "crash";
  return n;
}

std::string span_text(const RunReportData& original, const RunReportData& shifted) {
  if (original.is_import) {
    return msmilog::format_iso8601_utc(original.start_us) + " to " +
           msmilog::format_iso8601_utc(original.end_us) + " (" + short_duration(shifted.end_us) +
           ")";
  }
  return original.run.virtual_duration_us < 0
             ? "unfinished"
             : short_duration(original.run.virtual_duration_us) + " of virtual time";
}

// One row of the side-by-side header; a row whose two values differ is bold.
void meta_row(std::ostream& out, const char* field, const char* label, const std::string& a,
              const std::string& b) {
  out << "<tr data-field=\"" << field << "\"" << (a != b ? " class=\"differs\"" : "") << "><th>"
      << label << "</th>";
  for (const std::string* v : {&a, &b}) {
    out << "<td class=\"" << (v == &a ? "run-a" : "run-b") << "\">";
    if (a != b) out << "<strong>";
    write_escaped(out, *v);
    if (a != b) out << "</strong>";
    out << "</td>";
  }
  out << "</tr>\n";
}

void verdict_row(std::ostream& out, const RunReportData& a, const RunReportData& b) {
  out << "<tr data-field=\"verdict\"><th>verdict</th>";
  for (const RunReportData* d : {&a, &b}) {
    out << "<td class=\"" << (d == &a ? "run-a" : "run-b") << "\" data-verdict=\"";
    write_escaped(out, d->run.verdict);
    out << "\"><span class=\"badge ";
    write_escaped(out, d->run.verdict);
    out << "\">";
    write_escaped(out, d->run.verdict.empty() ? "unfinished" : d->run.verdict);
    out << "</span></td>";
  }
  out << "</tr>\n";
}

void write_header(std::ostream& out, const RunReportData& a, const RunReportData& b,
                  const RunReportData& sa, const RunReportData& sb) {
  out << "<header>\n<h1>";
  write_escaped(out, "Compare " + short_title(a) + " with " + short_title(b));
  out << "</h1>\n<p class=\"note\">msmisim comparison report: A is ";
  write_escaped(out, run_name(a));
  out << ", B is ";
  write_escaped(out, run_name(b));
  out << " of ";
  write_escaped(out, a.db_path);
  if (b.db_path != a.db_path) {
    out << " and ";
    write_escaped(out, b.db_path);
  }
  out << (a.run.run_id == b.run.run_id && a.db_path == b.db_path
              ? " (the same run twice: every count is equal)."
              : ".")
      << "</p>\n<table id=\"compare-header\" style=\"table-layout:fixed\" data-run-a=\""
      << a.run.run_id << "\" data-run-b=\"" << b.run.run_id << "\">\n"
      << "<colgroup><col style=\"width:16%\"><col style=\"width:42%\"><col "
         "style=\"width:42%\"></colgroup><thead><tr><th></th><th>A: ";
  write_escaped(out, run_name(a));
  out << "</th><th>B: ";
  write_escaped(out, run_name(b));
  out << "</th></tr></thead><tbody>\n";
  const auto field = [](const RunReportData& d, const std::string& value) {
    return d.is_import ? std::string("(imported log)") : value;
  };
  meta_row(out, "kind", "kind", a.run.kind, b.run.kind);
  if (a.is_import || b.is_import) {
    meta_row(out, "import-name", "import name", a.run.import_name, b.run.import_name);
  }
  meta_row(out, "scenario", "scenario", field(a, a.run.scenario), field(b, b.run.scenario));
  meta_row(out, "kb", "KB article", field(a, a.run.kb.empty() ? "none" : a.run.kb),
           field(b, b.run.kb.empty() ? "none" : b.run.kb));
  meta_row(out, "profile", "profile", field(a, a.run.profile), field(b, b.run.profile));
  meta_row(out, "defects", "defects", field(a, list_text(a.run.defects)),
           field(b, list_text(b.run.defects)));
  meta_row(out, "seed", "seed", field(a, std::to_string(a.run.seed)),
           field(b, std::to_string(b.run.seed)));
  verdict_row(out, a, b);
  meta_row(out, "span", "time span", span_text(a, sa), span_text(b, sb));
  meta_row(out, "events", "events", std::to_string(a.event_count), std::to_string(b.event_count));
  meta_row(out, "crashes", "crashes", std::to_string(crash_count(a)),
           std::to_string(crash_count(b)));
  meta_row(out, "computer", "computer", a.run.computer, b.run.computer);
  meta_row(out, "version", "msmisim version", a.run.msmisim_version, b.run.msmisim_version);
  out << "</tbody></table>\n";
  for (const RunReportData* d : {&a, &b}) {
    if (d->run.command.empty()) continue;
    const bool is_a = d == &a;
    out << "<p>" << (is_a ? "A" : "B") << (d->is_import ? " was imported with:" : ", replayed by:")
        << "</p>\n<pre id=\"replay-" << (is_a ? "a" : "b") << "\"><code>";
    write_escaped(out, d->run.command);
    out << "</code></pre>\n";
  }
  out << "</header>\n";
}

// What the time axis is, said in the page: an import's shift is not something to guess.
void write_axis_note(std::ostream& out, const RunReportData& a, const RunReportData& b,
                     const TimeAxis& axis, std::int64_t bucket_us) {
  out << "<p class=\"note\" id=\"time-axis-note\">One time axis for both runs, 0 to "
      << html_escape(short_duration(axis.end_us - axis.start_us)) << " (the longer run)";
  for (const RunReportData* d : {&a, &b}) {
    const char* letter = d == &a ? "A" : "B";
    if (d->is_import) {
      out << "; " << letter << " is an imported log on its own clock, shifted so that its first "
          << "event (";
      write_escaped(out, msmilog::format_iso8601_utc(d->start_us));
      out << ") is at 0";
    } else {
      out << "; " << letter << " in virtual time since its start";
    }
  }
  out << ". A is drawn solid, B dashed (its event strips under A's); events are counted in "
      << "buckets of " << html_escape(short_duration(bucket_us)) << ".</p>\n";
}

// Names a series of run 0 or 1 for the legend: "thread 5 (inbound) A".
void relabel(std::string* name, int run) {
  static const std::string kRunSuffix = " [run 2]";  // report_charts.cpp's suffix for run 1
  if (name->size() >= kRunSuffix.size() &&
      name->compare(name->size() - kRunSuffix.size(), kRunSuffix.size(), kRunSuffix) == 0) {
    name->resize(name->size() - kRunSuffix.size());
  }
  *name += run == 0 ? " A" : " B";
}

// Both runs' markers in time order, each tooltip naming its run.
std::vector<ChartMarker> merged_markers(std::vector<ChartMarker> a, std::vector<ChartMarker> b) {
  for (ChartMarker& m : b) a.push_back(std::move(m));
  for (ChartMarker& m : a) {
    m.label = (m.run == 0 ? "A " : "B ") + m.label;
    m.title = (m.run == 0 ? "A " : "B ") + m.title;
  }
  std::stable_sort(a.begin(), a.end(), [](const ChartMarker& x, const ChartMarker& y) {
    return x.time_us < y.time_us;
  });
  return a;
}

LineChart merged(LineChart a, LineChart b, const TimeAxis& axis) {
  for (ChartSeries& s : a.series) relabel(&s.name, 0);
  for (ChartSeries& s : b.series) relabel(&s.name, 1);
  a.axis = axis;
  a.title += ", A solid, B dashed";
  for (ChartSeries& s : b.series) a.series.push_back(std::move(s));
  a.markers = merged_markers(std::move(a.markers), std::move(b.markers));
  return a;
}

void write_thread_section(std::ostream& out, const RunReportData& a, const RunReportData& b,
                          const TimeAxis& axis) {
  out << "<section id=\"threads\">\n<h2>Thread activity</h2>\n"
      << "<p class=\"note\">% processor time of each MT.EXE thread, A solid and B dashed, a thread "
         "the same colour in both; markers show service stops, starts and crashes of each.</p>\n";
  if (a.threads.empty() && b.threads.empty()) {
    out << "<p class=\"note\">Neither run has thread samples (an imported log has none).</p>\n"
        << "</section>\n";
    return;
  }
  render_line_chart(merged(thread_activity_chart(a, 0), thread_activity_chart(b, 1), axis), out);
  std::map<int, std::pair<const ThreadActivity*, const ThreadActivity*>> threads;
  for (const ThreadActivity& t : a.threads) threads[t.thread].first = &t;
  for (const ThreadActivity& t : b.threads) threads[t.thread].second = &t;
  out << "<table id=\"thread-compare\"><thead><tr><th>thread</th><th>role</th><th>mean % busy "
         "A</th><th>mean % busy B</th></tr></thead><tbody>\n";
  for (const auto& [thread, pair] : threads) {
    const auto& [ta, tb] = pair;
    out << "<tr data-thread=\"" << thread << "\"";
    // A thread only one run has stands out, unless the other run has no threads at all (an
    // imported log).
    if ((ta == nullptr || tb == nullptr) && !a.threads.empty() && !b.threads.empty()) {
      out << " style=\"" << kOnlyOneRunStyle << "\"";
    }
    out << ">";
    html::number_cell(out, thread);
    html::cell(out, ta != nullptr ? ta->role : tb->role);
    for (const ThreadActivity* t : {ta, tb}) {
      out << "<td class=\"num\">" << (t == nullptr ? "—" : fixed_decimals(t->mean_busy_pct, 1))
          << "</td>";
    }
    out << "</tr>\n";
  }
  out << "</tbody></table>\n</section>\n";
}

void write_backlog_section(std::ostream& out, const RunReportData& a, const RunReportData& b,
                           const TimeAxis& axis) {
  out << "<section id=\"backlog-section\">\n<h2>Backlog</h2>\n"
      << "<p class=\"note\">P1 files, INQUEUE3 records, the MTA's MSMI queue and the outbound "
         "mailbag records (the largest depth within each point's interval), A solid, B "
         "dashed.</p>\n";
  if (a.backlog.empty() && b.backlog.empty()) {
    out << "<p class=\"note\">Neither run has queue samples (an imported log has none).</p>\n"
        << "</section>\n";
    return;
  }
  render_line_chart(merged(backlog_chart(a, 0), backlog_chart(b, 1), axis), out);
  out << "</section>\n";
}

void write_events_section(std::ostream& out, const RunReportData& a, const RunReportData& b,
                          const TimeAxis& axis) {
  StripChart ca = events_over_time_chart(a, 0);
  StripChart cb = events_over_time_chart(b, 1);
  StripChart chart;
  chart.id = ca.id;
  chart.title = ca.title + ", A above B";
  chart.axis = axis;
  chart.bucket_us = a.bucket_us;
  // Each ID's strip of A, then B's of the same ID just under it.
  std::set<int> ids;
  for (const EventStrip& s : ca.strips) ids.insert(s.event_id);
  for (const EventStrip& s : cb.strips) ids.insert(s.event_id);
  for (int id : ids) {
    for (StripChart* c : {&ca, &cb}) {
      for (EventStrip& s : c->strips) {
        if (s.event_id != id) continue;
        relabel(&s.label, s.run);
        chart.strips.push_back(std::move(s));
      }
    }
  }
  chart.markers = merged_markers(std::move(ca.markers), std::move(cb.markers));
  out << "<section id=\"events\">\n<h2>Events over time</h2>\n<p class=\"note\">Each event ID's "
         "strip for A, then for B; darker is more; ▼ marks the first event of each ID in each "
         "run; the total is at the right.</p>\n";
  render_strip_chart(chart, out);
  out << "</section>\n";
}

}  // namespace

void render_html_compare_report(const RunReportData& a, const RunReportData& b, std::ostream& out,
                                const CompareReportOptions& options) {
  RunReportData sa = on_compare_axis(a);
  RunReportData sb = on_compare_axis(b);
  const std::int64_t bucket_us = std::max(sa.bucket_us, sb.bucket_us);
  rebucket(&sa, bucket_us);
  rebucket(&sb, bucket_us);
  TimeAxis axis;
  axis.start_us = 0;
  axis.end_us = std::max(sa.end_us, sb.end_us);
  axis.labels = TimeLabels::kVirtual;

  html::write_page_start(out,
                         "Compare " + short_title(a) + " with " + short_title(b) + " — msmisim");
  write_header(out, a, b, sa, sb);
  out << "<nav><a href=\"#event-id-differences\">event counts that differ</a>"
      << "<a href=\"#diagnosis\">diagnosis</a><a href=\"#threads\">threads</a>"
      << "<a href=\"#backlog-section\">backlog</a><a href=\"#events\">events over time</a>"
      << "<a href=\"#expectations\">expectations</a><a href=\"#ledger\">ledger</a>"
      << "<a href=\"#invariants\">invariants</a><a href=\"#full-reports\">each run's report</a>"
      << "</nav>\n";
  html_compare::write_event_id_differences(out, sa, sb);
  html_compare::write_diagnosis(out, sa, sb);
  write_axis_note(out, a, b, axis, bucket_us);
  write_thread_section(out, sa, sb, axis);
  write_backlog_section(out, sa, sb, axis);
  write_events_section(out, sa, sb, axis);
  html_compare::write_expectations(out, sa, sb);
  html_compare::write_ledger(out, sa, sb);
  html_compare::write_invariants(out, sa, sb);
  html_compare::write_full_reports(out, a, b, options);
  html::write_page_end(out);
}

}  // namespace msmireport
