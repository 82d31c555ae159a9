#include "msmi/fault_sites.h"

#include <array>

namespace msmi {
namespace {

constexpr std::array<std::string_view, kSiteCount> kSiteNames = {
    "engine.convert_inbound", "engine.convert_outbound",     "engine.parse_address",
    "engine.log_ndr",         "engine.write_mailbag",        "engine.thread_start",
    "engine.thread_refresh",  "engine.housekeeping_refresh", "engine.service_start",
    "engine.service_stop",
};

}  // namespace

std::string_view to_string(Site site) {
  return kSiteNames[static_cast<std::size_t>(site)];
}

bool parse_site(std::string_view name, Site& out) {
  for (std::size_t i = 0; i < kSiteNames.size(); ++i) {
    if (kSiteNames[i] == name) {
      out = static_cast<Site>(i);
      return true;
    }
  }
  return false;
}

}  // namespace msmi
