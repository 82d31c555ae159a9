// What a message carries beside its text: its attachments, and for a non-delivery report handed
// over by the Exchange MTA what the MSMI was told about it. The KB articles Q141135, Q151231,
// Q175958, Q177979 and Q200661 are about these. A message has none of them unless a scenario
// gives them, and a message without them is written byte for byte as before they existed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace msmi {

// kFile: an attached file ("ÖÄÜ.TXT"). kOle2: an embedded OLE 2 object of `ole_class`, as the
// Exchange client makes them; MS Mail knows only OLE 1, so the MSMI converts it on the way out
// through the OLE registration of the connector server (Q200661). kOle1: the converted object,
// as an MS Mail mailbag record holds it. kMessage: an embedded message (Q177979).
enum class AttachmentKind { kFile, kOle2, kOle1, kMessage };

// "file", "ole2", "ole1", "message"
std::string_view to_string(AttachmentKind kind);
// Accepts the names to_string gives (exactly). False if unknown.
bool parse_attachment_kind(std::string_view text, AttachmentKind& out);

struct Attachment {
  AttachmentKind kind = AttachmentKind::kFile;
  std::string name;       // the file or object name, or "" (an embedded message may have none)
  std::string ole_class;  // kOle2, kOle1: the object's class ("Word.Document.6"), else ""
  bool operator==(const Attachment&) const = default;
};

struct MessageContent {
  std::vector<Attachment> attachments;
  // A non-delivery report the MTA hands the MSMI (MessageKind::kNdr, Exchange → MS Mail), as a
  // 1984 X.400 MTA returned it: its content type is one the MSMI does not know (Q141135), and
  // whether the MTA passed the distinguished name of the report's recipient with it (Q151231).
  bool content_unknown = false;
  bool recipient_dn = true;

  // True when nothing differs from a plain message's.
  bool plain() const { return attachments.empty() && !content_unknown && recipient_dn; }
  bool operator==(const MessageContent&) const = default;
};

// True if `name` holds a byte outside 7-bit ASCII (an "extended character" such as Ä in the
// code page MS Mail wrote it in).
bool has_extended_characters(std::string_view name);

}  // namespace msmi
