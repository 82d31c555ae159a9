// LogReader: streams the records of one event log file, whatever its format; LogFormat: how a
// format is recognised and opened. The import pipeline (msmisim import) detects the format from
// the file's first bytes, opens a reader and pulls records one at a time, so memory stays flat
// however large the file.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "msmi/event_catalogue.h"
#include "msmi/status.h"
#include "msmilog/log_record.h"

namespace msmilog {

// Day/month order of the dates in NT text and CSV exports, which carry the locale's short
// date ("22/05/1997" or "5/22/1997").
enum class DateOrder { kAuto, kDayMonth, kMonthDay };

struct ReaderOptions {
  DateOrder date_order = DateOrder::kAuto;
  // The event texts used to recover insertion strings from rendered descriptions (text and CSV
  // exports). Null: no recovery, strings stay empty.
  const std::vector<msmi::EventSpec>* catalogue = nullptr;
};

enum class ReadResult {
  kRecord,     // *out holds the next record
  kEnd,        // no more records
  kMalformed,  // a record could not be read; issue() says where and why. next() may be called
               // again and continues after it when the format allows, else returns kEnd.
};

// Something the reader noticed that the user must be told about: a malformed record, a gap in
// the record numbers, a record recovered from free space, a header that disagrees with the data.
struct ReadIssue {
  std::uint64_t position = 0;  // byte offset (binary formats) or 1-based line (text formats)
  bool is_line = false;
  std::string message;
};

class LogReader {
 public:
  virtual ~LogReader() = default;
  // The format's name, as --format and the import summary show it ("evt", "evtx", "xml", "csv",
  // "nt-text", "nt-csv").
  virtual std::string_view format() const = 0;
  virtual ReadResult next(LogRecord* out) = 0;
  // After kMalformed: what went wrong and where.
  virtual const ReadIssue& issue() const = 0;
  // Notes gathered so far that are not malformed records (gaps, recovered records, header
  // mismatches), in file order. Complete once next() returned kEnd.
  virtual std::vector<ReadIssue> notes() const { return {}; }
  // How many records were recovered from outside the live log (deleted or overwritten space).
  virtual std::uint64_t recovered() const { return 0; }
  // Bytes of the file consumed so far, for a progress bar; total_bytes() the file's size.
  virtual std::uint64_t bytes_read() const = 0;
  virtual std::uint64_t total_bytes() const = 0;
};

struct LogFormat {
  std::string_view name;         // "evt"
  std::string_view description;  // "NT 4.0 binary event log (.EVT)"
  // True when `head` (the file's first up to 4096 bytes) is this format. Formats are tried in
  // the order of log_formats(); the first that says yes wins.
  bool (*detect)(std::string_view head);
  // Opens `path`. InvalidArgument / Corruption naming the file when it cannot be read as
  // this format; IoError when it cannot be opened.
  msmi::Status (*open)(const std::string& path, const ReaderOptions& options,
                       std::unique_ptr<LogReader>* out);
};

// Every format msmisim reads, most specific first (binary signatures before text guesses).
const std::vector<LogFormat>& log_formats();

}  // namespace msmilog
