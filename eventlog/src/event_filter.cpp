// The text forms of EventFilter's parts, as the command line gives them.

#include "msmilog/event_filter.h"

#include <cassert>
#include <charconv>

#include "msmilog/time_format.h"

namespace msmilog {
namespace {

constexpr int kMaxEventId = 65535;

bool parse_number(std::string_view text, std::int64_t* out) {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

bool parse_event_id(std::string_view text, int* out) {
  std::int64_t value = 0;
  if (text.empty() || text[0] == '-' || text[0] == '+' || !parse_number(text, &value) ||
      value > kMaxEventId) {
    return false;
  }
  *out = static_cast<int>(value);
  return true;
}

constexpr struct {
  CountField field;
  std::string_view name;
} kCountFieldNames[] = {
    {CountField::kEventId, "event_id"}, {CountField::kSource, "source"},
    {CountField::kType, "type"},        {CountField::kCategory, "category"},
    {CountField::kThread, "thread"},    {CountField::kComputer, "computer"},
    {CountField::kHour, "hour"},        {CountField::kDay, "day"},
    {CountField::kRun, "run"},          {CountField::kMessage, "message"},
    {CountField::kEventId, "id"},       {CountField::kMessage, "message_id"},
    {CountField::kRun, "run_id"},
};

}  // namespace

std::string EventCursor::to_string() const {
  return std::to_string(run_id) + "/" + std::to_string(seq);
}

bool EventCursor::parse(std::string_view text, EventCursor* out) {
  assert(out != nullptr);
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) return false;
  EventCursor cursor;
  if (!parse_number(text.substr(0, slash), &cursor.run_id) ||
      !parse_number(text.substr(slash + 1), &cursor.seq) || cursor.run_id < 0 || cursor.seq < 0) {
    return false;
  }
  *out = cursor;
  return true;
}

msmi::Status add_event_id_spec(std::string_view spec, EventFilter* filter) {
  assert(filter != nullptr);
  EventFilter added;
  std::size_t begin = 0;
  while (begin <= spec.size()) {
    std::size_t end = spec.find(',', begin);
    if (end == std::string_view::npos) end = spec.size();
    std::string_view part = spec.substr(begin, end - begin);
    const std::string_view whole = part;
    const auto bad = [&](const char* why) {
      return msmi::Status::InvalidArgument("event ID '" + std::string(whole) + "' in '" +
                                           std::string(spec) + "': " + why);
    };
    const bool exclude = !part.empty() && part[0] == '!';
    if (exclude) part.remove_prefix(1);
    EventIdRange range;
    const std::size_t dash = part.find('-', 1);
    if (dash == std::string_view::npos) {
      if (!parse_event_id(part, &range.first)) {
        return bad("expected an ID 0-65535, a range 2300-2399, or !ID to exclude");
      }
      range.last = range.first;
    } else if (!parse_event_id(part.substr(0, dash), &range.first) ||
               !parse_event_id(part.substr(dash + 1), &range.last)) {
      return bad("expected a range of IDs 0-65535 such as 2300-2399");
    } else if (range.first > range.last) {
      return bad("the range ends before it starts");
    }
    if (exclude) {
      added.excluded_event_ids.push_back(range);
    } else if (range.first == range.last) {
      added.event_ids.push_back(range.first);
    } else {
      added.event_id_ranges.push_back(range);
    }
    begin = end + 1;
  }
  filter->event_ids.insert(filter->event_ids.end(), added.event_ids.begin(), added.event_ids.end());
  filter->event_id_ranges.insert(filter->event_id_ranges.end(), added.event_id_ranges.begin(),
                                 added.event_id_ranges.end());
  filter->excluded_event_ids.insert(filter->excluded_event_ids.end(),
                                    added.excluded_event_ids.begin(),
                                    added.excluded_event_ids.end());
  return msmi::Status::Ok();
}

bool parse_relative_time(std::string_view text, RelativeTime* out) {
  assert(out != nullptr);
  if (text.size() < 2 || (text[0] != '+' && text[0] != '-')) return false;
  std::int64_t us = 0;
  if (!parse_duration_us(text.substr(1), &us)) return false;
  out->anchor =
      text[0] == '+' ? RelativeTime::Anchor::kAfterFirst : RelativeTime::Anchor::kBeforeLast;
  out->offset_us = us;
  return true;
}

bool parse_count_field(std::string_view text, CountField* out) {
  assert(out != nullptr);
  for (const auto& [field, name] : kCountFieldNames) {
    if (text == name) {
      *out = field;
      return true;
    }
  }
  return false;
}

std::string_view to_string(CountField field) {
  for (const auto& [f, name] : kCountFieldNames) {
    if (f == field) return name;
  }
  return "?";  // not reached: every field is named above
}

}  // namespace msmilog
