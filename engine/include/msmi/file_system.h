// FileSystem: the engine's only way to the shadow postoffice. Paths are relative to the
// postoffice root and use '/' ("P1/0000002A.P1"). The simulator supplies a real directory
// implementation and an in-memory one that can lose unsynced data in a simulated power loss,
// and wraps either to inject faults (a locked or unreadable file).
//
// Durability: what write_file and append_file put in a file may be lost in a crash of the
// machine until sync_file(path) returns Ok. A crash-safe writer syncs the data before it writes
// anything that points at it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "msmi/status.h"

namespace msmi {

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // Whole contents. NotFound if absent; Busy if locked by another process.
  virtual Status read_file(const std::string& path, std::string* contents) = 0;
  // Creates or replaces the file with exactly `contents` (parent folder must exist).
  virtual Status write_file(const std::string& path, std::string_view contents) = 0;
  virtual Status append_file(const std::string& path, std::string_view data) = 0;
  // Makes the file's current contents durable (fsync). NotFound if absent or a folder.
  virtual Status sync_file(const std::string& path) = 0;
  // NotFound if absent.
  virtual Status remove_file(const std::string& path) = 0;
  // Replaces `to` if it exists.
  virtual Status rename_file(const std::string& from, const std::string& to) = 0;
  // Names of the regular files directly in `dir`, sorted byte-wise. NotFound if no such folder.
  virtual Status list_dir(const std::string& dir, std::vector<std::string>* names) = 0;
  virtual Status make_dirs(const std::string& dir) = 0;
  virtual bool exists(const std::string& path) = 0;

  // The share-deny lock an MS Mail program takes on a postoffice file before it changes it, so
  // that no other process reads it half-written. Ok once this process holds the lock (the file
  // need not exist yet); Busy while another process holds the file open or locked. The lock is
  // held until unlock_file(path). This default grants every lock: no other process exists.
  virtual Status lock_file(const std::string& path) {
    (void)path;
    return Status::Ok();
  }
  // Releases a lock lock_file granted; nothing happens if none is held.
  virtual void unlock_file(const std::string& path) { (void)path; }
  // Versions let a reader that keeps what it read (a Mailbag) skip copying a file that has not
  // changed since. A version names one state of one file system's file contents: two non-zero
  // versions from the same file system are equal only if the contents are. 0 means "unknown",
  // and a file system that does not keep versions (the default) always answers 0.
  //
  // The current version of `path`; 0 if it is absent or unknown. Not a read: no lock or fault
  // applies, and it says nothing about whether a read would succeed.
  virtual std::uint64_t version_of(const std::string& path) {
    (void)path;
    return 0;
  }
  // read_file for a caller that may hold the contents already: `*version` is the version of
  // what the caller holds (0: nothing). Returns what read_file would. On Ok, if the file still
  // has version `*version` (non-zero), sets *changed to false and leaves *contents alone;
  // otherwise reads the whole file into *contents, sets *changed to true and *version to the
  // version read (0 if unknown). On failure *version is 0.
  virtual Status read_file_if_changed(const std::string& path, std::uint64_t* version,
                                      std::string* contents, bool* changed) {
    *version = 0;
    *changed = true;
    return read_file(path, contents);
  }
  // How refresh_file brought the caller's copy up to date.
  enum class Refresh { kUnchanged, kAppended, kReplaced };
  // read_file_if_changed for a caller that keeps its copy of a growing file (a mailbag's MBG):
  // REQUIRES: *contents holds exactly what the file held at `*version` (any contents when
  // *version is 0). Returns what read_file would. On Ok, *contents holds the file's current
  // contents and *version their version (0 if unknown), and *how says whether the copy was
  // unchanged, only had the bytes appended since `*version` added at its end, or was replaced
  // by a whole read. On failure *version is 0 and *contents is unspecified. This default never
  // appends: it is read_file_if_changed.
  virtual Status refresh_file(const std::string& path, std::uint64_t* version,
                              std::string* contents, Refresh* how) {
    bool changed = true;
    Status s = read_file_if_changed(path, version, contents, &changed);
    *how = changed ? Refresh::kReplaced : Refresh::kUnchanged;
    return s;
  }
  // Writes `data` over the file's bytes from `offset` on, as pwrite(2) does, leaving the bytes
  // before and after alone; the file grows if the data reaches past its end. NotFound if the
  // file is absent; InvalidArgument if `offset` lies past its end. Lets a writer patch a few
  // bytes of an index in place instead of writing it whole. This default reads the file and
  // writes it back whole.
  virtual Status write_file_at(const std::string& path, std::uint64_t offset,
                               std::string_view data) {
    std::string contents;
    Status s = read_file(path, &contents);
    if (s.ok()) s = patch_contents(path, offset, data, &contents);
    if (!s.ok()) return s;
    return write_file(path, contents);
  }

  // What readers of this file system decoded from its files, kept under `key` and shared by
  // every reader that asks for the same key: a Mailbag of the MS Mail side and the engine's
  // Mailbag of the same name then keep one copy and one parse of the pair, and neither decodes
  // again what the other just wrote. Whatever is kept there is checked against file versions
  // before it is trusted, as a reader's own copy would be. A wrapper that forwards versions
  // forwards this too; any other file system keeps its own.
  virtual std::shared_ptr<void>& shared_reading(const std::string& key) { return readings_[key]; }
  // write_file_at() on the bytes of `path` in memory: `data` over *contents from `offset`,
  // growing it as needed. InvalidArgument (naming `path`) for an offset past the end.
  static Status patch_contents(const std::string& path, std::uint64_t offset, std::string_view data,
                               std::string* contents) {
    if (offset > contents->size()) {
      return Status::InvalidArgument(path + ": offset " + std::to_string(offset) +
                                     " lies past the end");
    }
    const std::size_t at = static_cast<std::size_t>(offset);
    if (contents->size() < at + data.size()) contents->resize(at + data.size());
    contents->replace(at, data.size(), data);
    return Status::Ok();
  }

 private:
  std::map<std::string, std::shared_ptr<void>, std::less<>> readings_;
};

// Forwards every call; a test or fault injector overrides just the calls it cares about.
// Versions and patches are the exception: a wrapper may change what is read or written, so by
// default it reports no versions, reads through its own read_file and patches through its own
// read_file and write_file. A wrapper that passes contents through unchanged overrides
// version_of, read_file_if_changed, refresh_file and write_file_at and forwards them to target().
class FileSystemWrapper : public FileSystem {
 public:
  explicit FileSystemWrapper(FileSystem& target) : target_(target) {}
  Status read_file(const std::string& path, std::string* contents) override {
    return target_.read_file(path, contents);
  }
  Status write_file(const std::string& path, std::string_view contents) override {
    return target_.write_file(path, contents);
  }
  Status append_file(const std::string& path, std::string_view data) override {
    return target_.append_file(path, data);
  }
  Status sync_file(const std::string& path) override { return target_.sync_file(path); }
  Status remove_file(const std::string& path) override { return target_.remove_file(path); }
  Status rename_file(const std::string& from, const std::string& to) override {
    return target_.rename_file(from, to);
  }
  Status list_dir(const std::string& dir, std::vector<std::string>* names) override {
    return target_.list_dir(dir, names);
  }
  Status make_dirs(const std::string& dir) override { return target_.make_dirs(dir); }
  bool exists(const std::string& path) override { return target_.exists(path); }
  Status lock_file(const std::string& path) override { return target_.lock_file(path); }
  void unlock_file(const std::string& path) override { target_.unlock_file(path); }

 protected:
  FileSystem& target() { return target_; }

 private:
  FileSystem& target_;
};

}  // namespace msmi
