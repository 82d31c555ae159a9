#include "msmisim/shrink.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "msmilog/json_depth.h"
#include "msmilog/time_format.h"
#include "msmisim/runner.h"
#include "msmisim/scenario_loader.h"

namespace msmisim {
namespace {

using json = nlohmann::ordered_json;
using msmi::Status;

// Members the reduced document always keeps: its name (the output file's), and what makes it
// replay alone (seed, profile, duration; the defects live in "engine", whose other members may
// go).
constexpr const char* kKept[] = {"name", "seed", "profile", "engine", "duration"};
// The lists ddmin works on, in this order: the causes first, so later lists are tried against
// a world with fewer faults.
constexpr const char* kLists[] = {"faults", "messages", "traffic", "operator"};
constexpr std::int64_t kShortestDurationUs = 1'000'000;

std::string pretty(const json& doc) {
  return doc.dump(2) + "\n";
}

// Candidates, run and judged. A document is only ever run once: the cache answers repeats.
class Judge {
 public:
  Judge(const ShrinkInput& input, const ShrinkOptions& options)
      : input_(input), options_(options) {}

  // Loads and runs `text`; false with *error set when it does not load or cannot run.
  bool signature_of(const std::string& text, FailureSignature* out, std::string* error) {
    Scenario scenario;
    LoadError load_error;
    if (!parse_scenario(text, input_.scenario_path, &scenario, &load_error)) {
      *error = load_error.to_string();
      return false;
    }
    RunOptions run_options;
    run_options.seed = input_.seed;
    run_options.profile = input_.profile;
    RunResult result;
    const Status s = run_scenario(scenario, run_options, &result);
    ++candidates_;
    if (!s.ok()) {
      *error = s.to_string();
      return false;
    }
    *out = failure_signature(result);
    return true;
  }

  void set_target(FailureSignature target) { target_ = std::move(target); }

  // Whether `doc` fails exactly as the original run did; keeps it as the best when it does.
  bool same_failure(const json& doc) {
    const std::string text = pretty(doc);
    auto [it, fresh] = seen_.try_emplace(text, false);
    if (fresh) {
      FailureSignature signature;
      std::string error;
      it->second = signature_of(text, &signature, &error) && signature == target_;
      report();
    }
    if (it->second && text.size() <= best_bytes_) best_bytes_ = text.size();
    return it->second;
  }

  void start_step(std::string what) {
    ++step_;
    what_ = std::move(what);
    report();
  }
  void set_best_bytes(std::size_t bytes) { best_bytes_ = bytes; }
  int candidates() const { return candidates_; }
  int steps() const { return step_; }

 private:
  void report() const {
    if (options_.progress) options_.progress({step_, what_, candidates_, best_bytes_});
  }

  const ShrinkInput& input_;
  const ShrinkOptions& options_;
  FailureSignature target_;
  std::map<std::string, bool> seen_;
  int candidates_ = 0;
  int step_ = 0;
  std::string what_;
  std::size_t best_bytes_ = 0;
};

// Keeps the smallest subset of the array `doc[key]` (or of the object's members) that still
// fails; true if it removed anything. `at` finds the container inside a document.
bool reduce_container(json& doc, const std::function<json*(json&)>& at, Judge& judge,
                      const std::set<std::string>& protected_keys = {}) {
  json* container = at(doc);
  if (container == nullptr || !(container->is_array() || container->is_object())) return false;
  // The members that may go, by position; protected object members always stay.
  std::vector<std::string> keys;
  std::vector<std::size_t> removable;
  std::size_t i = 0;
  for (auto it = container->begin(); it != container->end(); ++it, ++i) {
    if (container->is_object()) {
      keys.push_back(it.key());
      if (protected_keys.count(it.key())) continue;
    }
    removable.push_back(i);
  }
  if (removable.empty()) return false;
  const json original = *container;
  const auto build = [&](const std::vector<std::size_t>& kept_of_removable) {
    std::vector<bool> keep(original.size(), true);
    for (std::size_t r : removable) keep[r] = false;
    for (std::size_t k : kept_of_removable) keep[removable[k]] = true;
    json out = original.is_array() ? json::array() : json::object();
    std::size_t j = 0;
    for (auto it = original.begin(); it != original.end(); ++it, ++j) {
      if (!keep[j]) continue;
      if (original.is_array()) {
        out.push_back(*it);
      } else {
        out[it.key()] = *it;
      }
    }
    return out;
  };
  const auto fails = [&](const std::vector<std::size_t>& subset) {
    json candidate = doc;
    *at(candidate) = build(subset);
    return judge.same_failure(candidate);
  };
  // Nothing of it may matter: one candidate settles that before ddmin splits anything.
  std::vector<std::size_t> kept;
  if (!fails({})) kept = ddmin(removable.size(), fails);
  if (kept.size() == removable.size()) return false;
  *container = build(kept);
  return true;
}

std::int64_t duration_of(const json& v, std::int64_t fallback) {
  std::int64_t us = 0;
  if (v.is_string() && msmilog::parse_duration_us(v.get<std::string>(), &us)) return us;
  if (v.is_number_integer()) return v.get<std::int64_t>() * 1'000'000;
  return fallback;
}

// Halves doc.duration while the run still fails; true if it shortened it.
bool shorten_duration(json& doc, Judge& judge, std::int64_t loaded_duration_us) {
  std::int64_t us = doc.contains("duration") ? duration_of(doc["duration"], loaded_duration_us)
                                             : loaded_duration_us;
  bool changed = false;
  // Whole seconds, so the reduced file reads "225s", not "224999999us".
  for (std::int64_t half = us / 2 / 1'000'000 * 1'000'000; half >= kShortestDurationUs && half < us;
       half = us / 2 / 1'000'000 * 1'000'000) {
    json candidate = doc;
    candidate["duration"] = format_duration(half);
    if (!judge.same_failure(candidate)) break;
    doc = std::move(candidate);
    us = half;
    changed = true;
  }
  return changed;
}

// Applies `next` to `doc[path…]` while the result still fails (at most `limit` times).
bool repeat_while_fails(json& doc, const std::function<bool(json&)>& next, Judge& judge,
                        int limit = 16) {
  bool changed = false;
  for (int i = 0; i < limit; ++i) {
    json candidate = doc;
    if (!next(candidate) || !judge.same_failure(candidate)) break;
    doc = std::move(candidate);
    changed = true;
  }
  return changed;
}

// Thins traffic: fewer senders and recipients, longer gaps, no jitter; and smaller bursts.
bool thin_traffic(json& doc, Judge& judge, std::int64_t duration_us) {
  bool changed = false;
  if (doc.contains("traffic") && doc["traffic"].is_array()) {
    for (std::size_t i = 0; i < doc["traffic"].size(); ++i) {
      const auto entry = [i](json& d) -> json* { return &d["traffic"][i]; };
      for (const char* list : {"from", "to"}) {
        const std::string key = list;
        changed |= reduce_container(
            doc,
            [i, key](json& d) -> json* {
              json& e = d["traffic"][i];
              return e.contains(key) && e[key].is_array() && e[key].size() > 1 ? &e[key] : nullptr;
            },
            judge);
      }
      changed |= repeat_while_fails(
          doc,
          [&](json& d) {
            json& e = *entry(d);
            if (!e.contains("jitter")) return false;
            e.erase("jitter");
            return true;
          },
          judge, 1);
      changed |= repeat_while_fails(
          doc,
          [&](json& d) {
            json& e = *entry(d);
            const std::int64_t every =
                duration_of(e.contains("every") ? e["every"] : json(), 60'000'000);
            if (every >= duration_us) return false;
            e["every"] = format_duration(every * 2);
            return true;
          },
          judge);
    }
  }
  // A burst step's count, halved.
  if (doc.contains("operator") && doc["operator"].is_array()) {
    for (std::size_t i = 0; i < doc["operator"].size(); ++i) {
      changed |= repeat_while_fails(
          doc,
          [i](json& d) {
            json& e = d["operator"][i];
            if (!e.contains("count") || !e["count"].is_number_integer()) return false;
            const std::int64_t count = e["count"].get<std::int64_t>();
            if (count <= 1) return false;
            e["count"] = count / 2;
            return true;
          },
          judge);
    }
  }
  return changed;
}

// One round of every reduction; true if any of them changed the document.
bool reduce_round(json& doc, Judge& judge, std::int64_t loaded_duration_us) {
  bool changed = false;
  for (const char* list : kLists) {
    judge.start_step(list);
    const std::string key = list;
    changed |= reduce_container(
        doc, [key](json& d) -> json* { return d.contains(key) ? &d[key] : nullptr; }, judge);
  }
  // Expectations: whole blocks of other profiles, then the members and entries of each block.
  judge.start_step("expectations");
  const auto expect = [](json& d) -> json* {
    return d.contains("expect") ? &d["expect"] : nullptr;
  };
  changed |= reduce_container(doc, expect, judge);
  if (json* e = expect(doc); e != nullptr && e->is_object()) {
    std::vector<std::string> blocks;
    for (auto it = e->begin(); it != e->end(); ++it) blocks.push_back(it.key());
    for (const std::string& block : blocks) {
      const auto block_at = [block](json& d) -> json* {
        return d.contains("expect") && d["expect"].contains(block) ? &d["expect"][block] : nullptr;
      };
      changed |= reduce_container(doc, block_at, judge);
      json* b = block_at(doc);
      if (b == nullptr || !b->is_object()) continue;
      std::vector<std::string> members;
      for (auto it = b->begin(); it != b->end(); ++it) members.push_back(it.key());
      for (const std::string& member : members) {
        changed |= reduce_container(
            doc,
            [block_at, member](json& d) -> json* {
              json* blk = block_at(d);
              return blk != nullptr && blk->is_object() && blk->contains(member) ? &(*blk)[member]
                                                                                 : nullptr;
            },
            judge);
      }
    }
  }
  judge.start_step("duration");
  changed |= shorten_duration(doc, judge, loaded_duration_us);
  judge.start_step("traffic rates");
  const std::int64_t duration_us = doc.contains("duration")
                                       ? duration_of(doc["duration"], loaded_duration_us)
                                       : loaded_duration_us;
  changed |= thin_traffic(doc, judge, duration_us);
  judge.start_step("engine settings");
  changed |= reduce_container(
      doc, [](json& d) -> json* { return d.contains("engine") ? &d["engine"] : nullptr; }, judge,
      {"defects"});
  judge.start_step("optional members");
  const std::set<std::string> kept(std::begin(kKept), std::end(kKept));
  changed |= reduce_container(
      doc, [](json& d) -> json* { return &d; }, judge, kept);
  return changed;
}

}  // namespace

std::string FailureSignature::describe() const {
  std::string out;
  for (const std::string& name : invariants) {
    out += (out.empty() ? "" : "; ") + std::string("invariant '") + name + "'";
  }
  for (const std::string& what : expectations) {
    out += (out.empty() ? "" : "; ") + std::string("expectation '") + what + "'";
  }
  return out.empty() ? "nothing broken" : out;
}

FailureSignature failure_signature(const RunResult& result) {
  FailureSignature s;
  for (const ExpectationResult& e : result.expectations) {
    if (!e.passed) s.expectations.insert(e.what);
  }
  for (const InvariantResult& i : result.invariants) {
    if (!i.passed) s.invariants.insert(i.name);
  }
  return s;
}

std::vector<std::size_t> ddmin(std::size_t n,
                               const std::function<bool(const std::vector<std::size_t>&)>& fails) {
  std::vector<std::size_t> current(n);
  for (std::size_t i = 0; i < n; ++i) current[i] = i;
  std::size_t granularity = 2;
  while (current.size() >= 2) {
    granularity = std::min(granularity, current.size());
    // The current set in `granularity` contiguous chunks of (nearly) equal size.
    std::vector<std::vector<std::size_t>> chunks;
    std::size_t start = 0;
    for (std::size_t k = 0; k < granularity; ++k) {
      const std::size_t end = start + (current.size() - start) / (granularity - k);
      chunks.emplace_back(current.begin() + static_cast<std::ptrdiff_t>(start),
                          current.begin() + static_cast<std::ptrdiff_t>(end));
      start = end;
    }
    bool reduced = false;
    for (const auto& chunk : chunks) {  // reduce to a subset
      if (fails(chunk)) {
        current = chunk;
        granularity = 2;
        reduced = true;
        break;
      }
    }
    // Reduce to a complement; with two chunks the complements are the chunks themselves.
    for (std::size_t k = 0; !reduced && granularity > 2 && k < chunks.size(); ++k) {
      std::vector<std::size_t> complement;
      for (std::size_t j = 0; j < chunks.size(); ++j) {
        if (j != k) complement.insert(complement.end(), chunks[j].begin(), chunks[j].end());
      }
      if (fails(complement)) {
        current = std::move(complement);
        granularity = std::max<std::size_t>(granularity - 1, 2);
        reduced = true;
      }
    }
    if (reduced) continue;
    if (granularity >= current.size()) break;  // every single element is needed
    granularity = std::min(granularity * 2, current.size());
  }
  return current;
}

std::string format_duration(std::int64_t us) {
  if (us % 60'000'000 == 0) return std::to_string(us / 60'000'000) + "m";
  if (us % 1'000'000 == 0) return std::to_string(us / 1'000'000) + "s";
  if (us % 1000 == 0) return std::to_string(us / 1000) + "ms";
  return std::to_string(us) + "us";
}

ScenarioSize measure_scenario(const std::string& text, const std::string& path) {
  ScenarioSize size;
  size.bytes = text.size();
  Scenario s;
  LoadError error;
  if (!parse_scenario(text, path, &s, &error)) return size;
  const json doc = json::parse(text, nullptr, false);
  size.faults = doc.is_object() && doc.contains("faults") && doc["faults"].is_array()
                    ? doc["faults"].size()
                    : 0;
  size.messages = s.messages.size();
  size.traffic = s.traffic.size();
  size.operator_steps = s.operator_steps.size();
  size.duration_us = s.duration_us;
  return size;
}

Status shrink_scenario(const ShrinkInput& input, const ShrinkOptions& options,
                       ShrinkResult* result) {
  const std::optional<msmi::Profile> profile = msmi::find_profile(input.profile);
  if (!profile) return Status::InvalidArgument("unknown profile '" + input.profile + "'");
  int line = 0;
  int column = 0;
  if (msmilog::json_too_deep(input.scenario_text, &line, &column)) {
    return Status::InvalidArgument(input.scenario_path + ":" + std::to_string(line) + ":" +
                                   std::to_string(column) + ": " + msmilog::kJsonTooDeep);
  }
  json doc = json::parse(input.scenario_text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Status::InvalidArgument(input.scenario_path + ": not a JSON object");
  }
  // Made explicit, so the reduced file replays alone with `msmisim run FILE`.
  doc["seed"] = input.seed;
  doc["profile"] = input.profile;
  json defects = json::object();
  for (msmi::Defect d : msmi::all_defects()) {
    if (input.defects.on(d) != profile->defects.on(d)) {
      defects[std::string(msmi::to_string(d))] = input.defects.on(d);
    }
  }
  if (!defects.empty()) {
    if (!doc.contains("engine") || !doc["engine"].is_object()) doc["engine"] = json::object();
    doc["engine"]["defects"] = defects;
  } else if (doc.contains("engine") && doc["engine"].is_object()) {
    doc["engine"].erase("defects");
  }

  if (!input.extra_fault_rules.empty()) {
    if (!doc.contains("faults") || !doc["faults"].is_array()) doc["faults"] = json::array();
    for (const std::string& rule : input.extra_fault_rules)
      doc["faults"].push_back({{"rule", rule}});
  }
  Judge judge(input, options);
  const std::string start_text = pretty(doc);
  FailureSignature target;
  std::string error;
  if (!judge.signature_of(start_text, &target, &error)) return Status::InvalidArgument(error);
  if (target.empty()) {
    return Status::InvalidArgument("the run passes when run again (seed " +
                                   std::to_string(input.seed) + ", profile " + input.profile +
                                   "): there is no failure to shrink");
  }
  judge.set_target(target);
  judge.set_best_bytes(start_text.size());
  const ScenarioSize before = measure_scenario(start_text, input.scenario_path);
  for (int round = 0; round < options.max_rounds; ++round) {
    if (!reduce_round(doc, judge, before.duration_us)) break;
  }
  result->scenario_text = pretty(doc);
  result->signature = target;
  result->before = before;
  result->after = measure_scenario(result->scenario_text, input.scenario_path);
  result->candidates = judge.candidates();
  result->steps = judge.steps();
  return Status::Ok();
}

}  // namespace msmisim
