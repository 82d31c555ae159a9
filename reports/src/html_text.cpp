#include "html_text.h"

#include <charconv>
#include <cmath>
#include <sstream>

namespace msmireport {
namespace {

// The length of the UTF-8 sequence starting at text[i], or 0 if it is not valid there.
std::size_t utf8_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = byte(i);
  std::size_t n = 0;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF)
    n = 2;
  else if (c >= 0xE0 && c <= 0xEF)
    n = 3;
  else if (c >= 0xF0 && c <= 0xF4)
    n = 4;
  else
    return 0;
  if (i + n > text.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  // Overlong three- and four-byte forms, surrogates and code points past U+10FFFF.
  if (c == 0xE0 && byte(i + 1) < 0xA0) return 0;
  if (c == 0xED && byte(i + 1) >= 0xA0) return 0;
  if (c == 0xF0 && byte(i + 1) < 0x90) return 0;
  if (c == 0xF4 && byte(i + 1) >= 0x90) return 0;
  return n;
}

}  // namespace

void write_escaped(std::ostream& out, std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    switch (c) {
      case '&':
        out << "&amp;";
        ++i;
        continue;
      case '<':
        out << "&lt;";
        ++i;
        continue;
      case '>':
        out << "&gt;";
        ++i;
        continue;
      case '"':
        out << "&quot;";
        ++i;
        continue;
      case '\'':
        out << "&#39;";
        ++i;
        continue;
      default:
        break;
    }
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      out << "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    if (u == 0x7F) {
      out << "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    const std::size_t n = utf8_length(text, i);
    if (n == 0) {
      out << "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    out << text.substr(i, n);
    i += n;
  }
}

std::string html_escape(std::string_view text) {
  std::ostringstream out;
  write_escaped(out, text);
  return out.str();
}

std::string fixed_decimals(double value, int decimals) {
  if (!std::isfinite(value)) value = 0.0;
  // -0.0 and values that round to zero print as "0.0", not "-0.0".
  const double scale = std::pow(10.0, decimals);
  if (std::round(std::fabs(value) * scale) == 0.0) value = 0.0;
  char buffer[64];
  const auto result =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, decimals);
  if (result.ec != std::errc()) return "0";
  return std::string(buffer, result.ptr);
}

std::string compact(double value) {
  std::string text = fixed_decimals(value, 2);
  if (text.find('.') == std::string::npos) return text;
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text;
}

std::string short_duration(std::int64_t us) {
  if (us < 0) return "-" + short_duration(-us);
  if (us == 0) return "0s";
  if (us < 1'000'000) {
    return us % 1000 == 0 ? std::to_string(us / 1000) + "ms" : std::to_string(us) + "us";
  }
  std::int64_t s = us / 1'000'000;
  const std::int64_t d = s / 86400;
  s %= 86400;
  const std::int64_t h = s / 3600;
  s %= 3600;
  const std::int64_t m = s / 60;
  s %= 60;
  std::string out;
  if (d > 0) out += std::to_string(d) + "d";
  if (h > 0) out += std::to_string(h) + "h";
  if (m > 0) out += std::to_string(m) + "m";
  if (s > 0 && d == 0) out += std::to_string(s) + "s";
  return out.empty() ? "0s" : out;
}

std::string shell_word(const std::string& arg) {
  if (!arg.empty() && arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                            "0123456789-_./=:,+") == std::string::npos) {
    return arg;
  }
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace msmireport
