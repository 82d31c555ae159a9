#include "cli_pager.h"

#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>

namespace msmisim::cli {

std::size_t terminal_width() {
  if (!isatty(STDOUT_FILENO)) return 0;
  if (const char* columns = std::getenv("COLUMNS")) {
    char* end = nullptr;
    const long value = std::strtol(columns, &end, 10);
    if (end != columns && *end == '\0' && value > 0) return static_cast<std::size_t>(value);
  }
  winsize size{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 0;
}

Pager::Pager() {
  if (!isatty(STDOUT_FILENO)) return;
  std::string command = "less";
  if (const char* own = std::getenv("MSMISIM_PAGER")) {
    command = own;
  } else if (const char* pager = std::getenv("PAGER")) {
    command = pager;
  }
  if (command.empty() || command == "cat") return;
  int fds[2];
  if (pipe(fds) != 0) return;  // no pager is better than no listing
  std::cout.flush();
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return;
  }
  if (pid == 0) {
    dup2(fds[0], STDIN_FILENO);
    close(fds[0]);
    close(fds[1]);
    setenv("LESS", "FRSX", 0);
    execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  std::signal(SIGPIPE, SIG_IGN);
  dup2(fds[1], STDOUT_FILENO);
  close(fds[0]);
  close(fds[1]);
  pid_ = pid;
}

Pager::~Pager() {
  if (pid_ <= 0) return;
  std::cout.flush();
  close(STDOUT_FILENO);  // the pager sees the end of its input
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace msmisim::cli
