// msmisim export: writes stored events as an NT event log file (or a text export of one).
#include <filesystem>
#include <iostream>

#include "cli_event_filter.h"
#include "cli_options.h"
#include "cli_output.h"
#include "msmilog/event_store.h"
#include "msmilog/log_export.h"
#include "msmilog/log_writer.h"
#include "msmilog/time_format.h"

namespace msmisim::cli {
namespace {

constexpr const char* kExportHelp =
    R"(usage: msmisim export [--run N | --import NAME | filters] --format FORMAT [-o FILE]

Writes the events of a run or an import (or whatever the filters select: they are msmisim
query's, see 'msmisim query --help') to FILE in FORMAT, oldest first: evt (an NT 4.0 .EVT that Event Viewer opens),
evtx-xml and xml (wevtutil's XML), csv (Event Viewer's CSV), jsonl, text (an NT text export), as
far as this build writes them. The text formats go to standard output without -o (or with -o -).
An existing FILE is refused unless --force. Every exported file imports again with
'msmisim import'. A user an EVT cannot hold (an account name from a text export; an EVT stores
only SIDs, and the well-known names such as SYSTEM become theirs) is left out of that event, and
the summary says how many events lost their user.

exit codes: 0 exported, 2 bad arguments, an unknown format, run or import, FILE exists (without
            --force) or cannot be written, an event the format cannot hold,
            3 the event store cannot be read

examples:
  msmisim export --run latest --format evt -o AppEvent.Evt
  msmisim export --import customer-1234 --event-id 2342 --format csv -o 2342.csv
  msmisim export --event-id 2342,2553 --since "1997-05-22 09:00" --search '"xom stream"' \
      --format csv -o errors.csv
  msmisim export --run 3 --format xml | less

)";

}  // namespace

int export_command(const std::vector<std::string>& args) {
  po::options_description options("options");
  // clang-format off
  options.add_options()
      ("help,h", "show this help")
      ("db", po::value<std::string>()->default_value("msmisim.db"), "event store to read")
      ("format", po::value<std::string>(), "evt, evtx-xml, xml, csv, jsonl or text")
      ("output,o", po::value<std::string>()->default_value("-"),
       "file to write; - is standard output (text formats only)")
      ("force", "replace the output file if it exists")
      ("computer", po::value<std::string>()->default_value("MSMISIM"),
       "computer name written where an event has none")
      ("limit,n", po::value<std::int64_t>(), "at most this many events");
  // clang-format on
  add_event_filter_options(options, FilterOptionSet::kAllButComputer,
                           "run ID, or 'latest' (default: all runs and imports)");
  po::variables_map vm;
  try {
    // No positional arguments: the store is --db, the output -o (a stray word is refused).
    po::store(po::command_line_parser(join_signed_times(args))
                  .options(options)
                  .positional(po::positional_options_description())
                  .run(),
              vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "msmisim export: " << e.what() << "\nTry 'msmisim export --help'.\n";
    return kExitBadInput;
  }
  if (vm.count("help")) {
    std::cout << kExportHelp << options;
    return kExitOk;
  }
  const auto& formats = msmilog::log_export_formats();
  if (!vm.count("format")) {
    std::cerr << "msmisim export: missing --format (this build writes: "
              << (formats.empty() ? std::string("none") : msmilog::export_format_names(formats))
              << ")\nTry 'msmisim export --help'.\n";
    return kExitBadInput;
  }
  const std::string format_name = vm["format"].as<std::string>();
  const msmilog::LogExportFormat* format = msmilog::find_export_format(formats, format_name);
  if (format == nullptr) {
    std::cerr << "msmisim export: --format " << format_name << ": not a format this build writes ("
              << (formats.empty() ? std::string("it writes none")
                                  : "it writes " + msmilog::export_format_names(formats))
              << ")\n";
    return kExitBadInput;
  }
  const std::string output = vm["output"].as<std::string>();
  if (output == "-" && format->binary) {
    std::cerr << "msmisim export: --format " << format->name
              << " is binary: give -o FILE to write it to a file\n";
    return kExitBadInput;
  }
  std::error_code ec;
  if (output != "-") {
    const std::string db = vm["db"].as<std::string>();
    if (const std::string why = output_refusal(output, {{db, "the event store"}}); !why.empty()) {
      std::cerr << "msmisim export: -o " << output << ": " << why << "\n";
      return kExitBadInput;
    }
  }
  if (output != "-" && !vm.count("force") && std::filesystem::exists(output, ec)) {
    std::cerr << "msmisim export: -o " << output
              << ": exists; give --force to replace it (or choose another file)\n";
    return kExitBadInput;
  }
  msmilog::EventFilter filter;
  if (std::string error;
      !event_filter_from_options(vm, FilterOptionSet::kAllButComputer, &filter, &error)) {
    std::cerr << "msmisim export: " << error << "\n";
    return kExitBadInput;
  }
  if (vm.count("limit")) {
    filter.limit = vm["limit"].as<std::int64_t>();
    if (filter.limit < 0) {
      std::cerr << "msmisim export: --limit must be 0 or more\n";
      return kExitBadInput;
    }
  }

  const std::string db = vm["db"].as<std::string>();
  std::unique_ptr<msmilog::EventStore> store;
  msmi::Status s = msmilog::EventStore::open_read_only(db, &store);
  if (!s.ok()) {
    std::cerr << "msmisim export: " << s.to_string() << "\n";
    return kExitStore;
  }
  msmilog::RunSummary run_summary;
  if (int rc =
          select_run("export", *store, db, vm, /*latest_by_default=*/false, &filter, &run_summary);
      rc != kExitOk) {
    return rc;
  }

  msmilog::WriterOptions writer_options;
  writer_options.computer = vm["computer"].as<std::string>();
  msmilog::ExportSummary summary;
  // Written beside FILE and renamed over it at the end: a failure leaves FILE as it was.
  const std::string staging = staging_path(output);
  s = msmilog::export_events(*store, filter, *format, staging, writer_options, &summary);
  if (!s.ok()) discard_output(staging, output);
  if (const std::string why = s.ok() ? commit_output(staging, output) : ""; !why.empty()) {
    std::cerr << "msmisim export: -o " << output << ": " << why << "\n";
    return kExitBadInput;
  }
  if (!s.ok()) {
    std::cerr << "msmisim export: " << s.to_string() << "\n";
    return s.is_invalid_argument() || s.is_io_error() ? kExitBadInput : kExitStore;
  }
  std::cerr << "exported " << summary.exported << " events as " << format->name
            << (output == "-" ? std::string() : " to " + output) << "\n";
  if (summary.users_dropped > 0) {
    std::string users;
    for (const std::string& user : summary.dropped_users) {
      users += (users.empty() ? "\"" : ", \"") + user + "\"";
    }
    if (summary.dropped_users.size() == msmilog::ExportSummary::kMaxDroppedUsers) users += ", …";
    std::cerr << "note: " << summary.users_dropped << " event"
              << (summary.users_dropped == 1 ? "" : "s") << " written without their user (" << users
              << "): " << format->name
              << " stores a user only as a SID, and these names are not well-known ones\n";
  }
  return kExitOk;
}

}  // namespace msmisim::cli
