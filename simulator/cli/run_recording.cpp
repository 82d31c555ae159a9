#include "run_recording.h"

#include <algorithm>

#include "cli_record.h"
#include "msmisim/expectations.h"

namespace msmisim::cli {

namespace {

constexpr std::size_t kLedgerRowsPerWrite = 4096;

msmilog::LedgerRow ledger_row(const LedgerEntry& e) {
  std::string recipients;
  for (const std::string& x : e.recipients) recipients += (recipients.empty() ? "" : "; ") + x;
  return {e.message_id,  e.sender,
          recipients,    std::string(msmi::to_string(e.fate)),
          e.attempts,    e.label.empty() ? e.detail : "[" + e.label + "] " + e.detail,
          e.injected_us, e.settled_us};
}

// The ledger as `messages` rows, written a slice at a time so that the rows of a long run are
// never all in memory beside the ledger itself.
msmi::Status write_ledger(msmilog::EventStore& store, std::int64_t run_id, const RunResult& r) {
  std::vector<msmilog::LedgerRow> rows;
  rows.reserve(std::min(kLedgerRowsPerWrite, r.ledger.size()));
  for (std::size_t i = 0; i < r.ledger.size(); ++i) {
    rows.push_back(ledger_row(r.ledger[i]));
    if (rows.size() == kLedgerRowsPerWrite || i + 1 == r.ledger.size()) {
      if (msmi::Status s = store.write_ledger(run_id, rows); !s.ok()) return s;
      rows.clear();
    }
  }
  return r.ledger.empty() ? store.write_ledger(run_id, rows) : msmi::Status::Ok();
}

// The profile column of an expectation: NULL for the block "*" that applies to every profile.
std::string expectation_profile(const std::string& set) {
  return set == "*" ? std::string() : set;
}

// The expectations the summary shows, with their verdicts, then those of the blocks of "expect"
// that do not apply to the run's profile, "skipped" (their texts as the summary would show them).
std::vector<msmilog::ExpectationRow> expectation_rows(const Scenario& scenario,
                                                      const RunResult& r) {
  std::vector<msmilog::ExpectationRow> rows;
  // r.expectations holds the results of the blocks of r.expectation_sets, block after block;
  // check_expectations() tells how many each block gives (it is a function of the run).
  std::size_t next = 0;
  for (const std::string& set : r.expectation_sets) {
    const auto it = scenario.expectations.find(set);
    const std::size_t n =
        it == scenario.expectations.end() ? 0 : check_expectations(it->second, r).size();
    for (std::size_t i = 0; i < n && next < r.expectations.size(); ++i, ++next) {
      const ExpectationResult& e = r.expectations[next];
      rows.push_back({static_cast<std::int64_t>(rows.size()), expectation_profile(set), e.what,
                      e.passed ? "pass" : "fail", e.actual});
    }
  }
  for (const auto& [set, expected] : scenario.expectations) {
    if (std::find(r.expectation_sets.begin(), r.expectation_sets.end(), set) !=
        r.expectation_sets.end()) {
      continue;
    }
    for (const ExpectationResult& e : check_expectations(expected, r)) {
      rows.push_back({static_cast<std::int64_t>(rows.size()), expectation_profile(set), e.what,
                      "skipped", "not checked: the run's profile is " + r.profile});
    }
  }
  return rows;
}

}  // namespace

void StoreLedgerSink::write(const LedgerEntry& entry) {
  if (!status_.ok()) return;
  rows_.push_back(ledger_row(entry));
  if (rows_.size() == kLedgerRowsPerWrite) status_ = flush();
}

msmi::Status StoreLedgerSink::flush() {
  if (status_.ok()) status_ = store_.write_ledger(run_id_, rows_);
  rows_.clear();
  return status_;
}

msmi::Status record_result(msmilog::EventStore& store, std::int64_t run_id,
                           std::unique_ptr<msmilog::EventWriter> writer, const Scenario& scenario,
                           const RunResult& result, const std::string& verdict,
                           StoreLedgerSink* ledger) {
  msmi::Status s = writer->flush();
  writer.reset();
  // What is left of the ledger and the other tables go in one transaction, so a failure
  // part-way leaves none of them. Rows a StoreLedgerSink handed on while the run went are
  // already committed, like the events: a run that ends early keeps them, without invariants.
  // Inside record_finished_run() the caller's transaction already holds everything.
  const bool own_transaction = s.ok() && !store.in_transaction();
  if (own_transaction) s = store.begin_transaction();
  if (s.ok()) s = ledger != nullptr ? ledger->flush() : write_ledger(store, run_id, result);
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
  std::vector<msmilog::FaultRuleRow> rules;
  for (const FaultRuleStats& f : result.fault_stats) {
    rules.push_back({static_cast<std::int64_t>(rules.size()), f.rule, f.matches, f.fired});
  }
  if (s.ok()) s = store.write_fault_rules(run_id, rules);
  std::vector<msmilog::InvariantRow> invariants;
  for (const InvariantResult& i : result.invariants) {
    invariants.push_back({i.name, i.passed, i.detail});
  }
  if (s.ok()) s = store.write_invariants(run_id, invariants);
  if (s.ok()) s = store.write_expectations(run_id, expectation_rows(scenario, result));
  std::vector<msmilog::LabelRow> labels;
  for (const LedgerEntry& e : result.ledger) {
    if (!e.label.empty()) labels.push_back({e.message_id, e.label});
  }
  if (s.ok()) s = store.write_labels(run_id, labels);
  std::vector<msmilog::LifecycleRow> lifecycle;
  for (const LifecycleEntry& l : result.lifecycle) {
    lifecycle.push_back({l.time_us, l.what, l.service, l.detail});
  }
  if (s.ok()) s = store.write_lifecycle(run_id, lifecycle);
  std::vector<msmilog::ThreadStateRow> states;
  for (const ThreadStateChange& t : result.thread_states) {
    states.push_back({t.time_us, t.thread, t.role, t.state});
  }
  if (s.ok()) s = store.write_thread_states(run_id, states);
  if (s.ok()) s = store.finish_run(run_id, verdict, now_iso(), result.virtual_duration_us);
  if (own_transaction) {
    if (s.ok()) return store.commit_transaction();
    store.rollback_transaction();
  }
  return s;
}

msmi::Status record_finished_run(msmilog::EventStore& store, const msmilog::RunRecord& record,
                                 const Scenario& scenario, const RunResult& result,
                                 std::int64_t* run_id, std::vector<msmilog::EventRow>* rows) {
  // One transaction for the whole run: a run of a sweep is recorded whole or not at all, and
  // its dozen tables cost one commit instead of one each (a commit writes every page it
  // touched to the WAL again, which for short runs cost more than their rows).
  msmi::Status s = store.begin_transaction();
  if (!s.ok()) return s;
  s = store.begin_run(record, run_id);
  if (s.ok()) {
    std::unique_ptr<msmilog::EventWriter> writer =
        store.open_writer(*run_id, scenario.computer, scenario.epoch_us);
    if (rows != nullptr) {
      writer->reserve(rows->size());
      for (msmilog::EventRow& row : *rows) writer->write_row(std::move(row));
      rows->clear();
    } else {
      writer->reserve(result.events.size());
      for (const msmi::Event& e : result.events) writer->write(e);
    }
    s = record_result(store, *run_id, std::move(writer), scenario, result, verdict_of(result));
  }
  if (s.ok()) return store.commit_transaction();
  store.rollback_transaction();
  return s;
}

}  // namespace msmisim::cli
