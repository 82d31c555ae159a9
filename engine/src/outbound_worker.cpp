#include "outbound_worker.h"

#include "msmi/address.h"
#include "msmi/event_catalogue.h"
#include "msmi/mailbag.h"
#include "msmi/queue_payloads.h"
#include "ndr_generator.h"

namespace msmi {
namespace {

// An address as 2117 shows it: "NET/PO/MAILBOX" for MS Mail (Q163020's "From:
// MICROSOFT/NETPO/USER"), the address itself otherwise.
std::string as_2117_shows(const std::string& address) {
  const AddressParseResult parsed = parse_address(address);
  if (!parsed.ok || parsed.address.type != AddressType::kMsMail) return address;
  return parsed.address.network + "/" + parsed.address.postoffice + "/" + parsed.address.mailbox;
}

}  // namespace

void OutboundWorker::on_service_stopped() {
  if (session_open_) ctx_.env.mta.close_download_session();
  session_open_ = false;
  read_failure_reported_ = false;
  // The MTA offers every unacknowledged message again after the next start.
  for (auto& [id, d] : deferred_) d.retry_at_us = 0;
  state_ = ThreadState::kStopped;
}

bool OutboundWorker::deferral_due(std::int64_t now) const {
  for (const auto& [id, d] : deferred_) {
    if (d.retry_at_us <= now) return true;
  }
  return false;
}

StepResult OutboundWorker::step() {
  const std::int64_t now = ctx_.now();
  const std::int64_t poll = ctx_.settings.poll_interval_us;
  if (!running_) {
    state_ = ThreadState::kStopped;
    return {0, now + poll};
  }
  if (!ctx_.configured) {  // Q164177: no configuration, no work, and no word about it
    state_ = ThreadState::kIdle;
    return {0, now + poll};
  }
  std::int64_t busy = ctx_.cost(ctx_.settings.cost_queue_scan_us);
  MtaGateway& mta = ctx_.env.mta;
  XomReturnCode code = XomReturnCode::kSuccess;
  if (!session_open_) {
    busy += ctx_.cost(ctx_.settings.cost_session_open_us);
    code = mta.open_download_session();
    if (ctx_.hung(thread_)) return {busy, now + poll};  // the call never returned
    if (code == XomReturnCode::kSuccess) {
      session_open_ = true;
      offered_.clear();
      ctx_.logger.log(event_id::kDownloadSessionEstablished, thread_, "", {});
    }
  }
  std::optional<XomMessage> message;
  if (session_open_) code = mta.read_next(&message);
  if (ctx_.hung(thread_)) return {busy, now + poll};
  if (code != XomReturnCode::kSuccess) {
    // Report an outage once, not at every poll.
    if (!read_failure_reported_) {
      ctx_.logger.log(event_id::kMtaReadFailed, thread_, "", {});
      read_failure_reported_ = true;
    }
    if (session_open_) mta.close_download_session();
    session_open_ = false;
    state_ = ThreadState::kIdle;
    return {busy, now + poll};
  }
  read_failure_reported_ = false;
  if (!message) {
    // The end of the queue for this session, which offered every message the MTA still holds:
    // a deferred message it did not offer has left the queue some other way (the
    // administrator returned or deleted it). A deferred message is offered again only in a new
    // session, so close this one when one is due.
    std::erase_if(deferred_, [&](const auto& d) { return offered_.count(d.first) == 0; });
    if (deferral_due(now)) {
      mta.close_download_session();
      session_open_ = false;
    }
    state_ = ThreadState::kIdle;
    return {busy, now + poll};
  }
  offered_.insert(message->message_id);
  if (const auto it = deferred_.find(message->message_id);
      it != deferred_.end() && it->second.retry_at_us > now) {
    return {busy, now + busy};  // not yet: leave it in the queue and read on
  }
  state_ = ThreadState::kWorking;
  busy += deliver(*message);
  return {busy, now + busy};
}

std::int64_t OutboundWorker::deliver(const XomMessage& message) {
  std::int64_t busy = ctx_.cost(ctx_.settings.cost_outbound_message_us);
  ctx_.env.observer.on_attempt(message.message_id);
  const SiteVerdict verdict = ctx_.site(message_site(Site::kConvertOutbound, thread_, message));
  switch (verdict.kind) {
    case SiteVerdict::Kind::kNone:
      break;
    case SiteVerdict::Kind::kHang:
      return busy;
    case SiteVerdict::Kind::kFail:
    case SiteVerdict::Kind::kLeaveInQueue:
      // Not acknowledged: the MTA offers it again after the next start, and 2450 comes again.
      ctx_.logger.log(event_id::kOutboundMessageFailed, thread_, message.message_id,
                      {message.originator});
      return busy;
    case SiteVerdict::Kind::kAccessViolation:
      if (!report_access_violation(ctx_, thread_, message.message_id, verdict.read_address,
                                   "Outbound thread")) {
        return busy;  // unacknowledged: the next start reads it again
      }
      // Survived: the message is taken off the MTA's queue and kept aside.
      if (ctx_.env.mta.acknowledge(message.message_id) == XomReturnCode::kSuccess) {
        ctx_.logger.log(event_id::kMessageQuarantined, thread_, message.message_id,
                        {message.message_id, "an access violation while converting it",
                         "the MTA's MSMI queue (removed)"});
        ctx_.env.observer.on_settled(message.message_id, Fate::kQuarantined,
                                     "an access violation while converting it");
      }
      return busy;
  }
  std::vector<std::string> no_mailbag;
  std::vector<std::string> full;
  std::vector<std::string> written;
  const auto prior = deferred_.find(message.message_id);
  for (std::size_t index = 0; index < message.recipients.size(); ++index) {
    const std::string& recipient = message.recipients[index];
    if (prior != deferred_.end() && prior->second.done.count(recipient) != 0) continue;
    SiteContext site = message_site(Site::kParseAddress, thread_, message);
    site.address = recipient;
    const SiteVerdict verdict = ctx_.site(site);
    if (verdict.kind == SiteVerdict::Kind::kHang) return busy;
    if (verdict.kind == SiteVerdict::Kind::kAccessViolation &&
        !report_access_violation(ctx_, thread_, message.message_id, verdict.read_address,
                                 "Outbound thread")) {
      return busy;  // unacknowledged: the next start reads it again
    }
    // A recipient that failed to parse (or, surviving, whose parse faulted) has no mailbag.
    const AddressParseResult parsed =
        verdict.kind == SiteVerdict::Kind::kNone ? parse_address(recipient) : AddressParseResult{};
    const Address& to = parsed.address;
    if (!parsed.ok || to.type != AddressType::kMsMail ||
        !ctx_.directory.knows(to.network, to.postoffice)) {
      ctx_.logger.log(event_id::kNoMailbagForRecipient, thread_, message.message_id,
                      {recipient, message.message_id});
      no_mailbag.push_back(recipient);
      continue;
    }
    const std::string name =
        index < message.recipient_names.size() ? message.recipient_names[index] : "";
    OutboundRecord record;
    record.message_id = message.message_id;
    record.sender = message.originator;
    record.sender_name = message.originator_name;
    record.recipients = {to.to_string()};
    if (!name.empty()) record.recipient_names = {name};
    record.subject = message.subject;
    record.reply_to = message.reply_to;
    record.dirsync = message.kind == MessageKind::kDirSync;
    Mailbag& mailbag = ctx_.mailbag(NetworkDirectory::mailbag_name({to.network, to.postoffice}));
    SiteContext write = message_site(Site::kWriteMailbag, thread_, message);
    write.recipients = {recipient};
    write.recipient_names = {name};
    write.mailbag = mailbag.name();
    if (ctx_.site(write).kind == SiteVerdict::Kind::kNone &&
        mailbag.append(encode_outbound_record(record), nullptr).ok()) {
      written.push_back(recipient);
    } else {
      ctx_.logger.log(event_id::kMailbagDiskError, thread_, message.message_id,
                      {mailbag.name(), message.message_id});
      full.push_back(recipient);
    }
  }
  int delivered = static_cast<int>(written.size());
  if (prior != deferred_.end()) delivered += prior->second.delivered;
  bool ndr_refused = false;
  if (!no_mailbag.empty()) ndr_refused |= !return_ndr(message, no_mailbag, kNdrUnknownAddress);
  if (!full.empty() && ctx_.settings.protections.backoff) {
    Deferral& d = deferred_[message.message_id];
    if (++d.attempts < ctx_.settings.max_attempts) {
      // Wait for the PC MTA to drain the mailbag; the recipients served now are not served
      // again. A returned NDR the MTA refused is tried again with the rest.
      d.done.insert(written.begin(), written.end());
      if (!ndr_refused) d.done.insert(no_mailbag.begin(), no_mailbag.end());
      d.delivered += static_cast<int>(written.size());
      std::int64_t delay = ctx_.settings.retry_delay_us;
      for (int i = 1; i < d.attempts && delay < ctx_.settings.backoff_cap_us; ++i) delay *= 2;
      d.retry_at_us = ctx_.now() + std::min(delay, ctx_.settings.backoff_cap_us);
      if (!no_mailbag.empty()) busy += ctx_.cost(ctx_.settings.cost_ndr_us);
      return busy;
    }
  }
  if (!full.empty()) ndr_refused |= !return_ndr(message, full, kNdrMailbagContention);
  if (!no_mailbag.empty() || !full.empty()) busy += ctx_.cost(ctx_.settings.cost_ndr_us);
  if (ndr_refused && delivered == 0) {
    // Nothing was written and nothing went back: the message stays the MTA's responsibility.
    ctx_.logger.log(event_id::kOutboundMessageFailed, thread_, message.message_id,
                    {message.originator});
    return busy;
  }
  deferred_.erase(message.message_id);
  const XomReturnCode ack = ctx_.env.mta.acknowledge(message.message_id);
  if (ctx_.hung(thread_)) return busy;
  if (ack != XomReturnCode::kSuccess) {
    // The MTA keeps offering it: the next read delivers it again. Say so; the oracle counts it.
    ctx_.check(Status::IoError("om_remove returned " + to_hex(ack)), thread_, message.message_id,
               "acknowledging " + message.message_id + " to the MTA");
  }
  if (delivered > 0) {
    ctx_.env.observer.on_settled(message.message_id, Fate::kDelivered,
                                 "written to " + std::to_string(delivered) + " mailbag(s)");
  } else {
    ctx_.env.observer.on_settled(message.message_id, Fate::kNdr, "returned to Exchange sender");
  }
  return busy;
}

bool OutboundWorker::return_ndr(const XomMessage& message, const std::vector<std::string>& failed,
                                int reason) {
  // 2371 speaks of invalid recipients; a recipient whose mailbag is full is not one.
  if (reason != kNdrMailbagContention) {
    ctx_.logger.log(event_id::kInvalidRecipients, thread_, message.message_id,
                    {message.message_id});
  }
  std::string list;
  for (const std::string& r : failed) list += (list.empty() ? "" : ", ") + as_2117_shows(r);
  ctx_.logger.log(event_id::kNdrGenerated, thread_, message.message_id,
                  {as_2117_shows(message.originator), message.subject, ndr_reason_code(reason),
                   std::string(ndr_reason_text(reason)), list});
  XomMessage ndr;
  ndr.message_id = message.message_id + "-NDR";
  ndr.originator = ctx_.connector_admin();
  ndr.recipients = {message.originator};
  if (!message.originator_name.empty()) ndr.recipient_names = {message.originator_name};
  ndr.subject = "Undeliverable: " + message.subject;
  ndr.kind = MessageKind::kNdr;
  MtaGateway& mta = ctx_.env.mta;
  XomReturnCode code = mta.open_upload_session();
  if (code == XomReturnCode::kSuccess) {
    code = mta.put(ndr);
    mta.close_upload_session();
  }
  if (code == XomReturnCode::kSuccess) return true;
  ctx_.logger.log(event_id::kXomPutFailed, thread_, ndr.message_id, {to_hex(code)});
  return false;
}

}  // namespace msmi
