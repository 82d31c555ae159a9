#include "msmisim/swarm.h"

#include <cassert>
#include <iterator>

#include <nlohmann/json.hpp>

#include "msmi/random.h"
#include "msmilog/json_depth.h"

namespace msmisim {
namespace {

// Keys keep the order they have in the file, so the variant reads like the scenario.
using ordered_json = nlohmann::ordered_json;

constexpr int kCpus[] = {1, 2, 4};
constexpr const char* kLoggingLevels[] = {"none", "minimum", "medium", "maximum"};
// Sane ranges around the engine's defaults (poll 5s, refresh 5m).
constexpr const char* kPollIntervals[] = {"1s", "2s", "5s", "10s", "30s"};
constexpr const char* kRefreshIntervals[] = {"1m", "2m", "5m", "10m", "15m"};

template <typename T, std::size_t N>
const T& pick(msmi::Random& random, const T (&choices)[N]) {
  return choices[random.uniform(N)];
}

std::string index_list(const std::vector<std::size_t>& indexes) {
  std::string out = "[";
  for (std::size_t i = 0; i < indexes.size(); ++i) {
    out += (i == 0 ? "" : ", ") + std::to_string(indexes[i]);
  }
  return out + "]";
}

}  // namespace

std::string SwarmChoices::summary() const {
  std::string out = "cpus " + std::to_string(cpus) + ", logging " + logging + ", poll " +
                    poll_interval + ", refresh " + refresh_interval;
  if (!rules_on.empty() || !rules_off.empty()) {
    out += ", optional faults on " + index_list(rules_on) + ", off " + index_list(rules_off);
  }
  return out;
}

msmi::Status swarm_variant(std::string_view scenario_text, std::uint64_t seed, std::string* variant,
                           SwarmChoices* choices) {
  assert(variant != nullptr);
  ordered_json doc;
  if (int line = 0, column = 0; msmilog::json_too_deep(scenario_text, &line, &column)) {
    return msmi::Status::InvalidArgument(std::string("invalid JSON: ") + msmilog::kJsonTooDeep);
  }
  try {
    doc = ordered_json::parse(scenario_text.begin(), scenario_text.end());
  } catch (const ordered_json::exception& e) {
    return msmi::Status::InvalidArgument(std::string("invalid JSON: ") + e.what());
  }
  if (!doc.is_object()) return msmi::Status::InvalidArgument("not a JSON object");

  // Its own stream, so that the choices do not depend on how the run itself uses the seed.
  const std::unique_ptr<msmi::SeededRandom> random = msmi::SeededRandom(seed).fork("swarm");
  SwarmChoices c;
  c.seed = seed;

  // Optional fault rules first, in file order: each is kept or left out with even odds.
  if (doc.contains("faults") && doc["faults"].is_array()) {
    ordered_json kept = ordered_json::array();
    const ordered_json& faults = doc["faults"];
    for (std::size_t i = 0; i < faults.size(); ++i) {
      const ordered_json& f = faults[i];
      const bool optional = f.is_object() && f.contains("optional") && f["optional"] == true;
      if (!optional) {
        kept.push_back(f);
        continue;
      }
      if (random->uniform(2) == 1) {
        c.rules_on.push_back(i);
        kept.push_back(f);
      } else {
        c.rules_off.push_back(i);
      }
    }
    doc["faults"] = std::move(kept);
  }

  c.cpus = pick(*random, kCpus);
  c.logging = pick(*random, kLoggingLevels);
  c.poll_interval = pick(*random, kPollIntervals);
  c.refresh_interval = pick(*random, kRefreshIntervals);
  if (!doc.contains("engine") || !doc["engine"].is_object()) doc["engine"] = ordered_json::object();
  ordered_json& engine = doc["engine"];
  engine["cpus"] = c.cpus;
  engine["logging"] = c.logging;
  engine["poll_interval"] = c.poll_interval;
  engine["refresh_interval"] = c.refresh_interval;

  if (doc.contains("expect")) {
    doc.erase("expect");
    c.dropped_expectations = true;
  }

  const std::string note = "Swarm variant of seed " + std::to_string(seed) + ": " + c.summary() +
                           (c.dropped_expectations ? "; judged by the invariants only" : "") + ".";
  const std::string description = doc.contains("description") && doc["description"].is_string()
                                      ? doc["description"].get<std::string>()
                                      : std::string();
  doc["description"] = description.empty() ? note : description + " " + note;

  ordered_json swarm = ordered_json::object();
  swarm["seed"] = seed;
  swarm["cpus"] = c.cpus;
  swarm["logging"] = c.logging;
  swarm["poll_interval"] = c.poll_interval;
  swarm["refresh_interval"] = c.refresh_interval;
  swarm["optional_faults_on"] = c.rules_on;
  swarm["optional_faults_off"] = c.rules_off;
  swarm["expectations_left_out"] = c.dropped_expectations;
  doc["swarm"] = std::move(swarm);

  *variant = doc.dump(2) + "\n";
  if (choices != nullptr) *choices = std::move(c);
  return msmi::Status::Ok();
}

}  // namespace msmisim
