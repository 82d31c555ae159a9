// Non-delivery reports for MS Mail senders: the 2117 event, then the NDR itself, written into
// the mailbag of the sender's postoffice. This is where Q175965 lives: the original code formats
// the 2117 "From:" through the sender's directory record without checking that the lookup found
// one, so a message whose sender is invalid makes it read through a null record.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "msmi_context.h"

namespace msmi {

// MS Mail reason codes, as the NDR shows them ("[008] Failure delivering …").
inline constexpr int kNdrUnknownAddress = 2;
inline constexpr int kNdrMailbagContention = 8;
inline constexpr int kNdrCorruptMessage = 12;
inline constexpr int kNdrMailbagFull = 17;
inline constexpr int kNdrUnparsableAddress = 29;
inline constexpr int kNdrDuplicateAddress = 30;
std::string_view ndr_reason_text(int code);
// "002"
std::string ndr_reason_code(int code);

struct NdrRequest {
  std::string message_id;
  std::string sender;
  std::string subject;
  std::vector<std::string> undeliverable;
  int reason = kNdrUnknownAddress;
  std::string reason_text;  // replaces ndr_reason_text(reason) when not empty
  // The sender field failed to parse where it was read (a fault site): treat it as invalid.
  bool sender_unparsable = false;
  // For the fault sites, and the NDR's recipient (the sender) keeps the sender's display name.
  std::string sender_name;
  std::vector<std::string> undeliverable_names;  // one per undeliverable, "" for none
  std::string reply_to;
};

enum class NdrOutcome {
  kReturnedToSender,   // the NDR is in the sender's postoffice mailbag
  kSenderUnreachable,  // no valid sender or no mailbag for it: the caller keeps the message
  kAccessViolation,    // Q175965: the caller reports 2380/10003 and the service stops
};

struct NdrResult {
  NdrOutcome outcome = NdrOutcome::kReturnedToSender;
  std::string detail;
  std::uint32_t read_address = 0;  // for kAccessViolation
};

NdrResult generate_ndr(MsmiContext& ctx, int thread, const NdrRequest& request);

// Writes 2380 (with the read address). A legacy build then writes 10003 (sfsems.cpp line 837,
// "<what> failed.") and asks the interchange to stop: the handled exception leaves the thread
// unusable; returns false. A build with quarantine survives it: returns true, and the caller
// sets the message aside.
bool report_access_violation(MsmiContext& ctx, int thread, const std::string& message_id,
                             std::uint32_t read_address, std::string_view failed_thread);

}  // namespace msmi
