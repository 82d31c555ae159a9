// Comparing two runs' event streams, the way `msmisim replay` and `msmisim run
// --check-determinism` prove that a run is a pure function of its inputs.
//
// A stream is compared on what a user sees of each event: its virtual time, event ID, source,
// type, category, level, thread, message ID and description. (The insertion strings and binary
// data are what the description is rendered from; the computer name and the wall-clock `time`
// column follow from the scenario.) Events from the engine (msmi::Event) and rows read back
// from the event store (msmilog::EventRow) convert to the same ShownEvent, so a stored run and a
// replay in memory compare directly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "msmi/event.h"
#include "msmi/status.h"
#include "msmilog/store_rows.h"

namespace msmisim {

struct ShownEvent {
  std::int64_t time_us = 0;  // virtual microseconds since the run started
  int event_id = 0;
  std::string source;
  std::string type;      // "Error" / "Warning" / "Information"
  std::string category;  // "Session Error", …
  int level = 0;
  int thread = -1;         // -1 when no thread applies
  std::string message_id;  // empty when no message applies
  std::string description;

  bool operator==(const ShownEvent&) const = default;
};

ShownEvent shown_event(const msmi::Event& event);
ShownEvent shown_event(const msmilog::EventRow& row);
std::vector<ShownEvent> shown_events(const std::vector<msmi::Event>& events);

// Where two streams first part, if they do.
struct EventStreamDiff {
  std::size_t left_count = 0;
  std::size_t right_count = 0;
  // Index of the first event that differs, or that one stream has and the other lacks;
  // nullopt when the streams are identical.
  std::optional<std::size_t> first_difference;
  // The fields that differ at first_difference ("time", "event id", "source", "type",
  // "category", "level", "thread", "message id", "description"), in that order; empty when one
  // stream simply ended there.
  std::vector<std::string> fields;

  bool identical() const { return !first_difference.has_value(); }
};

// Compares `left` with `right` event by event. Two empty streams are identical; a stream that is
// a proper prefix of the other differs at the index where it ends.
EventStreamDiff diff_event_streams(const std::vector<ShownEvent>& left,
                                   const std::vector<ShownEvent>& right);

// Names of the fields in which `a` and `b` differ, in the order listed for EventStreamDiff.
std::vector<std::string> differing_fields(const ShownEvent& a, const ShownEvent& b);

// Writes `events` in a stable text form that read_event_stream() reads back byte for byte: one
// line per event, the fields above in order, separated by tabs, with backslash, tab, line feed
// and carriage return escaped as \\, \t, \n, \r. Used to hand a stream from a child process to
// its parent.
void write_event_stream(const std::vector<ShownEvent>& events, std::ostream& out);

// Reads what write_event_stream() wrote. InvalidArgument naming `name` and the line for
// anything else.
msmi::Status read_event_stream(std::istream& in, const std::string& name,
                               std::vector<ShownEvent>* events);

}  // namespace msmisim
