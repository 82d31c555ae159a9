#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cassert>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "msmireport/html_report.h"

namespace msmireport {

namespace {

// Writes all of `contents` to `fd`; false with errno set on failure.
bool write_all(int fd, const std::string& contents) {
  std::size_t done = 0;
  while (done < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

msmi::Status write_file_atomically(const std::string& path, const std::string& contents) {
  assert(!path.empty());
  // A device or a pipe (-o /dev/null, -o /dev/stdout, a FIFO) is written in place: renaming a
  // file over it would replace the device node itself.
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return msmi::Status::IoError(path + ": cannot open: " + std::strerror(errno));
    if (!write_all(fd, contents)) {
      const std::string error = std::strerror(errno);
      ::close(fd);
      return msmi::Status::IoError(path + ": cannot write: " + error);
    }
    if (::close(fd) != 0) {
      return msmi::Status::IoError(path + ": cannot write: " + std::strerror(errno));
    }
    return msmi::Status::Ok();
  }
  const std::string tmp = path + ".tmp";
  const auto failed = [&](const char* what) {
    const std::string message = path + ": cannot " + what + " " + tmp + ": " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return msmi::Status::IoError(message);
  };
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return msmi::Status::IoError(path + ": cannot create " + tmp + ": " + std::strerror(errno));
  if (!write_all(fd, contents)) {
    ::close(fd);
    return failed("write");
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    return failed("sync");
  }
  if (::close(fd) != 0) return failed("close");
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return failed("rename");
  return msmi::Status::Ok();
}

}  // namespace msmireport
