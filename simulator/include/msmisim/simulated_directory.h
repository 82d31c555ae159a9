// The simulated Microsoft Exchange Directory service behind DirectoryGateway: running or
// stopped. The MTA depends on it (runner.cpp starts and stops them in that order). A session
// with a stopped directory fails with the code the MSMI reports in 2410.
#pragma once

#include <cstdint>
#include <string_view>

#include "msmi/directory_gateway.h"

namespace msmisim {

inline constexpr std::string_view kDirectoryServiceName = "Microsoft Exchange Directory";
// What a session with a directory that does not answer returns (Q-article text of 2410).
inline constexpr std::uint32_t kDirectorySessionFailed = 0x105;

class SimulatedDirectory final : public msmi::DirectoryGateway {
 public:
  void set_running(bool running) { running_ = running; }
  bool running() const { return running_; }
  std::uint32_t open_session(msmi::ServiceAccount account) override {
    return running_ && account == msmi::ServiceAccount::kExchangeService ? 0
                                                                         : kDirectorySessionFailed;
  }

 private:
  bool running_ = true;
};

}  // namespace msmisim
