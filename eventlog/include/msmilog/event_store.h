// EventStore: the SQLite database of runs, their events, message ledger and samples.
//
// The table and column names are a public contract (support engineers query the file with the
// sqlite3 shell); event_store.cpp opens with a description of the schema.
//
// Every failure is returned as a Status whose message names the database path and, for SQLite
// errors, sqlite3_errmsg(). Nothing throws. Codes: IoError (cannot open/write), Corruption
// (not an SQLite file, damaged, someone else's tables, unknown schema version), NotFound,
// InvalidArgument (bad filter, constraint violation), Busy (locked past the busy timeout).
//
// Thread-safety: an EventStore and its writers are not thread-safe; use them from one thread
// at a time. Several processes may open the same file (WAL journal: readers never wait; a
// writer waits for another as set_writer_wait says, kBusyTimeoutMs by default).
//
// Processes that die. From schema version 9 a read-write store holds a lock (in the file
// STORE-writers beside it) on each run and sweep it has begun and not finished; a run or sweep
// left without a verdict whose lock nobody holds any more (its process was killed, or closed
// the store without finishing it) is closed as 'interrupted' by the next read-write open, and
// read as 'interrupted' by a read-only one. The rule is in event_store.cpp's header comment.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "msmi/status.h"
#include "msmilog/event_filter.h"
#include "msmilog/event_writer.h"
#include "msmilog/store_rows.h"

namespace msmilog {

class SqliteDb;
class WriterLocks;

class EventStore {
 public:
  // PRAGMA user_version of the schema this code writes. It also reads versions 1 to 4 (events
  // without `strings` and `data`, no fault rules or invariants, runs without `options` and
  // `file_sha256`; before 5: no kind / kb / import_name, no record_number … written_us, no
  // imports, expectations, labels, lifecycle, thread_states, no events_fts; before 6: ids in
  // insertion order, no at_us, no event_counts, events_fts over description and strings;
  // before 7: no sweeps, no runs.sweep_id; before 8: run_id, seq and time stored in each row,
  // indexes over every run at once; before 9: no writer_lock, so an unfinished run of an older
  // store is never taken for interrupted). From version 8 a question over every run asks only the
  // runs that `run_spans` (time windows) and `event_counts` (event IDs, message IDs) name: a
  // program that adds events by SQL must add their rows there too, or store-wide questions do
  // not see them (a question of one run, --run N, still does).
  static constexpr int kSchemaVersion = 9;
  // PRAGMA application_id of our files ("MSMI"); a file with another non-zero id is refused.
  static constexpr std::int32_t kApplicationId = 0x4D534D49;
  static constexpr int kBusyTimeoutMs = 5000;
  // How long a store opened for writing waits for another process's write to end (an import
  // holds the store for a whole file) before a write fails Busy, and what it calls, with the
  // store's path, the first time a wait lasts a second. A store whose wait gave up waits no
  // more. Process-wide, for the stores opened after the call; until then kBusyTimeoutMs and
  // no call. The command line sets it (README: MSMISIM_STORE_WAIT); stop_store_waits()
  // (msmilog/store_wait.h) ends the waits. Readers never wait for a writer (WAL) and keep
  // kBusyTimeoutMs. REQUIRES: no other thread is opening a store.
  static void set_writer_wait(std::chrono::milliseconds limit,
                              std::function<void(const std::string& path)> notice);
  // Events are keyed run_id << 32 | seq (schema version 6): the largest run id a store holds.
  static constexpr std::int64_t kMaxRunId = 0x7FFFFFFF;
  // The byte of STORE-writers locked while a run is recorded is its run_id; a sweep's is
  // kSweepLockBase + sweep_id (schema version 9: runs.writer_lock, sweeps.writer_lock).
  static constexpr std::int64_t kSweepLockBase = std::int64_t{1} << 32;

  // Opens the event store at `path` for reading and writing, creating the file and the schema
  // when the file is missing, empty, or an SQLite database without any tables, and migrating
  // a store of an older schema version to kSchemaVersion. Runs and sweeps whose recording
  // process is gone (their writer lock is free) are then closed as 'interrupted' (left for the
  // next open when another writer keeps the store busy). On success *out owns the store; on
  // failure *out is null and:
  //   IoError      path is a directory, not a regular file, or cannot be opened/written;
  //   Corruption   not an SQLite database, damaged, an SQLite database with other tables or
  //                another application_id, a schema version this code does not know, or one
  //                of our tables/columns missing.
  // A file that is refused is never modified.
  // REQUIRES: out != nullptr.
  static msmi::Status open(const std::string& path, std::unique_ptr<EventStore>* out);

  // Opens an existing event store read-only (SQLITE_OPEN_READONLY, PRAGMA query_only), for
  // queries. Nothing is ever written to `path` or beside it except, as SQLite's WAL mode needs,
  // the -shm index where it can be created. A file of mode 0444, or one on read-only media,
  // opens too: when the -shm can be neither opened nor created, the file is opened again as
  // `immutable=1` (SQLite then reads it without locks or WAL; a -wal left by a writer that did
  // not close cleanly is then ignored, see opened_immutable()).
  // NotFound if `path` does not exist or holds no event store (an empty database); otherwise
  // the same errors as open(). An older schema version is read as it is, not migrated. Write
  // methods of a read-only store return IoError.
  // REQUIRES: out != nullptr.
  static msmi::Status open_read_only(const std::string& path, std::unique_ptr<EventStore>* out);

  EventStore(const EventStore&) = delete;
  EventStore& operator=(const EventStore&) = delete;
  // Flushes and detaches any writer still alive, rolls back an open transaction, closes the runs
  // and sweeps it began and did not finish as 'interrupted' (when that cannot be written, the
  // next read-write open does it), finalizes every statement, closes the file.
  ~EventStore();

  const std::string& path() const { return path_; }
  // The file's schema version: kSchemaVersion, or older for a store opened read-only.
  int schema_version() const { return schema_version_; }
  bool read_only() const { return read_only_; }
  // True when open_read_only() had to fall back to SQLite's immutable=1 (read-only media).
  bool opened_immutable() const { return immutable_; }
  // True when the store has the full-text index `events_fts` (schema version 5 on). An older
  // store opened read-only has none: search with LIKE there, or say so.
  bool has_full_text_search() const { return schema_version_ >= 5; }

  // ---- writing -------------------------------------------------------------------------------

  // Inserts a `runs` row for a run that is starting and stores its id in *run_id, and holds the
  // run's writer lock until finish_run() (or until the store closes, which then closes the run
  // as 'interrupted'). scenario_sha256 is computed from scenario_text when empty.
  // REQUIRES: run_id != nullptr.
  msmi::Status begin_run(const RunRecord& run, std::int64_t* run_id);

  // begin_run() for an imported log: kind "import" named `import_name` (the --name given, or
  // the first file's base name). InvalidArgument if an import of that name exists already or
  // the name is empty.
  msmi::Status begin_import(std::string_view import_name, RunRecord run, std::int64_t* run_id);
  // Stores in *run_id the run of the import named `import_name`; NotFound if there is none.
  msmi::Status find_import(std::string_view import_name, std::int64_t* run_id) const;

  // One transaction around several writes (an import of one file: its run, events and imports
  // row), so a failure leaves nothing half-written. While it is open every write method nests
  // inside it (as a SAVEPOINT) and every EventWriter batch joins it (no SAVEPOINT: under one,
  // SQLite keeps the old content of each page an FTS5 merge rewrites), and they become visible
  // to others, or are undone, only with it. commit_transaction() flushes live writers first and
  // fails (rolling back) if one of them has failed, or if a writer's batch failed inside the
  // transaction before that writer was destroyed. rollback_transaction() undoes everything since
  // begin_transaction(); writers' written() counts are not corrected.
  // InvalidArgument if a transaction is already open; IoError for a read-only store.
  msmi::Status begin_transaction();
  // Whether a transaction is open on this store's connection.
  bool in_transaction() const;
  msmi::Status commit_transaction();
  void rollback_transaction();

  // Schema version 7. Inserts a `sweeps` row (sweep.sweep_id and sweep.runs are ignored) and
  // stores its id in *sweep_id; runs whose RunRecord carries that id belong to it. Its writer
  // lock is held as a run's is. finish_sweep() closes it; NotFound if there is no such sweep.
  msmi::Status begin_sweep(const SweepRecord& sweep, std::int64_t* sweep_id);
  msmi::Status finish_sweep(std::int64_t sweep_id, std::string_view verdict,
                            std::string_view finished_at);

  // Records the end of run `run_id`: verdict, finished_at, virtual_duration_us, and
  // event_count = the number of its rows in `events`, and lets go of its writer lock (when the
  // transaction it is part of commits). Live writers of that run are flushed first (their own
  // errors stay in their status()). NotFound if there is no such run.
  msmi::Status finish_run(std::int64_t run_id, std::string_view verdict,
                          std::string_view finished_at, std::int64_t virtual_duration_us);

  // Each inserts all rows in one transaction (all or nothing). NotFound if run `run_id` does
  // not exist; InvalidArgument if a ledger message_id repeats one already stored for the run.
  msmi::Status write_ledger(std::int64_t run_id, const std::vector<LedgerRow>& rows);
  msmi::Status write_samples(std::int64_t run_id, const std::vector<SampleRow>& rows);
  msmi::Status write_queue_samples(std::int64_t run_id, const std::vector<QueueSampleRow>& rows);
  msmi::Status write_fault_rules(std::int64_t run_id, const std::vector<FaultRuleRow>& rows);
  msmi::Status write_invariants(std::int64_t run_id, const std::vector<InvariantRow>& rows);
  // Schema version 5. InvalidArgument for an expectation position, label message_id or import
  // position that repeats one already stored for the run.
  msmi::Status write_imports(std::int64_t run_id, const std::vector<ImportRow>& rows);
  msmi::Status write_expectations(std::int64_t run_id, const std::vector<ExpectationRow>& rows);
  msmi::Status write_labels(std::int64_t run_id, const std::vector<LabelRow>& rows);
  msmi::Status write_lifecycle(std::int64_t run_id, const std::vector<LifecycleRow>& rows);
  msmi::Status write_thread_states(std::int64_t run_id, const std::vector<ThreadStateRow>& rows);

  // Returns a writer that appends events to run `run_id`, stamped with `computer` and the run's
  // time origin `epoch_us`. Never null. If the run does not exist or the store is read-only,
  // the writer's status() is already NotFound / IoError and it drops everything.
  // REQUIRES: the writer is destroyed before this store (see EventWriter).
  std::unique_ptr<EventWriter> open_writer(std::int64_t run_id, std::string computer,
                                           std::int64_t epoch_us);

  // ---- reading -------------------------------------------------------------------------------

  // Calls on_row for each event matching `filter`, ordered by (run_id, seq) — descending when
  // filter.newest_first — until the rows run out, filter.limit rows were delivered, or on_row
  // returns false. Rows are streamed, never collected. InvalidArgument for an unparsable
  // since_time/until_time, an unknown type, more than EventFilter::kMaxEventIds ids, a bad
  // grep or FTS5 search expression, or a search on a store without the events_fts index;
  // Corruption (naming the row) for a `strings` value that is not a JSON array of strings.
  // REQUIRES: on_row does not call back into this store.
  msmi::Status query_events(const EventFilter& filter,
                            const std::function<bool(const EventRow&)>& on_row) const;

  // Stores in *count how many rows query_events(filter) would deliver (limit included).
  msmi::Status count_events(const EventFilter& filter, std::int64_t* count) const;

  // Replaces *counts with the groups of the events matching `filter` (its limit and cursor
  // order ignored, its cursor position kept) by `fields`, in that order: the largest count first,
  // ties by ascending values (numbers as numbers); only the first `top` groups when top >= 0.
  // InvalidArgument for an empty `fields` or what query_events() refuses.
  // REQUIRES: counts != nullptr.
  msmi::Status count_events_by(const EventFilter& filter, const std::vector<CountField>& fields,
                               std::int64_t top, std::vector<EventCount>* counts) const;

  // Replaces *counts with (event_id, number of events) of run `run_id`, ascending event_id.
  // An unknown run gives an empty list.
  msmi::Status event_id_counts(std::int64_t run_id,
                               std::vector<std::pair<int, std::int64_t>>* counts) const;

  // Replaces *runs with every run, ascending run_id. A run left unfinished by a process that is
  // gone reads as verdict 'interrupted' (schema version 9 on), whether or not a read-write open
  // has marked it yet; so do for_each_run(), get_run() and list_sweeps().
  msmi::Status list_runs(std::vector<RunSummary>* runs) const;
  // Calls on_run with every run, ascending run_id, until it returns false; the row it is given
  // is reused for the next run.
  msmi::Status for_each_run(const std::function<bool(const RunSummary&)>& on_run) const;
  // NotFound (naming the run and the path) if there is no such run.
  msmi::Status get_run(std::int64_t run_id, RunSummary* run) const;
  // Replaces *run with what run `run_id` was made from, as begin_run() stored it: scenario_text,
  // seed, profile, defects, options, file_sha256 … (options and file_sha256 are empty in a run
  // recorded before schema version 4). NotFound (naming the run and the path) if there is none.
  // REQUIRES: run != nullptr.
  msmi::Status read_run_record(std::int64_t run_id, RunRecord* run) const;
  // The highest run_id; NotFound if the store has no runs.
  msmi::Status latest_run_id(std::int64_t* run_id) const;
  // Replaces *sweeps with every sweep, ascending sweep_id, each with its count of runs; empty
  // before schema version 7.
  msmi::Status list_sweeps(std::vector<SweepRecord>* sweeps) const;
  // Replaces *run_ids with the runs of sweep `sweep_id`, ascending; NotFound if there is no
  // such sweep.
  msmi::Status sweep_run_ids(std::int64_t sweep_id, std::vector<std::int64_t>* run_ids) const;

  // Replace *rows with the run's ledger ordered by message_id, its samples and queue samples
  // ordered by time_us (then thread). An unknown run gives an empty list.
  msmi::Status read_ledger(std::int64_t run_id, std::vector<LedgerRow>* rows) const;
  msmi::Status read_samples(std::int64_t run_id, std::vector<SampleRow>* rows) const;
  msmi::Status read_queue_samples(std::int64_t run_id, std::vector<QueueSampleRow>* rows) const;
  // Replace *rows with the run's imported files (by position), expectations (by position),
  // labels (by message_id), lifecycle rows and thread states (by time_us, then thread, then
  // write order). An unknown run, or a store older than schema version 5, gives an empty list.
  msmi::Status read_imports(std::int64_t run_id, std::vector<ImportRow>* rows) const;
  msmi::Status read_expectations(std::int64_t run_id, std::vector<ExpectationRow>* rows) const;
  msmi::Status read_labels(std::int64_t run_id, std::vector<LabelRow>* rows) const;
  msmi::Status read_lifecycle(std::int64_t run_id, std::vector<LifecycleRow>* rows) const;
  msmi::Status read_thread_states(std::int64_t run_id, std::vector<ThreadStateRow>* rows) const;
  // Replace *rows with the run's fault rules (by position) and invariants (in the order the
  // oracle checked them). Empty for an unknown run, or a store older than schema version 3.
  msmi::Status read_fault_rules(std::int64_t run_id, std::vector<FaultRuleRow>* rows) const;
  msmi::Status read_invariants(std::int64_t run_id, std::vector<InvariantRow>* rows) const;
  // Replaces *rows with every imported file whose sha256 is `sha256` (any run), so importing
  // the same file twice is detected. Empty when none (or before schema version 5).
  msmi::Status find_imports_by_sha256(std::string_view sha256, std::vector<ImportRow>* rows) const;

  // Runs one SQL statement of the user's (msmisim sql) and streams its result: on_columns once
  // with the column names, then on_row for each row until it returns false. Nothing is bound.
  // InvalidArgument (naming SQLite's message) for SQL that does not compile, for more than one
  // statement, and for a statement that would write (refused before it runs; a read-only
  // store's connection would refuse it anyway). REQUIRES: the callbacks do not call back into
  // this store.
  msmi::Status execute_sql(std::string_view sql,
                           const std::function<void(const std::vector<std::string>&)>& on_columns,
                           const std::function<bool(const std::vector<SqlValue>&)>& on_row) const;

 private:
  friend class EventWriter;

  EventStore(std::string path, bool read_only, std::unique_ptr<SqliteDb> db);
  static msmi::Status open_impl(const std::string& path, bool read_only,
                                std::unique_ptr<EventStore>* out);
  msmi::Status check_writable() const;
  msmi::Status check_run_exists(std::int64_t run_id) const;
  // Runs `rows.size()` times `bind_row(i, stmt)` + step inside one BEGIN IMMEDIATE transaction.
  template <typename Row, typename BindRow>
  msmi::Status insert_all(std::string_view sql, std::string_view what, std::int64_t run_id,
                          const std::vector<Row>& rows, BindRow bind_row);
  // Runs `sql` (binding run_id to ?1 unless it is negative) and appends read_row(stmt, &row) of
  // each result row; no rows at all before schema version `since_version`.
  template <typename Row, typename ReadRow>
  msmi::Status read_all(std::string_view sql, std::string_view what, std::int64_t run_id,
                        std::vector<Row>* rows, ReadRow read_row, int since_version = 5) const;
  void forget_writer(EventWriter* writer);

  // Writer locks (event_store_locks.cpp). take_writer_lock() locks byte `offset` for a row
  // being inserted (in the caller's outer transaction when in_outer_transaction: let go again
  // if it rolls back); false when it cannot be locked. drop_writer_lock() lets go of it once
  // its row is closed (at commit, inside a transaction).
  bool take_writer_lock(std::int64_t offset, bool in_outer_transaction);
  void drop_writer_lock(std::int64_t offset);
  // Lets go of a lock taken for a row that was never inserted.
  void forget_writer_lock(std::int64_t offset);
  void writer_locks_committed();
  void writer_locks_rolled_back();
  // The lock offsets of the unfinished runs and sweeps nobody holds the lock of.
  msmi::Status abandoned_rows(std::vector<std::int64_t>* offsets) const;
  // Read-write open: closes abandoned_rows() as 'interrupted'.
  msmi::Status interrupt_abandoned();
  // Closing: closes the rows this store still holds the locks of as 'interrupted'.
  msmi::Status interrupt_own_rows();
  // A read-only store's abandoned_rows() (empty for a read-write one, whose open marked them
  // and which does not see its own locks), for reading those rows as 'interrupted'.
  std::vector<std::int64_t> unmarked_interrupted() const;

  std::string path_;
  bool read_only_;
  bool immutable_ = false;
  std::unique_ptr<SqliteDb> db_;
  int schema_version_ = kSchemaVersion;
  std::vector<EventWriter*> writers_;  // live writers, not owned
  // The first failure of a writer's batch inside the open transaction (which the batch joined
  // without a savepoint, so part of it may be in there): commit_transaction() refuses with it,
  // even when that writer is gone.
  msmi::Status failed_in_transaction_;
  std::unique_ptr<WriterLocks> locks_;                    // STORE-writers; null when not opened
  std::vector<std::int64_t> locks_held_;                  // rows committed, not finished
  std::vector<std::int64_t> locks_taken_in_transaction_;  // rows inserted in the open one
  std::vector<std::int64_t> locks_released_at_commit_;    // rows finished in the open one
};

}  // namespace msmilog
