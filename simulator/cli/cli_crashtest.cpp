// msmisim crashtest: loses power (or fails a call with EIO or ENOSPC) at each crash point of a
// scenario on the simulated disk and judges every run with the oracle (crash_points.h).
//
// Threads: each point's run builds its own World from its own copy of the scenario (as sweep's
// runs do), so runs share no mutable state. Worker threads take points in order; every result
// is kept at its point's index and printed once all are done, so the output is the same for
// any -j.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <iostream>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "cli_options.h"
#include "msmireport/sweep_report.h"
#include "msmisim/crash_points.h"
#include "msmisim/runner.h"
#include "msmisim/scenario_loader.h"

namespace msmisim::cli {
namespace {

constexpr const char* kCrashtestHelp = R"(usage: msmisim crashtest SCENARIO [options]

Runs SCENARIO once on the simulated disk to count its crash points, then once per point (all of
them, or a sample of N chosen by the seed) with the power lost at that point: data not yet synced
is dropped, every process ends, the server boots 2 minutes later and the run goes on to its end.
--fault eio|enospc fails the call at the point with that error instead. Every run is judged by
the oracle: the messages lost, duplicated (delivered twice), left unsettled (pending at the end)
and quarantined, and the files moved aside (to QUARANTINE/ or BAD/).

A crash point is a call of the MSMI that changes what survives a power loss: each disk.sync (the
data written since, and a new file's name, become durable), disk.rename, disk.remove and
disk.mkdir, numbered syncs first, then renames, removes and mkdirs. (The MS Mail side's own
writes go round the fault layer and are not points.) Point K of kind disk.sync, its n-th call,
is the fault rule disk.sync[nth=n]=power_loss: each failing point is listed with the
'msmisim run' command that replays it with that rule (its events in the store), and with the
'msmisim crashtest --point K' that reports it again.

Prints one line per point, the failing points and a summary (--json: one JSON object instead);
-q leaves out the points that lost and duplicated nothing, in the table and in the JSON. A
progress bar on stderr when it is a terminal. -j runs points on several threads; the report
is the same for any -j.

exit codes: 0 no point lost or duplicated a message, 1 some point did, 2 bad arguments or
            scenario, 4 internal error, 130 interrupted

example:
  msmisim crashtest scenarios/kb/Q151791.json --profile hardened -j 2
  msmisim crashtest scenarios/kb/Q151791.json --profile exchange-5.0 --points 50 --json
  msmisim crashtest scenarios/kb/Q151791.json --profile hardened --fault eio -q
  msmisim crashtest scenarios/kb/Q151791.json --profile hardened --point 17

)";

volatile std::sig_atomic_t g_interrupted = 0;
extern "C" void on_crashtest_interrupt(int) {
  g_interrupted = 1;
}

int bad(const std::string& message) {
  std::cerr << "msmisim crashtest: " << message << "\nTry 'msmisim crashtest --help'.\n";
  return kExitBadInput;
}

struct Request {
  std::string path;
  Scenario scenario;
  CrashTestOptions options;
  std::size_t sample = 0;  // 0: every point
  int point = 0;           // --point K, 0 if not given
  int jobs = 1;
  bool json = false;
  bool quiet = false;  // -q: only the failing points are listed
};

constexpr int kGoOn = -1;

bool parse_count(const std::string& text, long long max, long long* out) {
  if (text.empty() || text.size() > 12) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  *out = std::stoll(text);
  return *out >= 1 && *out <= max;
}

int read_request(const std::vector<std::string>& args, Request* r) {
  po::options_description options("options");
  const std::string profile_help =
      "build to simulate (default: the scenario's own): " + msmi::profile_names();
  // clang-format off
  options.add_options()
      ("help,h", "show this help")
      ("points", po::value<std::string>()->default_value("all"),
       "every point (all), or a sample of N chosen by the seed")
      ("point", po::value<std::string>(), "run only point K (as a failing point's replay)")
      ("fault", po::value<std::string>()->default_value("power"),
       "what happens at the point: power (power loss), eio or enospc (the call fails)")
      ("jobs,j", po::value<int>()->default_value(1), "points run at a time (1 to 256)")
      ("seed", po::value<std::string>(), "the runs' seed (default: the scenario's own)")
      ("profile", po::value<std::string>(), profile_help.c_str())
      ("json", "print one JSON object instead of the table")
      ("quiet,q", "list only the failing points (the summary counts them all)");
  // clang-format on
  po::options_description hidden;
  hidden.add_options()("scenario", po::value<std::vector<std::string>>());
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description positional;
  positional.add("scenario", -1);
  po::variables_map vm;
  int exit_code = kExitOk;
  if (!parse_command_line("crashtest", args, options, all, positional, kCrashtestHelp, &vm,
                          &exit_code)) {
    return exit_code;
  }
  if (!vm.count("scenario")) return bad("missing SCENARIO");
  const auto& scenarios = vm["scenario"].as<std::vector<std::string>>();
  if (scenarios.size() != 1)
    return bad("expected one SCENARIO, got " + std::to_string(scenarios.size()));
  r->path = scenarios.front();
  const std::string points = vm["points"].as<std::string>();
  long long n = 0;
  if (points != "all") {
    if (!parse_count(points, 1'000'000'000, &n)) {
      return bad("--points " + points + ": expected all or a number of points (1 or more)");
    }
    r->sample = static_cast<std::size_t>(n);
  }
  if (vm.count("point")) {
    const std::string k = vm["point"].as<std::string>();
    if (!parse_count(k, 1'000'000'000, &n)) {
      return bad("--point " + k + ": expected a point number (1 or more)");
    }
    if (!vm["points"].defaulted()) return bad("--point and --points cannot be used together");
    r->point = static_cast<int>(n);
  }
  const std::string fault = vm["fault"].as<std::string>();
  if (!parse_crash_fault(fault, &r->options.fault)) {
    return bad("--fault " + fault + ": expected power, eio or enospc");
  }
  r->jobs = vm["jobs"].as<int>();
  if (r->jobs < 1 || r->jobs > 256) {
    return bad("--jobs " + std::to_string(r->jobs) + ": expected 1 to 256 points at a time");
  }
  r->json = vm.count("json") != 0;
  r->quiet = vm.count("quiet") != 0;
  LoadError error;
  if (!load_scenario_file(r->path, &r->scenario, &error)) {
    std::cerr << "msmisim crashtest: " << error.to_string() << "\n";
    return kExitBadInput;
  }
  r->options.profile = r->scenario.profile;
  if (vm.count("profile")) {
    r->options.profile = vm["profile"].as<std::string>();
    if (!msmi::find_profile(r->options.profile)) {
      return bad("--profile " + r->options.profile +
                 ": unknown profile (known: " + msmi::profile_names() + ")");
    }
  }
  r->options.seed = default_seed(r->scenario);
  if (vm.count("seed")) {
    const std::string seed = vm["seed"].as<std::string>();
    std::size_t used = 0;
    try {
      r->options.seed = std::stoull(seed, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != seed.size() || seed.front() == '-') {
      return bad("--seed " + seed + ": expected a non-negative integer");
    }
  }
  return kGoOn;
}

std::string replay_run(const Request& r, const CrashPoint& point) {
  return "msmisim run " + shell_quote(r.path) + " --seed " + std::to_string(r.options.seed) +
         " --profile " + r.options.profile + " --fault " +
         shell_quote(crash_rule(point, r.options.fault)) + " --no-db";
}

std::string replay_crashtest(const Request& r, const CrashPoint& point) {
  std::string out = "msmisim crashtest " + shell_quote(r.path) + " --point " +
                    std::to_string(point.index) + " --seed " + std::to_string(r.options.seed) +
                    " --profile " + r.options.profile;
  if (r.options.fault != CrashFault::kPowerLoss)
    out += " --fault " + std::string(to_string(r.options.fault));
  return out;
}

nlohmann::ordered_json outcome_json(const CrashOutcome& o) {
  nlohmann::ordered_json j;
  j["messages"] = o.messages;
  j["lost"] = o.lost;
  j["duplicated"] = o.duplicated;
  j["unsettled"] = o.unsettled;
  j["quarantined"] = o.quarantined;
  j["aside"] = o.aside;
  j["broken"] = o.broken;
  if (!o.error.empty()) j["error"] = o.error;
  return j;
}

std::string counts(const CrashOutcome& o) {
  return "lost " + std::to_string(o.lost) + ", duplicated " + std::to_string(o.duplicated) +
         ", unsettled " + std::to_string(o.unsettled) + ", quarantined " +
         std::to_string(o.quarantined) + ", aside " + std::to_string(o.aside);
}

}  // namespace

int crashtest_command(const std::vector<std::string>& args) {
  Request r;
  if (int rc = read_request(args, &r); rc != kGoOn) return rc;
  const auto start = std::chrono::steady_clock::now();

  std::vector<CrashPoint> points;
  CrashOutcome baseline;
  const msmi::Status s = list_crash_points(r.scenario, r.options, &points, &baseline);
  if (!s.ok()) {
    std::cerr << "msmisim crashtest: " << r.path << ": " << s.message() << "\n";
    return kExitBadInput;
  }
  std::vector<std::size_t> chosen;
  if (r.point != 0) {
    if (static_cast<std::size_t>(r.point) > points.size()) {
      return bad("--point " + std::to_string(r.point) + ": the run has " +
                 std::to_string(points.size()) + " crash points");
    }
    chosen.push_back(static_cast<std::size_t>(r.point) - 1);
  } else {
    chosen = sample_crash_points(points.size(), r.sample == 0 ? points.size() : r.sample,
                                 r.options.seed);
  }
  std::map<std::string, std::int64_t> per_kind;
  for (const CrashPoint& p : points) ++per_kind[p.point];
  std::string kinds;
  for (const auto& [kind, n] : per_kind) {
    kinds += (kinds.empty() ? "" : ", ") + kind + " " + std::to_string(n);
  }
  const int workers = static_cast<int>(std::min<std::size_t>(
      static_cast<std::size_t>(r.jobs), std::max<std::size_t>(chosen.size(), 1)));
  std::cerr << "msmisim crashtest: " << r.path << ": " << points.size() << " crash points ("
            << kinds << "), running " << chosen.size() << " with fault "
            << to_string(r.options.fault) << ", " << workers << " at a time\n";

  // Run the chosen points; results land at their index in `outcomes`.
  std::vector<CrashOutcome> outcomes(chosen.size());
  std::vector<bool> ran(chosen.size(), false);
  const bool terminal = ::isatty(STDERR_FILENO) == 1;
  msmireport::SweepProgress progress;
  progress.total = static_cast<std::int64_t>(chosen.size());
  std::mutex mu;
  double last_draw_s = -1.0;
  auto finished = [&](std::size_t i, CrashOutcome o) {
    std::lock_guard<std::mutex> lock(mu);
    ++progress.done;
    if (!o.clean()) ++progress.failed;
    outcomes[i] = std::move(o);
    ran[i] = true;
    if (!terminal) return;
    progress.elapsed_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const bool last = progress.done == progress.total;
    if (!last && progress.elapsed_s - last_draw_s < 0.1) return;
    last_draw_s = progress.elapsed_s;
    std::cerr << "\r\x1b[K" << msmireport::progress_bar(progress) << (last ? "\n" : "")
              << std::flush;
  };
  g_interrupted = 0;
  std::signal(SIGINT, on_crashtest_interrupt);
  std::signal(SIGTERM, on_crashtest_interrupt);
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (;;) {
      if (g_interrupted != 0) return;
      const std::size_t i = next++;
      if (i >= chosen.size()) return;
      finished(i, run_crash_point(r.scenario, r.options, points[chosen[i]]));
    }
  };
  if (workers <= 1) {
    work();
  } else {
    std::vector<std::thread> threads;
    for (int w = 0; w < workers; ++w) threads.emplace_back(work);
    for (std::thread& t : threads) t.join();
  }
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  if (terminal && progress.done != progress.total) std::cerr << "\n";
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::int64_t failing = 0, lost = 0, duplicated = 0, unsettled = 0, aside = 0, not_reached = 0;
  std::int64_t done = 0;
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    if (!ran[i]) continue;
    const CrashOutcome& o = outcomes[i];
    ++done;
    failing += !o.clean();
    lost += o.lost;
    duplicated += o.duplicated;
    unsettled += o.unsettled;
    aside += o.aside;
    not_reached += !o.fired;
  }
  const bool interrupted = done < static_cast<std::int64_t>(chosen.size());

  if (r.json) {
    nlohmann::ordered_json j;
    j["scenario"] = r.path;
    j["profile"] = r.options.profile;
    j["seed"] = r.options.seed;
    j["fault"] = to_string(r.options.fault);
    j["points_total"] = points.size();
    j["points_run"] = done;
    j["baseline"] = outcome_json(baseline);
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < chosen.size(); ++i) {
      if (!ran[i] || (r.quiet && outcomes[i].clean())) continue;
      const CrashPoint& p = points[chosen[i]];
      nlohmann::ordered_json e;
      e["point"] = p.index;
      e["call"] = p.point;
      e["nth"] = p.nth;
      e["rule"] = crash_rule(p, r.options.fault);
      e["fired"] = outcomes[i].fired;
      if (!outcomes[i].fired_at.empty()) e["at"] = outcomes[i].fired_at;
      e.update(outcome_json(outcomes[i]));
      e["clean"] = outcomes[i].clean();
      if (!outcomes[i].clean()) {
        e["replay"] = replay_run(r, p);
        e["replay_crashtest"] = replay_crashtest(r, p);
      }
      list.push_back(std::move(e));
    }
    j["points"] = std::move(list);
    j["failing"] = failing;
    j["lost"] = lost;
    j["duplicated"] = duplicated;
    j["unsettled"] = unsettled;
    j["aside"] = aside;
    j["interrupted"] = interrupted;
    std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    std::cout << "crashtest " << r.path << "  profile " << r.options.profile << "  seed "
              << r.options.seed << "  fault " << to_string(r.options.fault) << "\n";
    std::cout << "crash points: " << points.size() << " (" << kinds << "); run: " << done << "\n";
    std::cout << "without a fault: " << baseline.messages << " messages, " << counts(baseline)
              << "\n";
    if (!r.quiet || failing != 0) {
      std::cout
          << "\npoint  call           nth  at             lost  dup  unsettled  quar  aside\n";
    }
    for (std::size_t i = 0; i < chosen.size(); ++i) {
      if (!ran[i] || (r.quiet && outcomes[i].clean())) continue;
      const CrashPoint& p = points[chosen[i]];
      const CrashOutcome& o = outcomes[i];
      char line[160];
      std::snprintf(line, sizeof line, "%5d  %-11s %6lld  %-12s %6lld %4lld %10lld %5lld %6lld%s",
                    p.index, p.point.c_str(), static_cast<long long>(p.nth),
                    o.fired ? (o.fired_at.empty() ? "fired" : o.fired_at.c_str()) : "not reached",
                    static_cast<long long>(o.lost), static_cast<long long>(o.duplicated),
                    static_cast<long long>(o.unsettled), static_cast<long long>(o.quarantined),
                    static_cast<long long>(o.aside), o.clean() ? "" : "  FAIL");
      std::cout << line << "\n";
    }
    for (std::size_t i = 0; i < chosen.size(); ++i) {
      if (!ran[i] || outcomes[i].clean()) continue;
      const CrashPoint& p = points[chosen[i]];
      std::cout << "\nFAILED point " << p.index << " (" << crash_rule(p, r.options.fault)
                << "): " << counts(outcomes[i]) << "\n";
      if (!outcomes[i].error.empty()) std::cout << "  ERROR " << outcomes[i].error << "\n";
      for (const std::string& b : outcomes[i].broken) std::cout << "  broken: " << b << "\n";
      std::cout << "  replay: " << replay_run(r, p) << "\n";
      std::cout << "          " << replay_crashtest(r, p) << "\n";
    }
    std::cout << "\nCRASHTEST " << (failing == 0 ? "PASS" : "FAIL") << ": " << done << " points, "
              << failing << " failing; lost " << lost << ", duplicated " << duplicated
              << ", unsettled " << unsettled << ", aside " << aside;
    if (not_reached != 0) std::cout << "; " << not_reached << " never reached";
    std::cout << "\n";
  }
  char rate[64];
  std::snprintf(rate, sizeof rate, "%.2f s", wall_s);
  std::cerr << "msmisim crashtest: " << done << " points in " << rate << " with -j " << workers
            << "\n";
  if (interrupted) {
    std::cerr << "msmisim crashtest: interrupted after " << done << " of " << chosen.size()
              << " points\n";
    return kExitInterrupted;
  }
  return failing == 0 ? kExitOk : kExitExpectations;
}

}  // namespace msmisim::cli
