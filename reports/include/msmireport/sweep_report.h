// What msmisim sweep prints: a progress line while it runs (on stderr), then the failing runs and
// a tally (on stdout). The stdout part depends only on the runs, never on how many ran at once
// or how fast, so two sweeps of the same seeds print the same text.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace msmireport {

// One failing (scenario, seed) of a sweep.
struct SweepFailure {
  std::string scenario;  // as given on the command line
  std::uint64_t seed = 0;
  std::optional<std::int64_t> run_id;  // when recorded
  std::string broken;  // render_failed_expectations()'s lines ("  BROKEN …", "  FAIL …")
  std::string replay;  // the command that runs it again
};

struct SweepTally {
  std::int64_t runs = 0;
  std::int64_t passed = 0;
  std::int64_t failed = 0;
  std::int64_t no_expectations = 0;  // held their invariants; nothing else was expected
  std::int64_t interrupted = 0;
  std::int64_t planned = 0;  // runs the sweep set out to do (more than `runs` when interrupted)
  bool swarm = false;        // swarm variants carry no expectations: the invariants are the test
  std::string db_path;       // where they were recorded, or "" when not
};

// What a sweep's tally amounts to, as its last line and its exit code say it.
enum class SweepOutcome { kPass, kFail, kInterrupted, kNothingTested };
SweepOutcome sweep_outcome(const SweepTally& t);

struct SweepProgress {
  std::int64_t done = 0;
  std::int64_t total = 0;
  std::int64_t failed = 0;
  double elapsed_s = 0.0;
};

// "[#######.......]  120/200 runs  2 failed  15.3 runs/s  ETA 0:05", for a terminal.
std::string progress_bar(const SweepProgress& progress);
// "sweep: 120/200 runs (60%), 2 failed, 15.3 runs/s", one plain line for a log.
std::string progress_line(const SweepProgress& progress);

// "FAILED scenario seed N (run R)", its broken lines, and "  replay: …", sorted by scenario then
// seed; nothing when there are no failures.
void render_sweep_failures(std::vector<SweepFailure> failures, std::ostream& out);

// "SWEEP PASS: 200 runs, 200 passed …" or "SWEEP FAIL: 3 of 200 runs failed …".
void render_sweep_tally(const SweepTally& tally, std::ostream& out);

}  // namespace msmireport
