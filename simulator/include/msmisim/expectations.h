// Checks a scenario's expectations against what a run produced.
#pragma once

#include <vector>

#include "msmisim/run_result.h"
#include "msmisim/scenario.h"

namespace msmisim {

std::vector<ExpectationResult> check_expectations(const Expectations& expected,
                                                  const RunResult& run);

}  // namespace msmisim
