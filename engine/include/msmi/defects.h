// Defect switches and profiles. A defect, when on, restores the original faulty behaviour of a
// KB article in the engine's own code path. A profile stands for a build: the defects it still
// has and the protections it adds.
#pragma once

#include <bitset>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace msmi {

enum class Defect {
  kQ151791,  // inbound thread resubmits a message the MTA rejected, forever
  kQ175965,  // logging the NDR of a message with an invalid sender crashes the Mailer
};
inline constexpr int kDefectCount = 2;

std::string_view to_string(Defect defect);
// "Q151791" or "q151791". False if unknown.
bool parse_defect(std::string_view text, Defect& out);
std::vector<Defect> all_defects();

class DefectSet {
 public:
  bool on(Defect d) const { return bits_.test(static_cast<std::size_t>(d)); }
  void set(Defect d, bool value) { bits_.set(static_cast<std::size_t>(d), value); }
  // "Q151791,Q175965", or "none".
  std::string to_string() const;
  bool operator==(const DefectSet&) const = default;

 private:
  std::bitset<kDefectCount> bits_;
};

// The modern protections of the `hardened` profile.
struct Protections {
  bool backoff = false;          // retry delays double from attempt to attempt
  bool quarantine = false;       // poison messages and damaged files are kept, never dropped
  bool recover_orphans = false;  // P1 envelopes without an INQUEUE3 record are queued again
};

struct Profile {
  std::string name;
  std::string description;
  DefectSet defects;
  Protections protections;
};

const std::vector<Profile>& profiles();
std::optional<Profile> find_profile(std::string_view name);
// "exchange-4.0, exchange-5.0, exchange-5.0-sp1, hardened"
std::string profile_names();

}  // namespace msmi
