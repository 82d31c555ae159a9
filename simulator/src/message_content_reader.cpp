#include "message_content_reader.h"

namespace msmisim::detail {
namespace {

// One line of printable text: a name or class the codecs can carry.
std::string read_line(const json& v, const std::string& path, const char* what) {
  if (!v.is_string()) fail(path, what, v);
  const std::string text = v.get<std::string>();
  if (text.empty() || text.size() > 255 || text.find_first_of("\r\n") != std::string::npos ||
      text.front() == ' ' || text.back() == ' ') {
    fail(path, std::string(what) + " (one line, 1 to 255 bytes, no leading or trailing blank)", v);
  }
  return text;
}

msmi::Attachment read_attachment(const json& v, const std::string& path) {
  if (!v.is_object()) {
    fail(path,
         "an attachment: {\"name\": \"REPORT.TXT\"}, {\"kind\": \"ole2\", \"class\": "
         "\"Word.Document.6\"} or {\"kind\": \"message\"}",
         v);
  }
  Fields f(v, path);
  msmi::Attachment a;
  if (const json* x = f.get("kind")) {
    const char* expected =
        "\"file\" (the default), \"ole2\" (an embedded OLE 2 object) or \"message\" (an "
        "embedded message)";
    if (!x->is_string() || !msmi::parse_attachment_kind(x->get<std::string>(), a.kind) ||
        a.kind == msmi::AttachmentKind::kOle1) {
      fail(f.at("kind"), expected, *x);
    }
  }
  if (const json* x = f.get("name")) a.name = read_line(*x, f.at("name"), "a file name");
  if (const json* x = f.get("class")) {
    if (a.kind != msmi::AttachmentKind::kOle2) {
      throw FieldError{f.at("class"), "only for an OLE object (\"kind\": \"ole2\")"};
    }
    a.ole_class = read_line(*x, f.at("class"), "an OLE class such as \"Word.Document.6\"");
    if (a.ole_class.find(' ') != std::string::npos)
      fail(f.at("class"), "an OLE class without blanks, such as \"Word.Document.6\"", *x);
  }
  if (a.kind == msmi::AttachmentKind::kFile && a.name.empty())
    throw FieldError{f.at("name"), "required for a file attachment, e.g. \"REPORT.TXT\""};
  if (a.kind == msmi::AttachmentKind::kOle2 && a.ole_class.empty())
    throw FieldError{f.at("class"), "required for an OLE object, e.g. \"Word.Document.6\""};
  f.reject_unknown();
  return a;
}

}  // namespace

msmi::MessageKind read_scripted_message_kind(const json& v, const std::string& path,
                                             Direction direction) {
  // An inbound NDR is the engine's own to make: "ndr" is refused there like any unknown kind.
  if (direction == Direction::kOutbound && v.is_string() && v.get<std::string>() == "ndr")
    return msmi::MessageKind::kNdr;
  return read_message_kind(v, path);
}

void read_message_content(Fields& f, MessageSpec& m) {
  if (const json* x = f.get("attachments")) {
    const std::string path = f.at("attachments");
    if (!x->is_array()) fail(path, "an array of attachments such as [{\"name\": \"A.TXT\"}]", *x);
    for (std::size_t i = 0; i < x->size(); ++i) {
      m.content.attachments.push_back(
          read_attachment((*x)[i], path + "[" + std::to_string(i) + "]"));
    }
  }
  const bool ndr = m.kind == msmi::MessageKind::kNdr;
  if (const json* x = f.get("content")) {
    if (!ndr) throw FieldError{f.at("content"), "only for a report (\"kind\": \"ndr\")"};
    const std::string text = x->is_string() ? x->get<std::string>() : "";
    if (text != "unknown" && text != "known") {
      fail(f.at("content"),
           "\"unknown\" (a content type the MSMI does not know, as 1984 X.400 MTAs return) or "
           "\"known\" (the default)",
           *x);
    }
    m.content.content_unknown = text == "unknown";
  }
  if (const json* x = f.get("recipient_dn")) {
    if (!ndr) throw FieldError{f.at("recipient_dn"), "only for a report (\"kind\": \"ndr\")"};
    m.content.recipient_dn = read_bool(*x, f.at("recipient_dn"));
  }
}

std::vector<std::string> read_ole_classes(const json& v, const std::string& path) {
  if (!v.is_array()) fail(path, "an array of OLE classes such as [\"Word.Document.6\"]", v);
  std::vector<std::string> classes;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string p = path + "[" + std::to_string(i) + "]";
    classes.push_back(read_line(v[i], p, "an OLE class such as \"Word.Document.6\""));
    if (classes.back().find(' ') != std::string::npos)
      fail(p, "an OLE class without blanks, such as \"Word.Document.6\"", v[i]);
  }
  return classes;
}

}  // namespace msmisim::detail
