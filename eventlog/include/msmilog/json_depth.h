// Guards for JSON a user wrote (a scenario, a KB signature, a store's recorded scenario text).
// Before nlohmann parses it: nlohmann parses any depth, but printing or walking a value 100000
// levels deep recurses past the end of the stack. After nlohmann refused it: a number past a
// double's range is named, but not placed.
#pragma once

#include <string>
#include <string_view>

namespace msmilog {

// Deeper than any scenario or signature is written; what json_too_deep() refuses.
inline constexpr int kMaxJsonDepth = 256;

// The message for a file refused by json_too_deep().
inline constexpr const char* kJsonTooDeep = "nested too deeply (more than 256 levels of [ and {)";

// True when `text` nests '[' and '{' (outside strings) deeper than kMaxJsonDepth; *line and
// *column (1-based) are then where the bracket that goes too deep is. Does not otherwise check
// that `text` is JSON.
bool json_too_deep(std::string_view text, int* line, int* column);

// For nlohmann's out_of_range error 406, `what` = "… number overflow parsing '1E400'", thrown
// where parse_error would be expected: the number it names ("" if none), and *line and *column
// (1-based) of the number's first occurrence in `text` (1:1 if it is not found).
std::string json_number_too_large(std::string_view text, std::string_view what, int* line,
                                  int* column);

}  // namespace msmilog
