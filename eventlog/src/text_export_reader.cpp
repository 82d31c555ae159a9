// Readers of Event Viewer's CSV and NT 4.0's text exports.
//
// Three layouts, one reader:
//   "csv"      Event Viewer's "Save as CSV", with a header line naming the columns, found by
//              name in any order: Vista and later write
//                Level,Date and Time,Source,Event ID,Task Category
//              and put the description in a sixth, unnamed column; older tools write
//                Type,Date,Time,Source,Category,Event,User,Computer,Description
//              Descriptions are quoted when they hold commas, quotes or line breaks.
//   "nt-csv"   NT 4.0/2000 Event Viewer "Save As → Comma Delimited Text": no header,
//                Date,Time,Source,Type,Category,Event,User,Computer,Description
//              e.g. 5/22/97,9:00:00 AM,MSExchangeMSMI,Error,Session Error,2342,N/A,EXCHSRV1,MS …
//              NT did not quote the description: commas in it make extra fields, which are
//              joined back into the description (it is the last column).
//   "nt-text"  the same columns tab-delimited ("Save As → Text File").
//
// Each record becomes a LogRecord: the displayed event ID with the severity bits its type
// implies (identifier_complete false), the type word ("Success Audit"/"Failure Audit" as NT
// writes them), the category name ("None" -> 0; "(3)", Event Viewer's form for a category
// without a name, -> 3), user "N/A" -> empty, the description as written, and the insertion
// strings recovered by matching it against ReaderOptions::catalogue (template_match.h).
// Created and written times are the one date and time of the line: the exporting machine's
// local time, stored as if it were UTC (the file does not say which zone it was).
//
// Dates are the locale's short date, day/month or month/day. The order is decided before any
// record is returned, so no row is ever re-read in another order: ReaderOptions::date_order
// when given; else a first pass over the file stops at the first date whose first number is
// above 12 (day/month) or whose second is (month/day); else, when some date reads two ways,
// open() fails asking for --date-order. Text that is not valid UTF-8 is read as Windows-1252,
// the ANSI code page NT 4.0 exported in.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <utility>

#include "ascii_compare.h"
#include "delimited_records.h"
#include "export_date_time.h"
#include "msmilog/template_match.h"
#include "text_export_formats.h"

namespace msmilog {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
    text.remove_suffix(1);
  return text;
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    // Runs of ASCII, by far the most of an export, are passed over eight bytes at a time.
    std::uint64_t word = 0;
    if (i + sizeof word <= text.size() &&
        (std::memcpy(&word, text.data() + i, sizeof word), (word & 0x8080808080808080ull) == 0)) {
      i += sizeof word;
      continue;
    }
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t length = 1;
    if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
    } else if (c >= 0xE0) {
      length = c <= 0xEF ? 3 : 0;
    } else if (c >= 0xC2) {
      length = 2;
    } else if (c >= 0x80) {
      length = 0;
    }
    if (length == 0 || i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
    }
    i += length;
  }
  return true;
}

void append_utf8(std::string* out, unsigned code) {
  if (code < 0x80) {
    out->push_back(static_cast<char>(code));
  } else if (code < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (code >> 6)));
    out->push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xE0 | (code >> 12)));
    out->push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code & 0x3F)));
  }
}

// Text as UTF-8: kept when it already is, else read as Windows-1252.
std::string to_utf8(std::string_view text) {
  if (is_valid_utf8(text)) return std::string(text);
  // 0x80..0x9F of Windows-1252; the five it leaves undefined map to themselves.
  static constexpr unsigned kHigh[32] = {
      0x20AC, 0x81,   0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
      0x2039, 0x0152, 0x8D,   0x017D, 0x8F,   0x90,   0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
      0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D,   0x017E, 0x0178};
  std::string out;
  out.reserve(text.size() + text.size() / 4);
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    append_utf8(&out, c >= 0x80 && c < 0xA0 ? kHigh[c - 0x80] : c);
  }
  return out;
}

// Where each field is; -1 when the layout has no such column.
struct Columns {
  int type = -1;
  int date = -1;
  int time = -1;
  int date_time = -1;  // "Date and Time": date, a space, time
  int source = -1;
  int id = -1;
  int category = -1;
  int user = -1;
  int computer = -1;
  int description = -1;
  std::size_t minimum_fields = 0;
  bool has_header = false;
};

Columns nt_columns() {
  Columns c;
  c.date = 0;
  c.time = 1;
  c.source = 2;
  c.type = 3;
  c.category = 4;
  c.id = 5;
  c.user = 6;
  c.computer = 7;
  c.description = 8;
  c.minimum_fields = 9;
  return c;
}

// The columns of a CSV header; an error naming what is missing.
bool csv_columns(const std::vector<std::string>& header, Columns* out, std::string* error) {
  Columns c;
  c.has_header = true;
  for (std::size_t i = 0; i < header.size(); ++i) {
    const std::string name = lowercase(trim(header[i]));
    const int index = static_cast<int>(i);
    if (name == "level" || name == "type") c.type = index;
    if (name == "date") c.date = index;
    if (name == "time") c.time = index;
    if (name == "date and time") c.date_time = index;
    if (name == "source") c.source = index;
    if (name == "event id" || name == "event") c.id = index;
    if (name == "task category" || name == "category") c.category = index;
    if (name == "user") c.user = index;
    if (name == "computer") c.computer = index;
    if (name == "description") c.description = index;
  }
  std::string missing;
  auto need = [&missing](bool present, const char* names) {
    if (present) return;
    missing += (missing.empty() ? "" : "; ");
    missing += names;
  };
  need(c.type >= 0, "\"Level\" or \"Type\"");
  need(c.date_time >= 0 || (c.date >= 0 && c.time >= 0),
       "\"Date and Time\" or \"Date\" and \"Time\"");
  need(c.source >= 0, "\"Source\"");
  need(c.id >= 0, "\"Event ID\" or \"Event\"");
  if (!missing.empty()) {
    *error = "the header line lacks the columns " + missing;
    return false;
  }
  // Vista's Event Viewer names five columns and writes the description as a sixth; a row
  // without it has no description. A named Description column must be there.
  const bool unnamed_description = c.description < 0;
  if (unnamed_description) c.description = static_cast<int>(header.size());
  c.minimum_fields = static_cast<std::size_t>(
      std::max({c.type, c.date, c.time, c.date_time, c.source, c.id, c.category, c.user, c.computer,
                unnamed_description ? c.description - 1 : c.description}) +
      1);
  *out = c;
  return true;
}

std::string_view field_or_empty(const std::vector<std::string>& fields, int index) {
  if (index < 0 || static_cast<std::size_t>(index) >= fields.size()) return {};
  return fields[static_cast<std::size_t>(index)];
}

// The date part of a record: its own column, or the first word of "Date and Time".
std::string_view date_text(const Columns& columns, const std::vector<std::string>& fields) {
  if (columns.date >= 0) return trim(field_or_empty(fields, columns.date));
  std::string_view both = trim(field_or_empty(fields, columns.date_time));
  return both.substr(0, both.find(' '));
}

std::string_view time_text(const Columns& columns, const std::vector<std::string>& fields) {
  if (columns.time >= 0) return trim(field_or_empty(fields, columns.time));
  std::string_view both = trim(field_or_empty(fields, columns.date_time));
  const std::size_t space = both.find(' ');
  return space == std::string_view::npos ? std::string_view() : trim(both.substr(space + 1));
}

std::string_view order_name(DateOrder order) {
  return order == DateOrder::kDayMonth ? "day/month" : "month/day";
}

class TextExportReader final : public LogReader {
 public:
  TextExportReader(std::string_view format, char delimiter, const ReaderOptions& options)
      : format_(format), delimiter_(delimiter), options_(options) {
    if (options_.catalogue != nullptr)
      matcher_ = std::make_unique<TemplateMatcher>(*options_.catalogue);
  }

  // Reads the header (csv) and decides the date order.
  msmi::Status open(const std::string& path) {
    path_ = path;
    if (msmi::Status status = records_.open(path, delimiter_); !status.ok()) return status;
    if (format_ == "csv") {
      std::vector<std::string> header;
      std::uint64_t line = 0;
      if (records_.next(&header, &line) != DelimitedRecords::Result::kRecord)
        return msmi::Status::InvalidArgument(path + ": no header line");
      std::string error;
      if (!csv_columns(header, &columns_, &error))
        return msmi::Status::InvalidArgument(path + ": line " + std::to_string(line) + ": " +
                                             error);
    } else {
      columns_ = nt_columns();
    }
    order_ = options_.date_order;
    if (order_ == DateOrder::kAuto) return decide_date_order();
    return msmi::Status::Ok();
  }

  std::string_view format() const override { return format_; }

  ReadResult next(LogRecord* out) override {
    std::uint64_t line = 0;
    switch (records_.next(&fields_, &line)) {
      case DelimitedRecords::Result::kEnd:
        return ReadResult::kEnd;
      case DelimitedRecords::Result::kUnterminated:
        return malformed(line,
                         "a quoted field is never closed, or text follows its closing quote on a "
                         "later line (a truncated file or a stray '\"'); reading goes on with the "
                         "next line");
      case DelimitedRecords::Result::kTooLong:
        return malformed(line, "the record is longer than " +
                                   std::to_string(DelimitedRecords::kMaxRecordBytes) +
                                   " bytes, more than any event log holds; reading goes on with "
                                   "the next line");
      case DelimitedRecords::Result::kRecord:
        break;
    }
    std::string error;
    if (!convert(line, out, &error)) return malformed(line, error);
    return ReadResult::kRecord;
  }

  const ReadIssue& issue() const override { return issue_; }
  std::uint64_t bytes_read() const override { return records_.bytes_read(); }
  std::uint64_t total_bytes() const override { return records_.total_bytes(); }

 private:
  ReadResult malformed(std::uint64_t line, std::string message) {
    issue_ = ReadIssue{line, true, std::move(message)};
    return ReadResult::kMalformed;
  }

  // The first pass: the first date that decides, before any record is returned.
  msmi::Status decide_date_order() {
    DelimitedRecords scan;
    if (msmi::Status status = scan.open(path_, delimiter_); !status.ok()) return status;
    std::vector<std::string> fields;
    std::uint64_t line = 0;
    std::uint64_t ambiguous_line = 0;
    std::string ambiguous_date;
    bool first = true;
    for (;;) {
      const DelimitedRecords::Result result = scan.next(&fields, &line);
      if (result == DelimitedRecords::Result::kEnd) break;
      if (result != DelimitedRecords::Result::kRecord) continue;
      if (std::exchange(first, false) && columns_.has_header) continue;
      ExportDate date;
      if (!split_export_date(date_text(columns_, fields), &date)) continue;
      const DateOrder evidence = date_evidence(date);
      if (evidence != DateOrder::kAuto) {
        order_ = evidence;
        decided_line_ = line;
        return msmi::Status::Ok();
      }
      if (ambiguous_line == 0 && date_is_ambiguous(date)) {
        ambiguous_line = line;
        ambiguous_date = std::string(date_text(columns_, fields));
      }
    }
    if (ambiguous_line != 0) {
      return msmi::Status::InvalidArgument(
          path_ + ": line " + std::to_string(ambiguous_line) + ": the date \"" + ambiguous_date +
          "\" reads as day/month or as month/day and no date in the file decides which; pass "
          "--date-order dmy or --date-order mdy");
    }
    order_ = DateOrder::kMonthDay;  // no date reads two ways: either order gives the same
    return msmi::Status::Ok();
  }

  bool convert(std::uint64_t line, LogRecord* out, std::string* error) {
    if (fields_.size() < columns_.minimum_fields) {
      *error = "expected " + std::to_string(columns_.minimum_fields) + " fields, found " +
               std::to_string(fields_.size());
      return false;
    }
    LogRecord record;
    record.position = line;

    const std::string_view type_text = trim(field_or_empty(fields_, columns_.type));
    if (!parse_nt_event_type(type_text, &record.type)) {
      *error = "field \"Type\": \"" + std::string(type_text) + "\" is not an event type";
      return false;
    }

    const std::string_view date = date_text(columns_, fields_);
    ExportDate parts;
    std::int64_t midnight_us = 0;
    if (!split_export_date(date, &parts)) {
      *error = "field \"Date\": \"" + std::string(date) + "\" is not a date";
      return false;
    }
    if (!export_date_to_us(parts, order_, &midnight_us)) {
      *error = "field \"Date\": \"" + std::string(date) + "\" is not a valid " +
               std::string(order_name(order_)) + " date";
      if (decided_line_ != 0)
        *error +=
            " (the order was decided by the date on line " + std::to_string(decided_line_) + ")";
      return false;
    }
    const std::string_view time = time_text(columns_, fields_);
    std::int64_t time_us = 0;
    if (!parse_export_time(time, &time_us)) {
      *error = "field \"Time\": \"" + std::string(time) + "\" is not a time of day";
      return false;
    }
    record.created_us = record.written_us = midnight_us + time_us;

    const std::string_view id_text = trim(field_or_empty(fields_, columns_.id));
    int id = 0;
    bool id_ok = !id_text.empty() && id_text.size() <= 5;
    for (std::size_t i = 0; id_ok && i < id_text.size(); ++i) {
      if (!std::isdigit(static_cast<unsigned char>(id_text[i]))) id_ok = false;
      id = id * 10 + (id_text[i] - '0');
    }
    if (!id_ok || id > 0xFFFF) {
      *error = "field \"Event\": \"" + std::string(id_text) + "\" is not an event ID (0-65535)";
      return false;
    }
    record.event_identifier = make_event_identifier(id, record.type);
    record.identifier_complete = false;

    record.source = to_utf8(trim(field_or_empty(fields_, columns_.source)));
    record.computer = to_utf8(trim(field_or_empty(fields_, columns_.computer)));
    record.user = to_utf8(trim(field_or_empty(fields_, columns_.user)));
    if (record.user == "N/A") record.user.clear();

    const std::string category = to_utf8(trim(field_or_empty(fields_, columns_.category)));
    if (category.size() > 2 && category.front() == '(' && category.back() == ')' &&
        category.size() <= 7 && std::all_of(category.begin() + 1, category.end() - 1, [](char c) {
          return std::isdigit(static_cast<unsigned char>(c));
        })) {
      const int number = std::stoi(category.substr(1, category.size() - 2));
      if (number > 0xFFFF) {
        *error = "field \"Category\": \"" + category + "\" is out of range";
        return false;
      }
      record.category = static_cast<std::uint16_t>(number);
    } else if (!ascii_iequals(category, "none")) {
      record.category_name = category;
    }

    // The description is the last column: commas of an unquoted NT description split it into
    // extra fields, which belong to it.
    const auto first = static_cast<std::size_t>(columns_.description);
    if (first + 1 == fields_.size()) {
      record.description = to_utf8(fields_[first]);  // the usual case: nothing to join
    } else {
      std::string description;
      for (std::size_t i = first; i < fields_.size(); ++i) {
        if (i > first) description.push_back(delimiter_);
        description += fields_[i];
      }
      record.description = to_utf8(description);
    }

    if (matcher_ != nullptr) {
      record.strings = recover_insertion_strings(*matcher_, record.source, id, record.description);
    }
    *out = std::move(record);
    return true;
  }

  std::string format_;
  char delimiter_;
  ReaderOptions options_;
  std::string path_;
  Columns columns_;
  DelimitedRecords records_;
  DateOrder order_ = DateOrder::kAuto;
  std::uint64_t decided_line_ = 0;  // the line whose date decided the order; 0 when not inferred
  std::vector<std::string> fields_;
  ReadIssue issue_;
  std::unique_ptr<TemplateMatcher> matcher_;  // the catalogue's templates, parsed once each
};

msmi::Status open_text_export(std::string_view format, char delimiter, const std::string& path,
                              const ReaderOptions& options, std::unique_ptr<LogReader>* out) {
  auto reader = std::make_unique<TextExportReader>(format, delimiter, options);
  if (msmi::Status status = reader->open(path); !status.ok()) return status;
  *out = std::move(reader);
  return msmi::Status::Ok();
}

// The first line of `head`, without a byte order mark.
std::string_view first_line(std::string_view head) {
  if (head.substr(0, 3) == "\xEF\xBB\xBF") head.remove_prefix(3);
  return head.substr(0, head.find('\n'));
}

std::vector<std::string_view> split(std::string_view line, char delimiter) {
  std::vector<std::string_view> parts;
  for (;;) {
    const std::size_t at = line.find(delimiter);
    std::string_view part = trim(line.substr(0, at));
    if (part.size() >= 2 && part.front() == '"' && part.back() == '"')
      part = part.substr(1, part.size() - 2);
    parts.push_back(part);
    if (at == std::string_view::npos) return parts;
    line.remove_prefix(at + 1);
  }
}

bool detect_nt_export(std::string_view head, char delimiter) {
  const std::vector<std::string_view> parts = split(first_line(head), delimiter);
  if (parts.size() < 9) return false;
  ExportDate date;
  std::int64_t time_us = 0;
  NtEventType type;
  return split_export_date(parts[0], &date) && parse_export_time(parts[1], &time_us) &&
         parse_nt_event_type(parts[3], &type) && !parts[5].empty() &&
         std::all_of(parts[5].begin(), parts[5].end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

}  // namespace

bool detect_event_viewer_csv(std::string_view head) {
  Columns columns;
  std::string error;
  std::vector<std::string> names;
  for (std::string_view part : split(first_line(head), ',')) names.emplace_back(part);
  return csv_columns(names, &columns, &error);
}

msmi::Status open_event_viewer_csv(const std::string& path, const ReaderOptions& options,
                                   std::unique_ptr<LogReader>* out) {
  return open_text_export("csv", ',', path, options, out);
}

bool detect_nt_comma_export(std::string_view head) {
  return detect_nt_export(head, ',');
}

msmi::Status open_nt_comma_export(const std::string& path, const ReaderOptions& options,
                                  std::unique_ptr<LogReader>* out) {
  return open_text_export("nt-csv", ',', path, options, out);
}

bool detect_nt_text_export(std::string_view head) {
  return detect_nt_export(head, '\t');
}

msmi::Status open_nt_text_export(const std::string& path, const ReaderOptions& options,
                                 std::unique_ptr<LogReader>* out) {
  return open_text_export("nt-text", '\t', path, options, out);
}

}  // namespace msmilog
