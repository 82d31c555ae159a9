// The HTML run report: one self-contained page (inline CSS, inline SVG charts, a few lines of
// optional script to filter the event table) about one simulated run or one imported log.
//
// Rendering is a pure function of RunReportData: the same data gives the same bytes (no clock,
// no locale, no host name). Every text from the store is HTML-escaped, since descriptions may
// come from a customer's log.
//
// Typical use (msmisim report, and msmisim run --report FILE):
//   RunReportData data;
//   Status s = load_run_report_data(store, run_id, options, &data);
//   std::ostringstream page;
//   render_html_run_report(data, page);
//   s = write_file_atomically(path, page.str());
#pragma once

#include <ostream>
#include <string>

#include "msmi/status.h"
#include "msmireport/run_report_data.h"
#include "msmireport/svg_chart.h"

namespace msmireport {

// Writes the whole page: header (scenario, KB, profile, seed, verdict, replay command, versions,
// computer), thread activity, backlog, events over time (lifecycle rows as markers on the three
// charts), expectations, diagnosis, invariants, fault rules, ledger, imported files, first
// occurrence of each event ID and the event table. Sections with nothing to show say so in a
// line (an import has no samples, no expectations).
void render_html_run_report(const RunReportData& data, std::ostream& out);

// The charts of the report, built from the data, for a page of one run or (with `run` = 1 and
// the series appended to run 0's chart) a comparison of two runs on one time axis.
// Chart ids are "thread-activity", "backlog" and "events-over-time".
TimeAxis report_time_axis(const RunReportData& data);
std::vector<ChartMarker> lifecycle_markers(const RunReportData& data, int run = 0);
LineChart thread_activity_chart(const RunReportData& data, int run = 0);
LineChart backlog_chart(const RunReportData& data, int run = 0);
StripChart events_over_time_chart(const RunReportData& data, int run = 0);

// Writes `contents` to `path` so that `path` is either untouched or complete: to "path.tmp"
// first (fsynced), then renamed over `path`. IoError naming the file on failure (the .tmp file
// is removed). A `path` that is a device or a pipe (/dev/null, a FIFO) is written in place
// instead, never replaced. REQUIRES: path is not empty.
msmi::Status write_file_atomically(const std::string& path, const std::string& contents);

}  // namespace msmireport
