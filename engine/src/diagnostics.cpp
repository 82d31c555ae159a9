#include "msmi/diagnostics.h"

#include <cctype>
#include <cstdlib>
#include <utility>

#include "msmi/event_catalogue.h"
#include "msmi/require.h"

namespace msmi {

bool parse_logging_level(std::string_view text, LoggingLevel& out) {
  std::string lower;
  for (char c : text)
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (lower == "none" || lower == "0")
    out = LoggingLevel::kNone;
  else if (lower == "minimum" || lower == "1")
    out = LoggingLevel::kMinimum;
  else if (lower == "medium" || lower == "3")
    out = LoggingLevel::kMedium;
  else if (lower == "maximum" || lower == "5")
    out = LoggingLevel::kMaximum;
  else
    return false;
  return true;
}

std::string_view to_string(LoggingLevel level) {
  switch (level) {
    case LoggingLevel::kNone:
      return "None";
    case LoggingLevel::kMinimum:
      return "Minimum";
    case LoggingLevel::kMedium:
      return "Medium";
    case LoggingLevel::kMaximum:
      return "Maximum";
  }
  return "None";
}

bool EventLogger::log(int id, int thread, std::string message_id,
                      std::vector<std::string> inserts) {
  const EventSpec* spec = find_event_spec(id);
  MSMI_REQUIRE(spec != nullptr);  // every ID the engine logs is catalogued
  return log(*spec, thread, std::move(message_id), std::move(inserts));
}

const EventSpec* EventLogger::will_write(int id) {
  const EventSpec* spec = find_event_spec(id);
  MSMI_REQUIRE(spec != nullptr);  // every ID the engine logs is catalogued
  return will_write(*spec) ? spec : nullptr;
}

bool EventLogger::will_write(const EventSpec& spec) {
  if (logging_.passes(spec.category, spec.level)) return true;
  ++suppressed_;
  return false;
}

bool EventLogger::log(const EventSpec& spec, int thread, std::string message_id,
                      std::vector<std::string> inserts) {
  if (!logging_.passes(spec.category, spec.level)) {
    ++suppressed_;
    return false;
  }
  Event event;
  event.time_us = clock_.now_us();
  event.source = std::string(spec.source);
  event.event_id = spec.id;
  event.type = spec.type;
  event.category = spec.category;
  event.level = spec.level;
  event.thread = thread;
  event.message_id = std::move(message_id);
  event.description = format_event_text(spec.text, inserts);
  event.strings = std::move(inserts);
  sink_.write(event);
  return true;
}

}  // namespace msmi
