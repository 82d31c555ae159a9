// Loads KB signature rule files (format: eventlog/signatures/README.md).
//
// The parser walks the JSON document with a path ("match[1].select.regex") and throws a
// RuleError at the first thing the format refuses; parse_signature() turns it into a Status
// naming the file and the path. Every object is checked against its list of allowed keys, so a
// misspelt key is an error rather than a condition silently dropped.
#include "msmilog/signature.h"

#include <algorithm>
#include <cassert>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "msmilog/json_depth.h"
#include "msmilog/time_format.h"

namespace msmilog {

namespace {

using nlohmann::json;

struct RuleError {
  std::string path;
  std::string message;
};

[[noreturn]] void fail(const std::string& path, const std::string& message) {
  throw RuleError{path, message};
}

std::string join_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

std::string index_path(const std::string& parent, std::size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

const char* json_type(const json& value) {
  return value.type_name();
}

void check_keys(const json& object, const std::string& path,
                std::initializer_list<const char*> allowed) {
  if (!object.is_object())
    fail(path.empty() ? "(top level)" : path,
         std::string("expected an object, got ") + json_type(object));
  for (const auto& item : object.items()) {
    const bool known = std::any_of(allowed.begin(), allowed.end(),
                                   [&](const char* key) { return item.key() == key; });
    if (!known) {
      std::string list;
      for (const char* key : allowed) list += std::string(list.empty() ? "" : ", ") + key;
      fail(join_path(path, item.key()), "unknown key (allowed here: " + list + ")");
    }
  }
}

std::string get_string(const json& value, const std::string& path) {
  if (!value.is_string()) fail(path, std::string("expected a string, got ") + json_type(value));
  return value.get<std::string>();
}

std::int64_t get_count(const json& value, const std::string& path) {
  if (!value.is_number_integer() || value.get<std::int64_t>() < 0)
    fail(path, std::string("expected a non-negative integer, got ") + value.dump());
  return value.get<std::int64_t>();
}

bool get_bool(const json& value, const std::string& path) {
  if (!value.is_boolean()) fail(path, std::string("expected true or false, got ") + value.dump());
  return value.get<bool>();
}

std::int64_t get_duration(const json& value, const std::string& path) {
  const std::string text = get_string(value, path);
  std::int64_t us = 0;
  if (!parse_duration_us(text, &us))
    fail(path, "bad duration '" + text + "' (expected e.g. \"30s\", \"10m\", \"1h30m\")");
  return us;
}

// The characters an ECMAScript pattern matches literally before its first operator: plain
// ASCII characters and escaped punctuation ("stream\\. Return"), less one that a quantifier
// follows. A pattern with an alternative ('|' anywhere) has none, as its matches may begin
// with either branch.
std::string literal_prefix(const std::string& pattern) {
  std::string prefix;
  if (pattern.find('|') != std::string::npos) return prefix;
  const auto plain = [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x20 && u < 0x7F &&
           std::string_view("^$.*+?()[]{}|\\").find(c) == std::string_view::npos;
  };
  std::size_t i = 0;
  while (i < pattern.size()) {
    char literal = pattern[i];
    std::size_t next = i + 1;
    if (literal == '\\' && next < pattern.size()) {
      literal = pattern[next++];
      // \d \w \b \1 \x41 … are classes, assertions, back-references or codes: not literal.
      const auto u = static_cast<unsigned char>(literal);
      if (u < 0x20 || u >= 0x7F || std::isalnum(u) || literal == '_') break;
    } else if (!plain(literal)) {
      break;
    }
    if (next < pattern.size() &&
        std::string_view("*+?{").find(pattern[next]) != std::string_view::npos)
      break;
    prefix.push_back(literal);
    i = next;
  }
  return prefix;
}

SignatureRegex get_regex(const json& value, const std::string& path, bool icase) {
  SignatureRegex regex;
  regex.pattern = get_string(value, path);
  auto flags = std::regex::ECMAScript;
  if (icase) flags |= std::regex::icase;
  try {
    regex.compiled = std::make_shared<const std::regex>(regex.pattern, flags);
  } catch (const std::regex_error& e) {
    fail(path, "bad regex '" + regex.pattern + "': " + e.what());
  }
  regex.prefix = literal_prefix(regex.pattern);
  regex.icase = icase;
  return regex;
}

int get_position(const std::string& key, const std::string& path) {
  const bool digits =
      !key.empty() && key.size() <= 2 &&
      std::all_of(key.begin(), key.end(), [](char c) { return c >= '0' && c <= '9'; });
  const int position = digits ? std::stoi(key) : 0;
  if (position < 1) fail(path, "expected an insertion string position 1..99, got '" + key + "'");
  return position;
}

Selector parse_selector(const json& object, const std::string& path) {
  check_keys(object, path,
             {"event_id", "source", "type", "category", "text", "regex", "strings", "strings_regex",
              "icase", "computer", "has_message", "not"});
  Selector selector;
  if (object.contains("icase"))
    selector.icase = get_bool(object["icase"], join_path(path, "icase"));
  if (object.contains("event_id")) {
    const json& ids = object["event_id"];
    const std::string ids_path = join_path(path, "event_id");
    auto add_id = [&](const json& id, const std::string& id_path) {
      if (!id.is_number_integer() || id.get<std::int64_t>() < 0 || id.get<std::int64_t>() > 65535)
        fail(id_path, "expected an event ID 0..65535, got " + id.dump());
      selector.event_ids.push_back(id.get<int>());
    };
    if (ids.is_array()) {
      if (ids.empty()) fail(ids_path, "expected at least one event ID");
      for (std::size_t i = 0; i < ids.size(); ++i) add_id(ids[i], index_path(ids_path, i));
    } else {
      add_id(ids, ids_path);
    }
  }
  for (const char* key : {"source", "type", "category", "computer"}) {
    if (!object.contains(key)) continue;
    std::string value = get_string(object[key], join_path(path, key));
    if (std::string(key) == "source")
      selector.source = std::move(value);
    else if (std::string(key) == "type")
      selector.type = std::move(value);
    else if (std::string(key) == "category")
      selector.category = std::move(value);
    else
      selector.computer = std::move(value);
  }
  if (object.contains("text")) {
    const json& text = object["text"];
    const std::string text_path = join_path(path, "text");
    if (text.is_array()) {
      if (text.empty()) fail(text_path, "expected at least one text");
      for (std::size_t i = 0; i < text.size(); ++i)
        selector.texts.push_back(get_string(text[i], index_path(text_path, i)));
    } else {
      selector.texts.push_back(get_string(text, text_path));
    }
  }
  if (object.contains("regex"))
    selector.regex = get_regex(object["regex"], join_path(path, "regex"), selector.icase);
  for (const char* key : {"strings", "strings_regex"}) {
    if (!object.contains(key)) continue;
    const json& map = object[key];
    const std::string map_path = join_path(path, key);
    if (!map.is_object() || map.empty())
      fail(map_path, "expected an object of positions, e.g. {\"1\": \"0x15\"}");
    for (const auto& item : map.items()) {
      const std::string item_path = join_path(map_path, item.key());
      StringTest test;
      test.position = get_position(item.key(), item_path);
      if (std::string(key) == "strings")
        test.value = get_string(item.value(), item_path);
      else
        test.regex = get_regex(item.value(), item_path, selector.icase);
      selector.strings.push_back(std::move(test));
    }
  }
  if (object.contains("has_message"))
    selector.has_message = get_bool(object["has_message"], join_path(path, "has_message"));
  if (object.contains("not"))
    selector.exclude =
        std::make_shared<const Selector>(parse_selector(object["not"], join_path(path, "not")));
  return selector;
}

GroupBy parse_group_by(const json& value, const std::string& path) {
  if (value.is_null()) return GroupBy::kNone;
  const std::string text = get_string(value, path);
  for (GroupBy g : {GroupBy::kThread, GroupBy::kComputer, GroupBy::kMessage, GroupBy::kRun})
    if (text == group_by_name(g)) return g;
  fail(path, "expected thread, computer, message, run or null, got '" + text + "'");
}

Condition parse_condition(const json& object, const std::string& path) {
  if (!object.is_object())
    fail(path, std::string("expected a condition object, got ") + json_type(object));
  if (!object.contains("kind"))
    fail(join_path(path, "kind"), "missing (event, count, sequence, absent or any)");
  const std::string kind = get_string(object["kind"], join_path(path, "kind"));
  Condition condition;
  if (kind == "event") {
    condition.kind = ConditionKind::kEvent;
    check_keys(object, path, {"kind", "name", "select", "min"});
  } else if (kind == "count") {
    condition.kind = ConditionKind::kCount;
    check_keys(object, path, {"kind", "name", "select", "min", "max", "window", "group_by"});
  } else if (kind == "sequence") {
    condition.kind = ConditionKind::kSequence;
    check_keys(object, path, {"kind", "name", "steps", "within", "group_by"});
  } else if (kind == "absent") {
    condition.kind = ConditionKind::kAbsent;
    check_keys(object, path, {"kind", "name", "select"});
  } else if (kind == "any") {
    condition.kind = ConditionKind::kAny;
    check_keys(object, path, {"kind", "name", "of"});
  } else {
    fail(join_path(path, "kind"),
         "unknown kind '" + kind + "' (expected event, count, sequence, absent or any)");
  }
  condition.name = object.contains("name") ? get_string(object["name"], join_path(path, "name"))
                                           : path + " " + kind;
  const bool needs_select = condition.kind == ConditionKind::kEvent ||
                            condition.kind == ConditionKind::kCount ||
                            condition.kind == ConditionKind::kAbsent;
  if (needs_select) {
    if (!object.contains("select")) fail(join_path(path, "select"), "missing (a selector object)");
    condition.select = parse_selector(object["select"], join_path(path, "select"));
  }
  if (object.contains("min")) {
    condition.min = get_count(object["min"], join_path(path, "min"));
    // "at least 0" would hold on any log; absence is said with an absent condition.
    if (condition.min < 1) fail(join_path(path, "min"), "must be 1 or more (use kind absent)");
  }
  if (object.contains("max") && !object["max"].is_null()) {
    condition.max = get_count(object["max"], join_path(path, "max"));
    if (*condition.max < condition.min)
      fail(join_path(path, "max"), "is smaller than min, so the condition could never hold");
  }
  if (object.contains("window"))
    condition.window_us = get_duration(object["window"], join_path(path, "window"));
  if (object.contains("within"))
    condition.window_us = get_duration(object["within"], join_path(path, "within"));
  if (object.contains("group_by"))
    condition.group_by = parse_group_by(object["group_by"], join_path(path, "group_by"));
  if (condition.kind == ConditionKind::kSequence) {
    const std::string steps_path = join_path(path, "steps");
    if (!object.contains("steps")) fail(steps_path, "missing (an array of selectors)");
    const json& steps = object["steps"];
    if (!steps.is_array() || steps.size() < 2)
      fail(steps_path, "expected an array of at least two selectors");
    for (std::size_t i = 0; i < steps.size(); ++i)
      condition.steps.push_back(parse_selector(steps[i], index_path(steps_path, i)));
  }
  if (condition.kind == ConditionKind::kAny) {
    const std::string of_path = join_path(path, "of");
    if (!object.contains("of")) fail(of_path, "missing (an array of conditions)");
    const json& of = object["of"];
    if (!of.is_array() || of.empty()) fail(of_path, "expected a non-empty array of conditions");
    for (std::size_t i = 0; i < of.size(); ++i)
      condition.of.push_back(parse_condition(of[i], index_path(of_path, i)));
  }
  return condition;
}

std::vector<Condition> parse_conditions(const json& array, const std::string& path) {
  if (!array.is_array())
    fail(path, std::string("expected an array of conditions, got ") + json_type(array));
  std::vector<Condition> conditions;
  for (std::size_t i = 0; i < array.size(); ++i)
    conditions.push_back(parse_condition(array[i], index_path(path, i)));
  return conditions;
}

Confidence parse_confidence(const json& value, const std::string& path) {
  const std::string text = get_string(value, path);
  for (Confidence c : {Confidence::kHigh, Confidence::kMedium, Confidence::kLow})
    if (text == confidence_name(c)) return c;
  fail(path, "expected high, medium or low, got '" + text + "'");
}

Signature parse_document(const json& doc) {
  check_keys(doc, "",
             {"kb", "title", "applies_to", "cause", "workaround", "fix", "confidence", "match",
              "boost", "notes"});
  for (const char* key : {"kb", "title", "cause", "workaround", "fix", "confidence", "match"})
    if (!doc.contains(key)) fail(key, "missing");
  Signature signature;
  signature.kb = get_string(doc["kb"], "kb");
  const bool kb_ok = signature.kb.size() >= 2 && signature.kb[0] == 'Q' &&
                     std::all_of(signature.kb.begin() + 1, signature.kb.end(),
                                 [](char c) { return c >= '0' && c <= '9'; });
  if (!kb_ok) fail("kb", "expected Q and digits, e.g. \"Q151791\", got '" + signature.kb + "'");
  signature.title = get_string(doc["title"], "title");
  if (doc.contains("applies_to"))
    signature.applies_to = get_string(doc["applies_to"], "applies_to");
  signature.cause = get_string(doc["cause"], "cause");
  signature.workaround = get_string(doc["workaround"], "workaround");
  signature.fix = get_string(doc["fix"], "fix");
  if (doc.contains("notes")) signature.notes = get_string(doc["notes"], "notes");
  signature.confidence = parse_confidence(doc["confidence"], "confidence");
  signature.match = parse_conditions(doc["match"], "match");
  if (signature.match.empty()) fail("match", "expected at least one condition");
  if (doc.contains("boost")) signature.boost = parse_conditions(doc["boost"], "boost");
  return signature;
}

void collect_ids(const Selector& selector, bool* all_named, std::set<int>* ids) {
  if (selector.event_ids.empty()) *all_named = false;
  ids->insert(selector.event_ids.begin(), selector.event_ids.end());
}

void collect_ids(const Condition& condition, bool* all_named, std::set<int>* ids) {
  switch (condition.kind) {
    case ConditionKind::kEvent:
    case ConditionKind::kCount:
    case ConditionKind::kAbsent:
      collect_ids(condition.select, all_named, ids);
      break;
    case ConditionKind::kSequence:
      for (const Selector& step : condition.steps) collect_ids(step, all_named, ids);
      break;
    case ConditionKind::kAny:
      for (const Condition& c : condition.of) collect_ids(c, all_named, ids);
      break;
  }
}

}  // namespace

const char* confidence_name(Confidence confidence) {
  switch (confidence) {
    case Confidence::kHigh:
      return "high";
    case Confidence::kMedium:
      return "medium";
    case Confidence::kLow:
      return "low";
  }
  return "medium";
}

const char* group_by_name(GroupBy group_by) {
  switch (group_by) {
    case GroupBy::kNone:
      return "";
    case GroupBy::kThread:
      return "thread";
    case GroupBy::kComputer:
      return "computer";
    case GroupBy::kMessage:
      return "message";
    case GroupBy::kRun:
      return "run";
  }
  return "";
}

const char* condition_kind_name(ConditionKind kind) {
  switch (kind) {
    case ConditionKind::kEvent:
      return "event";
    case ConditionKind::kCount:
      return "count";
    case ConditionKind::kSequence:
      return "sequence";
    case ConditionKind::kAbsent:
      return "absent";
    case ConditionKind::kAny:
      return "any";
  }
  return "event";
}

msmi::Status parse_signature(std::string_view text, const std::string& file, Signature* out) {
  assert(out != nullptr);
  json doc;
  if (int line = 0, column = 0; json_too_deep(text, &line, &column)) {
    return msmi::Status::InvalidArgument(file + ": not valid JSON: " + kJsonTooDeep + " at line " +
                                         std::to_string(line) + ", column " +
                                         std::to_string(column));
  }
  try {
    doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/true,
                      /*ignore_comments=*/true);
  } catch (const json::parse_error& e) {
    return msmi::Status::InvalidArgument(file + ": not valid JSON: " + e.what());
  } catch (const json::out_of_range& e) {
    int line = 0, column = 0;
    const std::string number = json_number_too_large(text, e.what(), &line, &column);
    return msmi::Status::InvalidArgument(
        file + ": not valid JSON: the number " + (number.empty() ? e.what() : number) +
        " is too large (past the range of a double) at line " + std::to_string(line) + ", column " +
        std::to_string(column));
  }
  try {
    Signature signature = parse_document(doc);
    signature.file = file;
    *out = std::move(signature);
  } catch (const RuleError& e) {
    return msmi::Status::InvalidArgument(file + ": " + e.path + ": " + e.message);
  } catch (const json::exception& e) {
    // Believed unreachable (every access is type-checked first); still a clear error.
    return msmi::Status::InvalidArgument(file + ": " + e.what());
  }
  return msmi::Status::Ok();
}

msmi::Status load_signature_file(const std::string& path, Signature* out) {
  assert(out != nullptr);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    return msmi::Status::NotFound(path + ": no such rule file");
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) return msmi::Status::IoError(path + ": cannot read");
  return parse_signature(text.str(), path, out);
}

msmi::Status load_signatures(const std::string& dir, std::vector<Signature>* out) {
  assert(out != nullptr);
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    return msmi::Status::NotFound(dir + ": no such signature folder");
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  if (ec) return msmi::Status::IoError(dir + ": " + ec.message());
  std::sort(files.begin(), files.end());
  std::vector<Signature> signatures;
  std::map<std::string, std::string> seen;  // kb -> file
  for (const auto& file : files) {
    Signature signature;
    if (msmi::Status s = load_signature_file(file.string(), &signature); !s.ok()) return s;
    if (signature.kb != file.stem().string())
      return msmi::Status::InvalidArgument(file.string() + ": kb: '" + signature.kb +
                                           "' differs from the file name");
    if (auto [it, fresh] = seen.emplace(signature.kb, file.string()); !fresh)
      return msmi::Status::InvalidArgument(file.string() + ": kb: " + signature.kb +
                                           " is also in " + it->second);
    signatures.push_back(std::move(signature));
  }
  std::sort(signatures.begin(), signatures.end(),
            [](const Signature& a, const Signature& b) { return a.kb < b.kb; });
  *out = std::move(signatures);
  return msmi::Status::Ok();
}

bool signature_event_ids(const std::vector<Signature>& signatures, std::vector<int>* ids) {
  assert(ids != nullptr);
  bool all_named = true;
  std::set<int> set;
  for (const Signature& signature : signatures) {
    for (const Condition& c : signature.match) collect_ids(c, &all_named, &set);
    for (const Condition& c : signature.boost) collect_ids(c, &all_named, &set);
  }
  ids->clear();
  if (!all_named) return false;
  ids->assign(set.begin(), set.end());
  return true;
}

bool condition_event_ids(const Condition& condition, std::vector<int>* ids) {
  assert(ids != nullptr);
  bool all_named = true;
  std::set<int> set;
  collect_ids(condition, &all_named, &set);
  ids->clear();
  if (!all_named) return false;
  ids->assign(set.begin(), set.end());
  return true;
}

}  // namespace msmilog
