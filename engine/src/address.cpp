#include "msmi/address.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace msmi {
namespace {

// Upper-cases `text` into *out, reusing its buffer. Every address of every message is parsed,
// often more than once: ASCII needs no call.
void assign_upper(std::string_view text, std::string* out) {
  out->resize(text.size());
  char* to = out->data();
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 'a' && u <= 'z')
      *to++ = static_cast<char>(u - ('a' - 'A'));
    else if (u >= 0x80)
      *to++ = static_cast<char>(std::toupper(u));
    else
      *to++ = c;
  }
}

std::string upper(std::string_view text) {
  std::string out;
  assign_upper(text, &out);
  return out;
}

// Whether `text` is `upper_word` (upper-case ASCII) in any case, without a copy.
bool equal_upper(std::string_view text, std::string_view upper_word) {
  if (text.size() != upper_word.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto u = static_cast<unsigned char>(text[i]);
    const char c = u >= 'a' && u <= 'z' ? static_cast<char>(u - ('a' - 'A')) : text[i];
    if (c != upper_word[i]) return false;
  }
  return true;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

AddressParseResult fail(std::string reason) {
  AddressParseResult result;
  result.reason = std::move(reason);
  return result;
}

AddressParseResult succeed(Address address) {
  AddressParseResult result;
  result.ok = true;
  result.address = std::move(address);
  return result;
}

// MS Mail names: letters, digits and a few punctuation marks; never '/', blanks or controls.
// A table (isalnum in the "C" locale, which msmisim never changes, plus "-_.$#&!'"): every
// character of every address is asked.
constexpr std::array<bool, 256> kMsMailChars = [] {
  std::array<bool, 256> table{};
  for (int c = 'A'; c <= 'Z'; ++c) table[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) table[c] = true;
  for (int c = '0'; c <= '9'; ++c) table[c] = true;
  for (const char c : std::string_view("-_.$#&!'")) table[static_cast<unsigned char>(c)] = true;
  return table;
}();

bool all_ms_mail_chars(std::string_view name) {
  for (const char c : name) {
    if (!kMsMailChars[static_cast<unsigned char>(c)]) return false;
  }
  return true;
}

// assign_upper for a name of MS Mail characters, which are all ASCII.
void assign_upper_ascii(std::string_view name, std::string* out) {
  out->resize(name.size());
  char* to = out->data();
  for (const char c : name) *to++ = c >= 'a' && c <= 'z' ? static_cast<char>(c - ('a' - 'A')) : c;
}

AddressParseResult parse_ms_mail(std::string_view body) {
  // Every return returns `result`, so that it is built in the caller's place (a move would copy
  // the six names of Address): every recipient of every message is parsed, often more than once.
  AddressParseResult result;
  std::array<std::string_view, 3> parts;
  constexpr std::array<std::string_view, 3> kNames = {"network", "postoffice", "mailbox"};
  std::size_t start = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    const std::size_t slash = body.find('/', start);
    if (i < 2 && slash == std::string_view::npos) {
      result.reason = "MS: address must be NETWORK/POSTOFFICE/MAILBOX; '" + std::string(body) +
                      "' has no " + std::string(kNames[i + 1]);
      return result;
    }
    if (i == 2 && slash != std::string_view::npos) {
      result.reason = "MS: address has more than three parts: '" + std::string(body) + "'";
      return result;
    }
    parts[i] = body.substr(start, i < 2 ? slash - start : std::string_view::npos);
    start = slash + 1;
  }
  for (std::size_t i = 0; i < 3; ++i) {
    if (parts[i].empty()) {
      result.reason = "MS: " + std::string(kNames[i]) + " is empty";
      return result;
    }
    if (parts[i].size() > kMsMailNameLimit) {
      result.reason = "MS: " + std::string(kNames[i]) + " '" + std::string(parts[i]) + "' is " +
                      std::to_string(parts[i].size()) + " characters; MS Mail allows at most 10";
      return result;
    }
    if (!all_ms_mail_chars(parts[i])) {
      result.reason = "MS: " + std::string(kNames[i]) + " '" + std::string(parts[i]) +
                      "' contains a character MS Mail does not allow";
      return result;
    }
  }
  result.ok = true;
  result.address.type = AddressType::kMsMail;
  assign_upper_ascii(parts[0], &result.address.network);
  assign_upper_ascii(parts[1], &result.address.postoffice);
  assign_upper_ascii(parts[2], &result.address.mailbox);
  return result;
}

bool is_label_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
}

AddressParseResult parse_smtp(std::string_view body) {
  const std::size_t at = body.rfind('@');
  if (at == std::string_view::npos)
    return fail("SMTP: address '" + std::string(body) + "' has no '@'");
  const std::string_view local = body.substr(0, at);
  const std::string_view domain = body.substr(at + 1);
  if (local.empty()) return fail("SMTP: local part before '@' is empty");
  if (local.size() > 64) {
    return fail("SMTP: local part is " + std::to_string(local.size()) +
                " characters; at most 64 are allowed");
  }
  for (char c : local) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F ||
        std::string_view("<>()[]\\,;:\"@").find(c) != std::string_view::npos) {
      return fail("SMTP: local part '" + std::string(local) +
                  "' contains a character SMTP does not allow");
    }
  }
  if (domain.empty()) return fail("SMTP: domain after '@' is empty");
  if (domain.size() > 255) return fail("SMTP: domain is longer than 255 characters");
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = domain.find('.', start);
    const std::string_view label =
        domain.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty()) return fail("SMTP: domain '" + std::string(domain) + "' has an empty label");
    if (label.size() > 63)
      return fail("SMTP: domain label '" + std::string(label) + "' is longer than 63 characters");
    if (!std::all_of(label.begin(), label.end(), is_label_char) || label.front() == '-' ||
        label.back() == '-') {
      return fail("SMTP: domain label '" + std::string(label) + "' is not a valid host name label");
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  Address address;
  address.type = AddressType::kSmtp;
  address.local = std::string(local);
  address.domain = lower(domain);
  return succeed(std::move(address));
}

struct X400Limit {
  std::string_view field;
  std::size_t limit;
};

constexpr std::array<X400Limit, 13> kX400Limits = {{
    {"c", 3},
    {"a", 16},
    {"p", 16},
    {"o", 64},
    {"ou1", 32},
    {"ou2", 32},
    {"ou3", 32},
    {"ou4", 32},
    {"s", 40},
    {"g", 16},
    {"i", 5},
    {"q", 3},
    {"cn", 64},
}};

AddressParseResult parse_x400(std::string_view body) {
  Address address;
  address.type = AddressType::kX400;
  std::size_t start = 0;
  while (start < body.size()) {
    std::size_t end = body.find(';', start);
    if (end == std::string_view::npos) end = body.size();
    const std::string_view item = body.substr(start, end - start);
    start = end + 1;
    if (item.empty()) continue;
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      return fail("X400: '" + std::string(item) + "' is not field=value");
    }
    const std::string field = lower(item.substr(0, eq));
    const std::string_view value = item.substr(eq + 1);
    const auto limit = std::find_if(kX400Limits.begin(), kX400Limits.end(),
                                    [&](const X400Limit& l) { return l.field == field; });
    if (limit == kX400Limits.end()) {
      return fail("X400: unknown field '" + field + "'");
    }
    for (const auto& [seen, unused] : address.x400_fields) {
      if (seen == field) return fail("X400: field '" + field + "' appears twice");
    }
    if (value.size() > limit->limit) {
      return fail("X400: field '" + field + "' is " + std::to_string(value.size()) +
                  " characters; Exchange allows at most " + std::to_string(limit->limit));
    }
    if (value.empty()) return fail("X400: field '" + field + "' is empty");
    address.x400_fields.emplace_back(field, std::string(value));
  }
  for (std::string_view required : {"c", "s"}) {
    const bool present = std::any_of(address.x400_fields.begin(), address.x400_fields.end(),
                                     [&](const auto& f) { return f.first == required; });
    if (!present) return fail("X400: required field '" + std::string(required) + "' is missing");
  }
  return succeed(std::move(address));
}

}  // namespace

std::string Address::to_string() const {
  switch (type) {
    case AddressType::kMsMail:
      return "MS:" + network + "/" + postoffice + "/" + mailbox;
    case AddressType::kSmtp:
      return "SMTP:" + local + "@" + domain;
    case AddressType::kX400: {
      std::string out = "X400:";
      for (const auto& [field, value] : x400_fields) out += field + "=" + value + ";";
      return out;
    }
  }
  return {};
}

AddressParseResult parse_address(std::string_view text) {
  if (text.empty()) return fail("address is empty");
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    return fail("address '" + std::string(text) + "' has no type prefix (MS:, SMTP: or X400:)");
  }
  const std::string_view type = text.substr(0, colon);
  const std::string_view body = text.substr(colon + 1);
  if (equal_upper(type, "MS")) return parse_ms_mail(body);
  if (equal_upper(type, "SMTP")) return parse_smtp(body);
  if (equal_upper(type, "X400")) return parse_x400(body);
  return fail("unknown address type '" + upper(type) + "' (expected MS, SMTP or X400)");
}

const AddressParseResult& AddressParser::parse(std::string_view text) {
  if (const auto it = parsed_.find(text); it != parsed_.end()) return it->second;
  if (parsed_.size() >= kRemembered) parsed_.clear();
  return parsed_.emplace(std::string(text), parse_address(text)).first->second;
}

}  // namespace msmi
