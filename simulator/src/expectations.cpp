#include "msmisim/expectations.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "msmisim/world_events.h"

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

// ASCII only, as std::tolower in the "C" locale msmisim runs in, without a call per byte: this
// runs for every byte of every event an expectation with a text looks at.
char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c;
}

bool contains_any_case(std::string_view text, std::string_view part) {
  return std::search(text.begin(), text.end(), part.begin(), part.end(),
                     [](char a, char b) { return lower(a) == lower(b); }) != text.end();
}

std::string seconds(std::int64_t us) {
  return number(static_cast<double>(us) / 1e6) + "s";
}

}  // namespace

namespace {

// Knuth–Morris–Pratt: after a mismatch the longest proper prefix of the pattern that is also a
// suffix of what matched so far carries on, so [A, A, B] is found in A, A, A, B.
std::vector<std::size_t> sequence_fallback(const std::vector<int>& pattern) {
  std::vector<std::size_t> fallback(pattern.size(), 0);
  for (std::size_t i = 1, k = 0; i < pattern.size(); ++i) {
    while (k > 0 && pattern[i] != pattern[k]) k = fallback[k - 1];
    if (pattern[i] == pattern[k]) ++k;
    fallback[i] = k;
  }
  return fallback;
}

// One step of count_sequence(): `id` follows what matched so far. After a whole match the count
// starts afresh: occurrences do not overlap. REQUIRES: !pattern.empty().
void sequence_step(const std::vector<int>& pattern, const std::vector<std::size_t>& fallback,
                   int id, std::size_t* matched, int* repeats) {
  while (*matched > 0 && id != pattern[*matched]) *matched = fallback[*matched - 1];
  if (id == pattern[*matched]) ++*matched;
  if (*matched == pattern.size()) {
    ++*repeats;
    *matched = 0;
  }
}

}  // namespace

int count_sequence(const std::vector<int>& pattern, const std::vector<int>& stream) {
  if (pattern.empty()) return 0;
  const std::vector<std::size_t> fallback = sequence_fallback(pattern);
  int repeats = 0;
  std::size_t matched = 0;
  for (int id : stream) sequence_step(pattern, fallback, id, &matched, &repeats);
  return repeats;
}

bool template_can_contain(std::string_view text_template, std::string_view part) {
  // The template as tokens: a character, or an insertion (%1..%9) that renders as any string.
  constexpr int kInsertion = -1;
  std::vector<int> tokens;
  for (std::size_t i = 0; i < text_template.size(); ++i) {
    if (text_template[i] == '%' && i + 1 < text_template.size() &&
        std::isdigit(static_cast<unsigned char>(text_template[i + 1]))) {
      tokens.push_back(kInsertion);
      ++i;
    } else {
      tokens.push_back(static_cast<unsigned char>(lower(text_template[i])));
    }
  }
  // A set of positions in the template the part can have reached so far; it may start anywhere.
  const std::size_t n = tokens.size();
  std::vector<char> at(n + 1, 1);
  auto close = [&](std::vector<char>& states) {
    for (std::size_t p = 0; p < n; ++p) {
      if (states[p] && tokens[p] == kInsertion) states[p + 1] = 1;  // an insertion may be empty
    }
  };
  close(at);
  for (char c : part) {
    std::vector<char> next(n + 1, 0);
    bool any = false;
    for (std::size_t p = 0; p < n; ++p) {
      if (!at[p]) continue;
      if (tokens[p] == kInsertion) {
        next[p] = 1;
        any = true;
      } else if (tokens[p] == static_cast<unsigned char>(lower(c))) {
        next[p + 1] = 1;
        any = true;
      }
    }
    if (!any) return false;
    close(next);
    at.swap(next);
  }
  return true;
}

namespace {

// Whether `e` matches `ev` in everything but the message it is about.
bool event_matches_but_message(const EventExpectation& ev, const msmi::Event& e) {
  if (ev.id && e.event_id != *ev.id) return false;
  if (ev.type && e.type != *ev.type) return false;
  if (!ev.source.empty() &&
      (e.source.size() != ev.source.size() || !contains_any_case(e.source, ev.source))) {
    return false;
  }
  if (ev.thread && e.thread != *ev.thread) return false;
  if (e.time_us < ev.from_us || (ev.until_us && e.time_us >= *ev.until_us)) return false;
  return ev.text.empty() || contains_any_case(e.description, ev.text);
}

// Whether a sequence expectation looks at `e` at all.
bool sequence_sees(const SequenceExpectation& seq, const msmi::Event& e) {
  return (!seq.thread || e.thread == *seq.thread) &&
         std::find(seq.ids.begin(), seq.ids.end(), e.event_id) != seq.ids.end();
}

bool event_matches(const EventExpectation& ev, const msmi::Event& e,
                   const std::string& message_id) {
  if (!ev.message.empty() && e.message_id != message_id) return false;
  return event_matches_but_message(ev, e);
}

std::string describe(const EventExpectation& ev) {
  std::string what = ev.id ? "event " + std::to_string(*ev.id) : std::string("events");
  if (ev.type) what += " of type " + std::string(msmi::to_string(*ev.type));
  if (!ev.source.empty()) what += " from " + ev.source;
  if (!ev.message.empty()) what += " about message '" + ev.message + "'";
  if (!ev.text.empty()) what += " containing \"" + ev.text + "\"";
  if (ev.from_us > 0 || ev.until_us) {
    what += " from " + seconds(ev.from_us);
    if (ev.until_us) what += " until " + seconds(*ev.until_us);
  }
  return what + thread_suffix(ev.thread);
}

std::int64_t queue_value(const QueueSample& q, const std::string& queue) {
  if (queue == "p1_files") return q.p1_files;
  if (queue == "inqueue3") return q.inqueue3;
  if (queue == "mta_queue") return q.mta_queue;
  if (queue == "outbound_records") return q.outbound_records;
  if (queue == "mai_files") return q.mai_files;
  return q.held;
}

}  // namespace

EventExpectationCounter::EventExpectationCounter(const Expectations& expected)
    : expected_(expected),
      counts_(expected.events.size(), 0),
      labelled_counts_(expected.events.size()) {
  for (const SequenceExpectation& seq : expected.sequences) {
    sequences_.push_back({sequence_fallback(seq.ids), 0, 0});
  }
}

void EventExpectationCounter::add(const msmi::Event& event, const Ledger& ledger) {
  for (std::size_t i = 0; i < expected_.events.size(); ++i) {
    const EventExpectation& ev = expected_.events[i];
    if (!event_matches_but_message(ev, event)) continue;
    if (!ev.message.empty()) {
      if (event.message_id.empty()) continue;
      const LedgerEntry* entry = ledger.find(event.message_id);
      if (entry == nullptr || entry->label != ev.message) continue;
      ++labelled_counts_[i][event.message_id];
      continue;
    }
    ++counts_[i];
  }
  for (std::size_t i = 0; i < expected_.sequences.size(); ++i) {
    const SequenceExpectation& seq = expected_.sequences[i];
    if (seq.ids.empty() || !sequence_sees(seq, event)) continue;
    SequenceState& state = sequences_[i];
    sequence_step(seq.ids, state.fallback, event.event_id, &state.matched, &state.repeats);
  }
}

std::int64_t EventExpectationCounter::event_count(std::size_t i,
                                                  const std::string& message_id) const {
  if (expected_.events[i].message.empty()) return counts_[i];
  const auto it = labelled_counts_[i].find(message_id);
  return it == labelled_counts_[i].end() ? 0 : it->second;
}

std::vector<ExpectationResult> check_expectations(const Expectations& expected,
                                                  const RunResult& run,
                                                  const EventExpectationCounter* counted) {
  std::vector<ExpectationResult> results;
  for (std::size_t index = 0; index < expected.events.size(); ++index) {
    const EventExpectation& ev = expected.events[index];
    std::string message_id;
    if (!ev.message.empty()) {
      const LedgerEntry* entry = nullptr;
      for (const LedgerEntry& e : run.ledger) {
        if (e.label == ev.message) entry = &e;
      }
      if (entry == nullptr) {
        results.push_back({false, describe(ev) + " count " + ev.count.describe(),
                           "no message with that label was injected"});
        continue;
      }
      message_id = entry->message_id;
    }
    std::int64_t count = 0;
    if (counted != nullptr) {
      count = counted->event_count(index, message_id);
    } else {
      for (const msmi::Event& e : run.events) count += event_matches(ev, e, message_id) ? 1 : 0;
    }
    results.push_back(check(describe(ev) + " count", ev.count, static_cast<double>(count)));
  }
  for (std::size_t index = 0; index < expected.sequences.size(); ++index) {
    const SequenceExpectation& seq = expected.sequences[index];
    std::string ids;
    for (int id : seq.ids) ids += (ids.empty() ? "" : " → ") + std::to_string(id);
    CountRange range;
    range.min = seq.repeats;
    int repeats = 0;
    if (counted != nullptr) {
      repeats = counted->sequence_repeats(index);
    } else {
      std::vector<int> stream;
      for (const msmi::Event& e : run.events) {
        if (sequence_sees(seq, e)) stream.push_back(e.event_id);
      }
      repeats = count_sequence(seq.ids, stream);
    }
    results.push_back(
        check("sequence " + ids + thread_suffix(seq.thread) + " repeated", range, repeats));
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
    if (key == "outbound_records") actual = static_cast<double>(run.backlog.outbound_records);
    if (key == "mai_files") actual = static_cast<double>(run.backlog.mai_files);
    results.push_back(check("backlog " + key + " at end", range, actual));
  }
  if (!expected.ledger.empty()) {
    std::map<msmi::Fate, std::int64_t> counts = run.ledger_fates();
    for (const auto& [fate, range] : expected.ledger) {
      results.push_back(check("ledger " + std::string(msmi::to_string(fate)), range,
                              static_cast<double>(counts[fate])));
    }
  }
  for (const BacklogWindowExpectation& w : expected.backlog_over_time) {
    const std::int64_t until = w.until_us.value_or(run.virtual_duration_us);
    const std::string what = "backlog " + w.queue + " from " + seconds(w.from_us) + " to " +
                             seconds(until) + " " + w.range.describe();
    std::int64_t samples = 0;
    std::int64_t unreadable = 0;
    const QueueSample* worst = nullptr;  // the first sample outside the range
    for (const QueueSample& q : run.queue_samples) {
      if (q.time_us < w.from_us || q.time_us > until) continue;
      ++samples;
      const std::int64_t value = queue_value(q, w.queue);
      if (value < 0) {  // INQUEUE3 could not be read when the sample was taken
        ++unreadable;
        continue;
      }
      if (worst == nullptr && !w.range.contains(static_cast<double>(value))) worst = &q;
    }
    if (samples == unreadable) {
      results.push_back({false, what,
                         samples == 0 ? "no queue sample in that window (samples are taken every "
                                        "sample_interval)"
                                      : "the queue could not be read in that window"});
      continue;
    }
    if (worst != nullptr) {
      results.push_back(
          {false, what,
           std::to_string(queue_value(*worst, w.queue)) + " at " + seconds(worst->time_us)});
      continue;
    }
    std::int64_t lo = INT64_MAX, hi = 0;
    for (const QueueSample& q : run.queue_samples) {
      if (q.time_us < w.from_us || q.time_us > until || queue_value(q, w.queue) < 0) continue;
      lo = std::min(lo, queue_value(q, w.queue));
      hi = std::max(hi, queue_value(q, w.queue));
    }
    results.push_back({true, what,
                       lo == hi ? std::to_string(lo)
                                : std::to_string(lo) + ".." + std::to_string(hi) + " in " +
                                      std::to_string(samples - unreadable) + " samples"});
  }
  for (const auto& [label, fate] : expected.message_fates) {
    const LedgerEntry* found = nullptr;
    for (const LedgerEntry& entry : run.ledger) {
      if (entry.label == label) found = &entry;
    }
    std::string allowed;
    for (std::size_t i = 0; i < fate.allowed.size(); ++i) {
      allowed += (i == 0                         ? ""
                  : i + 1 == fate.allowed.size() ? " or "
                                                 : ", ") +
                 std::string(msmi::to_string(fate.allowed[i]));
    }
    const std::string what = "message '" + label + "' ends " + allowed;
    if (found == nullptr) {
      results.push_back({false, what, "no message with that label"});
    } else {
      const bool ok =
          std::find(fate.allowed.begin(), fate.allowed.end(), found->fate) != fate.allowed.end();
      results.push_back({ok, what,
                         std::string(msmi::to_string(found->fate)) +
                             (found->detail.empty() ? "" : " (" + found->detail + ")")});
    }
  }
  for (const auto& [label, want] : expected.delivered) {
    std::string what = "message '" + label + "' arrives in Exchange";
    if (want.subject) what += " with subject \"" + *want.subject + "\"";
    if (want.sent_us) what += " sent at " + seconds(*want.sent_us);
    if (want.sent_after_us) what += " sent at or after " + seconds(*want.sent_after_us);
    if (want.message_class) what += " of class \"" + *want.message_class + "\"";
    const LedgerEntry* found = nullptr;
    for (const LedgerEntry& entry : run.ledger) {
      if (entry.label == label) found = &entry;
    }
    const auto delivery =
        found == nullptr ? run.deliveries.end() : run.deliveries.find(found->message_id);
    if (found == nullptr) {
      results.push_back({false, what, "no message with that label"});
    } else if (delivery == run.deliveries.end()) {
      results.push_back(
          {false, what,
           "the MTA never took it (" + std::string(msmi::to_string(found->fate)) + ")"});
    } else {
      const MtaDelivery& got = delivery->second;
      const bool ok = (!want.subject || *want.subject == got.subject) &&
                      (!want.sent_us || *want.sent_us == got.sent_us) &&
                      (!want.sent_after_us || got.sent_us >= *want.sent_after_us) &&
                      (!want.message_class || *want.message_class == got.message_class);
      results.push_back(
          {ok, what,
           "subject \"" + got.subject + "\", sent at " + seconds(got.sent_us) +
               (got.message_class.empty() ? "" : ", class \"" + got.message_class + "\"")});
    }
  }
  for (const auto& [glob, present] : expected.files) {
    std::int64_t matches = 0;
    const std::string* first = nullptr;
    for (const std::string& file : run.postoffice_files) {
      if (!glob_match(glob, file)) continue;
      if (first == nullptr) first = &file;
      ++matches;
    }
    const std::string actual =
        matches == 0
            ? "no such file"
            : std::to_string(matches) + (matches == 1 ? " file: " : " files, first ") + *first;
    results.push_back({present == (matches > 0),
                       "postoffice files " + glob + (present ? " present" : " absent") + " at end",
                       actual});
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

std::vector<std::string> expectation_warnings(const Expectations& expected,
                                              const std::string& where) {
  std::vector<std::string> warnings;
  for (std::size_t i = 0; i < expected.events.size(); ++i) {
    const EventExpectation& ev = expected.events[i];
    // Only an expectation that zero matching events satisfies can pass for the wrong reason.
    if (ev.text.empty() || !ev.count.contains(0)) continue;
    bool possible = false;
    for (const msmi::EventSpec& spec : any_event_catalogue()) {
      if (ev.id && spec.id != *ev.id) continue;
      if (ev.type && spec.type != *ev.type) continue;
      if (!ev.source.empty() &&
          (spec.source.size() != ev.source.size() || !contains_any_case(spec.source, ev.source))) {
        continue;
      }
      if (template_can_contain(spec.text, ev.text)) {
        possible = true;
        break;
      }
    }
    if (!possible) {
      warnings.push_back(where + ".events[" + std::to_string(i) + "]: " + describe(ev) + " count " +
                         ev.count.describe() +
                         " cannot fail: no catalogue text of such an event can contain \"" +
                         ev.text + "\"");
    }
  }
  return warnings;
}

}  // namespace msmisim
