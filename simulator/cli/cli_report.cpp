// msmisim report: one self-contained HTML page about a run or an imported log.
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "cli.h"
#include "cli_event_filter.h"
#include "cli_options.h"
#include "cli_output.h"
#include "cli_report_compare.h"
#include "msmi/text_record.h"
#include "msmilog/event_store.h"
#include "msmireport/html_report.h"
#include "msmireport/html_sweep_report.h"
#include "msmireport/run_report_data.h"
#include "msmireport/sweep_summary.h"

namespace msmisim::cli {

namespace {

constexpr const char* kReportHelp =
    R"(usage: msmisim report [--run N|latest | --import NAME] [options] -o FILE
       msmisim report --sweep [ID[,ID...]|latest] [options] -o FILE
       msmisim report --compare A B [options] -o FILE

Writes one HTML file about a recorded run (the latest without --run) or an imported log
(--import NAME): the header with the replay command, % processor time of each MT.EXE thread and
the backlog over virtual time, events over time by event ID with the first of each marked,
expectations with their evidence, the KB diagnosis, invariants, fault rules, service stops,
starts and crashes, the ledger, and the first --max-events events in a table the page filters.
The file needs nothing else: no network, no fonts or scripts from elsewhere; it opens from disk
in any browser and prints. Charts are counted into a few hundred time buckets, so a day of
events gives a file small enough to attach to a ticket.

--sweep reports a sweep instead (without an ID: the latest, with the other shards of the same
sweep when 'msmisim merge' brought them into this store; several IDs are reported together): what it ran, the verdict of every seed as one cell each,
what broke in how many runs (each expectation or invariant once, with the seeds that broke it
and the command that replays the first), and which fault rules fired in how many runs.

--compare A B puts two runs side by side in one page (a legacy and a fixed build of a
scenario, or a run beside an imported customer log): both headers, the event-ID counts that
differ, the diagnosis of each, the charts with both runs on one time axis (an imported log's
clock shifted so its first event is at 0), expectations, ledger and invariants; no event table.
A and B are run IDs or import names (import:NAME when the name is a number); the same run twice
is allowed.

An existing FILE is refused unless --force. The file is written whole or not at all (FILE.tmp,
then renamed). '-o -' writes the page to standard output; without -o the page goes to standard
output only when that is not a terminal.

exit codes: 0 written, 2 bad arguments, an unknown run or import, FILE exists (without
            --force), 3 event store unusable or the file cannot be written

examples:
  msmisim report -o q151791.html                           the latest run
  msmisim report --run 12 --db ci.db -o run12.html
  msmisim report --import customer-1234 -o case-1234.html  an imported Application log
  msmisim report --run latest --max-events 500 -o - | gzip > report.html.gz
  msmisim report --sweep --db sweep.db -o sweep.html        the latest sweep
  msmisim report --compare 1 2 -o legacy-vs-fixed.html     two runs side by side
  msmisim report --compare 3 customer-1234 -o case.html    a run beside an imported log

)";

// Writes the page to `output` ("-": standard output) and says so on standard error.
int deliver(const std::string& output, const std::string& html, const std::string& what,
            double seconds) {
  std::ostringstream line;
  line.setf(std::ios::fixed);
  line.precision(2);
  if (output == "-") {
    std::cout << html << std::flush;
    if (!std::cout) {
      std::cerr << "msmisim report: cannot write to standard output\n";
      return kExitStore;
    }
    line << "report: " << what << ", " << size_text(html.size()) << " to standard output in "
         << seconds << " s\n";
  } else {
    if (const msmi::Status s = msmireport::write_file_atomically(output, html); !s.ok()) {
      std::cerr << "msmisim report: " << s.message() << "\n";
      return kExitStore;
    }
    line << "report: " << output << " (" << size_text(html.size()) << ", " << what << ") in "
         << seconds << " s\n";
  }
  std::cerr << line.str();
  return kExitOk;
}

// --sweep: "latest", or IDs separated by commas.
int sweep_report(const msmilog::EventStore& store, const std::string& db, const std::string& ids,
                 const std::string& output) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::int64_t> sweep_ids;
  if (ids == "latest") {
    std::vector<msmilog::SweepRecord> sweeps;
    if (const msmi::Status s = store.list_sweeps(&sweeps); !s.ok()) {
      std::cerr << "msmisim report: " << s.to_string() << "\n";
      return kExitStore;
    }
    if (sweeps.empty()) {
      std::cerr << "msmisim report: " << db << ": no sweep recorded (run 'msmisim sweep' first)\n";
      return kExitBadInput;
    }
    // The latest sweep, with the other shards of the same sweep merged into this store.
    const msmilog::SweepRecord& latest = sweeps.back();
    const std::size_t slash = latest.shard.find('/');
    for (const msmilog::SweepRecord& s : sweeps) {
      const bool sibling = slash != std::string::npos && s.scenarios == latest.scenarios &&
                           s.seeds == latest.seeds && s.profile == latest.profile &&
                           s.swarm == latest.swarm && s.shard.size() > slash &&
                           s.shard.substr(s.shard.find('/')) == latest.shard.substr(slash);
      if (s.sweep_id == latest.sweep_id || sibling) sweep_ids.push_back(s.sweep_id);
    }
  } else {
    std::size_t begin = 0;
    while (begin <= ids.size()) {
      const std::size_t end = std::min(ids.find(',', begin), ids.size());
      const std::string part = ids.substr(begin, end - begin);
      std::int64_t id = 0;
      if (!msmi::parse_whole_number(part, 10, &id) || id <= 0) {
        std::cerr << "msmisim report: --sweep " << ids << ": '" << part
                  << "' is not a sweep ID (a whole number, or 'latest')\n";
        return kExitBadInput;
      }
      sweep_ids.push_back(id);
      begin = end + 1;
    }
  }
  msmireport::SweepSummary summary;
  if (const msmi::Status s = msmireport::load_sweep_summary(store, sweep_ids, &summary); !s.ok()) {
    std::cerr << "msmisim report: " << s.to_string() << "\n";
    return s.is_not_found() ? kExitBadInput : kExitStore;
  }
  std::ostringstream page;
  msmireport::render_html_sweep_report(summary, db, page);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::string what = "sweep";
  for (const std::int64_t id : sweep_ids) what += " " + std::to_string(id);
  what += ", " + std::to_string(summary.runs.size()) + " runs";
  return deliver(output, std::move(page).str(), what, seconds);
}

}  // namespace

int report_command(const std::vector<std::string>& args) {
  po::options_description options("options");
  // clang-format off
  options.add_options()
      ("help,h", "show this help")
      ("db", po::value<std::string>()->default_value("msmisim.db"), "event store to read")
      ("run", po::value<std::string>(), "run ID, or 'latest' (the default)")
      ("import", po::value<std::string>(), "the imported log of this --name")
      ("sweep", po::value<std::string>()->implicit_value("latest"),
       "report a sweep: its ID, IDs separated by commas, or 'latest' (the default)")
      ("compare", po::value<std::vector<std::string>>()->multitoken(),
       "A B: two runs or imports side by side")
      ("output,o", po::value<std::string>(), "HTML file to write ('-': standard output)")
      ("force", "replace the output file if it exists")
      ("max-events", po::value<std::int64_t>()->default_value(2000),
       "rows of the event table (the rest: msmisim query)")
      ("signatures", po::value<std::string>()->default_value(MSMISIM_SIGNATURES_DIR),
       "folder of KB signature rules (*.json) for the diagnosis");
  // clang-format on
  po::variables_map vm;
  int exit_code = kExitOk;
  if (!parse_command_line("report", args, options, options, po::positional_options_description(),
                          kReportHelp, &vm, &exit_code, /*check_format=*/false)) {
    return exit_code;
  }
  const std::int64_t max_events = vm["max-events"].as<std::int64_t>();
  if (max_events < 0) {
    std::cerr << "msmisim report: --max-events must be 0 or more\n";
    return kExitBadInput;
  }
  std::string output = vm.count("output") ? vm["output"].as<std::string>() : "";
  if (output.empty()) {
    if (vm.count("output") || isatty(STDOUT_FILENO)) {
      std::cerr << "msmisim report: give -o FILE (or -o - for standard output)\n"
                << "Try 'msmisim report --help'.\n";
      return kExitBadInput;
    }
    output = "-";
  }

  const std::string db = vm["db"].as<std::string>();
  if (output != "-") {
    const std::string refusal = output_refusal(output, {{db, "the event store"}});
    if (!refusal.empty()) {
      std::cerr << "msmisim report: -o " << output << ": " << refusal << "\n";
      // Over the store, or a folder: a bad argument; a file that cannot be made: as documented.
      return refusal.rfind("cannot create", 0) == 0 || refusal.rfind("the folder", 0) == 0
                 ? kExitStore
                 : kExitBadInput;
    }
    std::error_code ec;
    if (std::filesystem::is_regular_file(output, ec) && !vm.count("force")) {
      std::cerr << "msmisim report: -o " << output
                << ": exists; give --force to replace it (or choose another file)\n";
      return kExitBadInput;
    }
  }
  std::unique_ptr<msmilog::EventStore> store;
  if (const msmi::Status s = msmilog::EventStore::open_read_only(db, &store); !s.ok()) {
    std::cerr << "msmisim report: " << s.to_string() << "\n";
    return kExitStore;
  }
  if (vm.count("compare")) return report_compare(*store, db, vm, output, max_events);
  if (vm.count("sweep")) {
    if (vm.count("run") || vm.count("import")) {
      std::cerr << "msmisim report: --sweep reports a sweep; drop --run and --import\n";
      return kExitBadInput;
    }
    return sweep_report(*store, db, vm["sweep"].as<std::string>(), output);
  }
  msmilog::EventFilter filter;
  msmilog::RunSummary summary;
  if (int rc = select_run("report", *store, db, vm, /*latest_by_default=*/true, &filter, &summary);
      rc != kExitOk) {
    return rc;
  }

  const auto start = std::chrono::steady_clock::now();
  msmireport::ReportOptions report_options;
  report_options.db_path = db;
  report_options.signature_dir = vm["signatures"].as<std::string>();
  report_options.max_events = max_events;
  msmireport::RunReportData data;
  if (const msmi::Status s =
          msmireport::load_run_report_data(*store, *filter.run_id, report_options, &data);
      !s.ok()) {
    std::cerr << "msmisim report: " << s.to_string() << "\n";
    return s.is_invalid_argument() || s.is_not_found() ? kExitBadInput : kExitStore;
  }
  std::ostringstream page;
  msmireport::render_html_run_report(data, page);
  const std::string html = std::move(page).str();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const std::string what = (data.is_import ? "import '" + summary.import_name + "' (run " +
                                                 std::to_string(summary.run_id) + ")"
                                           : "run " + std::to_string(summary.run_id));
  return deliver(output, html, what + ", " + std::to_string(data.event_count) + " events", seconds);
}

}  // namespace msmisim::cli
