// Defect switches and profiles. A defect, when on, restores the original faulty behaviour of a
// KB article in the engine's own code path. A profile stands for a build: the defects it still
// has and the protections it adds. Both come from one registry (MSMI_DEFECTS below): a new KB
// bug is one row there, and the enum, the names, the profiles and every message follow.
#pragma once

#include <bitset>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace msmi {

// X(enum name, KB article, title, versions it exists in, builds that fixed it ("" = none)).
// Versions are Exchange Server versions ("4.0,5.0"); a fixing build fixes its own version line
// from that build on. A defect with no fix stays on in every build of the versions it exists in.
// Rows whose versions are "" exist in no build: they are switched on only by name, in tests.
#define MSMI_DEFECTS(X)                                                                           \
  X(Q151791, "Q151791", "MSMI stops processing when submitting a bad address", "4.0,5.0",         \
    "exchange-4.0-sp,exchange-5.0-sp1")                                                           \
  X(Q175965, "Q175965", "MSMI crashes logging the NDR event of an invalid sender (2380)",         \
    "4.0,5.0", "exchange-5.0-sp1")                                                                \
  X(Q159305, "Q159305", "MSMI terminates on a corrupt message in the MTA queue (2335, 2560)",     \
    "4.0", "exchange-4.0-sp")                                                                     \
  X(Q151669, "Q151669", "Outbound thread keeps a mutex after a handled exception (2380, 2450)",   \
    "4.0,5.0", "exchange-4.0-sp,exchange-5.0-sp1")                                                \
  X(Q164840, "Q164840", "NDRs of the Japanese build stay in the MS Mail Connector queue (2449)",  \
    "4.0", "")                                                                                    \
  X(TestDeliverTwice, "", "test only: a delivered message is put into the MTA a second time", "", \
    "")                                                                                           \
  X(Q151231, "Q151231", "An NDR from a 1984 X.400 MTA reaches the MSMI without its DN (2376)",    \
    "4.0", "exchange-4.0-sp")                                                                     \
  X(Q141135, "Q141135", "MSMI cannot deliver an NDR of unknown content from a 1984 X.400 MTA",    \
    "4.0", "exchange-4.0-sp")                                                                     \
  X(Q175958, "Q175958", "An attachment name with extended characters makes an NDR [029]",         \
    "4.0,5.0", "exchange-4.0-sp,exchange-5.0-sp1")                                                \
  X(Q177979, "Q177979", "An embedded message is rejected: MDBEF parsing failed (10000)",          \
    "5.0,5.5", "exchange-5.0-sp1,exchange-5.5-sp3")                                               \
  X(Q200661, "Q200661", "An OLE 2 object of an unregistered class is dropped for MS Mail (2403)", \
    "4.0,5.0", "")                                                                                \
  X(Q156844, "Q156844", "Subject of a message class other than the Note truncated to 40 chars",   \
    "4.0,5.0", "exchange-4.0-sp,exchange-5.0-sp1")                                                \
  X(Q161933, "Q161933", "Sent time of a message from MS Mail changed to the current time", "4.0", \
    "exchange-4.0-sp")                                                                            \
  X(Q214565, "Q214565", "Read receipts from the Macintosh client thrown away (2539)", "5.5",      \
    "exchange-5.5-sp3")                                                                           \
  X(Q169669, "Q169669",                                                                           \
    "Exchange administrators who are not NT administrators cannot delete or return queued "       \
    "messages",                                                                                   \
    "5.0", "exchange-5.0-sp1")

enum class Defect {
#define MSMI_DEFECT_ENUM(name, kb, title, versions, fixed_by) k##name,
  MSMI_DEFECTS(MSMI_DEFECT_ENUM)
#undef MSMI_DEFECT_ENUM
};
#define MSMI_DEFECT_COUNT(...) +1
inline constexpr int kDefectCount = 0 MSMI_DEFECTS(MSMI_DEFECT_COUNT);
#undef MSMI_DEFECT_COUNT

struct DefectInfo {
  Defect defect;
  std::string_view name;  // "Q151791": how scenarios and the command line name it
  std::string_view kb;    // "" for a test-only defect
  std::string_view title;
  std::string_view versions;  // "4.0,5.0"
  std::string_view fixed_by;  // "exchange-4.0-sp,exchange-5.0-sp1", "" if never fixed
};

// Every row of the registry, in enum order.
const std::vector<DefectInfo>& defect_registry();
const DefectInfo& defect_info(Defect defect);
std::string_view to_string(Defect defect);
// "Q151791" or "q151791". False if unknown.
bool parse_defect(std::string_view text, Defect& out);
std::vector<Defect> all_defects();
// "Q151791, Q175965": the defects of the KB, for messages about an unknown name (test-only
// defects parse, but are not offered).
std::string defect_names();

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
  // A start that cannot open its directory session fails (2410, 7024) whatever the account,
  // instead of running without a configuration and delivering nothing (Q164177).
  bool refuse_unconfigured_start = false;
  // A write repeated after a failure or a power loss does not deliver twice: every put asks the
  // MTA for duplicate detection by message ID (XomMessage::detect_duplicates), and a mailbag
  // record already there for a message's recipient is made durable instead of written again.
  bool exactly_once = false;
};

struct Profile {
  std::string name;
  std::string description;
  std::string version;   // Exchange Server version, "" for hardened
  int service_pack = 0;  // 0 as shipped
  DefectSet defects;
  Protections protections;
};

// exchange-4.0, exchange-4.0-sp, exchange-5.0, exchange-5.0-sp1, exchange-5.5, exchange-5.5-sp3,
// hardened.
const std::vector<Profile>& profiles();
std::optional<Profile> find_profile(std::string_view name);
// "exchange-4.0, exchange-4.0-sp, …, hardened"
std::string profile_names();

}  // namespace msmi
