// The directory's fault point (directory.session): a DirectoryGateway wrapper that asks the
// FaultInjector whenever the MSMI establishes a session and answers a rule's return(code)
// instead of the directory.
#pragma once

#include "msmi/directory_gateway.h"
#include "msmisim/fault_injector.h"

namespace msmisim {

class FaultyDirectory final : public msmi::DirectoryGateway {
 public:
  // `target` and `injector` must outlive this wrapper.
  FaultyDirectory(msmi::DirectoryGateway& target, FaultInjector& injector)
      : target_(target), injector_(injector) {}

  std::uint32_t open_session(msmi::ServiceAccount account) override {
    const Action* action = injector_.evaluate("directory.session", {});
    if (action != nullptr && action->kind == ActionKind::kReturn) return action->directory_code;
    return target_.open_session(account);
  }
  int count_recipients(std::string_view address) const override {
    return target_.count_recipients(address);
  }

 private:
  msmi::DirectoryGateway& target_;
  FaultInjector& injector_;
};

}  // namespace msmisim
