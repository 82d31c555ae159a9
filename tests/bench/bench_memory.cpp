// Benchmark: peak memory of a run against the number of messages (issue 9, target 2: peak RSS at
// 1M messages ≤ 1.2× that at 100k). Prints figures; asserts nothing.
//   build/tests/bench_memory [small_hours] [large_hours]      (default 3 and 28)
// The busy hardened connector (busy_scenario.h, 10 messages/s) runs for small_hours (~108k
// messages) and large_hours (~1M messages), each in a child process whose peak resident set
// (wait4's ru_maxrss) is the figure:
//   library, kept:     run_scenario() with the default RunOptions (every event and every ledger
//                      row kept in the RunResult, as tests and sweeps use it)
//   library, streamed: RunOptions::keep_events off and RunOptions::ledger_sink set, every event
//                      and every ledger row handed to a sink that counts it (as `msmisim run`
//                      records a run)
//   CLI --no-db:       msmisim run FILE --no-db --quiet
//   CLI with a store:  msmisim run FILE --db STORE --quiet
// Measured with `build/tests/bench_memory 3 28` (RelWithDebInfo, 2 shared cores), MB of peak RSS
// at 3 h (107,919 messages, 46,741 events) / 28 h (1,008,167 messages, 506,209 events), and
// their ratio:
//                      events kept         events streamed      rows settled as they go
//   library, kept      219 / 2,109  9.6×   219 / 2,109  9.6×    201 / 1,942  9.7× (by design)
//   library, streamed  219 / 2,109  9.6×   162 / 1,510  9.3×    6.7 / 8.0    1.19×
//   CLI --no-db        224 / 2,114  9.4×   167 / 1,514  9.1×    11.2 / 12.4  1.11×
//   CLI with a store   280 / 2,252  8.0×   221 / 1,652  7.5×    109 / 141    1.30×
//   the same, a recording connection mapping none of the file:       108 / 125    1.16×
// (the same figures as /usr/bin/time -v msmisim run FILE --no-db gives). A message's row is
// handed on, and its records dropped, as soon as nothing can change its fate (runner.h,
// RunOptions::ledger_sink); a settled message leaves half a byte (SettledMessages). What still
// grows with the run, by heaptrack at 28 h: the thread and queue samples, one set a minute
// (1.1 MB), and the settled messages' half bytes (0.5 MB). With a store the run's own part is
// the same; what the store adds is its page cache (64 MB). Its memory-mapped reads (up to
// 256 MB, counted in the resident set as the file grew) are now left to readers.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "bench_child.h"
#include "busy_scenario.h"
#include "msmisim/runner.h"
#include "msmisim/scenario_loader.h"

namespace {

// Counts what it is given and keeps nothing: the cheapest sink a streaming caller can have.
class CountingSink final : public msmi::EventSink {
 public:
  void write(const msmi::Event&) override { ++count_; }
  std::int64_t count() const { return count_; }

 private:
  std::int64_t count_ = 0;
};

// Counts the ledger's rows it is handed and keeps none.
class CountingLedgerSink final : public msmisim::LedgerSink {
 public:
  void write(const msmisim::LedgerEntry&) override { ++count_; }
  std::int64_t count() const { return count_; }

 private:
  std::int64_t count_ = 0;
};

// The child: one run in this process, its counts on standard output.
int child(int hours, const std::string& mode) {
  msmisim::Scenario scenario;
  msmisim::LoadError error;
  if (!msmisim::parse_scenario(bench::busy_scenario(hours, "minimum"), "busy-hardened.json",
                               &scenario, &error)) {
    std::fprintf(stderr, "%s\n", error.to_string().c_str());
    return 2;
  }
  msmisim::RunOptions options;
  options.seed = msmisim::default_seed(scenario);
  options.profile = scenario.profile;
  CountingSink sink;
  CountingLedgerSink ledger;
  if (mode == "streamed") {
    options.extra_sink = &sink;
    options.keep_events = false;
    options.ledger_sink = &ledger;
  }
  msmisim::RunResult result;
  const msmi::Status s = msmisim::run_scenario(scenario, options, &result);
  if (!s.ok()) {
    std::fprintf(stderr, "run failed: %s\n", s.to_string().c_str());
    return 4;
  }
  std::printf(
      "%lld %lld\n",
      static_cast<long long>(mode == "streamed" ? ledger.count()
                                                : static_cast<std::int64_t>(result.ledger.size())),
      static_cast<long long>(mode == "streamed" ? sink.count()
                                                : static_cast<std::int64_t>(result.events.size())));
  return 0;
}

struct Figure {
  long peak_kb = 0;
  double cpu_s = 0;
  std::string counts;  // "messages events" from a library child, "" from the CLI
};

Figure measure(const std::vector<std::string>& argv, const std::string& scratch) {
  const bench::ChildRun r = bench::run_child(argv, scratch);
  Figure f;
  if (r.exit_code != 0 && r.exit_code != 5) {  // 5: the scenario has no expectations
    std::fprintf(stderr, "  %s exited %d\n", argv[0].c_str(), r.exit_code);
    return f;
  }
  f.peak_kb = r.peak_rss_kb;
  f.cpu_s = r.cpu_seconds;
  if (argv[1] == "--child") {
    std::ifstream in(scratch);
    std::getline(in, f.counts);
  }
  return f;
}

void print(const char* what, const Figure& small, const Figure& large) {
  const double ratio = small.peak_kb > 0
                           ? static_cast<double>(large.peak_kb) / static_cast<double>(small.peak_kb)
                           : 0.0;
  std::printf("  %-20s %8.1f MB %8.1f MB   %5.2f×  %s   (cpu %.1f s / %.1f s)\n", what,
              static_cast<double>(small.peak_kb) / 1024.0,
              static_cast<double>(large.peak_kb) / 1024.0, ratio,
              ratio > 0 && ratio <= 1.2 ? "meets 1.2×" : "above 1.2×", small.cpu_s, large.cpu_s);
  if (!small.counts.empty()) {
    std::printf("  %-20s messages and events: %s / %s\n", "", small.counts.c_str(),
                large.counts.c_str());
  }
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "--child") return child(std::atoi(argv[2]), argv[3]);
  const int small_hours = argc > 1 ? std::max(1, std::atoi(argv[1])) : 3;
  const int large_hours = argc > 2 ? std::max(1, std::atoi(argv[2])) : 28;

  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("msmisim-bench-memory-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string scratch = (dir / "out.txt").string();
  const std::string self = std::filesystem::canonical("/proc/self/exe").string();
  std::printf("Peak RSS of the busy hardened run, %d h (~%d k messages) / %d h (~%d k messages):\n",
              small_hours, small_hours * 36, large_hours, large_hours * 36);

  for (const char* mode : {"kept", "streamed"}) {
    const Figure small = measure({self, "--child", std::to_string(small_hours), mode}, scratch);
    const Figure large = measure({self, "--child", std::to_string(large_hours), mode}, scratch);
    print((std::string("library, ") + mode).c_str(), small, large);
  }

  // MSMISIM_BINARY in the environment names another msmisim to measure (an older build).
  const char* env_binary = std::getenv("MSMISIM_BINARY");
  const std::string binary = env_binary != nullptr ? env_binary : MSMISIM_BINARY;
  std::vector<std::string> files;
  for (int hours : {small_hours, large_hours}) {
    const std::string file = (dir / ("busy-" + std::to_string(hours) + "h.json")).string();
    std::ofstream(file) << bench::busy_scenario(hours, "minimum");
    files.push_back(file);
  }
  {
    const Figure small = measure({binary, "run", files[0], "--no-db", "--quiet"}, scratch);
    const Figure large = measure({binary, "run", files[1], "--no-db", "--quiet"}, scratch);
    print("CLI --no-db", small, large);
  }
  {
    Figure f[2];
    for (int i = 0; i < 2; ++i) {
      const std::string store = (dir / ("store-" + std::to_string(i) + ".db")).string();
      f[i] = measure({binary, "run", files[i], "--db", store, "--quiet"}, scratch);
    }
    print("CLI with a store", f[0], f[1]);
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return 0;
}
