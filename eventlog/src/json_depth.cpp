#include "msmilog/json_depth.h"

namespace msmilog {

bool json_too_deep(std::string_view text, int* line, int* column) {
  int depth = 0;
  bool in_string = false;
  *line = 1;
  *column = 1;
  for (std::size_t i = 0; i < text.size(); ++i, ++*column) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
        ++*column;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
    if (c == '\n') {
      ++*line;
      *column = 0;
    }
  }
  return false;
}

std::string json_number_too_large(std::string_view text, std::string_view what, int* line,
                                  int* column) {
  *line = 1;
  *column = 1;
  const std::size_t open = what.find('\'');
  const std::size_t close = what.rfind('\'');
  if (open == std::string_view::npos || close <= open + 1) return "";
  const std::string_view number = what.substr(open + 1, close - open - 1);
  const std::size_t at = text.find(number);
  for (std::size_t i = 0; at != std::string_view::npos && i < at; ++i) {
    if (text[i] == '\n') {
      ++*line;
      *column = 1;
    } else {
      ++*column;
    }
  }
  return std::string(number);
}

}  // namespace msmilog
