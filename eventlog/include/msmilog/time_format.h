// ISO-8601 UTC timestamps and human durations, as the event store and the command line use them.
//
// Pure functions of their arguments: no time zone, no locale, no gmtime, no allocation except
// the returned string. Safe to call from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace msmilog {

// Formats microseconds since 1970-01-01T00:00:00Z as "YYYY-MM-DDTHH:MM:SS.mmmZ"
// (e.g. 864305753000000 -> "1997-05-22T12:55:53.000Z").
// Millisecond precision, truncated toward the past (-1 us -> "1969-12-31T23:59:59.999Z"), so
// the text sorts like the number. Always 24 characters for years 0000..9999 (every int64 value
// between -62167219200000000 and 253402300799999999); outside that range the year is written
// with as many digits as it needs and a leading '-' when negative.
std::string format_iso8601_utc(std::int64_t epoch_us);

// Parses a UTC timestamp into microseconds since the epoch. Accepted forms:
//   "YYYY-MM-DD"                       midnight
//   "YYYY-MM-DDTHH:MM"                 'T' may also be a single space
//   "YYYY-MM-DDTHH:MM:SS"
//   "YYYY-MM-DDTHH:MM:SS.f"            1 to 9 fraction digits; beyond microseconds truncated
// each optionally followed by 'Z' (or 'z'). Fields are fixed-width and range-checked (month
// 1..12, day valid for the month and leap year, hour 0..23, minute and second 0..59).
// Returns false and leaves *epoch_us unchanged for anything else (offsets such as +01:00,
// surrounding spaces, a trailing 'T').
// REQUIRES: epoch_us != nullptr.
bool parse_iso8601_utc(std::string_view text, std::int64_t* epoch_us);

// Parses a duration into microseconds: a sequence of <digits><unit> with units
// d, h, m, s, ms, us in that order, each at most once ("1h30m", "250ms", "1d", "90s", "2m500ms"),
// or a plain non-negative integer meaning seconds ("90").
// Returns false and leaves *us unchanged for an empty string, a sign, spaces, fractions,
// unknown or repeated or out-of-order units, or a value that does not fit in int64.
// REQUIRES: us != nullptr.
bool parse_duration_us(std::string_view text, std::int64_t* us);

}  // namespace msmilog
