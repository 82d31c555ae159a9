// The writer locks of an event store (schema version 9): which runs and sweeps a live process is
// still recording, so the ones whose process died are closed as 'interrupted' by the next
// read-write open (the rule is in event_store.cpp's header comment).
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "msmilog/event_store.h"
#include "sqlite_handle.h"
#include "writer_locks.h"

namespace msmilog {

// ---------------------------------------------------------------------------------------------
// WriterLocks

namespace {

#ifdef F_OFD_SETLK
constexpr bool kOpenFileLocks = true;
constexpr int kSetLock = F_OFD_SETLK;
constexpr int kGetLock = F_OFD_GETLK;
#else
constexpr bool kOpenFileLocks = false;  // open() fails: nothing below is ever called
constexpr int kSetLock = 0;
constexpr int kGetLock = 0;
#endif

// fcntl(fd, command, …) on byte `offset`, again when a signal interrupted it; *lock is what
// F_GETLK answers.
int lock_byte(int fd, int command, short type, std::int64_t offset, struct flock* lock) {
  *lock = {};
  lock->l_type = type;
  lock->l_whence = SEEK_SET;
  lock->l_start = static_cast<off_t>(offset);
  lock->l_len = 1;
  lock->l_pid = 0;  // required by open file description locks
  int rc;
  do {
    rc = ::fcntl(fd, command, lock);
  } while (rc != 0 && errno == EINTR);
  return rc;
}

}  // namespace

WriterLocks::~WriterLocks() {
  if (fd_ >= 0) ::close(fd_);  // the kernel lets go of every lock held through it
}

std::string WriterLocks::path_for(const std::string& store_path) {
  return store_path + "-writers";
}

bool WriterLocks::open(const std::string& store_path, bool create) {
  if (!kOpenFileLocks) return false;
  const std::string path = path_for(store_path);
  const int flags = create ? (O_RDWR | O_CREAT | O_CLOEXEC) : (O_RDONLY | O_CLOEXEC);
  int fd;
  do {
    fd = ::open(path.c_str(), flags, 0644);
  } while (fd < 0 && errno == EINTR);
  missing_ = !create && fd < 0 && errno == ENOENT;
  fd_ = fd;
  return fd_ >= 0;
}

bool WriterLocks::lock(std::int64_t offset) {
  struct flock lock;
  return fd_ >= 0 && lock_byte(fd_, kSetLock, F_WRLCK, offset, &lock) == 0;
}

void WriterLocks::unlock(std::int64_t offset) {
  struct flock lock;
  if (fd_ >= 0) (void)lock_byte(fd_, kSetLock, F_UNLCK, offset, &lock);
}

bool WriterLocks::free(std::int64_t offset) const {
  struct flock lock;
  return fd_ >= 0 && lock_byte(fd_, kGetLock, F_WRLCK, offset, &lock) == 0 &&
         lock.l_type == F_UNLCK;
}

// ---------------------------------------------------------------------------------------------
// EventStore: taking and letting go of the locks of the rows it records

namespace {
bool is_sweep_lock(std::int64_t offset) {
  return offset >= EventStore::kSweepLockBase;
}
}  // namespace

bool EventStore::take_writer_lock(std::int64_t offset, bool in_outer_transaction) {
  if (locks_ == nullptr || !locks_->lock(offset)) return false;
  (in_outer_transaction ? locks_taken_in_transaction_ : locks_held_).push_back(offset);
  return true;
}

void EventStore::forget_writer_lock(std::int64_t offset) {
  for (std::vector<std::int64_t>* list : {&locks_held_, &locks_taken_in_transaction_}) {
    list->erase(std::remove(list->begin(), list->end(), offset), list->end());
  }
  locks_->unlock(offset);
}

void EventStore::drop_writer_lock(std::int64_t offset) {
  if (locks_ == nullptr) return;
  if (in_transaction()) {
    // Until the transaction commits, the row is still open to everyone else.
    locks_released_at_commit_.push_back(offset);
    return;
  }
  locks_held_.erase(std::remove(locks_held_.begin(), locks_held_.end(), offset), locks_held_.end());
  locks_->unlock(offset);
}

void EventStore::writer_locks_committed() {
  locks_held_.insert(locks_held_.end(), locks_taken_in_transaction_.begin(),
                     locks_taken_in_transaction_.end());
  locks_taken_in_transaction_.clear();
  const std::vector<std::int64_t> released = std::move(locks_released_at_commit_);
  locks_released_at_commit_.clear();
  for (const std::int64_t offset : released) drop_writer_lock(offset);
}

void EventStore::writer_locks_rolled_back() {
  // The rows they were taken for are gone with the transaction.
  for (const std::int64_t offset : locks_taken_in_transaction_) {
    if (std::find(locks_held_.begin(), locks_held_.end(), offset) == locks_held_.end()) {
      locks_->unlock(offset);
    }
  }
  locks_taken_in_transaction_.clear();
  locks_released_at_commit_.clear();
}

namespace {
constexpr const char* kInterruptRunSql =
    "UPDATE runs SET verdict = 'interrupted', event_count = (SELECT coalesce(sum(count), 0) "
    "FROM event_counts WHERE run_id = ?1) WHERE run_id = ?1 AND verdict IS NULL";
constexpr const char* kInterruptSweepSql =
    "UPDATE sweeps SET verdict = 'interrupted' WHERE sweep_id = ?1 AND verdict IS NULL";

// Closes the runs and sweeps whose lock offsets are `offsets` as 'interrupted' (those still
// open), in one transaction.
msmi::Status interrupt_rows(SqliteDb& db, const std::vector<std::int64_t>& offsets) {
  constexpr std::string_view kWhat = "marking interrupted runs";
  SqliteStatement run;
  SqliteStatement sweep;
  msmi::Status status = run.prepare(db, kInterruptRunSql, kWhat);
  if (status.ok()) status = sweep.prepare(db, kInterruptSweepSql, kWhat);
  if (!status.ok()) return status;
  WriteTransaction transaction(db);
  status = transaction.begin(kWhat);
  for (const std::int64_t offset : offsets) {
    if (!status.ok()) break;
    SqliteStatement& stmt = is_sweep_lock(offset) ? sweep : run;
    stmt.bind_int64(1, is_sweep_lock(offset) ? offset - EventStore::kSweepLockBase : offset);
    const int rc = stmt.step();
    if (rc != SQLITE_DONE) status = db.error(rc, kWhat);
    stmt.reset();
  }
  if (status.ok()) status = transaction.commit(kWhat);
  return status;
}
}  // namespace

msmi::Status EventStore::abandoned_rows(std::vector<std::int64_t>* offsets) const {
  offsets->clear();
  if (schema_version_ < 9 || locks_ == nullptr) return msmi::Status::Ok();
  if (!locks_->locks() && !locks_->missing()) return msmi::Status::Ok();  // cannot be told
  constexpr std::string_view kWhat = "finding unfinished runs";
  // Both through the partial indexes of open rows: no scan of the runs.
  SqliteStatement stmt;
  msmi::Status status = stmt.prepare(
      *db_,
      "SELECT writer_lock FROM runs WHERE verdict IS NULL AND writer_lock IS NOT NULL "
      "UNION ALL SELECT writer_lock FROM sweeps WHERE verdict IS NULL AND writer_lock IS NOT NULL",
      kWhat);
  if (!status.ok()) return status;
  int rc;
  while ((rc = stmt.step()) == SQLITE_ROW) {
    const std::int64_t offset = stmt.column_int64(0);
    // A read-only open that found no file: nobody can be holding a lock in it.
    if (locks_->missing() || locks_->free(offset)) offsets->push_back(offset);
  }
  if (rc != SQLITE_DONE) return db_->error(rc, kWhat);
  return msmi::Status::Ok();
}

std::vector<std::int64_t> EventStore::unmarked_interrupted() const {
  std::vector<std::int64_t> offsets;
  // A row that cannot be judged reads as it is stored: unfinished.
  if (read_only_ && !abandoned_rows(&offsets).ok()) offsets.clear();
  return offsets;
}

msmi::Status EventStore::interrupt_abandoned() {
  std::vector<std::int64_t> offsets;
  msmi::Status status = abandoned_rows(&offsets);
  if (!status.ok() || offsets.empty()) return status;
  status = interrupt_rows(*db_, offsets);
  // Another writer holds the store past the writer's wait: the next open marks them.
  if (status.is_busy()) return msmi::Status::Ok();
  return status;
}

msmi::Status EventStore::interrupt_own_rows() {
  if (locks_held_.empty()) return msmi::Status::Ok();
  msmi::Status status = interrupt_rows(*db_, locks_held_);
  // Whether or not that was written, nobody records them any more.
  for (const std::int64_t offset : locks_held_) locks_->unlock(offset);
  locks_held_.clear();
  return status;
}

}  // namespace msmilog
