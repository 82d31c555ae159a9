// The import pipeline: reads NT event log files of any format msmisim knows (log_formats()) and
// stores their records in the event store as one run of kind 'import', so simulated runs and
// customers' logs are queried and diagnosed the same way.
//
// Each file is imported in ONE transaction (EventStore::begin_transaction): the `runs` row
// (created with the first file that is imported), the file's `imports` row and all of its
// `events` rows commit together or not at all, so a file that fails leaves nothing behind.
// Records are streamed from the reader through an EventWriter in batches, so memory stays flat
// however large the file.
//
// How a LogRecord becomes an `events` row:
//   time_us = created_us (µs since 1970), time = its ISO-8601 form, event_id = displayed_id(),
//   event_identifier = the full 32-bit identifier, record_number, type = to_string(type),
//   category = category_name when the file has it, else (for a number other than 0) the
//   catalogue's category of (source, event ID), else "(N)"; category 0 is "None", as Event
//   Viewer shows it. category_number = the number, user (NULL when empty), written_us (NULL when
//   equal to created_us), strings (JSON array), data (NULL when empty), thread and message_id
//   NULL, level NULL (unknown), description = the file's rendered text when it has one, else
//   render_description() from the catalogue (Event Viewer's "could not be found" text for an ID it
//   does not know).
//
// Not thread-safe; one import at a time per call. Other processes may read the store meanwhile.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "msmi/event_catalogue.h"
#include "msmi/status.h"
#include "msmilog/log_reader.h"
#include "msmilog/log_record.h"
#include "msmilog/store_rows.h"

namespace msmilog {

struct ImportOptions {
  // The import's name (runs.import_name). Empty: the base name of the first file.
  std::string name;
  // An import of that name exists: false refuses it (InvalidArgument), true adds the files to it.
  bool append = false;
  // Non-empty: the computer of every record (replacing the file's, filling where it has none).
  std::string computer;
  // Malformed records are skipped, counted and listed instead of failing the file.
  bool skip_errors = false;
  // A file whose SHA-256 is already in `imports` is imported again instead of refused.
  bool force = false;
  DateOrder date_order = DateOrder::kAuto;
  // Reads, validates and converts every record exactly as an import does, and fills the same
  // FileImport counts, notes and errors, but stores nothing: the store is neither opened nor
  // created, so an existing import name and a file imported before are not detected, and no
  // SHA-256 is computed (FileImport::sha256 stays empty).
  bool dry_run = false;
  // Stored in the `runs` row (metadata only): wall-clock ISO-8601 UTC start, version, the
  // command line.
  std::string started_at;
  std::string msmisim_version;
  std::string command;
};

// What happened to one file.
struct FileImport {
  std::string path;
  std::string format;  // the reader's format() ("evt", "xml" …); empty if none was opened
  std::uint64_t size = 0;
  std::string sha256;          // hex; empty if the file could not be read
  std::int64_t read = 0;       // records the reader delivered or failed to read
  std::int64_t imported = 0;   // events rows stored (0 unless status is OK)
  std::int64_t skipped = 0;    // malformed records skipped (--skip-errors)
  std::int64_t recovered = 0;  // records the reader recovered from outside the live log
  // The reader's notes (gaps, recovered records, header mismatches), in file order.
  std::vector<ReadIssue> notes;
  // The malformed records: each one skipped, or the one that failed the file.
  std::vector<ReadIssue> errors;
  // OK: committed. Otherwise nothing of this file was stored, and the message names the file:
  //   NotFound         the file does not exist;
  //   IoError          it cannot be read;
  //   InvalidArgument  no format recognises it, or it was imported before (duplicate_of says
  //                    where) and options.force is false;
  //   Corruption       the reader refused it, or a malformed record without skip_errors (the
  //                    message names the byte offset or line).
  msmi::Status status;
  // When refused as a duplicate: "import 'NAME' (run N)" that already holds the same bytes.
  std::string duplicate_of;
};

struct ImportResult {
  std::int64_t run_id = 0;        // the import's run; 0 when no file was stored
  std::string name;               // the import's name
  std::vector<FileImport> files;  // one per path, in the order given
  // ImportOptions::dry_run was set: nothing was stored, run_id is 0, and each file's
  // `imported` counts the rows an import would have stored.
  bool dry_run = false;

  // True when every file was imported.
  bool all_imported() const;
};

// Told how an import advances, for a progress bar. Calls come from the importing thread.
class ImportProgress {
 public:
  virtual ~ImportProgress() = default;
  // File `index` (0-based) of `count` starts.
  virtual void file_started(const std::string& path, std::size_t index, std::size_t count) = 0;
  // Bytes of the current file read so far, of total_bytes; called every few hundred records.
  virtual void advanced(std::uint64_t bytes_read, std::uint64_t total_bytes) = 0;
  // The current file is done (committed or not).
  virtual void file_finished(const FileImport& file) = 0;
};

// Size of the head that LogFormat::detect() sees.
inline constexpr std::size_t kDetectHeadBytes = 4096;

// Stores in *format the first of `formats` whose detect() accepts the first kDetectHeadBytes
// bytes of `path`. NotFound / IoError naming the file when it cannot be read; InvalidArgument
// naming the file and the formats tried when none accepts it.
// REQUIRES: format != nullptr.
msmi::Status detect_log_format(const std::string& path, const std::vector<LogFormat>& formats,
                               const LogFormat** format);

// Imports `paths` into the event store at `db_path` (created or migrated as EventStore::open()
// does), one transaction per file, with the formats `formats` (log_formats() in msmisim; tests
// pass their own) and the event texts `catalogue` (sorted by ID; msmisim passes
// msmisim::any_event_catalogue()).
//
// With options.dry_run the store is left alone (see ImportOptions::dry_run) and the result is
// what an import would give, files failing with the same status.
//
// Returns OK when the store could be used: each file's outcome is then in result->files (a file
// that failed does not stop the next one). Otherwise, with nothing more stored:
//   InvalidArgument  no paths, or an import named options.name exists and options.append is
//                    false (the message says so and how to proceed);
//   any other code   the store cannot be opened, read or written (files committed before the
//                    failure stay).
// REQUIRES: result != nullptr. `progress` may be null.
msmi::Status import_logs(const std::string& db_path, const std::vector<std::string>& paths,
                         const ImportOptions& options,
                         const std::vector<msmi::EventSpec>& catalogue,
                         const std::vector<LogFormat>& formats, ImportResult* result,
                         ImportProgress* progress = nullptr);

// The category text the pipeline stores for `record` (see the rules at the top of this file).
std::string import_category(const LogRecord& record, const std::vector<msmi::EventSpec>& catalogue);

// The description the pipeline stores for `record`: its own text when it has one, else
// render_description() from `catalogue`.
std::string import_description(const LogRecord& record,
                               const std::vector<msmi::EventSpec>& catalogue);

// The `events` row the pipeline stores for `record` (see the rules at the top of this file):
// id, run_id, seq and time are left for EventWriter::write_row(); `computer`, when not empty,
// replaces the record's.
EventRow event_row_from_record(const LogRecord& record,
                               const std::vector<msmi::EventSpec>& catalogue,
                               std::string_view computer);

}  // namespace msmilog
