#include "msmireport/run_listing.h"

#include <algorithm>
#include <string>

#include <nlohmann/json.hpp>

#include "text_columns.h"

namespace msmireport {

namespace {

void render_json(const std::vector<msmilog::RunSummary>& runs, std::ostream& out) {
  nlohmann::json array = nlohmann::json::array();
  for (const auto& r : runs) {
    array.push_back({{"run_id", r.run_id},
                     {"scenario", r.scenario},
                     {"scenario_sha256", r.scenario_sha256},
                     {"seed", r.seed},
                     {"profile", r.profile},
                     {"defects", r.defects},
                     {"started_at", r.started_at},
                     {"finished_at", r.finished_at},
                     {"verdict", r.verdict},
                     {"event_count", r.event_count},
                     {"virtual_duration_us", r.virtual_duration_us},
                     {"command", r.command},
                     {"kind", r.kind},
                     {"kb", r.kb},
                     {"import_name", r.import_name}});
  }
  out << array.dump(2) << "\n";
}

void render_csv(const std::vector<msmilog::RunSummary>& runs, std::ostream& out) {
  out << "run_id,scenario,profile,seed,defects,verdict,event_count,started_at,command,kind,kb,"
         "import_name\n";
  for (const auto& r : runs) {
    out << r.run_id << ',' << csv_field(r.scenario) << ',' << r.profile << ',' << r.seed << ','
        << csv_field(r.defects) << ',' << r.verdict << ',' << r.event_count << ',' << r.started_at
        << ',' << csv_field(r.command) << ',' << r.kind << ',' << r.kb << ','
        << csv_field(r.import_name) << "\n";
  }
}

// What the table shows in the SCENARIO column: an imported log is named by its import name,
// as --import finds it; it has no profile or seed.
std::string scenario_cell(const msmilog::RunSummary& r) {
  return r.kind == "import" ? "import '" + r.import_name + "'" : r.scenario;
}

void render_table(const std::vector<msmilog::RunSummary>& runs, std::ostream& out,
                  std::ostream& notes) {
  std::size_t width = 10;
  for (const auto& r : runs) width = std::max(width, scenario_cell(r).size() + 2);
  out << pad("RUN", 5) << pad("SCENARIO", width) << pad("PROFILE", 18) << pad("SEED", 21)
      << pad("VERDICT", 16) << pad("EVENTS", 9) << "STARTED\n";
  for (const auto& r : runs) {
    const bool imported = r.kind == "import";
    out << pad(std::to_string(r.run_id), 5) << pad(scenario_cell(r), width)
        << pad(imported ? "-" : r.profile, 18) << pad(imported ? "-" : std::to_string(r.seed), 21)
        << pad(r.verdict.empty() ? "(unfinished)" : r.verdict, 16)
        << pad(std::to_string(r.event_count), 9) << r.started_at << "\n";
  }
  if (runs.empty()) notes << "(no runs recorded)\n";
}

}  // namespace

void render_runs(const std::vector<msmilog::RunSummary>& runs, Format format, std::ostream& out,
                 std::ostream& notes) {
  switch (format) {
    case Format::kJson:
      render_json(runs, out);
      return;
    case Format::kCsv:
      render_csv(runs, out);
      return;
    case Format::kTable:
      render_table(runs, out, notes);
      return;
  }
}

}  // namespace msmireport
