#include "msmisim/ms_mail_side.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <optional>
#include <set>
#include <utility>

#include "msmi/address.h"
#include "msmi/mailbag.h"
#include "msmi/message_files.h"
#include "msmi/queue_payloads.h"

namespace msmisim {

std::string client_date(std::string_view client, std::int64_t epoch_us) {
  using namespace std::chrono;
  const sys_time<microseconds> when{microseconds(epoch_us)};
  const sys_days day = floor<days>(when);
  const year_month_day ymd{day};
  const hh_mm_ss<minutes> clock{floor<minutes>(when - day)};
  const int month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  const int mday = static_cast<int>(static_cast<unsigned>(ymd.day()));
  const int year = static_cast<int>(ymd.year()) % 100;
  const int hour = static_cast<int>(clock.hours().count());
  const int minute = static_cast<int>(clock.minutes().count());
  char buffer[32];
  if (client == "mac") {
    std::snprintf(buffer, sizeof buffer, "%d/%d/%02d %d:%02d %s", month, mday, year,
                  hour % 12 == 0 ? 12 : hour % 12, minute, hour < 12 ? "AM" : "PM");
  } else {
    std::snprintf(buffer, sizeof buffer, "%02d-%02d-%02d %02d:%02d", month, mday, year, hour,
                  minute);
  }
  return buffer;
}

MsMailSide::MsMailSide(msmi::FileSystem& fs, const msmi::Clock& clock, Ledger& ledger,
                       msmi::PostofficeName connector)
    : fs_(fs),
      clock_(clock),
      ledger_(ledger),
      connector_(std::move(connector)),
      inqueue_(fs, std::string(msmi::kInqueueName)) {}

std::string MsMailSide::submit(const OutgoingMail& mail) {
  const std::uint32_t number = next_number_++;
  // The ID names the originating postoffice, as MS Mail does ("CA/TCAHQPO/00000C9D").
  const msmi::AddressParseResult& sender = addresses_.parse(mail.sender);
  const bool ms_sender = sender.ok && sender.address.type == msmi::AddressType::kMsMail;
  const std::string origin = ms_sender ? sender.address.network + "/" + sender.address.postoffice
                                       : connector_.network + "/" + connector_.postoffice;
  const std::string message_id = origin + "/" + msmi::hex8(number);

  LedgerEntry entry;
  entry.message_id = message_id;
  entry.label = mail.label;
  entry.direction = Direction::kInbound;
  entry.sender = mail.sender;
  entry.recipients = mail.to;
  entry.recipients.insert(entry.recipients.end(), mail.cc.begin(), mail.cc.end());
  entry.injected_us = clock_.now_us();
  ledger_.add(std::move(entry));
  ++submitted_;

  msmi::MaiContent content{message_id, mail.sender, mail.subject, mail.body, mail.reply_to};
  content.attachments = mail.attachments;
  content.receipt_date = mail.receipt_date;
  msmi::P1Envelope envelope;
  envelope.message_id = message_id;
  envelope.number = number;
  envelope.sender = mail.sender;
  envelope.sender_name = mail.sender_name;
  envelope.to = mail.to;
  envelope.to_names = mail.to_names;
  envelope.cc = mail.cc;
  envelope.cc_names = mail.cc_names;
  envelope.dirsync = mail.dirsync;
  envelope.mai_path = msmi::mai_path(number);
  envelope.submitted_us = clock_.now_us();
  envelope.sent_us = mail.sent_us;
  if (!mail.message_class.empty()) {
    // The FIPS header holds the first 40 characters of the subject.
    envelope.message_class = mail.message_class;
    envelope.header_subject = mail.subject.substr(0, msmi::kHeaderSubjectLimit);
  }
  // Each file is durable before the next one points at it: the P1 names the MAI, the INQUEUE3
  // record (synced by Mailbag) names the P1.
  const bool written = fs_.write_file(envelope.mai_path, msmi::encode_mai(content)).ok() &&
                       fs_.sync_file(envelope.mai_path).ok() &&
                       fs_.write_file(msmi::p1_path(number), msmi::encode_p1(envelope)).ok() &&
                       fs_.sync_file(msmi::p1_path(number)).ok();
  if (!written) {
    losses_[message_id] = "the MS Mail side could not write its files";
    return message_id;
  }
  if (!enqueue(message_id, number)) held_.emplace_back(message_id, number);
  return message_id;
}

bool MsMailSide::enqueue(const std::string& message_id, std::uint32_t number) {
  return inqueue_.append(msmi::encode_inqueue_record({message_id, number}), nullptr).ok();
}

int MsMailSide::retry_held() {
  int queued = 0;
  if (!held_.empty()) {
    // Someone else (the hardened profile's orphan recovery) may have queued a held envelope
    // already; queueing it twice would deliver it twice.
    std::vector<msmi::MailbagEntry> entries;
    if (inqueue_.load(&entries).ok()) {
      std::set<std::uint32_t> queued_numbers;
      for (const msmi::MailbagEntry& entry : entries) {
        msmi::InqueueRecord record;
        if (msmi::decode_inqueue_record(entry.payload, inqueue_.mbg_path(), &record).ok()) {
          queued_numbers.insert(record.number);
        }
      }
      std::erase_if(held_,
                    [&](const auto& held) { return queued_numbers.count(held.second) != 0; });
    }
  }
  while (!held_.empty() && enqueue(held_.front().first, held_.front().second)) {
    held_.pop_front();
    ++queued;
  }
  return queued;
}

bool MsMailSide::is_held(const std::string& message_id) const {
  for (const auto& [id, number] : held_) {
    if (id == message_id) return true;
  }
  return false;
}

msmi::Mailbag& MsMailSide::mailbag_of(const msmi::PostofficeName& po) {
  std::unique_ptr<msmi::Mailbag>& bag =
      postoffice_mailbags_[msmi::NetworkDirectory::mailbag_name(po)];
  if (!bag) bag = std::make_unique<msmi::Mailbag>(fs_, msmi::NetworkDirectory::mailbag_name(po));
  return *bag;
}

namespace {

// The record as the PC MTA took it; *decoded (when given) is the entry's payload decoded, or
// cleared for a payload that does not decode.
MailbagRecord record_of(const msmi::Mailbag& mailbag, const msmi::MailbagEntry& entry,
                        std::int64_t now, std::optional<msmi::OutboundRecord>* decoded = nullptr) {
  MailbagRecord out;
  out.mailbag = mailbag.name();
  out.time_us = now;
  msmi::OutboundRecord record;
  if (msmi::decode_outbound_record(entry.payload, mailbag.mbg_path(), &record).ok()) {
    out.kind = record.kind;
    out.message_id = record.message_id;
    out.recipients = record.recipients;
    if (decoded != nullptr) *decoded = std::move(record);
  } else {
    out.kind = "damaged";
    if (decoded != nullptr) decoded->reset();
  }
  return out;
}

}  // namespace

std::set<std::string> MsMailSide::held_ids() const {
  std::set<std::string> ids;
  for (const auto& [id, number] : held_) ids.insert(id);
  return ids;
}

msmi::Status MsMailSide::prefill(const msmi::PostofficeName& po, int count) {
  std::vector<std::string> payloads;
  for (int i = 0; i < count; ++i) {
    msmi::OutboundRecord record;
    record.message_id = std::string(kPrefilledPrefix) + msmi::hex8(static_cast<std::uint32_t>(i));
    record.sender = "MS:" + po.network + "/" + po.postoffice + "/ADMIN";
    record.recipients = {"MS:" + po.network + "/" + po.postoffice + "/USERS"};
    record.subject = "Mail from before the run";
    payloads.push_back(msmi::encode_outbound_record(record));
  }
  return mailbag_of(po).append_all(payloads);
}

void MsMailSide::set_user_mailbag(const std::string& mailbox, int count) {
  user_mailbags_[mailbox] = count;
}

int MsMailSide::user_mailbag(const std::string& mailbox) const {
  const auto it = user_mailbags_.find(mailbox);
  return it == user_mailbags_.end() ? 0 : it->second;
}

int MsMailSide::empty_user_mailbag(const std::string& mailbox) {
  return std::exchange(user_mailbags_[mailbox], 0);
}

int MsMailSide::drain_mailbags(const msmi::NetworkDirectory& directory, int limit) {
  int taken = 0;
  for (const msmi::PostofficeName& po : directory.postoffices) {
    msmi::Mailbag& mailbag = mailbag_of(po);
    // The batch is taken in one change of the mailbag: nothing else runs while the PC MTA
    // takes it, so record by record would leave the same mailbag behind.
    std::vector<msmi::MailbagEntry> entries;
    if (!mailbag.take_oldest(static_cast<std::size_t>(std::max(limit, 0)), &entries).ok()) {
      continue;
    }
    for (const msmi::MailbagEntry& entry : entries) {
      ++taken;
      std::optional<msmi::OutboundRecord> record;  // decoded once for everything below
      MailbagRecord taken_record = record_of(mailbag, entry, clock_.now_us(), &record);
      if (taken_record.message_id.starts_with(kPrefilledPrefix)) continue;  // not the run's
      if (taken_record.kind == "message") deliver_to_users(po, *record, &taken_record);
      if (record && (!missing_.empty() || !contention_.empty())) bounce_if_undeliverable(*record);
      drained_.push_back(std::move(taken_record));
    }
  }
  return taken;
}

void MsMailSide::bounce_if_undeliverable(const msmi::OutboundRecord& record) {
  if (record.kind != "message" || record.recipients.empty()) return;
  std::string mailbox = record.recipients.front();
  for (char& c : mailbox) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string why;
  if (missing_.count(mailbox) != 0) {
    why = "has no mailbox";
  } else if (auto it = contention_.find(mailbox); it != contention_.end()) {
    why = "mailbag contention on its KEY and MBG";
    if (--it->second == 0) contention_.erase(it);
  } else {
    return;
  }
  // The POSTMASTER of the recipient's postoffice: "MS:NET/PO/MAILBOX" → "MS:NET/PO/POSTMASTER".
  const std::string postmaster = mailbox.substr(0, mailbox.rfind('/') + 1) + "POSTMASTER";
  OutgoingMail ndr{"",
                   postmaster,
                   {record.sender},
                   {},
                   "Undeliverable: " + record.subject,
                   "Your message to " + mailbox + " could not be delivered: " + why + "."};
  const std::string id = submit(ndr);
  notes_.push_back("PC MTA: " + mailbox + " " + why + "; message " + record.message_id +
                   " returned to " + record.sender + " with an NDR (" + id + ") from " +
                   postmaster);
}

void MsMailSide::deliver_to_users(const msmi::PostofficeName& po,
                                  const msmi::OutboundRecord& record, MailbagRecord* taken) {
  for (std::size_t i = 0; i < record.recipients.size(); ++i) {
    const msmi::AddressParseResult to = msmi::parse_address(record.recipients[i]);
    if (!to.ok || to.address.type != msmi::AddressType::kMsMail) continue;
    const std::string mailbox =
        to.address.network + "/" + to.address.postoffice + "/" + to.address.mailbox;
    int& held = user_mailbags_[mailbox];
    if (held < static_cast<int>(msmi::kMailbagRecordLimit)) {
      ++held;
      continue;
    }
    // The record was taken, but the message never reached its recipient: the PC MTA sends it
    // back to its sender.
    taken->kind = "returned";
    const msmi::AddressParseResult from = msmi::parse_address(record.sender);
    PcMtaReturn r;
    r.message_id = record.message_id;
    r.postoffice = po.network + "/" + po.postoffice;
    r.sender =
        from.ok && from.address.type == msmi::AddressType::kMsMail
            ? from.address.network + "/" + from.address.postoffice + "/" + from.address.mailbox
            : record.sender;
    r.subject = record.subject;
    r.recipient = mailbox;
    r.recipient_name = i < record.recipient_names.size() ? record.recipient_names[i] : "";
    r.time_us = clock_.now_us();
    returns_.push_back(std::move(r));
  }
}

std::vector<MailbagRecord> MsMailSide::waiting(const msmi::NetworkDirectory& directory) {
  std::vector<MailbagRecord> out;
  for (const msmi::PostofficeName& po : directory.postoffices) {
    msmi::Mailbag& mailbag = mailbag_of(po);
    std::vector<msmi::MailbagEntry> entries;
    if (!mailbag.load(&entries).ok()) continue;
    for (const msmi::MailbagEntry& entry : entries) {
      MailbagRecord record = record_of(mailbag, entry, clock_.now_us());
      if (!record.message_id.starts_with(kPrefilledPrefix)) out.push_back(std::move(record));
    }
  }
  return out;
}

}  // namespace msmisim
