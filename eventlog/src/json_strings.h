// The `strings` column of the events table: an event's insertion strings as a JSON array of
// strings, e.g. ["MSExchangeMTA","0x15"]. Private to eventlog (which does not link a JSON
// library); support engineers read the column with sqlite3's json_each().
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace msmilog {

// Encodes `strings` as a JSON array. '"' and '\' are escaped, control characters below 0x20
// become \u00XX (\n, \t … included), every other byte is copied as it is, so any byte string
// round-trips through decode_json_strings().
std::string encode_json_strings(const std::vector<std::string>& strings);

// Decodes a JSON array of strings (whitespace allowed between tokens; every JSON escape,
// \uXXXX with surrogate pairs becoming UTF-8). Returns false, with *out unspecified, for
// anything else: other value types, trailing text, an unpaired surrogate.
// REQUIRES: out != nullptr.
bool decode_json_strings(std::string_view json, std::vector<std::string>* out);

}  // namespace msmilog
