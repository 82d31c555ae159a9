#include "msmireport/format.h"

#include <cassert>
#include <cctype>
#include <string>

namespace msmireport {

namespace {

constexpr Format kFormats[] = {Format::kTable, Format::kCsv, Format::kJson};

}  // namespace

bool parse_format(std::string_view text, Format* format) {
  assert(format != nullptr);
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (Format f : kFormats) {
    if (lower == to_string(f)) {
      *format = f;
      return true;
    }
  }
  return false;
}

std::string_view to_string(Format format) {
  switch (format) {
    case Format::kTable:
      return "table";
    case Format::kCsv:
      return "csv";
    case Format::kJson:
      return "json";
  }
  return "table";  // not reached: every enumerator is named above
}

}  // namespace msmireport
