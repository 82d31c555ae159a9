// What a mailbag record holds, as a framed text record (text_record.h):
//   INQUEUE3 ("MSMI-INQ"): message-id, number (hex8 of the P1/MAI files)
//   a destination postoffice's mailbag ("MSMI-OUT"): kind (message|ndr), message-id, from, to
//   (one line each), subject, and for an NDR the reason. Written only when they have a value
//   (message_files.h spells them the same way): from-name after from, to-name after its to,
//   reply-to after subject, and "class: dirsync" for a directory-synchronisation message; the
//   attachments as converted for MS Mail (attachment_fields.h) last.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "msmi/message_content.h"
#include "msmi/status.h"

namespace msmi {

// The inbound queue the MS Mail side fills and the Mailer reads (KEY/INQUEUE3.KEY,
// MBG/INQUEUE3.MBG).
inline constexpr std::string_view kInqueueName = "INQUEUE3";

struct InqueueRecord {
  std::string message_id;
  std::uint32_t number = 0;
};

struct OutboundRecord {
  std::string kind = "message";  // "message" or "ndr"
  std::string message_id;
  std::string sender;
  std::string sender_name;  // display name, or ""
  std::vector<std::string> recipients;
  std::vector<std::string> recipient_names;  // recipient_names[i] names recipients[i]; "" none
  std::string subject;
  std::string reply_to;
  bool dirsync = false;                   // a directory-synchronisation message (kind "message")
  std::string reason;                     // NDRs only: "[002] Unknown address"
  std::vector<Attachment> attachments{};  // as converted for MS Mail (OLE 2 objects to OLE 1)
};

std::string encode_inqueue_record(const InqueueRecord& record);
Status decode_inqueue_record(std::string_view payload, std::string_view where, InqueueRecord* out);
std::string encode_outbound_record(const OutboundRecord& record);
Status decode_outbound_record(std::string_view payload, std::string_view where,
                              OutboundRecord* out);

}  // namespace msmi
