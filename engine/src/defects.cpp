#include "msmi/defects.h"

#include <cctype>

namespace msmi {

std::string_view to_string(Defect defect) {
  switch (defect) {
    case Defect::kQ151791:
      return "Q151791";
    case Defect::kQ175965:
      return "Q175965";
  }
  return "?";
}

std::vector<Defect> all_defects() {
  return {Defect::kQ151791, Defect::kQ175965};
}

bool parse_defect(std::string_view text, Defect& out) {
  std::string upper;
  for (char c : text)
    upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  for (Defect d : all_defects()) {
    if (upper == to_string(d)) {
      out = d;
      return true;
    }
  }
  return false;
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
    DefectSet buggy;
    buggy.set(Defect::kQ151791, true);
    buggy.set(Defect::kQ175965, true);
    return std::vector<Profile>{
        {"exchange-4.0", "Exchange Server 4.0 as shipped: Q151791 and Q175965 present", buggy, {}},
        {"exchange-5.0", "Exchange Server 5.0 as shipped: Q151791 and Q175965 present", buggy, {}},
        {"exchange-5.0-sp1", "Exchange Server 5.0 with the service pack fixes", DefectSet{}, {}},
        {"hardened",
         "no defects, plus bounded retries with backoff, quarantine of poison messages and "
         "recovery of orphaned envelopes: no message is ever lost",
         DefectSet{},
         {true, true, true}},
    };
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
