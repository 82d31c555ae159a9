// msmisim export: writes stored events as an NT event log file (or a text export of one).
#include <filesystem>
#include <iostream>

#include "cli_options.h"
#include "msmilog/event_store.h"
#include "msmilog/log_export.h"
#include "msmilog/log_writer.h"
#include "msmilog/time_format.h"

namespace msmisim::cli {
namespace {

constexpr const char* kExportHelp =
    R"(usage: msmisim export [--run N | --import NAME | filters] --format FORMAT [-o FILE]

Writes the events of a run or an import (or whatever the filters select, as msmisim query
selects them) to FILE in FORMAT, oldest first: evt (an NT 4.0 .EVT that Event Viewer opens),
evtx-xml and xml (wevtutil's XML), csv (Event Viewer's CSV), jsonl, text (an NT text export), as
far as this build writes them. The text formats go to standard output without -o (or with -o -).
An existing FILE is refused unless --force. Every exported file imports again with
'msmisim import'.

exit codes: 0 exported, 2 bad arguments, an unknown format, run or import, FILE exists (without
            --force) or cannot be written, an event the format cannot hold,
            3 the event store cannot be read

examples:
  msmisim export --run latest --format evt -o AppEvent.Evt
  msmisim export --import customer-1234 --event-id 2342 --format csv -o 2342.csv
  msmisim export --run 3 --format xml | less

)";

// "10m", "90s" → virtual µs since the run started; an ISO time → wall-clock time column.
bool parse_time_filter(const std::string& text, std::optional<std::int64_t>* us,
                       std::optional<std::string>* iso) {
  std::int64_t value = 0;
  if (msmilog::parse_duration_us(text, &value)) {
    *us = value;
    return true;
  }
  if (msmilog::parse_iso8601_utc(text, &value)) {
    *iso = text;
    return true;
  }
  return false;
}

// --run N|latest into *run_id; returns an exit code.
int resolve_run(const msmilog::EventStore& store, const std::string& db, const std::string& run,
                std::int64_t* run_id) {
  if (run == "latest") {
    const msmi::Status s = store.latest_run_id(run_id);
    if (!s.ok()) {
      std::cerr << "msmisim export: --run latest: " << s.to_string() << "\n";
      return kExitBadInput;
    }
    return kExitOk;
  }
  try {
    std::size_t used = 0;
    *run_id = std::stoll(run, &used);
    if (used != run.size()) throw std::invalid_argument(run);
  } catch (const std::exception&) {
    std::cerr << "msmisim export: --run " << run << ": expected a run ID or 'latest'\n";
    return kExitBadInput;
  }
  msmilog::RunSummary summary;
  const msmi::Status found = store.get_run(*run_id, &summary);
  if (!found.ok()) {
    std::cerr << "msmisim export: --run " << run << ": " << found.message()
              << " (see 'msmisim runs --db " << shell_quote(db) << "')\n";
    return found.is_not_found() ? kExitBadInput : kExitStore;
  }
  return kExitOk;
}

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
      ("run", po::value<std::string>(), "run ID, or 'latest'")
      ("import", po::value<std::string>(), "the import of this name (msmisim import --name)")
      ("event-id,e", po::value<std::vector<int>>()->composing(), "event ID (repeatable)")
      ("since", po::value<std::string>(),
       "from this time: a duration since the run started (10m) or ISO-8601 UTC")
      ("until", po::value<std::string>(), "up to this time, same forms as --since")
      ("text", po::value<std::string>(), "description contains this text (case-insensitive)")
      ("message-id", po::value<std::string>(), "events of one message, e.g. MSNET/SALES/00000003")
      ("source", po::value<std::string>(), "event source, e.g. MSExchangeMSMI")
      ("type", po::value<std::string>(), "Error, Warning or Information")
      ("thread", po::value<int>(), "MT.EXE thread number")
      ("limit,n", po::value<std::int64_t>(), "at most this many events");
  // clang-format on
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(options).run(), vm);
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
  if (output != "-" && !vm.count("force") && std::filesystem::exists(output, ec)) {
    std::cerr << "msmisim export: -o " << output
              << ": exists; give --force to replace it (or choose another file)\n";
    return kExitBadInput;
  }
  if (vm.count("run") && vm.count("import")) {
    std::cerr << "msmisim export: give --run or --import, not both\n";
    return kExitBadInput;
  }

  msmilog::EventFilter filter;
  for (const char* key : {"since", "until"}) {
    if (!vm.count(key)) continue;
    const std::string text = vm[key].as<std::string>();
    const bool since = std::string(key) == "since";
    if (!parse_time_filter(text, since ? &filter.since_us : &filter.until_us,
                           since ? &filter.since_time : &filter.until_time)) {
      std::cerr << "msmisim export: --" << key << " " << text
                << ": expected a duration since the run started (\"90s\", \"10m\", \"1h30m\") or "
                   "an ISO-8601 UTC time (\"1997-05-22T12:10:00Z\")\n";
      return kExitBadInput;
    }
  }
  if (vm.count("event-id")) filter.event_ids = vm["event-id"].as<std::vector<int>>();
  if (vm.count("text")) filter.text = vm["text"].as<std::string>();
  if (vm.count("message-id")) filter.message_id = vm["message-id"].as<std::string>();
  if (vm.count("source")) filter.source = vm["source"].as<std::string>();
  if (vm.count("type")) filter.type = vm["type"].as<std::string>();
  if (vm.count("thread")) filter.thread = vm["thread"].as<int>();
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
  if (vm.count("run")) {
    std::int64_t run_id = 0;
    if (int rc = resolve_run(*store, db, vm["run"].as<std::string>(), &run_id); rc != kExitOk) {
      return rc;
    }
    filter.run_id = run_id;
  }
  if (vm.count("import")) {
    std::int64_t run_id = 0;
    s = store->find_import(vm["import"].as<std::string>(), &run_id);
    if (!s.ok()) {
      std::cerr << "msmisim export: --import: " << s.message() << "\n";
      return s.is_not_found() ? kExitBadInput : kExitStore;
    }
    filter.run_id = run_id;
  }

  msmilog::WriterOptions writer_options;
  writer_options.computer = vm["computer"].as<std::string>();
  std::int64_t exported = 0;
  s = msmilog::export_events(*store, filter, *format, output, writer_options, &exported);
  if (!s.ok()) {
    std::cerr << "msmisim export: " << s.to_string() << "\n";
    return s.is_invalid_argument() || s.is_io_error() ? kExitBadInput : kExitStore;
  }
  std::cerr << "exported " << exported << " events as " << format->name
            << (output == "-" ? std::string() : " to " + output) << "\n";
  return kExitOk;
}

}  // namespace msmisim::cli
