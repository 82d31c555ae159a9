#include "msmisim/disk_file_system.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>

namespace msmisim {
namespace fs = std::filesystem;
using msmi::Status;

namespace {
Status io_error(const std::string& path, const std::string& what) {
  return Status::IoError(path + ": " + what);
}
}  // namespace

Status DiskFileSystem::read_file(const std::string& path, std::string* contents) {
  const int fd = ::open(full(path).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return Status::NotFound(path + ": no such file");
    return io_error(path, std::strerror(errno));
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    return S_ISDIR(info.st_mode) ? Status::NotFound(path + ": is a folder, not a file")
                                 : io_error(path, "not a regular file");
  }
  contents->resize(static_cast<std::size_t>(info.st_size));
  std::size_t done = 0;
  while (true) {
    if (done == contents->size()) contents->resize(done + 4096);  // the file grew meanwhile
    const ssize_t n = ::read(fd, contents->data() + done, contents->size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return io_error(path, std::string("read failed: ") + std::strerror(errno));
    }
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  contents->resize(done);
  ::close(fd);
  return Status::Ok();
}

Status DiskFileSystem::write_file(const std::string& path, std::string_view contents) {
  std::ofstream out(full(path), std::ios::binary | std::ios::trunc);
  if (!out) return io_error(path, "cannot be opened for writing");
  out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  if (!out.flush()) return io_error(path, "write failed (disk full?)");
  return Status::Ok();
}

Status DiskFileSystem::append_file(const std::string& path, std::string_view data) {
  std::ofstream out(full(path), std::ios::binary | std::ios::app);
  if (!out) return io_error(path, "cannot be opened for appending");
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  if (!out.flush()) return io_error(path, "write failed (disk full?)");
  return Status::Ok();
}

Status DiskFileSystem::sync_file(const std::string& path) {
  const int fd = ::open(full(path).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return Status::NotFound(path + ": no such file");
    return io_error(path, std::strerror(errno));
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    return S_ISDIR(info.st_mode) ? Status::NotFound(path + ": is a folder, not a file")
                                 : io_error(path, "not a regular file");
  }
  int rc = ::fsync(fd);
  while (rc != 0 && errno == EINTR) rc = ::fsync(fd);
  const int fsync_errno = errno;
  ::close(fd);
  if (rc != 0) return io_error(path, std::string("fsync failed: ") + std::strerror(fsync_errno));
  return Status::Ok();
}

Status DiskFileSystem::remove_file(const std::string& path) {
  std::error_code ec;
  if (!fs::remove(full(path), ec)) {
    return ec ? io_error(path, ec.message()) : Status::NotFound(path + ": no such file");
  }
  return Status::Ok();
}

Status DiskFileSystem::rename_file(const std::string& from, const std::string& to) {
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
  if (!locks_.insert(path).second) return Status::Busy(path + ": already locked for update");
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
