// The runs recorded in the event store (msmisim runs) as a table, CSV or JSON.
#pragma once

#include <ostream>
#include <vector>

#include "msmilog/store_rows.h"
#include "msmireport/format.h"

namespace msmireport {

// Writes `runs` to `out`, in their order:
//   table  RUN, SCENARIO (as wide as the longest), PROFILE, SEED, VERDICT ("(unfinished)" while
//          a run has none), EVENTS, STARTED; the header line even when there are no runs, and
//          then "(no runs recorded)" on `notes`;
//   csv    run_id,scenario,profile,seed,defects,verdict,event_count,started_at,command;
//   json   an indented array of objects with every column of the `runs` table that a script
//          needs, the full command line included.
void render_runs(const std::vector<msmilog::RunSummary>& runs, Format format, std::ostream& out,
                 std::ostream& notes);

}  // namespace msmireport
