// Which KB scenarios there are and which of their profiles are legacy (show the article's bug)
// or fixed, shared by the suites that diagnose KB runs (tst_kb_signatures, tst_log_round_trip).
//
// Which profiles are run: the scenario's own (default) profile and every profile its
// expectations name ("*" names none). Which of them are legacy, derived from the scenario data:
// - A product bug has a defect of the same name as the scenario's KB in msmi/defects.h. Legacy
//   are the profiles in which that defect is on (the scenario's engine.defects overrides
//   included), fixed are those in which it is off.
// - A configuration article has no defect row. The scenario's default profile is legacy. Another
//   profile is legacy too unless the expectations that apply to it contradict those of the
//   default profile about some event ID: one of the two expects the ID to be logged (an
//   expectation with a minimum of at least 1) and the other expects it never to be logged (an
//   expectation of that ID alone, over the whole run, with a count of 0). Then the profile does
//   not show the article's symptom and is fixed.
#pragma once

#include <algorithm>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "msmi/defects.h"
#include "test_support.h"

namespace kbprofiles {

inline const std::string kKbFolder = std::string(MSMISIM_SOURCE_DIR) + "/scenarios/kb";
inline const std::string kSignatureFolder = MSMISIM_SIGNATURES_DIR;

// The KB scenarios' file names, sorted ("Q138054.json", …).
inline std::vector<std::string> kb_scenario_files() {
  std::vector<std::string> out;
  for (const auto& entry : std::filesystem::directory_iterator(kKbFolder)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      out.push_back(entry.path().filename().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The defect of the scenario's KB, if the article is a product bug.
inline std::optional<msmi::Defect> defect_of(const msmisim::Scenario& scenario) {
  msmi::Defect d;
  if (scenario.kb.empty() || !msmi::parse_defect(scenario.kb, d)) return std::nullopt;
  if (msmi::defect_info(d).kb != scenario.kb) return std::nullopt;
  return d;
}

inline bool defect_on(const msmisim::Scenario& scenario, const std::string& profile,
                      msmi::Defect d) {
  const auto p = msmi::find_profile(profile);
  if (!p) qFatal("%s: unknown profile %s", scenario.name.c_str(), profile.c_str());
  const auto o = scenario.defect_overrides.find(d);
  return o != scenario.defect_overrides.end() ? o->second : p->defects.on(d);
}

// The event expectations that apply to `profile`: those of "*" and of its own block.
inline std::vector<msmisim::EventExpectation> events_expected(const msmisim::Scenario& scenario,
                                                              const std::string& profile) {
  std::vector<msmisim::EventExpectation> out;
  for (const std::string& key : {std::string("*"), profile}) {
    const auto it = scenario.expectations.find(key);
    if (it != scenario.expectations.end()) {
      out.insert(out.end(), it->second.events.begin(), it->second.events.end());
    }
  }
  return out;
}

// IDs expected to be logged (a minimum of at least 1), and IDs expected never to be logged (the
// ID alone, the whole run, count 0).
inline void expected_ids(const std::vector<msmisim::EventExpectation>& all, std::set<int>* present,
                         std::set<int>* never) {
  for (const msmisim::EventExpectation& e : all) {
    if (!e.id) continue;
    if (e.count.min && *e.count.min >= 1) present->insert(*e.id);
    const bool whole_run = e.from_us == 0 && !e.until_us;
    const bool id_alone =
        !e.type && e.source.empty() && e.message.empty() && e.text.empty() && !e.thread;
    if (whole_run && id_alone && e.count.max && *e.count.max == 0) never->insert(*e.id);
  }
}

inline bool contradicts(const msmisim::Scenario& scenario, const std::string& a,
                        const std::string& b) {
  std::set<int> a_present, a_never, b_present, b_never;
  expected_ids(events_expected(scenario, a), &a_present, &a_never);
  expected_ids(events_expected(scenario, b), &b_present, &b_never);
  for (int id : a_present) {
    if (b_never.count(id)) return true;
  }
  for (int id : b_present) {
    if (a_never.count(id)) return true;
  }
  return false;
}

// The profiles to run the scenario under, the default first, each with whether it is legacy.
inline std::vector<std::pair<std::string, bool>> profiles_of(const msmisim::Scenario& scenario) {
  std::vector<std::string> names = {scenario.profile};
  for (const auto& [key, expectations] : scenario.expectations) {
    if (key != "*" && key != scenario.profile) names.push_back(key);
  }
  std::vector<std::pair<std::string, bool>> out;
  const std::optional<msmi::Defect> defect = defect_of(scenario);
  for (const std::string& name : names) {
    const bool legacy =
        defect ? defect_on(scenario, name, *defect)
               : name == scenario.profile || !contradicts(scenario, scenario.profile, name);
    out.emplace_back(name, legacy);
  }
  return out;
}

}  // namespace kbprofiles
