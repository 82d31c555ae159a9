// Case-insensitive comparison of ASCII letters, the way Windows compares event source names and
// the way Event Viewer's exports spell types and categories in any case.
#pragma once

#include <algorithm>
#include <string_view>

namespace msmilog {

inline char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

inline bool ascii_iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return ascii_lower(x) == ascii_lower(y);
         });
}

}  // namespace msmilog
