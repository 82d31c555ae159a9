// The Mailer thread (thread 4): takes new INQUEUE3 records, reads their P1 envelopes, checks
// sender and recipients, generates NDRs for invalid recipients (2371, 2117) and hands the rest
// to the inbound delivery threads by marking the record ready (2444).
#pragma once

#include "msmi/worker.h"
#include "msmi_context.h"

namespace msmi {

class MailerWorker final : public Worker {
 public:
  static constexpr int kThread = 4;
  MailerWorker(MsmiContext& ctx, const bool& running) : ctx_(ctx), running_(running) {}

  int thread() const override { return kThread; }
  std::string_view role() const override { return "mailer"; }
  StepResult step() override;
  ThreadState state() const override { return state_; }
  void on_service_stopped() override { state_ = ThreadState::kStopped; }

 private:
  // Processes one record; returns the busy time.
  std::int64_t process(const struct MailbagEntry& entry);

  MsmiContext& ctx_;
  const bool& running_;
  ThreadState state_ = ThreadState::kStopped;
  bool retry_later_ = false;  // set by process() when the record must wait for the next poll
};

}  // namespace msmi
