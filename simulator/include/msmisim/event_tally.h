// A running count of a run's events by ID and by text, kept as the events are written, so the
// summary needs no copy of the events themselves. Its size is bounded by the number of distinct
// event IDs, not by the number of events.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "msmi/event.h"

namespace msmisim {

// The text with message numbers and other long runs of (hex) digits blanked out, so that "Message
// ID <0000002A> processed" and "… <0000002B> …" count as one text while "0x15" and "0x0" differ.
std::string text_shape(std::string_view text);

struct EventTextTally {
  std::int64_t count = 0;
  std::size_t first = 0;  // order of first appearance among the ID's texts, for ties
  std::string example;    // the description of the first event with this shape
};

struct EventIdTally {
  msmi::EventType type = msmi::EventType::kInformation;  // of the first event with this ID
  std::int64_t count = 0;
  // Shape → its tally; at most kTextsTracked shapes, beyond which texts are only counted.
  std::map<std::string, EventTextTally> texts;
};

class EventTally {
 public:
  static constexpr std::size_t kTextsTracked = 64;

  void add(const msmi::Event& event);
  std::int64_t total() const { return total_; }
  const std::map<int, EventIdTally>& ids() const { return ids_; }
  // Events with `event_id`, 0 for an ID never written.
  std::int64_t count(int event_id) const;

 private:
  std::int64_t total_ = 0;
  std::map<int, EventIdTally> ids_;
  std::string shape_;  // add()'s buffer, kept to spare an allocation per event
};

}  // namespace msmisim
