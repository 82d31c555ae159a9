// What a sweep amounts to, read back from the event store for `msmisim report --sweep`: its
// runs and verdicts, the failures grouped by what broke (the same expectation or invariant
// broken by many seeds is one finding), and which fault rules fired in how many runs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "msmi/status.h"
#include "msmilog/event_store.h"

namespace msmireport {

struct SweepRunRow {
  std::int64_t run_id = 0;
  std::string scenario;
  std::uint64_t seed = 0;
  std::string profile;
  std::string verdict;  // "pass", "fail", "no-expectations", "interrupted"; "" if never closed
  std::int64_t event_count = 0;
  std::string command;  // replays the run
};

// One expectation (by its text) or invariant (by its name) and the runs that broke it.
struct SweepFailureGroup {
  std::string kind;  // "expectation" or "invariant"
  std::string scenario;
  std::string what;                   // the expectation's text, or the invariant's name
  std::string first_detail;           // the first breaking run's evidence or detail
  std::vector<std::int64_t> run_ids;  // ascending
};

// One fault rule of a scenario (by its text) over the sweep's runs.
struct FaultRuleCoverage {
  std::string scenario;
  std::string rule;
  std::int64_t armed_runs = 0;  // runs that armed it (a swarm arms a subset per seed)
  std::int64_t fired_runs = 0;  // … of which it fired at least once
  std::int64_t matches = 0;     // over all runs
  std::int64_t fired = 0;
};

struct SweepSummary {
  std::vector<msmilog::SweepRecord> sweeps;  // the sweeps asked for, ascending id
  std::vector<SweepRunRow> runs;             // ascending run id
  std::int64_t planned = 0;                  // what the sweeps set out to do
  std::int64_t passed = 0;
  std::int64_t failed = 0;
  std::int64_t no_expectations = 0;
  std::int64_t interrupted = 0;  // runs stopped early, plus planned runs that never ran
  // Most runs first, then by scenario, kind and text.
  std::vector<SweepFailureGroup> failures;
  // By scenario (first-seen order), then by the rule's first position in a run.
  std::vector<FaultRuleCoverage> coverage;
};

// Reads sweeps `sweep_ids` (shards merged from several stores are several sweeps; one report
// covers them together) and their runs into *out. NotFound naming the sweep when one is
// missing; the store's errors as they are. REQUIRES: out != nullptr, sweep_ids not empty.
msmi::Status load_sweep_summary(const msmilog::EventStore& store,
                                const std::vector<std::int64_t>& sweep_ids, SweepSummary* out);

}  // namespace msmireport
