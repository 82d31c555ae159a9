#include "msmireport/ci_run.h"

#include <map>
#include <set>

#include "text_columns.h"

namespace msmireport {
namespace {

// Every event ID the scenario's expectations name, in any block.
std::set<int> expected_ids(const msmisim::Scenario& scenario) {
  std::set<int> ids;
  for (const auto& [profile, block] : scenario.expectations) {
    for (const msmisim::EventExpectation& e : block.events) {
      if (e.id) ids.insert(*e.id);
    }
    for (const msmisim::SequenceExpectation& s : block.sequences) {
      ids.insert(s.ids.begin(), s.ids.end());
    }
  }
  return ids;
}

std::string seconds_text(double wall_s) {
  return fixed(wall_s, 2) + " s";
}

}  // namespace

CiRun ci_run_of(const msmisim::Scenario& scenario, const msmisim::RunResult& result,
                const std::string& scenario_path, const std::string& replay, double wall_s,
                std::optional<std::int64_t> run_id) {
  CiRun run;
  run.scenario_path = scenario_path;
  run.scenario_name = scenario.name;
  run.kb = scenario.kb;
  run.profile = result.profile;
  run.seed = result.seed;
  run.verdict = result.interrupted       ? CiVerdict::kInterrupted
                : !result.passed()       ? CiVerdict::kFail
                : result.no_expectations ? CiVerdict::kNoExpectations
                                         : CiVerdict::kPass;
  for (const msmisim::ExpectationResult& e : result.expectations) {
    run.expectations.push_back({e.passed, e.what, e.actual});
  }
  for (const msmisim::InvariantResult& i : result.invariants) {
    run.invariants.push_back({i.passed, i.name, i.detail});
  }
  std::map<int, std::int64_t> counts;
  for (int id : expected_ids(scenario)) counts[id] = 0;
  for (auto& [id, count] : counts) count = result.event_tally.count(id);
  for (const auto& [id, count] : counts) run.event_counts.push_back({id, count});
  const std::map<msmi::Fate, std::int64_t> fates = result.ledger_fates();
  run.ledger.delivered = fates.at(msmi::Fate::kDelivered);
  run.ledger.ndr = fates.at(msmi::Fate::kNdr);
  run.ledger.quarantined = fates.at(msmi::Fate::kQuarantined);
  run.ledger.pending = fates.at(msmi::Fate::kPending);
  run.ledger.lost = fates.at(msmi::Fate::kLost);
  run.events = result.event_tally.total();
  run.virtual_duration_us = result.virtual_duration_us;
  run.replay = replay;
  run.wall_s = wall_s;
  run.run_id = run_id;
  return run;
}

CiRun ci_error_of(const std::string& scenario_path, const std::string& error) {
  CiRun run;
  run.scenario_path = scenario_path;
  run.verdict = CiVerdict::kError;
  run.error = error;
  return run;
}

std::string to_string(CiVerdict verdict) {
  switch (verdict) {
    case CiVerdict::kPass:
      return "pass";
    case CiVerdict::kFail:
      return "fail";
    case CiVerdict::kNoExpectations:
      return "no-expectations";
    case CiVerdict::kInterrupted:
      return "interrupted";
    case CiVerdict::kError:
      return "error";
  }
  return "error";
}

int expectations_held(const CiRun& run) {
  int held = 0;
  for (const CiCheck& e : run.expectations) held += e.passed ? 1 : 0;
  return held;
}

CiTally ci_tally(const std::vector<CiRun>& runs, std::int64_t planned, double wall_s,
                 const std::string& db_path) {
  CiTally t;
  t.planned = planned;
  t.wall_s = wall_s;
  t.db_path = db_path;
  for (const CiRun& r : runs) {
    ++t.runs;
    switch (r.verdict) {
      case CiVerdict::kPass:
        ++t.passed;
        break;
      case CiVerdict::kFail:
        ++t.failed;
        break;
      case CiVerdict::kError:
        ++t.failed;
        ++t.errors;
        break;
      case CiVerdict::kNoExpectations:
        ++t.no_expectations;
        break;
      case CiVerdict::kInterrupted:
        ++t.interrupted;
        break;
    }
  }
  return t;
}

CiOutcome ci_outcome(const CiTally& t) {
  if (t.failed > 0) return CiOutcome::kFail;
  if (t.interrupted > 0 || t.runs < t.planned) return CiOutcome::kInterrupted;
  if (t.passed == 0) return CiOutcome::kNothingTested;
  return CiOutcome::kPass;
}

void render_ci_run_line(const CiRun& run, std::ostream& out, const CiColumns& columns) {
  if (run.verdict == CiVerdict::kError) {
    out << "ERROR  " << run.error << "\n";
    return;
  }
  const char* word = "PASS   ";
  std::string result;
  switch (run.verdict) {
    case CiVerdict::kPass:
    case CiVerdict::kFail:
      word = run.verdict == CiVerdict::kPass ? "PASS   " : "FAIL   ";
      result =
          std::to_string(expectations_held(run)) + "/" + std::to_string(run.expectations.size());
      break;
    case CiVerdict::kNoExpectations:
      word = "SKIP   ";
      result = "no expectations";
      break;
    case CiVerdict::kInterrupted:
      word = "STOP   ";
      result = "interrupted at " + duration_text(run.virtual_duration_us);
      break;
    case CiVerdict::kError:
      break;
  }
  // pad() leaves one blank after the text; the second separates the columns.
  out << word << pad(run.scenario_path, columns.path) << " " << pad(run.profile, columns.profile)
      << " " << pad(result, 6) << " " << pad(plural(run.events, "event"), 12) << " "
      << seconds_text(run.wall_s);
  if (run.run_id) out << "  (run " << *run.run_id << ")";
  out << "\n";
  if (run.verdict != CiVerdict::kFail) return;
  for (const CiCheck& i : run.invariants) {
    if (!i.passed) out << "  BROKEN invariant " << i.what << ": " << i.evidence << "\n";
  }
  for (const CiCheck& e : run.expectations) {
    if (!e.passed) out << "  FAIL " << e.what << ": " << e.evidence << "\n";
  }
  out << "  replay: " << run.replay << "\n";
}

std::string ci_headline(const CiTally& t) {
  const std::string runs = plural(t.runs, "run");
  std::string out;
  switch (ci_outcome(t)) {
    case CiOutcome::kFail:
      out = "RUN FAIL: " + std::to_string(t.failed) + " of " + runs + " failed";
      break;
    case CiOutcome::kInterrupted:
      out = "RUN INTERRUPTED: " + std::to_string(t.runs) + " of " + plural(t.planned, "run") +
            " done, none failed";
      break;
    case CiOutcome::kNothingTested:
      out = "RUN TESTED NOTHING: " + runs + ", none with expectations for its profile";
      break;
    case CiOutcome::kPass:
      out = "RUN PASS: " + runs + ", " + std::to_string(t.passed) + " passed";
      break;
  }
  return out;
}

void render_ci_tally(const CiTally& t, std::ostream& out) {
  out << ci_headline(t);
  // What the headline leaves out, when there is any.
  std::vector<std::string> parts;
  const CiOutcome outcome = ci_outcome(t);
  if (outcome != CiOutcome::kPass) parts.push_back(std::to_string(t.passed) + " passed");
  if (t.errors > 0) parts.push_back(std::to_string(t.errors) + " failed to load");
  if (t.no_expectations > 0) {
    parts.push_back(std::to_string(t.no_expectations) + " with no expectations");
  }
  if (t.interrupted > 0) parts.push_back(std::to_string(t.interrupted) + " interrupted");
  if (outcome == CiOutcome::kFail && t.runs < t.planned) {
    parts.push_back("stopped after " + std::to_string(t.runs) + " of " + std::to_string(t.planned));
  }
  if (outcome == CiOutcome::kNothingTested) parts.clear();
  if (!parts.empty()) {
    out << " (";
    for (std::size_t i = 0; i < parts.size(); ++i) out << (i ? ", " : "") << parts[i];
    out << ")";
  }
  out << " in " << seconds_text(t.wall_s);
  if (!t.db_path.empty()) out << "; recorded in " << t.db_path;
  out << "\n";
}

}  // namespace msmireport
