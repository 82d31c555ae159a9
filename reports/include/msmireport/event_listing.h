// Event rows of the store (msmisim query) as a table, CSV, JSON or JSON Lines.
//
// A listing is streamed: EventStore::query_events() hands over one row at a time and a listing
// writes it at once, so a query over millions of events never holds them in memory.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "msmilog/event_filter.h"
#include "msmilog/store_rows.h"
#include "msmireport/format.h"

namespace msmireport {

// The formats of an event listing: Format's three and JSON Lines (one object per line, nothing
// around them, so `--follow` output can be read line by line).
enum class EventFormat { kTable, kCsv, kJson, kJsonl };

// "table", "csv", "json", "jsonl" in any case; false (and *format unchanged) otherwise.
// REQUIRES: format != nullptr.
bool parse_event_format(std::string_view text, EventFormat* format);

// One column of an event listing. Its name (CSV header, JSON key, --fields) is the store's
// column name: run_id seq time time_us computer source event_id type category level thread
// message_id description strings data, `cursor` (the row's EventCursor text), and, from
// schema version 5 on (empty/null where unknown), record_number event_identifier
// category_number user written_us.
enum class EventField {
  kRunId,
  kSeq,
  kTime,
  kTimeUs,
  kComputer,
  kSource,
  kEventId,
  kType,
  kCategory,
  kLevel,
  kThread,
  kMessageId,
  kDescription,
  kStrings,
  kData,
  kCursor,
  kRecordNumber,
  kEventIdentifier,
  kCategoryNumber,
  kUser,
  kWrittenUs
};

// Parses a comma-separated list of field names (also "run", "id", "message") into *fields.
// False for an empty list or an unknown name, which is stored in *bad.
// REQUIRES: fields != nullptr, bad != nullptr.
bool parse_event_fields(std::string_view list, std::vector<EventField>* fields, std::string* bad);

struct EventListingOptions {
  EventFormat format = EventFormat::kTable;
  // The columns, in order. Empty: RUN TIME ID TYPE THR MESSAGE DESCRIPTION in a table,
  // run_id … data (the fields of every schema version) in CSV and JSON.
  std::vector<EventField> fields;
  // Table only: every line is cut to this many columns (UTF-8 characters), the cut marked with
  // "…", and line breaks inside a value shown as spaces. 0: lines are never cut.
  std::size_t width = 0;
  // Adds `cursor` after the default fields (ignored when `fields` is given).
  bool cursor_field = false;
};

// Writes event rows to `out` in one format:
//   table  a header line before the first row, then one aligned line per row; an empty table
//          writes nothing to `out`, and finish() says "(no events match)" on `notes` instead;
//   csv    the header line run_id,seq,time,…,description at once, then one line per row;
//   json   "[", one object per row on a line of its own, "]" from finish() — also when empty;
//   jsonl  one object per row and line, nothing else.
// Absent values (no thread, no message ID) are empty in a table and in CSV, null in JSON.
//
// Not thread-safe. REQUIRES: `out` outlives the listing.
class EventListing {
 public:
  // Writes what comes before the first row (the CSV header line, JSON's "[").
  EventListing(Format format, std::ostream& out);
  EventListing(EventListingOptions options, std::ostream& out);
  EventListing(const EventListing&) = delete;
  EventListing& operator=(const EventListing&) = delete;

  // Writes one row. REQUIRES: finish() was not called yet.
  void add(const msmilog::EventRow& row);

  // Writes what closes the listing (JSON's "]"). When `notes` is not null and a table got no
  // rows, writes "(no events match)" to *notes, so that `out` stays an empty listing for a pipe.
  // Pass null after a failed query, whose error says more. REQUIRES: called once.
  void finish(std::ostream* notes);

  std::int64_t rows() const { return rows_; }

 private:
  EventListingOptions options_;
  std::ostream& out_;
  std::int64_t rows_ = 0;
  bool finished_ = false;
};

// Renders `rows` as one complete EventListing, the note of an empty table going to `notes`.
void render_events(const std::vector<msmilog::EventRow>& rows, Format format, std::ostream& out,
                   std::ostream& notes);

// Renders the groups of EventStore::count_events_by() with a column per grouped field and a
// COUNT column (table: aligned, the count right-aligned; csv: a header line; json: an array of
// objects {"event_id": "2342", …, "count": 17}; jsonl: one such object per line). An empty
// table writes "(no events match)" to `notes`.
void render_event_counts(const std::vector<msmilog::CountField>& fields,
                         const std::vector<msmilog::EventCount>& counts, EventFormat format,
                         std::ostream& out, std::ostream& notes);

}  // namespace msmireport
