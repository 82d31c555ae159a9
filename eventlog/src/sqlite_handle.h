// RAII owners for the two SQLite handles, and the one place where an SQLite result code becomes
// a msmi::Status. Private to eventlog: nothing outside this library sees sqlite3.h.
//
// Ownership rules (SQLite's own): every statement must be finalized before its connection is
// closed. SqliteStatement finalizes in its destructor; SqliteDb closes in its destructor and, if
// a statement is still alive (a bug), falls back to sqlite3_close_v2 so the connection becomes a
// zombie that SQLite frees after the last finalize instead of leaking or crashing.
//
// Not thread-safe: a connection and its statements are used by one thread at a time.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "msmi/status.h"

namespace msmilog {

// Maps an SQLite result code to a Status whose message names the database and the operation:
// "<path>: <what>: <sqlite3_errmsg> (SQLite code N)"; a failed write (IOERR, FULL) adds the
// system's reason where SQLite kept it: "…: disk I/O error: File too large (SQLite code 778)".
//   SQLITE_BUSY/LOCKED -> Busy; CORRUPT/NOTADB/SCHEMA -> Corruption;
//   CONSTRAINT/MISMATCH/RANGE/TOOBIG -> InvalidArgument; NOTFOUND -> NotFound;
//   everything else (CANTOPEN, IOERR, READONLY, FULL, PERM, ...) -> IoError.
// REQUIRES: rc is not SQLITE_OK/ROW/DONE. db may be null (then sqlite3_errstr(rc) is used).
msmi::Status sqlite_status(sqlite3* db, int rc, std::string_view path, std::string_view what);

// Owns one sqlite3 connection. Movable, not copyable.
class SqliteDb {
 public:
  SqliteDb() = default;
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;
  SqliteDb(SqliteDb&& other) noexcept;
  SqliteDb& operator=(SqliteDb&& other) noexcept;

  // Opens `path` with sqlite3_open_v2(flags) (SQLITE_OPEN_EXRESCODE is added). On failure
  // returns the status (IoError for an unopenable path) and leaves *this closed.
  msmi::Status open(const std::string& path, int flags);
  // Opens `filename` (a "file:…" URI when flags has SQLITE_OPEN_URI) while messages name `path`.
  msmi::Status open_as(const std::string& path, const std::string& filename, int flags);

  // Closes the connection. REQUIRES: every statement on it has been finalized.
  void close();

  sqlite3* get() const { return db_; }
  const std::string& path() const { return path_; }

  // Runs one or more statements without results (PRAGMA x=y, BEGIN, COMMIT …).
  // `what` names the operation in the error message.
  msmi::Status exec(const char* sql, std::string_view what);

  // Status for the connection's last error, see sqlite_status().
  msmi::Status error(int rc, std::string_view what) const {
    return sqlite_status(db_, rc, path_, what);
  }

  // A statement that finds the file locked by another connection waits for it (instead of
  // sqlite3_busy_timeout's fixed limit): up to `limit`, trying again after a few ms at first,
  // then every 100 ms. `notice`, when set, is called the first time a wait lasts a second, so
  // that a command can say what it is waiting for. After a wait that gave up (or once
  // stop_store_waits() was called) the connection no longer waits. REQUIRES: the connection
  // is open.
  void wait_when_busy(std::chrono::milliseconds limit, std::function<void()> notice);

  // The state of wait_when_busy(), where SQLite's busy handler finds it.
  struct BusyWait {
    std::chrono::milliseconds limit;
    std::function<void()> notice;
    std::chrono::steady_clock::time_point since;  // when the current wait began
    bool told = false;                            // notice called already
  };

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
  // The busy handler points at it; ~SqliteDb closes db_ in its body, before members go.
  std::unique_ptr<BusyWait> busy_wait_;
};

// One write transaction that nests. On a connection in autocommit mode begin() takes the write
// lock up front (BEGIN IMMEDIATE) and commit() COMMITs; inside a transaction the caller already
// opened (EventStore::begin_transaction) it is a SAVEPOINT that commit() RELEASEs, so a failed
// batch is undone alone and the outer transaction decides about the rest. Destroying an active
// transaction rolls it back.
//
// Nesting::kJoin opens no SAVEPOINT inside a caller's transaction: the work joins it, and
// commit() and rollback() there do nothing. For a caller that rolls its whole transaction back
// whenever this work fails. A SAVEPOINT makes SQLite keep the old content of every page changed
// under it (in memory, as temp_store = MEMORY) until it is released; an FTS5 merge rewrites whole
// segments, so one batch of a long import had it hold 180 MB.
class WriteTransaction {
 public:
  enum class Nesting { kSavepoint, kJoin };
  explicit WriteTransaction(SqliteDb& db, Nesting nesting = Nesting::kSavepoint)
      : db_(db), nesting_(nesting) {}
  ~WriteTransaction() { rollback(); }
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;

  msmi::Status begin(std::string_view what);
  // REQUIRES: begin() succeeded. On failure the transaction is rolled back.
  msmi::Status commit(std::string_view what);
  // Undoes what was done since begin(); nothing when not active.
  void rollback();

 private:
  SqliteDb& db_;
  Nesting nesting_;
  bool active_ = false;
  bool nested_ = false;
  bool joined_ = false;  // nested with Nesting::kJoin: nothing to commit or undo here
};

// Owns one prepared statement. Movable, not copyable; finalized on destruction.
//
// Binding: bind_* record the first failing bind; step() then returns that code without
// stepping, so call sites can bind several parameters and check once. Parameter indexes are
// 1-based as in SQLite. reset() rewinds and clears bindings and the recorded bind error.
class SqliteStatement {
 public:
  SqliteStatement() = default;
  ~SqliteStatement();
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&& other) noexcept;

  // Compiles `sql` (one statement) on `db`. On failure *this stays empty. A compile error of our
  // fixed SQL means the tables do not look as expected, so SQLITE_ERROR maps to Corruption.
  // `reused` hints SQLite that the statement will be stepped many times (a batch insert).
  // REQUIRES: db outlives this statement (or finalize() is called first).
  msmi::Status prepare(const SqliteDb& db, std::string_view sql, std::string_view what,
                       bool reused = false);

  void finalize();
  bool valid() const { return stmt_ != nullptr; }

  void bind_int64(int index, std::int64_t value);
  void bind_double(int index, double value);
  void bind_null(int index);
  // Copies the text (SQLITE_TRANSIENT).
  void bind_text(int index, std::string_view value);
  // Does not copy: REQUIRES `value` stays alive and unchanged until reset() or the end of step().
  void bind_text_static(int index, std::string_view value);
  // NULL when value is empty.
  void bind_text_or_null(int index, std::string_view value);
  // NULL when `bytes` is empty, else a BLOB. Does not copy: REQUIRES as bind_text_static.
  void bind_blob_or_null(int index, std::string_view bytes);
  // NULL when value == -1.
  void bind_int64_or_null(int index, std::int64_t value);

  // SQLITE_ROW, SQLITE_DONE or an error code (possibly a recorded bind error).
  int step();
  // Rewinds, clears the bindings and the recorded bind error.
  void reset();

  // Column accessors, valid after step() returned SQLITE_ROW. 0-based as in SQLite.
  bool column_is_null(int column) const;
  std::int64_t column_int64(int column) const;
  // `null_value` when the column is NULL.
  std::int64_t column_int64_or(int column, std::int64_t null_value) const;
  double column_double(int column) const;
  // Empty string when NULL.
  std::string column_text(int column) const;
  // The bytes of a BLOB (or the text of a TEXT) column; empty when NULL.
  std::string column_blob(int column) const;
  // As column_text / column_blob, into *out, reusing its buffer (for reading millions of rows).
  void column_text_into(int column, std::string* out) const;
  void column_blob_into(int column, std::string* out) const;

 private:
  sqlite3_stmt* stmt_ = nullptr;
  int bind_error_ = SQLITE_OK;
};

}  // namespace msmilog
