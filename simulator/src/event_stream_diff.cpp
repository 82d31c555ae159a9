#include "msmisim/event_stream_diff.h"

#include <algorithm>
#include <cassert>
#include <exception>
#include <string>

namespace msmisim {

ShownEvent shown_event(const msmi::Event& event) {
  return {event.time_us,
          event.event_id,
          event.source,
          std::string(msmi::to_string(event.type)),
          std::string(msmi::to_string(event.category)),
          event.level,
          event.thread,
          event.message_id,
          event.description};
}

ShownEvent shown_event(const msmilog::EventRow& row) {
  return {row.time_us, row.event_id, row.source,     row.type,       row.category,
          row.level,   row.thread,   row.message_id, row.description};
}

std::vector<ShownEvent> shown_events(const std::vector<msmi::Event>& events) {
  std::vector<ShownEvent> out;
  out.reserve(events.size());
  for (const msmi::Event& e : events) out.push_back(shown_event(e));
  return out;
}

std::vector<std::string> differing_fields(const ShownEvent& a, const ShownEvent& b) {
  std::vector<std::string> fields;
  if (a.time_us != b.time_us) fields.push_back("time");
  if (a.event_id != b.event_id) fields.push_back("event id");
  if (a.source != b.source) fields.push_back("source");
  if (a.type != b.type) fields.push_back("type");
  if (a.category != b.category) fields.push_back("category");
  if (a.level != b.level) fields.push_back("level");
  if (a.thread != b.thread) fields.push_back("thread");
  if (a.message_id != b.message_id) fields.push_back("message id");
  if (a.description != b.description) fields.push_back("description");
  return fields;
}

EventStreamDiff diff_event_streams(const std::vector<ShownEvent>& left,
                                   const std::vector<ShownEvent>& right) {
  EventStreamDiff diff;
  diff.left_count = left.size();
  diff.right_count = right.size();
  const std::size_t common = std::min(left.size(), right.size());
  for (std::size_t i = 0; i < common; ++i) {
    if (!(left[i] == right[i])) {
      diff.first_difference = i;
      diff.fields = differing_fields(left[i], right[i]);
      assert(!diff.fields.empty());
      return diff;
    }
  }
  if (left.size() != right.size()) diff.first_difference = common;
  return diff;
}

namespace {

constexpr std::size_t kFieldCount = 9;

// Backslash, tab, line feed and carriage return escaped, every other byte as it is, so any text
// (invalid UTF-8 included) round-trips exactly.
void put_escaped(const std::string& text, std::ostream& out) {
  for (char c : text) {
    switch (c) {
      case '\\':
        out << "\\\\";
        break;
      case '\t':
        out << "\\t";
        break;
      case '\n':
        out << "\\n";
        break;
      case '\r':
        out << "\\r";
        break;
      default:
        out << c;
    }
  }
}

bool unescape(const std::string& field, std::string* out) {
  out->clear();
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] != '\\') {
      out->push_back(field[i]);
      continue;
    }
    if (++i == field.size()) return false;
    switch (field[i]) {
      case '\\':
        out->push_back('\\');
        break;
      case 't':
        out->push_back('\t');
        break;
      case 'n':
        out->push_back('\n');
        break;
      case 'r':
        out->push_back('\r');
        break;
      default:
        return false;
    }
  }
  return true;
}

bool to_int64(const std::string& text, std::int64_t* value) {
  if (text.empty()) return false;
  std::size_t used = 0;
  try {
    *value = std::stoll(text, &used);
  } catch (const std::exception&) {
    return false;
  }
  return used == text.size();
}

}  // namespace

void write_event_stream(const std::vector<ShownEvent>& events, std::ostream& out) {
  for (const ShownEvent& e : events) {
    out << e.time_us << '\t' << e.event_id << '\t';
    put_escaped(e.source, out);
    out << '\t';
    put_escaped(e.type, out);
    out << '\t';
    put_escaped(e.category, out);
    out << '\t' << e.level << '\t' << e.thread << '\t';
    put_escaped(e.message_id, out);
    out << '\t';
    put_escaped(e.description, out);
    out << '\n';
  }
}

msmi::Status read_event_stream(std::istream& in, const std::string& name,
                               std::vector<ShownEvent>* events) {
  events->clear();
  std::string line;
  int line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    std::vector<std::string> fields(1);
    for (char c : line) {
      if (c == '\t') {
        fields.emplace_back();
      } else {
        fields.back().push_back(c);
      }
    }
    ShownEvent e;
    std::int64_t event_id = 0, level = 0, thread = 0;
    const bool ok = fields.size() == kFieldCount && to_int64(fields[0], &e.time_us) &&
                    to_int64(fields[1], &event_id) && unescape(fields[2], &e.source) &&
                    unescape(fields[3], &e.type) && unescape(fields[4], &e.category) &&
                    to_int64(fields[5], &level) && to_int64(fields[6], &thread) &&
                    unescape(fields[7], &e.message_id) && unescape(fields[8], &e.description);
    if (!ok) {
      return msmi::Status::InvalidArgument(name + ": line " + std::to_string(line_number) +
                                           ": not an event of an event stream");
    }
    e.event_id = static_cast<int>(event_id);
    e.level = static_cast<int>(level);
    e.thread = static_cast<int>(thread);
    events->push_back(std::move(e));
  }
  if (in.bad()) return msmi::Status::IoError(name + ": cannot be read");
  return msmi::Status::Ok();
}

}  // namespace msmisim
