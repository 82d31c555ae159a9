// The simulated Microsoft Exchange Directory service behind DirectoryGateway: running or
// stopped. The MTA depends on it (runner.cpp starts and stops them in that order). A session
// with a stopped directory fails with the code the MSMI reports in 2410.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "msmi/directory_gateway.h"

namespace msmisim {

inline constexpr std::string_view kDirectoryServiceName = "Microsoft Exchange Directory";
// What a session with a directory that does not answer returns (Q-article text of 2410).
inline constexpr std::uint32_t kDirectorySessionFailed = 0x105;

// One recipient of the Global Address List: its display name and its e-mail addresses.
struct GalEntry {
  std::string name;
  std::vector<std::string> addresses;
};

class SimulatedDirectory final : public msmi::DirectoryGateway {
 public:
  void set_running(bool running) { running_ = running; }
  bool running() const { return running_; }
  std::uint32_t open_session(msmi::ServiceAccount account) override {
    return running_ && account == msmi::ServiceAccount::kExchangeService ? 0
                                                                         : kDirectorySessionFailed;
  }

  // The Global Address List, when the scenario gives one (`directory.recipients`): the MSMI
  // matches each address of mail from MS Mail against it. Without one every address resolves.
  void add_recipient(GalEntry entry) {
    has_gal_ = true;
    gal_.push_back(std::move(entry));
  }
  // Deletes the recipients with that display name (the administrator's fix for a duplicate);
  // returns how many.
  int remove_recipient(std::string_view name);
  const std::vector<GalEntry>& recipients() const { return gal_; }
  int count_recipients(std::string_view address) const override;

 private:
  bool running_ = true;
  bool has_gal_ = false;
  std::vector<GalEntry> gal_;
};

}  // namespace msmisim
