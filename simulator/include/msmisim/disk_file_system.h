// The real shadow postoffice: a FileSystem rooted at a directory on disk.
#pragma once

#include <filesystem>
#include <set>
#include <string>

#include "msmi/file_system.h"

namespace msmisim {

class DiskFileSystem final : public msmi::FileSystem {
 public:
  explicit DiskFileSystem(std::filesystem::path root) : root_(std::move(root)) {}

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
  void unlock_file(const std::string& path) override { locks_.erase(path); }

  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path full(const std::string& path) const { return root_ / path; }
  std::filesystem::path root_;
  std::set<std::string> locks_;  // files locked for update
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
  msmi::Status read_file_if_changed(const std::string& path, std::uint64_t* version,
                                    std::string* contents, bool* changed) override;
  msmi::Status refresh_file(const std::string& path, std::uint64_t* version,
                            std::string* contents, Refresh* how) override;
  msmi::Status write_file_at(const std::string& path, std::uint64_t offset,
                             std::string_view data) override;

 private:
  bool is_locked(const std::string& path) const { return locked_.count(path) != 0; }
  std::set<std::string> locked_;
};

}  // namespace msmisim
