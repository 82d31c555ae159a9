// The runs recorded in the event store (msmisim runs) as a table, CSV or JSON.
#pragma once

#include <ostream>
#include <string>
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

// The same output as render_runs() for runs given one at a time (EventStore::for_each_run), so
// that a store of thousands of runs is listed without a RunSummary kept for each: csv is written
// as it comes, the table keeps its lines' text until finish() knows the SCENARIO column's width,
// json keeps the runs.
class RunListingWriter {
 public:
  RunListingWriter(Format format, std::ostream& out, std::ostream& notes);
  void add(const msmilog::RunSummary& run);
  // Writes what add() kept. REQUIRES: called once, after the last add().
  void finish();

 private:
  struct TableRow {
    std::size_t cell_begin, cell_end, line_end;  // offsets into table_
  };
  Format format_;
  std::ostream& out_;
  std::ostream& notes_;
  std::size_t rows_ = 0;
  std::size_t width_ = 10;  // of the SCENARIO column
  std::string table_;       // the table's lines, each SCENARIO cell unpadded
  std::vector<TableRow> table_rows_;
  std::vector<msmilog::RunSummary> json_runs_;
};

}  // namespace msmireport
