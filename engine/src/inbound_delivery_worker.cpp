#include "inbound_delivery_worker.h"

#include <algorithm>
#include <memory>

#include "content_conversion.h"
#include "mail_conversion.h"
#include "message_disposal.h"
#include "msmi/address.h"
#include "msmi/event_catalogue.h"
#include "msmi/mailbag.h"
#include "msmi/message_files.h"
#include "msmi/queue_payloads.h"
#include "ndr_generator.h"

namespace msmi {
namespace {

bool is_transient(XomReturnCode code) {
  return code == XomReturnCode::kNetworkError || code == XomReturnCode::kTemporaryError ||
         code == XomReturnCode::kMemoryInsufficient;
}

}  // namespace

void InboundDeliveryWorker::on_service_stopped() {
  mta_down_reported_ = false;
  wait_until_us_ = 0;
  if (session_open_) ctx_.env.mta.close_upload_session();
  session_open_ = false;
  current_.reset();
  state_ = ThreadState::kStopped;
}

StepResult InboundDeliveryWorker::step() {
  const std::int64_t now = ctx_.now();
  if (!running_) {
    state_ = ThreadState::kStopped;
    return {0, now + ctx_.settings.poll_interval_us};
  }
  // Q164177: no configuration, no work and no word about it; Q151669: waiting for the mutex
  // another thread kept.
  if (!ctx_.configured || ctx_.blocked(thread_)) {
    state_ = ThreadState::kIdle;
    return {0, now + ctx_.settings.poll_interval_us};
  }
  std::int64_t busy = 0;
  ctx_.step_clock.set_elapsed(0);
  if (!current_) {
    busy += ctx_.cost(ctx_.settings.cost_queue_scan_us);
    if (!claim_next()) {
      state_ = ThreadState::kIdle;
      return {busy, now + ctx_.settings.poll_interval_us};
    }
  }
  busy += submit(busy);
  ctx_.step_clock.set_elapsed(0);
  return {busy, std::max(now + busy, wait_until_us_)};
}

bool InboundDeliveryWorker::claim_next() {
  const MailbagEntries* entries = nullptr;
  if (!ctx_.inqueue.view(&entries).ok()) return false;  // the Mailer deals with a damaged queue
  ctx_.inqueue_records.prune(*entries);
  const std::int64_t now = ctx_.now();
  for (const MailbagEntry& entry : *entries) {
    if (entry.state != MailbagState::kReady) continue;
    const InqueueDecodings::Decoded& decoded =
        ctx_.inqueue_records.get(entry, ctx_.inqueue.mbg_path());
    if (!decoded.status.ok()) continue;
    const InqueueRecord& record = decoded.record;
    const auto wait = ctx_.not_before.find(record.number);
    if (wait != ctx_.not_before.end() && wait->second > now) continue;
    const MailbagEntry claimed = entry;  // `entries` changes with the update
    if (!ctx_.inqueue
             .update(claimed.seq, MailbagState::kInProgress, claimed.attempts, &claimed.payload)
             .ok()) {
      return false;
    }
    current_ =
        Claim{claimed.seq, claimed.attempts, record.number, record.message_id, 0, claimed.payload};
    return true;
  }
  return false;
}

std::int64_t InboundDeliveryWorker::submit(std::int64_t elapsed) {
  Claim& claim = *current_;
  std::int64_t busy = 0;
  auto stamp = [&] { ctx_.step_clock.set_elapsed(elapsed + busy); };
  // The cache's decodings, not copies: the Mailer read both moments ago.
  std::shared_ptr<const P1Envelope> p1;
  std::shared_ptr<const MaiContent> mai;
  std::string path = p1_path(claim.number);
  Status s = ctx_.message_files.read_p1(path, &p1);
  if (s.ok()) {
    path = p1->mai_path;
    s = ctx_.message_files.read_mai(path, &mai);
  }
  if (s.is_busy() || s.is_io_error()) {
    // Locked or a passing read error: put the record back and come back later. Only a file
    // that is gone or damaged is final.
    ctx_.check(ctx_.inqueue.update(claim.seq, MailbagState::kReady, claim.attempts, &claim.payload),
               thread_, claim.message_id, "putting the INQUEUE3 record back to ready");
    ctx_.not_before[claim.number] = ctx_.now() + ctx_.settings.retry_delay_us;
    current_.reset();
    return busy;
  }
  if (!s.ok()) {
    ctx_.check(ctx_.inqueue.remove(claim.seq, &claim.payload), thread_, claim.message_id,
               "removing the INQUEUE3 record");
    if (s.is_corruption()) {
      move_file_aside(ctx_, thread_, path, s.message(), claim.message_id);
      if (ctx_.settings.protections.quarantine) {
        quarantine_message(ctx_, thread_, claim.message_id, claim.number, s.message());
      } else {
        discard_message_files(ctx_, claim.number);
        ctx_.env.observer.on_settled(claim.message_id, Fate::kLost, s.message());
      }
    } else {
      // Gone: another thread may already have delivered it (the ledger keeps a final fate).
      ctx_.logger.log(event_id::kQueueRecordDropped, thread_, claim.message_id,
                      {claim.message_id, path, s.message()});
      discard_message_files(ctx_, claim.number);
      ctx_.env.observer.on_settled(claim.message_id, Fate::kLost, s.message());
    }
    finish_current();
    return busy;
  }
  const P1Envelope& envelope = *p1;
  const MaiContent& content = *mai;

  XomMessage message;
  message.message_id = claim.message_id;
  message.originator = envelope.sender;
  message.originator_name = envelope.sender_name;
  bool named = false;
  for (std::size_t i = 0; i < envelope.recipient_count(); ++i) {
    const std::string& name = envelope.recipient_name(i);
    named = named || !name.empty();
    if (!ctx_.addresses.parse(envelope.recipient(i)).ok) continue;
    message.recipients.push_back(envelope.recipient(i));
    message.recipient_names.push_back(name);
  }
  if (!named) message.recipient_names.clear();
  message.reply_to = content.reply_to;
  message.subject = content.subject;
  message.body = content.body;
  message.kind = envelope.dirsync ? MessageKind::kDirSync : MessageKind::kIpm;
  message.content.attachments = content.attachments;
  message.message_class = envelope.message_class;
  message.subject = converted_subject(envelope, content, ctx_.defect(Defect::kQ156844));
  const std::int64_t converted_us = ctx_.now();
  message.sent_us = converted_sent_us(envelope, converted_us, ctx_.defect(Defect::kQ161933));
  message.detect_duplicates = ctx_.settings.protections.exactly_once;
  if (envelope.message_class == kReadReceiptClass && !accept_receipt_date(content.receipt_date)) {
    return busy;
  }

  state_ = claim.consecutive_failures >= 2 ? ThreadState::kLooping : ThreadState::kWorking;
  const SiteVerdict verdict = ctx_.site_if_armed(
      Site::kConvertInbound, [&] { return message_site(Site::kConvertInbound, thread_, message); });
  switch (verdict.kind) {
    case SiteVerdict::Kind::kNone:
      break;
    case SiteVerdict::Kind::kHang:
      return busy;  // the thread holds its claim for good
    case SiteVerdict::Kind::kLeaveInQueue:
      leave_in_queue();
      return busy;
    case SiteVerdict::Kind::kFail:
      // Conversion failed: the message is corrupt as far as Exchange is concerned.
      give_up(XomReturnCode::kPermanentError, kNdrCorruptMessage);
      return busy + ctx_.cost(ctx_.settings.cost_ndr_us);
    case SiteVerdict::Kind::kAccessViolation:
      if (!report_access_violation(ctx_, thread_, claim.message_id, verdict.read_address,
                                   "Inbound delivery thread")) {
        current_.reset();  // the record stays in progress: the next start meets it again
        return busy;
      }
      ctx_.check(ctx_.inqueue.remove(claim.seq, &claim.payload), thread_, claim.message_id,
                 "removing the INQUEUE3 record");
      quarantine_message(ctx_, thread_, claim.message_id, claim.number,
                         "an access violation while converting it");
      finish_current();
      return busy;
  }
  if (!inbound_attachments_parse(ctx_, message.content.attachments)) {
    give_up(XomReturnCode::kPermanentError, kNdrUnparsableAddress, kUnparsableMessageText);
    return busy + ctx_.cost(ctx_.settings.cost_ndr_us);
  }
  stamp();
  log_conversion(envelope, message, converted_us);
  XomReturnCode code = XomReturnCode::kSuccess;
  if (!session_open_) {
    busy += ctx_.cost(ctx_.settings.cost_session_open_us);
    code = ctx_.env.mta.open_upload_session();
    if (ctx_.hung(thread_)) return busy;  // the call never returned
    if (code == XomReturnCode::kSuccess) {
      session_open_ = true;
      mta_down_reported_ = false;
      stamp();
      ctx_.logger.log(event_id::kUploadSessionEstablished, thread_, "", {});
    } else {
      // No MTA object to talk to: not the message's fault. Say so once and wait for the MTA;
      // the claimed message is submitted when a session can be opened again.
      stamp();
      if (!mta_down_reported_) ctx_.logger.log(event_id::kMtaObjectFailed, thread_, "", {});
      mta_down_reported_ = true;
      state_ = ThreadState::kIdle;
      wait_until_us_ = ctx_.now() + ctx_.settings.poll_interval_us;
      return busy;
    }
  }
  if (session_open_) {
    ctx_.env.observer.on_attempt(claim.message_id);
    busy += ctx_.cost(ctx_.settings.cost_put_us);
    code = ctx_.env.mta.put(message);
    if (ctx_.hung(thread_)) return busy;  // the call never returned
    stamp();
    static const EventSpec& put_note = *find_event_spec(event_id::kDebugValue);
    if (ctx_.logger.will_write(put_note)) {
      ctx_.logger.log(put_note, thread_, claim.message_id,
                      {"om_put(" + claim.message_id + ")", to_hex(code) + ":"});
    }
  }
  if (code == XomReturnCode::kSuccess) {
    // Test only: the put is done a second time, so that the oracle has a duplicate to catch (the
    // second one without duplicate detection, or the MTA would drop it).
    if (ctx_.defect(Defect::kTestDeliverTwice)) {
      XomMessage again = message;
      again.detect_duplicates = false;
      (void)ctx_.env.mta.put(again);
    }
    discard_message_files(ctx_, claim.number);
    ctx_.check(ctx_.inqueue.remove(claim.seq, &claim.payload), thread_, claim.message_id,
               "removing the INQUEUE3 record");
    ctx_.env.observer.on_settled(claim.message_id, Fate::kDelivered,
                                 "put into the XOM stream by thread " + std::to_string(thread_));
    finish_current();
    return busy;
  }
  return busy + handle_refusal(code);
}

void InboundDeliveryWorker::log_conversion(const P1Envelope& envelope, const XomMessage& message,
                                           std::int64_t converted_us) {
  // A dir-sync message carries directory updates: no subject or Sent time anyone reads.
  if (envelope.dirsync) return;
  static const EventSpec& note = *find_event_spec(event_id::kDebugValue, "conversion");
  // The note is written at maximum Debug Data logging only; below that it is not even formatted.
  if (!ctx_.logger.logging().passes(note.category, note.level)) return;
  ctx_.logger.log(note, thread_, message.message_id,
                  conversion_note(envelope, message.message_id, message.subject, message.sent_us,
                                  converted_us, ctx_.settings.date_origin_us));
}

std::int64_t InboundDeliveryWorker::handle_refusal(XomReturnCode code) {
  Claim& claim = *current_;
  ctx_.logger.log(event_id::kXomPutFailed, thread_, claim.message_id, {to_hex(code)});
  ctx_.logger.log(event_id::kDeliverToExchangeFailed, thread_, claim.message_id, {});
  // The MSMI's answer to a failed put: refresh the thread, which drops the MTA session.
  if (session_open_) ctx_.env.mta.close_upload_session();
  session_open_ = false;
  const std::int64_t refresh = ctx_.cost(ctx_.settings.cost_thread_refresh_us);
  SiteContext site{Site::kThreadRefresh, thread_, claim.message_id, "", {}, "", 0, "", "", ""};
  const SiteVerdict verdict = ctx_.site(site);
  if (verdict.kind == SiteVerdict::Kind::kHang || verdict.kind == SiteVerdict::Kind::kFail) {
    // The refreshed thread never comes back; its claim stays in progress until the next start.
    ctx_.hang_requests.push_back(thread_);
    current_.reset();
    return refresh;
  }
  ++claim.consecutive_failures;
  if (!is_transient(code) && claim.attempts < 255) ++claim.attempts;

  if (ctx_.defect(Defect::kQ151791)) {
    // The defect: the refreshed thread keeps the message it was holding and submits it again.
    ctx_.check(
        ctx_.inqueue.update(claim.seq, MailbagState::kInProgress, claim.attempts, &claim.payload),
        thread_, claim.message_id, "counting the attempt in INQUEUE3");
    if (claim.consecutive_failures >= 2) state_ = ThreadState::kLooping;
    return refresh;
  }
  const int max_attempts = std::max(1, ctx_.settings.max_attempts);
  if (is_transient(code) || claim.attempts < max_attempts) {
    std::int64_t delay = ctx_.settings.retry_delay_us;
    if (ctx_.settings.protections.backoff) {
      for (int i = 1; i < claim.attempts && delay < ctx_.settings.backoff_cap_us; ++i) delay *= 2;
      delay = std::min(delay, ctx_.settings.backoff_cap_us);
    }
    ctx_.not_before[claim.number] = ctx_.now() + refresh + delay;
    ctx_.check(ctx_.inqueue.update(claim.seq, MailbagState::kReady, claim.attempts, &claim.payload),
               thread_, claim.message_id, "putting the INQUEUE3 record back to ready");
    ctx_.logger.log(event_id::kRetryScheduled, thread_, claim.message_id,
                    {claim.message_id, std::to_string(delay / kSecond),
                     std::to_string(claim.attempts), std::to_string(max_attempts), to_hex(code)});
    current_.reset();
    return refresh;
  }
  give_up(code, kNdrUnknownAddress);
  return refresh + ctx_.cost(ctx_.settings.cost_ndr_us);
}

void InboundDeliveryWorker::leave_in_queue() {
  const Claim& claim = *current_;
  ctx_.check(ctx_.inqueue.update(claim.seq, MailbagState::kReady, claim.attempts, &claim.payload),
             thread_, claim.message_id, "putting the INQUEUE3 record back to ready");
  // A start clears every deferral, so the message comes round again after the next start.
  ctx_.not_before[claim.number] = INT64_MAX;
  current_.reset();
}

void InboundDeliveryWorker::give_up(XomReturnCode code, int reason, std::string_view reason_text) {
  const Claim claim = *current_;
  P1Envelope envelope;
  MaiContent content;
  // The files were read for the put moments ago; if they cannot be read now, the NDR goes out
  // with what is known (no subject) rather than not at all.
  const std::string path = p1_path(claim.number);
  Status s = ctx_.message_files.read_p1(path, &envelope);
  if (ctx_.check(s, thread_, claim.message_id, "reading " + path + " for the NDR")) {
    s = ctx_.message_files.read_mai(envelope.mai_path, &content);
    ctx_.check(s, thread_, claim.message_id, "reading " + envelope.mai_path + " for the NDR");
  }
  NdrRequest request;
  request.message_id = claim.message_id;
  request.sender = envelope.sender;
  request.subject = content.subject;
  request.reason = reason;
  request.reason_text = std::string(reason_text);
  const std::vector<std::string> recipients = envelope.recipients();
  const std::vector<std::string> names = envelope.recipient_names();
  for (std::size_t i = 0; i < recipients.size(); ++i) {
    if (!parse_address(recipients[i]).ok) continue;
    request.undeliverable.push_back(recipients[i]);
    request.undeliverable_names.push_back(names[i]);
  }
  request.sender_name = envelope.sender_name;
  request.reply_to = content.reply_to;
  NdrResult ndr = generate_ndr(ctx_, thread_, request);
  if (ndr.outcome == NdrOutcome::kAccessViolation) {
    if (!report_access_violation(ctx_, thread_, claim.message_id, ndr.read_address,
                                 "Inbound delivery thread")) {
      current_.reset();
      return;
    }
    ndr.outcome = NdrOutcome::kSenderUnreachable;  // survived: the message is set aside
    ndr.detail = "an access violation: " + ndr.detail;
  }
  ctx_.check(ctx_.inqueue.remove(claim.seq, &claim.payload), thread_, claim.message_id,
             "removing the INQUEUE3 record");
  if (ndr.outcome == NdrOutcome::kReturnedToSender) {
    discard_message_files(ctx_, claim.number);
    ctx_.env.observer.on_settled(
        claim.message_id, Fate::kNdr,
        (reason == kNdrUnknownAddress
             ? "MTA refused it " + std::to_string(claim.attempts) + " times with " + to_hex(code)
             : std::string("it could not be converted")) +
            "; " + ndr.detail);
  } else {
    quarantine_message(ctx_, thread_, claim.message_id, claim.number,
                       "MTA refused it with " + to_hex(code) + " and " + ndr.detail);
  }
  finish_current();
}

bool InboundDeliveryWorker::accept_receipt_date(const std::string& date) {
  ReceiptDate parsed;
  if (parse_receipt_date(date, ctx_.defect(Defect::kQ214565), &parsed)) return true;
  const Claim claim = *current_;
  const std::string why = "the date '" + date + "' of the read receipt could not be parsed";
  ctx_.logger.log(event_id::kReceiptDateUnparsable, thread_, claim.message_id,
                  {"The date '" + date + "' of read receipt " + claim.message_id +
                   " could not be parsed. The message cannot be processed."});
  ctx_.check(ctx_.inqueue.remove(claim.seq, &claim.payload), thread_, claim.message_id,
             "removing the INQUEUE3 record");
  if (ctx_.settings.protections.quarantine) {
    quarantine_message(ctx_, thread_, claim.message_id, claim.number, why);
  } else {
    // As the original did: the receipt is thrown away.
    discard_message_files(ctx_, claim.number);
    ctx_.env.observer.on_settled(claim.message_id, Fate::kLost, why);
  }
  finish_current();
  return false;
}

void InboundDeliveryWorker::finish_current() {
  if (current_) ctx_.not_before.erase(current_->number);
  current_.reset();
}

}  // namespace msmi
