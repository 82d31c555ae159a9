#include "msmisim/crash_points.h"

#include <algorithm>
#include <cstdio>
#include <numeric>

#include "msmi/random.h"
#include "msmisim/oracle.h"
#include "msmisim/run_overrides.h"
#include "msmisim/runner.h"

namespace msmisim {
namespace {

// The points, in the order their indices count them.
constexpr const char* kPoints[] = {"disk.sync", "disk.rename", "disk.remove", "disk.mkdir"};

std::string clock_text(std::int64_t us) {
  const std::int64_t ms = us / 1000;
  char text[32];
  std::snprintf(text, sizeof text, "%02lld:%02lld:%02lld.%03lld",
                static_cast<long long>(ms / 3'600'000), static_cast<long long>(ms / 60'000 % 60),
                static_cast<long long>(ms / 1000 % 60), static_cast<long long>(ms % 1000));
  return text;
}

// Runs `scenario` with `rules` armed after its own; the outcome, and the run for the caller.
CrashOutcome run_with(const Scenario& base, const CrashTestOptions& options,
                      const std::vector<std::string>& rules, RunResult* result) {
  CrashOutcome out;
  Scenario scenario = base;
  for (const std::string& rule : rules) {
    int column = 0;
    const msmi::Status s = apply_fault_override(rule, &scenario, &column);
    if (!s.ok()) {
      out.error = rule + ": " + s.message();
      return out;
    }
  }
  RunOptions run;
  run.seed = options.seed;
  run.profile = options.profile;
  run.keep_events = false;
  const msmi::Status s = run_scenario(scenario, run, result);
  if (!s.ok()) {
    out.error = s.message();
    return out;
  }
  const std::map<msmi::Fate, std::int64_t> fates = result->ledger_fates();
  out.messages = result->ledger_size();
  out.lost = fates.at(msmi::Fate::kLost);
  out.unsettled = fates.at(msmi::Fate::kPending);
  out.quarantined = fates.at(msmi::Fate::kQuarantined);
  const std::string quarantine = std::string(kQuarantineFolder) + "/";
  out.aside = std::count_if(result->postoffice_files.begin(), result->postoffice_files.end(),
                            [&](const std::string& f) {
                              return f.starts_with(quarantine) || f.starts_with("BAD/");
                            });
  for (const InvariantResult& i : result->invariants) {
    if (i.name == kInvariantNoDuplicates && !i.passed)
      out.duplicated = std::max<std::int64_t>(1, i.offenders);
    if (!i.passed) out.broken.push_back(i.name + ": " + i.detail);
  }
  return out;
}

}  // namespace

bool parse_crash_fault(const std::string& text, CrashFault* out) {
  if (text == "power" || text == "power_loss") {
    *out = CrashFault::kPowerLoss;
  } else if (text == "eio" || text == "EIO") {
    *out = CrashFault::kEio;
  } else if (text == "enospc" || text == "ENOSPC") {
    *out = CrashFault::kEnospc;
  } else {
    return false;
  }
  return true;
}

const char* to_string(CrashFault fault) {
  switch (fault) {
    case CrashFault::kEio:
      return "eio";
    case CrashFault::kEnospc:
      return "enospc";
    default:
      return "power";
  }
}

std::string crash_rule(const CrashPoint& point, CrashFault fault) {
  const char* action = fault == CrashFault::kEio      ? "error(EIO)"
                       : fault == CrashFault::kEnospc ? "error(ENOSPC)"
                                                      : "power_loss";
  return point.point + "[nth=" + std::to_string(point.nth) + "]=" + action;
}

msmi::Status list_crash_points(const Scenario& scenario, const CrashTestOptions& options,
                               std::vector<CrashPoint>* points, CrashOutcome* baseline) {
  std::vector<std::string> rules;
  for (const char* point : kPoints) rules.push_back(std::string(point) + "=off");
  RunResult result;
  *baseline = run_with(scenario, options, rules, &result);
  if (!baseline->error.empty()) return msmi::Status::InvalidArgument(baseline->error);
  points->clear();
  // The counting rules are the last ones, in kPoints order.
  const std::size_t first = result.fault_stats.size() - std::size(kPoints);
  for (std::size_t k = 0; k < std::size(kPoints); ++k) {
    for (std::int64_t n = 1; n <= result.fault_stats[first + k].matches; ++n) {
      points->push_back({static_cast<int>(points->size()) + 1, kPoints[k], n});
    }
  }
  return msmi::Status::Ok();
}

CrashOutcome run_crash_point(const Scenario& scenario, const CrashTestOptions& options,
                             const CrashPoint& point) {
  RunResult result;
  CrashOutcome out = run_with(scenario, options, {crash_rule(point, options.fault)}, &result);
  if (!out.error.empty()) return out;
  out.fired = !result.fault_stats.empty() && result.fault_stats.back().fired > 0;
  for (const LifecycleEntry& e : result.lifecycle) {
    if (e.what == "power_loss" && e.detail.starts_with("fault rule")) {
      out.fired_at_us = e.time_us;
      out.fired_at = clock_text(e.time_us);
      break;
    }
  }
  return out;
}

std::vector<std::size_t> sample_crash_points(std::size_t total, std::size_t count,
                                             std::uint64_t seed) {
  std::vector<std::size_t> all(total);
  std::iota(all.begin(), all.end(), std::size_t{0});
  if (count >= total) return all;
  // A partial Fisher-Yates shuffle driven by the seed alone.
  msmi::SeededRandom random(seed ^ 0x6372617368746573ULL);  // "crashtes"
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t j = i + static_cast<std::size_t>(random.uniform(total - i));
    std::swap(all[i], all[j]);
  }
  all.resize(count);
  std::sort(all.begin(), all.end());
  return all;
}

}  // namespace msmisim
