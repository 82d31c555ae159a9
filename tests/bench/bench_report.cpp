// Benchmark: the HTML report of a big run. Prints figures; asserts nothing (targets are read by
// people, not by CTest).
//   build/tests/bench_report [hours] [store]
// 1. Records a busy hardened connector (10 messages/s, faults armed, minimum logging: a day
//    is some 430,000 events) for `hours` (default 24) of virtual time with
//    `msmisim run`, into `store` (default: a temporary file, removed after; a store that
//    already holds run 1 is reused).
// 2. Times `msmisim report --run 1` on it (median of 3, process start included), and prints the
//    report's size, its peak memory and the run's event count.
// 3. The same for `msmisim report --compare 1 1` (two runs on one time axis).
// Target (issue 8): the report of a 24-hour busy run renders in ≤ 2 s and stays small enough to
// attach to a ticket.
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "bench_child.h"
#include "busy_scenario.h"

namespace {

long file_size(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 ? static_cast<long>(st.st_size) : -1;
}

// Times a report command, prints its figures; false when it failed.
bool time_report(const char* what, const std::vector<std::string>& argv, const std::string& out) {
  const bench::Median m = bench::median_of(argv, 3, 0, "/dev/null", 30.0);
  const bench::ChildRun once = bench::run_child(argv);
  if (m.seconds < 0 || once.exit_code != 0) {
    std::printf("%s: FAILED (exit %d)\n", what, once.exit_code);
    return false;
  }
  const long size = file_size(out);
  std::printf("%s\n  %.3f s wall (median of %d, CPU %.3f s), %.1f KB, peak RSS %.1f MB\n", what,
              m.seconds, m.runs, m.cpu_seconds, static_cast<double>(size) / 1024.0,
              static_cast<double>(once.peak_rss_kb) / 1024.0);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const int hours = argc > 1 ? std::max(1, std::atoi(argv[1])) : 24;
  namespace fs = std::filesystem;
  const fs::path dir =
      fs::temp_directory_path() / ("msmisim-bench-report-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const bool own_store = argc <= 2;
  const std::string store = own_store ? (dir / "report.db").string() : argv[2];
  const std::string scenario = (dir / "busy-hardened.json").string();
  std::ofstream(scenario) << bench::busy_scenario(hours, "minimum");

  if (own_store || file_size(store) <= 0) {
    std::printf("recording %d h of the busy hardened connector into %s …\n", hours, store.c_str());
    std::fflush(stdout);
    const bench::ChildRun r =
        bench::run_child({MSMISIM_BINARY, "run", scenario, "--db", store, "--quiet"});
    if (r.exit_code < 0 || r.exit_code > 5) {
      std::printf("msmisim run failed (exit %d)\n", r.exit_code);
      return 4;
    }
    std::printf("  recorded in %.1f s\n", r.seconds);
  }
  const std::string count_file = (dir / "count.txt").string();
  bench::run_child({MSMISIM_BINARY, "query", "--db", store, "--run", "1", "--count"}, count_file);
  std::string count;
  std::getline(std::ifstream(count_file), count);
  std::printf("run 1: %s events\n", count.c_str());

  const std::string html = (dir / "report.html").string();
  bool ok = time_report(
      "msmisim report --run 1 (target: ≤ 2 s)",
      {MSMISIM_BINARY, "report", "--run", "1", "--db", store, "--force", "-o", html}, html);
  const std::string compare = (dir / "compare.html").string();
  ok = time_report("msmisim report --compare 1 1",
                   {MSMISIM_BINARY, "report", "--compare", "1", "1", "--db", store, "--force", "-o",
                    compare},
                   compare) &&
       ok;
  std::error_code ec;
  if (own_store) {
    fs::remove_all(dir, ec);
  } else {
    fs::remove(scenario, ec);
  }
  return ok ? 0 : 1;
}
