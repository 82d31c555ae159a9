// Text helpers of the HTML and SVG renderers: escaping and locale-free number formatting, so
// the same data gives the same bytes on every host.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

namespace msmireport {

// Writes `text` with & < > " ' escaped, fit for element content and quoted attribute values.
// Bytes that are not valid UTF-8 and control characters other than tab and line breaks become
// U+FFFD, so text from an imported customer log cannot break the page.
void write_escaped(std::ostream& out, std::string_view text);
std::string html_escape(std::string_view text);

// `value` with exactly `decimals` digits after the point ("12.5", "0.0"); no exponent, no
// locale; NaN and infinities as "0".
std::string fixed_decimals(double value, int decimals);

// `value` with its fraction digits trimmed: 12.50 -> "12.5", 3.0 -> "3", at most 2 decimals.
std::string compact(double value);

// `arg` as one POSIX shell word (quoted when it needs it), for the commands a page prints.
std::string shell_word(const std::string& arg);

// Microseconds as a short duration: "0s", "45s", "15m", "1h30m", "2d4h", "250ms".
std::string short_duration(std::int64_t us);

}  // namespace msmireport
