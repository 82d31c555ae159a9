// A guard run over JSON a user wrote (a scenario, a KB signature, a store's recorded scenario
// text) before nlohmann parses it: nlohmann parses any depth, but printing or walking a value
// 100000 levels deep recurses past the end of the stack.
#pragma once

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

}  // namespace msmilog
