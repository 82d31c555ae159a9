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
  TextRecordView text;
  Status s = decode_text_record("MSMI-INQ", payload, where, &text);
  if (!s.ok()) return s;
  if (text.get("message-id").empty()) {
    return Status::Corruption(std::string(where) + ": record has no message-id");
  }
  const std::string_view number = text.get("number");
  if (number.size() != 8 || !parse_whole_number(number, 16, &out->number)) {
    return Status::Corruption(std::string(where) + ": field 'number' is not 8 hex digits");
  }
  out->message_id = text.get("message-id");
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
