#include "msmisim/faulty_mta.h"

namespace msmisim {
using msmi::XomReturnCode;

bool FaultyMta::refuse(std::string_view point, const FaultSubject& subject, XomReturnCode* code,
                       const Action** fired) {
  const Action* action = injector_.evaluate(point, subject);
  if (fired != nullptr) *fired = action;
  if (action == nullptr) return false;
  switch (action->kind) {
    case ActionKind::kReturn:
      *code = action->code;
      return true;
    case ActionKind::kDropSession:
      target_.drop_sessions();
      *code = XomReturnCode::kNetworkError;
      return true;
    case ActionKind::kHang:
    case ActionKind::kTerminate:
    case ActionKind::kStop:
    case ActionKind::kPowerLoss:
      *code = XomReturnCode::kNetworkError;  // the caller never sees an answer
      return true;
    default:
      return false;
  }
}

XomReturnCode FaultyMta::open_upload_session() {
  check_service();
  XomReturnCode code;
  return refuse("mta.open_upload", {}, &code) ? code : target_.open_upload_session();
}

FaultSubject FaultyMta::message_subject(const msmi::XomMessage& message) {
  FaultSubject subject;
  subject.sender = message.originator;
  subject.recipients = &message.recipients;
  subject.subject = message.subject;
  subject.size = message.body.size();
  subject.msgkind = msmi::to_string(message.kind);
  subject.sender_name = message.originator_name;
  subject.recipient_names = &message.recipient_names;
  subject.reply_to = message.reply_to;
  subject.message_id = message.message_id;
  return subject;
}

XomReturnCode FaultyMta::put(const msmi::XomMessage& message) {
  const FaultSubject subject = message_subject(message);
  check_service(subject);
  XomReturnCode code;
  if (refuse("mta.put", subject, &code)) {
    target_.note_refused(message, code);
    return code;
  }
  return target_.put(message);
}

// Closing answers nothing: only the world's actions (hang, stop, delay, event…) apply here.
void FaultyMta::close_upload_session() {
  check_service();
  (void)injector_.evaluate("mta.close_upload", {});
  target_.close_upload_session();
}

void FaultyMta::close_download_session() {
  check_service();
  (void)injector_.evaluate("mta.close_download", {});
  target_.close_download_session();
}

XomReturnCode FaultyMta::open_download_session() {
  check_service();
  XomReturnCode code;
  return refuse("mta.open_download", {}, &code) ? code : target_.open_download_session();
}

XomReturnCode FaultyMta::read_next(std::optional<msmi::XomMessage>* out) {
  check_service();
  XomReturnCode code;
  out->reset();
  // The message triggers see the message this read reaches.
  const msmi::XomMessage* next = target_.peek_next();
  FaultSubject subject;
  if (next != nullptr) subject = message_subject(*next);
  const Action* fired = nullptr;
  if (!refuse("mta.read", subject, &code, &fired)) return target_.read_next(out);
  // A rule that picks the message makes that message unreadable (a damaged message in the MTA's
  // database): om_read fails on it, the MSMI gets what it could read of it — its envelope — and
  // the session goes on past it. Any other refusal is the MTA failing.
  const FaultRule* rule = injector_.last_rule();
  if (next != nullptr && fired != nullptr && fired->kind == ActionKind::kReturn &&
      rule != nullptr && names_message(*rule)) {
    *out = *next;
    target_.pass_over(next->message_id);
  }
  return code;
}

XomReturnCode FaultyMta::acknowledge(std::string_view message_id) {
  check_service();
  XomReturnCode code;
  const Action* fired = nullptr;
  FaultSubject subject;
  subject.message_id = message_id;
  if (refuse("mta.ack", subject, &code, &fired)) {
    target_.note_ack_fault(message_id, AckOutcome::kRefused);
    return code;
  }
  // A lost acknowledgement: the MTA answers success but keeps the message.
  if (fired != nullptr && fired->kind == ActionKind::kLeaveInQueue) {
    target_.note_ack_fault(message_id, AckOutcome::kLost);
    return XomReturnCode::kSuccess;
  }
  return target_.acknowledge(message_id);
}

}  // namespace msmisim
