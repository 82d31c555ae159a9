// msmisim run: runs a scenario, records it in the event store and prints what happened.
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>

#include "cli_options.h"
#include "msmi/event_catalogue.h"
#include "msmi/text_record.h"
#include "msmilog/event_store.h"
#include "msmilog/time_format.h"
#include "msmisim/runner.h"
#include "msmisim/scenario_loader.h"

namespace msmisim::cli {

namespace {

constexpr const char* kRunHelp = R"(usage: msmisim run SCENARIO [options]

Runs SCENARIO (a JSON file) in virtual time against a shadow postoffice (in memory, or in the
folder --postoffice names), writes every event to the event store and checks the scenario's
expectations for the profile it ran under. Prints the seed and the command that replays the run
exactly.

example:
  msmisim run scenarios/kb/Q151791.json
  msmisim run scenarios/kb/Q151791.json --profile exchange-5.0-sp1 --db qa.db

)";

std::string fixed(double value, int decimals) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

// Left-aligns `text` in a column of `width`, always leaving at least one blank after it.
std::string pad(std::string text, std::size_t width) {
  text.append(text.size() < width ? width - text.size() : 1, ' ');
  return text;
}

std::string truncate(const std::string& text, std::size_t width) {
  return text.size() <= width ? text : text.substr(0, width - 3) + "...";
}

std::string duration_text(std::int64_t us) {
  const std::int64_t s = us / 1'000'000;
  char buffer[32];
  if (s % 3600 == 0 && s >= 3600)
    std::snprintf(buffer, sizeof buffer, "%lldh", static_cast<long long>(s / 3600));
  else if (s % 60 == 0 && s >= 60)
    std::snprintf(buffer, sizeof buffer, "%lldm", static_cast<long long>(s / 60));
  else
    std::snprintf(buffer, sizeof buffer, "%llds", static_cast<long long>(s));
  return buffer;
}

// "1 event", "2 events"
std::string plural(std::int64_t n, const std::string& noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

std::string now_iso() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return msmilog::format_iso8601_utc(
      std::chrono::duration_cast<std::chrono::microseconds>(now).count());
}

void print_summary(const Scenario& scenario, const RunResult& r) {
  std::map<int, std::int64_t> counts;
  std::map<int, const msmi::Event*> first;
  for (const msmi::Event& e : r.events) {
    ++counts[e.event_id];
    first.emplace(e.event_id, &e);
  }
  std::cout << "\nEvents by ID (" << r.events.size() << " written, " << r.suppressed_events
            << " below the logging level):\n";
  for (const auto& [id, count] : counts) {
    const msmi::Event& e = *first[id];
    std::cout << "  " << pad(std::to_string(id), 6) << pad(std::string(msmi::to_string(e.type)), 12)
              << pad(std::to_string(count), 7) << truncate(e.description, 78) << "\n";
  }
  std::map<msmi::Fate, int> fates;
  for (const LedgerEntry& entry : r.ledger) ++fates[entry.fate];
  std::cout << "\nLedger: " << plural(static_cast<std::int64_t>(r.ledger.size()), "message")
            << " — delivered " << fates[msmi::Fate::kDelivered] << ", ndr "
            << fates[msmi::Fate::kNdr] << ", quarantined " << fates[msmi::Fate::kQuarantined]
            << ", pending " << fates[msmi::Fate::kPending] << ", lost " << fates[msmi::Fate::kLost]
            << "\n";
  for (const LedgerEntry& entry : r.ledger) {
    if (entry.label.empty()) continue;
    std::cout << "  '" << entry.label << "' " << entry.message_id << ": "
              << msmi::to_string(entry.fate) << (entry.detail.empty() ? "" : " — " + entry.detail)
              << "\n";
  }
  std::cout << "\nThreads (state at end, busy % in the last sample / over the run):\n";
  for (const ThreadSummary& t : r.threads) {
    if (t.role == "housekeeping" && t.mean_busy_pct < 0.05) continue;
    std::cout << "  " << pad(std::to_string(t.thread), 4) << pad(t.role, 10)
              << pad(std::string(msmi::to_string(t.state)), 9)
              << pad(fixed(t.last_busy_pct, 1) + "%", 8) << fixed(t.mean_busy_pct, 1) << "%\n";
  }
  std::cout << "  (threads 0-3, housekeeping: idle)\n";
  if (r.queue_samples.size() >= 2) {
    // A dozen evenly spaced points are enough to see a backlog build up or drain.
    const std::size_t n = r.queue_samples.size();
    const std::size_t step = std::max<std::size_t>(1, (n + 11) / 12);
    std::string times, p1, inqueue;
    for (std::size_t i = step - 1; i < n; i += step) {
      const QueueSample& q = r.queue_samples[i];
      times += pad(duration_text(q.time_us), 6);
      p1 += pad(std::to_string(q.p1_files), 6);
      inqueue += pad(q.inqueue3 < 0 ? "-" : std::to_string(q.inqueue3), 6);
    }
    std::cout << "\nQueues over time:\n  " << pad("time", 12) << times << "\n  "
              << pad("P1 files", 12) << p1 << "\n  " << pad("INQUEUE3", 12) << inqueue << "\n";
    if (inqueue.find('-') != std::string::npos)
      std::cout << "  (-: INQUEUE3 could not be read, e.g. locked)\n";
  }
  std::cout << "\nAt the end: MSMI service " << (r.service_running ? "running" : "stopped")
            << (r.crashes > 0
                    ? " (" + std::to_string(r.crashes) + (r.crashes == 1 ? " crash)" : " crashes)")
                    : "")
            << "; backlog: P1 files " << r.backlog.p1_files << ", INQUEUE3 " << r.backlog.inqueue3
            << ", MTA queue " << r.backlog.mta_queue << ", held by MS Mail " << r.backlog.held
            << "\n";
  if (r.expectation_sets.empty()) {
    std::cout << "\nExpectations: none for profile " << r.profile << " in " << scenario.path
              << "\n";
    return;
  }
  std::string sets;
  for (const std::string& s : r.expectation_sets) sets += (sets.empty() ? "" : " + ") + s;
  std::cout << "\nExpectations (" << sets << "):\n";
  for (const ExpectationResult& e : r.expectations) {
    std::cout << "  " << (e.passed ? "PASS " : "FAIL ") << e.what << ": " << e.actual << "\n";
  }
}

std::vector<msmilog::LedgerRow> ledger_rows(const RunResult& r) {
  std::vector<msmilog::LedgerRow> rows;
  for (const LedgerEntry& e : r.ledger) {
    std::string recipients;
    for (const std::string& x : e.recipients) recipients += (recipients.empty() ? "" : "; ") + x;
    rows.push_back({e.message_id, e.sender, recipients, std::string(msmi::to_string(e.fate)),
                    e.attempts, e.label.empty() ? e.detail : "[" + e.label + "] " + e.detail,
                    e.injected_us, e.settled_us});
  }
  return rows;
}

}  // namespace

std::string shell_quote(const std::string& arg) {
  if (!arg.empty() &&
      arg.find_first_not_of(
          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+") ==
          std::string::npos) {
    return arg;
  }
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

namespace {

volatile std::sig_atomic_t g_interrupted = 0;
extern "C" void on_interrupt(int) {
  g_interrupted = 1;
}

// Everything `run` needs once its arguments are understood.
struct RunRequest {
  std::string path;
  Scenario scenario;
  RunOptions options;
  std::vector<std::string> defect_args;
  bool record = true;
  std::string db_path;
  bool quiet = false;
  std::string replay;
};

// Parses what follows `run`. Returns kGoOn to go on, or the exit code to stop with.
constexpr int kGoOn = -1;
int read_request(const std::vector<std::string>& args, RunRequest* request) {
  po::options_description options("options");
  // clang-format off
  options.add_options()
      ("help,h", "show this help")
      ("db", po::value<std::string>()->default_value("msmisim.db"),
       "event store (SQLite) to record the run in")
      ("no-db", "do not record the run")
      ("seed", po::value<std::string>(), "seed, 0..9223372036854775807 (default: the scenario's own)")
      ("profile", po::value<std::string>(),
       "build to simulate: exchange-4.0, exchange-5.0, exchange-5.0-sp1, hardened")
      ("defect", po::value<std::vector<std::string>>()->composing(),
       "override one defect: Q151791=on|off (repeatable)")
      ("postoffice", po::value<std::string>(),
       "shadow postoffice folder to use and keep; its contents are replaced on every run "
       "(default: a simulated disk in memory, gone when the run ends)")
      ("quiet,q", "print only the header, the failed expectations and the verdict");
  // clang-format on
  po::options_description hidden;
  hidden.add_options()("scenario", po::value<std::string>());
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description positional;
  positional.add("scenario", 1);
  po::variables_map vm;
  int exit_code = kExitOk;
  if (!parse_command_line("run", args, options, all, positional, kRunHelp, &vm, &exit_code)) {
    return exit_code;
  }
  if (!vm.count("scenario")) {
    std::cerr << "msmisim run: missing SCENARIO\nTry 'msmisim run --help'.\n";
    return kExitBadInput;
  }
  RunRequest& r = *request;
  r.path = vm["scenario"].as<std::string>();
  LoadError error;
  if (!load_scenario_file(r.path, &r.scenario, &error)) {
    std::cerr << "msmisim run: " << error.to_string() << "\n";
    return kExitBadInput;
  }
  if (vm.count("defect")) {
    for (const std::string& d : vm["defect"].as<std::vector<std::string>>()) {
      const std::size_t eq = d.find('=');
      msmi::Defect defect;
      const std::string value = eq == std::string::npos ? "" : d.substr(eq + 1);
      if (eq == std::string::npos || !msmi::parse_defect(d.substr(0, eq), defect) ||
          (value != "on" && value != "off")) {
        std::cerr << "msmisim run: --defect " << d
                  << ": expected NAME=on or NAME=off with NAME one of Q151791, Q175965\n";
        return kExitBadInput;
      }
      r.scenario.defect_overrides[defect] = value == "on";
      r.defect_args.push_back(d);
    }
  }
  r.options.seed = default_seed(r.scenario);
  if (vm.count("seed")) {
    const std::string text = vm["seed"].as<std::string>();
    std::int64_t seed = 0;
    if (!msmi::parse_whole_number(text, 10, &seed)) {
      std::cerr << "msmisim run: --seed " << text
                << ": expected a whole number from 0 to 9223372036854775807\n";
      return kExitBadInput;
    }
    r.options.seed = static_cast<std::uint64_t>(seed);
  }
  r.options.profile = vm.count("profile") ? vm["profile"].as<std::string>() : r.scenario.profile;
  if (!msmi::find_profile(r.options.profile)) {
    std::cerr << "msmisim run: --profile " << r.options.profile
              << ": unknown profile (known: " << msmi::profile_names() << ")\n";
    return kExitBadInput;
  }
  r.record = !vm.count("no-db");
  r.db_path = vm["db"].as<std::string>();
  r.quiet = vm.count("quiet") != 0;
  if (vm.count("postoffice")) r.options.postoffice_dir = vm["postoffice"].as<std::string>();
  r.replay = "msmisim run " + shell_quote(r.path) + " --seed " + std::to_string(r.options.seed) +
             " --profile " + r.options.profile;
  for (const std::string& d : r.defect_args) r.replay += " --defect " + d;
  if (r.record && r.db_path != "msmisim.db") r.replay += " --db " + shell_quote(r.db_path);
  if (!r.options.postoffice_dir.empty()) {
    r.replay += " --postoffice " + shell_quote(r.options.postoffice_dir.string());
  }
  return kGoOn;
}

// Makes the --postoffice folder ready before anything is recorded; refuses a folder msmisim did
// not make. Without --postoffice the run needs nothing prepared here.
int prepare(RunRequest* r) {
  if (r->options.postoffice_dir.empty()) return kExitOk;
  const msmi::Status s = prepare_postoffice(r->options.postoffice_dir, r->scenario);
  if (!s.ok()) {
    std::cerr << "msmisim run: --postoffice " << s.message() << "\n";
    return kExitBadInput;
  }
  return kExitOk;
}

msmilog::RunRecord run_record(const RunRequest& r) {
  msmilog::RunRecord rec;
  rec.scenario = r.path;
  rec.scenario_text = r.scenario.text;
  rec.seed = r.options.seed;
  rec.profile = r.options.profile;
  msmi::DefectSet defects = msmi::find_profile(r.options.profile)->defects;
  for (const auto& [d, on] : r.scenario.defect_overrides) defects.set(d, on);
  rec.defects = defects.to_string();
  rec.started_at = now_iso();
  rec.computer = r.scenario.computer;
  rec.epoch_us = r.scenario.epoch_us;
  rec.msmisim_version = MSMISIM_VERSION;
  rec.command = r.replay;
  return rec;
}

// Writes what the run left (ledger, samples) and closes its `runs` row.
msmi::Status record_result(msmilog::EventStore& store, std::int64_t run_id,
                           std::unique_ptr<msmilog::EventWriter> writer, const RunResult& result,
                           const std::string& verdict) {
  msmi::Status s = writer->flush();
  writer.reset();
  if (s.ok()) s = store.write_ledger(run_id, ledger_rows(result));
  std::vector<msmilog::SampleRow> samples;
  for (const ThreadSample& t : result.samples) {
    samples.push_back({t.time_us, t.thread, t.role, t.busy_pct});
  }
  if (s.ok()) s = store.write_samples(run_id, samples);
  std::vector<msmilog::QueueSampleRow> queues;
  for (const QueueSample& q : result.queue_samples) {
    queues.push_back({q.time_us, q.inqueue3, q.p1_files, q.mta_queue, q.outbound_records});
  }
  if (s.ok()) s = store.write_queue_samples(run_id, queues);
  if (s.ok()) s = store.finish_run(run_id, verdict, now_iso(), result.virtual_duration_us);
  return s;
}

}  // namespace

int run_command(const std::vector<std::string>& args) {
  RunRequest r;
  if (int rc = read_request(args, &r); rc != kGoOn) return rc;
  if (int rc = prepare(&r); rc != kExitOk) return rc;

  std::unique_ptr<msmilog::EventStore> store;
  std::unique_ptr<msmilog::EventWriter> writer;
  std::int64_t run_id = 0;
  if (r.record) {
    msmi::Status s = msmilog::EventStore::open(r.db_path, &store);
    if (s.ok()) s = store->begin_run(run_record(r), &run_id);
    if (!s.ok()) {
      std::cerr << "msmisim run: event store: " << s.message() << "\n";
      return kExitStore;
    }
    writer = store->open_writer(run_id, r.scenario.computer, r.scenario.epoch_us);
    r.options.extra_sink = writer.get();
  }

  std::cout << "msmisim " << MSMISIM_VERSION << ": " << r.path
            << (r.scenario.kb.empty() ? "" : " (KB " + r.scenario.kb + ")") << "\n";
  if (!r.quiet && !r.scenario.description.empty()) std::cout << r.scenario.description << "\n";
  std::cout << "seed " << r.options.seed << ", profile " << r.options.profile << ", "
            << duration_text(r.scenario.duration_us) << " of virtual time\n";
  std::cout << "replay: " << r.replay << "\n" << std::flush;

  // Ctrl-C or a CI timeout stops the run cleanly: the run is recorded as interrupted.
  g_interrupted = 0;
  r.options.interrupted = &g_interrupted;
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  const auto wall_start = std::chrono::steady_clock::now();
  RunResult result;
  const msmi::Status s = run_scenario(r.scenario, r.options, &result);
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  if (!s.ok()) {
    std::cerr << "msmisim run: " << s.message() << "\n";
    return kExitBadInput;
  }
  const std::string verdict = result.interrupted                ? "interrupted"
                              : result.expectation_sets.empty() ? "no-expectations"
                              : result.passed()                 ? "pass"
                                                                : "fail";
  if (r.record) {
    const msmi::Status w = record_result(*store, run_id, std::move(writer), result, verdict);
    if (!w.ok()) {
      std::cerr << "msmisim run: event store: " << w.message() << "\n";
      return kExitStore;
    }
  }
  if (result.interrupted) {
    std::cout << "\nINTERRUPTED at " << duration_text(result.virtual_duration_us)
              << " of virtual time; " << result.events.size() << " events"
              << (r.record ? " recorded as run " + std::to_string(run_id) + " in " + r.db_path : "")
              << "\n";
    return kExitInterrupted;
  }
  if (r.quiet) {
    for (const ExpectationResult& e : result.expectations) {
      if (!e.passed) std::cout << "  FAIL " << e.what << ": " << e.actual << "\n";
    }
  } else {
    print_summary(r.scenario, result);
  }
  int passed = 0;
  for (const ExpectationResult& e : result.expectations) passed += e.passed ? 1 : 0;
  std::cout << "\n";
  if (verdict == "no-expectations") {
    std::cout << "DONE: no expectations for profile " << r.options.profile;
  } else {
    std::cout << (verdict == "pass" ? "PASS" : "FAIL") << ": " << passed << "/"
              << result.expectations.size() << " expectations held";
  }
  std::cout << "; " << plural(static_cast<std::int64_t>(result.events.size()), "event") << " in "
            << fixed(wall_s, 3) << " s wall time ("
            << fixed(wall_s > 0 ? static_cast<double>(result.events.size()) / wall_s : 0.0, 0)
            << " events/s)";
  if (r.record) std::cout << "; recorded as run " << run_id << " in " << r.db_path;
  std::cout << "\n";
  if (verdict == "fail") {
    std::cout << "replay: " << r.replay << "\n";
    return kExitExpectations;
  }
  return kExitOk;
}

}  // namespace msmisim::cli
