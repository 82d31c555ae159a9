// KB signature rules: which events in a log show that a known Knowledge Base bug happened.
//
// One JSON file per article, eventlog/signatures/<KB>.json; the format is documented in
// eventlog/signatures/README.md. This header holds the parsed form and the loader; the
// evaluator is in diagnosis.h.
//
// Loading is strict: an unknown key, a value of the wrong type, a bad regex or a bad duration is
// an InvalidArgument whose message names the file and the key's path, e.g.
// "Q151791.json: match[1].select.regex: bad regex '(': ...".
//
// Parsed signatures are immutable values; they may be shared between threads for reading.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "msmi/status.h"
#include "msmilog/store_rows.h"

namespace msmilog {

// How specific a signature is. Diagnoses are listed high first.
enum class Confidence { kHigh, kMedium, kLow };

// "high" / "medium" / "low".
const char* confidence_name(Confidence confidence);

// Which events of a log form one group for a count or a sequence.
enum class GroupBy { kNone, kThread, kComputer, kMessage, kRun };

// "thread" / "computer" / "message" / "run", and "" for kNone.
const char* group_by_name(GroupBy group_by);

// A compiled regex together with the text it was written as.
struct SignatureRegex {
  std::string pattern;
  std::shared_ptr<const std::regex> compiled;  // never null in a parsed selector
  // Text every match starts with ("" when the pattern has none that is sure to be): search()
  // tries the regex only where it occurs, as std::regex_search would try every position.
  std::string prefix;
  bool icase = false;

  // True when `text` holds a match, as std::regex_search(text, *compiled).
  bool search(const std::string& text) const;
};

// One insertion-string test: %position equals `value` (case-insensitive) or is searched by
// `regex`.
struct StringTest {
  int position = 1;  // 1-based, as %1 in the description template
  std::string value;
  std::optional<SignatureRegex> regex;  // set for strings_regex, then `value` is unused
};

// Picks single events: every field that is set must hold (AND); a default-constructed selector
// selects every event.
struct Selector {
  std::vector<int> event_ids;               // the displayed ID is one of these; empty = any
  std::optional<std::string> source;        // case-insensitive equality
  std::optional<std::string> type;          // case-insensitive equality
  std::optional<std::string> category;      // case-insensitive equality
  std::optional<std::string> computer;      // case-insensitive equality
  std::vector<std::string> texts;           // each a case-insensitive substring of the description
  std::optional<SignatureRegex> regex;      // searched in the description
  std::vector<StringTest> strings;          // insertion-string tests (strings and strings_regex)
  std::optional<bool> has_message;          // the event has (true) or has not (false) a message id
  std::shared_ptr<const Selector> exclude;  // "not": the event must not match this one
  bool icase = false;                       // the regexes were compiled ignoring case

  // True when `row` satisfies every field.
  bool matches(const EventRow& row) const;
};

enum class ConditionKind { kEvent, kCount, kSequence, kAbsent, kAny };

// "event" / "count" / "sequence" / "absent" / "any".
const char* condition_kind_name(ConditionKind kind);

// One condition of a signature's "match" or "boost" list. Which fields are used depends on
// `kind`: event (select, min), count (select, min, max, window_us, group_by), sequence (steps,
// window_us as "within", group_by), absent (select), any (of).
struct Condition {
  ConditionKind kind = ConditionKind::kEvent;
  std::string name;  // the rule's "name", or "match[0] event" when it gave none
  Selector select;
  std::int64_t min = 1;
  std::optional<std::int64_t> max;
  std::optional<std::int64_t> window_us;  // count's "window", sequence's "within"
  GroupBy group_by = GroupBy::kNone;
  std::vector<Selector> steps;  // sequence: at least two
  std::vector<Condition> of;    // any: at least one
};

// One KB article's rule.
struct Signature {
  std::string kb;  // "Q151791"
  std::string title;
  std::string applies_to;
  std::string cause;
  std::string workaround;
  std::string fix;
  std::string notes;
  Confidence confidence = Confidence::kMedium;
  std::vector<Condition> match;  // all must hold; never empty in a parsed signature
  std::vector<Condition> boost;  // listed as extra evidence when they hold
  std::string file;              // the file it was loaded from, or the name given to parse
};

// Parses one rule file's text. `file` names it in error messages and is kept in out->file.
// Returns InvalidArgument naming `file` and the key's path for anything the format refuses.
// REQUIRES: out != nullptr.
msmi::Status parse_signature(std::string_view text, const std::string& file, Signature* out);

// Reads and parses one rule file. NotFound / IoError when it cannot be read.
// REQUIRES: out != nullptr.
msmi::Status load_signature_file(const std::string& path, Signature* out);

// Loads every "*.json" file of `dir` (other files are ignored), sorted by kb. A rule whose "kb"
// differs from its file's base name, or two files with the same kb, are InvalidArgument.
// NotFound when `dir` is not a folder. On error *out is left unchanged.
// REQUIRES: out != nullptr.
msmi::Status load_signatures(const std::string& dir, std::vector<Signature>* out);

// The event IDs that can matter to `signatures`, sorted and unique, when every selector of every
// condition (absent ones included) names its event IDs; the caller may then read only those
// events from the store. Returns false (and clears *ids) when some selector accepts any ID.
// REQUIRES: ids != nullptr.
bool signature_event_ids(const std::vector<Signature>& signatures, std::vector<int>* ids);

// The same for one condition: the event IDs its selectors (steps, alternatives) can match,
// sorted and unique; false (and *ids cleared) when some selector accepts any ID.
// REQUIRES: ids != nullptr.
bool condition_event_ids(const Condition& condition, std::vector<int>* ids);

}  // namespace msmilog
