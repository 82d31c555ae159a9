// The scenarios of a folder (msmisim scenarios) as a table, CSV or JSON: what each reproduces,
// which profiles it expects something of, and how it last did in the event store.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "msmireport/format.h"

namespace msmireport {

struct ScenarioRow {
  std::string path;
  std::string kb;  // "" when the scenario names none
  std::string name;
  std::string title;                  // the description's first sentence: the article's title
  std::string profile;                // the profile a run uses by default
  std::vector<std::string> expected;  // profiles it expects something of, in registry order
  bool expects_all = false;           // … every profile (an "*" block)
  std::int64_t last_run = 0;          // 0: never run with this text in the store
  std::string last_profile;
  std::string last_verdict;
  std::string error;  // the load error; the other fields are empty then
};

// Writes `rows` to `out`, in their order:
//   table  SCENARIO, KB, PROFILE, EXPECTS ("all", or the profiles without "exchange-"; "none"
//          when a run would test nothing), LAST ("PASS run 12 exchange-5.0", "-" if never run);
//          TITLE (cut to fit 60 columns); a scenario that failed to load shows its error
//          instead;
//   csv    path,kb,name,profile,expects,last_run,last_profile,last_verdict,error,title;
//   json   an indented array of objects with the same fields (expects as an array).
void render_scenarios(const std::vector<ScenarioRow>& rows, Format format, std::ostream& out);

}  // namespace msmireport
