// The terminal side of msmisim query: how wide the terminal is, and a pager like journalctl's.
#pragma once

#include <cstddef>

namespace msmisim::cli {

// The width of the terminal standard output is, in columns: $COLUMNS when it is a positive
// number, else the TIOCGWINSZ window size. 0 when standard output is not a terminal (a pipe or a
// file gets whole lines) or the size is unknown.
std::size_t terminal_width();

// Sends everything written to standard output from now on through a pager, when standard output
// is a terminal: $MSMISIM_PAGER, else $PAGER, else "less", run by /bin/sh -c; an empty value or
// "cat" means no pager. `less` gets LESS=FRSX unless $LESS is set (quit if one screen, raw
// colours, chop long lines, keep the screen). SIGPIPE is ignored from then on, so quitting the
// pager early ends the listing with a failed std::cout instead of killing the process.
// Construct once; the destructor flushes std::cout, closes the pipe and waits for the pager.
// Not thread-safe; not copyable.
class Pager {
 public:
  Pager();
  ~Pager();
  Pager(const Pager&) = delete;
  Pager& operator=(const Pager&) = delete;

  bool active() const { return pid_ > 0; }

 private:
  int pid_ = -1;
};

}  // namespace msmisim::cli
