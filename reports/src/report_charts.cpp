// The three charts of the HTML run report, built from RunReportData.
#include <algorithm>

#include "html_text.h"
#include "msmireport/html_report.h"

namespace msmireport {
namespace {

constexpr std::size_t kMaxDescriptionInTitle = 200;

std::string cut(const std::string& text, std::size_t max) {
  if (text.size() <= max) return text;
  std::size_t end = max;
  // Not inside a UTF-8 sequence.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end) + "…";
}

std::string run_suffix(int run) {
  return run == 0 ? "" : " [run " + std::to_string(run + 1) + "]";
}

}  // namespace

TimeAxis report_time_axis(const RunReportData& data) {
  TimeAxis axis;
  axis.start_us = data.start_us;
  axis.end_us = data.end_us;
  axis.labels = data.absolute_time ? TimeLabels::kClock : TimeLabels::kVirtual;
  axis.label_origin_us = 0;
  return axis;
}

std::vector<ChartMarker> lifecycle_markers(const RunReportData& data, int run) {
  // Rows at one time (an operator restart stops and starts several services) become one
  // marker, labelled by the most telling of them: a crash, else the first row.
  const TimeAxis axis = report_time_axis(data);
  std::vector<ChartMarker> markers;
  for (const msmilog::LifecycleRow& row : data.lifecycle) {
    std::string line = row.what;
    if (!row.service.empty()) line += " " + row.service;
    if (!row.detail.empty()) line += ": " + row.detail;
    if (!markers.empty() && markers.back().time_us == row.time_us) {
      ChartMarker& m = markers.back();
      m.title += "\n" + line;
      if (row.what == "crash") m.label = m.kind = "crash";
      continue;
    }
    ChartMarker m;
    m.time_us = row.time_us;
    m.kind = row.what;
    m.label = row.what;
    m.run = run;
    m.title = time_label(axis, row.time_us) + run_suffix(run) + "\n" + line;
    markers.push_back(std::move(m));
  }
  return markers;
}

LineChart thread_activity_chart(const RunReportData& data, int run) {
  LineChart chart;
  chart.id = "thread-activity";
  chart.title = "Thread activity: % processor time per MT.EXE thread";
  chart.y_label = "% processor time";
  chart.y_unit = "%";
  chart.y_max = 100.0;
  chart.axis = report_time_axis(data);
  for (const ThreadActivity& t : data.threads) {
    ChartSeries s;
    s.name = "thread " + std::to_string(t.thread) + (t.role.empty() ? "" : " (" + t.role + ")") +
             run_suffix(run);
    s.points = t.busy;
    s.run = run;
    s.colour = t.thread;  // a thread keeps its colour when two runs share the chart
    s.data = {{"thread", std::to_string(t.thread)},
              {"role", t.role},
              {"mean-busy-pct", fixed_decimals(t.mean_busy_pct, 1)}};
    chart.series.push_back(std::move(s));
  }
  chart.markers = lifecycle_markers(data, run);
  return chart;
}

LineChart backlog_chart(const RunReportData& data, int run) {
  LineChart chart;
  chart.id = "backlog";
  chart.title = "Backlog: queued files and records";
  chart.y_label = "items";
  chart.axis = report_time_axis(data);
  struct Queue {
    const char* name;
    const char* key;
    std::int64_t BacklogPoint::*field;
  };
  static constexpr Queue kQueues[] = {
      {"P1 files", "p1_files", &BacklogPoint::p1_files},
      {"INQUEUE3 records", "inqueue3", &BacklogPoint::inqueue3},
      {"MTA MSMI queue", "mta_queue", &BacklogPoint::mta_queue},
      {"outbound mailbag records", "outbound_records", &BacklogPoint::outbound_records}};
  if (!data.backlog.empty()) {
    for (const Queue& q : kQueues) {
      ChartSeries s;
      s.name = q.name + run_suffix(run);
      s.run = run;
      s.colour = static_cast<int>(&q - kQueues);
      s.data = {{"queue", q.key}};
      for (const BacklogPoint& p : data.backlog) {
        s.points.push_back({p.time_us, static_cast<double>(p.*q.field)});
      }
      chart.series.push_back(std::move(s));
    }
  }
  chart.markers = lifecycle_markers(data, run);
  return chart;
}

StripChart events_over_time_chart(const RunReportData& data, int run) {
  StripChart chart;
  chart.id = "events-over-time";
  chart.title = "Events over time by event ID (▼ first occurrence)";
  chart.axis = report_time_axis(data);
  chart.bucket_us = data.bucket_us;
  for (const EventIdActivity& a : data.events_by_id) {
    EventStrip strip;
    strip.event_id = a.event_id;
    strip.label = std::to_string(a.event_id) + " " + a.type + run_suffix(run);
    strip.type = a.type;
    strip.run = run;
    strip.buckets = a.buckets;
    strip.total = a.total;
    strip.first_us = a.first_us;
    std::string title = "first " + std::to_string(a.event_id) + " at " +
                        time_label(chart.axis, a.first_us) + " (" + a.first_time + ")";
    if (a.first_thread >= 0) title += ", thread " + std::to_string(a.first_thread);
    strip.first_title = title + ": " + cut(a.first_description, kMaxDescriptionInTitle);
    chart.strips.push_back(std::move(strip));
  }
  chart.markers = lifecycle_markers(data, run);
  return chart;
}

}  // namespace msmireport
