// The MTA's fault points (mta.open_upload, mta.put, mta.open_download, mta.read, mta.ack): an
// MtaGateway wrapper that asks the FaultInjector at every call and carries out the MTA's own
// actions — a XOM return code, dropped sessions, an acknowledgement that is lost. Every call
// first meets mta.service, the MTA service itself: a rule there hangs or ends the MTA (the
// world does that), and the call then fails the way a call to a down MTA fails.
#pragma once

#include "msmi/mta_gateway.h"
#include "msmisim/fault_injector.h"
#include "msmisim/simulated_mta.h"

namespace msmisim {

class FaultyMta final : public msmi::MtaGateway {
 public:
  // `target` and `injector` must outlive this wrapper.
  FaultyMta(SimulatedMta& target, FaultInjector& injector) : target_(target), injector_(injector) {}

  msmi::XomReturnCode open_upload_session() override;
  msmi::XomReturnCode put(const msmi::XomMessage& message) override;
  void close_upload_session() override;
  msmi::XomReturnCode open_download_session() override;
  // mta.read: the message triggers see the message the read reaches. A `return` from a rule
  // with message triggers fails the read of that message only: *out holds its envelope (what
  // the MSMI could read of it) and the session goes on past it. Any other refusal leaves *out
  // empty: the MTA failed.
  msmi::XomReturnCode read_next(std::optional<msmi::XomMessage>* out) override;
  msmi::XomReturnCode acknowledge(std::string_view message_id) override;
  void close_download_session() override;

 private:
  // mta.service, before every call.
  // The MTA service itself, asked before every call; a put's call carries its message.
  void check_service(const FaultSubject& subject = {}) {
    (void)injector_.evaluate("mta.service", subject);
  }
  // Returns true when the call must fail with *code.
  bool refuse(std::string_view point, const FaultSubject& subject, msmi::XomReturnCode* code,
              const Action** fired = nullptr);

  // What the message triggers see of a message.
  static FaultSubject message_subject(const msmi::XomMessage& message);

  SimulatedMta& target_;
  FaultInjector& injector_;
};

}  // namespace msmisim
