// Recording a finished run in the event store, shared by `run` and `replay --record`.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "msmi/status.h"
#include "msmilog/event_store.h"
#include "msmisim/run_result.h"
#include "msmisim/scenario.h"

namespace msmisim::cli {

// The wall clock as ISO-8601 UTC, for runs.started_at / finished_at (never in the events).
std::string now_iso();

// Flushes and closes `writer`, writes what the run left as the summary shows it (ledger,
// samples, queue samples, fault rules, invariants, expectations with their verdicts, the labels
// of scripted messages, lifecycle rows, thread states) and closes its `runs` row with
// `verdict`. `scenario` is what the run was made from. The first error is returned.
// Defined in run_recording.cpp.
msmi::Status record_result(msmilog::EventStore& store, std::int64_t run_id,
                           std::unique_ptr<msmilog::EventWriter> writer, const Scenario& scenario,
                           const RunResult& result, const std::string& verdict);

// "pass", "fail", "no-expectations" or "interrupted", as runs.verdict keeps it.
std::string verdict_of(const RunResult& result);

}  // namespace msmisim::cli
