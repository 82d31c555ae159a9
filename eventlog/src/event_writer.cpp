#include "msmilog/event_writer.h"

#include <algorithm>
#include <limits>
#include <map>

#include "json_strings.h"
#include "msmilog/event_store.h"
#include "msmilog/log_record.h"
#include "sqlite_handle.h"

namespace msmilog {
namespace {

// run_id, seq and time are generated from id and at_us (schema version 8).
constexpr std::string_view kInsertEventSql =
    "INSERT INTO events(id, time_us, computer, source, event_id, type, category, level, thread, "
    "message_id, description, strings, data, record_number, event_identifier, category_number, "
    "user, written_us, at_us) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)";
constexpr std::string_view kInsertTextSql =
    "INSERT INTO events_fts(rowid, description, strings) VALUES(?1, ?2, ?3)";
constexpr std::string_view kCountEventsSql =
    "INSERT INTO event_counts(run_id, event_id, count) VALUES(?1, ?2, ?3) "
    "ON CONFLICT(run_id, event_id) DO UPDATE SET count = count + excluded.count";
constexpr std::string_view kWidenTimesSql =
    "INSERT INTO run_spans(run_id, first_at_us, last_at_us) VALUES(?1, ?2, ?3) "
    "ON CONFLICT(run_id) DO UPDATE SET first_at_us = min(first_at_us, excluded.first_at_us), "
    "last_at_us = max(last_at_us, excluded.last_at_us)";
// seq is the low 32 bits of id.
constexpr std::int64_t kMaxSeq = 0xFFFFFFFF;

NtEventType nt_event_type(msmi::EventType type) {
  switch (type) {
    case msmi::EventType::kError:
      return NtEventType::kError;
    case msmi::EventType::kWarning:
      return NtEventType::kWarning;
    case msmi::EventType::kInformation:
      break;
  }
  return NtEventType::kInformation;
}

// The numeric category of a simulated event: its position in msmi::Category + 1, "None" 0.
int category_number(msmi::Category category) {
  if (category == msmi::Category::kNone) return 0;
  return static_cast<int>(category) + 1;
}

// epoch_us + time_us, saturated instead of overflowing (a time_us that large is a bug upstream,
// but it must not become undefined behaviour here).
std::int64_t absolute_time_us(std::int64_t epoch_us, std::int64_t time_us) {
  std::int64_t sum = 0;
  if (__builtin_add_overflow(epoch_us, time_us, &sum)) {
    return time_us > 0 ? std::numeric_limits<std::int64_t>::max()
                       : std::numeric_limits<std::int64_t>::min();
  }
  return sum;
}

}  // namespace

EventWriter::EventWriter(EventStore* store, std::int64_t run_id, std::string computer,
                         std::int64_t epoch_us)
    : store_(store),
      run_id_(run_id),
      computer_(std::move(computer)),
      epoch_us_(epoch_us),
      insert_(std::make_unique<SqliteStatement>()),
      insert_text_(std::make_unique<SqliteStatement>()),
      count_events_(std::make_unique<SqliteStatement>()),
      widen_times_(std::make_unique<SqliteStatement>()) {}

EventWriter::~EventWriter() {
  if (store_ != nullptr) {
    (void)flush();  // a failure is counted in dropped(); nobody is left to ask status()
    store_->forget_writer(this);
  }
}

void EventWriter::start() {
  const std::string what = "opening the event writer of run " + std::to_string(run_id_);
  status_ = store_->check_writable();
  if (status_.ok()) status_ = store_->check_run_exists(run_id_);
  if (!status_.ok()) return;

  // Continue after the run's last event, so a second writer of a run never collides on seq.
  // The run's rows are the id range run_id << 32 …: its last row is one B-tree descent away.
  SqliteStatement last_seq;
  status_ = last_seq.prepare(*store_->db_,
                             "SELECT seq FROM events WHERE id BETWEEN ?1 AND ?2 "
                             "ORDER BY id DESC LIMIT 1",
                             what);
  if (!status_.ok()) return;
  last_seq.bind_int64(1, run_id_ << 32);
  last_seq.bind_int64(2, (run_id_ << 32) | kMaxSeq);
  const int rc = last_seq.step();
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    status_ = store_->db_->error(rc, what);
    return;
  }
  next_seq_ = rc == SQLITE_ROW ? last_seq.column_int64(0) + 1 : 1;

  status_ = insert_->prepare(*store_->db_, kInsertEventSql, what, /*reused=*/true);
  if (status_.ok()) {
    status_ = insert_text_->prepare(*store_->db_, kInsertTextSql, what, /*reused=*/true);
  }
  if (status_.ok()) {
    status_ = count_events_->prepare(*store_->db_, kCountEventsSql, what, /*reused=*/true);
  }
  if (status_.ok()) {
    status_ = widen_times_->prepare(*store_->db_, kWidenTimesSql, what, /*reused=*/true);
  }
  if (status_.ok()) buffer_.reserve(1024);  // grows to kBatchSize only for a busy run
}

EventRow event_row(msmi::Event&& event) {
  EventRow row;
  row.time_us = event.time_us;
  row.source = std::move(event.source);
  row.event_id = event.event_id;
  row.type = msmi::to_string(event.type);
  row.category = msmi::to_string(event.category);
  row.level = event.level;
  row.thread = event.thread;
  row.message_id = std::move(event.message_id);
  row.description = std::move(event.description);
  row.strings = std::move(event.strings);
  row.data = std::move(event.data);
  row.event_identifier = make_event_identifier(event.event_id, nt_event_type(event.type));
  row.category_number = category_number(event.category);
  return row;
}

void EventWriter::write(const msmi::Event& event) {
  write_row(event_row(msmi::Event(event)));
}

void EventWriter::reserve(std::size_t events) {
  if (!status_.ok()) return;  // nothing more will be buffered
  buffer_.reserve(buffer_.size() + std::min(events, kBatchSize - buffer_.size()));
}

void EventWriter::write_row(const EventRow& row) {
  write_row(EventRow(row));
}

void EventWriter::write_row(EventRow&& row) {
  if (status_.ok() && store_ == nullptr) {
    status_ = msmi::Status::IoError("event store closed before its writer of run " +
                                    std::to_string(run_id_) + "; later events are dropped");
  }
  if (!status_.ok()) {
    ++dropped_;
    return;
  }
  buffer_row(std::move(row));
}

void EventWriter::buffer_row(EventRow row) {
  if (next_seq_ > kMaxSeq) {
    status_ = msmi::Status::InvalidArgument("run " + std::to_string(run_id_) + " has " +
                                            std::to_string(kMaxSeq) +
                                            " events, the most a run can hold; later events "
                                            "are dropped");
    ++dropped_;
    return;
  }
  row.seq = next_seq_++;
  buffer_.push_back(std::move(row));
  if (buffer_.size() >= kBatchSize) (void)flush();  // an error sticks in status_
}

msmi::Status EventWriter::flush() {
  if (buffer_.empty()) return status_;
  const auto count = static_cast<std::int64_t>(buffer_.size());
  if (status_.ok() && store_ != nullptr) {
    msmi::Status status = insert_buffered();
    if (status.ok()) {
      written_ += count;
    } else {
      // Inside the caller's transaction the batch had no savepoint: part of it may be there, so
      // that transaction must not commit, whatever becomes of this writer.
      if (store_->in_transaction() && store_->failed_in_transaction_.ok()) {
        store_->failed_in_transaction_ = status;
      }
      status_ = std::move(status);
      dropped_ += count;
    }
  } else {
    // Unreachable while write() drops after an error; kept so a buffer is never lost silently.
    dropped_ += count;
  }
  buffer_.clear();
  return status_;
}

msmi::Status EventWriter::insert_buffered() {
  SqliteDb& db = *store_->db_;
  const std::string what = "writing events of run " + std::to_string(run_id_);
  // Inside a caller's transaction (an import's file, a sweep's run) the batch joins it: both
  // roll everything back when the writer fails, as its status sticks.
  WriteTransaction transaction(db, WriteTransaction::Nesting::kJoin);
  msmi::Status status = transaction.begin(what);
  if (!status.ok()) return status;

  std::string strings_json;
  std::map<int, std::int64_t> counts;  // event_id → events in this batch
  std::int64_t first_at_us = std::numeric_limits<std::int64_t>::max();
  std::int64_t last_at_us = std::numeric_limits<std::int64_t>::min();
  for (const EventRow& row : buffer_) {
    const std::int64_t id = (run_id_ << 32) | row.seq;
    const std::int64_t at_us = absolute_time_us(epoch_us_, row.time_us);
    insert_->bind_int64(1, id);
    insert_->bind_int64(2, row.time_us);
    insert_->bind_text_static(3, row.computer.empty() ? computer_ : row.computer);
    insert_->bind_text_static(4, row.source);
    insert_->bind_int64(5, row.event_id);
    insert_->bind_text_static(6, row.type);
    insert_->bind_text_or_null(7, row.category);
    insert_->bind_int64_or_null(8, row.level);  // -1: unknown (an import)
    insert_->bind_int64_or_null(9, row.thread);
    insert_->bind_text_or_null(10, row.message_id);
    insert_->bind_text_static(11, row.description);
    strings_json = encode_json_strings(row.strings);
    insert_->bind_text_static(12, strings_json);
    insert_->bind_blob_or_null(13, row.data);
    insert_->bind_int64_or_null(14, row.record_number);
    insert_->bind_int64_or_null(15, row.event_identifier);
    insert_->bind_int64_or_null(16, row.category_number);
    insert_->bind_text_or_null(17, row.user);
    insert_->bind_int64_or_null(18, row.written_us);
    insert_->bind_int64(19, at_us);
    int rc = insert_->step();
    if (rc != SQLITE_DONE) status = db.error(rc, what);
    insert_->reset();
    if (status.ok()) {
      insert_text_->bind_int64(1, id);
      insert_text_->bind_text_static(2, row.description);
      insert_text_->bind_text_static(3, strings_json);
      rc = insert_text_->step();
      if (rc != SQLITE_DONE) status = db.error(rc, what);
      insert_text_->reset();
    }
    if (!status.ok()) break;
    ++counts[row.event_id];
    first_at_us = std::min(first_at_us, at_us);
    last_at_us = std::max(last_at_us, at_us);
  }
  for (const auto& [event_id, count] : counts) {
    if (!status.ok()) break;
    count_events_->bind_int64(1, run_id_);
    count_events_->bind_int64(2, event_id);
    count_events_->bind_int64(3, count);
    const int rc = count_events_->step();
    if (rc != SQLITE_DONE) status = db.error(rc, what);
    count_events_->reset();
  }
  if (status.ok() && !buffer_.empty()) {
    widen_times_->bind_int64(1, run_id_);
    widen_times_->bind_int64(2, first_at_us);
    widen_times_->bind_int64(3, last_at_us);
    const int rc = widen_times_->step();
    if (rc != SQLITE_DONE) status = db.error(rc, what);
    widen_times_->reset();
  }
  if (status.ok()) status = transaction.commit(what);
  return status;
}

void EventWriter::detach() {
  (void)flush();  // an error sticks in status_ and dropped()
  insert_->finalize();
  insert_text_->finalize();
  count_events_->finalize();
  widen_times_->finalize();
  store_ = nullptr;
}

}  // namespace msmilog
