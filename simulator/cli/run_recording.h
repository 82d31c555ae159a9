// Recording a finished run in the event store: the `runs` row with its replay command, the
// events, then everything record_result() (cli_record.h) writes, as msmisim run records it. Used
// by sweep, which records each run after it has finished (its events are in the RunResult).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "msmi/status.h"
#include "msmilog/event_store.h"
#include "msmilog/store_rows.h"
#include "msmisim/run_result.h"
#include "msmisim/scenario.h"

namespace msmisim::cli {

// Records a whole run, in one transaction (all of it or nothing): `record` becomes its `runs` row;
// everything the RunResult holds follows. `rows`, when given, are the run's events already made
// rows (msmilog::event_row, on the thread that ran it), written instead of result.events and
// taken from.
// On success *run_id is the new run's id. REQUIRES: run_id != nullptr.
msmi::Status record_finished_run(msmilog::EventStore& store, const msmilog::RunRecord& record,
                                 const Scenario& scenario, const RunResult& result,
                                 std::int64_t* run_id,
                                 std::vector<msmilog::EventRow>* rows = nullptr);

}  // namespace msmisim::cli
