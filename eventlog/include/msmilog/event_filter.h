// Which events a query selects. Every field that is set narrows the selection (AND); an unset
// (nullopt / empty) field selects everything. See EventStore::query_events().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace msmilog {

struct EventFilter {
  std::optional<std::int64_t> run_id;
  // Any of these event IDs (at most kMaxEventIds); empty = any ID.
  std::vector<int> event_ids;
  // since_us <= time_us <= until_us (both inclusive), compared with the time_us column.
  std::optional<std::int64_t> since_us;
  std::optional<std::int64_t> until_us;
  // since_time <= time <= until_time (both inclusive), compared with the ISO-8601 `time`
  // column. Any form parse_iso8601_utc() accepts; normalised to the stored form first, so the
  // comparison has the column's millisecond precision. Unparsable text -> InvalidArgument.
  std::optional<std::string> since_time;
  std::optional<std::string> until_time;
  // Case-insensitive (ASCII) substring of the description. '%' and '_' are literal characters.
  std::optional<std::string> text;
  // Exact message ID, "NET/PO/0000002A".
  std::optional<std::string> message_id;
  // Event source, compared case-insensitively ("MSExchangeMSMI").
  std::optional<std::string> source;
  // "Error" / "Warning" / "Information", any case; anything else -> InvalidArgument.
  std::optional<std::string> type;
  // MT.EXE thread number; -1 selects the events without a thread.
  std::optional<int> thread;
  // At most this many rows; negative = no limit.
  std::int64_t limit = -1;
  // Order by (run_id, seq) descending instead of ascending.
  bool newest_first = false;

  static constexpr std::size_t kMaxEventIds = 500;
};

}  // namespace msmilog
