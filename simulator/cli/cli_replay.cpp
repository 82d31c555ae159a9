// msmisim replay: runs a recorded run again from what the event store holds, and compares the
// events.
#include <iostream>

#include "cli_options.h"
#include "cli_record.h"
#include "msmi/text_record.h"
#include "msmilog/event_store.h"
#include "msmireport/stream_diff_report.h"
#include "msmisim/event_stream_diff.h"
#include "msmisim/stored_run.h"

namespace msmisim::cli {

namespace {

constexpr const char* kReplayHelp = R"(usage: msmisim replay [--db FILE] [--record] RUN

Runs recorded run RUN (a run ID, or 'latest') again from what the event store holds — the
scenario text as it was recorded, the seed, the profile, the defects and the command-line
overrides; never the scenario file, which may have changed since (it says so when it has) —
and compares the events with the recorded ones: time, event ID, source, type, category, level,
thread, message ID and description. Prints "identical: N events", or the first event that
differs side by side with its neighbours.

The replay runs in memory and records nothing, unless --record stores it as a new run.

exit codes: 0 identical, 6 the events differ, 2 bad input (no such run, a run that cannot be
            re-run), 3 the event store is unusable

example:
  msmisim replay latest
  msmisim replay 12 --db qa.db

)";

struct ReplayRequest {
  std::string db_path;
  std::string run;  // as given: a number or "latest"
  bool record = false;
};

constexpr int kGoOn = -1;

int read_request(const std::vector<std::string>& args, ReplayRequest* r) {
  po::options_description options("options");
  // clang-format off
  options.add_options()
      ("help,h", "show this help")
      ("db", po::value<std::string>()->default_value("msmisim.db"),
       "event store (SQLite) that holds the run")
      ("record", "record the replay as a new run in the same store");
  // clang-format on
  po::options_description hidden;
  hidden.add_options()("run", po::value<std::string>());
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description positional;
  positional.add("run", 1);
  po::variables_map vm;
  int exit_code = kExitOk;
  if (!parse_command_line("replay", args, options, all, positional, kReplayHelp, &vm, &exit_code)) {
    return exit_code;
  }
  if (!vm.count("run")) {
    std::cerr << "msmisim replay: missing RUN (a run ID, or 'latest')\n"
                 "Try 'msmisim replay --help'.\n";
    return kExitBadInput;
  }
  r->run = vm["run"].as<std::string>();
  r->db_path = vm["db"].as<std::string>();
  r->record = vm.count("record") != 0;
  return kGoOn;
}

// Finds the run ID RUN names. Returns kGoOn, or the exit code (said on stderr).
int resolve_run(const msmilog::EventStore& store, const std::string& run, std::int64_t* id) {
  if (run == "latest") {
    const msmi::Status s = store.latest_run_id(id);
    if (s.ok()) return kGoOn;
    std::cerr << "msmisim replay: latest: " << s.message() << "\n";
    return s.is_not_found() ? kExitBadInput : kExitStore;
  }
  if (!msmi::parse_whole_number(run, 10, id) || *id <= 0) {
    std::cerr << "msmisim replay: RUN " << run << ": expected a run ID or 'latest'\n";
    return kExitBadInput;
  }
  return kGoOn;
}

msmi::Status read_events(const msmilog::EventStore& store, std::int64_t run_id,
                         std::vector<ShownEvent>* events) {
  msmilog::EventFilter filter;
  filter.run_id = run_id;
  return store.query_events(filter, [&](const msmilog::EventRow& row) {
    events->push_back(shown_event(row));
    return true;
  });
}

std::string describe(const StoredRun& run) {
  const msmilog::RunRecord& rec = run.record;
  std::string text = "replaying run " + std::to_string(run.run_id) + ": " + rec.scenario +
                     ", seed " + std::to_string(rec.seed) + ", profile " + rec.profile +
                     ", defects " + (rec.defects.empty() ? "as the profile has" : rec.defects);
  for (const std::string& d : run.overrides.defects) text += ", --defect " + d;
  for (const std::string& f : run.overrides.faults) text += ", --fault " + shell_quote(f);
  if (!rec.started_at.empty()) text += " (recorded " + rec.started_at + ")";
  return text;
}

}  // namespace

int replay_command(const std::vector<std::string>& args) {
  ReplayRequest r;
  if (int rc = read_request(args, &r); rc != kGoOn) return rc;

  std::unique_ptr<msmilog::EventStore> store;
  const msmi::Status opened = r.record ? msmilog::EventStore::open(r.db_path, &store)
                                       : msmilog::EventStore::open_read_only(r.db_path, &store);
  if (!opened.ok()) {
    std::cerr << "msmisim replay: " << opened.to_string() << "\n";
    return kExitStore;
  }
  std::int64_t run_id = 0;
  if (int rc = resolve_run(*store, r.run, &run_id); rc != kGoOn) return rc;

  StoredRun stored;
  msmi::Status s = load_stored_run(*store, run_id, &stored);
  if (!s.ok()) {
    std::cerr << "msmisim replay: " << s.message() << "\n";
    return s.is_not_found() || s.is_invalid_argument() ? kExitBadInput : kExitStore;
  }
  msmilog::RunSummary summary;
  s = store->get_run(run_id, &summary);
  std::vector<ShownEvent> recorded;
  if (s.ok()) s = read_events(*store, run_id, &recorded);
  if (!s.ok()) {
    std::cerr << "msmisim replay: " << s.to_string() << "\n";
    return kExitStore;
  }

  std::cout << describe(stored) << "\n";
  for (const std::string& note : stored.notes) std::cout << note << "\n";
  std::cout << std::flush;  // the replay may take a while

  std::unique_ptr<msmilog::EventWriter> writer;
  std::int64_t new_run_id = 0;
  if (r.record) {
    msmilog::RunRecord rec = stored.record;
    rec.started_at = now_iso();
    rec.msmisim_version = MSMISIM_VERSION;
    rec.kb = stored.scenario.kb;
    s = store->begin_run(rec, &new_run_id);
    if (!s.ok()) {
      std::cerr << "msmisim replay: event store: " << s.message() << "\n";
      return kExitStore;
    }
    writer = store->open_writer(new_run_id, stored.scenario.computer, stored.scenario.epoch_us);
    stored.options.extra_sink = writer.get();
  }
  RunResult result;
  s = run_scenario(stored.scenario, stored.options, &result);
  if (!s.ok()) {
    std::cerr << "msmisim replay: run " << run_id << ": " << s.message() << "\n";
    return kExitBadInput;
  }
  if (r.record) {
    s = record_result(*store, new_run_id, std::move(writer), stored.scenario, result,
                      verdict_of(result));
    if (!s.ok()) {
      std::cerr << "msmisim replay: event store: " << s.message() << "\n";
      return kExitStore;
    }
    std::cout << "recorded as run " << new_run_id << " in " << r.db_path << "\n";
  }

  std::vector<ShownEvent> replayed = shown_events(result.events);
  // A run stopped early (Ctrl-C, or msmisim itself died) holds only the start of its stream.
  if (summary.verdict == "interrupted" || summary.verdict.empty()) {
    std::cout << "run " << run_id << " "
              << (summary.verdict.empty() ? "never finished" : "was interrupted")
              << "; comparing its " << recorded.size() << " events with the replay's first "
              << std::min(recorded.size(), replayed.size()) << "\n";
    if (replayed.size() > recorded.size()) replayed.resize(recorded.size());
  }
  const EventStreamDiff diff = diff_event_streams(recorded, replayed);
  msmireport::render_stream_diff(recorded, replayed, diff, "run " + std::to_string(run_id),
                                 "replay", std::cout);
  return diff.identical() ? kExitOk : kExitDiffers;
}

}  // namespace msmisim::cli
