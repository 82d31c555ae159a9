// What msmisim run's two modes share: one scenario file (cli_run.cpp) and a folder or several
// files for CI (cli_run_many.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cli_options.h"
#include "msmilog/event_store.h"
#include "msmisim/scenario.h"

namespace msmisim::cli {

// One run as the command line asked for it.
struct RunSpec {
  std::string path;  // the scenario file, as given or as found in a folder
  std::uint64_t seed = 0;
  std::string profile;
  std::vector<std::string> defect_args;  // --defect overrides as given
  std::vector<std::string> fault_args;   // --fault rules as given
  bool record = true;
  std::string db_path;
  std::string postoffice;         // --postoffice, or ""
  bool postoffice_fsync = false;  // --postoffice-fsync
};

// "msmisim run PATH --seed N --profile P [--defect …] [--fault …] [--db …] [--postoffice …
// [--postoffice-fsync]]":
// the command that runs it again exactly.
std::string replay_command(const RunSpec& spec);

// The `runs` row of the run `spec` describes, started now. REQUIRES: spec.profile is known.
msmilog::RunRecord make_run_record(const RunSpec& spec, const Scenario& scenario,
                                   const std::string& replay);

// msmisim run with a folder, several files, --junit or --markdown: every scenario under every
// profile its expectations name, one line per run, a tally, and the reports. `vm` is the parsed
// command line of `run`; `paths` its SCENARIO arguments. Returns the exit code (cli.h).
// Defined in cli_run_many.cpp.
int run_many(const po::variables_map& vm, const std::vector<std::string>& paths);

}  // namespace msmisim::cli
