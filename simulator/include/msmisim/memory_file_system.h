// The simulated shadow postoffice: a FileSystem held in memory, as LevelDB's memenv is to its
// posix Env. A run needs no folder on disk, leaves nothing behind and does not wait for the
// device; it sees exactly what DiskFileSystem would show it:
//
// - Every call gives the Status code DiskFileSystem gives for the same tree: reading a missing
//   file or a folder is NotFound; writing, appending or renaming into a missing folder is
//   IoError; removing a missing file is NotFound, removing an empty folder removes it, removing
//   a folder with something in it is IoError; listing a missing folder or a file is NotFound.
// - list_dir gives the regular files directly in the folder, sorted byte-wise; exists is true
//   for files and folders; "" is the root folder.
// - Paths must be relative, '/'-separated and plain (no empty, "." or ".." component); any
//   other path is InvalidArgument here, where the disk would resolve it.
//
// Crash model (a power loss of the simulated machine, see crash()), after LevelDB's
// fault_injection_test with no directory sync modelled:
// - Data is durable only once sync_file has returned Ok for the file: crash() puts every file
//   back to what it held at its last sync, dropping whatever was written or appended since.
// - A file that was never synced has no durable name either: crash() removes it. Its first
//   sync_file makes the name durable along with the data.
// - Every other change of names is durable at once: make_dirs, remove_file, and rename_file
//   (which carries the file's durable contents to the new name). A file renamed over a synced
//   one before being synced itself therefore vanishes in a crash, as a writer that forgets to
//   sync before renaming deserves.
//
// Costs: a read copies the file; read_file_if_changed copies nothing if the caller holds the
// current version, refresh_file only what was appended since the caller's version; write_file
// is O(data); write_file_at O(data) (O(file) when it must copy the durable bytes first);
// append_file and sync_file are amortised O(data appended), as the durable contents are kept as
// a prefix of the live buffer, not a copy.
//
// Not thread-safe; one simulation step at a time.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "msmi/file_system.h"
#include "msmi/flat_string_map.h"
#include "msmi/string_hash.h"
#include "msmisim/held_locks.h"

namespace msmisim {

class MemoryFileSystem final : public msmi::FileSystem {
 public:
  MemoryFileSystem() = default;
  MemoryFileSystem(const MemoryFileSystem&) = delete;
  MemoryFileSystem& operator=(const MemoryFileSystem&) = delete;

  msmi::Status read_file(const std::string& path, std::string* contents) override;
  msmi::Status write_file(const std::string& path, std::string_view contents) override;
  msmi::Status append_file(const std::string& path, std::string_view data) override;
  // Makes the file's current contents, and its name, survive crash().
  msmi::Status sync_file(const std::string& path) override;
  msmi::Status remove_file(const std::string& path) override;
  msmi::Status rename_file(const std::string& from, const std::string& to) override;
  msmi::Status list_dir(const std::string& dir, std::vector<std::string>* names) override;
  msmi::Status make_dirs(const std::string& dir) override;
  bool exists(const std::string& path) override;
  // A share-deny lock, as on Windows: Busy while it is held already (a second open of the file
  // for update conflicts even within one process). InvalidArgument for a path that is not plain.
  msmi::Status lock_file(const std::string& path) override;
  void unlock_file(const std::string& path) override { locks_.release(path); }
  std::uint64_t version_of(const std::string& path) override;
  msmi::Status read_file_if_changed(const std::string& path, std::uint64_t* version,
                                    std::string* contents, bool* changed) override;
  // Copies only the bytes appended since `*version` when nothing but appends changed the file.
  msmi::Status refresh_file(const std::string& path, std::uint64_t* version, std::string* contents,
                            Refresh* how) override;
  // Patches the buffer in place (a copy first when it holds the durable bytes).
  msmi::Status write_file_at(const std::string& path, std::uint64_t offset,
                             std::string_view data) override;

  // Power loss: every file goes back to its contents at its last sync_file; files never synced
  // are removed. Folders stay; every lock is gone with the processes that held it. The file system
  // is usable again at once, as after a reboot.
  void crash();

 private:
  // The durable contents are the first durable_size bytes of the buffer `durable`. Until the
  // file is replaced that is the same buffer as `contents`: appends only add bytes past the
  // durable prefix, so a sync needs no copy. Replacing a shared buffer allocates a new one.
  struct File {
    std::shared_ptr<std::string> contents = std::make_shared<std::string>();
    std::shared_ptr<std::string> durable;  // none if never synced
    std::size_t durable_size = 0;
    std::uint64_t version = 0;  // see FileSystem::version_of; bumped by every change
    // The version of the last change that was not an append (creation, a write, a patch, a
    // rename onto the name, a crash): every version from it to `version` names a prefix of
    // the contents.
    std::uint64_t base_version = 0;
    // A buffer the file no longer uses (the durable bytes of the sync before last), kept for
    // the next write that must leave the durable bytes alone: a KEY rewritten and synced on
    // every queue change then allocates nothing.
    std::shared_ptr<std::string> spare;
    // A buffer holding exactly `bytes` for `contents`, the spare one when there is one.
    std::shared_ptr<std::string> buffer_of(std::string_view bytes) {
      if (!spare) return std::make_shared<std::string>(bytes);
      spare->assign(bytes);
      return std::move(spare);
    }
  };
  // Where resolving the folders above a path stops (ENOENT and ENOTDIR on disk).
  enum class Parents { kFolders, kMissing, kFileInTheWay };

  // The files by path: sorted for listing, with a hash index beside the tree so that the calls
  // naming one file (every read, write and sync) find it without walking the tree. The index's
  // keys are views of the tree's own keys, which stay put while their node lives.
  class Files {
   public:
    using Map = std::map<std::string, File, std::less<>>;
    using iterator = Map::iterator;
    iterator begin() { return map_.begin(); }
    iterator end() { return map_.end(); }
    iterator lower_bound(std::string_view key) { return map_.lower_bound(key); }
    Map::const_iterator lower_bound(std::string_view key) const { return map_.lower_bound(key); }
    Map::const_iterator end() const { return map_.end(); }
    // The last two files found are asked first: a mailbag change calls on its KEY and its MBG
    // in turn, a message's files are written, synced and read one call after another.
    iterator find(std::string_view path) {
      for (const iterator recent : recent_) {
        if (recent != map_.end() && recent->first == path) return recent;
      }
      const auto it = index_.find(path);
      if (it == index_.end()) return map_.end();
      recent_[next_recent_] = it->second;
      next_recent_ ^= 1;
      return it->second;
    }
    bool contains(std::string_view path) const { return index_.count(path) != 0; }
    std::pair<iterator, bool> try_emplace(const std::string& path) {
      const auto [it, created] = map_.try_emplace(path);
      if (created) index_.emplace(it->first, it);
      return {it, created};
    }
    iterator erase(iterator it) {
      forget_recent();
      index_.erase(it->first);
      return map_.erase(it);
    }
    // Moves the file at `it` to `to`, replacing any file there.
    void rename(iterator it, const std::string& to) {
      forget_recent();
      index_.erase(it->first);
      auto node = map_.extract(it);
      node.key() = to;
      const auto old = find(to);
      if (old != map_.end()) erase(old);
      const auto moved = map_.insert(std::move(node)).position;
      index_.emplace(moved->first, moved);
    }

   private:
    void forget_recent() { recent_ = {map_.end(), map_.end()}; }

    Map map_;
    msmi::FlatStringMap<std::string_view, iterator> index_;
    std::array<iterator, 2> recent_ = {map_.end(), map_.end()};  // end(): none
    std::size_t next_recent_ = 0;
  };

  Parents resolve_parents(std::string_view path) const;
  bool is_dir(std::string_view path) const { return path.empty() || dir_index_.count(path) != 0; }
  // dir_index_ again from dirs_, after any change of folders (rare: make_dirs, a removal, a
  // rename of a folder).
  void reindex_dirs();
  bool is_file(std::string_view path) const { return files_.contains(path); }
  bool has_children(const std::string& dir) const;
  // Ok if a file may be made at `path`: a plain path, not a folder, below folders only.
  msmi::Status writable(const std::string& path, const char* what);
  msmi::Status rename_dir(const std::string& from, const std::string& to);

  std::uint64_t last_version_ = 0;
  Files files_;                              // full path → file; sorted, so listing is ordered
  std::set<std::string, std::less<>> dirs_;  // full paths of folders; the root "" is implicit
  // Views of dirs_, for the path checks.
  std::unordered_set<std::string_view, msmi::StringHash> dir_index_;
  // Folders writable() found to lie below folders only, until folders change: the P1 and MAI
  // files of every message are made in the same few. Looked up only, never iterated.
  std::unordered_set<std::string, msmi::StringHash, std::equal_to<>> parents_checked_;
  HeldLocks locks_;  // files locked for update
};

}  // namespace msmisim
