// The real shadow postoffice: a FileSystem rooted at a directory on disk.
#pragma once

#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "msmi/file_system.h"
#include "msmisim/held_locks.h"

namespace msmisim {

// The folder belongs to this object alone while it is in use (as the run's postoffice does):
// nobody else writes into it, so the object keeps versions of the files it has read or written
// (an unchanged mailbag is not read again, a grown one only from where it ended) and keeps the
// files it uses open, so that a write, its sync and the next read need no new open. Writes are
// pwrite(2)s over the file's bytes (then cut to size), not a truncation and a rewrite; the
// object knows each open file's size, so a read is one pread(2).
//
// File slots are reused: a removed file that is open becomes a spare, kept with its descriptor
// under a numbered name (its slot) in the hidden folder kSpareFolder, and the next file created
// is a spare's slot linked under the new name (link(2)), so that a message's P1 and MAI cost
// the disk one link and one unlink each. An inode made and freed instead costs ext4 3 to 30
// times as much on the development machine, more the more files were deleted lately
// (bench_simulation measures both). A file that was never a spare is renamed into a new slot
// when it is removed. The slots are unlinked when the object
// goes, which leaves the files in use whole.
//
// Whether sync_file is an fsync(2) is the owner's choice (Sync): a simulated power loss happens
// on the simulated disk only, so a run on a real folder has nothing to gain from one.
class DiskFileSystem final : public msmi::FileSystem {
 public:
  // What sync_file does.
  enum class Sync {
    kNone,   // checks the file, as an fsync would, and makes nothing durable
    kFsync,  // fsync(2)
  };
  static constexpr const char* kSpareFolder = ".msmisim-spare";

  // `descriptors`: how many files and how many spares each keep a descriptor open; 0 for up to
  // 1,024 and a quarter of what the process may open (tests give a few).
  explicit DiskFileSystem(std::filesystem::path root, Sync sync = Sync::kFsync,
                          std::size_t descriptors = 0);
  ~DiskFileSystem() override;
  DiskFileSystem(const DiskFileSystem&) = delete;
  DiskFileSystem& operator=(const DiskFileSystem&) = delete;

  msmi::Status read_file(const std::string& path, std::string* contents) override;
  msmi::Status write_file(const std::string& path, std::string_view contents) override;
  msmi::Status append_file(const std::string& path, std::string_view data) override;
  // With Sync::kFsync, fsync(2) of the file (opened if it is not open already).
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

  // sync_file calls that succeeded on every DiskFileSystem of this process so far, whether
  // they fsync'd or not (benchmarks read it to tell how many a message costs).
  static std::uint64_t syncs_issued();
  // remove_file calls that succeeded, likewise (files and folders).
  static std::uint64_t files_removed();

 private:
  struct Known {
    std::uint64_t version = 0;
    std::uint64_t base_version = 0;  // as MemoryFileSystem's: versions since then only appended
  };
  std::filesystem::path full(const std::string& path) const { return root_ / path; }
  // A regular file kept open, and its size: the folder is this object's alone, so the size
  // changes only by its own writes, and so do the bytes of a small file it wrote whole, kept
  // here to be read without a system call (a P1 or MAI file, read back by the Mailer).
  struct OpenFile {
    int fd = -1;
    std::uint64_t size = 0;
    int slot = -1;        // the spare it is, by its name under kSpareFolder; -1 if none
    bool cached = false;  // `bytes` are the file's
    std::string bytes;
  };
  static std::string slot_path(int slot);
  // The open regular file `path` (opened read-write, created when `create`; from a spare, whose
  // old bytes are still in it, when `spare_for` names the size it is wanted for), or null with
  // errno set. The pointer holds until the next open_file, close_file or forget.
  OpenFile* open_file(const std::string& path, bool create,
                      const std::uint64_t* spare_for = nullptr);
  // Moves the open file `path` among the spares; false (nothing changed) if it cannot.
  bool keep_as_spare(const std::string& path);
  // Links a spare as `path` if no file is there, one no larger than `size` if one of the last
  // few is (so that writing `size` bytes need not cut it): true with *file the spare's.
  bool take_spare(const std::string& path, std::uint64_t size, OpenFile* file);
  // The file from byte `from` on into *contents, after its first `from` bytes.
  msmi::Status read_open(const OpenFile& file, const std::string& path, std::size_t from,
                         std::string* contents);
  // This file system makes no hard links: the spares are removed and no more are kept.
  void end_spares();
  // Closes a file in use that is not becoming a spare; its slot, if any, is freed.
  void drop(const OpenFile& file);
  void close_file(const std::string& path);
  // Forgets the version and the descriptor of `path` (and of everything below it).
  void forget(const std::string& path);
  void changed(const std::string& path, bool appended);
  // read_file, then *version is the version read (one is given to a file seen the first time).
  msmi::Status read_known(const std::string& path, std::uint64_t* version, std::string* contents);

  std::filesystem::path root_;
  HeldLocks locks_;  // files locked for update
  std::uint64_t last_version_ = 0;
  std::unordered_map<std::string, Known> known_;
  std::unordered_map<std::string, OpenFile> open_;
  Sync sync_;
  std::size_t open_limit_;        // files kept open at most
  std::vector<OpenFile> spares_;  // not in use; a descriptor of -1 is opened again when taken
  int slots_ = 0;                 // slot numbers given so far
  std::vector<int> free_slots_;   // numbers given that name nothing now
  bool spare_folder_made_ = false;
  bool spares_off_ = false;        // the file system makes no hard links
  std::size_t spare_descriptors_;  // spares that keep their descriptor open, at most
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
