// An inbound delivery thread (thread 5 on one CPU, one more per extra CPU): claims a ready
// INQUEUE3 record, opens an MTA upload session (2384) and puts the message into the XOM stream.
// When the MTA refuses it (2342 "Return code is 0x15", 2553) the thread is refreshed. With
// Q151791 on, the refreshed thread submits the same message again, for ever; without it the
// message is retried a bounded number of times (with backoff in the hardened profile), then
// NDR'd to its sender or quarantined, and the thread moves on.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "msmi/mailbag.h"
#include "msmi/message_files.h"
#include "msmi/queue_payloads.h"
#include "msmi/worker.h"
#include "msmi_context.h"

namespace msmi {

class InboundDeliveryWorker final : public Worker {
 public:
  InboundDeliveryWorker(MsmiContext& ctx, const bool& running, int thread)
      : ctx_(ctx), running_(running), thread_(thread) {}

  int thread() const override { return thread_; }
  std::string_view role() const override { return "inbound"; }
  StepResult step() override;
  ThreadState state() const override { return state_; }
  void on_service_stopped() override;

 private:
  struct Claim {
    std::uint32_t seq = 0;
    std::uint8_t attempts = 0;
    std::uint32_t number = 0;
    std::string message_id;
    int consecutive_failures = 0;
    std::string payload;  // the record as claimed: only that record is updated or removed
  };

  bool claim_next();
  // `elapsed` is the busy time the step used before; returns the busy time submit() adds.
  std::int64_t submit(std::int64_t elapsed);
  // The MTA refused the current message with `code`; returns extra busy time.
  std::int64_t handle_refusal(XomReturnCode code);
  // NDRs the claimed message with `reason` (or quarantines it) and moves on.
  // `reason_text` replaces the reason code's usual text when given.
  void give_up(XomReturnCode code, int reason, std::string_view reason_text = {});
  // The claimed message goes back to INQUEUE3, untouched until the next start of the service.
  void leave_in_queue();
  // Whether the date of a read receipt can be read; if not, writes 2539 and throws the
  // receipt away (quarantines it, with the quarantine protection) and returns false.
  bool accept_receipt_date(const std::string& date);
  void finish_current();
  // Writes the conversion note (10000 "conversion", maximum Debug Data logging) of `message`,
  // converted from `envelope` at `converted_us`: the subject and Sent time it was given.
  void log_conversion(const P1Envelope& envelope, const XomMessage& message,
                      std::int64_t converted_us);

  MsmiContext& ctx_;
  const bool& running_;
  int thread_;
  ThreadState state_ = ThreadState::kStopped;
  bool session_open_ = false;
  // The MTA could not be reached to open a session: 2550 was written once for this outage and
  // the thread waits quietly until `wait_until_us_` before it tries again.
  bool mta_down_reported_ = false;
  std::int64_t wait_until_us_ = 0;
  std::optional<Claim> current_;
};

}  // namespace msmi
