#include "svg_axis.h"

#include <algorithm>
#include <array>

#include "html_text.h"
#include "msmilog/time_format.h"

namespace msmireport {
namespace {

constexpr std::int64_t kSecond = 1'000'000;
constexpr std::int64_t kMinute = 60 * kSecond;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDay = 24 * kHour;

// Round tick steps; a day divides by each, so clock ticks fall on round times of day.
constexpr std::array<std::int64_t, 20> kSteps = {
    kSecond,     2 * kSecond, 5 * kSecond,  10 * kSecond, 15 * kSecond, 30 * kSecond, kMinute,
    2 * kMinute, 5 * kMinute, 10 * kMinute, 15 * kMinute, 30 * kMinute, kHour,        2 * kHour,
    3 * kHour,   6 * kHour,   12 * kHour,   kDay,         2 * kDay,     7 * kDay};

// The first multiple of `step` (counted from `origin`) at or after `time`.
std::int64_t first_multiple(std::int64_t time, std::int64_t origin, std::int64_t step) {
  std::int64_t k = (time - origin) / step;
  if (origin + k * step < time) ++k;
  return origin + k * step;
}

}  // namespace

double PlotArea::x_of(std::int64_t time_us) const {
  const double span = static_cast<double>(axis.end_us - axis.start_us);
  double f = static_cast<double>(time_us - axis.start_us) / span;
  f = std::clamp(f, 0.0, 1.0);
  return left + f * width;
}

TimeAxis normalized(TimeAxis axis) {
  if (axis.end_us <= axis.start_us) axis.end_us = axis.start_us + kSecond;
  return axis;
}

std::vector<std::int64_t> time_ticks(const TimeAxis& raw, int max_ticks) {
  const TimeAxis axis = normalized(raw);
  const std::int64_t span = axis.end_us - axis.start_us;
  std::int64_t step = kSteps.back();
  for (std::int64_t s : kSteps) {
    if (span / s + 1 <= max_ticks) {
      step = s;
      break;
    }
  }
  while (span / step + 1 > max_ticks) step *= 2;  // beyond weeks
  const std::int64_t origin = axis.labels == TimeLabels::kVirtual ? axis.label_origin_us : 0;
  std::vector<std::int64_t> ticks;
  for (std::int64_t t = first_multiple(axis.start_us, origin, step); t <= axis.end_us; t += step) {
    ticks.push_back(t);
  }
  return ticks;
}

std::string time_label(const TimeAxis& axis, std::int64_t time_us) {
  if (axis.labels == TimeLabels::kVirtual) return short_duration(time_us - axis.label_origin_us);
  const std::string iso = msmilog::format_iso8601_utc(time_us);  // YYYY-MM-DDTHH:MM:SS.mmmZ
  if (iso.size() < 19) return iso;
  return time_us % kMinute == 0 ? iso.substr(11, 5) : iso.substr(11, 8);
}

void write_time_ticks(std::ostream& out, const PlotArea& plot, int max_ticks) {
  std::string last_date;
  out << "<g class=\"x-axis\" font-size=\"10\" fill=\"#444\">";
  for (std::int64_t t : time_ticks(plot.axis, max_ticks)) {
    const std::string x = coord(plot.x_of(t));
    out << "<line x1=\"" << x << "\" y1=\"" << coord(plot.top) << "\" x2=\"" << x << "\" y2=\""
        << coord(plot.bottom() + 4) << "\" stroke=\"#ddd\"/>";
    std::string label = time_label(plot.axis, t);
    if (plot.axis.labels == TimeLabels::kClock) {
      const std::string iso = msmilog::format_iso8601_utc(t);
      const std::string date = iso.substr(0, 10);
      if (date != last_date) label = iso.substr(5, 5) + " " + label;
      last_date = date;
    }
    out << "<text x=\"" << x << "\" y=\"" << coord(plot.bottom() + 15)
        << "\" text-anchor=\"middle\">";
    write_escaped(out, label);
    out << "</text>";
  }
  out << "</g>";
}

void write_markers(std::ostream& out, const PlotArea& plot,
                   const std::vector<ChartMarker>& markers) {
  if (markers.empty()) return;
  out << "<g class=\"markers\" font-size=\"9\">";
  // Labels of markers close together (a crash a second after a start, two runs' markers at
  // one time) go on the next free line below instead of over each other.
  constexpr int kLabelLines = 3;
  constexpr double kCharWidth = 5.0;  // of the 9-unit sans-serif font, roughly
  double line_end[kLabelLines];
  for (double& end : line_end) end = -1e9;
  for (const ChartMarker& m : markers) {
    if (m.time_us < plot.axis.start_us || m.time_us > plot.axis.end_us) continue;
    const double label_x = plot.x_of(m.time_us) + 2;
    int line = 0;
    while (line < kLabelLines - 1 && label_x < line_end[line] + 3) ++line;
    line_end[line] = label_x + kCharWidth * static_cast<double>(m.label.size());
    const char* colour = m.kind == "crash" ? "#c62828" : "#555";
    const std::string x = coord(plot.x_of(m.time_us));
    out << "<g class=\"marker marker-";
    write_escaped(out, m.kind);
    out << "\" data-time-us=\"" << m.time_us << "\" data-run=\"" << m.run << "\"><title>";
    write_escaped(out, m.title.empty() ? m.label : m.title);
    out << "</title><line x1=\"" << x << "\" y1=\"" << coord(plot.top) << "\" x2=\"" << x
        << "\" y2=\"" << coord(plot.bottom()) << "\" stroke=\"" << colour
        << "\" stroke-width=\"1.5\" stroke-dasharray=\"" << (m.run == 0 ? "4 2" : "1 2")
        << "\"/><text x=\"" << coord(label_x) << "\" y=\"" << coord(plot.top + 9 + 9 * line)
        << "\" fill=\"" << colour << "\">";
    write_escaped(out, m.label);
    out << "</text></g>";
  }
  out << "</g>";
}

const char* series_colour(std::size_t index) {
  // Distinguishable on screen and in greyscale print (alternating dark and light).
  static constexpr const char* kPalette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                             "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
  return kPalette[index % (sizeof kPalette / sizeof kPalette[0])];
}

std::string coord(double value) {
  return fixed_decimals(value, 1);
}

void write_svg_open(std::ostream& out, const std::string& id, const char* kind, double width,
                    double height, std::size_t series, std::size_t points,
                    const std::string& title) {
  out << "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"";
  write_escaped(out, id);
  out << "\" class=\"chart " << kind << "\" viewBox=\"0 0 " << coord(width) << " " << coord(height)
      << "\" width=\"" << coord(width) << "\" height=\"" << coord(height)
      << "\" role=\"img\" font-family=\"sans-serif\" data-series=\"" << series
      << "\" data-points=\"" << points << "\"><title>";
  write_escaped(out, title);
  out << "</title><text x=\"4\" y=\"14\" font-size=\"12\" font-weight=\"bold\" fill=\"#222\">";
  write_escaped(out, title);
  out << "</text>";
}

}  // namespace msmireport
