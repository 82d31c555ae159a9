#include "msmi/message_observer.h"

#include <array>

namespace msmi {
namespace {
constexpr std::array<std::pair<Fate, std::string_view>, 5> kNames = {{
    {Fate::kPending, "pending"},
    {Fate::kDelivered, "delivered"},
    {Fate::kNdr, "ndr"},
    {Fate::kQuarantined, "quarantined"},
    {Fate::kLost, "lost"},
}};
}

std::string_view to_string(Fate fate) {
  for (const auto& [f, name] : kNames) {
    if (f == fate) return name;
  }
  return "pending";
}

bool parse_fate(std::string_view text, Fate& out) {
  for (const auto& [f, name] : kNames) {
    if (name == text) {
      out = f;
      return true;
    }
  }
  return false;
}

}  // namespace msmi
