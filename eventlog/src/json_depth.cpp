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

}  // namespace msmilog
