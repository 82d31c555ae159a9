// DirectoryGateway: the MSMI's session with the Microsoft Exchange Directory service, which it
// opens when the service starts to read the connector's configuration. Without it the service
// does not start (2410, then the Service Control Manager's 7024).
#pragma once

#include <cstdint>
#include <string_view>

namespace msmi {

// The account the MSMI service logs on as (the Services applet's "Log On As"). The Exchange
// service account has permissions on the site's directory objects; the Windows NT System
// Account (LocalSystem) has none there (Q164177).
enum class ServiceAccount { kExchangeService, kLocalSystem };

class DirectoryGateway {
 public:
  virtual ~DirectoryGateway() = default;
  // Establishes a session with the directory as `account`: 0 when it is established, else the
  // directory's return code, which the MSMI reports in 2410 ("The return code is 0x105."). A
  // directory refuses the System Account, which has no permissions on the site.
  virtual std::uint32_t open_session(ServiceAccount account) = 0;
  // How many directory objects (mailboxes, custom recipients) carry `address` among their
  // e-mail addresses: 1 for a recipient that resolves, more when the address is duplicated in
  // the Global Address List (Q165396). -1 when the directory keeps no recipients to match
  // against: the MSMI then takes the address as it is.
  virtual int count_recipients(std::string_view address) const {
    (void)address;
    return -1;
  }
};

}  // namespace msmi
