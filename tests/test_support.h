// Shared helpers for the suites that run the simulator: build a scenario from JSON text, run it
// against a simulated or a temporary shadow postoffice and count what came out.
#pragma once

#include <QTemporaryDir>
#include <QtTest>

#include <string>

#include "msmisim/runner.h"
#include "msmisim/scenario_loader.h"

namespace testsupport {

inline msmisim::Scenario scenario_from(const std::string& json,
                                       const std::string& name = "test.json") {
  msmisim::Scenario scenario;
  msmisim::LoadError error;
  if (!msmisim::parse_scenario(json, name, &scenario, &error)) {
    qFatal("test scenario does not load: %s", error.to_string().c_str());
  }
  return scenario;
}

inline msmisim::Scenario scenario_file(const std::string& relative) {
  msmisim::Scenario scenario;
  msmisim::LoadError error;
  const std::string path = std::string(MSMISIM_SOURCE_DIR) + "/" + relative;
  if (!msmisim::load_scenario_file(path, &scenario, &error)) {
    qFatal("scenario does not load: %s", error.to_string().c_str());
  }
  return scenario;
}

// Runs `scenario` under `profile` (its own when empty) against the postoffice folder `po_dir`,
// or against a simulated disk in memory when `po_dir` is empty.
inline msmisim::RunResult run_in(const msmisim::Scenario& scenario, const std::string& po_dir,
                                 const std::string& profile, std::uint64_t seed) {
  msmisim::RunOptions options;
  options.seed = seed != 0 ? seed : msmisim::default_seed(scenario);
  options.profile = profile.empty() ? scenario.profile : profile;
  options.postoffice_dir = po_dir;
  msmisim::RunResult result;
  const msmi::Status s = msmisim::run_scenario(scenario, options, &result);
  if (!s.ok()) qFatal("run failed: %s", s.to_string().c_str());
  return result;
}

// The postoffice stays in `dir` for the caller to inspect.
inline msmisim::RunResult run(const msmisim::Scenario& scenario, const QTemporaryDir& dir,
                              const std::string& profile = "", std::uint64_t seed = 0) {
  return run_in(scenario, dir.path().toStdString() + "/po", profile, seed);
}

// The postoffice is simulated in memory and gone afterwards.
inline msmisim::RunResult run(const msmisim::Scenario& scenario, const std::string& profile = "",
                              std::uint64_t seed = 0) {
  return run_in(scenario, "", profile, seed);
}

// Events with `id` (on `thread` unless it is -2) whose description contains `text`.
inline int count(const msmisim::RunResult& r, int id, int thread = -2, const std::string& text = "",
                 std::int64_t from_us = 0, std::int64_t until_us = INT64_MAX) {
  int n = 0;
  for (const msmi::Event& e : r.events) {
    if (e.event_id == id && (thread == -2 || e.thread == thread) &&
        e.description.find(text) != std::string::npos && e.time_us >= from_us &&
        e.time_us < until_us) {
      ++n;
    }
  }
  return n;
}

inline int fate_count(const msmisim::RunResult& r, msmi::Fate fate) {
  int n = 0;
  for (const auto& e : r.ledger) n += e.fate == fate ? 1 : 0;
  return n;
}

inline const msmisim::LedgerEntry* labelled(const msmisim::RunResult& r, const std::string& label) {
  for (const auto& e : r.ledger) {
    if (e.label == label) return &e;
  }
  return nullptr;
}

inline const msmisim::ThreadSummary* thread_of(const msmisim::RunResult& r, int number) {
  for (const auto& t : r.threads) {
    if (t.thread == number) return &t;
  }
  return nullptr;
}

inline int delivered_between(const msmisim::RunResult& r, std::int64_t from_us,
                             std::int64_t until_us) {
  int n = 0;
  for (const auto& e : r.ledger) {
    if (e.fate == msmi::Fate::kDelivered && e.settled_us >= from_us && e.settled_us < until_us) ++n;
  }
  return n;
}

// The fate of the message labelled `label`; fails the test when there is none.
inline msmi::Fate entry_fate(const msmisim::RunResult& r, const std::string& label) {
  const msmisim::LedgerEntry* e = labelled(r, label);
  if (e == nullptr) qFatal("no message labelled %s", label.c_str());
  return e->fate;
}

// The broken invariants, one per line: "" when every invariant held.
inline std::string broken(const std::vector<msmisim::InvariantResult>& all) {
  std::string out;
  for (const msmisim::InvariantResult& i : all) {
    if (!i.passed) out += i.name + ": " + i.detail + "\n";
  }
  return out;
}

constexpr std::int64_t kMin = 60'000'000;

}  // namespace testsupport
