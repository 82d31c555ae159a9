// The HTML report of a sweep (msmisim report --sweep): one self-contained page saying what the
// sweep ran, how each seed ended (a chart of one cell per run), what broke in how many runs
// (each expectation or invariant once, with the runs that broke it and a replay command), and
// which fault rules fired in how many runs.
//
// Rendering is a pure function of the SweepSummary: the same sweep gives the same bytes.
#pragma once

#include <ostream>
#include <string>

#include "msmireport/sweep_summary.h"

namespace msmireport {

// `db_path` is named under the title. Charts: "seed-verdicts" (one cell per run),
// "failures" (one bar per thing broken) and "rule-coverage" (one bar per fault rule), each an
// <svg class="chart"> with data-series and data-points, like the run report's.
void render_html_sweep_report(const SweepSummary& summary, const std::string& db_path,
                              std::ostream& out);

}  // namespace msmireport
