// A recorded run made ready to run again, from what the event store holds and nothing else:
// the scenario text (never the file at the recorded path, which may have changed since), the
// seed, the profile, the effective defect set and the command-line overrides (runs.options).
// Used by `msmisim replay`, and by anything else that re-runs a stored run.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "msmi/status.h"
#include "msmilog/event_store.h"
#include "msmisim/run_overrides.h"
#include "msmisim/runner.h"
#include "msmisim/scenario.h"

namespace msmisim {

struct StoredRun {
  std::int64_t run_id = 0;
  msmilog::RunRecord record;  // the `runs` row as recorded
  RunOverrides overrides;     // parsed from record.options
  // Parsed from record.scenario_text, with the overrides applied and the defects pinned to the
  // recorded effective set (so a profile redefined since still replays the same build).
  Scenario scenario;
  RunOptions options;  // the recorded seed and profile; in memory, no sink
  // What a person replaying the run should be told, one sentence each: the scenario file
  // changed since the run was recorded, another msmisim version recorded it, the profile's
  // defects are no longer the recorded ones.
  std::vector<std::string> notes;
};

// Loads run `run_id` of `store` into *out. Errors: NotFound (no such run), the store's own
// errors as they are, InvalidArgument (naming the run) for a run that cannot be re-run: no
// scenario text (an imported log), a text that no longer loads, options or a profile or
// defect this msmisim does not know.
// REQUIRES: out != nullptr.
msmi::Status load_stored_run(const msmilog::EventStore& store, std::int64_t run_id, StoredRun* out);

}  // namespace msmisim
