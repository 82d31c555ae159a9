#include "content_conversion.h"

#include <algorithm>

#include "msmi/address.h"
#include "msmi/event_catalogue.h"

namespace msmi {
namespace {

constexpr int kNoDnEvent = 2376;
constexpr int kUnknownContentEvent = 2568;
constexpr int kOleConversionEvent = 2403;

}  // namespace

bool inbound_attachments_parse(const MsmiContext& ctx, const std::vector<Attachment>& attachments) {
  if (!ctx.defect(Defect::kQ175958)) return true;
  return std::none_of(attachments.begin(), attachments.end(),
                      [](const Attachment& a) { return has_extended_characters(a.name); });
}

std::string x400_form(std::string_view address) {
  const AddressParseResult parsed = parse_address(address);
  if (!parsed.ok || parsed.address.type != AddressType::kMsMail) return std::string(address);
  const Address& a = parsed.address;
  return "X400:c=US;a= ;p=" + a.network + ";o=" + a.postoffice + ";s=" + a.mailbox + ";";
}

OutboundConversion convert_outbound_content(MsmiContext& ctx, int thread,
                                            const XomMessage& message) {
  OutboundConversion out;
  if (message.kind == MessageKind::kNdr) {
    // The report's recipient is known to the MSMI by the DN the MTA passes with it. The 4.0
    // MTA passes none for a report from a 1984 X.400 MTA; the fixed MTA looks the DN up.
    if (!message.content.recipient_dn && ctx.defect(Defect::kQ151231)) {
      for (const std::string& recipient : message.recipients) {
        ctx.logger.log(
            kNoDnEvent, thread, message.message_id,
            {"MS Mail Connector Interchange has detected a configuration problem. No MS Mail "
             "gateway for X.400 addresses is set up on the MS Mail Connector Post Office for "
             "recipient: " +
             x400_form(recipient) + " of the non-delivery report with message id " +
             message.message_id + "."});
      }
      out.verdict = OutboundContentVerdict::kLeaveInQueue;
      out.detail = "no DN for the report's recipient: no X.400 gateway on the connector postoffice";
      return out;
    }
    if (message.content.content_unknown && ctx.defect(Defect::kQ141135)) {
      ctx.logger.log(kUnknownContentEvent, thread, message.message_id,
                     {"MS Mail Connector Interchange cannot deliver the non-delivery report " +
                      message.message_id + " to MS Mail: its content is of an unknown type."});
      out.verdict = OutboundContentVerdict::kLeaveInQueue;
      out.detail = "the report's content is of an unknown type";
      return out;
    }
  }
  for (const Attachment& a : message.content.attachments) {
    switch (a.kind) {
      case AttachmentKind::kMessage:
        if (ctx.defect(Defect::kQ177979)) {
          ctx.logger.log(*find_event_spec(event_id::kDebugValue, "text"), thread,
                         message.message_id, {"MDBEF parsing failed on Attachment Information."});
          out.verdict = OutboundContentVerdict::kReject;
          out.detail = "MDBEF parsing failed on an embedded message";
          return out;
        }
        out.attachments.push_back(a);
        break;
      case AttachmentKind::kOle2: {
        // The MSMI converts through the OLE registration of the server it runs on.
        const auto& classes = ctx.settings.ole_classes;
        if (std::find(classes.begin(), classes.end(), a.ole_class) != classes.end()) {
          out.attachments.push_back({AttachmentKind::kOle1, a.name, a.ole_class});
          break;
        }
        ctx.logger.log(kOleConversionEvent, thread, message.message_id, {message.message_id});
        if (ctx.defect(Defect::kQ200661)) {
          out.dropped.push_back(a.ole_class);  // the MS Mail client never sees it
        } else {
          // Kept as a plain file, so that nothing the sender attached is lost.
          out.attachments.push_back(
              {AttachmentKind::kFile, a.name.empty() ? a.ole_class + " object" : a.name, ""});
        }
        break;
      }
      case AttachmentKind::kFile:
      case AttachmentKind::kOle1:
        out.attachments.push_back(a);
        break;
    }
  }
  return out;
}

}  // namespace msmi
