// Fault sites: the places in the engine's own code where the real MSMI did work that could fail
// (converting a message, parsing an address, logging an NDR, writing a mailbag, starting or
// refreshing a thread, starting or stopping the service). At each the engine asks the armed
// FaultSites what to do; the answer is carried out by the engine's own reaction code, so a
// legacy build dies where the KB article says it died and `hardened` survives.
// Thread-safety: none; called from the scheduler's one thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace msmi {

enum class Site {
  kConvertInbound,       // MS Mail → Exchange conversion of a message (inbound thread)
  kConvertOutbound,      // Exchange → MS Mail conversion of a message (outbound thread)
  kParseAddress,         // parsing one address field (Mailer and outbound threads)
  kLogNdr,               // formatting and logging a non-delivery report (2117)
  kWriteMailbag,         // writing a record into a destination postoffice's mailbag
  kThreadStart,          // a worker thread starting with the service
  kThreadRefresh,        // an inbound thread refreshing itself after a failed put
  kHousekeepingRefresh,  // the periodic refresh of thread 1
  kServiceStart,         // the service starting
  kServiceStop,          // the service stopping
};
inline constexpr int kSiteCount = 10;

// "engine.convert_inbound"
std::string_view to_string(Site site);
bool parse_site(std::string_view name, Site& out);

// What the site is working on, for the triggers. Fields that do not apply are empty.
struct SiteContext {
  Site site = Site::kConvertInbound;
  int thread = -1;
  std::string message_id;
  std::string sender;
  std::vector<std::string> recipients;
  std::string subject;
  std::size_t size = 0;  // bytes of the message body
  std::string kind;      // "ipm", "ndr", "dirsync"
  std::string address;   // kParseAddress: the address being parsed
  std::string mailbag;   // kWriteMailbag: the mailbag's name
  // Initialised here so that a site that lists the fields above in order needs none of these.
  std::string sender_name{};                   // the sender's display name
  std::vector<std::string> recipient_names{};  // the recipients' display names ("" for none)
  std::string reply_to{};  // the reply-to address, once the message's contents have been read
};

struct SiteVerdict {
  enum class Kind {
    kNone,  // carry on
    kFail,  // the operation fails as it would with bad data (the engine's own error path)
    kAccessViolation,  // a read through `read_address` (2380); legacy builds lose the service
    kLeaveInQueue,     // the message is left unacknowledged in its queue
    kHang,             // the thread stopped here (hung, or its process ended): abandon the step
  };
  Kind kind = Kind::kNone;
  std::uint32_t read_address = 0;
  std::string reason;  // for people: which rule fired
};

class FaultSites {
 public:
  virtual ~FaultSites() = default;
  virtual SiteVerdict at(const SiteContext& context) = 0;
  // False only if at() answers "carry on" for every context of `site` (no rule names it), so
  // that a caller may skip building the context. The default says nothing: always true.
  virtual bool armed(Site site) const {
    (void)site;
    return true;
  }
};

// No faults armed: every site carries on.
class NoFaults final : public FaultSites {
 public:
  SiteVerdict at(const SiteContext&) override { return {}; }
  bool armed(Site) const override { return false; }
};

}  // namespace msmi
