#include "msmireport/event_listing.h"

#include <algorithm>
#include <cassert>
#include <cctype>
#include <string>

#include <nlohmann/json.hpp>

#include "text_columns.h"

namespace msmireport {
namespace {

struct FieldInfo {
  EventField field;
  std::string_view name;    // CSV header, JSON key, --fields
  std::string_view header;  // table header
  std::size_t width;        // table column width (the last column is never padded)
};

constexpr FieldInfo kFields[] = {
    {EventField::kRunId, "run_id", "RUN", 5},
    {EventField::kSeq, "seq", "SEQ", 7},
    {EventField::kTime, "time", "TIME", 25},
    {EventField::kTimeUs, "time_us", "TIME_US", 18},
    {EventField::kComputer, "computer", "COMPUTER", 16},
    {EventField::kSource, "source", "SOURCE", 16},
    {EventField::kEventId, "event_id", "ID", 7},
    {EventField::kType, "type", "TYPE", 12},
    {EventField::kCategory, "category", "CATEGORY", 20},
    {EventField::kLevel, "level", "LEVEL", 6},
    {EventField::kThread, "thread", "THR", 5},
    {EventField::kMessageId, "message_id", "MESSAGE", 24},
    {EventField::kDescription, "description", "DESCRIPTION", 60},
    {EventField::kStrings, "strings", "STRINGS", 40},
    {EventField::kData, "data", "DATA", 40},
    {EventField::kCursor, "cursor", "CURSOR", 14},
    {EventField::kRecordNumber, "record_number", "RECORD", 9},
    {EventField::kEventIdentifier, "event_identifier", "IDENTIFIER", 11},
    {EventField::kCategoryNumber, "category_number", "CAT#", 5},
    {EventField::kUser, "user", "USER", 20},
    {EventField::kWrittenUs, "written_us", "WRITTEN_US", 18},
};

// The fields of a CSV or JSON listing without --fields: the columns every schema version has.
bool in_default_listing(EventField field) {
  switch (field) {
    case EventField::kCursor:
    case EventField::kRecordNumber:
    case EventField::kEventIdentifier:
    case EventField::kCategoryNumber:
    case EventField::kUser:
    case EventField::kWrittenUs:
      return false;
    default:
      return true;
  }
}

constexpr struct {
  std::string_view alias;
  EventField field;
} kAliases[] = {
    {"run", EventField::kRunId}, {"id", EventField::kEventId}, {"message", EventField::kMessageId}};

const FieldInfo& info(EventField field) {
  for (const FieldInfo& f : kFields) {
    if (f.field == field) return f;
  }
  assert(false);  // every field is in kFields
  return kFields[0];
}

const std::vector<EventField> kTableDefault = {
    EventField::kRunId,  EventField::kTime,      EventField::kEventId,    EventField::kType,
    EventField::kThread, EventField::kMessageId, EventField::kDescription};

std::vector<EventField> default_fields(const EventListingOptions& options) {
  if (!options.fields.empty()) return options.fields;
  if (options.format == EventFormat::kTable) return kTableDefault;
  std::vector<EventField> all;
  for (const FieldInfo& f : kFields) {
    if (in_default_listing(f.field) || (f.field == EventField::kCursor && options.cursor_field)) {
      all.push_back(f.field);
    }
  }
  return all;
}

// The event's binary data as Event Viewer's "Bytes" view shows it, lower-case hex.
std::string hex_bytes(const std::string& bytes) {
  constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    out.push_back(kHex[static_cast<unsigned char>(c) >> 4]);
    out.push_back(kHex[static_cast<unsigned char>(c) & 0xF]);
  }
  return out;
}

// Texts are bytes as the log recorded them; invalid UTF-8 must not end the listing.
std::string dump(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string cursor_of(const msmilog::EventRow& e) {
  return msmilog::EventCursor{e.run_id, e.seq}.to_string();
}

// The field as text: a table cell or a CSV field before quoting.
std::string text_of(const msmilog::EventRow& e, EventField field) {
  switch (field) {
    case EventField::kRunId:
      return std::to_string(e.run_id);
    case EventField::kSeq:
      return std::to_string(e.seq);
    case EventField::kTime:
      return e.time;
    case EventField::kTimeUs:
      return std::to_string(e.time_us);
    case EventField::kComputer:
      return e.computer;
    case EventField::kSource:
      return e.source;
    case EventField::kEventId:
      return std::to_string(e.event_id);
    case EventField::kType:
      return e.type;
    case EventField::kCategory:
      return e.category;
    case EventField::kLevel:
      return e.level < 0 ? "" : std::to_string(e.level);
    case EventField::kThread:
      return e.thread < 0 ? "" : std::to_string(e.thread);
    case EventField::kMessageId:
      return e.message_id;
    case EventField::kDescription:
      return e.description;
    case EventField::kStrings:
      return dump(nlohmann::json(e.strings));
    case EventField::kData:
      return hex_bytes(e.data);
    case EventField::kCursor:
      return cursor_of(e);
    case EventField::kRecordNumber:
      return e.record_number < 0 ? "" : std::to_string(e.record_number);
    case EventField::kEventIdentifier:
      return e.event_identifier < 0 ? "" : std::to_string(e.event_identifier);
    case EventField::kCategoryNumber:
      return e.category_number < 0 ? "" : std::to_string(e.category_number);
    case EventField::kUser:
      return e.user;
    case EventField::kWrittenUs:
      return e.written_us < 0 ? "" : std::to_string(e.written_us);
  }
  return "";
}

nlohmann::json json_of(const msmilog::EventRow& e, EventField field) {
  switch (field) {
    case EventField::kRunId:
      return e.run_id;
    case EventField::kSeq:
      return e.seq;
    case EventField::kTimeUs:
      return e.time_us;
    case EventField::kEventId:
      return e.event_id;
    case EventField::kLevel:
      return e.level < 0 ? nlohmann::json() : nlohmann::json(e.level);
    case EventField::kThread:
      return e.thread < 0 ? nlohmann::json() : nlohmann::json(e.thread);
    case EventField::kMessageId:
      return e.message_id.empty() ? nlohmann::json() : nlohmann::json(e.message_id);
    case EventField::kStrings:
      return e.strings;
    case EventField::kData:
      return e.data.empty() ? nlohmann::json() : nlohmann::json(hex_bytes(e.data));
    case EventField::kRecordNumber:
      return e.record_number < 0 ? nlohmann::json() : nlohmann::json(e.record_number);
    case EventField::kEventIdentifier:
      return e.event_identifier < 0 ? nlohmann::json() : nlohmann::json(e.event_identifier);
    case EventField::kCategoryNumber:
      return e.category_number < 0 ? nlohmann::json() : nlohmann::json(e.category_number);
    case EventField::kUser:
      return e.user.empty() ? nlohmann::json() : nlohmann::json(e.user);
    case EventField::kWrittenUs:
      return e.written_us < 0 ? nlohmann::json() : nlohmann::json(e.written_us);
    default:
      return text_of(e, field);
  }
}

// Line breaks and tabs as spaces, so one event stays on one table line.
std::string one_line(std::string text) {
  for (char& c : text) {
    if (c == '\r' || c == '\n' || c == '\t') c = ' ';
  }
  return text;
}

// `line` cut to `width` UTF-8 characters, the last being "…" when anything was cut.
std::string fit(const std::string& line, std::size_t width) {
  std::size_t characters = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if ((static_cast<unsigned char>(line[i]) & 0xC0) == 0x80) continue;  // continuation byte
    if (++characters == width) {
      // Character number `width` starts at i: keep it only if it is the last one.
      std::size_t next = i + 1;
      while (next < line.size() && (static_cast<unsigned char>(line[next]) & 0xC0) == 0x80) ++next;
      if (next >= line.size()) return line;
      std::string cut = line.substr(0, i);
      while (!cut.empty() && cut.back() == ' ') cut.pop_back();
      return cut + "\u2026";
    }
  }
  return line;
}

}  // namespace

bool parse_event_format(std::string_view text, EventFormat* format) {
  assert(format != nullptr);
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  constexpr std::pair<std::string_view, EventFormat> kNames[] = {{"table", EventFormat::kTable},
                                                                 {"csv", EventFormat::kCsv},
                                                                 {"json", EventFormat::kJson},
                                                                 {"jsonl", EventFormat::kJsonl}};
  for (const auto& [name, f] : kNames) {
    if (lower == name) {
      *format = f;
      return true;
    }
  }
  return false;
}

bool parse_event_fields(std::string_view list, std::vector<EventField>* fields, std::string* bad) {
  assert(fields != nullptr && bad != nullptr);
  std::vector<EventField> parsed;
  std::size_t begin = 0;
  while (begin <= list.size()) {
    std::size_t end = list.find(',', begin);
    if (end == std::string_view::npos) end = list.size();
    const std::string_view name = list.substr(begin, end - begin);
    bool known = false;
    for (const FieldInfo& f : kFields) {
      if (name == f.name) {
        parsed.push_back(f.field);
        known = true;
      }
    }
    for (const auto& [alias, field] : kAliases) {
      if (name == alias) {
        parsed.push_back(field);
        known = true;
      }
    }
    if (!known) {
      *bad = std::string(name);
      return false;
    }
    begin = end + 1;
  }
  *fields = std::move(parsed);
  return true;
}

EventListing::EventListing(Format format, std::ostream& out)
    : EventListing(EventListingOptions{format == Format::kCsv    ? EventFormat::kCsv
                                       : format == Format::kJson ? EventFormat::kJson
                                                                 : EventFormat::kTable,
                                       {},
                                       0,
                                       false},
                   out) {}

EventListing::EventListing(EventListingOptions options, std::ostream& out)
    : options_(std::move(options)), out_(out) {
  options_.fields = default_fields(options_);
  if (options_.format == EventFormat::kCsv) {
    for (std::size_t i = 0; i < options_.fields.size(); ++i) {
      out_ << (i == 0 ? "" : ",") << info(options_.fields[i]).name;
    }
    out_ << "\n";
  }
  if (options_.format == EventFormat::kJson) out_ << "[";
}

void EventListing::add(const msmilog::EventRow& e) {
  assert(!finished_);
  const std::vector<EventField>& fields = options_.fields;
  switch (options_.format) {
    case EventFormat::kTable: {
      const bool cut = options_.width > 0;
      const auto emit = [&](std::string line) {
        out_ << (cut ? fit(line, options_.width) : line) << "\n";
      };
      if (rows_ == 0) {
        std::string header;
        for (std::size_t i = 0; i < fields.size(); ++i) {
          const FieldInfo& f = info(fields[i]);
          header +=
              i + 1 == fields.size() ? std::string(f.header) : pad(std::string(f.header), f.width);
        }
        emit(header);
      }
      std::string line;
      for (std::size_t i = 0; i < fields.size(); ++i) {
        std::string cell = text_of(e, fields[i]);
        if (cut) cell = one_line(std::move(cell));
        line += i + 1 == fields.size() ? cell : pad(std::move(cell), info(fields[i]).width);
      }
      emit(std::move(line));
      break;
    }
    case EventFormat::kCsv:
      for (std::size_t i = 0; i < fields.size(); ++i) {
        out_ << (i == 0 ? "" : ",") << csv_field(text_of(e, fields[i]));
      }
      out_ << "\n";
      break;
    case EventFormat::kJson:
    case EventFormat::kJsonl: {
      nlohmann::json row = nlohmann::json::object();
      for (EventField field : fields) row[std::string(info(field).name)] = json_of(e, field);
      if (options_.format == EventFormat::kJsonl) {
        out_ << dump(row) << "\n";
      } else {
        out_ << (rows_ == 0 ? "\n  " : ",\n  ") << dump(row);
      }
      break;
    }
  }
  ++rows_;
}

void EventListing::finish(std::ostream* notes) {
  assert(!finished_);
  finished_ = true;
  if (options_.format == EventFormat::kJson) out_ << (rows_ == 0 ? "]\n" : "\n]\n");
  if (notes != nullptr && options_.format == EventFormat::kTable && rows_ == 0) {
    *notes << "(no events match)\n";
  }
}

void render_events(const std::vector<msmilog::EventRow>& rows, Format format, std::ostream& out,
                   std::ostream& notes) {
  EventListing listing(format, out);
  for (const msmilog::EventRow& row : rows) listing.add(row);
  listing.finish(&notes);
}

void render_event_counts(const std::vector<msmilog::CountField>& fields,
                         const std::vector<msmilog::EventCount>& counts, EventFormat format,
                         std::ostream& out, std::ostream& notes) {
  std::vector<std::string> names;
  for (msmilog::CountField field : fields) names.emplace_back(msmilog::to_string(field));
  switch (format) {
    case EventFormat::kTable: {
      if (counts.empty()) {
        notes << "(no events match)\n";
        return;
      }
      std::vector<std::size_t> widths;
      for (const std::string& name : names) widths.push_back(name.size());
      std::size_t count_width = 5;
      for (const msmilog::EventCount& c : counts) {
        for (std::size_t i = 0; i < c.values.size(); ++i) {
          widths[i] = std::max(widths[i], one_line(c.values[i]).size());
        }
        count_width = std::max(count_width, std::to_string(c.count).size());
      }
      for (std::size_t i = 0; i < names.size(); ++i) {
        std::string header = names[i];
        for (char& ch : header)
          ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        out << pad(header, widths[i] + 1);
      }
      out << std::string(count_width - 5, ' ') << "COUNT\n";
      for (const msmilog::EventCount& c : counts) {
        for (std::size_t i = 0; i < c.values.size(); ++i) {
          out << pad(one_line(c.values[i].empty() ? "-" : c.values[i]), widths[i] + 1);
        }
        const std::string n = std::to_string(c.count);
        out << std::string(count_width - n.size(), ' ') << n << "\n";
      }
      break;
    }
    case EventFormat::kCsv:
      for (const std::string& name : names) out << name << ",";
      out << "count\n";
      for (const msmilog::EventCount& c : counts) {
        for (const std::string& value : c.values) out << csv_field(value) << ",";
        out << c.count << "\n";
      }
      break;
    case EventFormat::kJson:
    case EventFormat::kJsonl: {
      const bool lines = format == EventFormat::kJsonl;
      if (!lines) out << "[";
      for (std::size_t row = 0; row < counts.size(); ++row) {
        nlohmann::json object = nlohmann::json::object();
        for (std::size_t i = 0; i < names.size(); ++i) {
          const std::string& value = counts[row].values[i];
          object[names[i]] = value.empty() ? nlohmann::json() : nlohmann::json(value);
        }
        object["count"] = counts[row].count;
        if (lines) {
          out << dump(object) << "\n";
        } else {
          out << (row == 0 ? "\n  " : ",\n  ") << dump(object);
        }
      }
      if (!lines) out << (counts.empty() ? "]\n" : "\n]\n");
      break;
    }
  }
}

}  // namespace msmireport
