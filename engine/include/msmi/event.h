// An event as the Windows Application log records it, and the sink the engine writes to.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace msmi {

enum class EventType { kError, kWarning, kInformation };

// Diagnostics logging categories of the MSMI. Each has its own logging level.
enum class Category {
  kInitializationTermination,
  kSessionData,
  kSessionError,
  kDebugData,
  kNdr,
  kRouting,
  kServiceControl,
};
inline constexpr int kCategoryCount = 7;

// Names as Event Viewer shows them ("Error", "Session Error", …).
std::string_view to_string(EventType type);
std::string_view to_string(Category category);
// Parses the names above (case-insensitive, spaces optional). Returns false if unknown.
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
  std::string description;

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
