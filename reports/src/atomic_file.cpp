#include <fcntl.h>
#include <unistd.h>

#include <cassert>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "msmireport/html_report.h"

namespace msmireport {

msmi::Status write_file_atomically(const std::string& path, const std::string& contents) {
  assert(!path.empty());
  const std::string tmp = path + ".tmp";
  const auto failed = [&](const char* what) {
    const std::string message = path + ": cannot " + what + " " + tmp + ": " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return msmi::Status::IoError(message);
  };
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return msmi::Status::IoError(path + ": cannot create " + tmp + ": " + std::strerror(errno));
  std::size_t done = 0;
  while (done < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      return failed("write");
    }
    done += static_cast<std::size_t>(n);
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
