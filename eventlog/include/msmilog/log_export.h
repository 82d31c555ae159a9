// The export pipeline: stored events (of a simulated run or an import) become LogRecords and are
// handed one at a time to a LogWriter of log_export_formats(), so a simulated run opens in Event
// Viewer or any tool that reads the chosen format, and memory stays flat however many events
// are exported.
//
// How an `events` row becomes a LogRecord:
//   record_number = the stored one, else the row's seq; event_identifier = the stored one, else
//   make_event_identifier(event_id, type) (identifier_complete is true either way: the file gets
//   a full identifier); type from the type text; category = category_number, else the position
//   of the category text among msmi::Category + 1 (0 for "None", or a text no Category has);
//   category_name = the text; created_us = the run's epoch_us + time_us (an import's epoch is
//   0, its time_us already µs since 1970); written_us = the stored one, else created_us; source,
//   computer, user, strings, data and description as stored; position 0.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "msmi/status.h"
#include "msmilog/event_filter.h"
#include "msmilog/event_store.h"
#include "msmilog/log_record.h"
#include "msmilog/log_writer.h"
#include "msmilog/store_rows.h"

namespace msmilog {

// The LogRecord for `row` of a run whose time origin is `epoch_us` (see above).
LogRecord log_record_from_event(const EventRow& row, std::int64_t epoch_us);

// The format named `name` (compared case-insensitively) in `formats`; nullptr if none.
const LogExportFormat* find_export_format(const std::vector<LogExportFormat>& formats,
                                          std::string_view name);

// The names of `formats`, comma-separated, for messages ("evt, xml, csv").
std::string export_format_names(const std::vector<LogExportFormat>& formats);

// What export_events() wrote, and what it had to leave out.
struct ExportSummary {
  std::int64_t exported = 0;
  // Events whose user the format cannot hold (LogWriter::holds_user() said no: an account name
  // of a text export, in an EVT, which stores only SIDs): written without a user.
  std::int64_t users_dropped = 0;
  // The distinct users dropped, in the order first met (at most kMaxDroppedUsers of them).
  std::vector<std::string> dropped_users;

  static constexpr std::size_t kMaxDroppedUsers = 5;
};

// Writes every event of `store` that `filter` selects, in the filter's order, to `path` ("-" =
// standard output) in `format`, and stores in *exported how many were written.
// On failure the writer is not finished (the file is incomplete) and:
//   InvalidArgument  `format` cannot hold a record (the message names the event);
//   IoError          `path` cannot be created or written;
//   other codes      the store cannot be read (as EventStore::query_events()).
// REQUIRES: exported != nullptr.
msmi::Status export_events(const EventStore& store, const EventFilter& filter,
                           const LogExportFormat& format, const std::string& path,
                           const WriterOptions& options, std::int64_t* exported);

// The same, with what was written and dropped in *summary (filled as far as the export got on
// failure). REQUIRES: summary != nullptr.
msmi::Status export_events(const EventStore& store, const EventFilter& filter,
                           const LogExportFormat& format, const std::string& path,
                           const WriterOptions& options, ExportSummary* summary);

}  // namespace msmilog
