// What the CLI benchmarks share: running a child process as a user does (no shell), timing it
// with the process start included, and reading its peak resident set from wait4's rusage.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace bench {

struct ChildRun {
  int exit_code = -1;      // -1: did not exit normally (killed, or could not be started)
  double seconds = 0;      // wall time from fork to reaped
  double cpu_seconds = 0;  // user + system time of the child: steadier than wall time on a
                           // machine shared with other work
  long peak_rss_kb = 0;    // ru_maxrss of the child alone
};

// Runs argv[0] (looked up in PATH) with argv, standard input from /dev/null, standard output
// to `out_path` ("/dev/null" discards it) and standard error to `err_path`.
inline ChildRun run_child(const std::vector<std::string>& argv,
                          const std::string& out_path = "/dev/null",
                          const std::string& err_path = "/dev/null") {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  ChildRun result;
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid < 0) return result;
  if (pid == 0) {
    const int in = open("/dev/null", O_RDONLY);
    const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0 || err < 0) _exit(127);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    execvp(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  if (wait4(pid, &status, 0, &usage) != pid) return result;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.peak_rss_kb = usage.ru_maxrss;
  result.cpu_seconds = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                       static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  return result;
}

struct Median {
  double seconds = -1;      // wall; negative when some run did not exit with an accepted code
  double cpu_seconds = -1;  // user + system
  int runs = 0;             // timed runs behind the medians
};

// The medians of `runs` timed runs of argv after one untimed warm-up run (which leaves the
// store in the page cache, as it is for an engineer asking a second question). Exit codes up
// to `max_exit` count as success (diagnose exits 1 when a KB matched). A command whose warm-up
// took longer than `slow_s` is timed once more only: its figure is seconds, not milliseconds,
// and repeating it would not change the verdict.
inline Median median_of(const std::vector<std::string>& argv, int runs, int max_exit = 0,
                        const std::string& err_path = "/dev/null", double slow_s = 1.0) {
  const auto accepted = [&](const ChildRun& r) {
    return r.exit_code >= 0 && r.exit_code <= max_exit;
  };
  const ChildRun warm_up = run_child(argv, "/dev/null", err_path);
  if (!accepted(warm_up)) return {};
  if (warm_up.seconds > slow_s) runs = 1;
  std::vector<double> wall, cpu;
  for (int i = 0; i < runs; ++i) {
    const ChildRun r = run_child(argv, "/dev/null", err_path);
    if (!accepted(r)) return {};
    wall.push_back(r.seconds);
    cpu.push_back(r.cpu_seconds);
  }
  std::sort(wall.begin(), wall.end());
  std::sort(cpu.begin(), cpu.end());
  return {wall[wall.size() / 2], cpu[cpu.size() / 2], runs};
}

// The whole standard output of argv, or "" when it fails.
inline std::string output_of(const std::vector<std::string>& argv, const std::string& scratch) {
  if (run_child(argv, scratch).exit_code != 0) return "";
  std::string text;
  if (std::FILE* f = std::fopen(scratch.c_str(), "rb")) {
    char buffer[4096];
    std::size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) text.append(buffer, n);
    std::fclose(f);
  }
  return text;
}

}  // namespace bench
