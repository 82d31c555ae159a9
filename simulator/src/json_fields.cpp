#include "json_fields.h"

#include <cctype>

#include "msmi/address.h"
#include "msmi/event_catalogue.h"
#include "msmilog/time_format.h"
#include "msmisim/world_events.h"

namespace msmisim::detail {

namespace {

std::string describe(const json& value) {
  std::string text = value.dump();
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return std::string(value.type_name()) + " " + text;
}

}  // namespace

[[noreturn]] void fail(const std::string& path, const std::string& expected, const json& got) {
  throw FieldError{path, "expected " + expected + ", got " + describe(got)};
}

Fields::Fields(const json& object, std::string path) : object_(object), path_(std::move(path)) {
  if (!object_.is_object()) fail(path_, "an object", object_);
}

const json* Fields::get(const std::string& key) {
  known_.insert(key);
  const auto it = object_.find(key);
  return it == object_.end() ? nullptr : &*it;
}

void Fields::reject_unknown() const {
  for (const auto& [key, value] : object_.items()) {
    if (known_.count(key) != 0) continue;
    std::string list;
    for (const std::string& k : known_) list += (list.empty() ? "" : ", ") + k;
    throw FieldError{at(key), "unknown key '" + key + "' (expected one of: " + list + ")"};
  }
}

std::string read_string(const json& v, const std::string& path) {
  if (!v.is_string()) fail(path, "a string", v);
  return v.get<std::string>();
}

std::int64_t read_int(const json& v, const std::string& path, std::int64_t lo, std::int64_t hi) {
  if (!v.is_number_integer()) fail(path, "a whole number", v);
  const std::int64_t value = v.get<std::int64_t>();
  if (value < lo || value > hi) {
    fail(path, "a whole number from " + std::to_string(lo) + " to " + std::to_string(hi), v);
  }
  return value;
}

double read_number(const json& v, const std::string& path) {
  if (!v.is_number()) fail(path, "a number", v);
  return v.get<double>();
}

bool read_bool(const json& v, const std::string& path) {
  if (!v.is_boolean()) fail(path, "true or false", v);
  return v.get<bool>();
}

std::int64_t read_duration(const json& v, const std::string& path) {
  std::int64_t us = 0;
  constexpr std::int64_t kMaxSeconds = INT64_MAX / 1'000'000;
  if (v.is_number_integer() && v.get<std::int64_t>() >= 0 && v.get<std::int64_t>() <= kMaxSeconds) {
    return v.get<std::int64_t>() * 1'000'000;
  }
  if (!v.is_string() || !msmilog::parse_duration_us(v.get<std::string>(), &us)) {
    fail(path, "a duration such as \"250ms\", \"30s\", \"5m\", \"1h30m\" or a number of seconds",
         v);
  }
  return us;
}

std::string read_address(const json& v, const std::string& path, bool must_be_valid) {
  const std::string text = read_string(v, path);
  if (must_be_valid) {
    const msmi::AddressParseResult parsed = msmi::parse_address(text);
    if (!parsed.ok) throw FieldError{path, "invalid address: " + parsed.reason};
  }
  return text;
}

std::vector<std::string> read_addresses(const json& v, const std::string& path, bool must_be_valid,
                                        bool allow_empty) {
  std::vector<std::string> out;
  if (v.is_string()) {
    out.push_back(read_address(v, path, must_be_valid));
    return out;
  }
  if (!v.is_array()) fail(path, "an address or an array of addresses", v);
  for (std::size_t i = 0; i < v.size(); ++i) {
    out.push_back(read_address(v[i], path + "[" + std::to_string(i) + "]", must_be_valid));
  }
  if (out.empty() && !allow_empty) fail(path, "at least one address", v);
  return out;
}

namespace {

void check_display_name(const std::string& name, const std::string& path) {
  if (name.empty()) throw FieldError{path, "the display name is empty"};
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20)
      throw FieldError{path, "a display name is one line of text without control characters"};
  }
}

std::string trimmed(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return std::string(text);
}

}  // namespace

std::string read_display_name(const json& v, const std::string& path) {
  const std::string name = read_string(v, path);
  check_display_name(name, path);
  return name;
}

std::vector<std::string> read_named_addresses(const json& v, const std::string& path,
                                              bool must_be_valid, bool allow_empty,
                                              std::vector<std::string>* names) {
  if (!v.is_string() && !v.is_array()) fail(path, "an address or an array of addresses", v);
  const json list = v.is_array() ? v : json::array({v});
  std::vector<std::string> addresses;
  std::vector<std::string> found_names;
  bool named = false;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string at = v.is_array() ? path + "[" + std::to_string(i) + "]" : path;
    const std::string text = read_string(list[i], at);
    const std::size_t open = text.rfind('<');
    if (open == std::string::npos && text.find('>') == std::string::npos) {
      addresses.push_back(read_address(list[i], at, must_be_valid));
      found_names.emplace_back();
      continue;
    }
    // "Jane Doe <MS:NET/PO/JANE>": the name, then the address in angle brackets.
    if (open == std::string::npos || text.back() != '>' || text.find('>') != text.size() - 1) {
      throw FieldError{at,
                       "expected an address, or a display name and the address in angle "
                       "brackets such as \"Jane Doe <MS:NET/PO/JANE>\", got \"" +
                           text + "\""};
    }
    const std::string address =
        trimmed(std::string_view(text).substr(open + 1, text.size() - open - 2));
    if (address.empty()) throw FieldError{at, "no address between '<' and '>'"};
    const std::string name = trimmed(std::string_view(text).substr(0, open));
    if (!name.empty()) check_display_name(name, at);
    addresses.push_back(read_address(json(address), at, must_be_valid));
    found_names.push_back(name);
    named = named || !name.empty();
  }
  if (addresses.empty() && !allow_empty) fail(path, "at least one address", v);
  if (named) {
    *names = std::move(found_names);
  } else {
    names->clear();
  }
  return addresses;
}

msmi::MessageKind read_message_kind(const json& v, const std::string& path) {
  const char* expected =
      "\"ipm\" (mail, the default) or \"dirsync\" (a directory-synchronisation message)";
  if (!v.is_string()) fail(path, expected, v);
  msmi::MessageKind kind;
  if (!msmi::parse_message_kind(v.get<std::string>(), kind) || kind == msmi::MessageKind::kNdr)
    fail(path, expected, v);
  return kind;
}

Direction read_direction(const json& v, const std::string& path) {
  const std::string text = read_string(v, path);
  if (text == "inbound") return Direction::kInbound;
  if (text == "outbound") return Direction::kOutbound;
  fail(path, "\"inbound\" (MS Mail → Exchange) or \"outbound\" (Exchange → MS Mail)", v);
}

CountRange read_range(const json& v, const std::string& path, bool percentage) {
  const char* expected = percentage
                             ? "a percentage 0..100, or an object with \"min\" and/or \"max\""
                             : "a whole number ≥ 0, or an object with \"min\" and/or \"max\"";
  auto bound = [&](const json& x, const std::string& at) {
    const bool fits = percentage ? x.is_number() && x.get<double>() >= 0 && x.get<double>() <= 100
                                 : x.is_number_integer() && x.get<std::int64_t>() >= 0;
    if (!fits) fail(at, expected, x);
    return x.get<double>();
  };
  CountRange range;
  if (v.is_number()) {
    range.min = range.max = bound(v, path);
    return range;
  }
  if (!v.is_object()) fail(path, expected, v);
  Fields f(v, path);
  if (const json* x = f.get("min")) range.min = bound(*x, f.at("min"));
  if (const json* x = f.get("max")) range.max = bound(*x, f.at("max"));
  f.reject_unknown();
  if (!range.min && !range.max) fail(path, expected, v);
  if (range.min && range.max && *range.min > *range.max) {
    throw FieldError{path, "min is larger than max, so nothing could ever match"};
  }
  return range;
}

void check_window(std::int64_t from_us, std::optional<std::int64_t> until_us,
                  const std::string& path) {
  if (until_us && *until_us <= from_us) {
    throw FieldError{path, "\"until\" must be later than \"from\" (the window is empty)"};
  }
}

int read_event_id(const json& v, const std::string& path) {
  const int id = static_cast<int>(read_int(v, path, 1, 65535));
  if (find_any_event_spec(id) == nullptr) {
    std::string nearest;
    for (int known : nearest_any_event_ids(id, 3)) {
      nearest += (nearest.empty() ? "" : ", ") + std::to_string(known);
    }
    throw FieldError{path, "event ID " + std::to_string(id) +
                               " is not in the event catalogue; nearest known: " + nearest};
  }
  return id;
}

}  // namespace msmisim::detail
