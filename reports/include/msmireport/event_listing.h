// Event rows of the store (msmisim query) as a table, CSV or JSON.
//
// A listing is streamed: EventStore::query_events() hands over one row at a time and a listing
// writes it at once, so a query over millions of events never holds them in memory.
#pragma once

#include <cstdint>
#include <ostream>
#include <vector>

#include "msmilog/store_rows.h"
#include "msmireport/format.h"

namespace msmireport {

// Writes event rows to `out` in one format:
//   table  a header line before the first row, then one aligned line per row; an empty table
//          writes nothing to `out`, and finish() says "(no events match)" on `notes` instead;
//   csv    the header line run_id,seq,time,…,description at once, then one line per row;
//   json   "[", one object per row on a line of its own, "]" from finish() — also when empty.
// Absent values (no thread, no message ID) are empty in a table and in CSV, null in JSON.
//
// Not thread-safe. REQUIRES: `out` outlives the listing.
class EventListing {
 public:
  // Writes what comes before the first row (the CSV header line, JSON's "[").
  EventListing(Format format, std::ostream& out);
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
  Format format_;
  std::ostream& out_;
  std::int64_t rows_ = 0;
  bool finished_ = false;
};

// Renders `rows` as one complete EventListing, the note of an empty table going to `notes`.
void render_events(const std::vector<msmilog::EventRow>& rows, Format format, std::ostream& out,
                   std::ostream& notes);

}  // namespace msmireport
