// An event as the Windows Application log records it, and the sink the engine writes to.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace msmi {

enum class EventType { kError, kWarning, kInformation };

// Event Viewer categories. The first kCategoryCount are the MSMI's diagnostics logging
// categories, each with its own logging level; the rest are the categories other sources record
// (the Service Control Manager's "None", the MTA's, the Information Store's …), which the MSMI's
// logging levels do not filter.
enum class Category {
  kInitializationTermination,
  kSessionData,
  kSessionError,
  kDebugData,
  kNdr,
  kRouting,
  kServiceControl,
  // Not MSMI diagnostics categories:
  kNone,
  kX400Service,
  kInternalProcessing,
  kInterface,
  kResource,
  kSecurity,
  kOperatingSystem,
  kTransportGeneral,
  kTransportDelivery,
  kEventHandler,
  kSession,
};
// Number of MSMI diagnostics logging categories (the first values of Category).
inline constexpr int kCategoryCount = 7;
// Number of Category values.
inline constexpr int kEventCategoryCount = 18;

// True for the MSMI's diagnostics logging categories.
inline constexpr bool is_msmi_category(Category category) {
  return static_cast<int>(category) < kCategoryCount;
}

// Names as Event Viewer shows them ("Error", "Session Error", "X.400 Service", …).
std::string_view to_string(EventType type);
std::string_view to_string(Category category);
// Parses the name of an MSMI diagnostics logging category (case-insensitive, spaces optional).
// Returns false for anything else, other sources' categories included.
bool parse_category(std::string_view text, Category& out);
bool parse_event_type(std::string_view text, EventType& out);

inline constexpr std::string_view kSourceMsmi = "MSExchangeMSMI";
inline constexpr std::string_view kSourceServiceControl = "Service Control Manager";
// Events that the simulator adds (operator steps, quarantine, files moved aside): they have no
// counterpart in Exchange and carry their own source so they never pass for a real one.
inline constexpr std::string_view kSourceSimulator = "msmisim";

struct Event {
  std::int64_t time_us = 0;  // virtual microseconds since the run started
  std::string source{kSourceMsmi};
  int event_id = 0;
  EventType type = EventType::kInformation;
  Category category = Category::kSessionData;
  int level = 0;           // diagnostics significance 0..5; 0 is written even at logging level None
  int thread = -1;         // MT.EXE thread number, -1 when no thread applies
  std::string message_id;  // "NET/PO/0000002A", empty when no message applies
  // The text Event Viewer shows: the catalogue template rendered from `strings`.
  std::string description;
  // The insertion strings the description was rendered from (%1 = strings[0] …), as the NT
  // event log stores them beside the event.
  std::vector<std::string> strings;
  // The event's binary data (bytes), empty when it has none.
  std::string data;

  bool operator==(const Event&) const = default;
};

// Receives every event that passes the diagnostics logging filter, in order.
// Implementations: the SQLite writer (eventlog), the in-memory recorder (simulator), tees.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void write(const Event& event) = 0;
};

}  // namespace msmi
