// render_strip_chart: event counts by event ID over time, one strip per ID.
#include <algorithm>
#include <cmath>

#include "html_text.h"
#include "msmireport/svg_chart.h"
#include "svg_axis.h"

namespace msmireport {
namespace {

constexpr double kWidth = 900.0;
constexpr double kLabelWidth = 118.0;
constexpr double kTotalWidth = 64.0;
constexpr double kTop = 24.0;
constexpr double kStripHeight = 15.0;
constexpr double kAxisHeight = 22.0;
constexpr int kMaxTimeTicks = 10;
// Opacity levels of a bucket; neighbouring buckets of the same level are drawn as one bar.
constexpr int kLevels = 6;

const char* type_colour(const std::string& type) {
  if (type == "Error") return "#c62828";
  if (type == "Warning") return "#ef6c00";
  if (type == "Information") return "#1565c0";
  return "#555";
}

// 1..kLevels: how busy a bucket is beside the strip's busiest (a log scale, so a single event
// still shows against a bucket of thousands).
int level_of(double count, double max) {
  if (count <= 0.0 || max <= 0.0) return 0;
  const double f = std::log1p(count) / std::log1p(max);
  return std::clamp(static_cast<int>(std::ceil(f * kLevels)), 1, kLevels);
}

void write_strip(std::ostream& out, const PlotArea& row, const StripChart& chart,
                 const EventStrip& strip) {
  double max = 0.0;
  for (const ChartPoint& b : strip.buckets) max = std::max(max, b.value);
  const char* colour = type_colour(strip.type);
  out << "<g class=\"series strip\" data-name=\"";
  write_escaped(out, strip.label);
  out << "\" data-event-id=\"" << strip.event_id << "\" data-run=\"" << strip.run
      << "\" data-points=\"" << strip.buckets.size() << "\" data-total=\"" << strip.total
      << "\" data-max=\"" << compact(max) << "\"";
  if (strip.first_us) out << " data-first-us=\"" << *strip.first_us << "\"";
  out << " fill=\"" << colour << "\">";
  // Label and total.
  out << "<text x=\"4\" y=\"" << coord(row.top + kStripHeight - 4)
      << "\" font-size=\"10\" fill=\"#222\">";
  write_escaped(out, strip.label);
  out << "</text><text x=\"" << coord(kWidth - 4) << "\" y=\"" << coord(row.top + kStripHeight - 4)
      << "\" font-size=\"10\" fill=\"#222\" text-anchor=\"end\">" << strip.total << "</text>";
  // Bars: runs of neighbouring buckets at the same level become one rectangle.
  std::size_t i = 0;
  while (i < strip.buckets.size()) {
    const int level = level_of(strip.buckets[i].value, max);
    std::size_t j = i + 1;
    double sum = strip.buckets[i].value;
    while (j < strip.buckets.size() &&
           strip.buckets[j].time_us == strip.buckets[j - 1].time_us + chart.bucket_us &&
           level_of(strip.buckets[j].value, max) == level) {
      sum += strip.buckets[j].value;
      ++j;
    }
    const std::int64_t from = strip.buckets[i].time_us;
    const std::int64_t to = strip.buckets[j - 1].time_us + chart.bucket_us;
    const double x0 = row.x_of(from);
    const double x1 = std::max(row.x_of(to), x0 + 1.0);
    const double opacity = 0.2 + 0.8 * static_cast<double>(level) / kLevels;
    out << "<rect x=\"" << coord(x0) << "\" y=\"" << coord(row.top + 2) << "\" width=\""
        << coord(x1 - x0) << "\" height=\"" << coord(kStripHeight - 4) << "\" fill-opacity=\""
        << fixed_decimals(opacity, 2) << "\"><title>";
    write_escaped(out, strip.label + ": " + compact(sum) + (sum == 1.0 ? " event" : " events") +
                           ", " + time_label(row.axis, from) + "–" + time_label(row.axis, to));
    out << "</title></rect>";
    i = j;
  }
  if (strip.first_us) {
    const double x = row.x_of(*strip.first_us);
    out << "<path class=\"first\" d=\"M" << coord(x) << " " << coord(row.top + kStripHeight - 1)
        << "l4 -7h-8z\" fill=\"#000\"><title>";
    write_escaped(out, strip.first_title);
    out << "</title></path>";
  }
  out << "</g>";
}

}  // namespace

void render_strip_chart(const StripChart& chart, std::ostream& out) {
  PlotArea plot;
  plot.left = kLabelWidth;
  plot.top = kTop;
  plot.width = kWidth - kLabelWidth - kTotalWidth;
  const std::size_t rows = std::max<std::size_t>(chart.strips.size(), 1);
  plot.height = static_cast<double>(rows) * kStripHeight;
  plot.axis = normalized(chart.axis);
  const double height = kTop + plot.height + kAxisHeight + 4.0;

  std::size_t points = 0;
  for (const EventStrip& s : chart.strips) points += s.buckets.size();
  write_svg_open(out, chart.id, "strip-chart", kWidth, height, chart.strips.size(), points,
                 chart.title);
  out << "<text x=\"" << coord(kWidth - 4) << "\" y=\"14\" font-size=\"10\" fill=\"#444\" "
      << "text-anchor=\"end\">events</text>";
  // Every other event ID is shaded; a comparison's two strips of one ID share the shade.
  std::size_t group = 0;
  for (std::size_t i = 0; i < chart.strips.size(); ++i) {
    if (i > 0 && chart.strips[i].event_id != chart.strips[i - 1].event_id) ++group;
    if (group % 2 == 1) {
      out << "<rect x=\"0\" y=\"" << coord(kTop + static_cast<double>(i) * kStripHeight)
          << "\" width=\"" << coord(kWidth) << "\" height=\"" << coord(kStripHeight)
          << "\" fill=\"#f4f4f4\"/>";
    }
  }
  write_time_ticks(out, plot, kMaxTimeTicks);
  out << "<rect x=\"" << coord(plot.left) << "\" y=\"" << coord(plot.top) << "\" width=\""
      << coord(plot.width) << "\" height=\"" << coord(plot.height)
      << "\" fill=\"none\" stroke=\"#999\"/>";
  if (chart.strips.empty()) {
    out << "<text class=\"no-data\" x=\"" << coord(plot.left + plot.width / 2) << "\" y=\""
        << coord(plot.top + 11) << "\" font-size=\"12\" fill=\"#888\" "
        << "text-anchor=\"middle\">no events</text>";
  }
  for (std::size_t i = 0; i < chart.strips.size(); ++i) {
    PlotArea row = plot;
    row.top = kTop + static_cast<double>(i) * kStripHeight;
    row.height = kStripHeight;
    write_strip(out, row, chart, chart.strips[i]);
  }
  write_markers(out, plot, chart.markers);
  out << "</svg>\n";
}

}  // namespace msmireport
