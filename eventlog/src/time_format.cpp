#include "msmilog/time_format.h"

#include <array>

namespace msmilog {
namespace {

constexpr std::int64_t kUsPerSecond = 1'000'000;
constexpr std::int64_t kUsPerMinute = 60 * kUsPerSecond;
constexpr std::int64_t kUsPerHour = 60 * kUsPerMinute;
constexpr std::int64_t kUsPerDay = 24 * kUsPerHour;

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian calendar,
// http://howardhinnant.github.io/date_algorithms.html). Day 0 is 1970-01-01. Valid for every
// day count an int64 microsecond value can produce (|days| < 1.1e8).
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);                 // [0, 399]
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  // [0, 365]
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            // [0, 146096]
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct CivilDate {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

constexpr CivilDate civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);                    // [0, 146096]
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);  // [0, 365]
  const unsigned mp = (5 * doy + 2) / 153;                       // [0, 11]
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;               // [1, 31]
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;                  // [1, 12]
  return {y + (m <= 2), m, d};
}

static_assert(days_from_civil(1970, 1, 1) == 0);
static_assert(days_from_civil(2000, 3, 1) == 11017);
static_assert(civil_from_days(-1).year == 1969 && civil_from_days(-1).day == 31);

constexpr bool is_leap(std::int64_t y) {
  return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

constexpr unsigned days_in_month(std::int64_t y, unsigned m) {
  constexpr std::array<unsigned, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return (m == 2 && is_leap(y)) ? 29 : kDays[m - 1];
}

// Writes `value` as exactly `width` decimal digits. REQUIRES 0 <= value < 10^width.
void put_digits(char* out, std::uint64_t value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

void append_year(std::string* out, std::int64_t year) {
  if (year >= 0 && year <= 9999) {
    char digits[4];
    put_digits(digits, static_cast<std::uint64_t>(year), 4);
    out->append(digits, 4);
    return;
  }
  // Outside 0000..9999: sign and as many digits as needed. |year| < 3e5 for any int64 input.
  std::uint64_t magnitude =
      year < 0 ? static_cast<std::uint64_t>(-(year + 1)) + 1 : static_cast<std::uint64_t>(year);
  if (year < 0) out->push_back('-');
  char digits[20];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude != 0);
  while (n < 4) digits[n++] = '0';
  while (n > 0) out->push_back(digits[--n]);
}

// Reads exactly `width` digits at text[*pos]; advances *pos. False if any is not a digit.
bool read_fixed(std::string_view text, std::size_t* pos, int width, unsigned* value) {
  if (text.size() < *pos + static_cast<std::size_t>(width)) return false;
  unsigned v = 0;
  for (int i = 0; i < width; ++i) {
    const char c = text[*pos + static_cast<std::size_t>(i)];
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  *pos += static_cast<std::size_t>(width);
  *value = v;
  return true;
}

bool expect(std::string_view text, std::size_t* pos, char c) {
  if (*pos >= text.size() || text[*pos] != c) return false;
  ++*pos;
  return true;
}

}  // namespace

std::string format_iso8601_utc(std::int64_t epoch_us) {
  // Floor division: the time of day is always non-negative, days round toward the past.
  std::int64_t days = epoch_us / kUsPerDay;
  std::int64_t rem = epoch_us % kUsPerDay;
  if (rem < 0) {
    rem += kUsPerDay;
    --days;
  }
  const CivilDate date = civil_from_days(days);
  const auto time_of_day = static_cast<std::uint64_t>(rem);

  std::string out;
  out.reserve(24);
  append_year(&out, date.year);
  char rest[20];  // "-MM-DDTHH:MM:SS.mmmZ"
  rest[0] = '-';
  put_digits(rest + 1, date.month, 2);
  rest[3] = '-';
  put_digits(rest + 4, date.day, 2);
  rest[6] = 'T';
  put_digits(rest + 7, time_of_day / kUsPerHour, 2);
  rest[9] = ':';
  put_digits(rest + 10, time_of_day / kUsPerMinute % 60, 2);
  rest[12] = ':';
  put_digits(rest + 13, time_of_day / kUsPerSecond % 60, 2);
  rest[15] = '.';
  put_digits(rest + 16, time_of_day / 1000 % 1000, 3);
  rest[19] = 'Z';
  out.append(rest, sizeof rest);
  return out;
}

bool parse_iso8601_utc(std::string_view text, std::int64_t* epoch_us) {
  std::size_t pos = 0;
  unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!read_fixed(text, &pos, 4, &year) || !expect(text, &pos, '-') ||
      !read_fixed(text, &pos, 2, &month) || !expect(text, &pos, '-') ||
      !read_fixed(text, &pos, 2, &day)) {
    return false;
  }
  std::int64_t fraction_us = 0;
  if (pos < text.size() && (text[pos] == 'T' || text[pos] == ' ')) {
    ++pos;
    if (!read_fixed(text, &pos, 2, &hour) || !expect(text, &pos, ':') ||
        !read_fixed(text, &pos, 2, &minute)) {
      return false;
    }
    if (pos < text.size() && text[pos] == ':') {
      ++pos;
      if (!read_fixed(text, &pos, 2, &second)) return false;
      if (pos < text.size() && text[pos] == '.') {
        ++pos;
        int digits = 0;
        std::int64_t scale = 100'000;  // weight of the next digit in microseconds
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
          if (++digits > 9) return false;
          fraction_us += (text[pos] - '0') * scale;
          scale /= 10;
          ++pos;
        }
        if (digits == 0) return false;
      }
    }
  }
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) ++pos;
  if (pos != text.size()) return false;

  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 ||
      minute > 59 || second > 59) {
    return false;
  }
  *epoch_us = days_from_civil(year, month, day) * kUsPerDay + hour * kUsPerHour +
              minute * kUsPerMinute + second * kUsPerSecond + fraction_us;
  return true;
}

bool parse_duration_us(std::string_view text, std::int64_t* us) {
  struct Unit {
    std::string_view name;
    std::int64_t us;
  };
  // Largest first: components must appear in this order, each at most once.
  constexpr std::array<Unit, 6> kUnits = {{{"d", kUsPerDay},
                                           {"h", kUsPerHour},
                                           {"m", kUsPerMinute},
                                           {"s", kUsPerSecond},
                                           {"ms", 1000},
                                           {"us", 1}}};
  if (text.empty()) return false;

  std::int64_t total = 0;
  std::size_t next_unit = 0;  // index of the smallest-but-allowed unit
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::int64_t number = 0;
    const std::size_t digits_start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (__builtin_mul_overflow(number, 10, &number) ||
          __builtin_add_overflow(number, text[pos] - '0', &number)) {
        return false;
      }
      ++pos;
    }
    if (pos == digits_start) return false;  // a unit without a number, a sign, a space …
    const std::size_t unit_start = pos;
    while (pos < text.size() && (text[pos] < '0' || text[pos] > '9')) ++pos;
    const std::string_view unit_name = text.substr(unit_start, pos - unit_start);

    std::int64_t unit_us = 0;
    if (unit_name.empty()) {
      // A bare number is seconds, but only as the whole text ("90", not "1m30").
      if (digits_start != 0 || pos != text.size()) return false;
      unit_us = kUsPerSecond;
    } else {
      std::size_t i = next_unit;
      while (i < kUnits.size() && kUnits[i].name != unit_name) ++i;
      if (i == kUnits.size()) return false;  // unknown, repeated or out of order
      unit_us = kUnits[i].us;
      next_unit = i + 1;
    }
    std::int64_t part = 0;
    if (__builtin_mul_overflow(number, unit_us, &part) ||
        __builtin_add_overflow(total, part, &total)) {
      return false;
    }
  }
  *us = total;
  return true;
}

}  // namespace msmilog
