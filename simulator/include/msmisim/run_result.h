// What a run leaves behind, for the summary, the event store and the expectations.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "msmi/defects.h"
#include "msmi/event.h"
#include "msmi/worker.h"
#include "msmisim/event_tally.h"
#include "msmisim/fault_injector.h"
#include "msmisim/ledger.h"
#include "msmisim/oracle.h"
#include "msmisim/simulated_mta.h"

namespace msmisim {

struct ThreadSample {
  std::int64_t time_us = 0;  // end of the sample interval
  int thread = 0;
  std::string role;
  double busy_pct = 0.0;
};

struct QueueSample {
  std::int64_t time_us = 0;
  std::int64_t inqueue3 = 0;          // records in INQUEUE3
  std::int64_t p1_files = 0;          // envelopes in P1/
  std::int64_t mta_queue = 0;         // messages waiting in the MTA's MSMI queue
  std::int64_t outbound_records = 0;  // records in the postoffices' mailbags
  std::int64_t held = 0;              // messages the MS Mail side could not queue yet
  std::int64_t mai_files = 0;         // contents in MAI/MA0..MAF (one per message, Q100826)
};

struct ThreadSummary {
  int thread = 0;
  std::string role;
  msmi::ThreadState state = msmi::ThreadState::kStopped;
  double last_busy_pct = 0.0;  // in the last sample interval
  double mean_busy_pct = 0.0;  // over the whole run
};

struct ExpectationResult {
  bool passed = false;
  std::string what;    // "event 2342 containing \"0x15\" count ≥ 10"
  std::string actual;  // "57"
};

// A crash, restart, service stop or start, power loss or boot, as it happened (virtual time).
struct LifecycleEntry {
  std::int64_t time_us = 0;
  // "service_start", "service_stop", "crash", "terminated" (ended from outside), "restart"
  // (an operator's step, its stop and start follow), "reboot", "power_loss", "boot".
  std::string what;
  std::string service;  // "MSExchangeMSMI", "MSExchangeMTA", "MSExchangeDS"; "" for the server
  std::string detail;
};

// A thread's state from a sample on, written when it differs from the thread's last one.
struct ThreadStateChange {
  std::int64_t time_us = 0;  // the sample's time
  int thread = 0;
  std::string role;
  // At the sample: "stopped" (the service is not running), "blocked" (hung in a call, or
  // waiting for a lock another thread holds), "busy" (looping, or busy for at least
  // kBusyThresholdPct of the interval the sample closes) or "idle".
  std::string state;
  static constexpr double kBusyThresholdPct = 50.0;
};

struct RunResult {
  std::uint64_t seed = 0;
  std::string profile;
  msmi::DefectSet defects;
  std::int64_t virtual_duration_us = 0;  // how far the run got (the scenario's duration)
  bool interrupted = false;              // stopped early by a signal
  std::int64_t scheduler_steps = 0;
  std::int64_t suppressed_events = 0;
  // Every event written, in order; empty when RunOptions::keep_events was off (the caller took
  // them from its extra_sink). event_tally counts them either way.
  std::vector<msmi::Event> events;
  EventTally event_tally;
  // Every message's row, in injection order; with RunOptions::ledger_sink only those judged at
  // the end (settled_fates counts the rows handed on before).
  std::vector<LedgerEntry> ledger;
  std::map<msmi::Fate, std::int64_t> settled_fates;
  std::vector<ThreadSample> samples;
  std::vector<QueueSample> queue_samples;
  std::vector<ThreadSummary> threads;
  std::vector<LifecycleEntry> lifecycle;         // in the order it happened
  std::vector<ThreadStateChange> thread_states;  // ascending time, then thread
  QueueSample backlog;                           // at the end
  bool service_running = false;
  int crashes = 0;
  std::vector<FaultRuleStats> fault_stats;    // per fault rule, in scenario order
  std::vector<std::string> expectation_sets;  // which blocks of "expect" applied
  std::vector<ExpectationResult> expectations;
  // True when no block of "expect" applies to the profile: the run proved nothing but the
  // invariants (the command line exits with its own code for it).
  bool no_expectations = false;
  // Expectations that cannot fail, and the like: printed, never failing the run.
  std::vector<std::string> warnings;
  // Checked after every run by the oracle (oracle.h); a broken one fails the run.
  std::vector<InvariantResult> invariants;
  // Every file of the postoffice's folders at the end ("P1/0000002A.P1"), sorted.
  std::vector<std::string> postoffice_files;
  // Message ID → the message as the MTA took it (inbound mail, not NDRs).
  std::map<std::string, MtaDelivery> deliveries;

  // The ledger's rows by fate (every fate present, 0 if none), and how many: those in `ledger`
  // and those handed to RunOptions::ledger_sink as they settled.
  std::map<msmi::Fate, std::int64_t> ledger_fates() const {
    std::map<msmi::Fate, std::int64_t> fates;
    for (msmi::Fate f : {msmi::Fate::kDelivered, msmi::Fate::kNdr, msmi::Fate::kQuarantined,
                         msmi::Fate::kPending, msmi::Fate::kLost}) {
      fates[f] = 0;
    }
    for (const auto& [fate, n] : settled_fates) fates[fate] += n;
    for (const LedgerEntry& entry : ledger) ++fates[entry.fate];
    return fates;
  }
  std::int64_t ledger_size() const {
    std::int64_t n = static_cast<std::int64_t>(ledger.size());
    for (const auto& [fate, count] : settled_fates) n += count;
    return n;
  }

  // Every expectation and every invariant held.
  bool passed() const {
    for (const ExpectationResult& e : expectations) {
      if (!e.passed) return false;
    }
    for (const InvariantResult& i : invariants) {
      if (!i.passed) return false;
    }
    return true;
  }
};

}  // namespace msmisim
