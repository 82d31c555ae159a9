// Dates and times as Event Viewer's CSV and NT's text exports write them: the exporting
// machine's short date and time, in its locale and its time zone.
//
//   dates  "5/22/97", "22/05/1997", "22.05.1997", "5-22-1997" (day/month or month/day, 2- or
//          4-digit year; 97 -> 1997, 05 -> 2005: a 2-digit year below 70 is 20xx), and the
//          year-first "1997-05-22" of ISO locales, which is never ambiguous.
//   times  "9:00:00 AM", "12:05:09 PM" (12-hour, "AM"/"PM" in any case, "a.m." too), or
//          "21:00:00" / "21:00" (24-hour).
//
// The text carries no time zone: the importers store local times as if they were UTC.
// Private to eventlog.
#pragma once

#include <cstdint>
#include <string_view>

#include "msmilog/log_reader.h"

namespace msmilog {

struct ExportDate {
  int first = 0;   // day or month (the month when year_first)
  int second = 0;  // month or day (the day when year_first)
  int year = 0;    // four digits
  bool year_first = false;
};

// Splits a date into its numbers. False when `text` is not a date of the forms above (a field
// out of 1..31, a missing separator, letters).
bool split_export_date(std::string_view text, ExportDate* out);

// What the date tells about the file's order: kDayMonth when the first number can only be a day
// (> 12), kMonthDay when the second can only be a day, kAuto when it does not decide (both ≤ 12,
// or year-first).
DateOrder date_evidence(const ExportDate& date);

// True when the two readings differ (both numbers ≤ 12 and unequal, not year-first).
bool date_is_ambiguous(const ExportDate& date);

// Microseconds from 1970-01-01 to midnight of the date read in `order`. False when the date is
// invalid in that order (month 13, 31 April, 29 February of a common year).
// REQUIRES: order != DateOrder::kAuto unless date.year_first or the numbers are equal.
bool export_date_to_us(const ExportDate& date, DateOrder order, std::int64_t* midnight_us);

// Microseconds since midnight. False for anything but the forms above.
bool parse_export_time(std::string_view text, std::int64_t* us);

}  // namespace msmilog

namespace msmilog {

// The calendar fields of microseconds since 1970-01-01 (floored: -1 us is 23:59:59 of
// 31 December 1969).
struct CivilTime {
  int year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0;
};
CivilTime civil_from_us(std::int64_t us);

}  // namespace msmilog
