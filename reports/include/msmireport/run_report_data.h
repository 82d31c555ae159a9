// What the HTML run report shows about one run or one imported log, read from the event store
// into plain values: load_run_report_data() does every query, render_html_run_report() (see
// html_report.h) only formats.
//
// Everything that grows with the run is bounded here, so a 24-hour run of hundreds of thousands
// of events loads in well under a second: events over time are counted in SQL into at most
// ReportOptions::max_buckets buckets, samples are averaged (queue depths: their maximum) into at
// most max_points points per series, the event table and the ledger rows are cut at
// max_events / max_ledger_rows with the totals kept beside them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "msmi/status.h"
#include "msmilog/diagnosis.h"
#include "msmilog/event_store.h"
#include "msmilog/store_rows.h"
#include "msmireport/svg_chart.h"

namespace msmireport {

struct ReportOptions {
  // The event store's path as the user named it, for the commands the report prints
  // ("msmisim query --db FILE --run R"); empty: the store's own path.
  std::string db_path;
  // Folder of the KB signature rules for the diagnosis; empty: the built-in folder
  // (MSMISIM_SIGNATURES_DIR).
  std::string signature_dir;
  std::int64_t max_events = 2000;      // rows of the event table, >= 0
  std::int64_t max_ledger_rows = 500;  // rows of the ledger table (not delivered ones first)
  std::int64_t max_buckets = 240;      // time buckets of events over time, >= 1
  std::int64_t max_points = 240;       // points per thread or backlog series, >= 1
  std::size_t evidence_rows = 3;       // diagnosis evidence rows per condition
};

// One MT.EXE thread's "% processor time" over time.
struct ThreadActivity {
  int thread = 0;
  std::string role;              // "mailer", "inbound", "outbound" …
  std::vector<ChartPoint> busy;  // busy_pct, averaged per point
  double mean_busy_pct = 0.0;    // over every sample of the thread, not the averaged points
};

// The queue depths at one time (the maximum over the samples averaged into it).
using BacklogPoint = msmilog::QueueSampleRow;

// The events of one event ID over time.
struct EventIdActivity {
  int event_id = 0;
  std::string type;    // of its first event: "Error" …
  std::string source;  // of its first event: "MSExchangeMSMI" …
  std::int64_t total = 0;
  // (bucket start, events in the bucket), ascending, only buckets holding some. Times are on
  // the report's time base (RunReportData::absolute_time).
  std::vector<ChartPoint> buckets;
  std::int64_t first_us = 0;      // time_us of its earliest event
  std::string first_time;         // ISO-8601 of that event
  std::string first_description;  // the description of its first event (store order)
  int first_thread = -1;
};

struct LedgerTally {
  std::int64_t delivered = 0;
  std::int64_t ndr = 0;
  std::int64_t quarantined = 0;
  std::int64_t pending = 0;
  std::int64_t lost = 0;
  std::int64_t other = 0;  // a fate this version does not know
  std::int64_t total() const { return delivered + ndr + quarantined + pending + lost + other; }
};

struct RunReportData {
  msmilog::RunSummary run;
  bool is_import = false;      // run.kind == "import"
  std::string db_path;         // as ReportOptions::db_path, or the store's path
  std::string report_version;  // the msmisim that rendered the report (MSMISIM_VERSION)

  // The time axis: [start_us, end_us] in time_us units. A simulated run: virtual µs since its
  // start (0 … its virtual duration); an import (absolute_time): µs since 1970, its first to
  // its last event.
  bool absolute_time = false;
  std::int64_t start_us = 0;
  std::int64_t end_us = 0;

  std::vector<ThreadActivity> threads;  // ascending thread
  std::vector<BacklogPoint> backlog;    // ascending time_us
  std::vector<msmilog::LifecycleRow> lifecycle;

  std::int64_t event_count = 0;               // every event of the run
  std::int64_t bucket_us = 1;                 // width of a bucket of events_by_id
  std::vector<EventIdActivity> events_by_id;  // ascending event_id

  std::vector<msmilog::ExpectationRow> expectations;
  std::vector<msmilog::Diagnosis> diagnoses;  // in diagnosis_before() order
  std::int64_t signatures = 0;                // KB signatures evaluated
  std::vector<msmilog::InvariantRow> invariants;
  std::vector<msmilog::FaultRuleRow> fault_rules;

  LedgerTally ledger_tally;
  std::vector<msmilog::LedgerRow> ledger;   // at most max_ledger_rows: not delivered first
  std::vector<msmilog::ImportRow> imports;  // the imported files (imports only)

  std::vector<msmilog::EventRow> events;  // the first max_events events in store order
  // The command that lists every event of the run: "msmisim query --db FILE --run R".
  std::string query_command;  // "" when the store is not kept (run --no-db --report)
};

// Fills *data from the run `run_id` of `store` (a simulated run or an import).
// NotFound (naming the run) for an unknown run; InvalidArgument for bad options or a signature
// folder that cannot be loaded; the store's errors (IoError, Corruption, Busy) as they come.
// *data is complete only when the result is ok.
// REQUIRES: data != nullptr.
msmi::Status load_run_report_data(const msmilog::EventStore& store, std::int64_t run_id,
                                  const ReportOptions& options, RunReportData* data);

}  // namespace msmireport
