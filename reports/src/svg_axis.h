// What the two SVG chart kinds share: the plot area, the time axis's ticks, markers, colours.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "msmireport/svg_chart.h"

namespace msmireport {

// The plot rectangle in SVG user units and the time axis mapped onto its width.
struct PlotArea {
  double left = 0.0;
  double top = 0.0;
  double width = 0.0;
  double height = 0.0;
  TimeAxis axis;

  // The x coordinate of `time_us`, clamped to the plot.
  double x_of(std::int64_t time_us) const;
  double right() const { return left + width; }
  double bottom() const { return top + height; }
};

// The axis with end_us > start_us (a degenerate one is widened to one second).
TimeAxis normalized(TimeAxis axis);

// Tick times for `axis`: a round step (1s … 7d) giving at most `max_ticks` ticks.
std::vector<std::int64_t> time_ticks(const TimeAxis& axis, int max_ticks);

// Vertical grid lines and labels of the ticks under the plot.
void write_time_ticks(std::ostream& out, const PlotArea& plot, int max_ticks);

// The markers as vertical lines over the plot with a label at the top and a <title>.
void write_markers(std::ostream& out, const PlotArea& plot,
                   const std::vector<ChartMarker>& markers);

// The colour of series `index` (a fixed palette, repeated).
const char* series_colour(std::size_t index);

// An SVG coordinate with one decimal.
std::string coord(double value);

// The <svg> opening tag's common part and the chart's title text.
void write_svg_open(std::ostream& out, const std::string& id, const char* kind, double width,
                    double height, std::size_t series, std::size_t points,
                    const std::string& title);

}  // namespace msmireport
