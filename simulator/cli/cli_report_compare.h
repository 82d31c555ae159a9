// msmisim report --compare A B: the comparison page of two runs or imports (see
// msmireport/html_compare_report.h), dispatched to from report_command().
#pragma once

#include <cstdint>
#include <string>

#include "cli_options.h"
#include "msmilog/event_store.h"

namespace msmisim::cli {

// Resolves the two words of --compare (a run ID; an import name, or import:NAME), loads both
// runs from `store` (opened from `db`), renders the page and writes it to `output` ("-":
// standard output). Returns the command's exit code, having reported any error on stderr:
// kExitBadInput for --compare beside --run, --import or --sweep, a word that names no run or import, or
// not two words; kExitStore when the store cannot be read or the file written.
// REQUIRES: vm holds "compare".
int report_compare(const msmilog::EventStore& store, const std::string& db,
                   const po::variables_map& vm, const std::string& output, std::int64_t max_events);

}  // namespace msmisim::cli
