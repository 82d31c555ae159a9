// The HTML comparison report: two runs side by side in one self-contained page — a legacy and
// a fixed build of the same scenario, or a simulated run beside an imported customer log.
//
// The page shows both headers side by side, the event-ID counts that differ (the heart of the
// page), each run's KB diagnosis, the thread activity, backlog and events-over-time charts with
// both runs on one time axis (run A as run 0, solid; run B as run 1, dashed, its strips under
// A's), the expectations, ledger tallies and invariants of each, and the commands that render
// each run's full report. It holds no event table.
//
// The time axis: a simulated run's virtual time; an imported log's own clock shifted so that
// its first event is at 0 (the page says so). The axis covers the longer of the two runs.
//
// Rendering is a pure function of the two RunReportData values (the same bytes every time) and
// every text from the store is HTML-escaped, as for the run report (html_report.h).
//
// Typical use (msmisim report --compare A B):
//   RunReportData a, b;
//   Status s = load_run_report_data(store, run_a, options, &a);
//   if (s.ok()) s = load_run_report_data(store, run_b, options, &b);
//   std::ostringstream page;
//   render_html_compare_report(a, b, page);
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "msmireport/run_report_data.h"

namespace msmireport {

// One event ID's count in run A and in run B.
struct EventIdCountDifference {
  int event_id = 0;
  std::string type;         // of its first event in A, else in B
  std::string source;       // likewise
  std::string description;  // the first event's description (A's, else B's)
  std::int64_t count_a = 0;
  std::int64_t count_b = 0;
  std::int64_t difference() const { return count_b - count_a; }
};

// The event IDs whose counts differ between a and b, the largest absolute difference first
// (ties by ascending ID). IDs only one run has are included (a count of 0 in the other).
// When `equal` is not null it receives the IDs both runs have the same number of, ascending.
std::vector<EventIdCountDifference> event_id_count_differences(
    const RunReportData& a, const RunReportData& b,
    std::vector<EventIdCountDifference>* equal = nullptr);

struct CompareReportOptions {
  // --max-events of the per-run report commands the page prints (2000: not printed).
  std::int64_t max_events = 2000;
};

// Writes the whole comparison page of run `a` (A) and run `b` (B). a and b may be the same run.
void render_html_compare_report(const RunReportData& a, const RunReportData& b, std::ostream& out,
                                const CompareReportOptions& options = {});

}  // namespace msmireport
