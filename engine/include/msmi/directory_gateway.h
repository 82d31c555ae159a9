// DirectoryGateway: the MSMI's session with the Microsoft Exchange Directory service, which it
// opens when the service starts to read the connector's configuration. Without it the service
// does not start (2410, then the Service Control Manager's 7024).
#pragma once

#include <cstdint>

namespace msmi {

class DirectoryGateway {
 public:
  virtual ~DirectoryGateway() = default;
  // Establishes a session with the directory: 0 when it is established, else the directory's
  // return code, which the MSMI reports in 2410 ("The return code is 0x105.").
  virtual std::uint32_t open_session() = 0;
};

}  // namespace msmi
