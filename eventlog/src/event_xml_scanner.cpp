#include "event_xml_scanner.h"
#include "utf8_append.h"

#include <cstring>

namespace msmilog {
namespace {

// What a byte of character data is to the scanner.
enum ByteClass : unsigned char {
  kPlain,     // itself
  kLineFeed,  // itself, and a new line
  kSpecial,   // '&', ']', CR, or the lead of a multi-byte UTF-8 character: looked at closely
  kInvalid,   // a control character, or a byte no UTF-8 character starts with: not mine
};

struct ByteClasses {
  ByteClass of[256];
  constexpr ByteClasses() : of() {
    for (int c = 0; c < 256; ++c) {
      if (c == '\n') {
        of[c] = kLineFeed;
      } else if (c == '&' || c == ']' || c == '\r' || c >= 0x80) {
        of[c] = kSpecial;
      } else if (c < 0x20 && c != '\t') {
        of[c] = kInvalid;
      } else {
        of[c] = kPlain;  // '<' never reaches text()
      }
    }
  }
};
constexpr ByteClasses kClasses;

// What a byte is inside a tag, as bits.
enum TagByte : unsigned char {
  kNameStart = 1,   // starts a name (ASCII letters, '_', ':')
  kNameChar = 2,    // continues a name (those, digits, '-', '.')
  kSpace = 4,       // white space
  kValuePlain = 8,  // stands for itself in an attribute value (printable ASCII but < & " ')
};

struct TagBytes {
  unsigned char of[256];
  constexpr TagBytes() : of() {
    for (int c = 0; c < 256; ++c) {
      const bool start = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':';
      unsigned char bits = 0;
      if (start) bits |= kNameStart | kNameChar;
      if ((c >= '0' && c <= '9') || c == '-' || c == '.') bits |= kNameChar;
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') bits |= kSpace;
      if (c >= 0x20 && c < 0x80 && c != '<' && c != '&' && c != '"' && c != '\'')
        bits |= kValuePlain;
      of[c] = bits;
    }
  }
};
constexpr TagBytes kTagBytes;

bool has(char c, TagByte bit) {
  return (kTagBytes.of[static_cast<unsigned char>(c)] & bit) != 0;
}

bool is_space(char c) {
  return has(c, kSpace);
}

bool is_name_start(char c) {
  return has(c, kNameStart);
}

bool is_name_char(char c) {
  return has(c, kNameChar);
}

// The length of the UTF-8 sequence at `p` (before `limit`, its lead byte 0x80 or above) when it
// is well-formed and an XML character; else 0.
std::size_t utf8_char(const char* p, const char* limit) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  const std::size_t left = static_cast<std::size_t>(limit - p);
  const unsigned c = u[0];
  auto tail = [&](std::size_t n) {
    if (left < n) return false;
    for (std::size_t i = 1; i < n; ++i) {
      if ((u[i] & 0xC0) != 0x80) return false;
    }
    return true;
  };
  if (c >= 0xC2 && c <= 0xDF) return tail(2) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!tail(3)) return 0;
    if (c == 0xE0 && u[1] < 0xA0) return 0;                                     // overlong
    if (c == 0xED && u[1] >= 0xA0) return 0;                                    // a surrogate
    if (c == 0xEF && u[1] == 0xBF && (u[2] == 0xBE || u[2] == 0xBF)) return 0;  // U+FFFE/F
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!tail(4)) return 0;
    if (c == 0xF0 && u[1] < 0x90) return 0;   // overlong
    if (c == 0xF4 && u[1] >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

bool is_xml_char(std::uint32_t code) {
  return code == 0x9 || code == 0xA || code == 0xD || (code >= 0x20 && code <= 0xD7FF) ||
         (code >= 0xE000 && code <= 0xFFFD) || (code >= 0x10000 && code <= 0x10FFFF);
}

// The longest reference the scanner reads ("&#x10FFFF;"); a longer one is left to expat.
constexpr std::size_t kMaxReference = 10;

}  // namespace

EventXmlScanner::EventXmlScanner(EventXmlParser* parser, bool rooted)
    : parser_(parser), rooted_(rooted) {}

bool EventXmlScanner::prolog(std::string_view bytes) {
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (bytes[i] == '\n') ++line_;
    if (bytes[i] == '\r' && (i + 1 == bytes.size() || bytes[i + 1] != '\n')) return false;
  }
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  if (bytes.substr(0, 5) == "<?xml") {
    const std::size_t close = bytes.find("?>");
    if (close == std::string_view::npos) return false;
    const std::string_view decl = bytes.substr(5, close - 5);
    bytes.remove_prefix(close + 2);
    std::size_t at = 0;
    auto space = [&] {
      const std::size_t from = at;
      while (at < decl.size() && is_space(decl[at])) ++at;
      return at > from;
    };
    // ` name = "value"` (either quote), the value one of `allowed`.
    auto pseudo_attribute = [&](std::string_view name,
                                std::initializer_list<std::string_view> allowed) {
      const std::size_t from = at;
      if (!space() || decl.substr(at, name.size()) != name) {
        at = from;
        return false;
      }
      at += name.size();
      space();
      if (at >= decl.size() || decl[at] != '=') return false;
      ++at;
      space();
      if (at >= decl.size() || (decl[at] != '"' && decl[at] != '\'')) return false;
      const char quote = decl[at++];
      const std::size_t end = decl.find(quote, at);
      if (end == std::string_view::npos) return false;
      const std::string_view value = decl.substr(at, end - at);
      at = end + 1;
      for (std::string_view ok : allowed) {
        if (value == ok) return true;
      }
      return false;
    };
    if (!pseudo_attribute("version", {"1.0"})) return false;
    const std::size_t before_encoding = at;
    if (!pseudo_attribute("encoding", {"UTF-8", "utf-8"}) && at != before_encoding) return false;
    const std::size_t before_standalone = at;
    if (!pseudo_attribute("standalone", {"yes", "no"}) && at != before_standalone) return false;
    space();
    if (at != decl.size()) return false;
  }
  for (char c : bytes) {
    if (!is_space(c)) return false;
  }
  return true;
}

bool EventXmlScanner::feed(std::string_view data, bool final, std::deque<ParsedEvent>* events) {
  if (failed_) return false;
  if (!rooted_ && open_.empty()) {
    // The virtual root, as EventXmlReader opens it for expat just before the first element.
    const char* none[] = {nullptr};
    parser_->start_element("Events", none, line_);
    open_.emplace_back("Events");
  }
  pending_.append(data);
  if (!scan(final, events)) failed_ = true;
  return !failed_;
}

bool EventXmlScanner::scan(bool final, std::deque<ParsedEvent>* events) {
  const char* const begin = pending_.data();
  const char* const end = begin + pending_.size();
  const char* p = begin;
  while (p < end) {
    if (*p != '<') {
      const auto* lt =
          static_cast<const char*>(std::memchr(p, '<', static_cast<std::size_t>(end - p)));
      if (lt == nullptr) {
        if (!final) break;  // the text may go on in the next chunk
        lt = end;
      }
      if (rooted_ && open_.empty()) {
        // Outside the root only white space.
        for (const char* q = p; q < lt; ++q) {
          if (!is_space(*q)) return false;
          if (*q == '\r' && (q + 1 == lt || q[1] != '\n')) return false;
          if (*q == '\n') ++line_;
        }
      } else if (!text(p, lt)) {
        return false;
      }
      p = lt;
      continue;
    }
    const long length = tag(p, end, events);
    if (length < 0) return false;
    if (length == 0) {
      if (final) return false;  // a tag the document never finishes
      break;
    }
    p += length;
  }
  pending_.erase(0, static_cast<std::size_t>(p - begin));
  if (pending_.size() > kMaxPendingBytes) return false;
  if (!final) return true;
  if (!pending_.empty()) return false;
  if (rooted_) return root_closed_;
  if (open_.size() != 1) return false;
  parser_->end_element("Events", events);  // the virtual root's end tag
  open_.clear();
  return true;
}

bool EventXmlScanner::text(const char* begin, const char* end) {
  const char* p = begin;
  const char* run = begin;  // the start of the text not yet copied into decoded_
  bool altered = false;     // decoded_ holds the text up to `run`
  while (p < end) {
    const auto c = static_cast<unsigned char>(*p);
    switch (kClasses.of[c]) {
      case kPlain:
        ++p;
        continue;
      case kLineFeed:
        ++line_;
        ++p;
        continue;
      case kInvalid:
        return false;
      case kSpecial:
        break;
    }
    if (c >= 0x80) {
      const std::size_t n = utf8_char(p, end);
      if (n == 0) return false;
      p += n;
      continue;
    }
    if (c == ']') {
      if (end - p >= 3 && p[1] == ']' && p[2] == '>') return false;  // "]]>" is not allowed
      ++p;
      continue;
    }
    if (!altered) decoded_.clear();
    altered = true;
    decoded_.append(run, p);
    if (c == '\r') {
      if (p + 1 == end || p[1] != '\n') return false;  // a lone CR
      ++p;  // CRLF reads as LF: the CR is dropped, the LF counted next
      run = p;
      continue;
    }
    const std::size_t n = reference(p, end, &decoded_);  // c == '&'
    if (n == 0) return false;
    p += n;
    run = p;
  }
  if (!altered) {
    parser_->character_data(std::string_view(begin, static_cast<std::size_t>(end - begin)));
  } else {
    decoded_.append(run, end);
    parser_->character_data(decoded_);
  }
  return true;
}

std::size_t EventXmlScanner::reference(const char* p, const char* limit, std::string* out) const {
  const std::size_t room =
      std::min<std::size_t>(kMaxReference, static_cast<std::size_t>(limit - p));
  const auto* semicolon = static_cast<const char*>(std::memchr(p, ';', room));
  if (semicolon == nullptr) return 0;
  const std::string_view name(p + 1, static_cast<std::size_t>(semicolon - p - 1));
  const std::size_t length = static_cast<std::size_t>(semicolon - p) + 1;
  if (name == "lt") {
    out->push_back('<');
  } else if (name == "gt") {
    out->push_back('>');
  } else if (name == "amp") {
    out->push_back('&');
  } else if (name == "quot") {
    out->push_back('"');
  } else if (name == "apos") {
    out->push_back('\'');
  } else if (name.size() >= 2 && name[0] == '#') {
    const bool hex = name[1] == 'x';
    const std::string_view digits = name.substr(hex ? 2 : 1);
    if (digits.empty()) return 0;
    std::uint32_t code = 0;
    for (char d : digits) {
      unsigned value = 0;
      if (d >= '0' && d <= '9') {
        value = static_cast<unsigned>(d - '0');
      } else if (hex && d >= 'a' && d <= 'f') {
        value = static_cast<unsigned>(d - 'a' + 10);
      } else if (hex && d >= 'A' && d <= 'F') {
        value = static_cast<unsigned>(d - 'A' + 10);
      } else {
        return 0;
      }
      code = code * (hex ? 16 : 10) + value;
      if (code > 0x10FFFF) return 0;
    }
    if (!is_xml_char(code)) return 0;
    append_utf8(code, out);
  } else {
    return 0;
  }
  return length;
}

long EventXmlScanner::tag(const char* begin, const char* limit, std::deque<ParsedEvent>* events) {
  const char* p = begin + 1;
  std::uint64_t newlines = 0;
  // White space inside a tag: false when the buffer ends within it; *bad when it holds a lone CR.
  auto skip_space = [&](bool* bad) {
    while (p < limit && is_space(*p)) {
      if (*p == '\r') {
        if (p + 1 == limit) return false;
        if (p[1] != '\n') {
          *bad = true;
          return true;
        }
      } else if (*p == '\n') {
        ++newlines;
      }
      ++p;
    }
    return p < limit;
  };
  bool bad = false;
  if (p == limit) return 0;
  if (*p == '/') {  // an end tag
    ++p;
    const char* name = p;
    if (p == limit) return 0;
    if (!is_name_start(*p)) return -1;
    while (p < limit && is_name_char(*p)) ++p;
    const std::string_view closed(name, static_cast<std::size_t>(p - name));
    if (!skip_space(&bad)) return 0;
    if (bad || *p != '>') return -1;
    ++p;
    if (open_.empty() || open_.back() != closed) return -1;
    if (!rooted_ && open_.size() == 1) return -1;  // the virtual root closes at the end only
    parser_->end_element(closed, events);
    open_.pop_back();
    if (rooted_ && open_.empty()) root_closed_ = true;
    line_ += newlines;
    return p - begin;
  }
  if (!is_name_start(*p)) return -1;  // '!' (comment, CDATA, DOCTYPE), '?' (instruction), …
  if ((rooted_ && root_closed_) || (!rooted_ && open_.empty())) return -1;
  const char* name = p;
  while (p < limit && is_name_char(*p)) ++p;
  const std::string_view opened(name, static_cast<std::size_t>(p - name));
  std::size_t count = 0;
  bool empty = false;
  for (;;) {
    const char* before = p;
    if (!skip_space(&bad)) return 0;
    if (bad) return -1;
    if (*p == '>') {
      ++p;
      break;
    }
    if (*p == '/') {
      if (p + 1 == limit) return 0;
      if (p[1] != '>') return -1;
      p += 2;
      empty = true;
      break;
    }
    if (p == before || !is_name_start(*p)) return -1;  // attributes are apart
    const char* attribute = p;
    while (p < limit && is_name_char(*p)) ++p;
    const std::string_view attribute_name(attribute, static_cast<std::size_t>(p - attribute));
    if (!skip_space(&bad)) return 0;
    if (bad || *p != '=') return -1;
    ++p;
    if (!skip_space(&bad)) return 0;
    if (bad || (*p != '"' && *p != '\'')) return -1;
    const char quote = *p++;
    if (count == names_.size()) {
      names_.emplace_back();
      values_.emplace_back();
    }
    std::string& value = values_[count];
    value.clear();
    const char* run = p;
    while (p < limit && *p != quote) {
      if (has(*p, kValuePlain)) {
        ++p;
        continue;
      }
      const auto c = static_cast<unsigned char>(*p);
      if (c == '<' || c < 0x20) return -1;  // raw tabs and line breaks would be normalised
      if (c == '&') {
        value.append(run, p);
        const std::size_t n = reference(p, limit, &value);
        if (n == 0) return static_cast<std::size_t>(limit - p) < kMaxReference ? 0 : -1;
        p += n;
        run = p;
        continue;
      }
      if (c >= 0x80) {
        const std::size_t n = utf8_char(p, limit);
        if (n == 0) return limit - p < 4 ? 0 : -1;
        p += n;
        continue;
      }
      ++p;
    }
    if (p == limit) return 0;
    value.append(run, p);
    ++p;  // the closing quote
    for (std::size_t i = 0; i < count; ++i) {
      if (names_[i] == attribute_name) return -1;  // an attribute given twice
    }
    names_[count].assign(attribute_name);
    ++count;
  }
  attributes_.clear();
  for (std::size_t i = 0; i < count; ++i) {
    attributes_.push_back(names_[i].c_str());
    attributes_.push_back(values_[i].c_str());
  }
  attributes_.push_back(nullptr);
  parser_->start_element(opened, attributes_.data(), line_);
  if (empty) {
    parser_->end_element(opened, events);
    if (rooted_ && open_.empty()) root_closed_ = true;
  } else {
    open_.emplace_back(opened);
  }
  line_ += newlines;
  return p - begin;
}

}  // namespace msmilog
