#include "run_recording.h"

#include "cli_record.h"

namespace msmisim::cli {

msmi::Status record_finished_run(msmilog::EventStore& store, const msmilog::RunRecord& record,
                                 const Scenario& scenario, const RunResult& result,
                                 std::int64_t* run_id) {
  msmi::Status s = store.begin_run(record, run_id);
  if (!s.ok()) return s;
  {
    std::unique_ptr<msmilog::EventWriter> writer =
        store.open_writer(*run_id, scenario.computer, scenario.epoch_us);
    for (const msmi::Event& e : result.events) writer->write(e);
    s = writer->flush();
  }
  std::vector<msmilog::LedgerRow> ledger;
  for (const LedgerEntry& e : result.ledger) {
    std::string recipients;
    for (const std::string& x : e.recipients) recipients += (recipients.empty() ? "" : "; ") + x;
    ledger.push_back({e.message_id, e.sender, recipients, std::string(msmi::to_string(e.fate)),
                      e.attempts, e.label.empty() ? e.detail : "[" + e.label + "] " + e.detail,
                      e.injected_us, e.settled_us});
  }
  if (s.ok()) s = store.write_ledger(*run_id, ledger);
  std::vector<msmilog::SampleRow> samples;
  for (const ThreadSample& t : result.samples) {
    samples.push_back({t.time_us, t.thread, t.role, t.busy_pct});
  }
  if (s.ok()) s = store.write_samples(*run_id, samples);
  std::vector<msmilog::QueueSampleRow> queues;
  for (const QueueSample& q : result.queue_samples) {
    queues.push_back({q.time_us, q.inqueue3, q.p1_files, q.mta_queue, q.outbound_records});
  }
  if (s.ok()) s = store.write_queue_samples(*run_id, queues);
  std::vector<msmilog::FaultRuleRow> rules;
  for (const FaultRuleStats& f : result.fault_stats) {
    rules.push_back({static_cast<std::int64_t>(rules.size()), f.rule, f.matches, f.fired});
  }
  if (s.ok()) s = store.write_fault_rules(*run_id, rules);
  std::vector<msmilog::InvariantRow> invariants;
  for (const InvariantResult& i : result.invariants) {
    invariants.push_back({i.name, i.passed, i.detail});
  }
  if (s.ok()) s = store.write_invariants(*run_id, invariants);
  if (s.ok()) {
    s = store.finish_run(*run_id, verdict_of(result), now_iso(), result.virtual_duration_us);
  }
  return s;
}

}  // namespace msmisim::cli
