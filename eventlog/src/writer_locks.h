// The file STORE-writers beside an event store: one byte per run or sweep being recorded, locked
// by the recording process for as long as it records (the rule is in event_store.cpp's header
// comment). Private to eventlog.
//
// The locks are Linux open file description locks (fcntl F_OFD_SETLK): owned by this object's
// open file, not by the process, so closing another descriptor of the file (another EventStore
// of the same process) never drops them, and two stores of one process see each other's locks.
// The kernel drops them when the file is closed, whatever ends the process (SIGKILL included),
// and a lock names no process id, so a recycled pid means nothing. Where the system has no such
// locks, locks() is false: nothing is locked, and nothing is ever judged abandoned.
//
// Not thread-safe: used by its store's thread.
#pragma once

#include <cstdint>
#include <string>

namespace msmilog {

class WriterLocks {
 public:
  WriterLocks() = default;
  ~WriterLocks();
  WriterLocks(const WriterLocks&) = delete;
  WriterLocks& operator=(const WriterLocks&) = delete;

  // The file's name for the store at `store_path`.
  static std::string path_for(const std::string& store_path);

  // Opens the file of the store at `store_path` for locking, creating it (mode 0644 less the
  // umask) when `create`; otherwise read-only, for testing only. False (and locks() false) when
  // it cannot be opened, or the system has no open file description locks.
  bool open(const std::string& store_path, bool create);
  // Whether the file was found missing by a read-only open(): then no process can hold a lock
  // in it.
  bool missing() const { return missing_; }
  bool locks() const { return fd_ >= 0; }

  // Takes the write lock on byte `offset`, without waiting. False if another open file holds it
  // (or locks() is false). Taking a byte this object holds already succeeds.
  bool lock(std::int64_t offset);
  // Lets go of byte `offset` (nothing when not held).
  void unlock(std::int64_t offset);
  // True when no other open file holds a lock on byte `offset` (its holder closed the file or
  // died); false when one does, or when it cannot be told. A lock this object holds itself is
  // not seen.
  bool free(std::int64_t offset) const;

 private:
  int fd_ = -1;
  bool missing_ = false;
};

}  // namespace msmilog
