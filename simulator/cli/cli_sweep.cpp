// msmisim sweep: runs scenarios over a range of seeds, several at a time, records every run and
// prints the failing ones with the command that replays each.
//
// Threads: each run builds its own World and engine (runner.h) from a Scenario it only reads,
// so runs share no mutable state. Worker threads run them; the main thread alone owns the event
// store and records the finished runs in job order (scenario by scenario, seed by seed), so run
// ids, the store and everything printed on stdout are the same whatever -j is. With -j 1 there
// are no worker threads: each run is run and recorded in turn.
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include "cli_options.h"
#include "cli_record.h"
#include "msmilog/event_store.h"
#include "msmilog/event_writer.h"
#include "msmilog/sha256.h"
#include "msmilog/store_wait.h"
#include "msmireport/run_report.h"
#include "msmireport/sweep_report.h"
#include "msmisim/run_overrides.h"
#include "msmisim/runner.h"
#include "msmisim/scenario_loader.h"
#include "msmisim/seed_list.h"
#include "msmisim/swarm.h"
#include "run_recording.h"

namespace msmisim::cli {
namespace {

constexpr const char* kSweepHelp = R"(usage: msmisim sweep SCENARIO... --seeds LIST [options]

Runs every SCENARIO with every seed of LIST (e.g. 1..100, 7, or 1..100,200,300..310), -j runs at
a time, records each run in the event store as 'msmisim run' does, and prints the failing
(scenario, seed) pairs with their broken expectations or invariants and the command that replays
each. A progress bar on a terminal, plain lines every 5 % (and for every failure) otherwise.

--swarm also gives each seed its own configuration (swarm testing): a random subset of the
scenario's optional fault rules ("optional": true) and a random number of CPUs, logging level
and poll/refresh intervals, drawn from the seed. The run records the variant scenario it ran,
so it replays without the swarm; the variant is judged by the invariants alone.

--shard i/n runs only the i-th of n slices of the seeds: the k-th seed of the list (counting
from 0) belongs to shard k mod n + 1, so the n shards together run every seed once. Join their
stores with 'msmisim merge'.

exit codes: 0 every run passed, 1 a run failed, 2 bad input, 3 event store unusable,
            5 no run had expectations for its profile (and no --swarm): nothing was tested,
            130 interrupted (the last line says SWEEP INTERRUPTED)

example:
  msmisim sweep scenarios/kb/Q151791.json --seeds 1..200 -j 2
  msmisim sweep scenarios/regression/swarm-hardened.json --seeds 1..1000 --swarm --shard 1/4

)";

volatile std::sig_atomic_t g_interrupted = 0;
extern "C" void on_sweep_interrupt(int) {
  g_interrupted = 1;
  msmilog::stop_store_waits();  // a wait for another writer of the store ends too
}

struct LoadedScenario {
  std::string path;
  Scenario scenario;
  std::string profile;  // the profile its runs use
};

struct SweepRequest {
  std::vector<LoadedScenario> scenarios;
  std::vector<std::uint64_t> seeds;  // this shard's
  int jobs = 1;
  bool swarm = false;
  std::string profile;  // --profile, or "" for each scenario's own
  std::vector<std::string> defect_args;
  std::map<msmi::Defect, bool> defects;
  bool record = true;
  std::string db_path;
  std::string seeds_text;  // --seeds as given
  std::string shard_text;  // --shard as given, or ""
  std::string command;     // the sweep's command line, shell-quoted
};

struct Job {
  std::size_t scenario = 0;
  std::uint64_t seed = 0;
};

// A finished run, waiting to be recorded.
struct JobOutcome {
  std::string error;              // the run could not be made (a swarm variant that fails)
  std::unique_ptr<Scenario> own;  // the swarm variant, when there is one
  const Scenario* scenario = nullptr;
  RunResult result;
  // With a store: result.events made rows by the worker, so the one thread that records has
  // only the store's work left (result.events is then empty).
  std::vector<msmilog::EventRow> rows;
  std::string started_at;
};

constexpr int kGoOn = -1;

int bad(const std::string& message) {
  std::cerr << "msmisim sweep: " << message << "\nTry 'msmisim sweep --help'.\n";
  return kExitBadInput;
}

int read_request(const std::vector<std::string>& args, SweepRequest* request) {
  po::options_description options("options");
  const std::string profile_help =
      "build to simulate (default: each scenario's own): " + msmi::profile_names();
  // clang-format off
  options.add_options()
      ("help,h", "show this help")
      ("seeds", po::value<std::string>(), "seeds to run: 1..100, 7, or 1..100,200,300..310")
      ("jobs,j", po::value<int>()->default_value(1), "runs at a time (1 to 256)")
      ("swarm", "give each seed a random configuration and subset of the optional fault rules")
      ("shard", po::value<std::string>(), "run only slice i of n of the seeds: i/n, e.g. 2/4")
      ("db", po::value<std::string>()->default_value("msmisim.db"),
       "event store (SQLite) to record the runs in")
      ("no-db", "do not record the runs")
      ("profile", po::value<std::string>(), profile_help.c_str())
      ("defect", po::value<std::vector<std::string>>()->composing(),
       "override one defect in every run: Q151791=on|off (repeatable)");
  // clang-format on
  po::options_description hidden;
  hidden.add_options()("scenario", po::value<std::vector<std::string>>());
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description positional;
  positional.add("scenario", -1);
  po::variables_map vm;
  int exit_code = kExitOk;
  if (!parse_command_line("sweep", args, options, all, positional, kSweepHelp, &vm, &exit_code)) {
    return exit_code;
  }
  SweepRequest& r = *request;
  if (!vm.count("scenario")) return bad("missing SCENARIO");
  if (!vm.count("seeds")) return bad("missing --seeds, e.g. --seeds 1..100");
  const std::string seeds_text = vm["seeds"].as<std::string>();
  r.seeds_text = seeds_text;
  r.command = "msmisim sweep";
  for (const std::string& a : args) r.command += " " + shell_quote(a);
  msmi::Status s = parse_seed_list(seeds_text, &r.seeds);
  if (!s.ok()) return bad("--seeds " + seeds_text + ": " + s.message());
  if (vm.count("shard")) {
    const std::string shard_text = vm["shard"].as<std::string>();
    r.shard_text = shard_text;
    Shard shard;
    s = parse_shard(shard_text, &shard);
    if (!s.ok()) return bad("--shard " + shard_text + ": " + s.message());
    const std::size_t all = r.seeds.size();
    r.seeds = shard_seeds(r.seeds, shard);
    if (r.seeds.empty()) {
      std::cerr << "msmisim sweep: warning: shard " << shard_text << " of " << all
                << " seed(s) holds none: there are more shards than seeds\n";
    }
  }
  r.jobs = vm["jobs"].as<int>();
  if (r.jobs < 1 || r.jobs > 256) {
    return bad("--jobs " + std::to_string(r.jobs) + ": expected 1 to 256 runs at a time");
  }
  r.swarm = vm.count("swarm") != 0;
  if (vm.count("profile")) {
    r.profile = vm["profile"].as<std::string>();
    if (!msmi::find_profile(r.profile)) {
      return bad("--profile " + r.profile + ": unknown profile (known: " + msmi::profile_names() +
                 ")");
    }
  }
  if (vm.count("defect")) {
    for (const std::string& d : vm["defect"].as<std::vector<std::string>>()) {
      const std::size_t eq = d.find('=');
      msmi::Defect defect;
      const std::string value = eq == std::string::npos ? "" : d.substr(eq + 1);
      if (eq == std::string::npos || !msmi::parse_defect(d.substr(0, eq), defect) ||
          (value != "on" && value != "off")) {
        return bad("--defect " + d + ": expected NAME=on or NAME=off with NAME one of " +
                   msmi::defect_names());
      }
      r.defects[defect] = value == "on";
      r.defect_args.push_back(d);
    }
  }
  for (const std::string& path : vm["scenario"].as<std::vector<std::string>>()) {
    LoadedScenario loaded;
    loaded.path = path;
    LoadError error;
    if (!load_scenario_file(path, &loaded.scenario, &error)) {
      std::cerr << "msmisim sweep: " << error.to_string() << "\n";
      return kExitBadInput;
    }
    for (const auto& [d, on] : r.defects) loaded.scenario.defect_overrides[d] = on;
    loaded.profile = r.profile.empty() ? loaded.scenario.profile : r.profile;
    r.scenarios.push_back(std::move(loaded));
  }
  r.record = !vm.count("no-db");
  r.db_path = vm["db"].as<std::string>();
  return kGoOn;
}

// The command that runs (scenario, seed) again: `msmisim run` for a plain run; for a swarm run
// the one-seed sweep that makes the same variant.
std::string replay_command(const SweepRequest& r, const LoadedScenario& s, std::uint64_t seed) {
  std::string out =
      r.swarm
          ? "msmisim sweep " + shell_quote(s.path) + " --seeds " + std::to_string(seed) + " --swarm"
          : "msmisim run " + shell_quote(s.path) + " --seed " + std::to_string(seed);
  out += " --profile " + s.profile;
  for (const std::string& d : r.defect_args) out += " --defect " + d;
  if (!r.record) {
    out += " --no-db";
  } else if (r.db_path != "msmisim.db") {
    out += " --db " + shell_quote(r.db_path);
  }
  return out;
}

JobOutcome execute(const SweepRequest& r, const Job& job) {
  JobOutcome o;
  o.started_at = now_iso();
  const LoadedScenario& base = r.scenarios[job.scenario];
  o.scenario = &base.scenario;
  if (r.swarm) {
    std::string text;
    msmi::Status s = swarm_variant(base.scenario.text, job.seed, &text, nullptr);
    auto variant = std::make_unique<Scenario>();
    LoadError error;
    if (!s.ok()) {
      o.error = "swarm variant: " + s.message();
      return o;
    }
    if (!parse_scenario(text, base.path, variant.get(), &error)) {
      o.error = "swarm variant: " + error.to_string();
      return o;
    }
    for (const auto& [d, on] : r.defects) variant->defect_overrides[d] = on;
    o.own = std::move(variant);
    o.scenario = o.own.get();
  }
  RunOptions options;
  options.seed = job.seed;
  options.profile = base.profile;
  options.interrupted = &g_interrupted;
  // Without a store nothing reads the events: the expectations count them as they are written.
  options.keep_events = r.record;
  const msmi::Status s = run_scenario(*o.scenario, options, &o.result);
  if (!s.ok()) o.error = s.message();
  if (s.ok() && r.record) {
    o.rows.reserve(o.result.events.size());
    for (msmi::Event& e : o.result.events) o.rows.push_back(msmilog::event_row(std::move(e)));
    o.result.events = {};
  }
  return o;
}

// Prints progress on stderr: a bar redrawn in place on a terminal, else a line every 5 % and one
// for every failure.
class ProgressPrinter {
 public:
  ProgressPrinter(std::int64_t total, bool terminal)
      : terminal_(terminal), start_(std::chrono::steady_clock::now()) {
    progress_.total = total;
  }
  double elapsed_s() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  void finished(bool failed, const std::string& what) {
    ++progress_.done;
    if (failed) ++progress_.failed;
    progress_.elapsed_s = elapsed_s();
    if (terminal_) {
      const bool last = progress_.done == progress_.total;
      if (!last && progress_.elapsed_s - last_draw_s_ < 0.1) return;
      last_draw_s_ = progress_.elapsed_s;
      std::cerr << "\r\x1b[K" << msmireport::progress_bar(progress_) << (last ? "\n" : "")
                << std::flush;
      return;
    }
    if (failed) std::cerr << "sweep: FAILED " << what << "\n";
    const std::int64_t step = progress_.total > 0 ? progress_.done * 20 / progress_.total : 20;
    if (step != last_step_ || progress_.done == progress_.total) {
      last_step_ = step;
      std::cerr << msmireport::progress_line(progress_) << "\n";
    }
  }
  void stop() {
    if (terminal_ && progress_.done != progress_.total) std::cerr << "\n";
  }

 private:
  bool terminal_;
  std::chrono::steady_clock::time_point start_;
  msmireport::SweepProgress progress_;
  double last_draw_s_ = -1.0;
  std::int64_t last_step_ = 0;
};

}  // namespace

int sweep_command(const std::vector<std::string>& args) {
  SweepRequest r;
  if (int rc = read_request(args, &r); rc != kGoOn) return rc;

  std::unique_ptr<msmilog::EventStore> store;
  if (r.record) {
    const msmi::Status s = msmilog::EventStore::open(r.db_path, &store);
    if (!s.ok()) {
      std::cerr << "msmisim sweep: event store: " << s.message() << "\n";
      return kExitStore;
    }
  }
  std::vector<Job> jobs;
  for (std::size_t i = 0; i < r.scenarios.size(); ++i) {
    for (std::uint64_t seed : r.seeds) jobs.push_back({i, seed});
  }
  // The sweep's own row, which its runs point at ('msmisim report --sweep').
  std::int64_t sweep_id = 0;
  if (r.record) {
    msmilog::SweepRecord sweep;
    sweep.command = r.command;
    for (const LoadedScenario& s : r.scenarios) sweep.scenarios += s.path + "\n";
    sweep.seeds = r.seeds_text;
    sweep.profile = r.profile;
    sweep.swarm = r.swarm;
    sweep.shard = r.shard_text;
    sweep.planned = static_cast<std::int64_t>(jobs.size());
    sweep.started_at = now_iso();
    sweep.msmisim_version = MSMISIM_VERSION;
    const msmi::Status s = store->begin_sweep(sweep, &sweep_id);
    if (!s.ok()) {
      std::cerr << "msmisim sweep: event store: " << s.message() << "\n";
      return kExitStore;
    }
  }
  const int workers = static_cast<int>(std::min<std::size_t>(
      static_cast<std::size_t>(r.jobs), std::max<std::size_t>(jobs.size(), 1)));
  std::cerr << "msmisim sweep: " << r.scenarios.size() << " scenario(s) x " << r.seeds.size()
            << " seed(s) = " << jobs.size() << " runs, " << workers << " at a time"
            << (r.swarm ? ", swarm" : "") << "\n";

  ProgressPrinter progress(static_cast<std::int64_t>(jobs.size()), ::isatty(STDERR_FILENO) == 1);
  msmireport::SweepTally tally;
  tally.db_path = r.record ? r.db_path : "";
  tally.planned = static_cast<std::int64_t>(jobs.size());
  tally.swarm = r.swarm;
  std::vector<msmireport::SweepFailure> failures;
  msmi::Status store_error;

  // Records one finished run (main thread only) and counts it.
  auto settle = [&](const Job& job, JobOutcome& o) {
    const LoadedScenario& s = r.scenarios[job.scenario];
    const std::string replay = replay_command(r, s, job.seed);
    std::optional<std::int64_t> run_id;
    std::string verdict = "fail";
    std::ostringstream broken;
    if (!o.error.empty()) {
      broken << "  ERROR " << o.error << "\n";
    } else {
      verdict = verdict_of(o.result);
      if (r.record && store_error.ok()) {
        msmilog::RunRecord rec;
        rec.scenario = s.path;
        rec.scenario_text = o.scenario->text;
        rec.seed = job.seed;
        rec.profile = s.profile;
        rec.defects = o.result.defects.to_string();
        rec.started_at = o.started_at;
        rec.computer = o.scenario->computer;
        rec.epoch_us = o.scenario->epoch_us;
        rec.msmisim_version = MSMISIM_VERSION;
        rec.command = replay;
        rec.options = to_json(RunOverrides{r.defect_args, {}});
        rec.file_sha256 =
            msmilog::sha256_hex(s.scenario.text);  // the file as read, not the variant
        rec.kb = o.scenario->kb;
        rec.sweep_id = sweep_id;
        std::int64_t id = 0;
        store_error = record_finished_run(*store, rec, *o.scenario, o.result, &id, &o.rows);
        if (store_error.ok()) run_id = id;
      }
      msmireport::render_failed_expectations(o.result, broken);
    }
    ++tally.runs;
    if (verdict == "pass") ++tally.passed;
    if (verdict == "no-expectations") ++tally.no_expectations;
    if (verdict == "interrupted") ++tally.interrupted;
    const bool failed = verdict == "fail";
    if (failed) {
      ++tally.failed;
      failures.push_back({s.path, job.seed, run_id, broken.str(), replay});
    }
    progress.finished(failed, s.path + " seed " + std::to_string(job.seed));
  };

  g_interrupted = 0;
  std::signal(SIGINT, on_sweep_interrupt);
  std::signal(SIGTERM, on_sweep_interrupt);
  const auto keep_going = [&] { return g_interrupted == 0 && store_error.ok(); };
  if (workers <= 1) {
    for (const Job& job : jobs) {
      if (!keep_going()) break;
      JobOutcome o = execute(r, job);
      settle(job, o);
    }
  } else {
    // Workers take jobs in order; finished runs wait in `done` until every earlier one has been
    // recorded. A worker runs at most `window` jobs ahead of the recorder, which bounds memory.
    std::mutex mu;
    std::condition_variable cv;
    std::size_t next_job = 0;
    std::size_t next_record = 0;
    int running = workers;
    bool stop = false;
    const std::size_t window = 2 * static_cast<std::size_t>(workers) + 2;
    std::map<std::size_t, JobOutcome> done;
    std::vector<std::thread> threads;
    for (int w = 0; w < workers; ++w) {
      threads.emplace_back([&] {
        for (;;) {
          std::size_t index = 0;
          {
            std::unique_lock<std::mutex> lock(mu);
            cv.wait(lock, [&] {
              return stop || next_job >= jobs.size() || next_job < next_record + window;
            });
            if (stop || next_job >= jobs.size() || g_interrupted != 0) break;
            index = next_job++;
          }
          JobOutcome o = execute(r, jobs[index]);
          std::lock_guard<std::mutex> lock(mu);
          done.emplace(index, std::move(o));
          cv.notify_all();
        }
        std::lock_guard<std::mutex> lock(mu);
        --running;
        cv.notify_all();
      });
    }
    while (next_record < jobs.size()) {
      JobOutcome o;
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return done.count(next_record) != 0 || running == 0; });
        const auto it = done.find(next_record);
        if (it == done.end()) break;  // the workers stopped (interrupted)
        o = std::move(it->second);
        done.erase(it);
      }
      settle(jobs[next_record], o);
      std::lock_guard<std::mutex> lock(mu);
      ++next_record;
      if (!keep_going()) stop = true;
      cv.notify_all();
    }
    {
      std::lock_guard<std::mutex> lock(mu);
      stop = true;
      cv.notify_all();
    }
    for (std::thread& t : threads) t.join();
  }
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  progress.stop();
  const double wall_s = progress.elapsed_s();

  if (!store_error.ok() && store_error.is_busy() && g_interrupted != 0) {
    // Ctrl-C ended a wait for another process writing the store: the runs recorded before it
    // stay, and the next open of the store closes the sweep as interrupted.
    std::cerr << "msmisim sweep: interrupted while waiting for another process writing "
              << r.db_path << "\n";
    return kExitInterrupted;
  }
  if (!store_error.ok()) {
    std::cerr << "msmisim sweep: event store: " << store_error.message() << "\n";
    return kExitStore;
  }
  const bool interrupted =
      g_interrupted != 0 || tally.runs < static_cast<std::int64_t>(jobs.size());
  if (r.record) {
    const msmireport::SweepOutcome outcome = msmireport::sweep_outcome(tally);
    const char* verdict = interrupted                                           ? "interrupted"
                          : outcome == msmireport::SweepOutcome::kFail          ? "fail"
                          : outcome == msmireport::SweepOutcome::kNothingTested ? "no-expectations"
                                                                                : "pass";
    const msmi::Status s = store->finish_sweep(sweep_id, verdict, now_iso());
    if (!s.ok()) {
      std::cerr << "msmisim sweep: event store: " << s.message() << "\n";
      return kExitStore;
    }
  }
  msmireport::render_sweep_failures(failures, std::cout);
  msmireport::render_sweep_tally(tally, std::cout);
  char rate[64];
  std::snprintf(rate, sizeof rate, "%.2f s, %.1f runs/s", wall_s,
                wall_s > 0 ? static_cast<double>(tally.runs) / wall_s : 0.0);
  std::cerr << "msmisim sweep: " << tally.runs << " runs in " << rate << " with -j " << workers
            << "\n";
  if (interrupted) {
    std::cerr << "msmisim sweep: interrupted after " << tally.runs << " of " << jobs.size()
              << " runs\n";
    return kExitInterrupted;
  }
  switch (msmireport::sweep_outcome(tally)) {
    case msmireport::SweepOutcome::kFail:
      return kExitExpectations;
    case msmireport::SweepOutcome::kNothingTested:
      return kExitNoExpectations;
    default:
      return kExitOk;
  }
}

}  // namespace msmisim::cli
