#include "msmi/event.h"

#include <array>
#include <cctype>

namespace msmi {
namespace {

constexpr std::array<std::string_view, kEventCategoryCount> kCategoryNames = {
    "Initialization/Termination",
    "Session Data",
    "Session Error",
    "Debug Data",
    "NDR",
    "Routing",
    "Service Control",
    "None",
    "X.400 Service",
    "Internal Processing",
    "Interface",
    "Resource",
    "Security",
    "Operating System",
    "Transport General",
    "Transport Delivery",
    "Event Handler",
    "Session"};
static_assert(!kCategoryNames.back().empty() &&
                  static_cast<int>(Category::kSession) + 1 == kEventCategoryCount,
              "every Category has a name");

// Lower-case letters and digits only, so "Session Error", "session_error" and
// "SessionError" compare equal.
std::string fold(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  return out;
}

}  // namespace

std::string_view to_string(EventType type) {
  switch (type) {
    case EventType::kError:
      return "Error";
    case EventType::kWarning:
      return "Warning";
    case EventType::kInformation:
      return "Information";
  }
  return "Information";
}

std::string_view to_string(Category category) {
  return kCategoryNames[static_cast<std::size_t>(category)];
}

bool parse_category(std::string_view text, Category& out) {
  const std::string wanted = fold(text);
  for (std::size_t i = 0; i < static_cast<std::size_t>(kCategoryCount); ++i) {
    if (fold(kCategoryNames[i]) == wanted) {
      out = static_cast<Category>(i);
      return true;
    }
  }
  return false;
}

bool parse_event_type(std::string_view text, EventType& out) {
  const std::string wanted = fold(text);
  for (EventType t : {EventType::kError, EventType::kWarning, EventType::kInformation}) {
    if (fold(to_string(t)) == wanted) {
      out = t;
      return true;
    }
  }
  return false;
}

}  // namespace msmi
