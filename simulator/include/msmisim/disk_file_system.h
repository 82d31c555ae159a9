// The real shadow postoffice: a FileSystem rooted at a directory on disk.
#pragma once

#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>

#include "msmi/file_system.h"
#include "msmisim/held_locks.h"

namespace msmisim {

// The folder belongs to this object alone while it is in use (as the run's postoffice does):
// nobody else writes into it, so the object keeps versions of the files it has read or written
// (an unchanged mailbag is not read again, a grown one only from where it ended) and keeps the
// files it uses open, so that a write, its sync and the next read need no new open. Writes are
// pwrite(2)s over the file's bytes (then cut to size), not a truncation and a rewrite.
class DiskFileSystem final : public msmi::FileSystem {
 public:
  explicit DiskFileSystem(std::filesystem::path root) : root_(std::move(root)) {}
  ~DiskFileSystem() override;
  DiskFileSystem(const DiskFileSystem&) = delete;
  DiskFileSystem& operator=(const DiskFileSystem&) = delete;

  msmi::Status read_file(const std::string& path, std::string* contents) override;
  msmi::Status write_file(const std::string& path, std::string_view contents) override;
  msmi::Status append_file(const std::string& path, std::string_view data) override;
  // fsync(2) of the file: opened, flushed to the device, closed.
  msmi::Status sync_file(const std::string& path) override;
  msmi::Status remove_file(const std::string& path) override;
  msmi::Status rename_file(const std::string& from, const std::string& to) override;
  msmi::Status list_dir(const std::string& dir, std::vector<std::string>* names) override;
  msmi::Status make_dirs(const std::string& dir) override;
  bool exists(const std::string& path) override;
  // The lock is kept by this object, not taken on the host: the folder belongs to this run
  // alone. Busy while it is held already, as a second share-deny open is on Windows.
  msmi::Status lock_file(const std::string& path) override;
  void unlock_file(const std::string& path) override { locks_.release(path); }
  std::uint64_t version_of(const std::string& path) override;
  msmi::Status read_file_if_changed(const std::string& path, std::uint64_t* version,
                                    std::string* contents, bool* changed) override;
  msmi::Status refresh_file(const std::string& path, std::uint64_t* version, std::string* contents,
                            Refresh* how) override;
  msmi::Status write_file_at(const std::string& path, std::uint64_t offset,
                             std::string_view data) override;

  const std::filesystem::path& root() const { return root_; }

  // fsync(2) calls made by every DiskFileSystem of this process so far (benchmarks read it to
  // tell how many a message costs).
  static std::uint64_t syncs_issued();

 private:
  struct Known {
    std::uint64_t version = 0;
    std::uint64_t base_version = 0;  // as MemoryFileSystem's: versions since then only appended
  };
  std::filesystem::path full(const std::string& path) const { return root_ / path; }
  // An open descriptor of the regular file `path` (opened read-write, created when `create`),
  // or -1 with errno set.
  int open_file(const std::string& path, bool create);
  void close_file(const std::string& path);
  // Forgets the version and the descriptor of `path` (and of everything below it).
  void forget(const std::string& path);
  void changed(const std::string& path, bool appended);
  msmi::Status read_fd(int fd, const std::string& path, std::size_t from, std::string* contents);
  // read_file, then *version is the version read (one is given to a file seen the first time).
  msmi::Status read_known(const std::string& path, std::uint64_t* version, std::string* contents);

  std::filesystem::path root_;
  HeldLocks locks_;  // files locked for update
  std::uint64_t last_version_ = 0;
  std::unordered_map<std::string, Known> known_;
  std::unordered_map<std::string, int> open_;  // path → descriptor
};

// Wraps a FileSystem and makes chosen files behave as locked by another process (Busy), the way
// a PC MTA or a backup program holds INQUEUE3 (Q168857).
class LockingFileSystem final : public msmi::FileSystemWrapper {
 public:
  using FileSystemWrapper::FileSystemWrapper;
  void lock(const std::string& path) { locked_.insert(path); }
  void unlock(const std::string& path) { locked_.erase(path); }
  // Every process holding a lock is gone (the server restarted).
  void unlock_all() { locked_.clear(); }

  msmi::Status read_file(const std::string& path, std::string* contents) override;
  msmi::Status write_file(const std::string& path, std::string_view contents) override;
  msmi::Status append_file(const std::string& path, std::string_view data) override;
  msmi::Status remove_file(const std::string& path) override;
  msmi::Status rename_file(const std::string& from, const std::string& to) override;
  // Busy while another process holds the file.
  msmi::Status lock_file(const std::string& path) override;
  // A lock changes no contents: the target's versions hold.
  std::uint64_t version_of(const std::string& path) override { return target().version_of(path); }
  std::shared_ptr<void>& shared_reading(const std::string& key) override {
    return target().shared_reading(key);
  }
  msmi::Status read_file_if_changed(const std::string& path, std::uint64_t* version,
                                    std::string* contents, bool* changed) override;
  msmi::Status refresh_file(const std::string& path, std::uint64_t* version, std::string* contents,
                            Refresh* how) override;
  msmi::Status write_file_at(const std::string& path, std::uint64_t offset,
                             std::string_view data) override;

 private:
  bool is_locked(const std::string& path) const {
    return !locked_.empty() && locked_.count(path) != 0;
  }
  std::set<std::string> locked_;
};

}  // namespace msmisim
