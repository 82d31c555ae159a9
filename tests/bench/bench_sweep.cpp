// Benchmark: seeds per second of `msmisim sweep` over 200 seeds of Q151791 with -j 1 and -j 2,
// and the ratio (target: at least 1.8 on two free cores). Runs the binary as a user does,
// recording into a scratch store; prints figures and asserts nothing.
//   build/tests/bench_sweep [seeds]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

int main(int argc, char** argv) {
  const int seeds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 200;
  const auto scratch = std::filesystem::temp_directory_path() / "msmisim-bench-sweep";
  std::filesystem::remove_all(scratch);
  std::filesystem::create_directories(scratch);
  const std::string scenario = std::string(MSMISIM_SOURCE_DIR) + "/scenarios/kb/Q151791.json";
  std::printf("msmisim sweep Q151791 --seeds 1..%d (exchange-5.0, 1 h of virtual time each)\n",
              seeds);
  double rate[3] = {0, 0, 0};
  for (int jobs = 1; jobs <= 2; ++jobs) {
    const std::string db = (scratch / ("j" + std::to_string(jobs) + ".db")).string();
    const std::string command = std::string("'") + MSMISIM_BINARY + "' sweep '" + scenario +
                                "' --seeds 1.." + std::to_string(seeds) + " -j " +
                                std::to_string(jobs) + " --db '" + db + "' >/dev/null 2>&1";
    const auto start = std::chrono::steady_clock::now();
    const int rc = std::system(command.c_str());
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (rc != 0) {
      std::fprintf(stderr, "sweep -j %d failed (status %d): %s\n", jobs, rc, command.c_str());
      return 1;
    }
    rate[jobs] = seeds / s;
    std::printf("  -j %d: %6.2f s  %7.1f seeds/s\n", jobs, s, rate[jobs]);
  }
  std::printf("  -j 2 / -j 1: %.2fx (target >= 1.8x)\n", rate[2] / rate[1]);
  std::filesystem::remove_all(scratch);
  return 0;
}
