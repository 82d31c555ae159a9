// Fuzz targets for what a QA engineer writes: scenario files and the one-line fault rules.
#include <string>

#include "fuzz_targets.h"
#include "msmisim/fault_rule.h"
#include "msmisim/scenario_loader.h"

namespace fuzz {

void scenario(std::string_view data) {
  msmisim::Scenario loaded;
  msmisim::LoadError error;
  if (!msmisim::parse_scenario(data, "fuzz.json", &loaded, &error)) (void)error.to_string();
}

void fault_rule(std::string_view data) {
  msmisim::FaultRule rule;
  int column = 0;
  if (msmisim::parse_fault_rule(data, &rule, &column).ok())
    (void)msmisim::rule_outside_run(rule, 3'600'000'000);
}

}  // namespace fuzz
