// msmisim run: runs a scenario, records it in the event store and prints what happened.
#include <chrono>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>

#include <unistd.h>

#include "cli_determinism.h"
#include "cli_options.h"
#include "cli_output.h"
#include "cli_record.h"
#include "cli_run.h"
#include "msmi/event_catalogue.h"
#include "msmi/text_record.h"
#include "msmilog/event_store.h"
#include "msmilog/sha256.h"
#include "msmilog/store_wait.h"
#include "msmilog/time_format.h"
#include "msmireport/html_report.h"
#include "msmireport/run_report.h"
#include "msmireport/run_report_data.h"
#include "msmisim/run_overrides.h"
#include "msmisim/runner.h"
#include "msmisim/scenario_loader.h"

namespace msmisim::cli {

namespace {

constexpr const char* kRunHelp = R"help(usage: msmisim run SCENARIO [options]
       msmisim run DIR_OR_FILE... [--junit FILE] [--markdown FILE] [options]

Runs SCENARIO (a JSON file) in virtual time against a shadow postoffice (in memory, or in the
folder --postoffice names), writes every event to the event store and checks the scenario's
expectations for the profile it ran under. Prints the seed and the command that replays the run
exactly.

With a folder (every *.json under it, recursively, in path order), several files, --junit or
--markdown, run is the command for CI: each scenario runs under every profile its "expect" names
(under its own profile when "expect" names none but "*"; only under --profile when given), each
with its own seed unless --seed, each recorded as a single run is. One line per run as it
finishes ("PASS  path  profile  12/12  6174 events  0.04 s  (run 17)"; FAIL with the unmet
expectations, broken invariants and the replay command under it; SKIP for a run with no
expectations; ERROR for a scenario that does not load, which fails and the others still run),
then the tally ("RUN PASS: …" or "RUN FAIL: n of m runs failed …"). --junit writes JUnit XML (one
testsuite per file, one testcase per profile), --markdown a summary table for a CI job's page;
both are written (FILE.tmp, then renamed) whatever the runs' verdict. Ctrl-C stops after the
current run and still writes them; a second Ctrl-C, or SIGTERM, stops the current run too (it is
recorded as interrupted). -q prints only the runs that did not pass, and the tally.
--check-determinism, --postoffice and --report take one scenario file only.

--report FILE writes the run's HTML report when it ends (as 'msmisim report --run N' would:
charts of thread activity, backlog and events over time, the expectations, the diagnosis …),
whatever the verdict; with --no-db the run is recorded in a temporary store for it.

exit codes: 0 every expectation held, 1 an expectation failed or an invariant broke (with a
            folder or several files: or a scenario did not load), 2 bad arguments (no such file
            or folder, unknown profile, a single SCENARIO that does not load), 3 the event store
            cannot be used or a report (--report, --junit, --markdown) cannot be written after
            the runs passed, 5 no run had expectations for its profile (nothing was tested),
            6 --check-determinism: the runs differ, 130 interrupted (a failure still exits 1)

example:
  msmisim run scenarios/kb/Q151791.json
  msmisim run scenarios/kb/Q151791.json --profile exchange-5.0-sp1 --db qa.db
  msmisim run scenarios/kb/Q151791.json --check-determinism
  msmisim run scenarios/kb/Q151791.json --report q151791.html
  msmisim run scenarios/ --junit results.xml --markdown summary.md --no-db

--check-determinism runs the scenario twice more, once in this process and once in a child
process, and compares the three event streams; only the first run is recorded. It exits 6 when
they differ.

)help";

}  // namespace

std::string now_iso() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return msmilog::format_iso8601_utc(
      std::chrono::duration_cast<std::chrono::microseconds>(now).count());
}

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
  msmilog::stop_store_waits();  // a wait for another writer of the store ends too
}

// Hands the run's events to the store's writer, and stops the run as Ctrl-C does once the
// writer has failed (a full disk, a damaged file): nothing more of it could be recorded. The
// failure is then reported (exit 3) and the run closed as interrupted.
class RecordingSink final : public msmi::EventSink {
 public:
  explicit RecordingSink(msmilog::EventWriter& writer) : writer_(writer) {}
  void write(const msmi::Event& event) override {
    writer_.write(event);
    if (!writer_.status().ok()) g_interrupted = 1;
  }

 private:
  msmilog::EventWriter& writer_;
};

// Everything `run` needs once its arguments are understood.
struct RunRequest {
  std::string path;
  Scenario scenario;
  RunOptions options;
  std::vector<std::string> defect_args;
  std::vector<std::string> fault_args;  // --fault rules as given, for the replay command
  bool record = true;
  std::string db_path;
  bool quiet = false;
  std::string replay;
  bool check_determinism = false;
  std::string event_stream_out;   // hidden: where a --check-determinism child writes its events
  std::vector<std::string> args;  // as given, for the --check-determinism child
  std::string report_path;        // --report: the HTML report to write, or ""
  bool temporary_store = false;   // --report with --no-db: db_path is ours to remove
};

// Parses what follows `run`. Returns kGoOn to go on, or the exit code to stop with.
constexpr int kGoOn = -1;
int read_request(const std::vector<std::string>& args, RunRequest* request) {
  po::options_description options("options");
  const std::string profile_help = "build to simulate: " + msmi::profile_names();
  // clang-format off
  options.add_options()
      ("help,h", "show this help")
      ("db", po::value<std::string>()->default_value("msmisim.db"),
       "event store (SQLite) to record the run in")
      ("no-db", "do not record the run")
      ("seed", po::value<std::string>(), "seed, 0..9223372036854775807 (default: the scenario's own)")
      ("profile", po::value<std::string>(),
       profile_help.c_str())
      ("defect", po::value<std::vector<std::string>>()->composing(),
       "override one defect: Q151791=on|off (repeatable)")
      ("fault", po::value<std::vector<std::string>>()->composing(),
       "arm a fault rule, e.g. 'mta.put[rcpt~*@bad.example]=3*return(0x15)->off' "
       "(repeatable; grammar in scenarios/README.md)")
      ("postoffice", po::value<std::string>(),
       "shadow postoffice folder to use and keep; its contents are replaced on every run; "
       "the run keeps its files open and does not notice another program changing them "
       "(default: a simulated disk in memory, gone when the run ends)")
      ("postoffice-fsync",
       "with --postoffice, fsync(2) each file the MSMI or the MS Mail side makes durable "
       "(default: none; a simulated power loss never touches the real folder)")
      ("quiet,q", "print only the header, the failed expectations and the verdict")
      ("check-determinism",
       "run again in this process and in a child process and compare the events "
       "(exit 6 if they differ; only the first run is recorded)")
      ("report", po::value<std::string>(),
       "write the run's HTML report to this file when it ends (see 'msmisim report')")
      ("junit", po::value<std::string>(), "write JUnit XML of the runs to this file")
      ("markdown", po::value<std::string>(), "write a Markdown summary of the runs to this file");
  // clang-format on
  po::options_description hidden;
  hidden.add_options()("scenario", po::value<std::vector<std::string>>());
  hidden.add_options()(kEventStreamOutOption, po::value<std::string>());
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description positional;
  positional.add("scenario", -1);
  po::variables_map vm;
  int exit_code = kExitOk;
  if (!parse_command_line("run", args, options, all, positional, kRunHelp, &vm, &exit_code)) {
    return exit_code;
  }
  if (!vm.count("scenario")) {
    std::cerr << "msmisim run: missing SCENARIO\nTry 'msmisim run --help'.\n";
    return kExitBadInput;
  }
  const auto paths = vm["scenario"].as<std::vector<std::string>>();
  std::error_code ec;
  if (paths.size() > 1 || std::filesystem::is_directory(paths.front(), ec) || vm.count("junit") ||
      vm.count("markdown")) {
    if (vm.count("report")) {
      std::cerr << "msmisim run: --report takes one scenario file (for a folder: --junit, "
                   "--markdown, then 'msmisim report --run N' for the runs to look at)\n";
      return kExitBadInput;
    }
    return run_many(vm, paths);
  }
  RunRequest& r = *request;
  r.path = paths.front();
  LoadError error;
  if (!load_scenario_file(r.path, &r.scenario, &error)) {
    std::cerr << "msmisim run: " << error.to_string() << "\n";
    return kExitBadInput;
  }
  if (vm.count("defect")) {
    for (const std::string& d : vm["defect"].as<std::vector<std::string>>()) {
      if (const msmi::Status s = apply_defect_override(d, &r.scenario); !s.ok()) {
        std::cerr << "msmisim run: " << s.message() << "\n";
        return kExitBadInput;
      }
      r.defect_args.push_back(d);
    }
  }
  if (vm.count("fault")) {
    for (const std::string& text : vm["fault"].as<std::vector<std::string>>()) {
      int column = 0;
      const msmi::Status s = apply_fault_override(text, &r.scenario, &column);
      if (!s.ok() && column > 0) {
        // Point at the mistake under the rule, the way a compiler does.
        std::cerr << "msmisim run: --fault: " << s.message() << " at column " << column << "\n  "
                  << text << "\n  " << std::string(static_cast<std::size_t>(column - 1), ' ')
                  << "^\n";
        return kExitBadInput;
      }
      if (!s.ok()) {
        std::cerr << "msmisim run: " << s.message() << "\n";
        return kExitBadInput;
      }
      r.fault_args.push_back(text);
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
  if (vm.count("postoffice-fsync")) {
    if (r.options.postoffice_dir.empty()) {
      std::cerr << "msmisim run: --postoffice-fsync needs --postoffice DIR\n";
      return kExitBadInput;
    }
    r.options.postoffice_fsync = true;
  }
  if (vm.count(kEventStreamOutOption)) {
    r.event_stream_out = vm[kEventStreamOutOption].as<std::string>();
  }
  // A child of --check-determinism only runs and hands its events back.
  r.check_determinism = vm.count("check-determinism") != 0 && r.event_stream_out.empty();
  if (!r.event_stream_out.empty()) {
    r.record = false;
    r.quiet = true;
  }
  // The events go to the store as they are written; only a run whose events are compared
  // afterwards keeps them.
  r.options.keep_events = r.check_determinism || !r.event_stream_out.empty();
  r.args = args;
  r.replay = replay_command({r.path, r.options.seed, r.options.profile, r.defect_args, r.fault_args,
                             r.record, r.db_path, r.options.postoffice_dir.string(),
                             r.options.postoffice_fsync});
  // A --check-determinism child writes no report; the parent does.
  if (vm.count("report") && r.event_stream_out.empty()) {
    r.report_path = vm["report"].as<std::string>();
    if (r.report_path.empty()) {
      std::cerr << "msmisim run: --report needs a file name\n";
      return kExitBadInput;
    }
    // Checked before the run: not over the store or the scenario, and writable.
    std::vector<std::pair<std::string, std::string>> inputs = {{r.path, "the scenario"}};
    if (r.record) inputs.emplace_back(r.db_path, "the event store");
    const std::string refusal = output_refusal(r.report_path, inputs);
    if (!refusal.empty()) {
      std::cerr << "msmisim run: --report " << r.report_path << ": " << refusal << "\n";
      return kExitBadInput;
    }
    if (!r.record) {
      // The report is read from a store: a private one, removed when the run is reported.
      r.record = true;
      r.temporary_store = true;
      r.db_path = (std::filesystem::temp_directory_path(ec) /
                   ("msmisim-run-report-" + std::to_string(::getpid()) + ".db"))
                      .string();
      std::filesystem::remove(r.db_path, ec);
    }
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

// --report: the run's HTML page, read back from the store it was just recorded in, then the
// temporary store (with --no-db) removed. False (said on stderr) when it could not be written.
bool write_report(const RunRequest& r, const msmilog::EventStore& store, std::int64_t run_id) {
  msmireport::ReportOptions options;
  options.db_path = r.temporary_store ? "(not kept: the run was made with --no-db)" : r.db_path;
  options.signature_dir = MSMISIM_SIGNATURES_DIR;
  msmireport::RunReportData data;
  msmi::Status s = msmireport::load_run_report_data(store, run_id, options, &data);
  std::string html;
  if (s.ok()) {
    if (r.temporary_store) data.query_command.clear();
    std::ostringstream page;
    msmireport::render_html_run_report(data, page);
    html = std::move(page).str();
    s = msmireport::write_file_atomically(r.report_path, html);
  }
  if (r.temporary_store) {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm", "-writers"}) {
      std::filesystem::remove(r.db_path + suffix, ec);
    }
  }
  if (!s.ok()) {
    std::cerr << "msmisim run: --report: " << s.message() << "\n";
    return false;
  }
  std::cout << "report: " << r.report_path << " (" << (html.size() + 1023) / 1024 << " KB)\n";
  return true;
}

msmilog::RunRecord run_record(const RunRequest& r) {
  return make_run_record(
      {r.path, r.options.seed, r.options.profile, r.defect_args, r.fault_args, r.record, r.db_path,
       r.options.postoffice_dir.string(), r.options.postoffice_fsync},
      r.scenario, r.replay);
}

}  // namespace

std::string replay_command(const RunSpec& spec) {
  std::string out = "msmisim run " + shell_quote(spec.path) + " --seed " +
                    std::to_string(spec.seed) + " --profile " + spec.profile;
  for (const std::string& d : spec.defect_args) out += " --defect " + d;
  for (const std::string& f : spec.fault_args) out += " --fault " + shell_quote(f);
  if (spec.record && spec.db_path != "msmisim.db") out += " --db " + shell_quote(spec.db_path);
  if (!spec.postoffice.empty()) out += " --postoffice " + shell_quote(spec.postoffice);
  if (spec.postoffice_fsync) out += " --postoffice-fsync";
  return out;
}

msmilog::RunRecord make_run_record(const RunSpec& spec, const Scenario& scenario,
                                   const std::string& replay) {
  msmilog::RunRecord rec;
  rec.scenario = spec.path;
  rec.scenario_text = scenario.text;
  rec.seed = spec.seed;
  rec.profile = spec.profile;
  msmi::DefectSet defects = msmi::find_profile(spec.profile)->defects;
  for (const auto& [d, on] : scenario.defect_overrides) defects.set(d, on);
  rec.defects = defects.to_string();
  rec.started_at = now_iso();
  rec.computer = scenario.computer;
  rec.epoch_us = scenario.epoch_us;
  rec.msmisim_version = MSMISIM_VERSION;
  rec.command = replay;
  rec.options = to_json(RunOverrides{spec.defect_args, spec.fault_args});
  rec.file_sha256 = msmilog::sha256_hex(scenario.text);  // the file's bytes as read
  rec.kb = scenario.kb;
  return rec;
}

std::string verdict_of(const RunResult& result) {
  // A broken invariant fails a run even when its profile has no expectations.
  return result.interrupted       ? "interrupted"
         : !result.passed()       ? "fail"
         : result.no_expectations ? "no-expectations"
                                  : "pass";
}

int run_command(const std::vector<std::string>& args) {
  RunRequest r;
  if (int rc = read_request(args, &r); rc != kGoOn) return rc;
  if (int rc = prepare(&r); rc != kExitOk) return rc;

  std::unique_ptr<msmilog::EventStore> store;
  std::unique_ptr<msmilog::EventWriter> writer;
  std::optional<RecordingSink> recording;
  std::int64_t run_id = 0;
  // The ledger's rows go to the store as their messages settle, or nowhere with --no-db: the
  // summary needs only their counts and the labelled messages (RunResult keeps those).
  std::optional<StoreLedgerSink> store_ledger;
  DiscardingLedgerSink discarded_ledger;
  if (r.record) {
    msmi::Status s = msmilog::EventStore::open(r.db_path, &store);
    if (s.ok()) s = store->begin_run(run_record(r), &run_id);
    if (!s.ok()) {
      std::cerr << "msmisim run: event store: " << s.message() << "\n";
      return kExitStore;
    }
    writer = store->open_writer(run_id, r.scenario.computer, r.scenario.epoch_us);
    recording.emplace(*writer);
    r.options.extra_sink = &*recording;
    store_ledger.emplace(*store, run_id);
    r.options.ledger_sink = &*store_ledger;
  } else {
    r.options.ledger_sink = &discarded_ledger;
  }

  const msmireport::RunHeader header{r.path, r.options.seed, r.options.profile, r.replay};
  msmireport::render_run_header(r.scenario, header, r.quiet, std::cout);
  std::cout << std::flush;  // the run may take a while; say what it is before it starts

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
  const std::string verdict = verdict_of(result);
  if (r.record) {
    const msmi::Status w = record_result(*store, run_id, std::move(writer), r.scenario, result,
                                         verdict, &*store_ledger);
    if (!w.ok()) {
      std::cerr << "msmisim run: event store: " << w.message() << "\n";
      return kExitStore;
    }
  }
  msmireport::RunOutcome outcome{verdict, wall_s, std::nullopt, r.db_path};
  if (r.record && !r.temporary_store) outcome.run_id = run_id;
  if (result.interrupted) {
    msmireport::render_run_verdict(header, result, outcome, std::cout);
    if (!r.report_path.empty()) (void)write_report(r, *store, run_id);  // said on stderr
    return kExitInterrupted;
  }
  if (!r.event_stream_out.empty() && !write_event_stream_file(r.event_stream_out, result.events)) {
    return kExitInternal;
  }
  if (r.quiet) {
    msmireport::render_failed_expectations(result, std::cout);
  } else {
    msmireport::render_run_summary(r.scenario, result, std::cout);
  }
  msmireport::render_fault_warnings(result, std::cout);
  msmireport::render_run_verdict(header, result, outcome, std::cout);
  const bool reported = r.report_path.empty() || write_report(r, *store, run_id);
  if (r.check_determinism) {
    // A run that is not a function of its inputs proves nothing: this outranks the verdict.
    const int rc = check_determinism(r.args, r.scenario, r.options, result.events, std::cout);
    if (rc != kExitOk) return rc;
  }
  if (verdict == "fail") return kExitExpectations;
  // A report that could not be written (said on stderr) outranks a pass, not a failure.
  if (!reported) return kExitStore;
  return verdict == "no-expectations" ? kExitNoExpectations : kExitOk;
}

}  // namespace msmisim::cli
