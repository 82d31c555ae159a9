#include "mailer_worker.h"

#include <memory>

#include "message_disposal.h"
#include "msmi/address.h"
#include "msmi/event_catalogue.h"
#include "msmi/mailbag.h"
#include "msmi/message_files.h"
#include "msmi/queue_payloads.h"
#include "ndr_generator.h"

namespace msmi {

StepResult MailerWorker::step() {
  const std::int64_t now = ctx_.now();
  if (!running_) {
    state_ = ThreadState::kStopped;
    return {0, now + ctx_.settings.poll_interval_us};
  }
  // Q164177: no configuration, no work and no word about it; Q151669: waiting for the mutex
  // another thread kept.
  if (!ctx_.configured || ctx_.blocked(kThread)) {
    state_ = ThreadState::kIdle;
    return {0, now + ctx_.settings.poll_interval_us};
  }
  const MailbagEntries* entries = nullptr;
  const Status s = ctx_.inqueue.view(&entries);
  if (s.is_corruption()) {
    // Nothing in a damaged queue can be trusted: keep the files for inspection and start over
    // with an empty INQUEUE3. The envelopes it pointed at are orphans now.
    std::string moved;
    ctx_.check(ctx_.inqueue.move_aside(std::to_string(now), &moved), kThread, "",
               "moving the damaged INQUEUE3 aside");
    ctx_.logger.log(event_id::kFileMovedAside, kThread, "",
                    {ctx_.inqueue.key_path(), s.message(), moved});
    return {ctx_.cost(ctx_.settings.cost_queue_scan_us), now + ctx_.settings.poll_interval_us};
  }
  if (!s.ok()) {  // locked or unreadable for now: try again at the next poll
    state_ = ThreadState::kIdle;
    return {ctx_.cost(ctx_.settings.cost_queue_scan_us), now + ctx_.settings.poll_interval_us};
  }
  // The Mailer decodes every new record: it forgets those that left the queue too, in case no
  // inbound thread scans it for a while.
  ctx_.inqueue_records.prune(*entries);
  for (const MailbagEntry& entry : *entries) {
    if (entry.state != MailbagState::kNew) continue;
    state_ = ThreadState::kWorking;
    retry_later_ = false;
    const std::int64_t busy = process(MailbagEntry(entry));  // `entries` changes as it goes
    ctx_.step_clock.set_elapsed(0);
    // A record that could not be finished (locked or unreadable files) waits for the next poll
    // instead of being tried again at once.
    return {busy, now + (retry_later_ ? ctx_.settings.poll_interval_us : busy)};
  }
  state_ = ThreadState::kIdle;
  return {ctx_.cost(ctx_.settings.cost_queue_scan_us), now + ctx_.settings.poll_interval_us};
}

std::int64_t MailerWorker::process(const MailbagEntry& entry) {
  std::int64_t busy = ctx_.cost(ctx_.settings.cost_mailer_message_us);
  // The Mailer's events happen once the record and its envelope have been read.
  ctx_.step_clock.set_elapsed(busy);
  const InqueueDecodings::Decoded& decoded =
      ctx_.inqueue_records.get(entry, ctx_.inqueue.mbg_path());
  Status s = decoded.status;
  const InqueueRecord record = decoded.record;
  if (!s.ok()) {
    ctx_.logger.log(event_id::kQueueRecordDropped, kThread, "",
                    {"#" + std::to_string(entry.seq), ctx_.inqueue.mbg_path(), s.message()});
    ctx_.check(ctx_.inqueue.remove(entry.seq, &entry.payload), kThread, "",
               "removing INQUEUE3 record #" + std::to_string(entry.seq));
    return busy;
  }
  const std::string path = p1_path(record.number);
  std::shared_ptr<const P1Envelope> p1;  // the cache's decoding: the inbound thread reads it next
  s = ctx_.message_files.read_p1(path, &p1);
  const P1Envelope& envelope = *p1;
  if (s.is_busy() || s.is_io_error()) {  // locked or a passing error: try the record again later
    retry_later_ = true;
    return busy;
  }
  if (!s.ok()) {
    if (s.is_corruption()) {
      move_file_aside(ctx_, kThread, path, s.message(), record.message_id);
      if (ctx_.settings.protections.quarantine) {
        quarantine_message(ctx_, kThread, record.message_id, record.number,
                           "its envelope " + path + " is damaged");
      } else {
        discard_message_files(ctx_, record.number);
        ctx_.env.observer.on_settled(record.message_id, Fate::kLost,
                                     "envelope " + path + " damaged and moved aside");
      }
    } else {
      ctx_.logger.log(event_id::kQueueRecordDropped, kThread, record.message_id,
                      {record.message_id, path, s.message()});
      ctx_.env.observer.on_settled(record.message_id, Fate::kLost, "envelope " + path + " missing");
    }
    ctx_.check(ctx_.inqueue.remove(entry.seq, &entry.payload), kThread, record.message_id,
               "removing the INQUEUE3 record of " + record.message_id);
    return busy;
  }

  // Parsing one address field of the envelope. The contents (subject, reply-to) are not read
  // yet.
  const auto parse_site = [&](std::vector<std::string> recipients, std::vector<std::string> names,
                              const std::string& address) {
    SiteContext site;
    site.site = Site::kParseAddress;
    site.thread = kThread;
    site.message_id = record.message_id;
    site.sender = envelope.sender;
    site.recipients = std::move(recipients);
    site.kind = to_string(envelope.dirsync ? MessageKind::kDirSync : MessageKind::kIpm);
    site.address = address;
    site.sender_name = envelope.sender_name;
    site.recipient_names = std::move(names);
    return site;
  };
  // The sender field first, as the Mailer reads the envelope.
  bool sender_unparsable = false;
  {
    const SiteVerdict verdict = ctx_.site_if_armed(Site::kParseAddress, [&] {
      return parse_site(envelope.recipients(), envelope.recipient_names(), envelope.sender);
    });
    if (verdict.kind == SiteVerdict::Kind::kAccessViolation &&
        !report_access_violation(ctx_, kThread, record.message_id, verdict.read_address,
                                 "Mailer thread")) {
      return busy;  // the record stays new: every start meets it again
    }
    if (verdict.kind == SiteVerdict::Kind::kHang) return busy;
    sender_unparsable = verdict.kind != SiteVerdict::Kind::kNone;
  }
  std::size_t valid = 0;  // how many recipients can be delivered to
  std::vector<std::string> invalid;
  std::vector<std::string> invalid_names;
  int reason = kNdrUnknownAddress;
  for (std::size_t i = 0; i < envelope.recipient_count(); ++i) {
    const std::string& recipient = envelope.recipient(i);
    const std::string& name = envelope.recipient_name(i);
    const SiteVerdict verdict = ctx_.site_if_armed(
        Site::kParseAddress, [&] { return parse_site({recipient}, {name}, recipient); });
    if (verdict.kind == SiteVerdict::Kind::kAccessViolation) {
      if (!report_access_violation(ctx_, kThread, record.message_id, verdict.read_address,
                                   "Mailer thread")) {
        return busy;  // the record stays new: every start meets it again
      }
      invalid.push_back(recipient);  // survived: the address is treated as unparsable
      invalid_names.push_back(name);
      reason = kNdrUnparsableAddress;
      continue;
    }
    if (verdict.kind == SiteVerdict::Kind::kHang) return busy;
    static const AddressParseResult kUnparsed;
    const AddressParseResult& parsed =
        verdict.kind == SiteVerdict::Kind::kFail ? kUnparsed : ctx_.addresses.parse(recipient);
    if (parsed.ok && ctx_.env.directory != nullptr &&
        ctx_.env.directory->count_recipients(recipient) > 1) {
      // Matching it against the directory finds more than one recipient (Q165396): the MSMI
      // cannot tell which one is meant, so nobody gets it.
      invalid.push_back(recipient);
      invalid_names.push_back(name);
      reason = kNdrDuplicateAddress;
    } else if (parsed.ok) {
      ++valid;
    } else {
      invalid.push_back(recipient);
      invalid_names.push_back(name);
      reason = kNdrUnparsableAddress;
    }
  }
  if (valid == 0 && invalid.empty()) invalid.push_back("(no recipients)");

  std::string mai_subject;
  std::string mai_reply_to;
  {
    std::shared_ptr<const MaiContent> content;
    if (ctx_.message_files.read_mai(envelope.mai_path, &content).ok()) {
      mai_subject = content->subject;
      mai_reply_to = content->reply_to;
    }
  }

  bool settled = false;
  // The NDR goes out once, even if the queue update below fails and the record comes round again.
  if (!invalid.empty() && ctx_.ndr_sent.count(record.message_id) == 0) {
    ctx_.logger.log(event_id::kInvalidRecipients, kThread, record.message_id, {record.message_id});
    busy += ctx_.cost(ctx_.settings.cost_ndr_us);
    NdrRequest request;
    request.message_id = record.message_id;
    request.sender = envelope.sender;
    request.subject = mai_subject;
    request.undeliverable = invalid;
    request.reason = reason;
    request.sender_unparsable = sender_unparsable;
    request.sender_name = envelope.sender_name;
    request.undeliverable_names = invalid_names;
    request.reply_to = mai_reply_to;
    NdrResult ndr = generate_ndr(ctx_, kThread, request);
    if (ndr.outcome == NdrOutcome::kAccessViolation) {
      // The record stays new: the next start meets the same message (Q175965).
      if (!report_access_violation(ctx_, kThread, record.message_id, ndr.read_address,
                                   "Mailer thread")) {
        return busy;
      }
      ndr.outcome = NdrOutcome::kSenderUnreachable;  // survived: the message is set aside
      ndr.detail = "an access violation: " + ndr.detail;
    }
    ctx_.ndr_sent.insert(record.message_id);
    if (valid == 0) {
      settled = true;
      if (ndr.outcome == NdrOutcome::kReturnedToSender) {
        discard_message_files(ctx_, record.number);
        ctx_.env.observer.on_settled(record.message_id, Fate::kNdr, ndr.detail);
      } else {
        quarantine_message(ctx_, kThread, record.message_id, record.number, ndr.detail);
      }
    }
  }
  if (!invalid.empty() && valid == 0 && !settled) settled = true;  // NDR'd on an earlier pass
  const Status done = settled ? ctx_.inqueue.remove(entry.seq, &entry.payload)
                              : ctx_.inqueue.update(entry.seq, MailbagState::kReady, entry.attempts,
                                                    &entry.payload);
  if (!done.ok() && !done.is_not_found()) {  // the record comes round again at the next poll
    retry_later_ = true;
    return busy;
  }
  ctx_.ndr_sent.erase(record.message_id);  // its record is settled: nothing left to guard
  static const EventSpec& processed = *find_event_spec(event_id::kProcessedFromInqueue);
  if (ctx_.logger.will_write(processed))
    ctx_.logger.log(processed, kThread, record.message_id, {hex8(record.number)});
  return busy;
}

}  // namespace msmi
