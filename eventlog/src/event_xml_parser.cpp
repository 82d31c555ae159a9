#include "event_xml_parser.h"

#include <expat.h>

#include <cassert>
#include <charconv>
#include <cstring>
#include <utility>

#include "msmilog/time_format.h"

namespace msmilog {
namespace {

// 100 ns ticks between 1601-01-01 and 1970-01-01.
constexpr std::uint64_t kFiletimeEpochOffset = 116'444'736'000'000'000ull;
constexpr std::uint64_t kKeywordClassic = 0x0080'0000'0000'0000ull;
constexpr std::uint64_t kKeywordAuditSuccess = 0x0020'0000'0000'0000ull;
constexpr std::uint64_t kKeywordAuditFailure = 0x0010'0000'0000'0000ull;

template <typename T>
bool parse_number(std::string_view text, T* out, int base = 10) {
  if (base == 16 && text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    text.remove_prefix(2);
  }
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out, base);
  return ec == std::errc() && end == text.data() + text.size();
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && std::strchr(" \t\r\n", text.front()) != nullptr) text.remove_prefix(1);
  while (!text.empty() && std::strchr(" \t\r\n", text.back()) != nullptr) text.remove_suffix(1);
  return text;
}

const char* attribute(const char** attributes, std::string_view name) {
  for (int i = 0; attributes[i] != nullptr; i += 2) {
    if (name == attributes[i]) return attributes[i + 1];
  }
  return nullptr;
}

bool decode_hex(std::string_view hex, std::string* out) {
  hex = trimmed(hex);
  if (hex.size() % 2 != 0) return false;
  out->clear();
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    unsigned value = 0;
    if (!parse_number(hex.substr(i, 2), &value, 16)) return false;
    out->push_back(static_cast<char>(value));
  }
  return true;
}

}  // namespace

std::int64_t filetime_to_epoch_us(std::uint64_t filetime) {
  // Signed arithmetic so that times before 1970 stay meaningful.
  return (static_cast<std::int64_t>(filetime / 10) -
          static_cast<std::int64_t>(kFiletimeEpochOffset / 10));
}

std::uint64_t epoch_us_to_filetime(std::int64_t epoch_us) {
  return static_cast<std::uint64_t>(epoch_us +
                                    static_cast<std::int64_t>(kFiletimeEpochOffset / 10)) *
         10;
}

std::string format_system_time(std::int64_t epoch_us) {
  std::int64_t fraction = epoch_us % 1'000'000;
  if (fraction < 0) fraction += 1'000'000;
  std::string text = format_iso8601_utc(epoch_us - fraction);  // "…:SS.000Z"
  text.resize(text.size() - 4);                                // "…:SS."
  char digits[7];
  for (int i = 5; i >= 0; --i) {
    digits[i] = static_cast<char>('0' + fraction % 10);
    fraction /= 10;
  }
  text.append(digits, 6);
  text += "000Z";
  return text;
}

int event_level(NtEventType type) {
  switch (type) {
    case NtEventType::kError:
      return 2;
    case NtEventType::kWarning:
      return 3;
    case NtEventType::kInformation:
      return 4;
    case NtEventType::kSuccess:
    case NtEventType::kAuditSuccess:
    case NtEventType::kAuditFailure:
      break;
  }
  return 0;
}

std::uint64_t event_keywords(NtEventType type) {
  if (type == NtEventType::kAuditSuccess) return kKeywordClassic | kKeywordAuditSuccess;
  if (type == NtEventType::kAuditFailure) return kKeywordClassic | kKeywordAuditFailure;
  return kKeywordClassic;
}

NtEventType type_from_level(int level, std::uint64_t keywords) {
  if ((keywords & kKeywordAuditFailure) != 0) return NtEventType::kAuditFailure;
  if ((keywords & kKeywordAuditSuccess) != 0) return NtEventType::kAuditSuccess;
  switch (level) {
    case 1:
    case 2:
      return NtEventType::kError;
    case 3:
      return NtEventType::kWarning;
    case 0:
      return NtEventType::kSuccess;
    default:
      return NtEventType::kInformation;
  }
}

EventXmlParser::EventXmlParser() : parser_(XML_ParserCreate(nullptr)) {
  assert(parser_ != nullptr);
  XML_SetUserData(parser_, this);
  XML_SetElementHandler(parser_, &EventXmlParser::on_start, &EventXmlParser::on_end);
  XML_SetCharacterDataHandler(parser_, &EventXmlParser::on_text);
}

EventXmlParser::~EventXmlParser() {
  XML_ParserFree(parser_);
}

bool EventXmlParser::feed(const char* data, std::size_t size, bool final,
                          std::deque<ParsedEvent>* events, ReadIssue* error) {
  if (failed_) return false;
  out_ = events;
  // XML_Parse takes an int length; chunks are small, but stay correct for any size.
  constexpr std::size_t kMaxPiece = 1 << 30;
  do {
    const std::size_t piece = size < kMaxPiece ? size : kMaxPiece;
    const bool last = final && piece == size;
    if (XML_Parse(parser_, data, static_cast<int>(piece), last ? 1 : 0) != XML_STATUS_OK) {
      failed_ = true;
      error->position = XML_GetCurrentLineNumber(parser_);
      error->is_line = true;
      error->message = "XML is not well-formed at line " +
                       std::to_string(XML_GetCurrentLineNumber(parser_)) + ", column " +
                       std::to_string(XML_GetCurrentColumnNumber(parser_) + 1) + ": " +
                       XML_ErrorString(XML_GetErrorCode(parser_));
      out_ = nullptr;
      return false;
    }
    data += piece;
    size -= piece;
  } while (size > 0);
  out_ = nullptr;
  return true;
}

void EventXmlParser::on_start(void* self, const char* name, const char** attributes) {
  auto* parser = static_cast<EventXmlParser*>(self);
  parser->start(name, attributes,
                parser->path_.empty() ? XML_GetCurrentLineNumber(parser->parser_) : 0);
}

void EventXmlParser::start_element(std::string_view name, const char** attributes,
                                   std::uint64_t line) {
  start(name, attributes, line);
}

void EventXmlParser::end_element(std::string_view name, std::deque<ParsedEvent>* events) {
  out_ = events;
  end(name);
  out_ = nullptr;
}

void EventXmlParser::on_end(void* self, const char* name) {
  static_cast<EventXmlParser*>(self)->end(name);
}

void EventXmlParser::on_text(void* self, const char* text, int length) {
  auto* parser = static_cast<EventXmlParser*>(self);
  if (!parser->path_.empty()) parser->text_.append(text, static_cast<std::size_t>(length));
}

void EventXmlParser::start(std::string_view name, const char** attributes, std::uint64_t line) {
  text_.clear();
  if (path_.empty()) {
    if (name != "Event") return;  // the <Events> root, or something we do not read
    fields_ = Fields();
    fields_.line = line;
  }
  path_.emplace_back(name);
  if (path_.size() != 3) return;
  const std::string_view parent = path_[1];
  if (parent != "System") return;
  if (name == "Provider") {
    if (const char* value = attribute(attributes, "Name")) fields_.provider = value;
  } else if (name == "EventID") {
    if (const char* value = attribute(attributes, "Qualifiers")) fields_.qualifiers = value;
  } else if (name == "TimeCreated") {
    if (const char* value = attribute(attributes, "SystemTime")) fields_.time_created = value;
  } else if (name == "Security") {
    if (const char* value = attribute(attributes, "UserID")) fields_.user = value;
  }
}

void EventXmlParser::end(std::string_view name) {
  if (path_.empty()) return;
  if (path_.size() == 1) {
    path_.clear();
    if (out_ != nullptr) out_->push_back(finish_event());
    return;
  }
  if (path_.size() == 3) {
    const std::string_view parent = path_[1];
    if (parent == "System") {
      if (name == "EventID") fields_.event_id = std::move(text_);
      if (name == "Level") fields_.level = std::move(text_);
      if (name == "Task") fields_.task = std::move(text_);
      if (name == "Keywords") fields_.keywords = std::move(text_);
      if (name == "EventRecordID") fields_.record_id = std::move(text_);
      if (name == "Computer") fields_.computer = std::move(text_);
    } else if (parent == "EventData") {
      if (name == "Data") fields_.strings.push_back(std::move(text_));
      if (name == "Binary") fields_.binary_hex = std::move(text_);
    } else if (parent == "RenderingInfo") {
      if (name == "Message") fields_.message = std::move(text_);
      if (name == "Task") fields_.task_name = std::move(text_);
    }
  }
  path_.pop_back();
  text_.clear();
}

ParsedEvent EventXmlParser::finish_event() {
  ParsedEvent event;
  event.issue.position = fields_.line;
  event.issue.is_line = true;
  auto fail = [&](std::string why) {
    event.issue.message = "Event at line " + std::to_string(fields_.line) + ": " + std::move(why);
    return event;
  };
  LogRecord& r = event.record;
  r.position = fields_.line;
  if (!fields_.provider || fields_.provider->empty()) {
    return fail("System/Provider has no Name");
  }
  r.source = std::move(*fields_.provider);
  std::uint32_t id = 0;
  if (!fields_.event_id) return fail("System/EventID is missing");
  if (!parse_number(trimmed(*fields_.event_id), &id) || id > 0xFFFF) {
    return fail("System/EventID '" + *fields_.event_id + "' is not a number from 0 to 65535");
  }
  int level = 4;
  if (fields_.level && !parse_number(trimmed(*fields_.level), &level)) {
    return fail("System/Level '" + *fields_.level + "' is not a number");
  }
  std::uint64_t keywords = 0;
  if (fields_.keywords && !trimmed(*fields_.keywords).empty() &&
      !parse_number(trimmed(*fields_.keywords), &keywords, 16)) {
    return fail("System/Keywords '" + *fields_.keywords + "' is not a hexadecimal number");
  }
  r.type = type_from_level(level, keywords);
  if (fields_.qualifiers) {
    std::uint32_t qualifiers = 0;
    if (!parse_number(trimmed(*fields_.qualifiers), &qualifiers) || qualifiers > 0xFFFF) {
      return fail("System/EventID Qualifiers '" + *fields_.qualifiers +
                  "' is not a number from 0 to 65535");
    }
    r.event_identifier = (qualifiers << 16) | id;
    r.identifier_complete = true;
  } else {
    r.event_identifier = make_event_identifier(static_cast<int>(id), r.type);
    r.identifier_complete = false;
  }
  if (fields_.task && !trimmed(*fields_.task).empty() &&
      !parse_number(trimmed(*fields_.task), &r.category)) {
    return fail("System/Task '" + *fields_.task + "' is not a number from 0 to 65535");
  }
  if (!fields_.time_created) return fail("System/TimeCreated has no SystemTime");
  if (!parse_iso8601_utc(trimmed(*fields_.time_created), &r.created_us)) {
    return fail("System/TimeCreated SystemTime '" + *fields_.time_created + "' is not a UTC time");
  }
  r.written_us = r.created_us;  // the XML has no written time
  if (fields_.record_id && !parse_number(trimmed(*fields_.record_id), &r.record_number)) {
    return fail("System/EventRecordID '" + *fields_.record_id +
                "' is not a number from 0 to 4294967295");
  }
  if (fields_.computer) r.computer = std::move(*fields_.computer);
  if (fields_.user) r.user = std::move(*fields_.user);
  r.strings = std::move(fields_.strings);
  if (!decode_hex(fields_.binary_hex, &r.data)) {
    return fail("EventData/Binary is not hexadecimal");
  }
  if (fields_.message) r.description = std::move(*fields_.message);
  if (fields_.task_name) r.category_name = std::move(*fields_.task_name);
  event.ok = true;
  return event;
}

}  // namespace msmilog
