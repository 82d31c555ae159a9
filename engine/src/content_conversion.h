// Converting what a message carries beside its text (message_content.h) between Exchange and
// MS Mail. Five KB bugs live here, each behind its switch:
//   Q175958  inbound: an attachment name with extended characters cannot be parsed, and the
//            message goes back to its MS Mail sender as an NDR [029]
//   Q151231  outbound: a report from a 1984 X.400 MTA reaches the MSMI without its recipient's
//            DN; the MSMI has only the X.400 address and finds no X.400 gateway (2376)
//   Q141135  outbound: such a report has a content type the MSMI does not know (2568)
//   Q177979  outbound: an embedded message fails MDBEF parsing (10000) and is rejected (NDR)
//   Q200661  outbound: an OLE 2 object whose class is not registered on the connector server
//            cannot be converted to OLE 1 (2403) and is left out of the MS Mail copy
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "msmi/message_content.h"
#include "msmi/mta_gateway.h"
#include "msmi_context.h"

namespace msmi {

// The NDR text of Q175958 ("[029] This mail message could not be parsed correctly.").
inline constexpr std::string_view kUnparsableMessageText =
    "This mail message could not be parsed correctly";

// Inbound: false when the converter cannot parse the attachments (Q175958 on, and a name with
// an extended character).
bool inbound_attachments_parse(const MsmiContext& ctx, const std::vector<Attachment>& attachments);

enum class OutboundContentVerdict {
  kConvert,       // write the message to MS Mail with `attachments`
  kLeaveInQueue,  // not acknowledged: the MTA offers it again in the next session (2376, 2568)
  kReject,        // returned to its Exchange sender as an NDR (Q177979)
};

struct OutboundConversion {
  OutboundContentVerdict verdict = OutboundContentVerdict::kConvert;
  std::vector<Attachment> attachments;  // as the MS Mail record holds them
  std::vector<std::string> dropped;     // OLE objects left out (Q200661), by class
  std::string detail;                   // why, for kLeaveInQueue and kReject
};

// Checks and converts the content of `message` for MS Mail, writing the events it meets (2376,
// 2568, 2403, 10000) on `thread`.
OutboundConversion convert_outbound_content(MsmiContext& ctx, int thread,
                                            const XomMessage& message);

// The X.400 form of an MS Mail address, as an NDR from an X.400 system addresses the MS Mail
// user: "MS:NET/PO/BOX" → "X400:c=US;a= ;p=NET;o=PO;s=BOX;". Other addresses are unchanged.
std::string x400_form(std::string_view address);

}  // namespace msmi
