#include "outbound_worker.h"

#include <cstdio>

#include "content_conversion.h"
#include "msmi/address.h"
#include "msmi/event_catalogue.h"
#include "msmi/mailbag.h"
#include "msmi/queue_payloads.h"
#include "ndr_generator.h"

namespace msmi {
namespace {

// Where in MT.EXE the outbound thread's conversion reads, as 2380 reports it (a quoted
// "Exception address: 0x4496c2.").
constexpr std::uint32_t kOutboundExceptionAddress = 0x004496C2;
// What the Japanese build reads through while removing an NDR from the queue (Q164840; the
// article quotes no address: one of the addresses other 2380 quotes give).
constexpr std::uint32_t kNdrRemoveReadAddress = 0x00000004;

std::string hex_address(std::uint32_t value) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "0x%08X", value);
  return buffer;
}

bool has_8bit(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return true;
  }
  return false;
}

// An address as 2117 shows it: "NET/PO/MAILBOX" for MS Mail (Q163020's "From:
// MICROSOFT/NETPO/USER"), the address itself otherwise.
std::string as_2117_shows(const std::string& address) {
  const AddressParseResult parsed = parse_address(address);
  if (!parsed.ok || parsed.address.type != AddressType::kMsMail) return address;
  return parsed.address.network + "/" + parsed.address.postoffice + "/" + parsed.address.mailbox;
}

}  // namespace

void OutboundWorker::on_service_stopped() {
  if (ctx_.mutex_owner == thread_) ctx_.mutex_owner = -1;  // the process ended: the mutex is free
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
  // What this session read matters only for deferred messages (the end of the queue drops those
  // it did not offer). A message enters deferred_ only in the step that read it, so between steps
  // the others can be forgotten: a long session does not remember every message it read.
  if (offered_.size() > 2 * deferred_.size() + 256) {
    std::erase_if(offered_, [&](const std::string& id) { return deferred_.count(id) == 0; });
  }
  if (!running_) {
    state_ = ThreadState::kStopped;
    return {0, now + poll};
  }
  // Q164177: no configuration, no work and no word about it; Q151669: waiting for the mutex
  // another thread kept.
  if (!ctx_.configured || ctx_.blocked(thread_)) {
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
  if (code != XomReturnCode::kSuccess && message) {
    // The MTA could not read this one message; the session goes on past it.
    read_failure_reported_ = false;
    offered_.insert(message->message_id);
    state_ = ThreadState::kWorking;
    busy += unreadable(*message, code);
    return {busy, now + busy};
  }
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
  if (ctx_.mutex_owner == thread_) {
    // Q151669: the thread kept the mutex through the handled exception. It refreshes itself and
    // opens a new session, which offers it the same message first again.
    busy += ctx_.cost(ctx_.settings.cost_thread_refresh_us);
    if (session_open_) mta.close_download_session();
    session_open_ = false;
    state_ = ThreadState::kLooping;
  }
  return {busy, now + busy};
}

std::int64_t OutboundWorker::unreadable(const XomMessage& envelope, XomReturnCode code) {
  std::int64_t busy = ctx_.cost(ctx_.settings.cost_outbound_message_us);
  ctx_.env.observer.on_attempt(envelope.message_id);
  if (ctx_.defect(Defect::kQ159305)) {
    // The thread resets its parser over the damaged message and dies: the service terminates,
    // and the same message comes first again at the next start.
    ctx_.logger.log(*find_event_spec(event_id::kDownloadSessionEstablished, "om_read"), thread_,
                    envelope.message_id, {to_hex(code)});
    ctx_.logger.log(event_id::kMtaReadFailed, thread_, envelope.message_id, {});
    ctx_.crash_requested = true;
    ctx_.crash_reason =
        "Outbound thread failed reading a damaged message (om_read " + to_hex(code) + ")";
    return busy;
  }
  ctx_.logger.log(event_id::kOutboundMessageFailed, thread_, envelope.message_id,
                  {envelope.originator});
  if (ctx_.settings.protections.quarantine &&
      ctx_.env.mta.acknowledge(envelope.message_id) == XomReturnCode::kSuccess) {
    // hardened: a message that cannot be read never will be; take it off the queue, set aside.
    ctx_.logger.log(event_id::kMessageQuarantined, thread_, envelope.message_id,
                    {envelope.message_id, "om_read returned " + to_hex(code),
                     "the MTA's MSMI queue (removed)"});
    ctx_.env.observer.on_settled(envelope.message_id, Fate::kQuarantined,
                                 "om_read returned " + to_hex(code));
  }
  return busy;
}

std::int64_t OutboundWorker::handled_exception(const XomMessage& message,
                                               std::uint32_t read_address) {
  ctx_.logger.log(event_id::kAccessViolation, thread_, message.message_id,
                  {hex_address(read_address), hex_address(kOutboundExceptionAddress)});
  // Not acknowledged: the MTA offers it again in the next session, and 2450 comes again.
  ctx_.logger.log(event_id::kOutboundMessageFailed, thread_, message.message_id,
                  {message.originator});
  if (ctx_.defect(Defect::kQ151669)) ctx_.mutex_owner = thread_;  // never released
  return 0;
}

std::int64_t OutboundWorker::deliver(const XomMessage& message) {
  std::int64_t busy = ctx_.cost(ctx_.settings.cost_outbound_message_us);
  ctx_.env.observer.on_attempt(message.message_id);
  const SiteVerdict verdict = ctx_.site_if_armed(Site::kConvertOutbound, [&] {
    return message_site(Site::kConvertOutbound, thread_, message);
  });
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
      // The Exchange builds handle an exception in the conversion (Q151669).
      if (!ctx_.settings.protections.quarantine)
        return busy + handled_exception(message, verdict.read_address);
      (void)report_access_violation(ctx_, thread_, message.message_id, verdict.read_address,
                                    "Outbound thread");
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
  const OutboundConversion converted = convert_outbound_content(ctx_, thread_, message);
  if (converted.verdict == OutboundContentVerdict::kLeaveInQueue) {
    return busy;  // not acknowledged: the MTA offers it again in the next session
  }
  if (converted.verdict == OutboundContentVerdict::kReject) {
    busy += ctx_.cost(ctx_.settings.cost_ndr_us);
    if (!return_ndr(message, message.recipients, kNdrCorruptMessage)) {
      ctx_.logger.log(event_id::kOutboundMessageFailed, thread_, message.message_id,
                      {message.originator});
      return busy;
    }
    if (ctx_.env.mta.acknowledge(message.message_id) == XomReturnCode::kSuccess) {
      ctx_.env.observer.on_settled(message.message_id, Fate::kNdr,
                                   "returned to Exchange sender: " + converted.detail);
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
    const SiteVerdict verdict = ctx_.site_if_armed(Site::kParseAddress, [&] {
      SiteContext site = message_site(Site::kParseAddress, thread_, message);
      site.address = recipient;
      return site;
    });
    if (verdict.kind == SiteVerdict::Kind::kHang) return busy;
    if (verdict.kind == SiteVerdict::Kind::kAccessViolation &&
        !report_access_violation(ctx_, thread_, message.message_id, verdict.read_address,
                                 "Outbound thread")) {
      return busy;  // unacknowledged: the next start reads it again
    }
    // A recipient that failed to parse (or, surviving, whose parse faulted) has no mailbag.
    static const AddressParseResult kUnparsed;
    const AddressParseResult& parsed =
        verdict.kind == SiteVerdict::Kind::kNone ? ctx_.addresses.parse(recipient) : kUnparsed;
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
    record.attachments = converted.attachments;
    Mailbag& mailbag = ctx_.mailbag(NetworkDirectory::mailbag_name({to.network, to.postoffice}));
    const SiteVerdict write = ctx_.site_if_armed(Site::kWriteMailbag, [&] {
      SiteContext site = message_site(Site::kWriteMailbag, thread_, message);
      site.recipients = {recipient};
      site.recipient_names = {name};
      site.mailbag = mailbag.name();
      return site;
    });
    const std::string payload = encode_outbound_record(record);
    Status s = Status::IoError("the write_mailbag fault site");
    if (write.kind == SiteVerdict::Kind::kNone) {
      // Hardened: a record already there (an append that wrote it but failed to sync it, now or
      // before a power loss) is synced again, never written a second time: the PC MTA may take
      // it any moment.
      const bool exactly_once = ctx_.settings.protections.exactly_once;
      s = exactly_once && mailbag.holds(payload) ? mailbag.sync()
                                                 : mailbag.append(payload, nullptr);
      if (!s.ok() && exactly_once && mailbag.holds(payload)) s = mailbag.sync();
    }
    if (s.ok()) {
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
  if (ctx_.defect(Defect::kQ164840) && message.kind == MessageKind::kNdr && delivered > 0 &&
      has_8bit(message.subject)) {
    // The Japanese build faults removing a delivered NDR from the queue: it stays there, and
    // every new session (a restart of the MTA or of the service) delivers it again.
    ctx_.logger.log(event_id::kAccessViolation, thread_, message.message_id,
                    {hex_address(kNdrRemoveReadAddress), hex_address(kOutboundExceptionAddress)});
    ctx_.logger.log(event_id::kNdrLeftInQueue, thread_, message.message_id, {message.message_id});
    ctx_.env.observer.on_settled(
        message.message_id, Fate::kDelivered,
        "written to " + std::to_string(delivered) + " mailbag(s), left in the MTA's MSMI queue");
    ctx_.env.observer.on_left_in_queue(message.message_id);
    return busy;
  }
  const XomReturnCode ack = ctx_.env.mta.acknowledge(message.message_id);
  if (ctx_.hung(thread_)) return busy;
  if (ack != XomReturnCode::kSuccess) {
    // The MTA keeps offering it: the next read delivers it again. Say so; the oracle counts it.
    ctx_.check(Status::IoError("om_remove returned " + to_hex(ack)), thread_, message.message_id,
               "acknowledging " + message.message_id + " to the MTA");
  }
  if (delivered > 0) {
    std::string left_out;
    for (const std::string& c : converted.dropped) left_out += (left_out.empty() ? "" : ", ") + c;
    ctx_.env.observer.on_settled(
        message.message_id, Fate::kDelivered,
        "written to " + std::to_string(delivered) + " mailbag(s)" +
            (left_out.empty() ? "" : "; OLE object(s) left out: " + left_out));
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
  ndr.detect_duplicates = ctx_.settings.protections.exactly_once;
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
