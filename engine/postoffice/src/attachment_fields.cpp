#include "msmi/attachment_fields.h"

#include <string>

namespace msmi {
namespace {

constexpr std::string_view kAttachmentField = "attachment";
constexpr std::string_view kClassField = "attachment-class";

}  // namespace

void add_attachment_fields(TextRecordWriter* record, const std::vector<Attachment>& attachments) {
  for (const Attachment& a : attachments) {
    std::string value(to_string(a.kind));
    if (!a.name.empty()) value += " " + a.name;
    record->add(kAttachmentField, value);
    if (!a.ole_class.empty()) record->add(kClassField, a.ole_class);
  }
}

Status read_attachment_fields(const TextRecordView& record, std::string_view path,
                              std::vector<Attachment>* attachments) {
  std::vector<Attachment> found;
  std::string_view previous;
  for (const auto& [key, value] : record.fields) {
    if (key == kAttachmentField) {
      const std::size_t blank = value.find(' ');
      Attachment a;
      if (!parse_attachment_kind(value.substr(0, blank), a.kind)) {
        return Status::Corruption(std::string(path) +
                                  ": field 'attachment' has the unknown kind '" +
                                  std::string(value.substr(0, blank)) + "'");
      }
      if (blank != std::string_view::npos) a.name = value.substr(blank + 1);
      found.push_back(std::move(a));
    } else if (key == kClassField) {
      if (previous != kAttachmentField) {
        return Status::Corruption(
            std::string(path) + ": field 'attachment-class' does not follow an 'attachment' field");
      }
      found.back().ole_class = value;
    }
    previous = key;
  }
  *attachments = std::move(found);
  return Status::Ok();
}

}  // namespace msmi
