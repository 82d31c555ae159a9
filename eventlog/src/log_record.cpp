#include "msmilog/log_record.h"

#include "ascii_compare.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace msmilog {

std::string_view to_string(NtEventType type) {
  switch (type) {
    case NtEventType::kError:
      return "Error";
    case NtEventType::kWarning:
      return "Warning";
    case NtEventType::kAuditSuccess:
      return "Audit Success";
    case NtEventType::kAuditFailure:
      return "Audit Failure";
    case NtEventType::kSuccess:
    case NtEventType::kInformation:
      break;
  }
  return "Information";
}

bool parse_nt_event_type(std::string_view text, NtEventType* out) {
  static constexpr std::array<std::pair<std::string_view, NtEventType>, 12> kNames = {{
      {"Error", NtEventType::kError},
      {"E", NtEventType::kError},
      {"Warning", NtEventType::kWarning},
      {"W", NtEventType::kWarning},
      {"Information", NtEventType::kInformation},
      {"I", NtEventType::kInformation},
      {"Success", NtEventType::kSuccess},
      {"Audit Success", NtEventType::kAuditSuccess},
      {"Success Audit", NtEventType::kAuditSuccess},
      {"Audit Failure", NtEventType::kAuditFailure},
      {"Failure Audit", NtEventType::kAuditFailure},
      {"Informational", NtEventType::kInformation},
  }};
  for (const auto& [name, type] : kNames) {
    if (ascii_iequals(text, name)) {
      *out = type;
      return true;
    }
  }
  return false;
}

std::uint32_t make_event_identifier(int id, NtEventType type) {
  std::uint32_t severity = 1;  // informational
  if (type == NtEventType::kError) severity = 3;
  if (type == NtEventType::kWarning) severity = 2;
  return (severity << 30) | (static_cast<std::uint32_t>(id) & 0xFFFFu);
}

}  // namespace msmilog
