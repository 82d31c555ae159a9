// Swarm testing (Groce et al., "Swarm Testing", ISSTA 2012; FoundationDB's BUGGIFY): every seed
// of a sweep also runs a different configuration of the scenario, so that features which mask
// each other in one configuration are apart in another.
//
// A swarm variant is the scenario document itself, transformed: each fault rule marked
// "optional": true is kept or left out, and the engine gets a number of CPUs, a diagnostics
// logging level and poll/refresh intervals, all drawn from a generator seeded by the seed. The
// variant's text is what a run records as its scenario, so replaying it needs no swarm code.
//
// The choices are settings every build has (the profile's defects and protections are left as
// they are). The scenario's expectations are left out of the variant: they were written for one
// configuration (event counts depend on the logging level, thread numbers on the CPUs), so a
// variant is judged by the oracle's invariants alone. What was chosen is written into the
// variant as a top-level "swarm" object (which the loader accepts and the engine ignores) and as
// a sentence at the end of its description, which the run's header shows.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "msmi/status.h"

namespace msmisim {

struct SwarmChoices {
  std::uint64_t seed = 0;
  int cpus = 1;                        // 1, 2 or 4
  std::string logging;                 // none, minimum, medium or maximum
  std::string poll_interval;           // "1s" … "30s"
  std::string refresh_interval;        // "1m" … "15m"
  std::vector<std::size_t> rules_on;   // indexes into the scenario's $.faults of the optional
  std::vector<std::size_t> rules_off;  // rules kept, and of those left out
  bool dropped_expectations = false;   // the scenario had an "expect" block

  // "cpus 2, logging minimum, poll 2s, refresh 10m, optional faults on [1], off [3]"
  std::string summary() const;
};

// Writes into *variant the swarm variant of `scenario_text` for `seed`, and what was chosen into
// *choices (if not null). The same text and seed give a byte-identical variant every time.
// InvalidArgument if the text is not a JSON object. The variant is not checked here: load it
// with parse_scenario() as any scenario.
// REQUIRES: variant != nullptr.
msmi::Status swarm_variant(std::string_view scenario_text, std::uint64_t seed, std::string* variant,
                           SwarmChoices* choices);

}  // namespace msmisim
