// The machine-readable and human formats a listing can be rendered in (--format).
#pragma once

#include <string_view>

namespace msmireport {

enum class Format {
  kTable,  // aligned columns for a terminal
  kCsv,    // RFC 4180: a header line, fields quoted when they hold a comma, quote or line break
  kJson,   // an array of objects, one per row
};

// Parses "table", "csv" or "json" in any case into *format. Returns false and leaves *format
// unchanged for anything else. REQUIRES: format != nullptr.
bool parse_format(std::string_view text, Format* format);

// "table", "csv", "json".
std::string_view to_string(Format format);

}  // namespace msmireport
