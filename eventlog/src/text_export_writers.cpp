// Writers of the text exports: "csv", "text" and "jsonl".
//
//   "csv"    Event Viewer CSV with a header line,
//              Type,Date,Time,Source,Category,Event,User,Computer,Description
//            RFC 4180 quoting (a field holding ',', '"', CR, LF, or blanks at either end is
//            quoted, '"' doubled), CRLF line ends, UTF-8 without a byte order mark. Dates are
//            written year first ("1997-05-22", as an ISO-locale Event Viewer writes them) and
//            times on the 24-hour clock ("09:00:00"), so the file re-imports without
//            --date-order.
//   "text"   NT 4.0 Event Viewer's "Save As → Text File": the same nine columns tab-delimited,
//            no header, CRLF line ends, the US short date and time NT wrote ("5/22/1997",
//            "9:00:00 AM"), the type words "Information", "Warning", "Error", "Success Audit",
//            "Failure Audit". A field holding a tab or a line break, or starting with '"', is
//            quoted as in CSV so that it reads back; NT wrote it raw. Re-importing needs
//            --date-order mdy unless some day of the month is above 12. UTF-8, where NT wrote its
//            ANSI code page (the readers accept both).
//   "jsonl"  one JSON object per line with every LogRecord field (below); strings are written
//            byte for byte as json_strings.h does, data as lowercase hex.
//
// In csv and text, the time is the record's created time in UTC (imports store local times
// as UTC, so an imported log exports the times it was imported with), to the second; the
// user is "N/A" when the record has none; the category is its name, "None" for 0, or "(N)".
// Every writer writes WriterOptions::computer where a record has no computer name.
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "export_date_time.h"
#include "json_strings.h"
#include "msmilog/time_format.h"
#include "text_export_formats.h"

namespace msmilog {
namespace {

// A file or standard output ("-"), closed by its owner.
class OutputFile {
 public:
  OutputFile() = default;
  ~OutputFile() {
    if (file_ != nullptr && file_ != stdout) std::fclose(file_);
  }
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  msmi::Status open(const std::string& path) {
    path_ = path;
    if (path == "-") {
      file_ = stdout;
      return msmi::Status::Ok();
    }
    file_ = std::fopen(path.c_str(), "wb");
    if (file_ == nullptr)
      return msmi::Status::IoError(path + ": cannot create: " + std::strerror(errno));
    return msmi::Status::Ok();
  }

  msmi::Status write(const std::string& text) {
    if (std::fwrite(text.data(), 1, text.size(), file_) != text.size())
      return msmi::Status::IoError(path_ + ": cannot write: " + std::strerror(errno));
    return msmi::Status::Ok();
  }

  msmi::Status finish() {
    const bool ok = std::fflush(file_) == 0;
    if (file_ != stdout) {
      const bool closed = std::fclose(file_) == 0;
      file_ = nullptr;
      if (!ok || !closed)
        return msmi::Status::IoError(path_ + ": cannot write: " + std::strerror(errno));
    } else if (!ok) {
      return msmi::Status::IoError("standard output: cannot write: " +
                                   std::string(std::strerror(errno)));
    }
    return msmi::Status::Ok();
  }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
};

std::string category_text(const LogRecord& record) {
  if (!record.category_name.empty()) return record.category_name;
  if (record.category == 0) return "None";
  return "(" + std::to_string(record.category) + ")";
}

std::string two_digits(int value) {
  return std::string(1, static_cast<char>('0' + value / 10 % 10)) +
         static_cast<char>('0' + value % 10);
}

// csv (RFC 4180): quoted when `field` holds a comma, a quote, a line break or outer blanks.
// text: quoted only when it could not be read back otherwise: a tab, a line break, a leading
// quote or outer blanks. Quotes inside are doubled either way.
std::string quote_if_needed(const std::string& field, char delimiter) {
  const std::string specials = delimiter == ',' ? std::string("\"\r\n,") : std::string("\r\n\t");
  const bool needs =
      field.find_first_of(specials) != std::string::npos ||
      (!field.empty() && (field.front() == '"' || field.front() == ' ' || field.back() == ' '));
  if (!needs) return field;
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

class DelimitedWriter final : public LogWriter {
 public:
  DelimitedWriter(char delimiter, const WriterOptions& options)
      : delimiter_(delimiter), options_(options) {}

  msmi::Status open(const std::string& path) {
    if (msmi::Status status = out_.open(path); !status.ok()) return status;
    if (delimiter_ == ',')
      return out_.write("Type,Date,Time,Source,Category,Event,User,Computer,Description\r\n");
    return msmi::Status::Ok();
  }

  msmi::Status write(const LogRecord& record) override {
    const CivilTime t = civil_from_us(record.created_us);
    std::string date;
    std::string time;
    std::string type(to_string(record.type));
    if (delimiter_ == ',') {
      date = std::to_string(t.year) + "-" + two_digits(t.month) + "-" + two_digits(t.day);
      time = two_digits(t.hour) + ":" + two_digits(t.minute) + ":" + two_digits(t.second);
    } else {
      date = std::to_string(t.month) + "/" + std::to_string(t.day) + "/" + std::to_string(t.year);
      const int hour12 = t.hour % 12 == 0 ? 12 : t.hour % 12;
      time = std::to_string(hour12) + ":" + two_digits(t.minute) + ":" + two_digits(t.second) +
             (t.hour < 12 ? " AM" : " PM");
      if (record.type == NtEventType::kAuditSuccess) type = "Success Audit";
      if (record.type == NtEventType::kAuditFailure) type = "Failure Audit";
    }
    const std::string user = record.user.empty() ? "N/A" : record.user;
    const std::string computer = record.computer.empty() ? options_.computer : record.computer;
    const std::string fields[] = {date,
                                  time,
                                  record.source,
                                  type,
                                  category_text(record),
                                  std::to_string(record.displayed_id()),
                                  user,
                                  computer,
                                  record.description};
    // csv's columns are Type,Date,Time,Source,…; text's Date,Time,Source,Type,….
    static constexpr int kCsvOrder[] = {3, 0, 1, 2, 4, 5, 6, 7, 8};
    static constexpr int kTextOrder[] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
    const int* order = delimiter_ == ',' ? kCsvOrder : kTextOrder;
    std::string line;
    for (int i = 0; i < 9; ++i) {
      if (i > 0) line.push_back(delimiter_);
      line += quote_if_needed(fields[order[i]], delimiter_);
    }
    line += "\r\n";
    return out_.write(line);
  }

  msmi::Status finish() override { return out_.finish(); }

 private:
  char delimiter_;
  WriterOptions options_;
  OutputFile out_;
};

// One JSON string, escaped as json_strings.h escapes the strings column.
std::string json_string(const std::string& text) {
  const std::string array = encode_json_strings({text});
  return array.substr(1, array.size() - 2);
}

class JsonLinesWriter final : public LogWriter {
 public:
  explicit JsonLinesWriter(const WriterOptions& options) : options_(options) {}

  msmi::Status open(const std::string& path) { return out_.open(path); }

  // {"record_number":1,"event_identifier":3221227814,"identifier_complete":true,
  //  "event_id":2342,"type":"Error","type_code":1,"category":0,"category_name":"Session Error",
  //  "created":"1997-05-22T09:00:00.000Z","created_us":…,"written_us":…,"source":…,
  //  "computer":…,"user":…,"strings":[…],"data":"0a1b","description":…,"position":0}
  msmi::Status write(const LogRecord& record) override {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string data;
    for (char c : record.data) {
      data.push_back(kHex[static_cast<unsigned char>(c) >> 4]);
      data.push_back(kHex[static_cast<unsigned char>(c) & 15]);
    }
    const std::string& computer = record.computer.empty() ? options_.computer : record.computer;
    std::string line =
        "{\"record_number\":" + std::to_string(record.record_number) +
        ",\"event_identifier\":" + std::to_string(record.event_identifier) +
        ",\"identifier_complete\":" + (record.identifier_complete ? "true" : "false") +
        ",\"event_id\":" + std::to_string(record.displayed_id()) +
        ",\"type\":" + json_string(std::string(to_string(record.type))) +
        ",\"type_code\":" + std::to_string(static_cast<int>(record.type)) +
        ",\"category\":" + std::to_string(record.category) +
        ",\"category_name\":" + json_string(record.category_name) +
        ",\"created\":" + json_string(format_iso8601_utc(record.created_us)) +
        ",\"created_us\":" + std::to_string(record.created_us) +
        ",\"written_us\":" + std::to_string(record.written_us) +
        ",\"source\":" + json_string(record.source) + ",\"computer\":" + json_string(computer) +
        ",\"user\":" + json_string(record.user) +
        ",\"strings\":" + encode_json_strings(record.strings) + ",\"data\":\"" + data + "\"" +
        ",\"description\":" + json_string(record.description) +
        ",\"position\":" + std::to_string(record.position) + "}\n";
    return out_.write(line);
  }

  msmi::Status finish() override { return out_.finish(); }

 private:
  WriterOptions options_;
  OutputFile out_;
};

template <typename Writer, typename... Args>
msmi::Status create(const std::string& path, std::unique_ptr<LogWriter>* out, Args&&... args) {
  auto writer = std::make_unique<Writer>(std::forward<Args>(args)...);
  if (msmi::Status status = writer->open(path); !status.ok()) return status;
  *out = std::move(writer);
  return msmi::Status::Ok();
}

}  // namespace

msmi::Status create_csv_writer(const std::string& path, const WriterOptions& options,
                               std::unique_ptr<LogWriter>* out) {
  return create<DelimitedWriter>(path, out, ',', options);
}

msmi::Status create_nt_text_writer(const std::string& path, const WriterOptions& options,
                                   std::unique_ptr<LogWriter>* out) {
  return create<DelimitedWriter>(path, out, '\t', options);
}

msmi::Status create_jsonl_writer(const std::string& path, const WriterOptions& options,
                                 std::unique_ptr<LogWriter>* out) {
  return create<JsonLinesWriter>(path, out, options);
}

}  // namespace msmilog
