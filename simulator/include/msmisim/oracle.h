// The oracle: what became of every message, judged from what the world itself saw, never from
// what the engine says. The simulated MTA records every om_put it answered and every
// acknowledgement; the MS Mail side records every mailbag record the PC MTA drained; at the end
// the runner adds what still waits in the postoffice. From that record alone each message gets
// its fate:
//
//   inbound (MS Mail → Exchange)            outbound (Exchange → MS Mail)
//   delivered    the MTA accepted its put     a record of it was drained from, or still waits
//                                             in, a postoffice mailbag
//   ndr          an "ndr" record for it was   the MTA accepted "<id>-NDR", the NDR the MSMI
//                drained or still waits       puts for the Exchange sender, or the MTA refused
//                                             it into its MSMI queue and sent its own NDR
//   quarantined  its files are in QUARANTINE/, or the engine said so and nothing above holds
//   pending      held by the MS Mail side,    still in the MTA's MSMI queue
//                queued in INQUEUE3, or an
//                orphaned envelope the
//                hardened profile recovers
//   lost         none of these
//
// The engine's own word (msmi::MessageObserver, kept by the Ledger) is only the `detail` text
// and a cross-check: an engine that claims a fate the world did not see breaks an invariant.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "msmi/mta_gateway.h"
#include "msmisim/fault_rule.h"
#include "msmisim/ledger.h"

namespace msmisim {

// The folder the engine moves poison messages to, relative to the postoffice.
inline constexpr std::string_view kQuarantineFolder = "QUARANTINE";

// One om_put as the simulated MTA answered it.
struct MtaPutRecord {
  std::string message_id;  // an NDR the MSMI generated for an outbound message: "<id>-NDR"
  bool is_ndr = false;
  msmi::XomReturnCode code = msmi::XomReturnCode::kSuccess;  // kSuccess: accepted
  std::int64_t time_us = 0;
  bool accepted() const { return code == msmi::XomReturnCode::kSuccess; }
};

enum class AckOutcome {
  kDone,     // the message left the MTA's MSMI queue
  kLost,     // a fault rule swallowed it: the MSMI was told success, the MTA kept the message
  kRefused,  // the MSMI was told it failed; the MTA kept the message
};

struct MtaAckRecord {
  std::string message_id;
  AckOutcome outcome = AckOutcome::kDone;
  std::int64_t time_us = 0;
};

// A record of a postoffice mailbag, as the PC MTA took it or as it still waits at the end.
struct MailbagRecord {
  std::string mailbag;  // "SALES"
  // "message" or "ndr"; "returned": a message the PC MTA took but could not put into its
  // recipient's full user mailbag, and returned to its sender (Q138054); "damaged": unreadable.
  std::string kind;
  std::string message_id;
  std::vector<std::string> recipients;
  std::int64_t time_us = 0;  // when the PC MTA took it; the end of the run for one still waiting
};

// An NDR the MTA itself sent an Exchange sender (a message refused into, or returned from, its
// MSMI queue), or one the PC MTA sent back for a message it could not deliver (Q138054).
struct MtaNdr {
  std::int64_t time_us = 0;
  std::string why;
};

// Everything the world saw, for the oracle.
struct WorldRecord {
  std::vector<MtaPutRecord> puts;
  std::vector<MtaAckRecord> acknowledgements;
  std::vector<MailbagRecord> drained;
  std::vector<MailbagRecord> waiting;  // still in a postoffice mailbag at the end
  // Outbound message ID → the last time the MTA offered it to the MSMI (om_read).
  std::map<std::string, std::int64_t> last_offered;
  std::int64_t injected = 0;  // messages the world injected, counted by the world
  // At the end of the run:
  std::set<std::string> in_inqueue3;  // message IDs with an INQUEUE3 record
  bool inqueue3_readable = true;      // false: locked or damaged, so in_inqueue3 is unknown
  std::set<std::string> held;         // held by the MS Mail side (INQUEUE3 was full or locked)
  std::set<std::string> in_mta_queue;
  // Outbound messages the MTA refused into its MSMI queue and returned to their Exchange sender
  // as its own NDR: message ID → why.
  std::map<std::string, MtaNdr> mta_ndrs;
  std::set<std::string> postoffice_files;  // "P1/0000002A.P1", "QUARANTINE/0000002A.MAI", …
  // Losses the world caused itself (an operator resetting INQUEUE3, the MS Mail side failing to
  // write), message ID → what happened.
  std::map<std::string, std::string> world_losses;
  // Outbound messages the operator moved out of the MTA's database, keeping a copy (Q247618):
  // message ID → when. Set aside, not lost.
  std::map<std::string, std::int64_t> mta_set_aside;
  // Causes a loss may have without anyone saying so: the fault rules' firings, and the moments
  // the MSMI process ended or the server lost power.
  std::vector<FaultFiring> firings;
  std::vector<std::int64_t> interruptions_us;
};

// Messages whose fate was fixed during the run (delivered, and nothing left anywhere that could
// process them again) and whose rows were handed on: what the invariants still need of them, in
// about a byte per message number, and the records that named one of them after it settled.
class SettledMessages {
 public:
  // Whether `id` ends in a message number ("MSNET/SALES/0000002A") that add() can record.
  bool can_add(const std::string& id) const;
  // Records a judged entry as settled; false (nothing recorded) unless can_add(its ID).
  bool add(const LedgerEntry& entry);
  // Whether `id` is the ID of a settled message.
  bool knows(std::string_view id) const;
  std::int64_t count() const { return count_; }
  const std::map<msmi::Fate, std::int64_t>& fates() const { return fates_; }
  // Records that came after their message settled (its ID, or "<ID>-NDR", knows()): a second
  // delivery of a settled message still breaks "no message delivered twice".
  void note_late(const MtaPutRecord& put);
  void note_late(const MailbagRecord& record);
  void note_late(const MtaAckRecord& ack);
  // Whether fault firing `f` could only explain the loss of settled messages: it names one (its
  // message, or a file of its own such as P1/0000002A.P1), and no other.
  bool covers(const FaultFiring& f) const;
  // A settled message delivered again, as the invariant words it.
  struct Duplicate {
    std::uint32_t number = 0;
    std::string text;
    bool explained = false;  // after an acknowledgement the MTA did not take
  };
  // In message-number order, which is the order the messages were injected in.
  std::vector<Duplicate> duplicates() const;

 private:
  struct Late {
    std::string message_id;
    int accepted = 0;                          // more accepted puts (inbound)
    std::map<std::string, int> per_recipient;  // more records (outbound), as in the invariant
    bool ack_failed = false;
  };
  // The number and the index of its prefix ("MSNET/SALES/"); false if it has none.
  bool split(std::string_view id, std::uint32_t* number, std::size_t* prefix) const;
  Late* late_of(std::string_view id);

  // By message number, four bits each: 0 for none settled, else 1 + the index of its ID's
  // prefix in prefixes_ (at most kPrefixes of them). In blocks allocated as numbers reach them,
  // never copied.
  static constexpr std::size_t kPrefixes = 15;
  static constexpr std::size_t kNumbersPerBlock = 1 << 17;  // 64 KB
  unsigned code_of(std::uint32_t number) const;
  std::vector<std::unique_ptr<std::uint8_t[]>> codes_;
  std::vector<std::string> prefixes_;  // a handful: the postoffices mail comes from, EXCHANGE/MTA/
  std::int64_t count_ = 0;
  std::map<msmi::Fate, std::int64_t> fates_;
  std::map<std::uint32_t, Late> late_;  // by message number
};

// How the run ended and what the profile promises, for the invariants.
struct OracleContext {
  std::int64_t end_us = 0;
  bool recover_orphans = false;  // orphaned envelopes are queued again (hardened)
  // The profile promises that nothing is lost and nothing waits past the retry horizon.
  bool no_loss_promised = false;
  std::int64_t retry_horizon_us = 0;
  bool mta_running = true;   // the MTA service at the end
  bool msmi_running = true;  // the MSMI service at the end
  int crashes = 0;           // times the MSMI process ended by itself
};

struct InvariantResult {
  std::string name;  // "no message delivered twice"
  bool passed = true;
  std::string detail;  // what broke it, or what was checked
  std::int64_t offenders = 0;  // how many things broke it (detail names the first few)
};

// Invariant names, as RunResult and the summary show them.
inline constexpr std::string_view kInvariantAccounted = "every injected message accounted for";
inline constexpr std::string_view kInvariantNoDuplicates = "no message delivered twice";
inline constexpr std::string_view kInvariantNoNdrLost = "no NDR lost";
inline constexpr std::string_view kInvariantClaimsAgree =
    "the engine's claims agree with the oracle";
inline constexpr std::string_view kInvariantNothingLost = "nothing lost";
inline constexpr std::string_view kInvariantRetryHorizon = "nothing pending past the retry horizon";

// Judges a run from the world's record. Pure: the same record gives the same answers.
class Oracle {
 public:
  // `record` (and `settled`, if given) must outlive the oracle. `settled`: the messages settled
  // during the run, whose entries the invariants are not given but count all the same.
  Oracle(const WorldRecord& record, OracleContext context,
         const SettledMessages* settled = nullptr);

  // Sets every entry's fate, settled_us and detail from the world's record. The engine's claim
  // (entry.engine_fate, entry.detail) is left as it was, except that `detail` is filled in
  // (where the message waits, why it counts as lost) when the engine said nothing that fits.
  void judge(std::vector<LedgerEntry>& entries) const;

  // The invariants of every run, over entries judged by judge(). The last two only when the
  // context promises no loss (the hardened profile): then a message pending longer than the
  // retry horizon after its injection breaks one, unless the world saw the engine try it within
  // the last horizon or it waits on something the engine cannot end (held by the MS Mail side,
  // the MTA stopped, the service stopped by someone else).
  std::vector<InvariantResult> check_invariants(const std::vector<LedgerEntry>& entries) const;

 private:
  struct Judgement {
    msmi::Fate fate = msmi::Fate::kLost;
    std::int64_t when_us = -1;
    std::string why;  // the oracle's own reason, used when the engine said nothing
  };
  Judgement judge_inbound(const LedgerEntry& entry) const;
  Judgement judge_outbound(const LedgerEntry& entry) const;
  // The last time the world saw the engine try the message (a put, an om_read); -1 if never.
  std::int64_t last_try_us(const LedgerEntry& entry) const;
  // What explains the loss of a message nobody reported lost: a fault that fired on the
  // message or one of its files, a fault on something all messages share (a session, a queue
  // file, the process) or an interruption after the message arrived; "" if nothing does.
  std::string loss_cause(const LedgerEntry& entry) const;
  // Lost, and the world itself caused it (world_losses): an operator step destroyed the
  // message's files or records, whatever the engine had said of it before.
  bool lost_by_world(const LedgerEntry& entry) const;
  // "" when the engine's claim fits the judged fate, else what disagrees.
  std::string disagreement(const LedgerEntry& entry) const;

  const WorldRecord& record_;
  OracleContext context_;
  const SettledMessages* settled_;
  // Looked up by message ID only, never iterated: hashed, so nothing reaches the results in
  // hash order. The keys are views of the record's own IDs, which outlive the oracle.
  std::unordered_map<std::string_view, std::vector<const MtaPutRecord*>> puts_by_id_;
  // The drained and the waiting mailbag records.
  std::unordered_map<std::string_view, std::vector<const MailbagRecord*>> records_by_id_;
  std::unordered_map<std::string_view, std::vector<const MtaAckRecord*>> acks_by_id_;
};

}  // namespace msmisim
