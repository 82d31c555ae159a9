// Checks a scenario's expectations against what a run produced.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "msmisim/run_result.h"
#include "msmisim/scenario.h"

namespace msmisim {

std::vector<ExpectationResult> check_expectations(const Expectations& expected,
                                                  const RunResult& run);

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
