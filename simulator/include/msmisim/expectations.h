// Checks a scenario's expectations against what a run produced.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "msmi/event.h"
#include "msmisim/ledger.h"
#include "msmisim/run_result.h"
#include "msmisim/scenario.h"

namespace msmisim {

// The event expectations of one block of "expect" (event counts and sequences), judged event by
// event as a run writes them, so that the run need not keep its events. Its size does not grow
// with the events.
class EventExpectationCounter {
 public:
  // `expected` must outlive the counter.
  explicit EventExpectationCounter(const Expectations& expected);

  // Counts `event`. `ledger` tells which message an event's message ID belongs to, for the
  // expectations about a labelled message: the ledger holds a message from its injection on,
  // and no event can name a message before its ID exists.
  void add(const msmi::Event& event, const Ledger& ledger);

  // For check_expectations(): the matching events of expected.events[i] (for one about a
  // labelled message, those about `message_id`: labels can repeat, and the expectation is
  // about the last message given the label), the repeats of expected.sequences[i].
  std::int64_t event_count(std::size_t i, const std::string& message_id) const;
  int sequence_repeats(std::size_t i) const { return sequences_[i].repeats; }

 private:
  // count_sequence() one event at a time.
  struct SequenceState {
    std::vector<std::size_t> fallback;  // Knuth–Morris–Pratt failure function of the pattern
    std::size_t matched = 0;
    int repeats = 0;
  };

  const Expectations& expected_;
  std::vector<std::int64_t> counts_;
  // Per expectation about a labelled message: message ID → its matching events, for every
  // message that carries the label (a handful).
  std::vector<std::map<std::string, std::int64_t>> labelled_counts_;
  std::vector<SequenceState> sequences_;
};

// Judges `expected` against `run`. The event counts and sequences come from `counted` when given
// (the counter fed every event of the run, for a run that did not keep its events), else from
// run.events; either way the results are the same.
std::vector<ExpectationResult> check_expectations(const Expectations& expected,
                                                  const RunResult& run,
                                                  const EventExpectationCounter* counted = nullptr);

// Warnings about expectations that cannot fail: an event count that zero satisfies, with a
// `text` that no catalogue text of the events it counts can contain whatever the insertion
// strings are. `where` names the block in the messages ("$.expect.hardened").
std::vector<std::string> expectation_warnings(const Expectations& expected,
                                              const std::string& where);

// How often `pattern` occurs in `stream` as a contiguous run, occurrences not overlapping
// ([A, A, B] occurs once in A, A, A, B). 0 for an empty pattern.
int count_sequence(const std::vector<int>& pattern, const std::vector<int>& stream);

// Whether some rendering of the catalogue text `text_template` (%1..%9 standing for any string)
// contains `part`, compared case-insensitively.
bool template_can_contain(std::string_view text_template, std::string_view part);

}  // namespace msmisim
