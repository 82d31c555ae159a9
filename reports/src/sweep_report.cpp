#include "msmireport/sweep_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <tuple>

namespace msmireport {
namespace {

std::string rate_text(const SweepProgress& p) {
  char text[32];
  const double rate = p.elapsed_s > 0 ? static_cast<double>(p.done) / p.elapsed_s : 0.0;
  std::snprintf(text, sizeof text, "%.1f runs/s", rate);
  return text;
}

std::string eta_text(const SweepProgress& p) {
  if (p.done == 0 || p.elapsed_s <= 0) return "ETA --:--";
  const double left =
      p.elapsed_s / static_cast<double>(p.done) * static_cast<double>(p.total - p.done);
  const auto seconds = static_cast<long long>(std::llround(left));
  char text[32];
  if (seconds >= 3600) {
    std::snprintf(text, sizeof text, "ETA %lld:%02lld:%02lld", seconds / 3600, seconds / 60 % 60,
                  seconds % 60);
  } else {
    std::snprintf(text, sizeof text, "ETA %lld:%02lld", seconds / 60, seconds % 60);
  }
  return text;
}

}  // namespace

std::string progress_bar(const SweepProgress& p) {
  constexpr int kWidth = 24;
  const int filled =
      p.total > 0
          ? static_cast<int>(static_cast<double>(p.done) * kWidth / static_cast<double>(p.total))
          : 0;
  std::string out = "[" + std::string(static_cast<std::size_t>(filled), '#') +
                    std::string(static_cast<std::size_t>(kWidth - filled), '.') + "] ";
  out += std::to_string(p.done) + "/" + std::to_string(p.total) + " runs  " +
         std::to_string(p.failed) + " failed  " + rate_text(p) + "  " + eta_text(p);
  return out;
}

std::string progress_line(const SweepProgress& p) {
  const long long pct = p.total > 0 ? p.done * 100 / p.total : 100;
  return "sweep: " + std::to_string(p.done) + "/" + std::to_string(p.total) + " runs (" +
         std::to_string(pct) + "%), " + std::to_string(p.failed) + " failed, " + rate_text(p);
}

void render_sweep_failures(std::vector<SweepFailure> failures, std::ostream& out) {
  if (failures.empty()) return;
  std::stable_sort(failures.begin(), failures.end(),
                   [](const SweepFailure& a, const SweepFailure& b) {
                     return std::tie(a.scenario, a.seed) < std::tie(b.scenario, b.seed);
                   });
  out << "failing runs (" << failures.size() << "):\n";
  for (const SweepFailure& f : failures) {
    out << "\nFAILED " << f.scenario << " seed " << f.seed;
    if (f.run_id) out << " (run " << *f.run_id << ")";
    out << "\n" << f.broken;
    if (!f.broken.empty() && f.broken.back() != '\n') out << "\n";
    out << "  replay: " << f.replay << "\n";
  }
  out << "\n";
}

SweepOutcome sweep_outcome(const SweepTally& t) {
  if (t.failed > 0) return SweepOutcome::kFail;
  if (t.interrupted > 0 || t.runs < t.planned) return SweepOutcome::kInterrupted;
  // Like `msmisim run` (exit 5): runs with no expectations for their profile tested nothing,
  // unless they are swarm variants, which the invariants alone judge.
  if (!t.swarm && t.runs > 0 && t.passed == 0) return SweepOutcome::kNothingTested;
  return SweepOutcome::kPass;
}

void render_sweep_tally(const SweepTally& t, std::ostream& out) {
  const std::string runs = std::to_string(t.runs);
  switch (sweep_outcome(t)) {
    case SweepOutcome::kFail:
      out << "SWEEP FAIL: " << t.failed << " of " << runs << " runs failed";
      break;
    case SweepOutcome::kInterrupted:
      out << "SWEEP INTERRUPTED: " << runs << " of " << t.planned << " runs done, none failed";
      break;
    case SweepOutcome::kNothingTested:
      out << "SWEEP TESTED NOTHING: " << runs
          << " runs, none with expectations for its profile (see --profile)";
      break;
    case SweepOutcome::kPass:
      out << "SWEEP PASS: " << runs << " runs, none failed";
      break;
  }
  out << " (" << t.passed << " passed";
  if (t.no_expectations > 0)
    out << ", " << t.no_expectations << " held their invariants with nothing else expected";
  if (t.interrupted > 0) out << ", " << t.interrupted << " interrupted";
  out << ")";
  if (!t.db_path.empty()) out << "; recorded in " << t.db_path;
  out << "\n";
}

}  // namespace msmireport
