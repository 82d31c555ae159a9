// The wevtutil XML writers ("xml" with an <Events> root, "evtx-xml" without). Each record is one
// line, `<Event xmlns='…'>…</Event>`, attributes in single quotes as wevtutil writes them. Text
// is escaped so that expat gives back the same bytes and each event stays on one line: & < >
// always, carriage return and line feed as &#13; and &#10; (XML parsers turn a literal CR LF
// into LF).
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "event_xml_parser.h"
#include "msmilog/event_xml.h"

namespace msmilog {
namespace {

constexpr std::string_view kNamespace = "http://schemas.microsoft.com/win/2004/08/events/event";

// Appends `text` escaped for XML character data (or a single-quoted attribute value). False,
// with *why set, when `text` is not UTF-8 or holds a character XML 1.0 cannot carry.
bool append_escaped(std::string* out, std::string_view text, bool attribute, std::string* why) {
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      switch (c) {
        case '&':
          *out += "&amp;";
          break;
        case '<':
          *out += "&lt;";
          break;
        case '>':
          *out += "&gt;";
          break;
        case '\'':
          *out += attribute ? "&apos;" : "'";
          break;
        case '\r':
          *out += "&#13;";
          break;
        case '\n':
          *out += "&#10;";  // keeps one event per line
          break;
        case '\t':
          *out += attribute ? "&#9;" : "\t";
          break;
        default:
          if (c < 0x20) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "0x%02X", c);
            *why = std::string("control character ") + hex + ", which XML cannot hold";
            return false;
          }
          out->push_back(static_cast<char>(c));
      }
      ++i;
      continue;
    }
    // A multi-byte UTF-8 sequence: check it is well-formed and an XML character.
    std::size_t length = 0;
    std::uint32_t code = 0;
    if ((c & 0xE0) == 0xC0) {
      length = 2;
      code = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      length = 3;
      code = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      length = 4;
      code = c & 0x07;
    }
    bool valid = length != 0 && i + length <= text.size();
    for (std::size_t k = 1; valid && k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      valid = (next & 0xC0) == 0x80;
      code = (code << 6) | (next & 0x3F);
    }
    static constexpr std::uint32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
    valid = valid && code >= kMinimum[length] && code <= 0x10FFFF &&
            !(code >= 0xD800 && code <= 0xDFFF) && code != 0xFFFE && code != 0xFFFF;
    if (!valid) {
      *why = "bytes that are not UTF-8 at byte " + std::to_string(i);
      return false;
    }
    out->append(text.substr(i, length));
    i += length;
  }
  return true;
}

class EventXmlWriter : public LogWriter {
 public:
  EventXmlWriter(std::string path, std::FILE* file, bool owns_file, WriterOptions options,
                 bool rooted)
      : path_(std::move(path)),
        file_(file),
        owns_file_(owns_file),
        options_(std::move(options)),
        rooted_(rooted) {
    if (rooted_) {
      put("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<Events>\r\n");
    }
  }
  ~EventXmlWriter() override {
    if (owns_file_ && file_ != nullptr) std::fclose(file_);
  }

  msmi::Status write(const LogRecord& record) override {
    line_.clear();
    msmi::Status s = format_event_xml(record, options_.computer, true, &line_);
    if (!s.ok()) return msmi::Status::InvalidArgument(path_ + ": " + s.message());
    line_ += "\r\n";
    put(line_);
    return status();
  }

  msmi::Status finish() override {
    if (rooted_) put("</Events>\r\n");
    if (std::fflush(file_) != 0) failed_ = true;
    if (owns_file_) {
      if (std::fclose(file_) != 0) failed_ = true;
      file_ = nullptr;
    }
    return status();
  }

 private:
  void put(std::string_view text) {
    if (std::fwrite(text.data(), 1, text.size(), file_) != text.size()) failed_ = true;
  }
  msmi::Status status() const {
    if (failed_) return msmi::Status::IoError(path_ + ": cannot write: " + std::strerror(errno));
    return msmi::Status::Ok();
  }

  std::string path_;
  std::FILE* file_;
  bool owns_file_;
  WriterOptions options_;
  bool rooted_;
  bool failed_ = false;
  std::string line_;
};

msmi::Status create_writer(const std::string& path, const WriterOptions& options, bool rooted,
                           std::unique_ptr<LogWriter>* out) {
  if (path == "-") {
    *out = std::make_unique<EventXmlWriter>("standard output", stdout, false, options, rooted);
    return msmi::Status::Ok();
  }
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) {
    return msmi::Status::IoError(path + ": cannot create: " + std::strerror(errno));
  }
  *out = std::make_unique<EventXmlWriter>(path, file, true, options, rooted);
  return msmi::Status::Ok();
}

}  // namespace

msmi::Status format_event_xml(const LogRecord& record, std::string_view default_computer,
                              bool with_rendering, std::string* out) {
  std::string why;
  const std::string where = "record " + std::to_string(record.record_number) + ": ";
  auto text = [&](std::string_view field, std::string_view value, bool attribute) {
    if (append_escaped(out, value, attribute, &why)) return true;
    why = where + std::string(field) + " holds " + why;
    return false;
  };
  const int level = event_level(record.type);
  char number[32];
  *out += "<Event xmlns='";
  *out += kNamespace;
  *out += "'><System><Provider Name='";
  if (!text("source", record.source, true)) return msmi::Status::InvalidArgument(why);
  *out += "'/><EventID";
  if (record.identifier_complete) {
    *out += " Qualifiers='" + std::to_string(record.event_identifier >> 16) + "'";
  }
  *out += ">" + std::to_string(record.displayed_id()) + "</EventID>";
  *out += "<Level>" + std::to_string(level) + "</Level>";
  *out += "<Task>" + std::to_string(record.category) + "</Task>";
  std::snprintf(number, sizeof number, "0x%" PRIx64, event_keywords(record.type));
  *out += "<Keywords>" + std::string(number) + "</Keywords>";
  *out += "<TimeCreated SystemTime='" + format_system_time(record.created_us) + "'/>";
  *out += "<EventRecordID>" + std::to_string(record.record_number) + "</EventRecordID>";
  *out += "<Channel>Application</Channel><Computer>";
  if (!text("computer", record.computer.empty() ? default_computer : record.computer, false)) {
    return msmi::Status::InvalidArgument(why);
  }
  *out += "</Computer>";
  if (record.user.empty()) {
    *out += "<Security/>";
  } else {
    *out += "<Security UserID='";
    if (!text("user", record.user, true)) return msmi::Status::InvalidArgument(why);
    *out += "'/>";
  }
  *out += "</System><EventData>";
  for (std::size_t i = 0; i < record.strings.size(); ++i) {
    *out += "<Data>";
    if (!text("string " + std::to_string(i + 1), record.strings[i], false)) {
      return msmi::Status::InvalidArgument(why);
    }
    *out += "</Data>";
  }
  if (!record.data.empty()) {
    *out += "<Binary>";
    static constexpr char kHex[] = "0123456789ABCDEF";
    for (unsigned char byte : record.data) {
      out->push_back(kHex[byte >> 4]);
      out->push_back(kHex[byte & 0xF]);
    }
    *out += "</Binary>";
  }
  *out += "</EventData>";
  if (with_rendering) {
    *out += "<RenderingInfo Culture='en-US'><Message>";
    if (!text("description", record.description, false)) {
      return msmi::Status::InvalidArgument(why);
    }
    *out += "</Message><Level>";
    *out += to_string(record.type == NtEventType::kAuditSuccess ||
                              record.type == NtEventType::kAuditFailure
                          ? NtEventType::kInformation
                          : record.type);
    *out += "</Level><Task>";
    if (!text("category", record.category_name, false)) return msmi::Status::InvalidArgument(why);
    *out += "</Task><Opcode>Info</Opcode><Channel>Application</Channel><Provider></Provider>";
    *out += "<Keywords><Keyword>";
    *out += record.type == NtEventType::kAuditSuccess   ? "Audit Success"
            : record.type == NtEventType::kAuditFailure ? "Audit Failure"
                                                        : "Classic";
    *out += "</Keyword></Keywords></RenderingInfo>";
  }
  *out += "</Event>";
  return msmi::Status::Ok();
}

msmi::Status create_event_xml_writer(const std::string& path, const WriterOptions& options,
                                     std::unique_ptr<LogWriter>* out) {
  return create_writer(path, options, true, out);
}

msmi::Status create_event_xml_lines_writer(const std::string& path, const WriterOptions& options,
                                           std::unique_ptr<LogWriter>* out) {
  return create_writer(path, options, false, out);
}

}  // namespace msmilog
