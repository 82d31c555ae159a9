#include "msmisim/simulated_directory.h"

#include <algorithm>
#include <cctype>

namespace msmisim {
namespace {

bool same_address(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

int SimulatedDirectory::remove_recipient(std::string_view name) {
  const std::size_t before = gal_.size();
  std::erase_if(gal_, [&](const GalEntry& e) { return e.name == name; });
  has_gal_ = true;
  return static_cast<int>(before - gal_.size());
}

int SimulatedDirectory::count_recipients(std::string_view address) const {
  if (!has_gal_) return -1;
  return static_cast<int>(std::count_if(gal_.begin(), gal_.end(), [&](const GalEntry& e) {
    return std::any_of(e.addresses.begin(), e.addresses.end(),
                       [&](const std::string& a) { return same_address(a, address); });
  }));
}

}  // namespace msmisim
