#include "msmi/queue_payloads.h"

#include <charconv>

#include "msmi/attachment_fields.h"
#include "msmi/message_files.h"
#include "msmi/text_record.h"

namespace msmi {

std::string encode_inqueue_record(const InqueueRecord& record) {
  TextRecordWriter text("MSMI-INQ");
  text.add("message-id", record.message_id);
  text.add("number", hex8(record.number));
  return text.finish();
}

Status decode_inqueue_record(std::string_view payload, std::string_view where, InqueueRecord* out) {
  // Read on every message by the Mailer and an inbound thread: one pass, nothing stored.
  TextFieldReader text;
  Status s = text.open("MSMI-INQ", payload, where);
  if (!s.ok()) return s;
  std::string_view message_id;
  std::string_view number;
  bool have_id = false;
  bool have_number = false;
  std::string_view name;
  std::string_view value;
  while (text.next(&name, &value)) {
    if (!have_id && name == "message-id") {
      message_id = value;
      have_id = true;
    } else if (!have_number && name == "number") {
      number = value;
      have_number = true;
    }
  }
  s = text.status();
  if (!s.ok()) return s;
  if (message_id.empty()) {
    return Status::Corruption(std::string(where) + ": record has no message-id");
  }
  if (!parse_hex8(number, &out->number)) {
    return Status::Corruption(std::string(where) + ": field 'number' is not 8 hex digits");
  }
  out->message_id = message_id;
  return Status::Ok();
}

std::string encode_outbound_record(const OutboundRecord& record) {
  TextRecordWriter text("MSMI-OUT");
  text.add("kind", record.kind);
  text.add("message-id", record.message_id);
  text.add("from", record.sender);
  if (!record.sender_name.empty()) text.add("from-name", record.sender_name);
  add_address_fields(&text, "to", record.recipients, record.recipient_names);
  text.add("subject", record.subject);
  if (!record.reply_to.empty()) text.add("reply-to", record.reply_to);
  if (record.dirsync) text.add("class", kDirSyncClass);
  if (!record.reason.empty()) text.add("reason", record.reason);
  add_attachment_fields(&text, record.attachments);
  return text.finish();
}

Status decode_outbound_record(std::string_view payload, std::string_view where,
                              OutboundRecord* out) {
  TextRecordView text;
  Status s = decode_text_record("MSMI-OUT", payload, where, &text);
  if (!s.ok()) return s;
  if (text.get("kind") != "message" && text.get("kind") != "ndr") {
    return Status::Corruption(std::string(where) + ": record kind is neither 'message' nor 'ndr'");
  }
  if (text.get("message-id").empty()) {
    return Status::Corruption(std::string(where) + ": record has no message-id");
  }
  OutboundRecord record;
  s = read_address_fields(text, "to", where, &record.recipients, &record.recipient_names);
  if (s.ok()) s = read_message_class(text, where, &record.dirsync);
  if (s.ok()) s = read_attachment_fields(text, where, &record.attachments);
  if (!s.ok()) return s;
  record.kind = text.get("kind");
  record.message_id = text.get("message-id");
  record.sender = text.get("from");
  record.sender_name = text.get("from-name");
  record.subject = text.get("subject");
  record.reply_to = text.get("reply-to");
  record.reason = text.get("reason");
  *out = std::move(record);
  return Status::Ok();
}

}  // namespace msmi
