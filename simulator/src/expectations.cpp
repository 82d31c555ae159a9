#include "msmisim/expectations.h"

#include <cstdio>
#include <set>

namespace msmisim {
namespace {

std::string number(double value) {
  char buffer[32];
  if (value == static_cast<double>(static_cast<std::int64_t>(value))) {
    std::snprintf(buffer, sizeof buffer, "%lld", static_cast<long long>(value));
  } else {
    std::snprintf(buffer, sizeof buffer, "%.1f", value);
  }
  return buffer;
}

ExpectationResult check(const std::string& what, const CountRange& range, double actual) {
  return {range.contains(actual), what + " " + range.describe(), number(actual)};
}

std::string thread_suffix(const std::optional<int>& thread) {
  return thread ? " on thread " + std::to_string(*thread) : "";
}

int count_sequence(const SequenceExpectation& seq, const std::vector<msmi::Event>& events) {
  const std::set<int> ids(seq.ids.begin(), seq.ids.end());
  std::size_t matched = 0;
  int repeats = 0;
  for (const msmi::Event& e : events) {
    if (ids.count(e.event_id) == 0 || (seq.thread && e.thread != *seq.thread)) continue;
    if (e.event_id == seq.ids[matched]) {
      if (++matched == seq.ids.size()) {
        ++repeats;
        matched = 0;
      }
    } else {
      matched = e.event_id == seq.ids[0] ? 1 : 0;
    }
  }
  return repeats;
}

}  // namespace

std::vector<ExpectationResult> check_expectations(const Expectations& expected,
                                                  const RunResult& run) {
  std::vector<ExpectationResult> results;
  for (const EventExpectation& ev : expected.events) {
    std::int64_t count = 0;
    for (const msmi::Event& e : run.events) {
      if (e.event_id != ev.id || (ev.thread && e.thread != *ev.thread)) continue;
      if (e.time_us < ev.from_us || (ev.until_us && e.time_us >= *ev.until_us)) continue;
      if (!ev.text.empty() && e.description.find(ev.text) == std::string::npos) continue;
      ++count;
    }
    std::string what = "event " + std::to_string(ev.id);
    if (!ev.text.empty()) what += " containing \"" + ev.text + "\"";
    if (ev.from_us > 0 || ev.until_us) {
      what += " from " + number(static_cast<double>(ev.from_us) / 1e6) + "s";
      if (ev.until_us) what += " until " + number(static_cast<double>(*ev.until_us) / 1e6) + "s";
    }
    results.push_back(
        check(what + thread_suffix(ev.thread) + " count", ev.count, static_cast<double>(count)));
  }
  for (const SequenceExpectation& seq : expected.sequences) {
    std::string ids;
    for (int id : seq.ids) ids += (ids.empty() ? "" : " → ") + std::to_string(id);
    CountRange range;
    range.min = seq.repeats;
    results.push_back(check("sequence " + ids + thread_suffix(seq.thread) + " repeated", range,
                            count_sequence(seq, run.events)));
  }
  for (const ThreadExpectation& th : expected.threads) {
    const std::string name = "thread " + std::to_string(th.thread);
    const ThreadSummary* summary = nullptr;
    for (const ThreadSummary& t : run.threads) {
      if (t.thread == th.thread) summary = &t;
    }
    if (summary == nullptr) {
      results.push_back({false, name + " exists", "no such thread"});
      continue;
    }
    if (th.state) {
      results.push_back({summary->state == *th.state,
                         name + " state at end is " + std::string(msmi::to_string(*th.state)),
                         std::string(msmi::to_string(summary->state))});
    }
    if (th.busy_pct.min || th.busy_pct.max) {
      const std::int64_t until = th.until_us.value_or(run.virtual_duration_us);
      double sum = 0;
      int n = 0;
      for (const ThreadSample& s : run.samples) {
        if (s.thread == th.thread && s.time_us > th.from_us && s.time_us <= until) {
          sum += s.busy_pct;
          ++n;
        }
      }
      if (n == 0) {
        // No sample ends inside the window: there is nothing to judge, which is a failure
        // rather than a silent 0 %.
        results.push_back(
            {false,
             name + " busy % from " + number(static_cast<double>(th.from_us) / 1e6) + "s to " +
                 number(static_cast<double>(until) / 1e6) + "s",
             "no sample ends in that window (samples are taken every sample_interval)"});
        continue;
      }
      const double mean = sum / n;
      results.push_back(check(name + " mean busy % from " +
                                  number(static_cast<double>(th.from_us) / 1e6) + "s to " +
                                  number(static_cast<double>(until) / 1e6) + "s",
                              th.busy_pct, mean));
    }
  }
  for (const auto& [key, range] : expected.backlog) {
    double actual = 0;
    if (key == "p1_files") actual = static_cast<double>(run.backlog.p1_files);
    if (key == "inqueue3") actual = static_cast<double>(run.backlog.inqueue3);
    if (key == "mta_queue") actual = static_cast<double>(run.backlog.mta_queue);
    if (key == "held") actual = static_cast<double>(run.backlog.held);
    results.push_back(check("backlog " + key + " at end", range, actual));
  }
  if (!expected.ledger.empty()) {
    std::map<msmi::Fate, std::int64_t> counts;
    for (const LedgerEntry& entry : run.ledger) ++counts[entry.fate];
    for (const auto& [fate, range] : expected.ledger) {
      results.push_back(check("ledger " + std::string(msmi::to_string(fate)), range,
                              static_cast<double>(counts[fate])));
    }
  }
  for (const auto& [label, fate] : expected.message_fates) {
    const LedgerEntry* found = nullptr;
    for (const LedgerEntry& entry : run.ledger) {
      if (entry.label == label) found = &entry;
    }
    const std::string what = "message '" + label + "' ends " + std::string(msmi::to_string(fate));
    if (found == nullptr) {
      results.push_back({false, what, "no message with that label"});
    } else {
      results.push_back({found->fate == fate, what,
                         std::string(msmi::to_string(found->fate)) +
                             (found->detail.empty() ? "" : " (" + found->detail + ")")});
    }
  }
  if (expected.service_running) {
    results.push_back({run.service_running == *expected.service_running,
                       std::string("MSMI service ") +
                           (*expected.service_running ? "running" : "stopped") + " at end",
                       run.service_running ? "running" : "stopped"});
  }
  if (expected.has_crashes) {
    results.push_back(check("MSMI crashes", expected.crashes, run.crashes));
  }
  return results;
}

}  // namespace msmisim
