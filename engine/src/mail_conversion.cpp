#include "mail_conversion.h"

#include <charconv>
#include <chrono>
#include <cstdio>

namespace msmi {
namespace {

bool number(std::string_view text, int* out) {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

bool valid(const ReceiptDate& d) {
  return d.month >= 1 && d.month <= 12 && d.day >= 1 && d.day <= 31 && d.hour >= 0 &&
         d.hour <= 23 && d.minute >= 0 && d.minute <= 59;
}

int full_year(int two_digits) {
  return two_digits < 70 ? 2000 + two_digits : 1900 + two_digits;
}

// "05-22-97 12:55", read the way the original code read it: each field at a fixed offset.
bool parse_pc_date(std::string_view text, ReceiptDate* out) {
  if (text.size() != 14 || text[2] != '-' || text[5] != '-' || text[8] != ' ' || text[11] != ':')
    return false;
  ReceiptDate d;
  int year = 0;
  if (!number(text.substr(0, 2), &d.month) || !number(text.substr(3, 2), &d.day) ||
      !number(text.substr(6, 2), &year) || !number(text.substr(9, 2), &d.hour) ||
      !number(text.substr(12, 2), &d.minute)) {
    return false;
  }
  d.year = full_year(year);
  if (!valid(d)) return false;
  *out = d;
  return true;
}

// "5/22/97 12:55 PM": month, day and hour without leading zeros, a 12-hour clock.
bool parse_mac_date(std::string_view text, ReceiptDate* out) {
  const std::size_t slash1 = text.find('/');
  const std::size_t slash2 = text.find('/', slash1 + 1);
  const std::size_t space1 = text.find(' ');
  const std::size_t colon = text.find(':');
  const std::size_t space2 = text.rfind(' ');
  if (slash1 == std::string_view::npos || slash2 == std::string_view::npos ||
      space1 == std::string_view::npos || colon == std::string_view::npos || space2 == space1 ||
      !(slash2 < space1 && space1 < colon && colon < space2)) {
    return false;
  }
  ReceiptDate d;
  int year = 0;
  if (!number(text.substr(0, slash1), &d.month) ||
      !number(text.substr(slash1 + 1, slash2 - slash1 - 1), &d.day) ||
      !number(text.substr(slash2 + 1, space1 - slash2 - 1), &year) ||
      !number(text.substr(space1 + 1, colon - space1 - 1), &d.hour) ||
      !number(text.substr(colon + 1, space2 - colon - 1), &d.minute)) {
    return false;
  }
  const std::string_view half = text.substr(space2 + 1);
  if (d.hour < 1 || d.hour > 12 || (half != "AM" && half != "PM")) return false;
  d.hour = d.hour % 12 + (half == "PM" ? 12 : 0);
  d.year = full_year(year);
  if (!valid(d)) return false;
  *out = d;
  return true;
}

}  // namespace

std::string converted_subject(const P1Envelope& envelope, const MaiContent& content, bool q156844) {
  const bool note = envelope.message_class.empty() || envelope.message_class == kNoteClass;
  // The defect: for every other class the subject was mapped from the FIPS header.
  if (q156844 && !note && !envelope.header_subject.empty()) return envelope.header_subject;
  return content.subject;
}

std::int64_t converted_sent_us(const P1Envelope& envelope, std::int64_t now_us, bool q161933) {
  if (q161933) return now_us;  // the defect: stamped when converted
  return envelope.sent_us.value_or(envelope.submitted_us);
}

std::string ms_mail_date(std::int64_t time_us, std::int64_t origin_us) {
  using namespace std::chrono;
  const sys_time<microseconds> when{microseconds(origin_us + time_us)};
  const sys_days day = floor<days>(when);
  const year_month_day ymd{day};
  const hh_mm_ss<minutes> clock{floor<minutes>(when - day)};
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%02u-%02u-%02d %02d:%02d",
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(ymd.year()) % 100, static_cast<int>(clock.hours().count()),
                static_cast<int>(clock.minutes().count()));
  return buffer;
}

std::vector<std::string> conversion_note(const P1Envelope& envelope, std::string_view message_id,
                                         std::string_view subject, std::int64_t sent_us,
                                         std::int64_t now_us, std::int64_t origin_us) {
  const std::string_view message_class =
      envelope.message_class.empty() ? kNoteClass : std::string_view(envelope.message_class);
  return {std::string(subject),
          std::string(message_id),
          std::string(message_class),
          ms_mail_date(sent_us, origin_us),
          ms_mail_date(now_us, origin_us),
          ms_mail_date(envelope.submitted_us, origin_us)};
}

bool parse_receipt_date(std::string_view text, bool q214565, ReceiptDate* out) {
  if (parse_pc_date(text, out)) return true;
  return !q214565 && parse_mac_date(text, out);
}

}  // namespace msmi
