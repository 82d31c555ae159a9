#include "msmireport/run_report.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <string>

#include "msmi/event.h"
#include "text_columns.h"

namespace msmireport {

namespace {

// Each ID with its count, and under it the texts it was written with, the most frequent first,
// up to kTextsShown of them: 7036 or 9003 say quite different things under one ID. Texts that
// differ only in a message number count as one, shown by its first example.
void render_events_by_id(const msmisim::RunResult& r, std::ostream& out) {
  constexpr std::size_t kTextsShown = 3;
  constexpr std::size_t kTextsTracked = msmisim::EventTally::kTextsTracked;
  // Counted as the events were written (RunResult::event_tally), whether or not the result keeps
  // the events themselves.
  const std::map<int, msmisim::EventIdTally>& ids = r.event_tally.ids();
  out << "\nEvents by ID (" << r.event_tally.total() << " written, " << r.suppressed_events
      << " below the logging level):\n";
  for (const auto& [number, id] : ids) {
    std::vector<std::pair<std::string, msmisim::EventTextTally>> texts(id.texts.begin(),
                                                                       id.texts.end());
    std::sort(texts.begin(), texts.end(), [](const auto& a, const auto& b) {
      return a.second.count != b.second.count ? a.second.count > b.second.count
                                              : a.second.first < b.second.first;
    });
    const std::string head = "  " + pad(std::to_string(number), 6) +
                             pad(std::string(msmi::to_string(id.type)), 12) +
                             pad(std::to_string(id.count), 7);
    if (texts.size() == 1) {
      out << head << truncate(texts[0].second.example, 78) << "\n";
      continue;
    }
    out << head << "(" << (id.texts.size() < kTextsTracked ? std::to_string(texts.size()) : "many")
        << " different texts)\n";
    std::int64_t shown = 0;
    // "… other texts" only when it stands for more than one.
    const std::size_t show = texts.size() <= kTextsShown + 1 ? texts.size() : kTextsShown;
    for (std::size_t i = 0; i < show; ++i) {
      out << "  " << pad("", 18) << pad(std::to_string(texts[i].second.count), 7)
          << truncate(texts[i].second.example, 78) << "\n";
      shown += texts[i].second.count;
    }
    if (shown < id.count) {
      out << "  " << pad("", 18) << pad(std::to_string(id.count - shown), 7) << "… other texts\n";
    }
  }
}

void render_ledger(const msmisim::RunResult& r, std::ostream& out) {
  std::map<msmi::Fate, std::int64_t> fates = r.ledger_fates();
  out << "\nLedger: " << plural(r.ledger_size(), "message") << " — delivered "
      << fates[msmi::Fate::kDelivered] << ", ndr " << fates[msmi::Fate::kNdr] << ", quarantined "
      << fates[msmi::Fate::kQuarantined] << ", pending " << fates[msmi::Fate::kPending] << ", lost "
      << fates[msmi::Fate::kLost] << "\n";
  for (const msmisim::LedgerEntry& entry : r.ledger) {
    if (entry.label.empty()) continue;
    out << "  '" << entry.label << "' " << entry.message_id << ": " << msmi::to_string(entry.fate)
        << (entry.detail.empty() ? "" : " — " + entry.detail) << "\n";
  }
}

void render_threads(const msmisim::RunResult& r, std::ostream& out) {
  out << "\nThreads (state at end, busy % in the last sample / over the run):\n";
  for (const msmisim::ThreadSummary& t : r.threads) {
    if (t.role == "housekeeping" && t.mean_busy_pct < 0.05) continue;
    out << "  " << pad(std::to_string(t.thread), 4) << pad(t.role, 10)
        << pad(std::string(msmi::to_string(t.state)), 9) << pad(fixed(t.last_busy_pct, 1) + "%", 8)
        << fixed(t.mean_busy_pct, 1) << "%\n";
  }
  out << "  (threads 0-3, housekeeping: idle)\n";
}

void render_queues(const msmisim::RunResult& r, std::ostream& out) {
  if (r.queue_samples.size() < 2) return;
  // A dozen evenly spaced points are enough to see a backlog build up or drain.
  const std::size_t n = r.queue_samples.size();
  const std::size_t step = std::max<std::size_t>(1, (n + 11) / 12);
  std::string times, p1, inqueue, mta, mailbags, held;
  bool any_mta = false, any_mailbags = false, any_held = false;
  for (std::size_t i = step - 1; i < n; i += step) {
    const msmisim::QueueSample& q = r.queue_samples[i];
    times += pad(duration_text(q.time_us), 6);
    p1 += pad(std::to_string(q.p1_files), 6);
    inqueue += pad(q.inqueue3 < 0 ? "-" : std::to_string(q.inqueue3), 6);
    mta += pad(std::to_string(q.mta_queue), 6);
    mailbags += pad(std::to_string(q.outbound_records), 6);
    held += pad(std::to_string(q.held), 6);
  }
  // The other queues only when one of them ever held something (over every sample, not only
  // the ones shown).
  for (const msmisim::QueueSample& q : r.queue_samples) {
    any_mta |= q.mta_queue > 0;
    any_mailbags |= q.outbound_records > 0;
    any_held |= q.held > 0;
  }
  out << "\nQueues over time:\n  " << pad("time", 12) << times << "\n  " << pad("P1 files", 12)
      << p1 << "\n  " << pad("INQUEUE3", 12) << inqueue << "\n";
  if (any_mta) out << "  " << pad("MTA queue", 12) << mta << "\n";
  if (any_mailbags) out << "  " << pad("mailbags", 12) << mailbags << "\n";
  if (any_held) out << "  " << pad("held by MS", 12) << held << "\n";
  if (inqueue.find('-') != std::string::npos) {
    out << "  (-: INQUEUE3 could not be read, e.g. locked)\n";
  }
}

void render_end_state(const msmisim::RunResult& r, std::ostream& out) {
  out << "\nAt the end: MSMI service " << (r.service_running ? "running" : "stopped")
      << (r.crashes > 0
              ? " (" + std::to_string(r.crashes) + (r.crashes == 1 ? " crash)" : " crashes)")
              : "")
      << "; backlog: P1 files " << r.backlog.p1_files << ", INQUEUE3 " << r.backlog.inqueue3
      << ", MTA queue " << r.backlog.mta_queue << ", held by MS Mail " << r.backlog.held << "\n";
}

void render_fault_rules(const msmisim::RunResult& r, std::ostream& out) {
  if (r.fault_stats.empty()) return;
  out << "\nFault rules (matched / fired):\n";
  for (const msmisim::FaultRuleStats& s : r.fault_stats) {
    out << "  " << pad(std::to_string(s.matches), 7) << pad(std::to_string(s.fired), 7) << s.rule
        << "\n";
  }
}

void render_expectations(const msmisim::Scenario& scenario, const msmisim::RunResult& r,
                         std::ostream& out) {
  if (r.expectation_sets.empty()) {
    out << "\nExpectations: none for profile " << r.profile << " in " << scenario.path << "\n";
    return;
  }
  std::string sets;
  for (const std::string& s : r.expectation_sets) sets += (sets.empty() ? "" : " + ") + s;
  out << "\nExpectations (" << sets << "):\n";
  for (const msmisim::ExpectationResult& e : r.expectations) {
    out << "  " << (e.passed ? "PASS " : "FAIL ") << e.what << ": " << e.actual << "\n";
  }
}

void render_invariants(const msmisim::RunResult& r, std::ostream& out) {
  if (r.invariants.empty()) return;
  int broken = 0;
  for (const msmisim::InvariantResult& i : r.invariants) broken += i.passed ? 0 : 1;
  if (broken == 0) {
    out << "\nInvariants: all " << r.invariants.size() << " held\n";
    return;
  }
  out << "\nInvariants: " << broken << " of " << r.invariants.size() << " broken:\n";
  for (const msmisim::InvariantResult& i : r.invariants) {
    if (!i.passed) out << "  BROKEN " << i.name << ": " << i.detail << "\n";
  }
}

}  // namespace

void render_run_header(const msmisim::Scenario& scenario, const RunHeader& header, bool quiet,
                       std::ostream& out) {
  out << "msmisim " << MSMISIM_VERSION << ": " << header.scenario_path
      << (scenario.kb.empty() ? "" : " (KB " + scenario.kb + ")") << "\n";
  if (!quiet && !scenario.description.empty()) out << scenario.description << "\n";
  out << "seed " << header.seed << ", profile " << header.profile << ", "
      << duration_text(scenario.duration_us) << " of virtual time\n";
  out << "replay: " << header.replay << "\n";
}

void render_run_summary(const msmisim::Scenario& scenario, const msmisim::RunResult& result,
                        std::ostream& out) {
  render_events_by_id(result, out);
  render_ledger(result, out);
  render_threads(result, out);
  render_queues(result, out);
  render_end_state(result, out);
  render_fault_rules(result, out);
  render_invariants(result, out);
  render_expectations(scenario, result, out);
}

void render_fault_warnings(const msmisim::RunResult& result, std::ostream& out) {
  for (const msmisim::FaultRuleStats& s : result.fault_stats) {
    if (s.fired > 0) continue;
    out << "warning: fault rule never fired (" << s.matches << " matching call"
        << (s.matches == 1 ? "" : "s") << "): " << s.rule << "\n";
  }
  for (const std::string& w : result.warnings) out << "warning: " << w << "\n";
}

void render_failed_expectations(const msmisim::RunResult& result, std::ostream& out) {
  for (const msmisim::InvariantResult& i : result.invariants) {
    if (!i.passed) out << "  BROKEN invariant " << i.name << ": " << i.detail << "\n";
  }
  for (const msmisim::ExpectationResult& e : result.expectations) {
    if (!e.passed) out << "  FAIL " << e.what << ": " << e.actual << "\n";
  }
}

void render_run_verdict(const RunHeader& header, const msmisim::RunResult& result,
                        const RunOutcome& outcome, std::ostream& out) {
  const std::string recorded =
      outcome.run_id
          ? "recorded as run " + std::to_string(*outcome.run_id) + " in " + outcome.db_path
          : "";
  if (outcome.verdict == "interrupted") {
    out << "\nINTERRUPTED at " << duration_text(result.virtual_duration_us) << " of virtual time; "
        << result.event_tally.total() << " events" << (recorded.empty() ? "" : " " + recorded)
        << "\n";
    return;
  }
  int passed = 0;
  for (const msmisim::ExpectationResult& e : result.expectations) passed += e.passed ? 1 : 0;
  out << "\n";
  if (outcome.verdict == "no-expectations") {
    out << "DONE: no expectations for profile " << header.profile;
  } else {
    out << (outcome.verdict == "pass" ? "PASS" : "FAIL") << ": " << passed << "/"
        << result.expectations.size() << " expectations held";
  }
  int broken = 0;
  for (const msmisim::InvariantResult& i : result.invariants) broken += i.passed ? 0 : 1;
  if (broken > 0) out << ", " << plural(broken, "invariant") << " broken";
  const double events = static_cast<double>(result.event_tally.total());
  out << "; " << plural(result.event_tally.total(), "event") << " in " << fixed(outcome.wall_s, 3)
      << " s wall time (" << fixed(outcome.wall_s > 0 ? events / outcome.wall_s : 0.0, 0)
      << " events/s)";
  if (!recorded.empty()) out << "; " << recorded;
  out << "\n";
  if (outcome.verdict == "fail") out << "replay: " << header.replay << "\n";
}

}  // namespace msmireport
