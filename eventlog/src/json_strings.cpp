#include "json_strings.h"
#include "utf8_append.h"

#include <cassert>
#include <cstdint>
#include <utility>

namespace msmilog {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// A cursor over the JSON text; every reader returns false on malformed input.
class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }
  bool at_end() const { return pos_ == text_.size(); }
  bool consume(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  bool read_hex4(std::uint32_t* value) {
    if (text_.size() - pos_ < 4) return false;
    *value = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = text_[pos_++];
      std::uint32_t digit;
      if (c >= '0' && c <= '9') {
        digit = static_cast<std::uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        digit = static_cast<std::uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        digit = static_cast<std::uint32_t>(c - 'A' + 10);
      } else {
        return false;
      }
      *value = *value * 16 + digit;
    }
    return true;
  }

  bool read_string(std::string* out) {
    if (!consume('"')) return false;
    out->clear();
    while (pos_ < text_.size()) {
      // The plain run up to the next quote, backslash or control character, appended at once.
      std::size_t end = pos_;
      while (end < text_.size() && text_[end] != '"' && text_[end] != '\\' &&
             static_cast<unsigned char>(text_[end]) >= 0x20) {
        ++end;
      }
      out->append(text_.data() + pos_, end - pos_);
      pos_ = end;
      if (pos_ == text_.size()) break;
      const char c = text_[pos_++];
      if (c == '"') return true;
      if (c != '\\') return false;  // a control character
      if (pos_ == text_.size()) return false;
      const char escape = text_[pos_++];
      switch (escape) {
        case '"':
        case '\\':
        case '/':
          out->push_back(escape);
          break;
        case 'b':
          out->push_back('\b');
          break;
        case 'f':
          out->push_back('\f');
          break;
        case 'n':
          out->push_back('\n');
          break;
        case 'r':
          out->push_back('\r');
          break;
        case 't':
          out->push_back('\t');
          break;
        case 'u': {
          std::uint32_t unit = 0;
          if (!read_hex4(&unit)) return false;
          if (unit >= 0xDC00 && unit <= 0xDFFF) return false;  // a lone low surrogate
          if (unit >= 0xD800 && unit <= 0xDBFF) {
            std::uint32_t low = 0;
            if (!consume('\\') || !consume('u') || !read_hex4(&low)) return false;
            if (low < 0xDC00 || low > 0xDFFF) return false;
            unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
          }
          append_utf8(unit, out);
          break;
        }
        default:
          return false;
      }
    }
    return false;  // unterminated
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

std::string encode_json_strings(const std::vector<std::string>& strings) {
  std::string out = "[";
  for (std::size_t i = 0; i < strings.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.push_back('"');
    for (char c : strings[i]) {
      const auto byte = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\') {
        out.push_back('\\');
        out.push_back(c);
      } else if (byte < 0x20) {
        out += "\\u00";
        out.push_back(kHex[byte >> 4]);
        out.push_back(kHex[byte & 0xF]);
      } else {
        out.push_back(c);
      }
    }
    out.push_back('"');
  }
  out.push_back(']');
  return out;
}

bool decode_json_strings(std::string_view json, std::vector<std::string>* out) {
  assert(out != nullptr);
  out->clear();
  Reader reader(json);
  reader.skip_space();
  if (!reader.consume('[')) return false;
  reader.skip_space();
  if (!reader.consume(']')) {
    std::string value;
    do {
      reader.skip_space();
      if (!reader.read_string(&value)) return false;
      out->push_back(std::move(value));
      reader.skip_space();
    } while (reader.consume(','));
    if (!reader.consume(']')) return false;
  }
  reader.skip_space();
  return reader.at_end();
}

}  // namespace msmilog
