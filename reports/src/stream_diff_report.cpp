#include "msmireport/stream_diff_report.h"

#include <algorithm>
#include <cassert>
#include <cstdio>

#include "text_columns.h"

namespace msmireport {

namespace {

constexpr std::size_t kNumberWidth = 7;
constexpr std::size_t kTimeWidth = 13;
constexpr std::size_t kIdWidth = 6;
constexpr std::size_t kTypeWidth = 6;
constexpr std::size_t kThreadWidth = 4;
constexpr std::size_t kMessageWidth = 24;
constexpr std::size_t kDescriptionWidth = 36;
constexpr std::size_t kSideWidth =
    kTimeWidth + kIdWidth + kTypeWidth + kThreadWidth + kMessageWidth + kDescriptionWidth;

std::string short_type(const std::string& type) {
  if (type == "Information") return "Info";
  if (type == "Warning") return "Warn";
  return type;
}

// One side of a row: the event's columns, or a dash where the stream has no such event.
std::string side(const std::vector<msmisim::ShownEvent>& events, std::size_t i) {
  if (i >= events.size()) return pad("-", kSideWidth);
  const msmisim::ShownEvent& e = events[i];
  return pad(virtual_time_text(e.time_us), kTimeWidth) + pad(std::to_string(e.event_id), kIdWidth) +
         pad(short_type(e.type), kTypeWidth) +
         pad(e.thread < 0 ? "" : std::to_string(e.thread), kThreadWidth) +
         pad(truncate(e.message_id, kMessageWidth - 1), kMessageWidth) +
         pad(truncate(e.description, kDescriptionWidth - 1), kDescriptionWidth);
}

std::string header_side() {
  return pad("TIME", kTimeWidth) + pad("ID", kIdWidth) + pad("TYPE", kTypeWidth) +
         pad("THR", kThreadWidth) + pad("MESSAGE", kMessageWidth) +
         pad("DESCRIPTION", kDescriptionWidth);
}

std::string field_text(const msmisim::ShownEvent& e, const std::string& field) {
  if (field == "time")
    return virtual_time_text(e.time_us) + " (" + std::to_string(e.time_us) + " us)";
  if (field == "event id") return std::to_string(e.event_id);
  if (field == "source") return e.source;
  if (field == "type") return e.type;
  if (field == "category") return e.category;
  if (field == "level") return std::to_string(e.level);
  if (field == "thread") return e.thread < 0 ? "(none)" : std::to_string(e.thread);
  if (field == "message id") return e.message_id.empty() ? "(none)" : e.message_id;
  assert(field == "description");
  return e.description;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

}  // namespace

std::string virtual_time_text(std::int64_t time_us) {
  const bool negative = time_us < 0;
  const std::int64_t us = negative ? -time_us : time_us;
  const std::int64_t ms = us / 1000;
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%s%02lld:%02lld:%02lld.%03lld", negative ? "-" : "",
                static_cast<long long>(ms / 3'600'000), static_cast<long long>(ms / 60'000 % 60),
                static_cast<long long>(ms / 1000 % 60), static_cast<long long>(ms % 1000));
  return buffer;
}

void render_stream_diff(const std::vector<msmisim::ShownEvent>& left,
                        const std::vector<msmisim::ShownEvent>& right,
                        const msmisim::EventStreamDiff& diff, const std::string& left_label,
                        const std::string& right_label, std::ostream& out, std::size_t context) {
  assert(diff.left_count == left.size() && diff.right_count == right.size());
  if (diff.identical()) {
    out << "identical: " << plural(static_cast<std::int64_t>(left.size()), "event") << "\n";
    return;
  }
  const std::size_t at = *diff.first_difference;
  const std::string what = !diff.fields.empty() ? joined(diff.fields)
                           : at >= left.size()  ? left_label + " ends there"
                                                : right_label + " ends there";
  out << "differs at event " << at + 1 << ": " << what << "\n";
  out << "  " << left_label << ": " << plural(static_cast<std::int64_t>(left.size()), "event")
      << ", " << right_label << ": " << plural(static_cast<std::int64_t>(right.size()), "event")
      << "\n\n";

  out << "  " << pad("", kNumberWidth) << pad(left_label, kSideWidth) << "| " << right_label
      << "\n";
  std::string header = "  " + pad("EVENT", kNumberWidth) + header_side() + "| " + header_side();
  while (header.back() == ' ') header.pop_back();
  out << header << "\n";
  const std::size_t first = at >= context ? at - context : 0;
  const std::size_t last = std::min(at + context, std::max(left.size(), right.size()) - 1);
  for (std::size_t i = first; i <= last; ++i) {
    std::string row = std::string(i == at ? "> " : "  ") +
                      pad(std::to_string(i + 1), kNumberWidth) + side(left, i) + "| " +
                      side(right, i);
    while (!row.empty() && row.back() == ' ') row.pop_back();
    out << row << "\n";
  }
  if (!diff.fields.empty()) {
    out << "\n";
    const std::size_t label_width = std::max(left_label.size(), right_label.size()) + 2;
    for (const std::string& field : diff.fields) {
      out << "  " << field << ":\n";
      out << "    " << pad(left_label + ":", label_width) << field_text(left[at], field) << "\n";
      out << "    " << pad(right_label + ":", label_width) << field_text(right[at], field) << "\n";
    }
  }
}

}  // namespace msmireport
