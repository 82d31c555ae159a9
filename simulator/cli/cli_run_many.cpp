// msmisim run on a folder or several scenario files, the command a CI job calls: every scenario
// under every profile its expectations name, one line per run as it finishes, a tally, and the
// JUnit XML and Markdown reports.
//
// Runs go one at a time in path order, then profile order (the scenario's own profile first),
// so the lines, the run ids and the reports come out the same on every machine; only the wall
// times differ.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>
#include <sstream>

#include "cli_output.h"
#include "cli_record.h"
#include "cli_run.h"
#include "msmi/text_record.h"
#include "msmilog/store_wait.h"
#include "msmireport/ci_run.h"
#include "msmireport/html_report.h"
#include "msmireport/junit_report.h"
#include "msmireport/markdown_report.h"
#include "msmisim/run_overrides.h"
#include "msmisim/runner.h"
#include "msmisim/scenario_loader.h"
#include "run_recording.h"

namespace msmisim::cli {
namespace {

namespace fs = std::filesystem;

// The first Ctrl-C asks to stop after the current run; a second one, or SIGTERM (a CI timeout,
// which will not wait long), stops the current run too, which is then recorded as interrupted.
volatile std::sig_atomic_t g_stop = 0;
volatile std::sig_atomic_t g_abort_run = 0;
extern "C" void on_many_interrupt(int signal) {
  if (g_stop != 0 || signal == SIGTERM) {
    g_abort_run = 1;
    msmilog::stop_store_waits();  // a wait for another writer of the store ends too
  }
  g_stop = 1;
}

struct ManyRequest {
  std::vector<std::string> defect_args;
  std::vector<std::string> fault_args;
  std::optional<std::uint64_t> seed;
  std::string profile;  // --profile, or "" for the profiles each scenario names
  bool record = true;
  std::string db_path;
  bool quiet = false;
  std::string junit_path;
  std::string markdown_path;
};

// A scenario file and what to do with it: its runs' profiles, or why it cannot run.
struct Planned {
  std::string path;
  Scenario scenario;
  std::vector<std::string> profiles;
  std::string error;  // the loader's (or an override's) message: the scenario does not run
};

std::string plural_of(std::size_t n, const std::string& noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

int bad(const std::string& message) {
  std::cerr << "msmisim run: " << message << "\nTry 'msmisim run --help'.\n";
  return kExitBadInput;
}

int read_many_request(const po::variables_map& vm, ManyRequest* r) {
  if (vm.count("check-determinism")) {
    return bad("--check-determinism takes one scenario file, not a folder or several files");
  }
  if (vm.count("postoffice")) {
    return bad("--postoffice takes one scenario file, not a folder or several files");
  }
  if (vm.count("postoffice-fsync")) {
    return bad("--postoffice-fsync needs --postoffice DIR, which takes one scenario file");
  }
  if (vm.count("seed")) {
    const std::string text = vm["seed"].as<std::string>();
    std::int64_t seed = 0;
    if (!msmi::parse_whole_number(text, 10, &seed)) {
      return bad("--seed " + text + ": expected a whole number from 0 to 9223372036854775807");
    }
    r->seed = static_cast<std::uint64_t>(seed);
  }
  if (vm.count("profile")) {
    r->profile = vm["profile"].as<std::string>();
    if (!msmi::find_profile(r->profile)) {
      return bad("--profile " + r->profile + ": unknown profile (known: " + msmi::profile_names() +
                 ")");
    }
  }
  // Each override is tried on an empty scenario first, so a mistake in one is reported once,
  // as a bad argument, rather than as a failure of every scenario.
  if (vm.count("defect")) {
    for (const std::string& d : vm["defect"].as<std::vector<std::string>>()) {
      Scenario probe;
      if (const msmi::Status s = apply_defect_override(d, &probe); !s.ok()) return bad(s.message());
      r->defect_args.push_back(d);
    }
  }
  if (vm.count("fault")) {
    for (const std::string& f : vm["fault"].as<std::vector<std::string>>()) {
      Scenario probe;
      int column = 0;
      const msmi::Status s = apply_fault_override(f, &probe, &column);
      if (!s.ok() && column > 0) {
        return bad("--fault: " + s.message() + " at column " + std::to_string(column));
      }
      r->fault_args.push_back(f);
    }
  }
  r->record = !vm.count("no-db");
  r->db_path = vm["db"].as<std::string>();
  r->quiet = vm.count("quiet") != 0;
  // Checked before any run: a CI job should not learn after an hour of runs that a report
  // cannot be written, or that it would be written over the store or the other report.
  std::vector<std::pair<std::string, std::string>> inputs;
  if (r->record) inputs.emplace_back(r->db_path, "the event store");
  if (vm.count("junit")) {
    r->junit_path = vm["junit"].as<std::string>();
    if (r->junit_path.empty()) return bad("--junit needs a file name");
    const std::string why = output_refusal(r->junit_path, inputs);
    if (!why.empty()) return bad("--junit " + r->junit_path + ": " + why);
    inputs.emplace_back(r->junit_path, "the --junit file");
  }
  if (vm.count("markdown")) {
    r->markdown_path = vm["markdown"].as<std::string>();
    if (r->markdown_path.empty()) return bad("--markdown needs a file name");
    const std::string why = output_refusal(r->markdown_path, inputs);
    if (!why.empty()) return bad("--markdown " + r->markdown_path + ": " + why);
  }
  return kExitOk;
}

// Every scenario file the arguments name, in argument order; a folder's *.json files
// recursively, sorted by path. Anything that does not exist is a bad argument.
int expand_paths(const std::vector<std::string>& args, std::vector<std::string>* files) {
  for (const std::string& arg : args) {
    std::error_code ec;
    const fs::file_status status = fs::status(arg, ec);
    if (ec || !fs::exists(status)) return bad(arg + ": no such file or folder");
    if (!fs::is_directory(status)) {
      files->push_back(arg);
      continue;
    }
    std::vector<std::string> found;
    for (auto it = fs::recursive_directory_iterator(arg, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->path().extension() == ".json" && it->is_regular_file(ec)) {
        found.push_back(it->path().lexically_normal().generic_string());
      }
    }
    if (ec) return bad(arg + ": " + ec.message());
    if (found.empty()) return bad(arg + ": no *.json scenario in this folder");
    std::sort(found.begin(), found.end());
    files->insert(files->end(), found.begin(), found.end());
  }
  // A file named twice (directly and through its folder, or spelled two ways) runs once, where
  // it first came.
  std::vector<std::string> unique;
  std::set<fs::path> seen;
  for (const std::string& file : *files) {
    std::error_code ec;
    fs::path key = fs::weakly_canonical(fs::absolute(file, ec), ec);
    if (ec) key = file;
    if (seen.insert(key).second) unique.push_back(file);
  }
  files->swap(unique);
  return kExitOk;
}

// The profiles a scenario runs under: --profile alone, else each profile its expectations name
// (its own first), else its own.
std::vector<std::string> profiles_of(const Scenario& scenario, const std::string& forced) {
  if (!forced.empty()) return {forced};
  std::vector<std::string> named;
  for (const auto& [profile, block] : scenario.expectations) {
    if (profile != "*") named.push_back(profile);
  }
  if (named.empty()) return {scenario.profile};
  const auto own = std::find(named.begin(), named.end(), scenario.profile);
  if (own != named.end()) std::rotate(named.begin(), own, own + 1);
  return named;
}

Planned plan(const std::string& path, const ManyRequest& r) {
  Planned p;
  p.path = path;
  LoadError error;
  if (!load_scenario_file(path, &p.scenario, &error)) {
    p.error = error.to_string();
    return p;
  }
  for (const std::string& d : r.defect_args) {
    if (const msmi::Status s = apply_defect_override(d, &p.scenario); !s.ok()) {
      p.error = path + ": --defect " + d + ": " + s.message();
      return p;
    }
  }
  for (const std::string& f : r.fault_args) {
    int column = 0;
    if (const msmi::Status s = apply_fault_override(f, &p.scenario, &column); !s.ok()) {
      p.error = path + ": --fault " + f + ": " + s.message();
      return p;
    }
  }
  p.profiles = profiles_of(p.scenario, r.profile);
  return p;
}

// Writes `text` to `path` through `path`.tmp and a rename, so a reader never sees half a file.
bool write_atomically(const std::string& path, const std::string& text, const char* option) {
  const msmi::Status s = msmireport::write_file_atomically(path, text);
  if (!s.ok()) std::cerr << "msmisim run: " << option << " " << s.message() << "\n";
  return s.ok();
}

}  // namespace

int run_many(const po::variables_map& vm, const std::vector<std::string>& paths) {
  const auto wall_start = std::chrono::steady_clock::now();
  ManyRequest r;
  if (int rc = read_many_request(vm, &r); rc != kExitOk) return rc;
  std::vector<std::string> files;
  if (int rc = expand_paths(paths, &files); rc != kExitOk) return rc;
  for (const std::string& file : files) {
    for (const auto& [option, output] :
         {std::pair{"--junit", r.junit_path}, std::pair{"--markdown", r.markdown_path}}) {
      if (!output.empty() && same_file(output, file)) {
        return bad(std::string(option) + " " + output + ": is the scenario " + file + " itself");
      }
    }
  }

  std::vector<Planned> planned;
  std::int64_t planned_runs = 0;
  for (const std::string& file : files) {
    planned.push_back(plan(file, r));
    planned_runs += planned.back().error.empty()
                        ? static_cast<std::int64_t>(planned.back().profiles.size())
                        : 1;
  }

  std::unique_ptr<msmilog::EventStore> store;
  if (r.record) {
    const msmi::Status s = msmilog::EventStore::open(r.db_path, &store);
    if (!s.ok()) {
      std::cerr << "msmisim run: event store: " << s.message() << "\n";
      return kExitStore;
    }
  }

  // From here on a signal is answered by stopping cleanly (said on stderr just below).
  g_stop = 0;
  g_abort_run = 0;
  std::signal(SIGINT, on_many_interrupt);
  std::signal(SIGTERM, on_many_interrupt);
  std::cerr << "msmisim run: " << plural_of(planned.size(), "scenario file") << ", "
            << plural_of(static_cast<std::size_t>(planned_runs), "run")
            << (r.profile.empty() ? " (each scenario under every profile it expects)"
                                  : " under " + r.profile)
            << "\n";
  msmireport::CiColumns columns;
  for (const Planned& p : planned) {
    columns.path = std::max(columns.path, p.path.size() + 1);
    for (const std::string& profile : p.profiles) {
      columns.profile = std::max(columns.profile, profile.size() + 1);
    }
  }
  std::vector<msmireport::CiRun> runs;
  auto finished = [&](msmireport::CiRun run) {
    const bool shown = !r.quiet || (run.verdict != msmireport::CiVerdict::kPass &&
                                    run.verdict != msmireport::CiVerdict::kNoExpectations);
    if (shown) msmireport::render_ci_run_line(run, std::cout, columns);
    std::cout << std::flush;  // a CI log shows each run as it finishes
    runs.push_back(std::move(run));
  };

  msmi::Status store_error;
  for (const Planned& p : planned) {
    if (g_stop != 0 || !store_error.ok()) break;
    if (!p.error.empty()) {
      finished(msmireport::ci_error_of(p.path, p.error));
      continue;
    }
    for (const std::string& profile : p.profiles) {
      if (g_stop != 0 || !store_error.ok()) break;
      const RunSpec spec{.path = p.path,
                         .seed = r.seed.value_or(default_seed(p.scenario)),
                         .profile = profile,
                         .defect_args = r.defect_args,
                         .fault_args = r.fault_args,
                         .record = r.record,
                         .db_path = r.db_path,
                         .postoffice = ""};
      const std::string replay = replay_command(spec);
      RunOptions options;
      options.seed = spec.seed;
      options.profile = profile;
      options.interrupted = &g_abort_run;
      options.keep_events = r.record;  // recorded after the run, from the result
      const msmilog::RunRecord record = make_run_record(spec, p.scenario, replay);
      const auto start = std::chrono::steady_clock::now();
      RunResult result;
      const msmi::Status s = run_scenario(p.scenario, options, &result);
      const double wall_s =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (!s.ok()) {
        finished(
            msmireport::ci_error_of(p.path, p.path + ": profile " + profile + ": " + s.message()));
        continue;
      }
      std::optional<std::int64_t> run_id;
      if (r.record) {
        std::int64_t id = 0;
        store_error = record_finished_run(*store, record, p.scenario, result, &id);
        if (store_error.ok()) run_id = id;
      }
      if (!store_error.ok()) {
        // The runs stop here; the reports say why, as an error, not as an interruption.
        finished(msmireport::ci_error_of(
            p.path, p.path + ": profile " + profile + ": event store: " + store_error.message()));
        continue;
      }
      finished(msmireport::ci_run_of(p.scenario, result, p.path, replay, wall_s, run_id));
    }
  }
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);

  if (!store_error.ok()) std::cerr << "msmisim run: event store: " << store_error.message() << "\n";
  const double total_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  const msmireport::CiTally tally =
      msmireport::ci_tally(runs, planned_runs, total_s, r.record ? r.db_path : "");
  if (g_stop != 0 && (tally.runs < planned_runs || tally.interrupted > 0)) {
    std::cout << "interrupted: stopped after " << runs.size() << " of " << planned_runs
              << " runs; the reports hold the runs done\n";
  }
  msmireport::render_ci_tally(tally, std::cout);
  std::cout << std::flush;

  bool reports_written = true;
  if (!r.junit_path.empty()) {
    std::ostringstream xml;
    msmireport::render_junit(runs, xml);
    reports_written &= write_atomically(r.junit_path, xml.str(), "--junit");
  }
  if (!r.markdown_path.empty()) {
    std::ostringstream md;
    msmireport::render_markdown_summary(runs, tally, md);
    reports_written &= write_atomically(r.markdown_path, md.str(), "--markdown");
  }

  if (!store_error.ok()) return kExitStore;
  // A report that could not be written is an output failure (3) unless a run failed or the
  // runs were interrupted: those say more.
  const msmireport::CiOutcome outcome = msmireport::ci_outcome(tally);
  if (!reports_written && (outcome == msmireport::CiOutcome::kPass ||
                           outcome == msmireport::CiOutcome::kNothingTested)) {
    return kExitStore;
  }
  switch (outcome) {
    case msmireport::CiOutcome::kFail:
      return kExitExpectations;
    case msmireport::CiOutcome::kInterrupted:
      return kExitInterrupted;
    case msmireport::CiOutcome::kNothingTested:
      return kExitNoExpectations;
    case msmireport::CiOutcome::kPass:
      return kExitOk;
  }
  return kExitInternal;
}

}  // namespace msmisim::cli
