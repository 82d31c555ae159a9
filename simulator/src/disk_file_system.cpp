#include "msmisim/disk_file_system.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <system_error>

namespace msmisim {
namespace fs = std::filesystem;
using msmi::Status;

namespace {
Status io_error(const std::string& path, const std::string& what) {
  return Status::IoError(path + ": " + what);
}
}  // namespace

namespace {
std::atomic<std::uint64_t> syncs_issued_total{0};
std::atomic<std::uint64_t> files_removed_total{0};

// The largest file whose bytes an open file keeps (OpenFile::bytes).
constexpr std::uint64_t kCachedAtMost = 16 * 1024;

// Removed files kept for reuse at most (past it a removal unlinks).
constexpr std::size_t kSpareLimit = 4096;

// Descriptors kept open at most, of files in use and of spares each: up to 1,024, and a quarter
// of what the process may open. Past it the files' are all closed and opened again as needed;
// a spare past it is opened again when it is taken.
std::size_t descriptor_limit() {
  struct rlimit limit {};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 64;
  return static_cast<std::size_t>(std::clamp<rlim_t>(limit.rlim_cur / 4, 16, 1024));
}

bool write_all(int fd, std::string_view data, std::uint64_t offset) {
  while (!data.empty()) {
    const ssize_t n = ::pwrite(fd, data.data(), data.size(), static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
    offset += static_cast<std::uint64_t>(n);
  }
  return true;
}

// The read-only way in, for what open_file cannot open read-write: the errors a reader expects.
Status open_for_reading(const fs::path& full, const std::string& path, int* fd) {
  *fd = ::open(full.c_str(), O_RDONLY | O_CLOEXEC);
  if (*fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return Status::NotFound(path + ": no such file");
    return io_error(path, std::strerror(errno));
  }
  struct stat info {};
  if (::fstat(*fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(*fd);
    *fd = -1;
    return S_ISDIR(info.st_mode) ? Status::NotFound(path + ": is a folder, not a file")
                                 : io_error(path, "not a regular file");
  }
  return Status::Ok();
}
}  // namespace

DiskFileSystem::DiskFileSystem(std::filesystem::path root, Sync sync, std::size_t descriptors)
    : root_(std::move(root)),
      sync_(sync),
      open_limit_(descriptors != 0 ? descriptors : descriptor_limit()),
      spare_descriptors_(open_limit_) {}

DiskFileSystem::~DiskFileSystem() {
  for (const auto& [path, file] : open_) ::close(file.fd);
  for (const OpenFile& spare : spares_) {
    if (spare.fd >= 0) ::close(spare.fd);
  }
  // A file still in use keeps its own name; a spare had only this one.
  for (int slot = 0; slot < slots_; ++slot) ::unlink(full(slot_path(slot)).c_str());
  if (spare_folder_made_) ::rmdir(full(kSpareFolder).c_str());
}

std::string DiskFileSystem::slot_path(int slot) {
  return std::string(kSpareFolder) + "/" + std::to_string(slot);
}

DiskFileSystem::OpenFile* DiskFileSystem::open_file(const std::string& path, bool create,
                                                    const std::uint64_t* spare_for) {
  if (const auto it = open_.find(path); it != open_.end()) return &it->second;
  OpenFile file;
  if (!(create && spare_for != nullptr && take_spare(path, *spare_for, &file))) {
    file.fd = ::open(full(path).c_str(), O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0), 0644);
    if (file.fd < 0) return nullptr;
    struct stat info {};
    if (::fstat(file.fd, &info) != 0 || !S_ISREG(info.st_mode)) {
      ::close(file.fd);
      errno = EISDIR;
      return nullptr;
    }
    file.size = static_cast<std::uint64_t>(info.st_size);
  }
  if (open_.size() >= open_limit_) {
    for (const auto& [open_path, open_file] : open_) drop(open_file);
    open_.clear();
  }
  return &open_.emplace(path, std::move(file)).first->second;
}

bool DiskFileSystem::take_spare(const std::string& path, std::uint64_t size, OpenFile* file) {
  if (spares_off_ || spares_.empty()) return false;
  // P1 and MAI files differ in size: of the last few spares, the largest that fits.
  constexpr std::size_t kLooked = 8;
  std::size_t pick = spares_.size() - 1;
  for (std::size_t i = pick; i-- > (spares_.size() > kLooked ? spares_.size() - kLooked : 0);) {
    const std::uint64_t have = spares_[i].size;
    if (have <= size && (spares_[pick].size > size || have > spares_[pick].size)) pick = i;
  }
  if (pick != spares_.size() - 1) std::swap(spares_[pick], spares_.back());
  OpenFile& spare = spares_.back();
  if (spare.fd < 0) {
    spare.fd = ::open(full(slot_path(spare.slot)).c_str(), O_RDWR | O_CLOEXEC);
    if (spare.fd < 0) return false;  // nothing made: the open that follows reports why
  }
  // Never over a file that exists (EEXIST): that one is opened as it is. A folder missing on
  // the way (ENOENT, ENOTDIR) is reported by the open that follows. Any other refusal means
  // this file system makes no hard links: spares end.
  if (::link(full(slot_path(spare.slot)).c_str(), full(path).c_str()) != 0) {
    if (errno != EEXIST && errno != ENOENT && errno != ENOTDIR) end_spares();
    return false;
  }
  *file = std::move(spare);
  spares_.pop_back();
  return true;
}

void DiskFileSystem::end_spares() {
  spares_off_ = true;
  for (const OpenFile& spare : spares_) {
    if (spare.fd >= 0) ::close(spare.fd);
    ::unlink(full(slot_path(spare.slot)).c_str());
  }
  spares_.clear();
}

void DiskFileSystem::drop(const OpenFile& file) {
  ::close(file.fd);
  if (file.slot < 0) return;
  // The file keeps its own name; its slot is given to the next spare.
  ::unlink(full(slot_path(file.slot)).c_str());
  free_slots_.push_back(file.slot);
}

bool DiskFileSystem::keep_as_spare(const std::string& path) {
  const auto it = open_.find(path);
  if (it == open_.end() || spares_off_) return false;
  int slot = it->second.slot;
  if (slot >= 0) {
    // A spare in use: its slot still names it.
    if (::unlink(full(path).c_str()) != 0) return false;
  } else {
    const bool new_slot = free_slots_.empty();
    if (new_slot && slots_ >= static_cast<int>(kSpareLimit)) return false;
    if (!spare_folder_made_) {
      if (::mkdir(full(kSpareFolder).c_str(), 0755) != 0 && errno != EEXIST) return false;
      spare_folder_made_ = true;
    }
    slot = new_slot ? slots_ : free_slots_.back();
    if (::rename(full(path).c_str(), full(slot_path(slot)).c_str()) != 0) return false;
    if (new_slot) {
      ++slots_;
    } else {
      free_slots_.pop_back();
    }
  }
  OpenFile file = std::move(it->second);
  file.slot = slot;
  open_.erase(it);
  known_.erase(path);   // a file: nothing below it to forget
  file.cached = false;  // its buffer is kept for the file it becomes next
  if (spares_.size() >= spare_descriptors_) {
    ::close(file.fd);
    file.fd = -1;
  }
  spares_.push_back(std::move(file));
  return true;
}

void DiskFileSystem::close_file(const std::string& path) {
  const auto it = open_.find(path);
  if (it == open_.end()) return;
  drop(it->second);
  open_.erase(it);
}

void DiskFileSystem::forget(const std::string& path) {
  close_file(path);
  known_.erase(path);
  // A folder: everything below it goes too (rare: only folders are renamed or removed whole).
  const std::string prefix = path + "/";
  std::erase_if(open_, [&](const auto& entry) {
    if (!entry.first.starts_with(prefix)) return false;
    drop(entry.second);
    return true;
  });
  std::erase_if(known_, [&](const auto& entry) { return entry.first.starts_with(prefix); });
}

void DiskFileSystem::changed(const std::string& path, bool appended) {
  Known& known = known_[path];
  known.version = ++last_version_;
  if (!appended || known.base_version == 0) known.base_version = known.version;
}

namespace {
// Bytes `from` to `size` of the file into *contents, after its first `from` bytes: the folder
// belongs to one DiskFileSystem, so a file holds the bytes it was left with.
Status read_range(int fd, const std::string& path, std::size_t from, std::size_t size,
                  std::string* contents) {
  contents->resize(std::max(size, from));
  std::size_t done = from;
  while (done < size) {
    const ssize_t n = ::pread(fd, contents->data() + done, size - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_error(path, std::string("read failed: ") + std::strerror(errno));
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  contents->resize(done);
  return Status::Ok();
}
}  // namespace

Status DiskFileSystem::read_open(const OpenFile& file, const std::string& path, std::size_t from,
                                 std::string* contents) {
  if (!file.cached) {
    return read_range(file.fd, path, from, static_cast<std::size_t>(file.size), contents);
  }
  contents->resize(from);
  if (from < file.bytes.size()) contents->append(file.bytes, from);
  return Status::Ok();
}

Status DiskFileSystem::read_file(const std::string& path, std::string* contents) {
  if (const OpenFile* file = open_file(path, false)) return read_open(*file, path, 0, contents);
  // Not openable read-write (missing, a folder, read-only): the read-only way says why.
  int fd = -1;
  Status s = open_for_reading(full(path), path, &fd);
  if (!s.ok()) return s;
  struct stat info {};
  s = ::fstat(fd, &info) == 0
          ? read_range(fd, path, 0, static_cast<std::size_t>(info.st_size), contents)
          : io_error(path, std::strerror(errno));
  ::close(fd);
  return s;
}

std::uint64_t DiskFileSystem::version_of(const std::string& path) {
  const auto it = known_.find(path);
  return it == known_.end() ? 0 : it->second.version;
}

Status DiskFileSystem::read_file_if_changed(const std::string& path, std::uint64_t* version,
                                            std::string* contents, bool* changed_out) {
  const auto it = *version != 0 ? known_.find(path) : known_.end();
  if (it != known_.end() && it->second.version == *version) {
    *changed_out = false;
    return Status::Ok();
  }
  *changed_out = true;
  return read_known(path, version, contents);
}

Status DiskFileSystem::read_known(const std::string& path, std::uint64_t* version,
                                  std::string* contents) {
  *version = 0;
  Status s = read_file(path, contents);
  if (!s.ok()) return s;
  if (known_[path].version == 0) changed(path, false);  // first seen: this reading is its version
  *version = known_[path].version;
  return s;
}

Status DiskFileSystem::refresh_file(const std::string& path, std::uint64_t* version,
                                    std::string* contents, Refresh* how) {
  const auto it = *version != 0 ? known_.find(path) : known_.end();
  if (it != known_.end()) {
    const Known& known = it->second;
    if (known.version == *version) {
      *how = Refresh::kUnchanged;
      return Status::Ok();
    }
    if (known.base_version <= *version && *version < known.version) {
      const OpenFile* file = open_file(path, false);
      if (file != nullptr && read_open(*file, path, contents->size(), contents).ok()) {
        *version = known.version;
        *how = Refresh::kAppended;
        return Status::Ok();
      }
    }
  }
  *how = Refresh::kReplaced;
  return read_known(path, version, contents);
}

Status DiskFileSystem::write_file(const std::string& path, std::string_view contents) {
  const std::uint64_t size = contents.size();
  OpenFile* file = open_file(path, true, &size);
  if (file == nullptr) return io_error(path, "cannot be opened for writing");
  // Over the old bytes, then cut to size: the file keeps its place on the disk. A write that
  // fails part-way leaves the file empty, as opening it with O_TRUNC did, never the new bytes
  // in front of the old file's tail.
  bool written = write_all(file->fd, contents, 0);
  if (written && file->size > contents.size())
    written = ::ftruncate(file->fd, static_cast<off_t>(contents.size())) == 0;
  changed(path, false);
  if (written) {
    file->size = contents.size();
    file->cached = contents.size() <= kCachedAtMost;
    if (file->cached) file->bytes.assign(contents);
    return Status::Ok();
  }
  file->cached = false;
  if (::ftruncate(file->fd, 0) == 0) {
    file->size = 0;
  } else {
    close_file(path);  // its size is unknown: opened afresh next time
  }
  return io_error(path, "write failed (disk full?)");
}

Status DiskFileSystem::write_file_at(const std::string& path, std::uint64_t offset,
                                     std::string_view data) {
  OpenFile* file = open_file(path, false);
  if (file == nullptr) {
    if (errno == ENOENT || errno == ENOTDIR || errno == EISDIR)
      return Status::NotFound(path + ": no such file");
    return io_error(path, std::strerror(errno));
  }
  if (offset > file->size) {
    return Status::InvalidArgument(path + ": offset " + std::to_string(offset) +
                                   " lies past the end");
  }
  const bool written = write_all(file->fd, data, offset);
  changed(path, false);
  if (!written) {
    close_file(path);
    return io_error(path, "write failed (disk full?)");
  }
  file->size = std::max<std::uint64_t>(file->size, offset + data.size());
  if (file->cached) {
    file->cached = file->size <= kCachedAtMost;
    if (file->bytes.size() < file->size) file->bytes.resize(static_cast<std::size_t>(file->size));
    file->bytes.replace(static_cast<std::size_t>(offset), data.size(), data);
  }
  return Status::Ok();
}

Status DiskFileSystem::append_file(const std::string& path, std::string_view data) {
  OpenFile* file = open_file(path, true);
  if (file == nullptr) return io_error(path, "cannot be opened for appending");
  const bool written = write_all(file->fd, data, file->size);
  changed(path, true);
  if (!written) {
    close_file(path);
    return io_error(path, "write failed (disk full?)");
  }
  file->size += data.size();
  file->cached = file->cached && file->size <= kCachedAtMost;
  if (file->cached) file->bytes.append(data);
  return Status::Ok();
}

std::uint64_t DiskFileSystem::syncs_issued() {
  return syncs_issued_total.load(std::memory_order_relaxed);
}

std::uint64_t DiskFileSystem::files_removed() {
  return files_removed_total.load(std::memory_order_relaxed);
}

Status DiskFileSystem::sync_file(const std::string& path) {
  int fd = -1;
  bool owned = false;
  if (const auto it = open_.find(path); it != open_.end()) {
    fd = it->second.fd;
  } else {
    Status s = open_for_reading(full(path), path, &fd);
    if (!s.ok()) return s;
    owned = true;
  }
  syncs_issued_total.fetch_add(1, std::memory_order_relaxed);
  int rc = 0;
  if (sync_ == Sync::kFsync) {
    rc = ::fsync(fd);
    while (rc != 0 && errno == EINTR) rc = ::fsync(fd);
  }
  const int fsync_errno = errno;
  if (owned) ::close(fd);
  if (rc != 0) return io_error(path, std::string("fsync failed: ") + std::strerror(fsync_errno));
  return Status::Ok();
}

Status DiskFileSystem::remove_file(const std::string& path) {
  if (!keep_as_spare(path)) {
    forget(path);
    std::error_code ec;
    if (!fs::remove(full(path), ec)) {
      return ec ? io_error(path, ec.message()) : Status::NotFound(path + ": no such file");
    }
  }
  files_removed_total.fetch_add(1, std::memory_order_relaxed);
  return Status::Ok();
}

Status DiskFileSystem::rename_file(const std::string& from, const std::string& to) {
  forget(from);
  forget(to);
  std::error_code ec;
  fs::rename(full(from), full(to), ec);
  if (ec) return io_error(from, "cannot be renamed to " + to + ": " + ec.message());
  return Status::Ok();
}

Status DiskFileSystem::list_dir(const std::string& dir, std::vector<std::string>* names) {
  names->clear();
  std::error_code ec;
  fs::directory_iterator it(full(dir), ec);
  if (ec) return Status::NotFound(dir + ": no such folder");
  for (const fs::directory_entry& entry : it) {
    if (entry.is_regular_file(ec)) names->push_back(entry.path().filename().string());
  }
  // Directory order is the file system's; the engine must see the same order on every run.
  std::sort(names->begin(), names->end());
  return Status::Ok();
}

Status DiskFileSystem::make_dirs(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(full(dir), ec);
  if (ec) return io_error(dir, ec.message());
  return Status::Ok();
}

bool DiskFileSystem::exists(const std::string& path) {
  if (open_.contains(path)) return true;
  std::error_code ec;
  return fs::exists(full(path), ec);
}

Status DiskFileSystem::lock_file(const std::string& path) {
  if (!locks_.take(path)) return Status::Busy(path + ": already locked for update");
  return Status::Ok();
}

Status LockingFileSystem::lock_file(const std::string& path) {
  if (is_locked(path)) return Status::Busy(path + ": locked by another process");
  return FileSystemWrapper::lock_file(path);
}

Status LockingFileSystem::read_file(const std::string& path, std::string* contents) {
  if (is_locked(path)) return Status::Busy(path + ": locked by another process");
  return FileSystemWrapper::read_file(path, contents);
}
Status LockingFileSystem::read_file_if_changed(const std::string& path, std::uint64_t* version,
                                               std::string* contents, bool* changed) {
  if (is_locked(path)) {
    *version = 0;
    return Status::Busy(path + ": locked by another process");
  }
  return target().read_file_if_changed(path, version, contents, changed);
}
Status LockingFileSystem::refresh_file(const std::string& path, std::uint64_t* version,
                                       std::string* contents, Refresh* how) {
  if (is_locked(path)) {
    *version = 0;
    return Status::Busy(path + ": locked by another process");
  }
  return target().refresh_file(path, version, contents, how);
}
Status LockingFileSystem::write_file_at(const std::string& path, std::uint64_t offset,
                                        std::string_view data) {
  if (is_locked(path)) return Status::Busy(path + ": locked by another process");
  return target().write_file_at(path, offset, data);
}
Status LockingFileSystem::write_file(const std::string& path, std::string_view contents) {
  if (is_locked(path)) return Status::Busy(path + ": locked by another process");
  return FileSystemWrapper::write_file(path, contents);
}
Status LockingFileSystem::append_file(const std::string& path, std::string_view data) {
  if (is_locked(path)) return Status::Busy(path + ": locked by another process");
  return FileSystemWrapper::append_file(path, data);
}
Status LockingFileSystem::remove_file(const std::string& path) {
  if (is_locked(path)) return Status::Busy(path + ": locked by another process");
  return FileSystemWrapper::remove_file(path);
}
Status LockingFileSystem::rename_file(const std::string& from, const std::string& to) {
  if (is_locked(from) || is_locked(to)) return Status::Busy(from + ": locked by another process");
  return FileSystemWrapper::rename_file(from, to);
}

}  // namespace msmisim
