// Inline SVG charts for the HTML reports, drawn by msmisim itself (no script, no fonts, no
// network): a line or step chart of several series over a time axis, and a strip chart of event
// counts by event ID with the first occurrence of each ID marked.
//
// The charts know nothing of runs or of the event store: a caller hands over plain series on a
// TimeAxis. Series and strip rows carry a `run` index (0, 1), so one chart can draw two runs on
// the same axis (report --compare: run 1 dashed beside run 0, its strips under run 0's).
//
// Output is deterministic text: the same chart gives the same bytes on every host (coordinates
// with one decimal, values with fixed formatting, no locale). Every <svg> carries
//   id="<chart.id>" class="chart line-chart|strip-chart" data-series="<n>" data-points="<n>"
// and every series or strip a <g class="series"> with data-name, data-run and data-points; a
// line series also data-min, data-max and data-mean (the mean of its points' values), a strip
// data-event-id, data-total, data-max and data-first-us; so a test or a browser can check that
// a chart holds data without reading pixels. Tooltips are <title> elements: a line chart's per
// sample time (every series' value there), a strip chart's per bar. All text is HTML-escaped.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace msmireport {

// How tick labels read.
enum class TimeLabels {
  kVirtual,  // time since label_origin_us: "0m", "15m", "1h30m", "2d4h"
  kClock,    // absolute UTC time of day: "09:15", with the date where it changes
};

// The x axis: the times [start_us, end_us] shown left to right.
struct TimeAxis {
  std::int64_t start_us = 0;
  std::int64_t end_us = 0;  // > start_us (a shorter axis is widened to one second)
  TimeLabels labels = TimeLabels::kVirtual;
  // kVirtual: the time labelled "0m". kClock: unused (times are µs since 1970).
  std::int64_t label_origin_us = 0;
};

struct ChartPoint {
  std::int64_t time_us = 0;
  double value = 0.0;
};

// One line of a line chart.
struct ChartSeries {
  std::string name;                // legend text: "thread 5 (inbound)"
  std::vector<ChartPoint> points;  // ascending time_us
  int run = 0;                     // 0 or 1: which run of a comparison (1 is drawn dashed)
  // true: the value holds until the next point (a counter sampled over an interval);
  // false: straight lines between points.
  bool step = true;
  // Palette index of the series' colour; -1: its position in the chart. A comparison gives a
  // thread the same colour in both runs (run 1 is dashed).
  int colour = -1;
  // Extra key=value pairs written as data-<key> attributes on the series' <g> (keys are
  // [a-z0-9-]), e.g. {"thread", "5"}.
  std::vector<std::pair<std::string, std::string>> data;
};

// A vertical line across a chart at one time: a crash, a service restart.
struct ChartMarker {
  std::int64_t time_us = 0;
  std::string label;  // short text drawn at the top: "restart"
  std::string title;  // tooltip: "09:35 restart MSExchangeMSMI: operator"
  // "crash" draws red, anything else grey; also the marker's class (marker-<kind>).
  std::string kind;
  int run = 0;
};

struct LineChart {
  std::string id;       // the <svg> element id, unique in the page: "thread-activity"
  std::string title;    // drawn above the plot
  std::string y_label;  // "% processor time"
  std::string y_unit;   // appended to values in tooltips: "%", "" for counts
  // Fixed top of the y axis (100 for percentages); unset: the largest value, rounded up.
  std::optional<double> y_max;
  TimeAxis axis;
  std::vector<ChartSeries> series;
  std::vector<ChartMarker> markers;
};

// Writes one <svg> with the plot, axis ticks, the series (in order, each its own colour), the
// markers and a legend. A chart without any point draws its frame and "no data".
void render_line_chart(const LineChart& chart, std::ostream& out);

// One strip of an event strip chart: the counts of one event ID per time bucket.
struct EventStrip {
  int event_id = 0;
  std::string label;  // beside the strip: "2342 Error"
  std::string type;   // "Error" / "Warning" / "Information" / …: the strip's colour
  int run = 0;        // 0 or 1 (a comparison draws run 1's strip of an ID under run 0's)
  // (bucket start, count), ascending, counts > 0; a bucket is StripChart::bucket_us wide.
  std::vector<ChartPoint> buckets;
  std::optional<std::int64_t> first_us;  // first occurrence, marked with a triangle
  std::string first_title;               // its tooltip: time and description
  std::int64_t total = 0;                // events of this ID (drawn at the right)
};

struct StripChart {
  std::string id;
  std::string title;
  TimeAxis axis;
  std::int64_t bucket_us = 1;  // width of a bucket, > 0
  std::vector<EventStrip> strips;
  std::vector<ChartMarker> markers;
};

// Writes one <svg>: one strip per EventStrip (in order), each bucket a bar whose opacity and
// height grow with its count relative to the strip's busiest bucket, the first occurrence as a
// triangle, the total at the right, markers across all strips.
void render_strip_chart(const StripChart& chart, std::ostream& out);

// The tick label of `time_us` on `axis` ("15m", "1h30m", "09:15").
std::string time_label(const TimeAxis& axis, std::int64_t time_us);

}  // namespace msmireport
