#include "export_date_time.h"

#include <cassert>
#include <cctype>

namespace msmilog {
namespace {

// Reads 1..max_digits digits at *pos.
bool read_number(std::string_view text, std::size_t* pos, std::size_t max_digits, int* value,
                 std::size_t* digits) {
  std::size_t n = 0;
  int v = 0;
  while (*pos < text.size() && std::isdigit(static_cast<unsigned char>(text[*pos])) &&
         n < max_digits) {
    v = v * 10 + (text[*pos] - '0');
    ++*pos;
    ++n;
  }
  if (n == 0) return false;
  *value = v;
  if (digits != nullptr) *digits = n;
  return true;
}

bool is_date_separator(char c) {
  return c == '/' || c == '.' || c == '-';
}

// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (Howard Hinnant's
// days_from_civil).
std::int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<std::int64_t>(era) * 146097 + doe - 719468;
}

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

}  // namespace

bool split_export_date(std::string_view text, ExportDate* out) {
  std::size_t pos = 0;
  int a = 0, b = 0, c = 0;
  std::size_t a_digits = 0, c_digits = 0;
  if (!read_number(text, &pos, 4, &a, &a_digits)) return false;
  if (pos >= text.size() || !is_date_separator(text[pos])) return false;
  const char separator = text[pos++];
  if (!read_number(text, &pos, 2, &b, nullptr)) return false;
  if (pos >= text.size() || text[pos] != separator) return false;
  ++pos;
  if (!read_number(text, &pos, 4, &c, &c_digits)) return false;
  if (pos != text.size()) return false;
  ExportDate date;
  if (a_digits == 4) {
    if (c_digits > 2) return false;
    date = ExportDate{b, c, a, true};
  } else {
    if (a_digits > 2 || (c_digits != 2 && c_digits != 4)) return false;
    const int year = c_digits == 2 ? (c < 70 ? 2000 + c : 1900 + c) : c;
    date = ExportDate{a, b, year, false};
  }
  if (date.first < 1 || date.first > 31 || date.second < 1 || date.second > 31) return false;
  *out = date;
  return true;
}

DateOrder date_evidence(const ExportDate& date) {
  if (date.year_first) return DateOrder::kAuto;
  if (date.first > 12 && date.second <= 12) return DateOrder::kDayMonth;
  if (date.second > 12 && date.first <= 12) return DateOrder::kMonthDay;
  return DateOrder::kAuto;
}

bool date_is_ambiguous(const ExportDate& date) {
  return !date.year_first && date.first <= 12 && date.second <= 12 && date.first != date.second;
}

bool export_date_to_us(const ExportDate& date, DateOrder order, std::int64_t* midnight_us) {
  int month = date.first;
  int day = date.second;
  if (!date.year_first) {
    assert(order != DateOrder::kAuto || date.first == date.second);
    if (order == DateOrder::kDayMonth) std::swap(month, day);
  }
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(date.year, month)) return false;
  *midnight_us = days_from_civil(date.year, month, day) * 86400LL * 1000000LL;
  return true;
}

bool parse_export_time(std::string_view text, std::int64_t* us) {
  std::size_t pos = 0;
  int hour = 0, minute = 0, second = 0;
  if (!read_number(text, &pos, 2, &hour, nullptr)) return false;
  if (pos >= text.size() || text[pos++] != ':') return false;
  std::size_t digits = 0;
  if (!read_number(text, &pos, 2, &minute, &digits) || digits != 2) return false;
  if (pos < text.size() && text[pos] == ':') {
    ++pos;
    if (!read_number(text, &pos, 2, &second, &digits) || digits != 2) return false;
  }
  std::string_view suffix = text.substr(pos);
  while (!suffix.empty() && suffix.front() == ' ') suffix.remove_prefix(1);
  std::string marker;
  for (char c : suffix) {
    if (c != '.') marker.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  if (marker.empty()) {
    if (hour > 23) return false;
  } else if (marker == "am" || marker == "pm") {
    if (hour < 1 || hour > 12) return false;
    hour = hour % 12 + (marker == "pm" ? 12 : 0);
  } else {
    return false;
  }
  if (minute > 59 || second > 59) return false;
  *us = ((hour * 60LL + minute) * 60LL + second) * 1000000LL;
  return true;
}

}  // namespace msmilog

namespace msmilog {

CivilTime civil_from_us(std::int64_t us) {
  constexpr std::int64_t kDayUs = 86400LL * 1000000LL;
  std::int64_t days = us / kDayUs;
  std::int64_t rest = us % kDayUs;
  if (rest < 0) {
    rest += kDayUs;
    --days;
  }
  // Howard Hinnant's civil_from_days.
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  CivilTime t;
  t.year = static_cast<int>(yoe + era * 400 + (m <= 2 ? 1 : 0));
  t.month = static_cast<int>(m);
  t.day = static_cast<int>(d);
  const std::int64_t seconds = rest / 1000000LL;
  t.hour = static_cast<int>(seconds / 3600);
  t.minute = static_cast<int>(seconds / 60 % 60);
  t.second = static_cast<int>(seconds % 60);
  return t;
}

}  // namespace msmilog
