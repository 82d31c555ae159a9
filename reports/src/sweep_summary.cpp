#include "msmireport/sweep_summary.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace msmireport {
namespace {

// Groups failures and fault rules as the runs are read, keeping first-seen order.
class Accumulator {
 public:
  void add_failure(const std::string& kind, const std::string& scenario, const std::string& what,
                   const std::string& detail, std::int64_t run_id) {
    const auto key = std::make_tuple(kind, scenario, what);
    auto [it, fresh] = failure_index_.emplace(key, failures_.size());
    if (fresh) failures_.push_back({kind, scenario, what, detail, {}});
    std::vector<std::int64_t>& runs = failures_[it->second].run_ids;
    if (runs.empty() || runs.back() != run_id) runs.push_back(run_id);
  }

  // The rules of one run, in their order (ascending position).
  void add_rules(const std::string& scenario, const std::vector<msmilog::FaultRuleRow>& rows) {
    std::size_t previous = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const std::size_t index = add_rule(scenario, rows[i]);
      if (i > 0) after_.insert({previous, index});
      previous = index;
    }
  }

  std::vector<SweepFailureGroup> failures() {
    std::stable_sort(failures_.begin(), failures_.end(),
                     [](const SweepFailureGroup& a, const SweepFailureGroup& b) {
                       if (a.run_ids.size() != b.run_ids.size()) {
                         return a.run_ids.size() > b.run_ids.size();
                       }
                       return std::tie(a.scenario, a.kind, a.what) <
                              std::tie(b.scenario, b.kind, b.what);
                     });
    return std::move(failures_);
  }

  // The rules in the scenario's order. A swarm run arms a subset, so no run lists them all:
  // each run says which rule comes before which, and the rules are put in an order that keeps
  // every such pair (Kahn's algorithm, the earliest-seen rule first among those free to go).
  std::vector<FaultRuleCoverage> coverage() {
    const std::size_t n = coverage_.size();
    std::vector<int> waiting_for(n, 0);
    for (const auto& [before, later] : after_) {
      if (before != later) ++waiting_for[later];
    }
    std::set<std::size_t> ready;
    for (std::size_t i = 0; i < n; ++i) {
      if (waiting_for[i] == 0) ready.insert(i);
    }
    std::vector<bool> placed(n, false);
    std::vector<FaultRuleCoverage> out;
    out.reserve(n);
    while (out.size() < n) {
      // A cycle (a rule text that repeats within a run) gives way in first-seen order.
      std::size_t next = 0;
      if (!ready.empty()) {
        next = *ready.begin();
        ready.erase(ready.begin());
      } else {
        while (placed[next]) ++next;
      }
      if (placed[next]) continue;
      placed[next] = true;
      out.push_back(coverage_[next]);
      for (auto it = after_.lower_bound({next, 0}); it != after_.end() && it->first == next; ++it) {
        if (it->second != next && --waiting_for[it->second] == 0 && !placed[it->second]) {
          ready.insert(it->second);
        }
      }
    }
    // Scenarios in first-seen order; within one, the order found above.
    std::stable_sort(out.begin(), out.end(), [&](const auto& a, const auto& b) {
      return scenario_order_.at(a.scenario) < scenario_order_.at(b.scenario);
    });
    return out;
  }

 private:
  std::size_t add_rule(const std::string& scenario, const msmilog::FaultRuleRow& row) {
    const auto key = std::make_pair(scenario, row.rule);
    auto [it, fresh] = rule_index_.emplace(key, coverage_.size());
    if (fresh) {
      FaultRuleCoverage c;
      c.scenario = scenario;
      c.rule = row.rule;
      coverage_.push_back(c);
      scenario_order_.emplace(scenario, scenario_order_.size());
    }
    FaultRuleCoverage& c = coverage_[it->second];
    ++c.armed_runs;
    if (row.fired > 0) ++c.fired_runs;
    c.matches += row.matches;
    c.fired += row.fired;
    return it->second;
  }

  std::vector<SweepFailureGroup> failures_;
  std::map<std::tuple<std::string, std::string, std::string>, std::size_t> failure_index_;
  std::vector<FaultRuleCoverage> coverage_;
  std::set<std::pair<std::size_t, std::size_t>> after_;  // (a, b): a run armed a before b
  std::map<std::pair<std::string, std::string>, std::size_t> rule_index_;
  std::map<std::string, std::size_t> scenario_order_;
};

}  // namespace

msmi::Status load_sweep_summary(const msmilog::EventStore& store,
                                const std::vector<std::int64_t>& sweep_ids, SweepSummary* out) {
  *out = SweepSummary();
  std::vector<msmilog::SweepRecord> all;
  msmi::Status s = store.list_sweeps(&all);
  if (!s.ok()) return s;
  std::vector<std::int64_t> run_ids;
  for (const std::int64_t id : sweep_ids) {
    const auto it = std::find_if(all.begin(), all.end(),
                                 [&](const msmilog::SweepRecord& r) { return r.sweep_id == id; });
    if (it == all.end()) {
      return msmi::Status::NotFound(store.path() + ": no sweep " + std::to_string(id));
    }
    if (std::any_of(out->sweeps.begin(), out->sweeps.end(),
                    [&](const msmilog::SweepRecord& r) { return r.sweep_id == id; })) {
      continue;
    }
    out->sweeps.push_back(*it);
    out->planned += it->planned;
    std::vector<std::int64_t> ids;
    s = store.sweep_run_ids(id, &ids);
    if (!s.ok()) return s;
    run_ids.insert(run_ids.end(), ids.begin(), ids.end());
  }
  std::sort(out->sweeps.begin(), out->sweeps.end(),
            [](const auto& a, const auto& b) { return a.sweep_id < b.sweep_id; });
  std::sort(run_ids.begin(), run_ids.end());

  Accumulator acc;
  std::vector<msmilog::ExpectationRow> expectations;
  std::vector<msmilog::InvariantRow> invariants;
  std::vector<msmilog::FaultRuleRow> rules;
  for (const std::int64_t run_id : run_ids) {
    msmilog::RunSummary run;
    s = store.get_run(run_id, &run);
    if (s.ok()) s = store.read_expectations(run_id, &expectations);
    if (s.ok()) s = store.read_invariants(run_id, &invariants);
    if (s.ok()) s = store.read_fault_rules(run_id, &rules);
    if (!s.ok()) return s;
    out->runs.push_back({run.run_id, run.scenario, run.seed, run.profile, run.verdict,
                         run.event_count, run.command});
    if (run.verdict == "pass") ++out->passed;
    if (run.verdict == "fail") ++out->failed;
    if (run.verdict == "no-expectations") ++out->no_expectations;
    if (run.verdict == "interrupted" || run.verdict.empty()) ++out->interrupted;
    for (const msmilog::ExpectationRow& e : expectations) {
      if (e.verdict == "fail")
        acc.add_failure("expectation", run.scenario, e.text, e.evidence, run_id);
    }
    for (const msmilog::InvariantRow& i : invariants) {
      if (!i.passed) acc.add_failure("invariant", run.scenario, i.name, i.detail, run_id);
    }
    acc.add_rules(run.scenario, rules);
  }
  const std::int64_t ran = static_cast<std::int64_t>(out->runs.size());
  if (out->planned > ran) out->interrupted += out->planned - ran;
  out->failures = acc.failures();
  out->coverage = acc.coverage();
  return msmi::Status::Ok();
}

}  // namespace msmireport
