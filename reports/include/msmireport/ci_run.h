// What `msmisim run DIR…` says about each run for a CI job: one line per run as it finishes,
// a tally at the end, and the plain record of a run the JUnit and Markdown reports are made
// from (junit_report.h, markdown_report.h).
//
// A CiRun is plain data: the renderers read nothing else (no clock, no store, no scenario), so
// they can be tested with made-up runs, and the same runs always render the same text.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "msmisim/run_result.h"
#include "msmisim/scenario.h"

namespace msmireport {

struct CiCheck {
  bool passed = false;
  std::string what;      // "event 2342 count ≥ 100", or an invariant's name
  std::string evidence;  // what the run showed: "57", or what broke the invariant
};

struct CiEventCount {
  int id = 0;
  std::int64_t count = 0;
};

struct CiLedger {
  std::int64_t delivered = 0;
  std::int64_t ndr = 0;
  std::int64_t quarantined = 0;
  std::int64_t pending = 0;
  std::int64_t lost = 0;
};

// How one run (a scenario under one profile) ended.
enum class CiVerdict {
  kPass,            // every expectation and invariant held
  kFail,            // an expectation failed or an invariant broke
  kNoExpectations,  // the invariants held, but nothing was expected of this profile
  kInterrupted,     // stopped by a signal before the run's end
  kError,           // the scenario could not be loaded or run: `error` says why
};

struct CiRun {
  std::string scenario_path;  // as found: "scenarios/kb/Q151791.json"
  std::string scenario_name;  // its "name", or "" (when it did not load)
  std::string kb;             // "Q151791", or ""
  std::string profile;        // "" when the scenario did not load
  std::uint64_t seed = 0;
  CiVerdict verdict = CiVerdict::kPass;
  std::string error;  // kError: the loader's message, naming the file and the field
  std::vector<CiCheck> expectations;
  std::vector<CiCheck> invariants;
  std::vector<CiEventCount> event_counts;  // the IDs the scenario's expectations name, ascending
  CiLedger ledger;
  std::int64_t events = 0;
  std::int64_t virtual_duration_us = 0;  // how far the run got
  std::string replay;                    // the command that runs it again, or ""
  double wall_s = 0.0;                   // wall-clock seconds the run took
  std::optional<std::int64_t> run_id;    // when recorded in the store
};

// The CiRun of a finished run. The event counts are those of every event ID the scenario's
// expectations name (in any block of "expect", events and sequences alike).
CiRun ci_run_of(const msmisim::Scenario& scenario, const msmisim::RunResult& result,
                const std::string& scenario_path, const std::string& replay, double wall_s,
                std::optional<std::int64_t> run_id);

// The CiRun of a scenario that could not be loaded or run.
CiRun ci_error_of(const std::string& scenario_path, const std::string& error);

// "pass", "fail", "no-expectations", "interrupted", "error".
std::string to_string(CiVerdict verdict);

// Expectations that held, of all.
int expectations_held(const CiRun& run);

struct CiTally {
  std::int64_t runs = 0;  // runs done, each scenario that failed to load counting as one
  std::int64_t passed = 0;
  std::int64_t failed = 0;  // kFail and kError
  std::int64_t errors = 0;  // kError alone
  std::int64_t no_expectations = 0;
  std::int64_t interrupted = 0;
  std::int64_t planned = 0;  // runs set out to do (more than `runs` when stopped early)
  double wall_s = 0.0;       // the whole command's wall time
  std::string db_path;       // where the runs were recorded, or ""
};

CiTally ci_tally(const std::vector<CiRun>& runs, std::int64_t planned, double wall_s,
                 const std::string& db_path);

// What the tally amounts to, as the last line and the exit code say it: a failure outranks an
// interruption, which outranks "nothing tested" (every run done had no expectations).
enum class CiOutcome { kPass, kFail, kInterrupted, kNothingTested };
CiOutcome ci_outcome(const CiTally& tally);

// One run as it finishes, columns separated by at least two spaces:
//   "PASS   scenarios/kb/Q151791.json  exchange-5.0  12/12  6174 events  0.04 s  (run 17)"
//   "FAIL   PATH  PROFILE  11/12  N events  0.04 s  (run 18)", then one indented line per unmet
//           expectation ("  FAIL what: evidence") and broken invariant ("  BROKEN invariant
//           name: detail"), then "  replay: COMMAND"
//   "SKIP   PATH  PROFILE  no expectations  N events  0.04 s" (invariants held, nothing tested)
//   "STOP   PATH  PROFILE  interrupted at 2h 3m  N events  0.04 s"
//   "ERROR  PATH: the loader's message"
// `columns` pads the path and the profile so that the lines of one command line up.
struct CiColumns {
  std::size_t path = 0;
  std::size_t profile = 0;
};
void render_ci_run_line(const CiRun& run, std::ostream& out, const CiColumns& columns = {});

// The last line: "RUN PASS: 92 runs, 92 passed in 4.1 s", "RUN FAIL: 2 of 92 runs failed
// (89 passed, 1 failed to load, 1 with no expectations) in 4.1 s", "RUN TESTED NOTHING: …" or
// "RUN INTERRUPTED: 12 of 92 runs done, …"; then "; recorded in DB" when recorded.
void render_ci_tally(const CiTally& tally, std::ostream& out);

// The tally's one-line headline without the store ("RUN FAIL: 2 of 92 runs failed"), for the
// Markdown heading.
std::string ci_headline(const CiTally& tally);

}  // namespace msmireport
