// msmisim run: runs a scenario, records it in the event store and prints what happened.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>

#include "cli_options.h"
#include "msmi/event_catalogue.h"
#include "msmilog/event_store.h"
#include "msmilog/time_format.h"
#include "msmisim/runner.h"
#include "msmisim/scenario_loader.h"

namespace msmisim::cli {
namespace fs = std::filesystem;

namespace {

constexpr const char* kRunHelp = R"(usage: msmisim run SCENARIO [options]

Runs SCENARIO (a JSON file) in virtual time against a shadow postoffice on disk, writes every
event to the event store and checks the scenario's expectations for the profile it ran under.
Prints the seed and the command that replays the run exactly.

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
  std::cout << "\nLedger: " << r.ledger.size() << " messages — delivered "
            << fates[msmi::Fate::kDelivered] << ", ndr " << fates[msmi::Fate::kNdr]
            << ", quarantined " << fates[msmi::Fate::kQuarantined] << ", pending "
            << fates[msmi::Fate::kPending] << ", lost " << fates[msmi::Fate::kLost] << "\n";
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
      inqueue += pad(std::to_string(q.inqueue3), 6);
    }
    std::cout << "\nQueues over time:\n  " << pad("time", 12) << times << "\n  "
              << pad("P1 files", 12) << p1 << "\n  " << pad("INQUEUE3", 12) << inqueue << "\n";
  }
  std::cout << "\nAt the end: MSMI service " << (r.service_running ? "running" : "stopped")
            << (r.crashes > 0 ? " (" + std::to_string(r.crashes) + " crash(es))" : "")
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

int run_command(const std::vector<std::string>& args) {
  po::options_description options("options");
  // clang-format off
  options.add_options()
      ("help,h", "show this help")
      ("db", po::value<std::string>()->default_value("msmisim.db"),
       "event store (SQLite) to record the run in")
      ("no-db", "do not record the run")
      ("seed", po::value<std::uint64_t>(), "seed (default: the scenario's own)")
      ("profile", po::value<std::string>(),
       "build to simulate: exchange-4.0, exchange-5.0, exchange-5.0-sp1, hardened")
      ("defect", po::value<std::vector<std::string>>()->composing(),
       "override one defect: Q151791=on|off (repeatable)")
      ("postoffice", po::value<std::string>(),
       "shadow postoffice folder to use and keep (default: a temporary one)")
      ("quiet,q", "print only the seed, the replay command and the verdict");
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
  const std::string path = vm["scenario"].as<std::string>();
  Scenario scenario;
  LoadError error;
  if (!load_scenario_file(path, &scenario, &error)) {
    std::cerr << "msmisim run: " << error.to_string() << "\n";
    return kExitBadInput;
  }
  std::vector<std::string> defect_args;
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
      scenario.defect_overrides[defect] = value == "on";
      defect_args.push_back(d);
    }
  }
  RunOptions options_run;
  options_run.seed = vm.count("seed") ? vm["seed"].as<std::uint64_t>() : default_seed(scenario);
  options_run.profile = vm.count("profile") ? vm["profile"].as<std::string>() : scenario.profile;
  if (!msmi::find_profile(options_run.profile)) {
    std::cerr << "msmisim run: --profile " << options_run.profile
              << ": unknown profile (known: " << msmi::profile_names() << ")\n";
    return kExitBadInput;
  }
  bool temporary_postoffice = false;
  if (vm.count("postoffice")) {
    options_run.postoffice_dir = vm["postoffice"].as<std::string>();
  } else {
    std::string pattern = (fs::temp_directory_path() / "msmisim-po-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      std::cerr << "msmisim run: cannot create a temporary postoffice folder in "
                << fs::temp_directory_path() << "\n";
      return kExitBadInput;
    }
    options_run.postoffice_dir = pattern;
    temporary_postoffice = true;
  }

  std::string replay = "msmisim run " + shell_quote(path) + " --seed " +
                       std::to_string(options_run.seed) + " --profile " + options_run.profile;
  for (const std::string& d : defect_args) replay += " --defect " + d;
  const bool record = !vm.count("no-db");
  const std::string db_path = vm["db"].as<std::string>();
  if (record && db_path != "msmisim.db") replay += " --db " + shell_quote(db_path);

  std::unique_ptr<msmilog::EventStore> store;
  std::unique_ptr<msmilog::EventWriter> writer;
  std::int64_t run_id = 0;
  if (record) {
    msmi::Status s = msmilog::EventStore::open(db_path, &store);
    if (s.ok()) {
      msmilog::RunRecord rec;
      rec.scenario = path;
      rec.scenario_text = scenario.text;
      rec.seed = options_run.seed;
      rec.profile = options_run.profile;
      msmi::DefectSet defects = msmi::find_profile(options_run.profile)->defects;
      for (const auto& [d, on] : scenario.defect_overrides) defects.set(d, on);
      rec.defects = defects.to_string();
      rec.started_at = now_iso();
      rec.computer = scenario.computer;
      rec.epoch_us = scenario.epoch_us;
      rec.msmisim_version = MSMISIM_VERSION;
      rec.command = replay;
      s = store->begin_run(rec, &run_id);
    }
    if (!s.ok()) {
      std::cerr << "msmisim run: event store: " << s.to_string() << "\n";
      if (temporary_postoffice) fs::remove_all(options_run.postoffice_dir);
      return kExitStore;
    }
    writer = store->open_writer(run_id, scenario.computer, scenario.epoch_us);
    options_run.extra_sink = writer.get();
  }

  std::cout << "msmisim " << MSMISIM_VERSION << ": " << path
            << (scenario.kb.empty() ? "" : " (KB " + scenario.kb + ")") << "\n";
  if (!scenario.description.empty()) std::cout << scenario.description << "\n";
  std::cout << "seed " << options_run.seed << ", profile " << options_run.profile << ", "
            << duration_text(scenario.duration_us) << " of virtual time\n";
  std::cout << "replay: " << replay << "\n" << std::flush;

  const auto wall_start = std::chrono::steady_clock::now();
  RunResult result;
  msmi::Status s = run_scenario(scenario, options_run, &result);
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  if (temporary_postoffice) {
    std::error_code ec;
    fs::remove_all(options_run.postoffice_dir, ec);
  }
  if (!s.ok()) {
    std::cerr << "msmisim run: " << s.to_string() << "\n";
    return kExitBadInput;
  }
  const std::string verdict = result.expectation_sets.empty() ? "no-expectations"
                              : result.passed()               ? "pass"
                                                              : "fail";
  if (record) {
    msmi::Status w = writer->flush();
    writer.reset();
    if (w.ok()) w = store->write_ledger(run_id, ledger_rows(result));
    std::vector<msmilog::SampleRow> samples;
    for (const ThreadSample& t : result.samples)
      samples.push_back({t.time_us, t.thread, t.role, t.busy_pct});
    if (w.ok()) w = store->write_samples(run_id, samples);
    std::vector<msmilog::QueueSampleRow> queues;
    for (const QueueSample& q : result.queue_samples) {
      queues.push_back({q.time_us, q.inqueue3, q.p1_files, q.mta_queue, q.outbound_records});
    }
    if (w.ok()) w = store->write_queue_samples(run_id, queues);
    if (w.ok()) w = store->finish_run(run_id, verdict, now_iso(), result.virtual_duration_us);
    if (!w.ok()) {
      std::cerr << "msmisim run: event store: " << w.to_string() << "\n";
      return kExitStore;
    }
  }
  if (!vm.count("quiet")) print_summary(scenario, result);
  int passed = 0;
  for (const ExpectationResult& e : result.expectations) passed += e.passed ? 1 : 0;
  std::cout << "\n"
            << (verdict == "pass"   ? "PASS"
                : verdict == "fail" ? "FAIL"
                                    : "DONE")
            << ": " << passed << "/" << result.expectations.size() << " expectations held; "
            << result.events.size() << " events in " << fixed(wall_s, 3) << " s wall time ("
            << fixed(wall_s > 0 ? static_cast<double>(result.events.size()) / wall_s : 0.0, 0)
            << " events/s)";
  if (record) std::cout << "; recorded as run " << run_id << " in " << db_path;
  std::cout << "\n";
  if (verdict == "fail") {
    std::cout << "replay: " << replay << "\n";
    return kExitExpectations;
  }
  return kExitOk;
}

}  // namespace msmisim::cli
