// msmisim query and msmisim runs: read the event store, with journalctl-like filters.
#include <iostream>

#include "cli_options.h"
#include "msmilog/event_store.h"
#include "msmilog/time_format.h"
#include "msmireport/event_listing.h"
#include "msmireport/run_listing.h"

namespace msmisim::cli {

namespace {

constexpr const char* kQueryHelp = R"(usage: msmisim query [options]

Lists recorded events, oldest first, with journalctl-like filters. Filters combine with AND;
--event-id may be given several times (any of them). json and csv include each event's
insertion strings ("strings", the values the description was rendered from) and binary data
("data", hex).

examples:
  msmisim query --event-id 2342 --event-id 2553 --limit 8
  msmisim query --run latest --text "0x15" --format csv
  msmisim query --since 10m --until 15m --thread 5       (virtual time since the run started)
  msmisim query --since 1997-05-22T12:10:00Z --format json

)";

constexpr const char* kRunsHelp = R"(usage: msmisim runs [--db FILE] [--format table|json|csv]

Lists the runs recorded in the event store: scenario, profile, seed, verdict and event count.

example:
  msmisim runs --db msmisim.db

)";

int open_store(const std::string& command, const std::string& db,
               std::unique_ptr<msmilog::EventStore>* store) {
  const msmi::Status s = msmilog::EventStore::open_read_only(db, store);
  if (!s.ok()) {
    std::cerr << "msmisim " << command << ": " << s.to_string() << "\n";
    if (s.is_not_found())
      std::cerr << "(run 'msmisim run SCENARIO --db " << db << "' to record one)\n";
    return kExitStore;
  }
  return kExitOk;
}

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

}  // namespace

int query_command(const std::vector<std::string>& args) {
  po::options_description options("options");
  // clang-format off
  options.add_options()
      ("help,h", "show this help")
      ("db", po::value<std::string>()->default_value("msmisim.db"), "event store to read")
      ("run", po::value<std::string>(), "run ID, or 'latest' (default: all runs)")
      ("event-id,e", po::value<std::vector<int>>()->composing(), "event ID (repeatable)")
      ("since", po::value<std::string>(),
       "from this time: a duration since the run started (10m) or ISO-8601 UTC")
      ("until", po::value<std::string>(), "up to this time, same forms as --since")
      ("text", po::value<std::string>(), "description contains this text (case-insensitive)")
      ("message-id", po::value<std::string>(), "events of one message, e.g. MSNET/SALES/00000003")
      ("source", po::value<std::string>(), "event source, e.g. MSExchangeMSMI")
      ("type", po::value<std::string>(), "Error, Warning or Information")
      ("thread", po::value<int>(), "MT.EXE thread number")
      ("limit,n", po::value<std::int64_t>(), "at most this many events")
      ("reverse,r", "newest first")
      ("count", "print only how many events match")
      ("format", po::value<std::string>()->default_value("table"), "table, json or csv");
  // clang-format on
  po::variables_map vm;
  int exit_code = kExitOk;
  if (!parse_command_line("query", args, options, options, {}, kQueryHelp, &vm, &exit_code)) {
    return exit_code;
  }
  const msmireport::Format format = format_option(vm);
  msmilog::EventFilter filter;
  for (const char* key : {"since", "until"}) {
    if (!vm.count(key)) continue;
    const std::string text = vm[key].as<std::string>();
    const bool since = std::string(key) == "since";
    if (!parse_time_filter(text, since ? &filter.since_us : &filter.until_us,
                           since ? &filter.since_time : &filter.until_time)) {
      std::cerr << "msmisim query: --" << key << " " << text
                << ": expected a duration since the run started (\"90s\", \"10m\", \"1h30m\") or "
                   "an ISO-8601 UTC time (\"1997-05-22T12:10:00Z\")\n";
      return kExitBadInput;
    }
  }
  std::int64_t since_time = 0, until_time = 0;
  const bool reversed_duration =
      filter.since_us && filter.until_us && *filter.since_us > *filter.until_us;
  const bool reversed_time = filter.since_time && filter.until_time &&
                             msmilog::parse_iso8601_utc(*filter.since_time, &since_time) &&
                             msmilog::parse_iso8601_utc(*filter.until_time, &until_time) &&
                             since_time > until_time;
  if (reversed_duration || reversed_time) {
    std::cerr << "msmisim query: --since is later than --until, so nothing could match\n";
    return kExitBadInput;
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
      std::cerr << "msmisim query: --limit must be 0 or more\n";
      return kExitBadInput;
    }
  }
  filter.newest_first = vm.count("reverse") != 0;

  std::unique_ptr<msmilog::EventStore> store;
  const std::string db = vm["db"].as<std::string>();
  if (int rc = open_store("query", db, &store); rc != kExitOk) return rc;
  if (vm.count("run")) {
    const std::string run = vm["run"].as<std::string>();
    std::int64_t id = 0;
    if (run == "latest") {
      const msmi::Status s = store->latest_run_id(&id);
      if (!s.ok()) {
        std::cerr << "msmisim query: --run latest: " << s.to_string() << "\n";
        return kExitBadInput;
      }
    } else {
      try {
        std::size_t used = 0;
        id = std::stoll(run, &used);
        if (used != run.size()) throw std::invalid_argument(run);
      } catch (const std::exception&) {
        std::cerr << "msmisim query: --run " << run << ": expected a run ID or 'latest'\n";
        return kExitBadInput;
      }
    }
    msmilog::RunSummary summary;
    const msmi::Status found = store->get_run(id, &summary);
    if (!found.ok()) {
      std::cerr << "msmisim query: --run " << run << ": " << found.message()
                << " (see 'msmisim runs --db " << db << "')\n";
      return found.is_not_found() ? kExitBadInput : kExitStore;
    }
    filter.run_id = id;
  }
  if (vm.count("count")) {
    std::int64_t count = 0;
    const msmi::Status s = store->count_events(filter, &count);
    if (!s.ok()) {
      std::cerr << "msmisim query: " << s.to_string() << "\n";
      return s.is_invalid_argument() ? kExitBadInput : kExitStore;
    }
    std::cout << count << "\n";
    return kExitOk;
  }

  msmireport::EventListing listing(format, std::cout);
  const msmi::Status s = store->query_events(filter, [&listing](const msmilog::EventRow& e) {
    listing.add(e);
    return true;
  });
  listing.finish(s.ok() ? &std::cerr : nullptr);
  if (!s.ok()) {
    std::cerr << "msmisim query: " << s.to_string() << "\n";
    return s.is_invalid_argument() ? kExitBadInput : kExitStore;
  }
  return kExitOk;
}

int runs_command(const std::vector<std::string>& args) {
  po::options_description options("options");
  // clang-format off
  options.add_options()
      ("help,h", "show this help")
      ("db", po::value<std::string>()->default_value("msmisim.db"), "event store to read")
      ("format", po::value<std::string>()->default_value("table"), "table, json or csv");
  // clang-format on
  po::variables_map vm;
  int exit_code = kExitOk;
  if (!parse_command_line("runs", args, options, options, {}, kRunsHelp, &vm, &exit_code)) {
    return exit_code;
  }
  const msmireport::Format format = format_option(vm);
  std::unique_ptr<msmilog::EventStore> store;
  if (int rc = open_store("runs", vm["db"].as<std::string>(), &store); rc != kExitOk) return rc;
  std::vector<msmilog::RunSummary> runs;
  const msmi::Status s = store->list_runs(&runs);
  if (!s.ok()) {
    std::cerr << "msmisim runs: " << s.to_string() << "\n";
    return kExitStore;
  }
  msmireport::render_runs(runs, format, std::cout, std::cerr);
  return kExitOk;
}

}  // namespace msmisim::cli
