// Diagnostics logging as the MSMI's property page sets it: one level per category, None (0),
// Minimum (1), Medium (3) or Maximum (5). An event is written when its significance is at most
// its category's level, so level-0 events ("logged at level 0") are always written.
#pragma once

#include <array>
#include <cassert>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "msmi/clock.h"
#include "msmi/event.h"

namespace msmi {

struct EventSpec;

enum class LoggingLevel : int { kNone = 0, kMinimum = 1, kMedium = 3, kMaximum = 5 };

// "none", "minimum", "medium", "maximum" (case-insensitive) or 0/1/3/5. False otherwise.
bool parse_logging_level(std::string_view text, LoggingLevel& out);
std::string_view to_string(LoggingLevel level);

class DiagnosticsLogging {
 public:
  DiagnosticsLogging() { levels_.fill(LoggingLevel::kNone); }
  void set_all(LoggingLevel level) { levels_.fill(level); }
  // REQUIRES: is_msmi_category(category).
  void set(Category category, LoggingLevel level) {
    assert(is_msmi_category(category));
    levels_[static_cast<std::size_t>(category)] = level;
  }
  // kMaximum for a category that is not the MSMI's: its logging levels do not filter it.
  LoggingLevel level(Category category) const {
    if (!is_msmi_category(category)) return LoggingLevel::kMaximum;
    return levels_[static_cast<std::size_t>(category)];
  }
  // Other sources' events (the Service Control Manager's, category None) always pass.
  bool passes(Category category, int significance) const {
    return !is_msmi_category(category) || significance <= static_cast<int>(level(category));
  }

 private:
  std::array<LoggingLevel, kCategoryCount> levels_;
};

// Builds catalogue events, stamps them with the virtual time and writes those that pass the
// logging filter. The clock and sink must outlive the logger.
class EventLogger {
 public:
  EventLogger(const Clock& clock, EventSink& sink, DiagnosticsLogging logging)
      : clock_(clock), sink_(sink), logging_(logging) {}

  // REQUIRES: `id` is in the event catalogue. Returns whether the event was written.
  // The event's insertion strings are `inserts`, its description the spec's text rendered
  // from them.
  // `inserts` is taken by value: a caller's temporary list moves into the event.
  bool log(int id, int thread, std::string message_id, std::vector<std::string> inserts);
  // The same for a text the caller looked up: another variant of an ID, or an event of the
  // world's catalogue written through the MSMI's log.
  bool log(const EventSpec& spec, int thread, std::string message_id,
           std::vector<std::string> inserts);
  // The spec of catalogue event `id` when log(id, …) would write it now; else nullptr, counted
  // as suppressed as log() counts it. A caller whose inserts cost something to build asks
  // first, then calls log(*spec, …): a few events of every message are ones the usual levels
  // suppress.
  const EventSpec* will_write(int id);
  // The same for a spec the caller looked up once.
  bool will_write(const EventSpec& spec);
  const DiagnosticsLogging& logging() const { return logging_; }
  void set_logging(const DiagnosticsLogging& logging) { logging_ = logging; }
  // Events suppressed by the logging levels so far.
  std::int64_t suppressed() const { return suppressed_; }

 private:
  const Clock& clock_;
  EventSink& sink_;
  DiagnosticsLogging logging_;
  std::int64_t suppressed_ = 0;
};

}  // namespace msmi
