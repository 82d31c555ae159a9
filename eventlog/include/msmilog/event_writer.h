// EventWriter: the msmi::EventSink that records a run's events in the SQLite event store.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "msmi/event.h"
#include "msmi/status.h"
#include "msmilog/store_rows.h"

namespace msmilog {

class EventStore;
class SqliteStatement;

// The events row of a simulated event, as EventWriter::write() stores it, taking the event's
// buffers. For a caller that makes rows on another thread than the one that stores them.
EventRow event_row(msmi::Event&& event);

// Buffers events and inserts them into the `events` table in batches: one transaction
// (BEGIN IMMEDIATE) per kBatchSize events, with one prepared INSERT reused for every row, so
// no event ever costs a transaction of its own. Rows become visible to other connections when
// their batch commits: automatically when kBatchSize events are buffered, on flush(), and on
// destruction. Batches are large because every commit costs the store more than the rows:
// the full-text index writes a new segment per transaction and every B-tree page an index
// insert dirtied is written to the WAL again (4,096-event batches made a recorded run 1.7x
// slower in cpu than 32,768-event ones, bench_ingest).
//
// Each event gets seq = 1, 2, 3 … in the order write() is called (continuing after the highest
// seq already stored for the run), id = run_id << 32 | seq, at_us = epoch_us + event.time_us
// (the row stores id and at_us; run_id, seq and time = format_iso8601_utc(at_us) are computed
// from them by the schema), its row in the full-text index, its count in event_counts
// and its run's span in run_spans (in the same transaction), and the
// writer's computer name. thread -1 is stored as NULL, an empty message_id as NULL. A simulated
// event also gets event_identifier = make_event_identifier(event_id, type) and category_number =
// its msmi::Category's position + 1 (0 for "None"); record_number, user and written_us stay NULL.
//
// Errors are sticky: the first failure (of a batch insert, or of opening the writer) is kept in
// status(); that batch is rolled back (inside a caller's EventStore::begin_transaction, which
// the batches join, with that whole transaction, by the caller), and every event written
// afterwards is dropped and counted in dropped(). The engine's write() cannot fail, so callers
// check status() when done.
//
// Lifetime: created by EventStore::open_writer(). REQUIRES: the writer is destroyed before the
// EventStore that created it. (As a safety net, a store being destroyed flushes its remaining
// writers and detaches them; a detached writer drops further events with an IoError status.)
//
// Not thread-safe: use a writer, and its store, from one thread at a time.
class EventWriter : public msmi::EventSink {
 public:
  static constexpr std::size_t kBatchSize = 32768;

  EventWriter(const EventWriter&) = delete;
  EventWriter& operator=(const EventWriter&) = delete;

  // Flushes what is buffered (errors end up in status()).
  ~EventWriter() override;

  // Buffers `event`; commits the batch when kBatchSize events are buffered.
  // After an error the event is dropped and counted instead.
  void write(const msmi::Event& event) override;

  // Buffers a row made elsewhere (an imported record): every field but id, run_id, seq and time
  // is stored as given (-1 / empty as NULL, see EventRow); seq is assigned as for write(), time
  // is format_iso8601_utc(epoch_us + row.time_us) (open the writer with epoch_us 0 when time_us
  // is already µs since 1970), and an empty computer becomes the writer's.
  void write_row(const EventRow& row);
  // The same, taking the row's buffers instead of copying them.
  void write_row(EventRow&& row);

  // Room for `events` more rows (at most kBatchSize), for a writer that knows how many are
  // coming: the buffer then does not grow, moving every row, on the way.
  void reserve(std::size_t events);

  // Commits every buffered event in one transaction. Returns status() afterwards: OK if this
  // and all earlier batches were stored, else the first error (then the buffer is dropped).
  msmi::Status flush();

  // The first error, or OK. Stays set once set.
  const msmi::Status& status() const { return status_; }
  // Events committed to the database.
  std::int64_t written() const { return written_; }
  // Events written after (or lost with) an error, never stored.
  std::int64_t dropped() const { return dropped_; }
  // Events buffered, not yet committed.
  std::int64_t pending() const { return static_cast<std::int64_t>(buffer_.size()); }
  std::int64_t run_id() const { return run_id_; }

 private:
  friend class EventStore;

  EventWriter(EventStore* store, std::int64_t run_id, std::string computer, std::int64_t epoch_us);
  // Called by EventStore::open_writer: finds the next seq and prepares the INSERT.
  void start();
  // Called by the store before it closes: flushes, finalizes the statement, forgets the store.
  void detach();
  msmi::Status insert_buffered();
  // Queues `row` (its seq already set); commits when kBatchSize rows are buffered.
  void buffer_row(EventRow row);

  EventStore* store_;  // null once detached
  std::int64_t run_id_;
  std::string computer_;
  std::int64_t epoch_us_;
  std::unique_ptr<SqliteStatement> insert_;
  std::unique_ptr<SqliteStatement> insert_text_;   // into events_fts
  std::unique_ptr<SqliteStatement> count_events_;  // into event_counts
  std::unique_ptr<SqliteStatement> widen_times_;   // into run_spans
  std::vector<EventRow> buffer_;
  std::int64_t next_seq_ = 1;
  std::int64_t written_ = 0;
  std::int64_t dropped_ = 0;
  msmi::Status status_;
};

}  // namespace msmilog
