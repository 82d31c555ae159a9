#include "sqlite_handle.h"

#include <algorithm>
#include <atomic>
#include <cassert>
#include <cstring>
#include <iterator>
#include <utility>

#include "msmilog/store_wait.h"

namespace msmilog {

msmi::Status sqlite_status(sqlite3* db, int rc, std::string_view path, std::string_view what) {
  const int primary = rc & 0xff;
  // sqlite3_errmsg describes the connection's most recent error, which is rc when rc came from
  // that connection; a recorded bind error or a null db only has the generic text.
  const char* detail =
      (db != nullptr && sqlite3_errcode(db) == rc) ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string message;
  message.reserve(path.size() + what.size() + 64);
  message.append(path).append(": ").append(what).append(": ").append(detail);
  // A failed write says why the system refused it: "No space left on device", "File too large".
  const int system_errno = db != nullptr ? sqlite3_system_errno(db) : 0;
  if ((primary == SQLITE_IOERR || primary == SQLITE_FULL) && system_errno != 0) {
    message.append(": ").append(std::strerror(system_errno));
  }
  message.append(" (SQLite code ").append(std::to_string(rc)).append(")");
  switch (primary) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return msmi::Status::Busy(std::move(message));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_SCHEMA:
      return msmi::Status::Corruption(std::move(message));
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_RANGE:
    case SQLITE_TOOBIG:
      return msmi::Status::InvalidArgument(std::move(message));
    case SQLITE_NOTFOUND:
      return msmi::Status::NotFound(std::move(message));
    default:
      return msmi::Status::IoError(std::move(message));
  }
}

// ---------------------------------------------------------------------------------------------
// SqliteDb

SqliteDb::~SqliteDb() {
  close();
}

SqliteDb::SqliteDb(SqliteDb&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      path_(std::move(other.path_)),
      busy_wait_(std::move(other.busy_wait_)) {}

SqliteDb& SqliteDb::operator=(SqliteDb&& other) noexcept {
  if (this != &other) {
    close();
    db_ = std::exchange(other.db_, nullptr);
    path_ = std::move(other.path_);
    busy_wait_ = std::move(other.busy_wait_);
  }
  return *this;
}

namespace {

// Set by stop_store_waits(), from a signal handler: lock-free, so safe there.
std::atomic<bool> g_stop_waits{false};
static_assert(std::atomic<bool>::is_always_lock_free);

// SQLite's busy handler: `tries` is 0 when a statement first finds the file locked. A non-zero
// return makes SQLite try again; 0 gives up with SQLITE_BUSY. A connection that gave up once
// waits no more: the command is failing, and its clean-up writes (closing its run as
// interrupted) must not sit out the limit a second time; the next open does that work instead.
// The notice comes once per connection, however many waits it has.
extern "C" int wait_when_busy_handler(void* context, int tries) noexcept {
  using namespace std::chrono;
  SqliteDb::BusyWait& wait = *static_cast<SqliteDb::BusyWait*>(context);
  const steady_clock::time_point now = steady_clock::now();
  if (tries == 0) wait.since = now;
  const milliseconds waited = duration_cast<milliseconds>(now - wait.since);
  if (waited >= wait.limit || g_stop_waits.load()) {
    wait.limit = milliseconds(0);
    return 0;
  }
  if (!wait.told && waited >= seconds(1) && wait.notice) {
    wait.told = true;
    try {
      wait.notice();
    } catch (...) {  // SQLite's C frames are below: nothing may unwind through them
    }
  }
  // Short sleeps first: most locks are a batch's commit, over in milliseconds.
  constexpr int kSleepsMs[] = {1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50};
  constexpr int kTries = static_cast<int>(std::size(kSleepsMs));
  const auto sleep = milliseconds(tries < kTries ? kSleepsMs[tries] : 100);
  sqlite3_sleep(static_cast<int>(std::min(sleep, wait.limit - waited).count()));
  return 1;
}

}  // namespace

void stop_store_waits() noexcept {
  g_stop_waits.store(true);
}

void SqliteDb::wait_when_busy(std::chrono::milliseconds limit, std::function<void()> notice) {
  assert(db_ != nullptr);
  busy_wait_ = std::make_unique<BusyWait>(BusyWait{limit, std::move(notice), {}, false});
  sqlite3_busy_handler(db_, wait_when_busy_handler, busy_wait_.get());
}

msmi::Status SqliteDb::open(const std::string& path, int flags) {
  return open_as(path, path, flags);
}

msmi::Status SqliteDb::open_as(const std::string& path, const std::string& filename, int flags) {
  close();
  path_ = path;
  sqlite3* db = nullptr;
  // A connection is used by one thread at a time (see the header), so SQLite's per-call mutex
  // is not needed: without it, reading a row's columns costs half as many library calls.
  const int rc = sqlite3_open_v2(filename.c_str(), &db,
                                 flags | SQLITE_OPEN_EXRESCODE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    msmi::Status status = sqlite_status(db, rc, path, "cannot open database");
    // sqlite3_open_v2 hands out a handle even on failure; it must still be closed.
    sqlite3_close(db);
    return status;
  }
  db_ = db;
  return msmi::Status::Ok();
}

void SqliteDb::close() {
  if (db_ == nullptr) return;
  if (sqlite3_close(db_) != SQLITE_OK) {
    // A statement is still alive, which our owners are written never to allow. Let SQLite
    // free the connection after the last finalize rather than leak it. Its busy handler's
    // state goes with this object, so the handler goes first.
    sqlite3_busy_handler(db_, nullptr, nullptr);
    sqlite3_close_v2(db_);
  }
  db_ = nullptr;
}

msmi::Status SqliteDb::exec(const char* sql, std::string_view what) {
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return error(rc, what);
  return msmi::Status::Ok();
}

// ---------------------------------------------------------------------------------------------
// SqliteStatement

SqliteStatement::~SqliteStatement() {
  finalize();
}

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)),
      bind_error_(std::exchange(other.bind_error_, SQLITE_OK)) {}

SqliteStatement& SqliteStatement::operator=(SqliteStatement&& other) noexcept {
  if (this != &other) {
    finalize();
    stmt_ = std::exchange(other.stmt_, nullptr);
    bind_error_ = std::exchange(other.bind_error_, SQLITE_OK);
  }
  return *this;
}

msmi::Status SqliteStatement::prepare(const SqliteDb& db, std::string_view sql,
                                      std::string_view what, bool reused) {
  finalize();
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db.get(), sql.data(), static_cast<int>(sql.size()),
                                    reused ? SQLITE_PREPARE_PERSISTENT : 0u, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    if ((rc & 0xff) == SQLITE_ERROR) {
      // Our SQL is fixed text, so "no such table/column" means the file's tables differ.
      return msmi::Status::Corruption(
          db.path() + ": " + std::string(what) +
          ": tables do not match the msmisim schema: " + sqlite3_errmsg(db.get()));
    }
    return db.error(rc, what);
  }
  stmt_ = stmt;
  return msmi::Status::Ok();
}

void SqliteStatement::finalize() {
  if (stmt_ != nullptr) sqlite3_finalize(stmt_);
  stmt_ = nullptr;
  bind_error_ = SQLITE_OK;
}

namespace {
inline void remember(int rc, int* first_error) {
  if (rc != SQLITE_OK && *first_error == SQLITE_OK) *first_error = rc;
}
}  // namespace

void SqliteStatement::bind_int64(int index, std::int64_t value) {
  remember(sqlite3_bind_int64(stmt_, index, value), &bind_error_);
}

void SqliteStatement::bind_double(int index, double value) {
  remember(sqlite3_bind_double(stmt_, index, value), &bind_error_);
}

void SqliteStatement::bind_null(int index) {
  remember(sqlite3_bind_null(stmt_, index), &bind_error_);
}

void SqliteStatement::bind_text(int index, std::string_view value) {
  remember(
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
      &bind_error_);
}

void SqliteStatement::bind_text_static(int index, std::string_view value) {
  // data() of an empty view may be null, which SQLite would store as NULL rather than ''.
  const char* data = value.empty() ? "" : value.data();
  remember(sqlite3_bind_text64(stmt_, index, data, value.size(), SQLITE_STATIC, SQLITE_UTF8),
           &bind_error_);
}

void SqliteStatement::bind_text_or_null(int index, std::string_view value) {
  if (value.empty()) {
    bind_null(index);
  } else {
    bind_text_static(index, value);
  }
}

void SqliteStatement::bind_blob_or_null(int index, std::string_view bytes) {
  if (bytes.empty()) {
    bind_null(index);
  } else {
    remember(sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_STATIC),
             &bind_error_);
  }
}

void SqliteStatement::bind_int64_or_null(int index, std::int64_t value) {
  if (value == -1) {
    bind_null(index);
  } else {
    bind_int64(index, value);
  }
}

int SqliteStatement::step() {
  if (stmt_ == nullptr) return SQLITE_MISUSE;
  if (bind_error_ != SQLITE_OK) return bind_error_;
  return sqlite3_step(stmt_);
}

void SqliteStatement::reset() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_error_ = SQLITE_OK;
}

bool SqliteStatement::column_is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t SqliteStatement::column_int64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::int64_t SqliteStatement::column_int64_or(int column, std::int64_t null_value) const {
  return column_is_null(column) ? null_value : sqlite3_column_int64(stmt_, column);
}

double SqliteStatement::column_double(int column) const {
  return sqlite3_column_double(stmt_, column);
}

std::string SqliteStatement::column_text(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return {};
  const int size = sqlite3_column_bytes(stmt_, column);
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
}

std::string SqliteStatement::column_blob(int column) const {
  const void* bytes = sqlite3_column_blob(stmt_, column);
  if (bytes == nullptr) return {};
  const int size = sqlite3_column_bytes(stmt_, column);
  return std::string(static_cast<const char*>(bytes), static_cast<std::size_t>(size));
}

void SqliteStatement::column_text_into(int column, std::string* out) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) {
    out->clear();
    return;
  }
  const int size = sqlite3_column_bytes(stmt_, column);
  out->assign(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
}

void SqliteStatement::column_blob_into(int column, std::string* out) const {
  const void* bytes = sqlite3_column_blob(stmt_, column);
  if (bytes == nullptr) {
    out->clear();
    return;
  }
  const int size = sqlite3_column_bytes(stmt_, column);
  out->assign(static_cast<const char*>(bytes), static_cast<std::size_t>(size));
}

msmi::Status WriteTransaction::begin(std::string_view what) {
  assert(!active_);
  nested_ = sqlite3_get_autocommit(db_.get()) == 0;
  joined_ = nested_ && nesting_ == Nesting::kJoin;
  if (joined_) {
    active_ = true;
    return msmi::Status::Ok();
  }
  msmi::Status status = db_.exec(nested_ ? "SAVEPOINT msmisim_write" : "BEGIN IMMEDIATE", what);
  active_ = status.ok();
  return status;
}

msmi::Status WriteTransaction::commit(std::string_view what) {
  assert(active_);
  if (joined_) {
    active_ = false;
    return msmi::Status::Ok();
  }
  msmi::Status status = db_.exec(nested_ ? "RELEASE msmisim_write" : "COMMIT", what);
  if (!status.ok()) {
    rollback();
    return status;
  }
  active_ = false;
  return status;
}

void WriteTransaction::rollback() {
  if (!active_) return;
  active_ = false;
  if (joined_) return;  // the caller's transaction is rolled back by the caller
  if (nested_) {
    sqlite3_exec(db_.get(), "ROLLBACK TO msmisim_write; RELEASE msmisim_write", nullptr, nullptr,
                 nullptr);
  } else {
    sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

}  // namespace msmilog
