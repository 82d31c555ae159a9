// The command-line overrides that shape a run beyond its scenario text, seed and profile
// (`msmisim run --defect … --fault …`). They are recorded with the run (runs.options, a JSON
// object) so that `msmisim replay` can apply them again; a new kind of override is one more
// field here, one more key in the JSON, and one more step in apply_run_overrides().
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "msmi/status.h"
#include "msmisim/scenario.h"

namespace msmisim {

struct RunOverrides {
  std::vector<std::string> defects;  // "Q151791=on" / "Q151791=off", in the order given
  std::vector<std::string> faults;   // fault rules in their one-line form, in the order given

  bool empty() const { return defects.empty() && faults.empty(); }
  bool operator==(const RunOverrides&) const = default;
};

// {"defect":[…],"fault":[…]}, a key only when its list is not empty; "{}" for no overrides.
std::string to_json(const RunOverrides& overrides);

// Reads what to_json() wrote. An empty text (a run recorded before options were) is no
// overrides. InvalidArgument naming the key for anything else: not a JSON object, an unknown key
// (a run recorded by a newer msmisim), a value that is not a list of strings.
msmi::Status parse_run_overrides(std::string_view json, RunOverrides* out);

// Applies one --defect override ("Q151791=on") to the scenario. InvalidArgument saying what is
// expected otherwise; the scenario is then unchanged.
msmi::Status apply_defect_override(const std::string& text, Scenario* scenario);

// Arms one --fault rule in the scenario (after its own rules). InvalidArgument otherwise, with
// *error_column (1-based) set for a rule that does not parse and 0 for one that parses but can
// never fire in the scenario's duration; the scenario is then unchanged.
msmi::Status apply_fault_override(const std::string& text, Scenario* scenario, int* error_column);

// Applies every override in order; the first error is returned as it is (the scenario may then
// be partly changed).
msmi::Status apply_run_overrides(const RunOverrides& overrides, Scenario* scenario);

}  // namespace msmisim
