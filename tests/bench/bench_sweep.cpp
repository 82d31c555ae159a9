// Benchmark: seeds per second of `msmisim sweep` over 200 seeds of Q151791 with -j 1 and -j 2,
// and the ratio (target: at least 1.8 on two otherwise idle cores). Runs the binary as a user
// does, once recording into a scratch store and once with --no-db: every run's events go
// through one SQLite writer, so the recorded ratio is bounded by the share of the time spent
// recording, and the --no-db ratio shows what the simulation alone gains. Prints figures and
// asserts nothing.
//   build/tests/bench_sweep [seeds]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <sys/wait.h>

int main(int argc, char** argv) {
  const int seeds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 200;
  const auto scratch = std::filesystem::temp_directory_path() / "msmisim-bench-sweep";
  std::filesystem::remove_all(scratch);
  std::filesystem::create_directories(scratch);
  const std::string scenario = std::string(MSMISIM_SOURCE_DIR) + "/scenarios/kb/Q151791.json";
  std::printf("msmisim sweep Q151791 --seeds 1..%d (exchange-5.0, 1 h of virtual time each)\n",
              seeds);
  for (const bool record : {true, false}) {
    double rate[3] = {0, 0, 0};
    for (int jobs = 1; jobs <= 2; ++jobs) {
      const std::string db = (scratch / ("j" + std::to_string(jobs) + ".db")).string();
      const std::string command =
          std::string("'") + MSMISIM_BINARY + "' sweep '" + scenario + "' --seeds 1.." +
          std::to_string(seeds) + " -j " + std::to_string(jobs) +
          (record ? " --db '" + db + "'" : std::string(" --no-db")) + " >/dev/null 2>&1";
      const auto start = std::chrono::steady_clock::now();
      const int rc = std::system(command.c_str());
      const double s =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      // Exit 1 (some seed failed its expectations) is a finding, not a failed benchmark.
      if (!WIFEXITED(rc) || (WEXITSTATUS(rc) != 0 && WEXITSTATUS(rc) != 1)) {
        std::fprintf(stderr, "sweep -j %d failed (status %d): %s\n", jobs, rc, command.c_str());
        return 1;
      }
      rate[jobs] = seeds / s;
      std::printf("  %-9s -j %d: %7.2f s  %7.1f seeds/s\n", record ? "recorded" : "--no-db", jobs,
                  s, rate[jobs]);
    }
    std::printf("  %-9s -j 2 / -j 1: %.2fx (target >= 1.8x)\n", record ? "recorded" : "--no-db",
                rate[2] / rate[1]);
  }
  std::filesystem::remove_all(scratch);
  return 0;
}
