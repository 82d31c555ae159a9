// Shrinking a failing run: finds a smaller scenario that fails the same way.
//
// The failure is a run's *signature*: the names of its broken expectations and invariants. A
// candidate scenario is kept only when it loads and, run with the same seed, profile and defects,
// fails with exactly that signature (a new failure, or one gone, rejects it). The reduction is
// Zeller and Hildebrandt's delta debugging (ddmin) over the scenario document's lists -- fault
// rules, scripted messages, traffic entries, operator steps, expectation entries and blocks --
// then halving the duration, thinning traffic (longer `every`, fewer senders and recipients,
// smaller burst counts) and dropping optional top-level members, round after round until a round
// changes nothing. Every choice depends only on the input, so the same input gives the same
// output after the same number of candidates.
//
// No command-line concerns here: msmisim shrink (simulator/cli/cli_shrink.cpp) reads the run
// from the event store and writes the result.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "msmi/defects.h"
#include "msmi/status.h"
#include "msmisim/run_result.h"

namespace msmisim {

// What a failing run broke. Equal signatures are "the same failure".
struct FailureSignature {
  std::set<std::string> expectations;  // ExpectationResult::what of each failed expectation
  std::set<std::string> invariants;    // InvariantResult::name of each broken invariant

  bool empty() const { return expectations.empty() && invariants.empty(); }
  bool operator==(const FailureSignature&) const = default;
  // "invariant 'no message delivered twice'; expectation 'event 2342 count ≥ 10'"
  std::string describe() const;
};

FailureSignature failure_signature(const RunResult& result);

// ddmin: reduces the set {0, …, n-1} to a 1-minimal subset for which `fails` holds (removing
// any single element of it makes `fails` false). `fails` is called with ascending indices, never
// with the full set or the empty one; it is assumed, not checked, to hold for the full set.
// Deterministic: the calls depend only on n and the answers. n == 0 gives {}.
std::vector<std::size_t> ddmin(std::size_t n,
                               const std::function<bool(const std::vector<std::size_t>&)>& fails);

// The sizes shrink reports before and after.
struct ScenarioSize {
  std::size_t bytes = 0;  // of the pretty-printed JSON document
  std::size_t faults = 0;
  std::size_t messages = 0;
  std::size_t traffic = 0;
  std::size_t operator_steps = 0;
  std::int64_t duration_us = 0;  // as the scenario loads it
};

struct ShrinkInput {
  std::string scenario_text;  // the JSON document of the failing run
  std::string scenario_path;  // named in errors and used for the scenario's default name
  std::uint64_t seed = 0;
  std::string profile;      // must name a known profile
  msmi::DefectSet defects;  // the run's effective defect set
  // Rules the run armed besides the scenario's (msmisim run --fault), in the rule grammar; they
  // join the document's "faults" as {"rule": …} and are shrunk with the others.
  std::vector<std::string> extra_fault_rules;
};

struct ShrinkProgress {
  int step = 0;           // which reduction (1, 2, …) is running
  std::string what;       // "faults", "duration", …
  int candidates = 0;     // candidate scenarios run so far
  std::size_t bytes = 0;  // of the smallest failing document so far
};

struct ShrinkOptions {
  // Called after every candidate and at the start of every step, if set.
  std::function<void(const ShrinkProgress&)> progress;
  int max_rounds = 4;  // rounds of all the reductions; shrink stops earlier at a fixpoint
};

struct ShrinkResult {
  std::string scenario_text;  // the reduced scenario, pretty JSON, ending in a newline
  FailureSignature signature;
  ScenarioSize before;  // of the input document made explicit (seed, profile, defects)
  ScenarioSize after;
  int candidates = 0;  // scenarios run, the first (the signature) included
  int steps = 0;
};

// Shrinks input's scenario. InvalidArgument when the scenario does not load (the loader's
// message), the profile is unknown, or the run passes: there is nothing to shrink (the message
// says so). The reduced document names the seed, the profile and the defects that differ from
// the profile's, so `msmisim run` on it alone reproduces the failure.
msmi::Status shrink_scenario(const ShrinkInput& input, const ShrinkOptions& options,
                             ShrinkResult* result);

// Sizes of a scenario document; an unloadable one has only `bytes`.
ScenarioSize measure_scenario(const std::string& text, const std::string& path);

// "45m", "90s", "1500ms": the shortest way the scenario format writes `us`.
std::string format_duration(std::int64_t us);

}  // namespace msmisim
