// The world's side of fault actions for a FaultInjector used on its own in a test: there is no
// world, so every effect does nothing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "msmisim/fault_injector.h"

namespace testsupport {

class NoEffects final : public msmisim::FaultEffects {
 public:
  void hang(int) override {}
  void end_service(bool) override {}
  void delay(std::int64_t) override {}
  void write_event(int, const std::vector<std::string>&) override {}
  void power_loss(const std::string&) override {}
  void hang_mta() override {}
  void end_mta(bool) override {}
};

}  // namespace testsupport
