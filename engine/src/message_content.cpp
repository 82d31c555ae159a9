#include "msmi/message_content.h"

#include <array>

namespace msmi {
namespace {

constexpr std::array<std::string_view, 4> kAttachmentKindNames = {"file", "ole2", "ole1",
                                                                  "message"};

}  // namespace

std::string_view to_string(AttachmentKind kind) {
  return kAttachmentKindNames[static_cast<std::size_t>(kind)];
}

bool parse_attachment_kind(std::string_view text, AttachmentKind& out) {
  for (std::size_t i = 0; i < kAttachmentKindNames.size(); ++i) {
    if (kAttachmentKindNames[i] == text) {
      out = static_cast<AttachmentKind>(i);
      return true;
    }
  }
  return false;
}

bool has_extended_characters(std::string_view name) {
  for (char c : name) {
    if (static_cast<unsigned char>(c) >= 0x80) return true;
  }
  return false;
}

}  // namespace msmi
