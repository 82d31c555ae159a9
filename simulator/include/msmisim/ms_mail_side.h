// The MS Mail side of the world: External/PC MTA dropping mail into the shadow postoffice
// (MAI, then P1, then an INQUEUE3 record, as in Q100826) and picking up what the MSMI left in
// the postoffices' mailbags. A message that cannot be queued (INQUEUE3 full or locked) is held
// and offered again later, as the PC MTA would. It records every mailbag record the PC MTA
// took, for the oracle (oracle.h).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "msmi/address.h"
#include "msmi/clock.h"
#include "msmi/file_system.h"
#include "msmi/mailbag.h"
#include "msmi/message_content.h"
#include "msmi/network_directory.h"
#include "msmi/queue_payloads.h"
#include "msmisim/ledger.h"
#include "msmisim/oracle.h"

namespace msmisim {

struct OutgoingMail {
  std::string label;
  std::string sender;
  std::vector<std::string> to;
  std::vector<std::string> cc;
  std::string subject;
  std::string body;
  // Initialised here so that mail given as the six fields above needs none of these.
  std::string sender_name{};
  std::vector<std::string> to_names{};  // one per `to` ("" for none), or empty; likewise cc
  std::vector<std::string> cc_names{};
  std::string reply_to{};
  bool dirsync = false;
  std::vector<msmi::Attachment> attachments{};
  std::optional<std::int64_t> sent_us{};  // absent: sent now
  std::string message_class{};            // "" for the note
  std::string receipt_date{};             // a read receipt's date, as its client wrote it
};

// A date as an MS Mail client writes it in a read receipt: "05-22-97 12:55" from the PC
// clients ("pc"), "5/22/97 12:55 PM" from the Macintosh client ("mac").
std::string client_date(std::string_view client, std::int64_t epoch_us);
// Records a postoffice mailbag held before the run began carry IDs with this prefix: old mail of
// the MS Mail side, not the run's, so the oracle never hears of them.
inline constexpr std::string_view kPrefilledPrefix = "PREFILLED/";

// A message the PC MTA could not put into an MS Mail user's mailbag (Q138054): it logs the
// mail delivery problem and returns the message to its sender.
struct PcMtaReturn {
  std::string message_id;
  std::string postoffice;  // "MSNET/SALES": where the problem was detected
  std::string sender;
  std::string subject;
  std::string recipient;  // "MSNET/SALES/ALICE"
  std::string recipient_name;
  std::int64_t time_us = 0;
};

class MsMailSide {
 public:
  // All references must outlive this object.
  MsMailSide(msmi::FileSystem& fs, const msmi::Clock& clock, Ledger& ledger,
             msmi::PostofficeName connector);

  // Writes the message into the shadow postoffice and the ledger. Returns its message ID.
  std::string submit(const OutgoingMail& mail);
  // Offers held messages again; returns how many were queued.
  int retry_held();
  std::size_t held() const { return held_.size(); }
  bool is_held(const std::string& message_id) const;
  std::set<std::string> held_ids() const;
  // The PC MTA: removes up to `limit` records from every postoffice mailbag of `directory`.
  // Returns how many it took.
  int drain_mailbags(const msmi::NetworkDirectory& directory, int limit);
  // Puts `count` records of old mail into the mailbag of `po` on the connector postoffice, in one
  // write (a mailbag found nearly full, without sending thousands of messages first).
  msmi::Status prefill(const msmi::PostofficeName& po, int count);
  // The mailbag of an MS Mail user on a downstream postoffice ("MSNET/SALES/ALICE") holds
  // `count` messages. The PC MTA delivers every record it takes into these; a user mailbag
  // holds at most msmi::kMailbagRecordLimit messages, like any mailbag.
  void set_user_mailbag(const std::string& mailbox, int count);
  int user_mailbag(const std::string& mailbox) const;
  // The user logs on and downloads the mailbag into the message file (.MMF or .PST): it is
  // emptied. Returns how many messages it held.
  int empty_user_mailbag(const std::string& mailbox);
  // Messages the PC MTA returned to their sender because a user mailbag was full, in order.
  const std::vector<PcMtaReturn>& returns() const { return returns_; }
  // Moves the returns out (once reported), leaving none: a long run hands them on as it goes.
  std::vector<PcMtaReturn> take_returns() { return std::exchange(returns_, {}); }
  // Every record the PC MTA took, in the order it took them. A record it could not decode is
  // taken all the same and recorded with kind "damaged".
  const std::vector<MailbagRecord>& drained() const { return drained_; }
  // Moves the drained records out at the end of a run (for the oracle), leaving none.
  std::vector<MailbagRecord> take_drained() {
    std::vector<MailbagRecord> out = std::move(drained_);
    drained_.clear();
    return out;
  }
  // The records still waiting in the mailbags of `directory` (readable ones only).
  std::vector<MailbagRecord> waiting(const msmi::NetworkDirectory& directory);
  // Messages whose files the MS Mail side could not write: message ID → why.
  const std::map<std::string, std::string>& losses() const { return losses_; }
  // How many messages were submitted.
  std::int64_t submitted() const { return submitted_; }
  // Message IDs for Exchange-side mail share the number sequence so that every ID is unique.
  std::uint32_t next_number() { return next_number_++; }

  // Q175447: the PC MTA delivering into the MS Mail postoffices. Mail for a mailbox that does not
  // exist, or whose mailbag it meets contended, goes back to its sender with an NDR from the
  // postoffice's POSTMASTER: a new message, submitted into the connector postoffice like any
  // other. Mailboxes are "MS:NET/PO/MAILBOX" in upper case.
  void set_missing_mailboxes(std::vector<std::string> mailboxes) {
    missing_.insert(mailboxes.begin(), mailboxes.end());
  }
  void add_contention(const std::string& mailbox, int count) { contention_[mailbox] += count; }
  // The mailbox exists from now on. False if it already did.
  bool add_mailbox(const std::string& mailbox) { return missing_.erase(mailbox) != 0; }
  // What the PC MTA returned since the last call, one line each, for the event log.
  std::vector<std::string> take_notes() { return std::exchange(notes_, {}); }

 private:
  bool enqueue(const std::string& message_id, std::uint32_t number);
  msmi::Mailbag& mailbag_of(const msmi::PostofficeName& po);
  // The PC MTA puts a message record it took into its recipients' user mailbags; a full one
  // turns *taken into a "returned" record and the message into a PcMtaReturn.
  void deliver_to_users(const msmi::PostofficeName& po, const msmi::OutboundRecord& record,
                        MailbagRecord* taken);

  msmi::FileSystem& fs_;
  const msmi::Clock& clock_;
  Ledger& ledger_;
  msmi::PostofficeName connector_;
  std::uint32_t next_number_ = 1;
  std::deque<std::pair<std::string, std::uint32_t>> held_;
  msmi::Mailbag inqueue_;
  std::map<std::string, std::unique_ptr<msmi::Mailbag>> postoffice_mailbags_;
  std::vector<MailbagRecord> drained_;
  std::map<std::string, int> user_mailbags_;  // "NET/PO/MAILBOX" → messages held
  std::vector<PcMtaReturn> returns_;
  std::map<std::string, std::string> losses_;
  std::int64_t submitted_ = 0;
  std::set<std::string> missing_;
  std::map<std::string, int> contention_;
  std::vector<std::string> notes_;
  msmi::AddressParser addresses_;  // the senders, parsed once

  // Returns the record's message to its sender when its mailbox is missing or contended.
  void bounce_if_undeliverable(const msmi::OutboundRecord& record);
};

}  // namespace msmisim
