#include "ndr_generator.h"

#include <cstdio>

#include "msmi/address.h"
#include "msmi/event_catalogue.h"
#include "msmi/mailbag.h"
#include "msmi/queue_payloads.h"

namespace msmi {
namespace {

// The directory record the original code looked the sender up in. In the 32-bit MT.EXE its
// display name pointer follows a 4-byte flag word and a 32-byte alias, so reading it through a
// null record reads address 0x00000024 — the address the 2380 event reports.
struct SenderRecord {
  std::uint32_t flags;
  char alias[32];
};
constexpr std::uint32_t kDisplayNameOffset = 0x00000024;
// Where in MT.EXE the read happens, as the 2380 event reports it.
constexpr std::uint32_t kNdrLogExceptionAddress = 0x0040C6F3;

std::string hex_address(std::uint32_t value) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "0x%08X", value);
  return buffer;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

// "NET/PO/MAILBOX" for MS Mail senders (the form the 2117 event shows), the address otherwise.
std::string display_name(const Address& address) {
  if (address.type == AddressType::kMsMail) {
    return address.network + "/" + address.postoffice + "/" + address.mailbox;
  }
  return address.to_string();
}

}  // namespace

std::string_view ndr_reason_text(int code) {
  switch (code) {
    case 2:
      return "Recipient address unknown";
    case 8:
      return "Failure delivering user mail due to mailbag contention";
    case 12:
      return "Message is corrupt";
    case 17:
      return "Mailbag is full";
    case 21:
      return "Routing file is missing";
    case 24:
      return "Routing file is corrupted";
    case 29:
      return "Address could not be parsed";
    case 30:
      return "Message contains duplicated Email address";
    default:
      return "Undeliverable";
  }
}

std::string ndr_reason_code(int code) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "%03d", code);
  return buffer;
}

NdrResult generate_ndr(MsmiContext& ctx, int thread, const NdrRequest& request) {
  NdrResult result;
  SiteContext site;
  site.site = Site::kLogNdr;
  site.thread = thread;
  site.message_id = request.message_id;
  site.sender = request.sender;
  site.recipients = request.undeliverable;
  site.subject = request.subject;
  site.kind = to_string(MessageKind::kNdr);
  site.sender_name = request.sender_name;
  site.recipient_names = request.undeliverable_names;
  site.reply_to = request.reply_to;
  const SiteVerdict verdict = ctx.site(site);
  if (verdict.kind == SiteVerdict::Kind::kAccessViolation) {
    result.outcome = NdrOutcome::kAccessViolation;
    result.read_address = verdict.read_address;
    result.detail = "logging the NDR event read through " + hex_address(verdict.read_address);
    return result;
  }
  if (verdict.kind == SiteVerdict::Kind::kFail || verdict.kind == SiteVerdict::Kind::kHang) {
    result.outcome = NdrOutcome::kSenderUnreachable;
    result.detail = "the NDR could not be generated (" + verdict.reason + ")";
    return result;
  }
  const AddressParseResult sender =
      request.sender_unparsable ? AddressParseResult{} : parse_address(request.sender);
  const SenderRecord* record = nullptr;
  SenderRecord found{};
  if (sender.ok) record = &found;

  std::string from;
  if (record == nullptr) {
    if (ctx.defect(Defect::kQ175965)) {
      result.outcome = NdrOutcome::kAccessViolation;
      result.read_address = kDisplayNameOffset;
      result.detail = "NDR event for a message with an invalid sender read a null sender record";
      return result;
    }
    // The same form as a valid sender's (no "MS:" prefix), marked as invalid.
    std::string_view shown = request.sender;
    if (shown.starts_with("MS:") || shown.starts_with("ms:")) shown.remove_prefix(3);
    from = shown.empty() ? "(no sender)" : std::string(shown) + " (invalid sender)";
  } else {
    from = display_name(sender.address);
  }
  const std::string reason_text = request.reason_text.empty()
                                      ? std::string(ndr_reason_text(request.reason))
                                      : request.reason_text;
  ctx.logger.log(event_id::kNdrGenerated, thread, request.message_id,
                 {from, request.subject, ndr_reason_code(request.reason), reason_text,
                  join(request.undeliverable)});

  if (!sender.ok) {
    result.outcome = NdrOutcome::kSenderUnreachable;
    result.detail = "the NDR cannot be returned: the sender is invalid (" + sender.reason + ")";
    return result;
  }
  const Address& to = sender.address;
  if (to.type != AddressType::kMsMail || !ctx.directory.knows(to.network, to.postoffice)) {
    ctx.logger.log(event_id::kNoMailbagForRecipient, thread, request.message_id,
                   {to.to_string(), request.message_id});
    result.outcome = NdrOutcome::kSenderUnreachable;
    result.detail = "the NDR cannot be returned: no mailbag for the sender " + to.to_string();
    return result;
  }
  OutboundRecord ndr;
  ndr.kind = "ndr";
  ndr.message_id = request.message_id;
  ndr.sender = ctx.connector_admin();
  ndr.recipients = {to.to_string()};
  if (!request.sender_name.empty()) ndr.recipient_names = {request.sender_name};
  ndr.subject = "Undeliverable: " + request.subject;
  ndr.reason = "[" + ndr_reason_code(request.reason) + "] " + reason_text;
  Mailbag& mailbag = ctx.mailbag(NetworkDirectory::mailbag_name({to.network, to.postoffice}));
  SiteContext write;
  write.site = Site::kWriteMailbag;
  write.thread = thread;
  write.message_id = request.message_id;
  write.sender = ndr.sender;
  write.recipients = ndr.recipients;
  write.subject = ndr.subject;
  write.kind = to_string(MessageKind::kNdr);
  write.mailbag = mailbag.name();
  write.recipient_names = ndr.recipient_names;
  const Status s = ctx.site(write).kind == SiteVerdict::Kind::kNone
                       ? mailbag.append(encode_outbound_record(ndr), nullptr)
                       : Status::IoError(mailbag.name() + ": write failed (fault rule)");
  if (!s.ok()) {
    ctx.logger.log(event_id::kMailbagDiskError, thread, request.message_id,
                   {mailbag.name(), request.message_id});
    result.outcome = NdrOutcome::kSenderUnreachable;
    result.detail = "the NDR cannot be returned: " + s.message();
    return result;
  }
  result.outcome = NdrOutcome::kReturnedToSender;
  result.detail = ndr.reason + " for " + join(request.undeliverable);
  return result;
}

bool report_access_violation(MsmiContext& ctx, int thread, const std::string& message_id,
                             std::uint32_t read_address, std::string_view failed_thread) {
  ctx.logger.log(event_id::kAccessViolation, thread, message_id,
                 {hex_address(read_address), hex_address(kNdrLogExceptionAddress)});
  if (ctx.settings.protections.quarantine) return true;
  ctx.logger.log(event_id::kFatalAssert, thread, message_id,
                 {"sfsems.cpp", "837", std::string(failed_thread) + " failed."});
  ctx.crash_requested = true;
  ctx.crash_reason = std::string(failed_thread) + " failed (access violation)";
  return false;
}

}  // namespace msmi
