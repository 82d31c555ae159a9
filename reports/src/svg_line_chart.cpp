// render_line_chart: several series over a time axis, in the style of Performance Monitor.
#include <algorithm>
#include <cmath>
#include <map>

#include "html_text.h"
#include "msmireport/svg_chart.h"
#include "svg_axis.h"

namespace msmireport {
namespace {

constexpr double kWidth = 900.0;
constexpr double kPlotHeight = 180.0;
constexpr double kLeft = 52.0;
constexpr double kRight = 14.0;
constexpr double kTop = 24.0;
constexpr double kAxisHeight = 22.0;
constexpr double kLegendRow = 16.0;
constexpr std::size_t kLegendColumns = 4;
constexpr int kMaxTimeTicks = 10;
// Hover columns (one <title> per distinct time) are written up to this many times; past it the
// chart still draws every point, with one tooltip per series only.
constexpr std::size_t kMaxHoverColumns = 600;

// A round top for the y axis at or above `max` and its tick step (1, 2, 2.5 or 5 × 10^k, at
// most 5 intervals).
void nice_scale(double max, double* top, double* step) {
  if (!(max > 0.0)) max = 1.0;
  const double raw = max / 5.0;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double s = magnitude * 10.0;
  for (double f : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (f * magnitude >= raw) {
      s = f * magnitude;
      break;
    }
  }
  *step = s;
  *top = std::ceil(max / s - 1e-9) * s;
}

const char* colour_of(const ChartSeries& s, std::size_t position) {
  return series_colour(s.colour >= 0 ? static_cast<std::size_t>(s.colour) : position);
}

struct SeriesStats {
  double min = 0.0;
  double max = 0.0;
  double mean = 0.0;
};

SeriesStats stats_of(const ChartSeries& s) {
  SeriesStats st;
  if (s.points.empty()) return st;
  st.min = st.max = s.points.front().value;
  double sum = 0.0;
  for (const ChartPoint& p : s.points) {
    st.min = std::min(st.min, p.value);
    st.max = std::max(st.max, p.value);
    sum += p.value;
  }
  st.mean = sum / static_cast<double>(s.points.size());
  return st;
}

// The value series `s` shows at `time_us`, or false before its first point.
bool value_at(const ChartSeries& s, std::int64_t time_us, double* value) {
  const auto it =
      std::upper_bound(s.points.begin(), s.points.end(), time_us,
                       [](std::int64_t t, const ChartPoint& p) { return t < p.time_us; });
  if (it == s.points.begin()) return false;
  *value = std::prev(it)->value;
  return true;
}

void write_path(std::ostream& out, const PlotArea& plot, const ChartSeries& s, double y_top) {
  const auto y_of = [&](double v) {
    const double f = std::clamp(v / y_top, 0.0, 1.0);
    return plot.bottom() - f * plot.height;
  };
  out << "<path fill=\"none\" stroke-width=\"1.6\" d=\"";
  for (std::size_t i = 0; i < s.points.size(); ++i) {
    const ChartPoint& p = s.points[i];
    const std::string x = coord(plot.x_of(p.time_us));
    const std::string y = coord(y_of(p.value));
    if (i == 0) {
      out << "M" << x << " " << y;
    } else if (s.step) {
      out << "H" << x << "V" << y;
    } else {
      out << "L" << x << " " << y;
    }
  }
  if (s.step && !s.points.empty()) {
    // The last sample holds for one more interval (the one before it), within the axis.
    const std::int64_t last = s.points.back().time_us;
    const std::int64_t interval =
        s.points.size() > 1 ? last - s.points[s.points.size() - 2].time_us : 0;
    out << "H" << coord(plot.x_of(std::min(plot.axis.end_us, last + interval)));
  }
  out << "\"/>";
}

}  // namespace

void render_line_chart(const LineChart& chart, std::ostream& out) {
  PlotArea plot;
  plot.left = kLeft;
  plot.top = kTop;
  plot.width = kWidth - kLeft - kRight;
  plot.height = kPlotHeight;
  plot.axis = normalized(chart.axis);

  std::size_t points = 0;
  double max_value = 0.0;
  for (const ChartSeries& s : chart.series) {
    points += s.points.size();
    for (const ChartPoint& p : s.points) max_value = std::max(max_value, p.value);
  }
  double y_top = 0.0;
  double y_step = 0.0;
  if (chart.y_max && *chart.y_max > 0.0) {
    nice_scale(*chart.y_max, &y_top, &y_step);
    y_top = *chart.y_max;
  } else {
    nice_scale(max_value, &y_top, &y_step);
  }
  const std::size_t legend_rows = (chart.series.size() + kLegendColumns - 1) / kLegendColumns;
  const double height =
      kTop + kPlotHeight + kAxisHeight + static_cast<double>(legend_rows) * kLegendRow + 6.0;

  write_svg_open(out, chart.id, "line-chart", kWidth, height, chart.series.size(), points,
                 chart.title);

  // Frame, y grid and labels.
  out << "<rect x=\"" << coord(plot.left) << "\" y=\"" << coord(plot.top) << "\" width=\""
      << coord(plot.width) << "\" height=\"" << coord(plot.height)
      << "\" fill=\"#fff\" stroke=\"#999\"/>";
  out << "<g class=\"y-axis\" font-size=\"10\" fill=\"#444\">";
  for (double v = 0.0; v <= y_top + y_step * 1e-6; v += y_step) {
    const double y = plot.bottom() - v / y_top * plot.height;
    out << "<line x1=\"" << coord(plot.left) << "\" y1=\"" << coord(y) << "\" x2=\""
        << coord(plot.right()) << "\" y2=\"" << coord(y) << "\" stroke=\"#eee\"/>"
        << "<text x=\"" << coord(plot.left - 4) << "\" y=\"" << coord(y + 3)
        << "\" text-anchor=\"end\">" << compact(v) << "</text>";
  }
  out << "</g>";
  if (!chart.y_label.empty()) {
    out << "<text x=\"12\" y=\"" << coord(plot.top + plot.height / 2)
        << "\" font-size=\"10\" fill=\"#444\" text-anchor=\"middle\" transform=\"rotate(-90 12 "
        << coord(plot.top + plot.height / 2) << ")\">";
    write_escaped(out, chart.y_label);
    out << "</text>";
  }
  write_time_ticks(out, plot, kMaxTimeTicks);

  if (points == 0) {
    out << "<text class=\"no-data\" x=\"" << coord(plot.left + plot.width / 2) << "\" y=\""
        << coord(plot.top + plot.height / 2) << "\" font-size=\"12\" fill=\"#888\" "
        << "text-anchor=\"middle\">no data</text>";
  }

  // The series, each in a <g> with its figures as data attributes.
  for (std::size_t i = 0; i < chart.series.size(); ++i) {
    const ChartSeries& s = chart.series[i];
    const SeriesStats st = stats_of(s);
    out << "<g class=\"series\" data-name=\"";
    write_escaped(out, s.name);
    out << "\" data-run=\"" << s.run << "\" data-points=\"" << s.points.size() << "\" data-min=\""
        << compact(st.min) << "\" data-max=\"" << compact(st.max) << "\" data-mean=\""
        << fixed_decimals(st.mean, 1) << "\"";
    for (const auto& [key, value] : s.data) {
      out << " data-" << key << "=\"";
      write_escaped(out, value);
      out << "\"";
    }
    out << " stroke=\"" << colour_of(s, i) << "\"";
    if (s.run != 0) out << " stroke-dasharray=\"6 3\"";
    out << "><title>";
    write_escaped(out, s.name + ": min " + compact(st.min) + chart.y_unit + ", max " +
                           compact(st.max) + chart.y_unit + ", mean " + fixed_decimals(st.mean, 1) +
                           chart.y_unit);
    out << "</title>";
    if (!s.points.empty()) write_path(out, plot, s, y_top);
    out << "</g>";
  }

  write_markers(out, plot, chart.markers);

  // Hover columns: one invisible rectangle per distinct sample time, its tooltip the value of
  // every series there.
  std::map<std::int64_t, int> times;
  for (const ChartSeries& s : chart.series) {
    for (const ChartPoint& p : s.points) times.emplace(p.time_us, 0);
  }
  if (!times.empty() && times.size() <= kMaxHoverColumns) {
    out << "<g class=\"hover\" fill=\"#000\" fill-opacity=\"0\">";
    for (auto it = times.begin(); it != times.end(); ++it) {
      const auto next = std::next(it);
      const double x0 = plot.x_of(it->first);
      double x1 = next == times.end() ? plot.right() : plot.x_of(next->first);
      if (x1 - x0 < 1.0) x1 = x0 + 1.0;
      out << "<rect x=\"" << coord(x0) << "\" y=\"" << coord(plot.top) << "\" width=\""
          << coord(x1 - x0) << "\" height=\"" << coord(plot.height) << "\"><title>";
      write_escaped(out, time_label(plot.axis, it->first));
      for (const ChartSeries& s : chart.series) {
        double v = 0.0;
        if (!value_at(s, it->first, &v)) continue;
        out << "\n";
        write_escaped(out, s.name + ": " + compact(v) + chart.y_unit);
      }
      out << "</title></rect>";
    }
    out << "</g>";
  }

  // Legend.
  out << "<g class=\"legend\" font-size=\"11\" fill=\"#222\">";
  const double legend_top = plot.bottom() + kAxisHeight;
  const double column_width = (kWidth - kLeft) / static_cast<double>(kLegendColumns);
  for (std::size_t i = 0; i < chart.series.size(); ++i) {
    const double x = kLeft + static_cast<double>(i % kLegendColumns) * column_width;
    const double y = legend_top + static_cast<double>(i / kLegendColumns) * kLegendRow + 8.0;
    out << "<line x1=\"" << coord(x) << "\" y1=\"" << coord(y - 4) << "\" x2=\"" << coord(x + 18)
        << "\" y2=\"" << coord(y - 4) << "\" stroke=\"" << colour_of(chart.series[i], i)
        << "\" stroke-width=\"2.5\""
        << (chart.series[i].run != 0 ? " stroke-dasharray=\"6 3\"" : "") << "/><text x=\""
        << coord(x + 22) << "\" y=\"" << coord(y) << "\">";
    write_escaped(out, chart.series[i].name);
    out << "</text>";
  }
  out << "</g></svg>\n";
}

}  // namespace msmireport
