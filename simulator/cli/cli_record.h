// Recording a finished run in the event store, shared by `run` and `replay --record`.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "msmi/status.h"
#include "msmilog/event_store.h"
#include "msmisim/run_result.h"
#include "msmisim/scenario.h"

namespace msmisim::cli {

// The wall clock as ISO-8601 UTC, for runs.started_at / finished_at (never in the events).
std::string now_iso();

// Writes the ledger's rows into the store as a run hands them on (RunOptions::ledger_sink), a
// slice of 4,096 rows at a time, so that a long run never holds them all. The first error
// stops the writing and stays in status(). Defined in run_recording.cpp.
class StoreLedgerSink final : public LedgerSink {
 public:
  // `store` must outlive the sink.
  StoreLedgerSink(msmilog::EventStore& store, std::int64_t run_id)
      : store_(store), run_id_(run_id) {}
  void write(const LedgerEntry& entry) override;
  // Writes the rows not written yet.
  msmi::Status flush();
  const msmi::Status& status() const { return status_; }

 private:
  msmilog::EventStore& store_;
  std::int64_t run_id_;
  std::vector<msmilog::LedgerRow> rows_;
  msmi::Status status_;
};

// Keeps nothing: for a run whose ledger goes nowhere but its summary (run --no-db).
class DiscardingLedgerSink final : public LedgerSink {
 public:
  void write(const LedgerEntry&) override {}
};

// Flushes and closes `writer`, writes what the run left as the summary shows it (ledger,
// samples, queue samples, fault rules, invariants, expectations with their verdicts, the labels
// of scripted messages, lifecycle rows, thread states) and closes its `runs` row with
// `verdict`. `scenario` is what the run was made from. With `ledger` (the run's
// RunOptions::ledger_sink, which was handed every row) the ledger is what it has not written yet,
// not result.ledger. The first error is returned. Defined in run_recording.cpp.
msmi::Status record_result(msmilog::EventStore& store, std::int64_t run_id,
                           std::unique_ptr<msmilog::EventWriter> writer, const Scenario& scenario,
                           const RunResult& result, const std::string& verdict,
                           StoreLedgerSink* ledger = nullptr);

// "pass", "fail", "no-expectations" or "interrupted", as runs.verdict keeps it.
std::string verdict_of(const RunResult& result);

}  // namespace msmisim::cli
