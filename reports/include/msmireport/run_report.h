// What msmisim run prints about a run: a header before it starts, a summary and a verdict after.
//
// Everything is rendered from the scenario, the RunResult and what the caller says about the
// run; nothing here reads a clock or the event store, so the same run renders the same text
// (the wall time in the verdict line is the caller's figure).
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

#include "msmisim/run_result.h"
#include "msmisim/scenario.h"

namespace msmireport {

// How a run was asked for, beyond its scenario.
struct RunHeader {
  std::string scenario_path;  // as given on the command line
  std::uint64_t seed = 0;
  std::string profile;
  std::string replay;  // the command that replays the run exactly
};

// How a run ended, beyond its RunResult.
struct RunOutcome {
  std::string verdict;  // "pass", "fail", "no-expectations" or "interrupted", as the store keeps it
  double wall_s = 0.0;  // wall-clock seconds the run took
  std::optional<std::int64_t> run_id;  // set when the run was recorded …
  std::string db_path;                 // … in this event store
};

// "msmisim VERSION: PATH (KB Qnnnnnn)", the scenario's description unless `quiet`, the seed,
// profile and virtual duration, and the replay command.
void render_run_header(const msmisim::Scenario& scenario, const RunHeader& header, bool quiet,
                       std::ostream& out);

// The summary of a finished run, each part after a blank line: events by ID (type, count, the
// first description), the ledger's fates and the scripted messages, the threads at the end, the
// queues over time (a dozen points), the service and backlog at the end, the invariants ("all N
// held", or each broken one), and each expectation as PASS or FAIL — or a line saying the
// scenario has none for the profile.
void render_run_summary(const msmisim::Scenario& scenario, const msmisim::RunResult& result,
                        std::ostream& out);

// One line per fault rule that never fired (a rule that cannot fire tests nothing), then one per
// warning of the run (result.warnings: an expectation that cannot fail, …).
void render_fault_warnings(const msmisim::RunResult& result, std::ostream& out);

// One "  BROKEN invariant name: detail" line per broken invariant and one "  FAIL what: actual"
// line per failed expectation, nothing when all held (--quiet).
void render_failed_expectations(const msmisim::RunResult& result, std::ostream& out);

// The closing lines after a blank one: "PASS: n/m expectations held", "FAIL: …" (followed by
// the replay command again) or "DONE: no expectations …", with the event count, the wall time
// and where the run was recorded; for an interrupted run, "INTERRUPTED at <virtual time>".
void render_run_verdict(const RunHeader& header, const msmisim::RunResult& result,
                        const RunOutcome& outcome, std::ostream& out);

}  // namespace msmireport
