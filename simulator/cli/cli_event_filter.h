// The event filters msmisim query, export and diagnose share: one set of options, one parser, one
// way of choosing the run (--run N|latest, --import NAME), so a filter that works in a query
// selects the same events in an export.
#pragma once

#include <string>
#include <vector>

#include "cli_options.h"
#include "msmilog/event_filter.h"
#include "msmilog/event_store.h"
#include "msmilog/store_rows.h"

namespace msmisim::cli {

// Which options add_event_filter_options() declares.
enum class FilterOptionSet {
  kTimes,           // --since/-S, --until/-U
  kAllButComputer,  // every filter but --computer (export's --computer names the writer's)
  kAll,             // --event-id/-e, times, --source, --type, --category, --level,
                    // --computer, --thread, --message-id, --text, --search, --grep/-g,
                    // --ignore-case/-i
};

// Declares the filter options of `set`, and --run and --import (run_help describes --run).
void add_event_filter_options(po::options_description& options, FilterOptionSet set,
                              const char* run_help);

// The help text of the time forms --since/--until take, for the commands' help.
extern const char* const kTimeFilterHelp;

// "--since -2h" as two words: Boost.Program_options would take "-2h" for an option, so the value
// is joined to its option ("--since=-2h") first. Apply to the arguments before parsing them.
std::vector<std::string> join_signed_times(const std::vector<std::string>& args);

// Fills *filter from the options of `set` present in `vm` (add_event_filter_options() declared
// them with the same set; absent ones leave it as it is). False, with *error naming the option
// and what it expected, for a value that cannot be parsed or a --since later than --until.
// REQUIRES: filter != nullptr, error != nullptr.
bool event_filter_from_options(const po::variables_map& vm, FilterOptionSet set,
                               msmilog::EventFilter* filter, std::string* error);

// Sets filter->run_id from --run (N or latest) or --import NAME; with neither, to the latest run
// when latest_by_default, else leaves it unset (every run). *summary gets the chosen run's row
// when one was chosen. Returns kExitOk, or the exit code after reporting the error as
// "msmisim COMMAND: …": kExitBadInput for both options, a bad or unknown run or import,
// kExitStore when the store cannot be read. REQUIRES: filter != nullptr, summary != nullptr.
int select_run(const std::string& command, const msmilog::EventStore& store, const std::string& db,
               const po::variables_map& vm, bool latest_by_default, msmilog::EventFilter* filter,
               msmilog::RunSummary* summary);

}  // namespace msmisim::cli
