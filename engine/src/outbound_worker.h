// An outbound thread (numbered after the inbound threads; thread 6 on one CPU): opens an MTA
// download session (2335), reads the MSMI queue (om_read) and writes each message into the
// mailbag of its destination postoffice. A recipient with no mailbag on the connector postoffice
// gets 2375 and an NDR back into Exchange (2371, 2117); a full mailbag gets 2010 and an NDR with
// reason [008] (Q163020). A failed read is 2560. A message none of whose recipients could be
// served and whose NDR the MTA refuses is left unacknowledged in the MSMI queue (2450): the MTA
// offers it again after the next start of the service.
//
// A message the MTA cannot read (om_read fails on it, a damaged message) is logged (2450) and
// left in the queue, and the thread goes on with the messages behind it; with Q159305 the
// thread fails instead (2335, 2560) and the service terminates. An access violation while
// converting a message is handled: 2380, then 2450, and the message stays in the queue; with
// Q151669 the thread keeps the mutex it held, so the other threads wait for ever while it meets
// the message again and again. With Q164840 an NDR whose text is not ASCII (the Japanese build)
// is written to MS Mail but never removed from the queue (2380, 2449): every new session
// delivers it again.
//
// With backoff (the hardened profile) a full mailbag is a reason to wait, not to bounce: the
// message stays unacknowledged, the recipients already served are remembered, and the thread
// reopens its session to be offered it again after the retry delay (doubling, capped), up to
// max_attempts; only then the full recipients get the [008] NDR.
#pragma once

#include <map>
#include <set>
#include <string>

#include "msmi/worker.h"
#include "msmi_context.h"

namespace msmi {

class OutboundWorker final : public Worker {
 public:
  OutboundWorker(MsmiContext& ctx, const bool& running, int thread)
      : ctx_(ctx), running_(running), thread_(thread) {}

  int thread() const override { return thread_; }
  std::string_view role() const override { return "outbound"; }
  StepResult step() override;
  ThreadState state() const override { return state_; }
  void on_service_stopped() override;

 private:
  std::int64_t deliver(const XomMessage& message);
  // om_read failed on `envelope` (a damaged message) with `code`.
  std::int64_t unreadable(const XomMessage& envelope, XomReturnCode code);
  // An access violation at `read_address` while converting `message`, handled.
  std::int64_t handled_exception(const XomMessage& message, std::uint32_t read_address);
  // Returns whether the MTA took the NDR.
  bool return_ndr(const XomMessage& message, const std::vector<std::string>& failed, int reason);

  // A message waiting for a full mailbag to drain.
  struct Deferral {
    int attempts = 0;
    std::int64_t retry_at_us = 0;
    std::set<std::string> done;  // recipients written or returned already
    int delivered = 0;           // … of which written
  };
  // Whether a deferred message is due again; reopens the session so the MTA offers it.
  bool deferral_due(std::int64_t now) const;

  MsmiContext& ctx_;
  const bool& running_;
  int thread_;
  ThreadState state_ = ThreadState::kStopped;
  bool session_open_ = false;
  bool read_failure_reported_ = false;
  std::map<std::string, Deferral> deferred_;  // message ID →
  // Message IDs read in this session (those not deferred may be forgotten between steps).
  std::set<std::string> offered_;
};

}  // namespace msmi
