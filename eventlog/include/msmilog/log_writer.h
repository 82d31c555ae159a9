// LogWriter: writes records to one event log file of a given format; LogExportFormat: the formats
// `msmisim export` writes. The export pipeline turns each stored event into a LogRecord and hands
// it over one at a time, so memory stays flat however many events are exported.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "msmi/status.h"
#include "msmilog/log_record.h"

namespace msmilog {

struct WriterOptions {
  // The computer name written where a record has none.
  std::string computer;
};

class LogWriter {
 public:
  virtual ~LogWriter() = default;
  // Appends one record. IoError naming the file when it cannot be written; InvalidArgument when
  // the format cannot hold the record (e.g. a string too long for it).
  virtual msmi::Status write(const LogRecord& record) = 0;
  // True when the format can store `user` (LogRecord::user, not empty) as it is; false when
  // write() would refuse a record for it (an EVT stores a user only as a SID). The export
  // pipeline then drops the user and says so, rather than failing the export.
  virtual bool holds_user(std::string_view user) const {
    (void)user;
    return true;
  }
  // Completes the file (headers, closing tags) and flushes it. Called once, after the last
  // write(); a writer destroyed without finish() leaves an incomplete file.
  virtual msmi::Status finish() = 0;
};

struct LogExportFormat {
  std::string_view name;         // "evt", "xml", "evtx-xml", "csv", "jsonl", "text"
  std::string_view description;  // "NT 4.0 binary event log (.EVT)"
  bool binary;                   // true: cannot be written to a terminal / "-"
  // Creates `path` ("-" = standard output, for the text formats). IoError naming the file when
  // it cannot be created.
  msmi::Status (*create)(const std::string& path, const WriterOptions& options,
                         std::unique_ptr<LogWriter>* out);
};

// Every format msmisim writes.
const std::vector<LogExportFormat>& log_export_formats();

}  // namespace msmilog
