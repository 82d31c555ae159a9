// Which events a query selects. Every field that is set narrows the selection (AND); an unset
// (nullopt / empty) field selects everything. See EventStore::query_events().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "msmi/status.h"

namespace msmilog {

// Event IDs first..last, both inclusive.
struct EventIdRange {
  int first = 0;
  int last = 0;

  bool operator==(const EventIdRange&) const = default;
};

// A time relative to the events of the selected runs (EventFilter::run_id, or every run):
// kAfterFirst = offset_us after the earliest event's time ("+30m"), kBeforeLast = offset_us
// before the latest event's time ("-2h": for a recorded log, "now" is its last event).
struct RelativeTime {
  enum class Anchor { kAfterFirst, kBeforeLast };
  Anchor anchor = Anchor::kBeforeLast;
  std::int64_t offset_us = 0;

  bool operator==(const RelativeTime&) const = default;
};

// A position in the listing order (run_id, seq): a query with EventFilter::after set resumes
// strictly after it. Its text form is "<run_id>/<seq>" ("3/1234").
struct EventCursor {
  std::int64_t run_id = 0;
  std::int64_t seq = 0;

  std::string to_string() const;
  // Parses the text form into *out; false (and *out unchanged) for anything else.
  // REQUIRES: out != nullptr.
  static bool parse(std::string_view text, EventCursor* out);

  bool operator==(const EventCursor&) const = default;
};

struct EventFilter {
  std::optional<std::int64_t> run_id;
  // Any of these event IDs or any ID in event_id_ranges (together at most kMaxEventIds
  // entries); both empty = any ID.
  std::vector<int> event_ids;
  std::vector<EventIdRange> event_id_ranges;
  // None of these IDs (at most kMaxEventIds ranges), whatever the includes say.
  std::vector<EventIdRange> excluded_event_ids;
  // since_us <= time_us <= until_us (both inclusive), compared with the time_us column.
  std::optional<std::int64_t> since_us;
  std::optional<std::int64_t> until_us;
  // since_time <= time <= until_time (both inclusive), compared with the ISO-8601 `time`
  // column. Any form parse_iso8601_utc() accepts; normalised to the stored form first, so the
  // comparison has the column's millisecond precision. Unparsable text -> InvalidArgument.
  std::optional<std::string> since_time;
  std::optional<std::string> until_time;
  // Relative bounds on the `time` column, resolved when the query runs against the selected
  // runs' first and last event (no events: nothing matches).
  std::optional<RelativeTime> since_relative;
  std::optional<RelativeTime> until_relative;
  // Case-insensitive (ASCII) substring of the description. '%' and '_' are literal characters.
  std::optional<std::string> text;
  // An SQLite FTS5 query over the description and the insertion strings (words, "phrases",
  // prefix*, NEAR(a b, 5), AND/OR/NOT). InvalidArgument for a syntax error or a store without
  // the events_fts index (schema version < 5 opened read-only).
  std::optional<std::string> search;
  // A POSIX extended regular expression the rendered description must match (searched, not
  // anchored), case-insensitive when grep_ignore_case. Applied in C++ after SQL, so `limit`
  // and counts still count matching rows only. A bad expression -> InvalidArgument.
  std::optional<std::string> grep;
  bool grep_ignore_case = false;
  // Exact message ID, "NET/PO/0000002A".
  std::optional<std::string> message_id;
  // Event source, compared case-insensitively ("MSExchangeMSMI"); `sources`: any of them.
  std::optional<std::string> source;
  std::vector<std::string> sources;
  // "Error" / "Warning" / "Information", any case; anything else -> InvalidArgument.
  // `types`: any of them (AND with `type` when both are set).
  std::optional<std::string> type;
  std::vector<std::string> types;
  // Any of these categories / computers, compared case-insensitively.
  std::vector<std::string> categories;
  std::vector<std::string> computers;
  // min_level <= level <= max_level.
  std::optional<int> min_level;
  std::optional<int> max_level;
  // MT.EXE thread number; -1 selects the events without a thread.
  std::optional<int> thread;
  // Only rows after this position in the listing order (before it when newest_first).
  std::optional<EventCursor> after;
  // At most this many rows; negative = no limit.
  std::int64_t limit = -1;
  // Order by (run_id, seq) descending instead of ascending.
  bool newest_first = false;

  static constexpr std::size_t kMaxEventIds = 500;
};

// Adds one --event-id specification to *filter: a comma-separated list of IDs ("2342,2553"),
// ranges ("2300-2399") and exclusions ("!2444", "!2300-2399"). IDs are 0..65535.
// InvalidArgument naming the bad part (filter unchanged) otherwise. REQUIRES: filter != nullptr.
msmi::Status add_event_id_spec(std::string_view spec, EventFilter* filter);

// Ok if `pattern` compiles as --grep's POSIX extended regex, InvalidArgument naming the pattern
// and what is wrong with it otherwise: a command checks it before it opens or writes anything.
msmi::Status check_grep(const std::string& pattern, bool ignore_case);

// Parses "+30m" (after the first event) and "-2h" (before the last event) into *out; the part
// after the sign is a parse_duration_us() duration. False for anything else (no sign included).
// REQUIRES: out != nullptr.
bool parse_relative_time(std::string_view text, RelativeTime* out);

// A column `count_events_by()` groups by.
enum class CountField {
  kEventId,
  kSource,
  kType,
  kCategory,
  kThread,
  kComputer,
  kHour,
  kDay,
  kRun,
  kMessage
};

// "event_id", "source", "type", "category", "thread", "computer", "hour", "day", "run",
// "message" (also "id", "message_id", "run_id"); false for anything else.
bool parse_count_field(std::string_view text, CountField* out);
std::string_view to_string(CountField field);

// One group of count_events_by(): the values of the grouped fields ("" for NULL; hour is
// "1997-05-22T09", day "1997-05-22") and how many events it holds.
struct EventCount {
  std::vector<std::string> values;
  std::int64_t count = 0;

  bool operator==(const EventCount&) const = default;
};

}  // namespace msmilog
