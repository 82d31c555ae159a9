#include "msmisim/stored_run.h"

#include <cassert>
#include <fstream>
#include <iterator>
#include <sstream>

#include "msmilog/sha256.h"
#include "msmisim/scenario_loader.h"

namespace msmisim {

namespace {

// The SHA-256 of the file at `path`, or "" when it cannot be read (moved, deleted).
std::string file_digest(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return "";
  return msmilog::sha256_hex(bytes);
}

// Parses "Q151791,Q175965" or "none" (DefectSet::to_string()).
bool parse_defect_set(const std::string& text, msmi::DefectSet* set, std::string* unknown) {
  *set = msmi::DefectSet();
  if (text.empty() || text == "none") return true;
  std::stringstream names(text);
  std::string name;
  while (std::getline(names, name, ',')) {
    msmi::Defect defect;
    if (!msmi::parse_defect(name, defect)) {
      *unknown = name;
      return false;
    }
    set->set(defect, true);
  }
  return true;
}

}  // namespace

msmi::Status load_stored_run(const msmilog::EventStore& store, std::int64_t run_id,
                             StoredRun* out) {
  assert(out != nullptr);
  *out = StoredRun();
  out->run_id = run_id;
  msmi::Status s = store.read_run_record(run_id, &out->record);
  if (!s.ok()) return s;
  const msmilog::RunRecord& rec = out->record;
  const std::string run = "run " + std::to_string(run_id);
  if (rec.scenario_text.empty()) {
    return msmi::Status::InvalidArgument(
        run + " has no scenario text (an imported log?): " + "there is nothing to re-run");
  }
  LoadError error;
  if (!parse_scenario(rec.scenario_text, rec.scenario, &out->scenario, &error)) {
    return msmi::Status::InvalidArgument(
        run + ": its recorded scenario no longer loads: " + error.to_string());
  }
  s = parse_run_overrides(rec.options, &out->overrides);
  if (s.ok()) s = apply_run_overrides(out->overrides, &out->scenario);
  if (!s.ok()) return msmi::Status::InvalidArgument(run + ": " + s.message());

  const std::optional<msmi::Profile> profile = msmi::find_profile(rec.profile);
  if (!profile) {
    return msmi::Status::InvalidArgument(
        run + ": profile " + rec.profile +
        " is unknown to this msmisim (known: " + msmi::profile_names() + ")");
  }
  msmi::DefectSet recorded;
  std::string unknown;
  if (!parse_defect_set(rec.defects, &recorded, &unknown)) {
    return msmi::Status::InvalidArgument(
        run + ": defect " + unknown +
        " is unknown to this msmisim (known: " + msmi::defect_names() + ")");
  }
  msmi::DefectSet effective = profile->defects;
  for (const auto& [d, on] : out->scenario.defect_overrides) effective.set(d, on);
  if (!rec.defects.empty() && !(effective == recorded)) {
    out->notes.push_back("profile " + rec.profile + " now means defects " + effective.to_string() +
                         "; replaying with the recorded " + recorded.to_string());
  }
  if (!rec.defects.empty()) {
    for (int i = 0; i < msmi::kDefectCount; ++i) {
      const auto d = static_cast<msmi::Defect>(i);
      out->scenario.defect_overrides[d] = recorded.on(d);
    }
  }

  out->options.seed = rec.seed;
  out->options.profile = rec.profile;

  // Never read to run, only to warn: the recorded text is what the run was made from.
  const std::string on_disk = file_digest(rec.scenario);
  const std::string recorded_digest =
      rec.file_sha256.empty() ? rec.scenario_sha256 : rec.file_sha256;
  if (!on_disk.empty() && !recorded_digest.empty() && on_disk != recorded_digest) {
    out->notes.push_back(rec.scenario + " has changed since " + run +
                         " was recorded; replaying the recorded text");
  }
  if (rec.msmisim_version != MSMISIM_VERSION) {
    out->notes.push_back(run + " was recorded by msmisim " + rec.msmisim_version +
                         "; this is msmisim " + MSMISIM_VERSION);
  }
  return msmi::Status::Ok();
}

}  // namespace msmisim
