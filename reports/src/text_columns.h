// Small text helpers every renderer uses, so a column or a CSV field looks the same everywhere.
#pragma once

#include <cstdint>
#include <string>

namespace msmireport {

// Left-aligns `text` in a column of `width`, always leaving at least one blank after it.
std::string pad(std::string text, std::size_t width);

// `text` cut to `width` characters, the last three being "..." when anything was cut.
// REQUIRES: width >= 3.
std::string truncate(const std::string& text, std::size_t width);

// `text` as one CSV field: quoted, with quotes doubled, when it holds a comma, a quote or a
// line break; as it is otherwise.
std::string csv_field(const std::string& text);

// `value` with exactly `decimals` digits after the point ("75.5").
std::string fixed(double value, int decimals);

// Whole virtual seconds the way a person writes them: "1h", "15m", "90s".
std::string duration_text(std::int64_t us);

// "1 event", "2 events".
std::string plural(std::int64_t n, const std::string& noun);

}  // namespace msmireport
