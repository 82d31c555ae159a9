// The attachments of a message as lines of a framed text record (text_record.h), shared by the
// MAI file (what MS Mail sends) and the outbound mailbag record (what reaches MS Mail). They are
// written only when there are attachments, so a message without any is byte for byte what it
// was before they existed:
//
//   attachment: file ÖÄÜ.TXT             one line per attachment: its kind (message_content.h),
//   attachment: ole2 Budget              then a blank and its name when it has one
//   attachment-class: Excel.Sheet.5      the OLE class of the attachment line just before it
//   attachment: message                  an embedded message without a name
//
// Names are kept byte for byte as the sender wrote them, extended characters included: whether
// they can be parsed is the converting thread's business (Q175958).
#pragma once

#include <string_view>
#include <vector>

#include "msmi/message_content.h"
#include "msmi/status.h"
#include "msmi/text_record.h"

namespace msmi {

void add_attachment_fields(TextRecordWriter* record, const std::vector<Attachment>& attachments);
// Reads them back in order. Corruption (naming `path`) for an unknown kind, or a class line
// that does not follow an attachment line.
Status read_attachment_fields(const TextRecordView& record, std::string_view path,
                              std::vector<Attachment>* attachments);

}  // namespace msmi
