#include "text_columns.h"

#include <cassert>
#include <cstdio>

namespace msmireport {

std::string pad(std::string text, std::size_t width) {
  text.append(text.size() < width ? width - text.size() : 1, ' ');
  return text;
}

std::string truncate(const std::string& text, std::size_t width) {
  assert(width >= 3);
  return text.size() <= width ? text : text.substr(0, width - 3) + "...";
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string fixed(double value, int decimals) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

std::string duration_text(std::int64_t us) {
  const std::int64_t s = us / 1'000'000;
  char buffer[32];
  if (s % 3600 == 0 && s >= 3600)
    std::snprintf(buffer, sizeof buffer, "%lldh", static_cast<long long>(s / 3600));
  else if (s % 60 == 0 && s >= 60)
    std::snprintf(buffer, sizeof buffer, "%lldm", static_cast<long long>(s / 60));
  else
    std::snprintf(buffer, sizeof buffer, "%llds", static_cast<long long>(s));
  return buffer;
}

std::string plural(std::int64_t n, const std::string& noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

}  // namespace msmireport
