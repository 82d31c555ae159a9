#include "msmisim/disk_file_system.h"

#include <fcntl.h>
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
// Descriptors kept open at most; past it they are all closed and opened again as needed.
constexpr std::size_t kOpenLimit = 256;

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

DiskFileSystem::~DiskFileSystem() {
  for (const auto& [path, fd] : open_) ::close(fd);
}

int DiskFileSystem::open_file(const std::string& path, bool create) {
  const auto it = open_.find(path);
  if (it != open_.end()) return it->second;
  const int fd = ::open(full(path).c_str(), O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0), 0644);
  if (fd < 0) return -1;
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    errno = EISDIR;
    return -1;
  }
  if (open_.size() >= kOpenLimit) {
    for (const auto& [open_path, open_fd] : open_) ::close(open_fd);
    open_.clear();
  }
  open_.emplace(path, fd);
  return fd;
}

void DiskFileSystem::close_file(const std::string& path) {
  const auto it = open_.find(path);
  if (it == open_.end()) return;
  ::close(it->second);
  open_.erase(it);
}

void DiskFileSystem::forget(const std::string& path) {
  close_file(path);
  known_.erase(path);
  // A folder: everything below it goes too (rare: only folders are renamed or removed whole).
  const std::string prefix = path + "/";
  std::erase_if(open_, [&](const auto& entry) {
    if (!entry.first.starts_with(prefix)) return false;
    ::close(entry.second);
    return true;
  });
  std::erase_if(known_, [&](const auto& entry) { return entry.first.starts_with(prefix); });
}

void DiskFileSystem::changed(const std::string& path, bool appended) {
  Known& known = known_[path];
  known.version = ++last_version_;
  if (!appended || known.base_version == 0) known.base_version = known.version;
}

Status DiskFileSystem::read_fd(int fd, const std::string& path, std::size_t from,
                               std::string* contents) {
  struct stat info {};
  if (::fstat(fd, &info) != 0) return io_error(path, std::strerror(errno));
  const std::size_t size = static_cast<std::size_t>(info.st_size);
  contents->resize(std::max(size, from));
  std::size_t done = from;
  while (true) {
    if (done == contents->size()) contents->resize(done + 4096);  // the file grew meanwhile
    const ssize_t n =
        ::pread(fd, contents->data() + done, contents->size() - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_error(path, std::string("read failed: ") + std::strerror(errno));
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  contents->resize(done);
  return Status::Ok();
}

Status DiskFileSystem::read_file(const std::string& path, std::string* contents) {
  int fd = open_file(path, false);
  if (fd >= 0) return read_fd(fd, path, 0, contents);
  // Not openable read-write (missing, a folder, read-only): the read-only way says why.
  Status s = open_for_reading(full(path), path, &fd);
  if (!s.ok()) return s;
  s = read_fd(fd, path, 0, contents);
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
      const int fd = open_file(path, false);
      if (fd >= 0 && read_fd(fd, path, contents->size(), contents).ok()) {
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
  const int fd = open_file(path, true);
  if (fd < 0) return io_error(path, "cannot be opened for writing");
  // Over the old bytes, then cut to size: the file keeps its place on the disk. A write that
  // fails part-way leaves the file empty, as opening it with O_TRUNC did, never the new bytes
  // in front of the old file's tail.
  const bool written =
      write_all(fd, contents, 0) && ::ftruncate(fd, static_cast<off_t>(contents.size())) == 0;
  if (!written) (void)::ftruncate(fd, 0);
  changed(path, false);
  if (!written) return io_error(path, "write failed (disk full?)");
  return Status::Ok();
}

Status DiskFileSystem::write_file_at(const std::string& path, std::uint64_t offset,
                                     std::string_view data) {
  const int fd = open_file(path, false);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR || errno == EISDIR)
      return Status::NotFound(path + ": no such file");
    return io_error(path, std::strerror(errno));
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0) return io_error(path, std::strerror(errno));
  if (offset > static_cast<std::uint64_t>(info.st_size)) {
    return Status::InvalidArgument(path + ": offset " + std::to_string(offset) +
                                   " lies past the end");
  }
  const bool written = write_all(fd, data, offset);
  changed(path, false);
  if (!written) return io_error(path, "write failed (disk full?)");
  return Status::Ok();
}

Status DiskFileSystem::append_file(const std::string& path, std::string_view data) {
  const int fd = open_file(path, true);
  if (fd < 0) return io_error(path, "cannot be opened for appending");
  struct stat info {};
  const bool written =
      ::fstat(fd, &info) == 0 && write_all(fd, data, static_cast<std::uint64_t>(info.st_size));
  changed(path, true);
  if (!written) return io_error(path, "write failed (disk full?)");
  return Status::Ok();
}

namespace {
std::atomic<std::uint64_t> syncs_issued_total{0};
}  // namespace

std::uint64_t DiskFileSystem::syncs_issued() {
  return syncs_issued_total.load(std::memory_order_relaxed);
}

Status DiskFileSystem::sync_file(const std::string& path) {
  int fd = -1;
  bool owned = false;
  if (const auto it = open_.find(path); it != open_.end()) {
    fd = it->second;
  } else {
    Status s = open_for_reading(full(path), path, &fd);
    if (!s.ok()) return s;
    owned = true;
  }
  syncs_issued_total.fetch_add(1, std::memory_order_relaxed);
  int rc = ::fsync(fd);
  while (rc != 0 && errno == EINTR) rc = ::fsync(fd);
  const int fsync_errno = errno;
  if (owned) ::close(fd);
  if (rc != 0) return io_error(path, std::string("fsync failed: ") + std::strerror(fsync_errno));
  return Status::Ok();
}

Status DiskFileSystem::remove_file(const std::string& path) {
  forget(path);
  std::error_code ec;
  if (!fs::remove(full(path), ec)) {
    return ec ? io_error(path, ec.message()) : Status::NotFound(path + ": no such file");
  }
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
