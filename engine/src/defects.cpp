#include "msmi/defects.h"

#include <cctype>

namespace msmi {
namespace {

std::string upper(std::string_view text) {
  std::string out;
  for (char c : text) out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  return out;
}

// Whether `item` is one of the comma-separated `list`.
bool listed(std::string_view list, std::string_view item) {
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    if (list.substr(0, comma) == item) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

struct Build {
  std::string_view name;
  std::string_view version;
  int service_pack;
  std::string_view description;
};

// The builds, oldest first. A fix in a build holds for the later builds of its version line.
constexpr Build kBuilds[] = {
    {"exchange-4.0", "4.0", 0, "Exchange Server 4.0 as shipped"},
    {"exchange-4.0-sp", "4.0", 1, "Exchange Server 4.0 with the latest service pack"},
    {"exchange-5.0", "5.0", 0, "Exchange Server 5.0 as shipped"},
    {"exchange-5.0-sp1", "5.0", 1, "Exchange Server 5.0 with the service pack fixes"},
    {"exchange-5.5", "5.5", 0, "Exchange Server 5.5"},
    {"exchange-5.5-sp3", "5.5", 3, "Exchange Server 5.5 with Service Pack 3 or later"},
};

const Build* find_build(std::string_view name) {
  for (const Build& b : kBuilds) {
    if (b.name == name) return &b;
  }
  return nullptr;
}

bool present_in(const DefectInfo& info, const Build& build) {
  if (!listed(info.versions, build.version)) return false;
  std::string_view fixes = info.fixed_by;
  while (!fixes.empty()) {
    const std::size_t comma = fixes.find(',');
    const Build* fix = find_build(fixes.substr(0, comma));
    if (fix != nullptr && fix->version == build.version && fix->service_pack <= build.service_pack)
      return false;
    if (comma == std::string_view::npos) break;
    fixes.remove_prefix(comma + 1);
  }
  return true;
}

std::string defects_text(const DefectSet& set) {
  const std::string list = set.to_string();
  return list == "none" ? "no known defects" : list + " present";
}

}  // namespace

const std::vector<DefectInfo>& defect_registry() {
  static const std::vector<DefectInfo> kRegistry = {
#define MSMI_DEFECT_ROW(name, kb, title, versions, fixed_by) \
  {Defect::k##name, #name, kb, title, versions, fixed_by},
      MSMI_DEFECTS(MSMI_DEFECT_ROW)
#undef MSMI_DEFECT_ROW
  };
  return kRegistry;
}

const DefectInfo& defect_info(Defect defect) {
  return defect_registry()[static_cast<std::size_t>(defect)];
}

std::string_view to_string(Defect defect) {
  return defect_info(defect).name;
}

std::vector<Defect> all_defects() {
  std::vector<Defect> out;
  for (const DefectInfo& info : defect_registry()) out.push_back(info.defect);
  return out;
}

bool parse_defect(std::string_view text, Defect& out) {
  const std::string wanted = upper(text);
  for (const DefectInfo& info : defect_registry()) {
    if (upper(info.name) == wanted) {
      out = info.defect;
      return true;
    }
  }
  return false;
}

std::string defect_names() {
  std::string out;
  for (const DefectInfo& info : defect_registry()) {
    if (info.kb.empty()) continue;  // test-only defects are not offered to users
    if (!out.empty()) out += ", ";
    out += info.name;
  }
  return out;
}

std::string DefectSet::to_string() const {
  std::string out;
  for (Defect d : all_defects()) {
    if (!on(d)) continue;
    if (!out.empty()) out += ",";
    out += msmi::to_string(d);
  }
  return out.empty() ? "none" : out;
}

const std::vector<Profile>& profiles() {
  static const std::vector<Profile> kProfiles = [] {
    std::vector<Profile> out;
    for (const Build& build : kBuilds) {
      Profile p;
      p.name = std::string(build.name);
      p.version = std::string(build.version);
      p.service_pack = build.service_pack;
      for (const DefectInfo& info : defect_registry())
        p.defects.set(info.defect, present_in(info, build));
      p.description = std::string(build.description) + ": " + defects_text(p.defects);
      out.push_back(std::move(p));
    }
    Profile hardened;
    hardened.name = "hardened";
    hardened.description =
        "no defects, plus bounded retries with backoff, quarantine of poison messages and "
        "recovery of orphaned envelopes, puts with duplicate detection: no message is ever lost "
        "or delivered twice";
    hardened.protections = {true, true, true, true, true};
    out.push_back(std::move(hardened));
    return out;
  }();
  return kProfiles;
}

std::optional<Profile> find_profile(std::string_view name) {
  for (const Profile& p : profiles()) {
    if (p.name == name) return p;
  }
  return std::nullopt;
}

std::string profile_names() {
  std::string out;
  for (const Profile& p : profiles()) {
    if (!out.empty()) out += ", ";
    out += p.name;
  }
  return out;
}

}  // namespace msmi
