// EventStore's queries over the `events` table. Filters become a WHERE clause of fixed fragments
// with `?` placeholders; user text only ever reaches SQLite as a bound parameter (the FTS5
// expression of --search included: it is bound to MATCH ?, never spliced).
//
// Two filters are not SQL: relative times are resolved first against the selected runs' first
// and last event (one extra min/max query), and --grep is a POSIX regex applied to each row the
// SQL returns, so with grep the LIMIT is counted in C++ instead of by SQLite.
//
// Schema version 6 stores events in run order (id = run_id << 32 | seq), so a run is a range
// of the primary key, the order of every listing is ORDER BY id, and a full-text search walks
// events_fts in rowid order and stops at the page's end: the first page of a word found in
// millions of events costs a hundred lookups. Times compare as the integer at_us. Counts that
// only filter by run and event ID are read from event_counts. From version 8 the indexes are
// kept per run, (run_id, …): a question of one run says run_id = ?, and a question over every
// run that an index should answer names the runs to look in, run_id IN (SELECT run_id FROM
// run_spans …) for a time window or … FROM event_counts … for event IDs, so the index is read
// run by run. An older store (read-only) is queried with the SQL of its version: version 6
// and 7 with their indexes over every run; before 6 run_id = ?, ORDER BY run_id, seq, the text
// column time.

#include <regex.h>

#include <algorithm>
#include <cassert>
#include <limits>
#include <map>
#include <memory>
#include <variant>

#include "json_strings.h"
#include "msmi/event.h"
#include "msmilog/event_store.h"
#include "msmilog/time_format.h"
#include "sqlite_handle.h"

namespace msmilog {
namespace {

using Parameter = std::variant<std::int64_t, std::string>;

struct WhereClause {
  std::string sql;  // "" or " WHERE a = ? AND b = ?"
  std::vector<Parameter> parameters;

  void add(std::string_view condition) {
    sql += sql.empty() ? " WHERE " : " AND ";
    sql += condition;
  }
  // "column IN (?, ?, …)" with one parameter per value.
  void add_in(std::string_view column, const std::vector<std::string>& values) {
    std::string in = std::string(column) + " IN (";
    for (std::size_t i = 0; i < values.size(); ++i) {
      in += i == 0 ? "?" : ", ?";
      parameters.emplace_back(values[i]);
    }
    add(in + ")");
  }
};

// A compiled --grep expression; regfree()d on destruction.
class GrepPattern {
 public:
  GrepPattern() = default;
  GrepPattern(const GrepPattern&) = delete;
  GrepPattern& operator=(const GrepPattern&) = delete;
  ~GrepPattern() {
    if (compiled_) regfree(&regex_);
  }

  msmi::Status compile(const std::string& pattern, bool ignore_case) {
    assert(!compiled_);
    const int flags = REG_EXTENDED | REG_NOSUB | (ignore_case ? REG_ICASE : 0);
    const int rc = regcomp(&regex_, pattern.c_str(), flags);
    if (rc != 0) {
      char message[256];
      regerror(rc, &regex_, message, sizeof message);
      return msmi::Status::InvalidArgument("grep expression '" + pattern + "': " + message);
    }
    compiled_ = true;
    return msmi::Status::Ok();
  }
  bool active() const { return compiled_; }
  bool matches(const std::string& text) const {
    return !compiled_ || regexec(&regex_, text.c_str(), 0, nullptr, 0) == 0;
  }

 private:
  regex_t regex_{};
  bool compiled_ = false;
};

// '%' '_' and the escape character itself become literal under LIKE … ESCAPE '\'.
std::string like_substring_pattern(std::string_view text) {
  std::string pattern = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') pattern.push_back('\\');
    pattern.push_back(c);
  }
  pattern.push_back('%');
  return pattern;
}

msmi::Status parse_time(std::string_view field, const std::string& text, std::int64_t* epoch_us) {
  if (!parse_iso8601_utc(text, epoch_us)) {
    return msmi::Status::InvalidArgument(
        std::string(field) + " '" + text +
        "' is not a UTC time of the form YYYY-MM-DD[THH:MM[:SS[.fff]]][Z]");
  }
  return msmi::Status::Ok();
}

// The first and last µs of the millisecond that holds t: times are shown to the millisecond,
// so a bound means its whole millisecond ("until 12:00:00.123" takes 12:00:00.123456).
std::int64_t ms_start(std::int64_t t) {
  return t / 1000 * 1000 - (t % 1000 < 0 ? 1000 : 0);
}
std::int64_t ms_end(std::int64_t t) {
  return t > std::numeric_limits<std::int64_t>::max() - 999 ? t : ms_start(t) + 999;
}

// The ids of a run's first and last possible event (schema version 6). A run_id no store can
// hold (negative, or 2^31 and above) gives an empty range.
constexpr std::int64_t kMaxRunId = EventStore::kMaxRunId;
constexpr std::int64_t kMaxSeq = 0xFFFFFFFF;
std::int64_t first_event_key(std::int64_t run_id) {
  if (run_id < 0 || run_id > kMaxRunId) return std::numeric_limits<std::int64_t>::max();
  return run_id << 32;
}
std::int64_t last_event_key(std::int64_t run_id) {
  if (run_id < 0 || run_id > kMaxRunId) return std::numeric_limits<std::int64_t>::min();
  return (run_id << 32) | kMaxSeq;
}
// The key a cursor compares with, id > key (or id < key going backwards): its event's id, or,
// for a position no event can have, the key that keeps the same rows as (run_id, seq) order
// would (a seq past 2^32 - 1 comes after all of its run, a negative one before).
std::int64_t event_key(const EventCursor& cursor) {
  if (cursor.run_id < 0) return -1;
  if (cursor.run_id > kMaxRunId) return std::numeric_limits<std::int64_t>::max();
  const std::int64_t seq = std::clamp<std::int64_t>(cursor.seq, -1, kMaxSeq + 1);
  if (cursor.run_id == kMaxRunId && seq > kMaxSeq) {
    return std::numeric_limits<std::int64_t>::max();
  }
  return (cursor.run_id << 32) + seq;
}

msmi::Status normalise_type(const std::string& text, std::string* out) {
  msmi::EventType type;
  if (!msmi::parse_event_type(text, type)) {
    return msmi::Status::InvalidArgument("event type '" + text +
                                         "' is not Error, Warning or Information");
  }
  *out = std::string(msmi::to_string(type));
  return msmi::Status::Ok();
}

// The earliest and latest `time` of the events of filter.run_id (every run when unset).
// *found is false when there are none.
msmi::Status time_bounds(const SqliteDb& db, int schema_version, const EventFilter& filter,
                         std::int64_t* first_us, std::int64_t* last_us, bool* found) {
  constexpr std::string_view kWhat = "finding the first and last event for a relative time";
  std::string sql;
  if (schema_version < 6) {
    sql = std::string("SELECT min(time), max(time) FROM events") +
          (filter.run_id ? " WHERE run_id = ?1" : "");
  } else if (filter.run_id) {
    sql = "SELECT first_at_us, last_at_us FROM run_spans WHERE run_id = ?1";
  } else {
    sql = "SELECT min(first_at_us), max(last_at_us) FROM run_spans";
  }
  SqliteStatement stmt;
  msmi::Status status = stmt.prepare(db, sql, kWhat);
  if (!status.ok()) return status;
  if (filter.run_id) stmt.bind_int64(1, *filter.run_id);
  const int rc = stmt.step();
  if (rc == SQLITE_DONE) {  // no such run
    *found = false;
    return msmi::Status::Ok();
  }
  if (rc != SQLITE_ROW) return db.error(rc, kWhat);
  *found = !stmt.column_is_null(0);
  if (!*found) return msmi::Status::Ok();
  if (schema_version >= 6) {
    *first_us = stmt.column_int64(0);
    *last_us = stmt.column_int64(1);
    return msmi::Status::Ok();
  }
  const std::string first = stmt.column_text(0);
  const std::string last = stmt.column_text(1);
  if (!parse_iso8601_utc(first, first_us) || !parse_iso8601_utc(last, last_us)) {
    return msmi::Status::Corruption(db.path() + ": events.time '" + first + "' or '" + last +
                                    "' is not an ISO-8601 UTC time");
  }
  return msmi::Status::Ok();
}

msmi::Status has_table(const SqliteDb& db, const char* name, bool* found) {
  constexpr std::string_view kWhat = "looking for a table";
  SqliteStatement stmt;
  msmi::Status status = stmt.prepare(db, "SELECT 1 FROM sqlite_master WHERE name = ?1", kWhat);
  if (!status.ok()) return status;
  stmt.bind_text(1, name);
  const int rc = stmt.step();
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return db.error(rc, kWhat);
  *found = rc == SQLITE_ROW;
  return msmi::Status::Ok();
}

// The absolute time window of a filter's --since/--until, absolute and relative (resolved
// against the first and last event of the run, or of the store), in µs since 1970. `empty`
// when a relative time has no events to be relative to.
struct TimeWindow {
  std::optional<std::int64_t> since;
  std::optional<std::int64_t> until;
  bool empty = false;
};

msmi::Status time_window(const SqliteDb& db, int schema_version, const EventFilter& filter,
                         TimeWindow* window) {
  *window = TimeWindow();
  const auto later = [](std::optional<std::int64_t>& bound, std::int64_t t, bool lower) {
    bound = !bound ? t : lower ? std::max(*bound, t) : std::min(*bound, t);
  };
  if (filter.since_time) {
    std::int64_t since = 0;
    msmi::Status status = parse_time("since time", *filter.since_time, &since);
    if (!status.ok()) return status;
    later(window->since, since, true);
  }
  if (filter.until_time) {
    std::int64_t until = 0;
    msmi::Status status = parse_time("until time", *filter.until_time, &until);
    if (!status.ok()) return status;
    later(window->until, until, false);
  }
  if (filter.since_relative || filter.until_relative) {
    std::int64_t first_us = 0, last_us = 0;
    bool found = false;
    msmi::Status status = time_bounds(db, schema_version, filter, &first_us, &last_us, &found);
    if (!status.ok()) return status;
    if (!found) {
      window->empty = true;
      return msmi::Status::Ok();
    }
    const auto resolve = [&](const RelativeTime& t) {
      return t.anchor == RelativeTime::Anchor::kAfterFirst ? first_us + t.offset_us
                                                           : last_us - t.offset_us;
    };
    if (filter.since_relative) later(window->since, resolve(*filter.since_relative), true);
    if (filter.until_relative) later(window->until, resolve(*filter.until_relative), false);
  }
  return msmi::Status::Ok();
}

// How the SQL of a query is put together: the schema it runs on, and, in version 6, the
// column that is the run order (events_fts.rowid when a full-text search drives the query).
struct QueryShape {
  int schema_version = EventStore::kSchemaVersion;
  bool search_join = false;
  // Read the rows in run order (the primary key) instead of through the index SQLite would
  // pick; see choose_run_order().
  bool run_order = false;
  // Read the rows through (at_us): a time window known to hold few events, which SQLite would
  // rather find by walking the table in id order to spare itself a sort; see runs_in_window().
  bool time_index = false;
  // Version 8, a query over every run: name the runs an index should be read in (see
  // build_where). Off for event_counts' own WHERE clauses.
  bool restrict_runs = false;
  // Version 8, through (run_id, at_us) over several runs: ORDER BY run_id, id (the same order
  // as id, whose high bits are the run), which SQLite gives by sorting each run's matches as it
  // reaches the next run, so that LIMIT stops after the page's runs instead of sorting all.
  bool run_blocks = false;

  bool keyed() const { return schema_version >= 6; }
  // Version 8: the indexes are per run, (run_id, …).
  bool per_run_indexes() const { return schema_version >= 8; }
  const char* key() const { return search_join ? "events_fts.rowid" : "events.id"; }
  // The FROM clause: with a search, the full-text index leads (CROSS JOIN keeps it the outer
  // loop) so rows come in rowid order and LIMIT stops the walk.
  std::string from() const {
    if (search_join) return " FROM events_fts CROSS JOIN events ON events.id = events_fts.rowid";
    if (run_order) return " FROM events NOT INDEXED";
    if (!time_index) return " FROM events";
    return per_run_indexes() ? " FROM events INDEXED BY events_by_run_time"
                             : " FROM events INDEXED BY events_by_time";
  }
  std::string order(bool newest_first) const {
    if (!keyed()) return newest_first ? " ORDER BY run_id DESC, seq DESC" : " ORDER BY run_id, seq";
    if (run_blocks) {
      return newest_first ? " ORDER BY run_id DESC, events.id DESC" : " ORDER BY run_id, events.id";
    }
    return std::string(" ORDER BY ") + key() + (newest_first ? " DESC" : "");
  }
};

QueryShape shape_of(int schema_version, const EventFilter& filter) {
  QueryShape shape;
  shape.schema_version = schema_version;
  shape.search_join = schema_version >= 6 && filter.search.has_value();
  shape.restrict_runs = shape.per_run_indexes() && !shape.search_join && !filter.run_id;
  return shape;
}

// "(event_id IN (?, …) OR event_id BETWEEN ? AND ? …)" for the filter's event IDs, its
// parameters appended to `parameters`; "" when it names none.
std::string event_id_condition(const EventFilter& filter, std::vector<Parameter>* parameters) {
  std::string any;
  if (!filter.event_ids.empty()) {
    any = "event_id IN (";
    for (std::size_t i = 0; i < filter.event_ids.size(); ++i) {
      any += i == 0 ? "?" : ", ?";
      parameters->emplace_back(std::int64_t{filter.event_ids[i]});
    }
    any += ")";
  }
  for (const EventIdRange& range : filter.event_id_ranges) {
    any += any.empty() ? "event_id BETWEEN ? AND ?" : " OR event_id BETWEEN ? AND ?";
    parameters->emplace_back(std::int64_t{range.first});
    parameters->emplace_back(std::int64_t{range.last});
  }
  return filter.event_id_ranges.empty() || any.empty() ? any : "(" + any + ")";
}

msmi::Status build_where(const SqliteDb& db, const QueryShape& shape, const EventFilter& filter,
                         WhereClause* where) {
  if (filter.run_id && shape.keyed()) {
    where->add(std::string(shape.key()) + " BETWEEN ? AND ?");
    where->parameters.emplace_back(first_event_key(*filter.run_id));
    where->parameters.emplace_back(last_event_key(*filter.run_id));
    if (shape.per_run_indexes() && !shape.search_join && !shape.run_order) {
      where->add("run_id = ?");  // so that the run's stretch of an index can be read
      where->parameters.emplace_back(*filter.run_id);
    }
  } else if (filter.run_id) {
    where->add("run_id = ?");
    where->parameters.emplace_back(*filter.run_id);
  }
  const std::size_t id_entries = filter.event_ids.size() + filter.event_id_ranges.size();
  if (id_entries > EventFilter::kMaxEventIds ||
      filter.excluded_event_ids.size() > EventFilter::kMaxEventIds) {
    return msmi::Status::InvalidArgument(
        "too many event IDs in one query (" +
        std::to_string(std::max(id_entries, filter.excluded_event_ids.size())) + ", at most " +
        std::to_string(EventFilter::kMaxEventIds) + ")");
  }
  if (id_entries > 0) where->add(event_id_condition(filter, &where->parameters));
  for (const EventIdRange& range : filter.excluded_event_ids) {
    where->add("event_id NOT BETWEEN ? AND ?");
    where->parameters.emplace_back(std::int64_t{range.first});
    where->parameters.emplace_back(std::int64_t{range.last});
  }
  if (filter.since_us) {
    where->add("time_us >= ?");
    where->parameters.emplace_back(*filter.since_us);
  }
  if (filter.until_us) {
    where->add("time_us <= ?");
    where->parameters.emplace_back(*filter.until_us);
  }
  // An absolute time bound: the integer at_us to the millisecond (as the text comparison of
  // older stores, the fixed-width text column, always did).
  const auto add_time_bound = [&](const char* op, std::int64_t epoch_us) {
    if (shape.keyed()) {
      where->add(std::string("at_us ") + op + " ?");
      where->parameters.emplace_back(op[0] == '<' ? ms_end(epoch_us) : ms_start(epoch_us));
    } else {
      where->add(std::string("time ") + op + " ?");
      where->parameters.emplace_back(format_iso8601_utc(epoch_us));
    }
  };
  TimeWindow window;
  msmi::Status window_status = time_window(db, shape.schema_version, filter, &window);
  if (!window_status.ok()) return window_status;
  if (window.empty) where->add("0");  // no events to be relative to
  if (window.since) add_time_bound(">=", *window.since);
  if (window.until) add_time_bound("<=", *window.until);
  // Version 8, every run: the runs whose stretch of an index to read. A time window's runs
  // (a day of a store of years: a handful), else the runs that have the event IDs, else, for
  // a message, every run with events. Walking the table in run order needs none of them.
  if (shape.restrict_runs && !shape.run_order) {
    if (window.since || window.until) {
      where->add(
          "run_id IN (SELECT run_id FROM run_spans WHERE first_at_us <= ? AND last_at_us >= ?)");
      where->parameters.emplace_back(window.until ? ms_end(*window.until)
                                                  : std::numeric_limits<std::int64_t>::max());
      where->parameters.emplace_back(window.since ? ms_start(*window.since)
                                                  : std::numeric_limits<std::int64_t>::min());
    } else if (id_entries > 0) {
      where->add("run_id IN (SELECT run_id FROM event_counts WHERE " +
                 event_id_condition(filter, &where->parameters) + ")");
    } else if (filter.message_id) {
      where->add("run_id IN (SELECT run_id FROM run_spans)");
    }
  }
  if (filter.text) {
    where->add("events.description LIKE ? ESCAPE '\\'");
    where->parameters.emplace_back(like_substring_pattern(*filter.text));
  }
  if (filter.search) {
    bool indexed = false;
    msmi::Status status = has_table(db, "events_fts", &indexed);
    if (!status.ok()) return status;
    if (!indexed) {
      return msmi::Status::InvalidArgument(
          db.path() +
          ": this store has no full-text index (events_fts, schema version 5); open it once "
          "for writing to add it, or use a substring filter instead");
    }
    where->add(shape.search_join ? "events_fts MATCH ?"
                                 : "id IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?)");
    where->parameters.emplace_back(*filter.search);
  }
  if (filter.message_id) {
    where->add("message_id = ?");
    where->parameters.emplace_back(*filter.message_id);
  }
  if (filter.source) {
    where->add("source = ? COLLATE NOCASE");
    where->parameters.emplace_back(*filter.source);
  }
  if (!filter.sources.empty()) where->add_in("source COLLATE NOCASE", filter.sources);
  if (filter.type) {
    std::string type;
    msmi::Status status = normalise_type(*filter.type, &type);
    if (!status.ok()) return status;
    where->add("type = ?");
    where->parameters.emplace_back(std::move(type));
  }
  if (!filter.types.empty()) {
    std::vector<std::string> types(filter.types.size());
    for (std::size_t i = 0; i < types.size(); ++i) {
      msmi::Status status = normalise_type(filter.types[i], &types[i]);
      if (!status.ok()) return status;
    }
    where->add_in("type", types);
  }
  if (!filter.categories.empty()) where->add_in("category COLLATE NOCASE", filter.categories);
  if (!filter.computers.empty()) where->add_in("computer COLLATE NOCASE", filter.computers);
  if (filter.min_level) {
    where->add("level >= ?");
    where->parameters.emplace_back(std::int64_t{*filter.min_level});
  }
  if (filter.max_level) {
    where->add("level <= ?");
    where->parameters.emplace_back(std::int64_t{*filter.max_level});
  }
  if (filter.thread) {
    if (*filter.thread == -1) {
      where->add("thread IS NULL");
    } else {
      where->add("thread = ?");
      where->parameters.emplace_back(std::int64_t{*filter.thread});
    }
  }
  if (filter.after && shape.keyed()) {
    where->add(std::string(shape.key()) + (filter.newest_first ? " < ?" : " > ?"));
    where->parameters.emplace_back(event_key(*filter.after));
  } else if (filter.after) {
    where->add(filter.newest_first ? "(run_id, seq) < (?, ?)" : "(run_id, seq) > (?, ?)");
    where->parameters.emplace_back(filter.after->run_id);
    where->parameters.emplace_back(filter.after->seq);
  }
  return msmi::Status::Ok();
}

// True when `filter` selects by run and event ID only, which event_counts answers.
bool by_run_and_id_only(const EventFilter& f) {
  return !f.since_us && !f.until_us && !f.since_time && !f.until_time && !f.since_relative &&
         !f.until_relative && !f.text && !f.search && !f.grep && !f.message_id && !f.source &&
         f.sources.empty() && !f.type && f.types.empty() && f.categories.empty() &&
         f.computers.empty() && !f.min_level && !f.max_level && !f.thread && !f.after;
}

// The WHERE clause over event_counts of a filter for which by_run_and_id_only() holds.
msmi::Status build_count_where(const SqliteDb& db, const EventFilter& filter, WhereClause* where) {
  EventFilter ids = filter;
  ids.run_id.reset();
  // Event ID conditions are the same over event_counts as over events.
  QueryShape shape;
  msmi::Status status = build_where(db, shape, ids, where);
  if (!status.ok()) return status;
  if (filter.run_id) {
    where->add("run_id = ?");
    where->parameters.emplace_back(*filter.run_id);
  }
  return msmi::Status::Ok();
}

// Adds up event_counts over `filter`'s run and event IDs (by_run_and_id_only() parts only).
msmi::Status sum_counts(const SqliteDb& db, const EventFilter& filter, std::int64_t* sum);

// Whether to read the rows in run order, the primary key, rather than let SQLite pick an index.
// SQLite cannot know how many events an ID or a run has; event_counts does. Without it,
// SQLite reads "2342s of run 7" through (event_id, at_us) — every 2342 of every run — and
// "the first hundred 2342s" by sorting all of them, where walking the run's key range, or the
// table until a hundred are found, reads a fraction of that.
msmi::Status choose_run_order(const SqliteDb& db, const EventFilter& filter, QueryShape* shape) {
  shape->run_order = false;
  if (!shape->keyed() || shape->search_join || filter.message_id) return msmi::Status::Ok();
  const bool by_id = !filter.event_ids.empty() || !filter.event_id_ranges.empty();
  const bool by_time =
      filter.since_time || filter.until_time || filter.since_relative || filter.until_relative;
  EventFilter ids;  // the event ID conditions alone, over every run
  ids.event_ids = filter.event_ids;
  ids.event_id_ranges = filter.event_id_ranges;
  std::int64_t id_rows = 0;
  if (filter.run_id) {
    if (!by_id) {
      shape->run_order = true;
      return msmi::Status::Ok();
    }
    EventFilter run;
    run.run_id = filter.run_id;
    std::int64_t run_rows = 0;
    // Version 8's index holds the run's own events of those IDs; before, every run's.
    if (shape->per_run_indexes()) ids.run_id = filter.run_id;
    msmi::Status status = sum_counts(db, run, &run_rows);
    if (status.ok()) status = sum_counts(db, ids, &id_rows);
    if (!status.ok()) return status;
    // An index entry costs a lookup into the table; a row of the run's range is read in order.
    shape->run_order = id_rows > run_rows / 4;
    // Version 8: the index gives the run's matches sorted by time, so a page sorts the ids of
    // every match first; walking the run's range meets a match every run_rows / id_rows rows
    // and stops at the page's end ("the first hundred 2342s of an import of a million").
    if (shape->per_run_indexes() && filter.limit >= 0 && id_rows > 0) {
      shape->run_order = shape->run_order || static_cast<double>(filter.limit) *
                                                     static_cast<double>(run_rows) /
                                                     static_cast<double>(id_rows) <
                                                 static_cast<double>(id_rows);
    }
    return msmi::Status::Ok();
  }
  if (!by_id || by_time || filter.limit < 0) return msmi::Status::Ok();
  std::int64_t all_rows = 0;
  msmi::Status status = sum_counts(db, ids, &id_rows);
  if (status.ok()) status = sum_counts(db, EventFilter(), &all_rows);
  if (!status.ok()) return status;
  // Walking the table meets a match every all_rows / id_rows rows; the index reads (and sorts)
  // every match before the first is returned.
  shape->run_order = id_rows > 0 && static_cast<double>(filter.limit) *
                                            static_cast<double>(all_rows) /
                                            static_cast<double>(id_rows) <
                                        static_cast<double>(id_rows);
  return msmi::Status::Ok();
}

void bind_where(const WhereClause& where, std::optional<std::int64_t> limit, SqliteStatement* stmt);

msmi::Status sum_counts(const SqliteDb& db, const EventFilter& filter, std::int64_t* sum) {
  constexpr std::string_view kWhat = "counting events";
  WhereClause where;
  msmi::Status status = build_count_where(db, filter, &where);
  if (!status.ok()) return status;
  SqliteStatement stmt;
  status = stmt.prepare(db, "SELECT coalesce(sum(count), 0) FROM event_counts" + where.sql, kWhat);
  if (!status.ok()) return status;
  bind_where(where, std::nullopt, &stmt);
  const int rc = stmt.step();
  if (rc != SQLITE_ROW) return db.error(rc, kWhat);
  *sum = stmt.column_int64(0);
  return msmi::Status::Ok();
}

// Whether a page of a time window over the whole store is best read run by run. Ordered by id,
// such a page sorts every event of the window when read through (at_us): millions for "since
// Monday". run_spans names the runs the window touches; reading those in
// order, each as a key range, stops at the page's end. A window of fewer than kProbe events
// (version 8: touching no run of kProbe events or more) is read through the index
// (*small_window). On *by_runs, *runs are the runs to read in order and
// *per_run the filter for each (its relative times made absolute; run_id and limit to be set).
msmi::Status runs_in_window(const SqliteDb& db, int schema_version, const EventFilter& filter,
                            bool* by_runs, bool* small_window, std::vector<std::int64_t>* runs,
                            EventFilter* per_run) {
  constexpr std::string_view kWhat = "finding the runs of a time window";
  constexpr std::int64_t kProbe = 20000;
  *by_runs = false;
  *small_window = false;
  const bool by_time =
      filter.since_time || filter.until_time || filter.since_relative || filter.until_relative;
  if (schema_version < 6 || filter.run_id || filter.search || filter.limit < 0 || !by_time ||
      !filter.event_ids.empty() || !filter.event_id_ranges.empty() || filter.message_id) {
    return msmi::Status::Ok();
  }
  TimeWindow window;
  msmi::Status status = time_window(db, schema_version, filter, &window);
  if (!status.ok() || window.empty) return status;
  const std::int64_t since =
      window.since ? ms_start(*window.since) : std::numeric_limits<std::int64_t>::min();
  const std::int64_t until =
      window.until ? ms_end(*window.until) : std::numeric_limits<std::int64_t>::max();
  // Version 8 reads the index run by run, each run's matches sorted by id as the next run is
  // sought (QueryShape::run_blocks), so only a run of many events in the window makes the page
  // costly: event_counts tells whether the window touches one, without reading the index (a
  // window of a day over thousands of short runs holds 20,000 events in over a thousand runs).
  SqliteStatement probe;
  status = probe.prepare(db,
                         schema_version >= 8
                             ? "SELECT count(*) FROM (SELECT 1 FROM event_counts WHERE run_id IN "
                               "(SELECT run_id FROM run_spans WHERE first_at_us <= ?2 AND "
                               "last_at_us >= ?1) GROUP BY run_id HAVING sum(count) >= ?3 LIMIT 1)"
                             : "SELECT count(*) FROM (SELECT 1 FROM events WHERE at_us BETWEEN "
                               "?1 AND ?2 LIMIT ?3)",
                         kWhat);
  if (!status.ok()) return status;
  probe.bind_int64(1, since);
  probe.bind_int64(2, until);
  probe.bind_int64(3, kProbe);
  int rc = probe.step();
  if (rc != SQLITE_ROW) return db.error(rc, kWhat);
  if (schema_version >= 8 ? probe.column_int64(0) == 0 : probe.column_int64(0) < kProbe) {
    *small_window = true;
    return msmi::Status::Ok();
  }

  SqliteStatement list;
  status = list.prepare(
      db,
      std::string("SELECT run_id FROM run_spans WHERE first_at_us <= ?2 AND last_at_us >= ?1") +
          (filter.after ? (filter.newest_first ? " AND run_id <= ?3" : " AND run_id >= ?3") : "") +
          (filter.newest_first ? " ORDER BY run_id DESC" : " ORDER BY run_id"),
      kWhat);
  if (!status.ok()) return status;
  list.bind_int64(1, since);
  list.bind_int64(2, until);
  if (filter.after) list.bind_int64(3, filter.after->run_id);
  runs->clear();
  while ((rc = list.step()) == SQLITE_ROW) runs->push_back(list.column_int64(0));
  if (rc != SQLITE_DONE) return db.error(rc, kWhat);
  *per_run = filter;
  per_run->since_relative.reset();
  per_run->until_relative.reset();
  per_run->since_time.reset();
  per_run->until_time.reset();
  if (window.since) per_run->since_time = format_iso8601_utc(*window.since);
  if (window.until) per_run->until_time = format_iso8601_utc(*window.until);
  *by_runs = true;
  return msmi::Status::Ok();
}

// Binds the WHERE parameters to ?1..?n, then, when limit is given, the limit to ?n+1.
void bind_where(const WhereClause& where, std::optional<std::int64_t> limit,
                SqliteStatement* stmt) {
  int index = 1;
  for (const Parameter& parameter : where.parameters) {
    if (const auto* number = std::get_if<std::int64_t>(&parameter)) {
      stmt->bind_int64(index++, *number);
    } else {
      stmt->bind_text_static(index++, std::get<std::string>(parameter));
    }
  }
  if (limit) stmt->bind_int64(index, *limit < 0 ? -1 : *limit);
}

// A failing step of a statement with a MATCH is most likely the user's FTS5 syntax.
msmi::Status step_error(const SqliteDb& db, const EventFilter& filter, int rc,
                        std::string_view what) {
  if (filter.search && (rc & 0xFF) == SQLITE_ERROR) {
    return msmi::Status::InvalidArgument("search expression '" + *filter.search +
                                         "': " + sqlite3_errmsg(db.get()));
  }
  return db.error(rc, what);
}

// The SQL expression that count_events_by() groups by for `field`.
std::string_view group_expression(CountField field) {
  switch (field) {
    case CountField::kEventId:
      return "event_id";
    case CountField::kSource:
      return "source";
    case CountField::kType:
      return "type";
    case CountField::kCategory:
      return "category";
    case CountField::kThread:
      return "thread";
    case CountField::kComputer:
      return "computer";
    case CountField::kHour:
      return "substr(time, 1, 13)";
    case CountField::kDay:
      return "substr(time, 1, 10)";
    case CountField::kRun:
      return "run_id";
    case CountField::kMessage:
      return "message_id";
  }
  return "NULL";  // not reached: every field is named above
}

// The same value as group_expression(field) computes in SQL, for rows filtered in C++.
std::string group_value(const EventRow& row, CountField field) {
  switch (field) {
    case CountField::kEventId:
      return std::to_string(row.event_id);
    case CountField::kSource:
      return row.source;
    case CountField::kType:
      return row.type;
    case CountField::kCategory:
      return row.category;
    case CountField::kThread:
      return row.thread < 0 ? "" : std::to_string(row.thread);
    case CountField::kComputer:
      return row.computer;
    case CountField::kHour:
      return row.time.substr(0, 13);
    case CountField::kDay:
      return row.time.substr(0, 10);
    case CountField::kRun:
      return std::to_string(row.run_id);
    case CountField::kMessage:
      return row.message_id;
  }
  return "";
}

// Numbers compare as numbers ("998" < "2342"), everything else as bytes.
bool value_less(const std::string& a, const std::string& b) {
  const auto numeric = [](const std::string& s) {
    return !s.empty() && s.size() < 19 &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (numeric(a) && numeric(b)) return std::stoll(a) < std::stoll(b);
  return a < b;
}

}  // namespace

msmi::Status check_grep(const std::string& pattern, bool ignore_case) {
  GrepPattern grep;
  return grep.compile(pattern, ignore_case);
}

msmi::Status EventStore::query_events(const EventFilter& filter,
                                      const std::function<bool(const EventRow&)>& on_row) const {
  constexpr std::string_view kWhat = "querying events";
  if (!on_row) return msmi::Status::InvalidArgument(path_ + ": query_events without a callback");
  std::vector<std::int64_t> runs;
  EventFilter per_run;
  bool by_runs = false;
  bool small_window = false;
  msmi::Status status =
      runs_in_window(*db_, schema_version_, filter, &by_runs, &small_window, &runs, &per_run);
  if (!status.ok()) return status;
  if (by_runs) {
    // Run by run, each read in run order, until the page is full.
    std::int64_t delivered = 0;
    bool stopped = false;
    for (const std::int64_t run_id : runs) {
      per_run.run_id = run_id;
      per_run.limit = filter.limit - delivered;
      status = query_events(per_run, [&](const EventRow& row) {
        ++delivered;
        if (on_row(row)) return true;
        stopped = true;
        return false;
      });
      if (!status.ok() || stopped || delivered == filter.limit) return status;
    }
    return msmi::Status::Ok();
  }
  QueryShape shape = shape_of(schema_version_, filter);
  status = choose_run_order(*db_, filter, &shape);
  if (!status.ok()) return status;
  shape.time_index = small_window && !shape.run_order;
  shape.run_blocks = shape.time_index && shape.restrict_runs;
  WhereClause where;
  status = build_where(*db_, shape, filter, &where);
  if (!status.ok()) return status;
  GrepPattern grep;
  if (filter.grep) {
    status = grep.compile(*filter.grep, filter.grep_ignore_case);
    if (!status.ok()) return status;
  }
  const std::string columns =
      // Version 8's time is at_us as text (a generated column): the C++ formatter makes the
      // same text as SQLite's strftime() would, in a fraction of the time.
      std::string(schema_version_ >= 8 ? "SELECT events.id, run_id, seq, time_us, at_us, "
                                       : "SELECT events.id, run_id, seq, time_us, time, ") +
      "computer, source, event_id, type, category, level, thread, message_id, "
      "events.description, " +
      std::string(schema_version_ >= 2 ? "events.strings, data, " : "NULL, NULL, ") +
      (schema_version_ >= 5 ? "record_number, event_identifier, category_number, user, written_us"
                            : "NULL, NULL, NULL, NULL, NULL");
  // A page read through an index is sorted by id before the LIMIT applies: sort the ids alone
  // (from the index, no row read) and read only the page's rows, not every match's.
  const bool page_of_ids = shape.keyed() && !shape.search_join && !shape.run_order &&
                           filter.limit >= 0 && !grep.active();
  const std::string sql =
      page_of_ids
          ? columns + " FROM events WHERE id IN (SELECT events.id" + shape.from() + where.sql +
                shape.order(filter.newest_first) + " LIMIT ?)" + shape.order(filter.newest_first)
          : columns + shape.from() + where.sql + shape.order(filter.newest_first) + " LIMIT ?";
  SqliteStatement stmt;
  status = stmt.prepare(*db_, sql, kWhat);
  if (!status.ok()) return status;
  // With grep, SQLite cannot know which rows count towards the limit.
  bind_where(where, grep.active() ? -1 : filter.limit, &stmt);
  if (filter.limit == 0) return msmi::Status::Ok();

  std::int64_t delivered = 0;
  EventRow row;  // reused, so its strings keep their buffers from row to row
  std::string strings_json;
  int rc;
  while ((rc = stmt.step()) == SQLITE_ROW) {
    stmt.column_text_into(13, &row.description);
    if (!grep.matches(row.description)) continue;
    row.id = stmt.column_int64(0);
    row.run_id = stmt.column_int64(1);
    row.seq = stmt.column_int64(2);
    row.time_us = stmt.column_int64(3);
    if (schema_version_ >= 8) {
      row.time = format_iso8601_utc(stmt.column_int64(4));
    } else {
      stmt.column_text_into(4, &row.time);
    }
    stmt.column_text_into(5, &row.computer);
    stmt.column_text_into(6, &row.source);
    row.event_id = static_cast<int>(stmt.column_int64(7));
    stmt.column_text_into(8, &row.type);
    stmt.column_text_into(9, &row.category);
    row.level = static_cast<int>(stmt.column_int64_or(10, -1));
    row.thread = static_cast<int>(stmt.column_int64_or(11, -1));
    stmt.column_text_into(12, &row.message_id);
    if (stmt.column_is_null(14)) {
      row.strings.clear();
    } else if (stmt.column_text_into(14, &strings_json);
               !decode_json_strings(strings_json, &row.strings)) {
      return msmi::Status::Corruption(
          path_ + ": event " + std::to_string(row.id) + " (run " + std::to_string(row.run_id) +
          ", seq " + std::to_string(row.seq) + "): column strings is not a JSON array of strings");
    }
    stmt.column_blob_into(15, &row.data);
    row.record_number = stmt.column_int64_or(16, -1);
    row.event_identifier = stmt.column_int64_or(17, -1);
    row.category_number = static_cast<int>(stmt.column_int64_or(18, -1));
    stmt.column_text_into(19, &row.user);
    row.written_us = stmt.column_int64_or(20, -1);
    if (!on_row(row)) return msmi::Status::Ok();
    if (++delivered == filter.limit) return msmi::Status::Ok();
  }
  if (rc != SQLITE_DONE) return step_error(*db_, filter, rc, kWhat);
  return msmi::Status::Ok();
}

msmi::Status EventStore::count_events(const EventFilter& filter, std::int64_t* count) const {
  constexpr std::string_view kWhat = "counting events";
  if (filter.grep) {
    std::int64_t n = 0;
    msmi::Status status = query_events(filter, [&n](const EventRow&) {
      ++n;
      return true;
    });
    if (status.ok()) *count = n;
    return status;
  }
  QueryShape shape = shape_of(schema_version_, filter);
  const bool counted = shape.keyed() && filter.limit < 0 && by_run_and_id_only(filter);
  msmi::Status status = counted ? msmi::Status::Ok() : choose_run_order(*db_, filter, &shape);
  if (!status.ok()) return status;
  WhereClause where;
  status =
      counted ? build_count_where(*db_, filter, &where) : build_where(*db_, shape, filter, &where);
  if (!status.ok()) return status;
  std::string sql;
  if (counted) {
    sql = "SELECT coalesce(sum(count), 0) FROM event_counts" + where.sql;
  } else if (filter.limit < 0) {
    sql = "SELECT count(*)" + shape.from() + where.sql;
  } else {
    sql = "SELECT count(*) FROM (SELECT 1" + shape.from() + where.sql + " LIMIT ?)";
  }
  SqliteStatement stmt;
  status = stmt.prepare(*db_, sql, kWhat);
  if (!status.ok()) return status;
  bind_where(where, filter.limit < 0 ? std::nullopt : std::optional<std::int64_t>(filter.limit),
             &stmt);
  const int rc = stmt.step();
  if (rc != SQLITE_ROW) return step_error(*db_, filter, rc, kWhat);
  *count = stmt.column_int64(0);
  return msmi::Status::Ok();
}

msmi::Status EventStore::count_events_by(const EventFilter& filter,
                                         const std::vector<CountField>& fields, std::int64_t top,
                                         std::vector<EventCount>* counts) const {
  constexpr std::string_view kWhat = "counting events by field";
  assert(counts != nullptr);
  counts->clear();
  if (fields.empty()) {
    return msmi::Status::InvalidArgument(path_ + ": count_events_by without a field");
  }
  EventFilter all = filter;
  all.limit = -1;
  std::vector<EventCount> groups;
  if (filter.grep) {
    std::map<std::vector<std::string>, std::int64_t> tally;
    std::vector<std::string> key(fields.size());
    msmi::Status status = query_events(all, [&](const EventRow& row) {
      for (std::size_t i = 0; i < fields.size(); ++i) key[i] = group_value(row, fields[i]);
      ++tally[key];
      return true;
    });
    if (!status.ok()) return status;
    for (auto& [values, count] : tally) groups.push_back({values, count});
  } else {
    QueryShape shape = shape_of(schema_version_, all);
    // Counts by event ID and run come from event_counts when nothing else filters.
    const bool counted = shape.keyed() && by_run_and_id_only(all) &&
                         std::all_of(fields.begin(), fields.end(), [](CountField f) {
                           return f == CountField::kEventId || f == CountField::kRun;
                         });
    msmi::Status status = counted ? msmi::Status::Ok() : choose_run_order(*db_, all, &shape);
    if (!status.ok()) return status;
    WhereClause where;
    status = counted ? build_count_where(*db_, all, &where) : build_where(*db_, shape, all, &where);
    if (!status.ok()) return status;
    std::string columns;
    for (CountField field : fields) {
      columns += columns.empty() ? "" : ", ";
      columns += group_expression(field);
    }
    const std::string sql = counted ? "SELECT " + columns + ", sum(count) FROM event_counts" +
                                          where.sql + " GROUP BY " + columns
                                    : "SELECT " + columns + ", count(*)" + shape.from() +
                                          where.sql + " GROUP BY " + columns;
    SqliteStatement stmt;
    status = stmt.prepare(*db_, sql, kWhat);
    if (!status.ok()) return status;
    bind_where(where, std::nullopt, &stmt);
    int rc;
    while ((rc = stmt.step()) == SQLITE_ROW) {
      EventCount group;
      for (std::size_t i = 0; i < fields.size(); ++i) {
        group.values.push_back(stmt.column_text(static_cast<int>(i)));
      }
      group.count = stmt.column_int64(static_cast<int>(fields.size()));
      groups.push_back(std::move(group));
    }
    if (rc != SQLITE_DONE) return step_error(*db_, filter, rc, kWhat);
  }
  std::sort(groups.begin(), groups.end(), [](const EventCount& a, const EventCount& b) {
    if (a.count != b.count) return a.count > b.count;
    return std::lexicographical_compare(a.values.begin(), a.values.end(), b.values.begin(),
                                        b.values.end(), value_less);
  });
  if (top >= 0 && groups.size() > static_cast<std::size_t>(top)) groups.resize(top);
  *counts = std::move(groups);
  return msmi::Status::Ok();
}

msmi::Status EventStore::event_id_counts(std::int64_t run_id,
                                         std::vector<std::pair<int, std::int64_t>>* counts) const {
  constexpr std::string_view kWhat = "counting events by ID";
  counts->clear();
  SqliteStatement stmt;
  msmi::Status status = stmt.prepare(
      *db_,
      schema_version_ >= 6 ? "SELECT event_id, count FROM event_counts WHERE run_id = ?1 "
                             "ORDER BY event_id"
                           : "SELECT event_id, count(*) FROM events WHERE run_id = ?1 "
                             "GROUP BY event_id ORDER BY event_id",
      kWhat);
  if (!status.ok()) return status;
  stmt.bind_int64(1, run_id);
  int rc;
  while ((rc = stmt.step()) == SQLITE_ROW) {
    counts->emplace_back(static_cast<int>(stmt.column_int64(0)), stmt.column_int64(1));
  }
  if (rc != SQLITE_DONE) return db_->error(rc, kWhat);
  return msmi::Status::Ok();
}

}  // namespace msmilog
