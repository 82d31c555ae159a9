// The import pipeline (see log_import.h): each file inside one EventStore transaction, its
// records streamed through an EventWriter (batches of EventWriter::kBatchSize rows, nested in
// that transaction).
//
// Two threads per file imported: a reading thread reads the file's records and converts each to
// its events row (the readers, the description rendering), and hands the rows on in batches of
// up to kProgressEvery through a bounded queue to the calling thread, which owns the store and
// writes them, in the order read, through the EventWriter. So an import takes about as long as
// the slower of reading and storing, not their sum. The reading thread stops at a malformed
// record (without --skip-errors) or when the storing thread closes the queue (a store failure);
// the calling thread always joins it before the file's transaction commits or rolls back, and
// only then reads what the reading thread filled in (counts, errors, notes). Progress is told
// from the calling thread, as a batch is stored. A dry run reads and converts on the calling
// thread alone: there is nothing to overlap.
#include "msmilog/log_import.h"

#include <cassert>
#include <chrono>
#include <exception>
#include <filesystem>
#include <fstream>
#include <memory>
#include <system_error>
#include <thread>
#include <type_traits>
#include <utility>

#include "bounded_queue.h"
#include "json_strings.h"
#include "msmilog/description_rendering.h"
#include "msmilog/event_store.h"
#include "msmilog/sha256.h"
#include "msmilog/time_format.h"

namespace msmilog {
namespace {

namespace fs = std::filesystem;

// Progress is reported every this many records; a batch of rows handed from the reading thread
// to the storing thread holds at most this many.
constexpr std::int64_t kProgressEvery = 512;

// Batches queued between the reading and the storing thread: enough to ride out a slow SQLite
// commit, few enough that memory does not depend on the file.
constexpr std::size_t kQueuedBatches = 16;

// Rows read and converted, on their way to the store.
struct RowBatch {
  // rows[0, size) are the batch's rows. The storing thread moves the rows' strings into the
  // writer, so a batch that comes back is refilled into the same vector, its strings anew.
  std::vector<EventRow> rows;
  std::size_t size = 0;
  std::uint64_t bytes_read = 0;  // reader.bytes_read() after the batch's last record
  std::uint64_t total_bytes = 0;
};

// A JSON string literal (quotes included) of `text`.
std::string json_quote(std::string_view text) {
  const std::string array = encode_json_strings({std::string(text)});
  return array.substr(1, array.size() - 2);
}

std::string where(const ReadIssue& issue) {
  return (issue.is_line ? "line " : "offset ") + std::to_string(issue.position);
}

// The notes column: [{"position":N,"message":"…"}, …], with "line":N as well where the position
// is a line number; skipped records come after the reader's notes, their message starting
// "skipped: ". NULL when there is nothing to note.
std::string notes_json(const FileImport& file) {
  std::string json = "[";
  auto add = [&json](const ReadIssue& issue, std::string_view prefix) {
    if (json.size() > 1) json += ",";
    json += "{\"position\":" + std::to_string(issue.position);
    if (issue.is_line) json += ",\"line\":" + std::to_string(issue.position);
    json += ",\"message\":" + json_quote(std::string(prefix) + issue.message) + "}";
  };
  for (const ReadIssue& note : file.notes) add(note, "");
  for (const ReadIssue& error : file.errors) add(error, "skipped: ");
  return json.size() == 1 ? std::string() : json + "]";
}

std::string now_iso() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return format_iso8601_utc(std::chrono::duration_cast<std::chrono::microseconds>(now).count());
}

// Reads the file once: its size, SHA-256 and head. With sha256 null only the head is read (a
// dry run needs no hash) and the size is the file's.
msmi::Status fingerprint(const std::string& path, std::uint64_t* size, std::string* sha256,
                         std::string* head) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return msmi::Status::NotFound(path + ": no such file");
  if (fs::is_directory(path, ec)) return msmi::Status::IoError(path + ": is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) return msmi::Status::IoError(path + ": cannot be opened for reading");
  Sha256 hash;
  std::string buffer(sha256 == nullptr ? kDetectHeadBytes : 1 << 16, '\0');
  *size = 0;
  head->clear();
  if (sha256 == nullptr) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    if (in.bad()) return msmi::Status::IoError(path + ": read error");
    head->assign(buffer.data(), static_cast<std::size_t>(in.gcount()));
    *size = static_cast<std::uint64_t>(fs::file_size(path, ec));
    if (ec) return msmi::Status::IoError(path + ": " + ec.message());
    return msmi::Status::Ok();
  }
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    if (got == 0) break;
    if (head->size() < kDetectHeadBytes) {
      head->append(buffer.data(), std::min(got, kDetectHeadBytes - head->size()));
    }
    hash.update(std::string_view(buffer.data(), got));
    *size += got;
  }
  if (in.bad()) return msmi::Status::IoError(path + ": read error");
  *sha256 = hash.hex_digest();
  return msmi::Status::Ok();
}

const LogFormat* detect_in(std::string_view head, const std::vector<LogFormat>& formats) {
  for (const LogFormat& format : formats) {
    if (format.detect != nullptr && format.detect(head)) return &format;
  }
  return nullptr;
}

msmi::Status no_format(const std::string& path, const std::vector<LogFormat>& formats) {
  if (formats.empty()) {
    return msmi::Status::InvalidArgument(path +
                                         ": not read: this build knows no event log formats");
  }
  std::string tried;
  for (const LogFormat& format : formats) {
    tried += (tried.empty() ? "" : ", ") + std::string(format.name);
  }
  return msmi::Status::InvalidArgument(path + ": not an event log format msmisim reads (tried " +
                                       tried + ")");
}

// True when the row of `record` needs the catalogue's template: for its category or its
// description (the file carries neither).
bool needs_template(const LogRecord& record) {
  return record.description.empty() || (record.category_name.empty() && record.category != 0);
}

// Fills *row (every field event_row_from_record() sets; id, run_id, seq and time are left as
// they are) from `record`, with `spec` the catalogue's template for the record
// (find_template()), looked up once for both the category and the description (and only when
// needs_template()). A `record` passed as an rvalue gives its strings to the row instead of
// having them copied.
template <typename Record>
void fill_row(Record&& record, const msmi::EventSpec* spec,
              const std::vector<msmi::EventSpec>& catalogue, std::string_view computer,
              EventRow* row) {
  constexpr bool kTake = !std::is_lvalue_reference_v<Record>;
  auto put = [](auto& from, auto* to) {
    if constexpr (kTake) {
      *to = std::move(from);
    } else {
      *to = from;
    }
  };
  row->time_us = record.created_us;
  if (computer.empty()) {
    put(record.computer, &row->computer);
  } else {
    row->computer.assign(computer);
  }
  row->event_id = record.displayed_id();
  row->type.assign(to_string(record.type));
  if (!record.category_name.empty()) {
    put(record.category_name, &row->category);
  } else if (record.category == 0) {
    row->category.assign("None");
  } else if (spec != nullptr) {
    row->category.assign(msmi::to_string(spec->category));
  } else {
    row->category = "(" + std::to_string(record.category) + ")";
  }
  row->level = -1;
  row->thread = -1;
  row->message_id.clear();
  if (!record.description.empty()) {
    put(record.description, &row->description);
  } else if (spec != nullptr) {
    row->description = format_message(spec->text, record.strings);
  } else {
    row->description =
        render_description(catalogue, record.source, record.displayed_id(), record.strings);
  }
  put(record.source, &row->source);
  put(record.strings, &row->strings);
  put(record.data, &row->data);
  row->record_number = record.record_number == 0 ? -1 : record.record_number;
  row->event_identifier = record.event_identifier;
  row->category_number = record.category;
  put(record.user, &row->user);
  row->written_us =
      record.written_us == record.created_us || record.written_us == 0 ? -1 : record.written_us;
}

// event_row_from_record() with `spec` as fill_row() takes it.
EventRow row_with_template(const LogRecord& record, const msmi::EventSpec* spec,
                           const std::vector<msmi::EventSpec>& catalogue,
                           std::string_view computer) {
  EventRow row;
  fill_row(record, spec, catalogue, computer, &row);
  return row;
}

class Importer {
 public:
  // `store` is null for a dry run.
  Importer(EventStore* store, const ImportOptions& options,
           const std::vector<msmi::EventSpec>& catalogue, const std::vector<LogFormat>& formats,
           ImportResult* result, ImportProgress* progress)
      : store_(store),
        options_(options),
        catalogue_(catalogue),
        formats_(formats),
        result_(result),
        progress_(progress),
        finder_(catalogue) {}

  // The run appended to (0: a new one is made with the first file imported).
  void set_existing_run(std::int64_t run_id) {
    result_->run_id = run_id;
    run_exists_ = run_id != 0;
  }

  // Imports one file into *file. A non-OK return is a store failure (the import stops).
  msmi::Status import_file(const std::string& path, FileImport* file) {
    std::string head;
    file->status =
        fingerprint(path, &file->size, options_.dry_run ? nullptr : &file->sha256, &head);
    if (!file->status.ok()) return msmi::Status::Ok();
    if (!options_.force && !options_.dry_run) {
      msmi::Status s = check_duplicate(file);
      if (!s.ok() || !file->status.ok()) return s;
    }
    const LogFormat* format = detect_in(head, formats_);
    if (format == nullptr) {
      file->status = no_format(path, formats_);
      return msmi::Status::Ok();
    }
    ReaderOptions reader_options;
    reader_options.date_order = options_.date_order;
    reader_options.catalogue = &catalogue_;
    std::unique_ptr<LogReader> reader;
    file->status = format->open(path, reader_options, &reader);
    if (!file->status.ok()) return msmi::Status::Ok();
    if (reader == nullptr) {
      file->status = msmi::Status::Corruption(path + ": the " + std::string(format->name) +
                                              " reader opened nothing");
      return msmi::Status::Ok();
    }
    file->format = std::string(reader->format());
    if (options_.dry_run) {
      dry_run_records(path, *reader, file);
      if (!file->status.ok()) file->imported = 0;
      return msmi::Status::Ok();
    }

    msmi::Status s = store_->begin_transaction();
    if (!s.ok()) return s;
    const bool had_run = run_exists_;
    s = store_file(path, *reader, file);
    if (s.ok() && file->status.ok()) {
      s = store_->commit_transaction();  // rolls back itself when it fails
      if (s.ok()) return s;
    } else {
      store_->rollback_transaction();
    }
    // Nothing of this file stays, nor a run it created.
    if (!had_run) {
      result_->run_id = 0;
      run_exists_ = false;
    }
    file->imported = 0;
    if (!s.ok() && file->status.ok()) file->status = s;
    return s;
  }

 private:
  msmi::Status check_duplicate(FileImport* file) {
    std::vector<ImportRow> earlier;
    msmi::Status s = store_->find_imports_by_sha256(file->sha256, &earlier);
    if (!s.ok() || earlier.empty()) return s;
    RunSummary run;
    s = store_->get_run(earlier.front().run_id, &run);
    if (!s.ok()) return s;
    file->duplicate_of =
        "import '" + run.import_name + "' (run " + std::to_string(run.run_id) + ")";
    file->status = msmi::Status::InvalidArgument(
        file->path + ": already imported as " + earlier.front().path + " in " + file->duplicate_of +
        " (same SHA-256); give --force to import it again");
    return msmi::Status::Ok();
  }

  // Inside the file's transaction: the run (if new), the events, the imports row, the run's
  // count. Store failures are returned; a malformed record sets file->status instead.
  msmi::Status store_file(const std::string& path, LogReader& reader, FileImport* file) {
    msmi::Status s;
    if (!run_exists_) {
      RunRecord run;
      run.scenario = result_->name;
      run.started_at = options_.started_at.empty() ? now_iso() : options_.started_at;
      run.computer = options_.computer;
      run.epoch_us = 0;  // time_us of imported events is already µs since 1970
      run.msmisim_version = options_.msmisim_version;
      run.command = options_.command;
      s = store_->begin_import(result_->name, run, &result_->run_id);
      if (!s.ok()) return s;
      run_exists_ = true;
    }
    const std::int64_t run_id = result_->run_id;
    std::vector<ImportRow> files;
    s = store_->read_imports(run_id, &files);
    if (!s.ok()) return s;

    // The writer is destroyed (flushing into the open transaction) before it commits or rolls
    // back, so nothing it buffers can land outside the transaction.
    std::unique_ptr<EventWriter> writer = store_->open_writer(run_id, "", 0);
    s = store_records(path, reader, *writer, file);
    if (s.ok() && file->status.ok()) s = writer->flush();
    writer.reset();
    if (!s.ok() || !file->status.ok()) return s;

    ImportRow row;
    row.position = static_cast<std::int64_t>(files.size());
    row.path = path;
    row.format = file->format;
    row.size = static_cast<std::int64_t>(file->size);
    row.sha256 = file->sha256;
    row.records_read = file->read;
    row.imported = file->imported;
    row.skipped = file->skipped;
    row.recovered = file->recovered;
    row.notes = notes_json(*file);
    s = store_->write_imports(run_id, {row});
    if (!s.ok()) return s;
    return store_->finish_run(run_id, "imported", now_iso(), 0);
  }

  // Reads every record of `reader` and converts it to its events row, handing the rows on in
  // batches: `deliver(batch)` takes a filled batch and gives back an empty one (in *batch) or
  // returns false to stop the reading (the store failed). A malformed record without
  // skip_errors sets file->status and stops. Once the reader is done, its notes and recovered
  // count are in *file. Used by the reading thread of an import and by a dry run.
  template <typename Deliver>
  void read_records(const std::string& path, LogReader& reader, FileImport* file,
                    Deliver&& deliver) {
    RowBatch batch;
    auto hand_on = [&] {
      batch.bytes_read = reader.bytes_read();
      batch.total_bytes = reader.total_bytes();
      return deliver(&batch);
    };
    LogRecord record;
    for (;;) {
      const ReadResult got = reader.next(&record);
      if (got == ReadResult::kEnd) break;
      ++file->read;
      if (got == ReadResult::kMalformed) {
        file->errors.push_back(reader.issue());
        if (options_.skip_errors) {
          ++file->skipped;
        } else {
          // A reader whose message already names the file (and so where in it) is not
          // prefixed a second time.
          const std::string& message = reader.issue().message;
          const bool named = message.compare(0, path.size() + 2, path + ": ") == 0;
          file->status = msmi::Status::Corruption(
              (named ? std::string() : path + ": " + where(reader.issue()) + ": ") + message +
              " (give --skip-errors to skip such records)");
          return;
        }
      } else {
        const msmi::EventSpec* spec =
            needs_template(record)
                ? finder_.find(record.source, record.displayed_id(), record.strings)
                : nullptr;
        if (batch.size == batch.rows.size()) batch.rows.emplace_back();
        fill_row(std::move(record), spec, catalogue_, options_.computer, &batch.rows[batch.size]);
        ++batch.size;
        ++file->imported;
      }
      if (file->read % kProgressEvery == 0 && !hand_on()) return;
    }
    file->notes = reader.notes();
    file->recovered = static_cast<std::int64_t>(reader.recovered());
    batch.bytes_read = reader.total_bytes();  // the bar ends at 100%
    batch.total_bytes = reader.total_bytes();
    deliver(&batch);
  }

  // A dry run: read_records() on this thread; each batch only advances the progress bar.
  void dry_run_records(const std::string& path, LogReader& reader, FileImport* file) {
    read_records(path, reader, file, [this](RowBatch* batch) {
      if (progress_ != nullptr) progress_->advanced(batch->bytes_read, batch->total_bytes);
      batch->size = 0;
      return true;
    });
  }

  // An import: read_records() on a reading thread while this thread writes each batch's rows to
  // `writer`, in order. Returns the writer's failure, if any (the reading is then stopped);
  // file->status tells whether the file was read through. The reading thread is joined before
  // this returns.
  msmi::Status store_records(const std::string& path, LogReader& reader, EventWriter& writer,
                             FileImport* file) {
    BoundedQueue<RowBatch> full(kQueuedBatches);
    BoundedQueue<RowBatch> empty(kQueuedBatches + 2);  // batches back for reuse
    std::exception_ptr failure;
    std::thread reading([&] {
      try {
        read_records(path, reader, file, [&](RowBatch* batch) {
          if (!full.push(std::move(*batch))) return false;  // the store failed
          if (!empty.try_pop(batch)) *batch = RowBatch();
          batch->size = 0;
          return true;
        });
      } catch (...) {
        failure = std::current_exception();
      }
      full.close();
    });
    // However this thread leaves (an exception from the writer included), the reading thread is
    // stopped and joined first.
    struct Joiner {
      BoundedQueue<RowBatch>& queue;
      std::thread& thread;
      ~Joiner() {
        queue.close();  // the reading thread stops at its next batch
        thread.join();
      }
    };
    msmi::Status s;
    {
      Joiner joiner{full, reading};
      RowBatch batch;
      while (full.pop(&batch)) {
        for (std::size_t i = 0; i < batch.size; ++i) writer.write_row(std::move(batch.rows[i]));
        if (!writer.status().ok()) {
          s = writer.status();
          break;
        }
        if (progress_ != nullptr) progress_->advanced(batch.bytes_read, batch.total_bytes);
        empty.push(std::move(batch));
      }
    }
    if (failure) std::rethrow_exception(failure);
    return s;
  }

  EventStore* store_;  // null on a dry run
  const ImportOptions& options_;
  const std::vector<msmi::EventSpec>& catalogue_;
  const std::vector<LogFormat>& formats_;
  ImportResult* result_;
  ImportProgress* progress_;
  bool run_exists_ = false;  // result_->run_id names a run inside or outside the transaction
  TemplateFinder finder_;
};

// Each of `paths` in turn through `importer`; stops at the first store failure.
msmi::Status import_each(Importer& importer, const std::vector<std::string>& paths,
                         ImportResult* result, ImportProgress* progress) {
  result->files.reserve(paths.size());
  for (std::size_t i = 0; i < paths.size(); ++i) {
    result->files.emplace_back();
    FileImport& file = result->files.back();
    file.path = paths[i];
    if (progress != nullptr) progress->file_started(paths[i], i, paths.size());
    const msmi::Status s = importer.import_file(paths[i], &file);
    if (progress != nullptr) progress->file_finished(file);
    if (!s.ok()) return s;
  }
  return msmi::Status::Ok();
}

}  // namespace

bool ImportResult::all_imported() const {
  for (const FileImport& file : files) {
    if (!file.status.ok()) return false;
  }
  return true;
}

msmi::Status detect_log_format(const std::string& path, const std::vector<LogFormat>& formats,
                               const LogFormat** format) {
  assert(format != nullptr);
  *format = nullptr;
  std::error_code ec;
  if (!fs::exists(path, ec)) return msmi::Status::NotFound(path + ": no such file");
  std::ifstream in(path, std::ios::binary);
  if (!in) return msmi::Status::IoError(path + ": cannot be opened for reading");
  std::string head(kDetectHeadBytes, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  if (in.bad()) return msmi::Status::IoError(path + ": read error");
  head.resize(static_cast<std::size_t>(in.gcount()));
  *format = detect_in(head, formats);
  if (*format == nullptr) return no_format(path, formats);
  return msmi::Status::Ok();
}

std::string import_category(const LogRecord& record,
                            const std::vector<msmi::EventSpec>& catalogue) {
  if (!record.category_name.empty()) return record.category_name;
  if (record.category == 0) return "None";
  const msmi::EventSpec* spec =
      find_template(catalogue, record.source, record.displayed_id(), record.strings);
  if (spec != nullptr) return std::string(msmi::to_string(spec->category));
  return "(" + std::to_string(record.category) + ")";
}

std::string import_description(const LogRecord& record,
                               const std::vector<msmi::EventSpec>& catalogue) {
  if (!record.description.empty()) return record.description;
  return render_description(catalogue, record.source, record.displayed_id(), record.strings);
}

EventRow event_row_from_record(const LogRecord& record,
                               const std::vector<msmi::EventSpec>& catalogue,
                               std::string_view computer) {
  const msmi::EventSpec* spec =
      needs_template(record)
          ? find_template(catalogue, record.source, record.displayed_id(), record.strings)
          : nullptr;
  return row_with_template(record, spec, catalogue, computer);
}

msmi::Status import_logs(const std::string& db_path, const std::vector<std::string>& paths,
                         const ImportOptions& options,
                         const std::vector<msmi::EventSpec>& catalogue,
                         const std::vector<LogFormat>& formats, ImportResult* result,
                         ImportProgress* progress) {
  assert(result != nullptr);
  *result = ImportResult();
  if (paths.empty()) return msmi::Status::InvalidArgument("no file to import");
  result->name = options.name.empty() ? fs::path(paths.front()).filename().string() : options.name;
  result->dry_run = options.dry_run;
  if (options.dry_run) {
    Importer reader(nullptr, options, catalogue, formats, result, progress);
    return import_each(reader, paths, result, progress);
  }
  std::unique_ptr<EventStore> store;
  msmi::Status s = EventStore::open(db_path, &store);
  if (!s.ok()) return s;

  std::int64_t existing = 0;
  s = store->find_import(result->name, &existing);
  if (s.ok() && !options.append) {
    return msmi::Status::InvalidArgument(
        db_path + ": an import named '" + result->name + "' exists (run " +
        std::to_string(existing) +
        "); give --append to add the files to it, or --name to choose another name");
  }
  if (!s.ok() && !s.is_not_found()) return s;
  if (!s.ok()) existing = 0;

  Importer importer(store.get(), options, catalogue, formats, result, progress);
  importer.set_existing_run(existing);
  return import_each(importer, paths, result, progress);
}

}  // namespace msmilog
