#include "msmisim/oracle.h"

#include <algorithm>
#include <string_view>
#include <unordered_set>

#include "msmi/message_files.h"

namespace msmisim {
namespace {

using msmi::Fate;

std::string fate_name(Fate fate) {
  return std::string(msmi::to_string(fate));
}

// "a, b, c and 4 more": a broken invariant names the messages that broke it, but not thousands.
class Offenders {
 public:
  void add(std::string text) {
    if (shown_.size() < kShown) shown_.push_back(std::move(text));
    ++count_;
  }
  bool empty() const { return count_ == 0; }
  std::size_t count() const { return count_; }
  std::string text() const {
    std::string out;
    for (const std::string& s : shown_) out += (out.empty() ? "" : "; ") + s;
    if (count_ > shown_.size()) out += "; and " + std::to_string(count_ - shown_.size()) + " more";
    return out;
  }

 private:
  static constexpr std::size_t kShown = 5;
  std::vector<std::string> shown_;
  std::size_t count_ = 0;
};

InvariantResult verdict(std::string_view name, const Offenders& offenders, std::string held) {
  if (offenders.empty()) return {std::string(name), true, std::move(held), 0};
  return {std::string(name), false, offenders.text(), static_cast<std::int64_t>(offenders.count())};
}

// What parse_p1_name(digits + ".P1") gives, without building the name: eight upper-case
// hexadecimal digits.
bool hex_number(std::string_view digits, std::uint32_t* number) {
  if (digits.size() != 8) return false;
  std::uint32_t value = 0;
  for (const char c : digits) {
    if (c >= '0' && c <= '9')
      value = value << 4 | static_cast<std::uint32_t>(c - '0');
    else if (c >= 'A' && c <= 'F')
      value = value << 4 | static_cast<std::uint32_t>(c - 'A' + 10);
    else
      return false;
  }
  *number = value;
  return true;
}

// The number of an inbound message's files: "MSNET/SALES/0000002A" → 0x2A.
bool message_number(std::string_view message_id, std::uint32_t* number) {
  const std::size_t slash = message_id.rfind('/');
  return hex_number(message_id.substr(slash == std::string_view::npos ? 0 : slash + 1), number);
}

std::string code_text(msmi::XomReturnCode code) {
  return msmi::to_hex(code);
}

}  // namespace

bool SettledMessages::split(std::string_view id, std::uint32_t* number, std::size_t* prefix) const {
  const std::size_t slash = id.rfind('/');
  if (slash == std::string_view::npos || id.size() - slash - 1 != 8 ||
      !hex_number(id.substr(slash + 1), number)) {
    return false;
  }
  const std::string_view head = id.substr(0, slash + 1);
  for (std::size_t i = 0; i < prefixes_.size(); ++i) {
    if (prefixes_[i] == head) {
      *prefix = i;
      return true;
    }
  }
  *prefix = prefixes_.size();  // a new one
  return true;
}

unsigned SettledMessages::code_of(std::uint32_t number) const {
  const std::size_t block = number / kNumbersPerBlock;
  if (block >= codes_.size() || !codes_[block]) return 0;
  const std::size_t at = number % kNumbersPerBlock;
  return (codes_[block][at / 2] >> (at % 2 * 4)) & 0xFu;
}

bool SettledMessages::can_add(const std::string& id) const {
  std::uint32_t number = 0;
  std::size_t prefix = 0;
  return split(id, &number, &prefix) && prefix < kPrefixes && code_of(number) == 0;
}

bool SettledMessages::add(const LedgerEntry& entry) {
  std::uint32_t number = 0;
  std::size_t prefix = 0;
  // can_add(), with the number and prefix it finds kept.
  if (!split(entry.message_id, &number, &prefix) || prefix >= kPrefixes || code_of(number) != 0)
    return false;
  if (prefix == prefixes_.size()) {
    prefixes_.push_back(entry.message_id.substr(0, entry.message_id.rfind('/') + 1));
  }
  const std::size_t block = number / kNumbersPerBlock;
  if (codes_.size() <= block) codes_.resize(block + 1);
  if (!codes_[block]) {
    codes_[block] = std::make_unique<std::uint8_t[]>(kNumbersPerBlock / 2);  // zeroed
  }
  const std::size_t at = number % kNumbersPerBlock;
  codes_[block][at / 2] |= static_cast<std::uint8_t>((prefix + 1) << (at % 2 * 4));
  ++count_;
  ++fates_[entry.fate];
  return true;
}

bool SettledMessages::knows(std::string_view id) const {
  std::uint32_t number = 0;
  std::size_t prefix = 0;
  return split(id, &number, &prefix) && code_of(number) == prefix + 1;
}

bool SettledMessages::covers(const FaultFiring& f) const {
  // The number of a file of one message's own ("P1/0000002A.P1" → 0x2A), if it is one.
  const std::string base = f.file.substr(f.file.rfind('/') + 1);
  std::uint32_t file_number = 0;
  const bool own_file = base.size() > 9 && base[8] == '.' &&
                        hex_number(std::string_view(base).substr(0, 8), &file_number);
  if (own_file && code_of(file_number) == 0) return false;
  if (f.message_id.empty()) return own_file;
  std::string_view id = f.message_id;
  if (id.ends_with("-NDR")) id.remove_suffix(4);
  return knows(id);
}

SettledMessages::Late* SettledMessages::late_of(std::string_view id) {
  if (id.ends_with("-NDR")) id.remove_suffix(4);
  std::uint32_t number = 0;
  std::size_t prefix = 0;
  if (!knows(id) || !split(id, &number, &prefix)) return nullptr;
  Late& late = late_[number];
  late.message_id = std::string(id);
  return &late;
}

void SettledMessages::note_late(const MtaPutRecord& put) {
  if (!put.accepted() || put.is_ndr || !knows(put.message_id)) return;
  if (Late* late = late_of(put.message_id)) ++late->accepted;
}

void SettledMessages::note_late(const MailbagRecord& record) {
  if (record.kind != "message" || !knows(record.message_id)) return;
  std::string to;
  for (const std::string& rcpt : record.recipients) to += (to.empty() ? "" : ", ") + rcpt;
  if (Late* late = late_of(record.message_id))
    ++late->per_recipient[to + " in mailbag " + record.mailbag];
}

void SettledMessages::note_late(const MtaAckRecord& ack) {
  if (ack.outcome == AckOutcome::kDone || !knows(ack.message_id)) return;
  if (Late* late = late_of(ack.message_id)) late->ack_failed = true;
}

std::vector<SettledMessages::Duplicate> SettledMessages::duplicates() const {
  // A message settled with one accepted put, or one record per recipient; each late one is
  // another.
  std::vector<Duplicate> out;
  for (const auto& [number, late] : late_) {
    if (late.accepted > 0) {
      out.push_back({number,
                     late.message_id + ": the MTA accepted it " +
                         std::to_string(late.accepted + 1) + " times",
                     false});
    }
    for (const auto& [to, n] : late.per_recipient) {
      out.push_back({number,
                     late.message_id + ": " + std::to_string(n + 1) + " records for " + to +
                         " reached MS Mail",
                     late.ack_failed});
    }
  }
  return out;
}

Oracle::Oracle(const WorldRecord& record, OracleContext context, const SettledMessages* settled)
    : record_(record), context_(context), settled_(settled) {
  for (const MtaPutRecord& put : record_.puts) puts_by_id_[put.message_id].push_back(&put);
  for (const auto* list : {&record_.drained, &record_.waiting}) {
    for (const MailbagRecord& r : *list) records_by_id_[r.message_id].push_back(&r);
  }
  for (const MtaAckRecord& ack : record_.acknowledgements) {
    acks_by_id_[ack.message_id].push_back(&ack);
  }
}

Oracle::Judgement Oracle::judge_inbound(const LedgerEntry& entry) const {
  const std::string& id = entry.message_id;
  if (const auto it = puts_by_id_.find(id); it != puts_by_id_.end()) {
    for (const MtaPutRecord* put : it->second) {
      if (put->accepted() && !put->is_ndr) {
        return {Fate::kDelivered, put->time_us, "the MTA accepted it"};
      }
    }
  }
  if (const auto it = records_by_id_.find(id); it != records_by_id_.end()) {
    for (const MailbagRecord* r : it->second) {
      if (r->kind == "ndr") {
        return {Fate::kNdr, r->time_us, "an NDR reached the sender's postoffice " + r->mailbag};
      }
    }
  }
  std::uint32_t number = 0;
  const bool numbered = message_number(id, &number);
  const std::string quarantine = std::string(kQuarantineFolder) + "/";
  if (numbered && (record_.postoffice_files.count(quarantine + msmi::hex8(number) + ".P1") ||
                   record_.postoffice_files.count(quarantine + msmi::hex8(number) + ".MAI"))) {
    return {Fate::kQuarantined, entry.engine_settled_us, "its files are in QUARANTINE/"};
  }
  if (entry.engine_fate == Fate::kQuarantined) {
    return {Fate::kQuarantined, entry.engine_settled_us, "the engine set it aside"};
  }
  if (record_.held.count(id)) {
    return {Fate::kPending, -1, "held by the MS Mail side: INQUEUE3 full or locked"};
  }
  if (record_.in_inqueue3.count(id)) return {Fate::kPending, -1, "queued in INQUEUE3"};
  const std::string p1 = numbered ? msmi::p1_path(number) : std::string();
  if (numbered && record_.postoffice_files.count(p1)) {
    if (!record_.inqueue3_readable) {
      return {Fate::kPending, -1,
              "envelope " + p1 + " waits; INQUEUE3 could not be read at the end"};
    }
    if (context_.recover_orphans) {
      return {Fate::kPending, -1, "orphaned envelope; the next refresh queues it again"};
    }
    return {Fate::kLost, -1, "envelope " + p1 + " has no INQUEUE3 record: nothing will process it"};
  }
  return {Fate::kLost, -1, "its files are gone and nothing queues it"};
}

Oracle::Judgement Oracle::judge_outbound(const LedgerEntry& entry) const {
  const std::string& id = entry.message_id;
  if (const auto it = records_by_id_.find(id); it != records_by_id_.end()) {
    for (const MailbagRecord* r : it->second) {
      if (r->kind == "message") {
        return {Fate::kDelivered, r->time_us, "a record of it reached the mailbag " + r->mailbag};
      }
    }
  }
  if (const auto it = puts_by_id_.find(id + "-NDR"); it != puts_by_id_.end()) {
    for (const MtaPutRecord* put : it->second) {
      if (put->accepted() && put->is_ndr) {
        return {Fate::kNdr, put->time_us, "the MTA accepted its NDR for the Exchange sender"};
      }
    }
  }
  if (const auto it = record_.mta_ndrs.find(id); it != record_.mta_ndrs.end()) {
    return {Fate::kNdr, it->second.time_us,
            it->second.why + "; the MTA returned an NDR to the Exchange sender"};
  }
  if (entry.engine_fate == Fate::kQuarantined) {
    return {Fate::kQuarantined, entry.engine_settled_us, "the engine set it aside"};
  }
  if (const auto it = record_.mta_set_aside.find(id); it != record_.mta_set_aside.end()) {
    return {Fate::kQuarantined, it->second,
            "the operator moved it out of the MTA's database, keeping a copy"};
  }
  if (record_.in_mta_queue.count(id))
    return {Fate::kPending, -1, "waiting in the MTA's MSMI queue"};
  return {Fate::kLost, -1, "it left the MTA's queue and reached no mailbag and no sender"};
}

void Oracle::judge(std::vector<LedgerEntry>& entries) const {
  for (LedgerEntry& entry : entries) {
    const Judgement j =
        entry.direction == Direction::kInbound ? judge_inbound(entry) : judge_outbound(entry);
    entry.fate = j.fate;
    const bool agrees = entry.engine_fate == j.fate;
    entry.settled_us = agrees ? entry.engine_settled_us : j.when_us;
    if (j.fate == Fate::kPending) {
      entry.settled_us = -1;
      entry.detail = j.why;  // where it waits; an earlier "lost" from the engine is overruled
      continue;
    }
    if (j.fate == Fate::kLost) {
      std::string why;
      if (const auto it = record_.world_losses.find(entry.message_id);
          it != record_.world_losses.end()) {
        why = it->second;
      }
      if (entry.engine_fate == Fate::kLost && !entry.detail.empty()) {
        why += (why.empty() ? "" : "; ") + entry.detail;
      }
      // The oracle's own reason adds where the files are, unless the engine said they are gone.
      if (why.empty() || j.why.starts_with("envelope")) why += (why.empty() ? "" : "; ") + j.why;
      entry.detail = why;
      if (entry.settled_us < 0) entry.settled_us = context_.end_us;
      continue;
    }
    if (!agrees || entry.detail.empty()) entry.detail = j.why;
    if (entry.settled_us < 0) entry.settled_us = context_.end_us;
    // Settled, yet the MTA still holds it: an acknowledgement was lost or refused, so the MTA
    // offers it again in the next download session and it will arrive twice.
    if (entry.direction == Direction::kOutbound && record_.in_mta_queue.count(entry.message_id)) {
      entry.detail +=
          "; still in the MTA's MSMI queue (its acknowledgement did not reach the "
          "MTA): offered again in the next download session";
    }
  }
}

std::string Oracle::loss_cause(const LedgerEntry& entry) const {
  const std::string& id = entry.message_id;
  const std::string number = id.substr(id.rfind('/') + 1);
  for (const FaultFiring& f : record_.firings) {
    const std::string base = f.file.substr(f.file.rfind('/') + 1);
    if (f.message_id == id || f.message_id == id + "-NDR" ||
        (!number.empty() && base.starts_with(number + "."))) {
      return "fault rule at " + f.point + " fired on it";
    }
    if (f.time_us < entry.injected_us) continue;
    // A file whose name is a message number belongs to that message alone.
    std::uint32_t ignored = 0;
    const bool own_file = base.size() > 9 && base[8] == '.' &&
                          hex_number(std::string_view(base).substr(0, 8), &ignored);
    if (f.message_id.empty() && !own_file) {
      return "fault rule at " + f.point + " fired while it was in flight";
    }
  }
  for (std::int64_t t : record_.interruptions_us) {
    if (t >= entry.injected_us) return "the MSMI process ended while it was in flight";
  }
  return "";
}

std::string Oracle::disagreement(const LedgerEntry& entry) const {
  if (!entry.engine_fate || *entry.engine_fate == entry.fate) return "";
  const Fate claim = *entry.engine_fate;
  // The hardened profile recovers an envelope the engine had given up for lost.
  if (claim == Fate::kLost && entry.fate == Fate::kPending) return "";
  // The engine's word held when it gave it; then the world destroyed what it had delivered (an
  // administrator resetting the mailbag before the PC MTA took the record, Q130285).
  if (lost_by_world(entry)) return "";
  // The engine wrote it into a postoffice mailbag, as it says; the PC MTA then could not put it
  // into the user's own mailbag and returned it (Q138054): beyond the engine's reach.
  if (claim == Fate::kDelivered && entry.direction == Direction::kOutbound) {
    if (const auto it = records_by_id_.find(entry.message_id); it != records_by_id_.end()) {
      for (const MailbagRecord* r : it->second) {
        if (r->kind == "returned") return "";
      }
    }
  }
  const bool inbound = entry.direction == Direction::kInbound;
  std::string what;
  switch (claim) {
    case Fate::kDelivered:
      what = inbound ? "engine says delivered, the MTA never accepted it"
                     : "engine says delivered, no record of it reached an MS Mail mailbag";
      break;
    case Fate::kNdr:
      what = inbound ? "engine says ndr, no NDR reached the sender's postoffice"
                     : "engine says ndr, the MTA never accepted an NDR for it";
      break;
    default:
      what = "engine says " + fate_name(claim);
      break;
  }
  return entry.message_id + ": " + what + " (the world saw: " + fate_name(entry.fate) + ", " +
         entry.detail + ")";
}

bool Oracle::lost_by_world(const LedgerEntry& entry) const {
  return entry.fate == Fate::kLost && record_.world_losses.count(entry.message_id) != 0;
}

std::int64_t Oracle::last_try_us(const LedgerEntry& entry) const {
  std::int64_t last = -1;
  if (const auto it = puts_by_id_.find(entry.message_id); it != puts_by_id_.end()) {
    for (const MtaPutRecord* put : it->second) last = std::max(last, put->time_us);
  }
  if (const auto it = record_.last_offered.find(entry.message_id);
      it != record_.last_offered.end()) {
    last = std::max(last, it->second);
  }
  return last;
}

std::vector<InvariantResult> Oracle::check_invariants(
    const std::vector<LedgerEntry>& entries) const {
  std::vector<InvariantResult> out;
  // Membership tests only; the offenders are listed in ledger and put order, not hash order.
  std::unordered_set<std::string_view> by_id;
  by_id.reserve(entries.size());
  Offenders accounted;
  for (const LedgerEntry& entry : entries) {
    if (!by_id.insert(entry.message_id).second) {
      accounted.add(entry.message_id + " is in the ledger twice");
    }
  }
  const std::int64_t settled = settled_ == nullptr ? 0 : settled_->count();
  const std::int64_t held = static_cast<std::int64_t>(entries.size()) + settled;
  if (held != record_.injected) {
    accounted.add("the world injected " + std::to_string(record_.injected) +
                  " messages, the ledger holds " + std::to_string(held));
  }
  auto known = [&](std::string_view id) {
    return by_id.count(id) != 0 || (settled_ != nullptr && settled_->knows(id));
  };
  std::unordered_set<std::string> phantoms;
  for (const MtaPutRecord& put : record_.puts) {
    if (!put.accepted()) continue;
    const bool ndr_of_known =
        put.is_ndr && put.message_id.ends_with("-NDR") &&
        known(std::string_view(put.message_id).substr(0, put.message_id.size() - 4));
    if (!ndr_of_known && !known(put.message_id) && phantoms.insert(put.message_id).second) {
      accounted.add("the MTA accepted " + put.message_id + ", which the world never sent");
    }
  }
  for (const auto* list : {&record_.drained, &record_.waiting}) {
    for (const MailbagRecord& r : *list) {
      if (r.kind == "damaged" || known(r.message_id)) continue;
      if (phantoms.insert(r.message_id).second) {
        accounted.add("the mailbag " + r.mailbag + " got " + r.message_id +
                      ", which the world never sent");
      }
    }
  }
  std::map<Fate, std::int64_t> fates;
  if (settled_ != nullptr) fates = settled_->fates();
  for (const LedgerEntry& entry : entries) {
    ++fates[entry.fate];
    if (entry.fate != Fate::kLost) continue;
    // A loss must have a cause someone can point at: the engine said something about it (a
    // false claim is the claims invariant's business), the world did it, or a fault or an
    // interruption could have done it. Anything else is the engine dropping mail without a word.
    const bool explained = entry.engine_fate.has_value() ||
                           record_.world_losses.count(entry.message_id) != 0 ||
                           !loss_cause(entry).empty();
    if (!explained) {
      accounted.add(entry.message_id + " lost silently: " + entry.detail +
                    "; the engine never reported it and nothing in the world explains it");
    }
  }
  std::string summary = std::to_string(held) + " messages:";
  for (Fate f : {Fate::kDelivered, Fate::kNdr, Fate::kQuarantined, Fate::kPending, Fate::kLost}) {
    summary += " " + fate_name(f) + " " + std::to_string(fates[f]);
  }
  out.push_back(verdict(kInvariantAccounted, accounted, summary));

  Offenders twice;
  std::int64_t explained_duplicates = 0;
  // Settled messages delivered again, in injection (message number) order among the others.
  const std::vector<SettledMessages::Duplicate> late =
      settled_ == nullptr ? std::vector<SettledMessages::Duplicate>() : settled_->duplicates();
  std::size_t next_late = 0;
  auto add_late_before = [&](std::uint32_t number) {
    for (; next_late < late.size() && late[next_late].number < number; ++next_late) {
      if (late[next_late].explained) {
        ++explained_duplicates;
      } else {
        twice.add(late[next_late].text);
      }
    }
  };
  for (const LedgerEntry& entry : entries) {
    const std::string& id = entry.message_id;
    if (next_late < late.size()) {
      std::uint32_t number = 0;
      if (message_number(id, &number)) add_late_before(number);
    }
    if (entry.direction == Direction::kInbound) {
      int accepted = 0;
      if (const auto it = puts_by_id_.find(id); it != puts_by_id_.end()) {
        for (const MtaPutRecord* put : it->second) accepted += put->accepted() && !put->is_ndr;
      }
      if (accepted > 1) {
        twice.add(id + ": the MTA accepted it " + std::to_string(accepted) + " times");
      }
      continue;
    }
    // One record per recipient is right; two for the same recipient is a second delivery.
    std::map<std::string, int> per_recipient;
    if (const auto it = records_by_id_.find(id); it != records_by_id_.end()) {
      for (const MailbagRecord* r : it->second) {
        if (r->kind != "message") continue;
        std::string to;
        for (const std::string& rcpt : r->recipients) to += (to.empty() ? "" : ", ") + rcpt;
        ++per_recipient[to + " in mailbag " + r->mailbag];
      }
    }
    for (const auto& [to, n] : per_recipient) {
      if (n < 2) continue;
      // The MTA kept a message whose acknowledgement a fault swallowed or refused and offered it
      // again: delivering it again is what any MSMI does then, not a fault of this one.
      bool ack_failed = false;
      if (const auto it = acks_by_id_.find(id); it != acks_by_id_.end()) {
        for (const MtaAckRecord* ack : it->second) ack_failed |= ack->outcome != AckOutcome::kDone;
      }
      // Or the engine itself left it in the queue after delivering it, and said so (Q164840).
      if (ack_failed || entry.left_in_queue) {
        ++explained_duplicates;
        continue;
      }
      twice.add(id + ": " + std::to_string(n) + " records for " + to + " reached MS Mail");
    }
  }
  add_late_before(UINT32_MAX);
  out.push_back(verdict(kInvariantNoDuplicates, twice,
                        explained_duplicates == 0
                            ? "every message reached its recipients once"
                            : std::to_string(explained_duplicates) +
                                  " repeated deliveries, each after an acknowledgement the MTA "
                                  "did not take"));

  Offenders ndr_lost;
  for (const LedgerEntry& entry : entries) {
    if (entry.engine_fate != Fate::kNdr || entry.fate == Fate::kNdr) continue;
    if (lost_by_world(entry)) continue;  // the NDR arrived; an operator step destroyed it
    std::string refusals;
    if (entry.direction == Direction::kOutbound) {
      if (const auto it = puts_by_id_.find(entry.message_id + "-NDR"); it != puts_by_id_.end()) {
        for (const MtaPutRecord* put : it->second) {
          if (!put->accepted()) refusals += (refusals.empty() ? "" : ", ") + code_text(put->code);
        }
      }
    }
    ndr_lost.add(entry.message_id + ": the engine settled it as ndr, but " +
                 (refusals.empty() ? std::string("no NDR reached the sender")
                                   : "its NDR was refused (" + refusals + ") and never retried"));
  }
  out.push_back(verdict(kInvariantNoNdrLost, ndr_lost, "every NDR the engine reported arrived"));

  Offenders claims;
  for (const LedgerEntry& entry : entries) {
    const std::string d = disagreement(entry);
    if (!d.empty()) claims.add(d);
  }
  out.push_back(verdict(kInvariantClaimsAgree, claims, "every fate the engine reported was seen"));

  if (context_.no_loss_promised) {
    Offenders lost;
    Offenders overdue;
    for (const LedgerEntry& entry : entries) {
      // The hardened promise is the engine's: mail an operator destroyed by hand (a mailbag reset,
      // a deleted file or queue entry) is lost, and the ledger says so, but no build could keep it.
      if (entry.fate == Fate::kLost && !lost_by_world(entry))
        lost.add(entry.message_id + ": " + entry.detail);
      if (entry.fate != Fate::kPending) continue;
      const std::int64_t waited = context_.end_us - entry.injected_us;
      if (waited <= context_.retry_horizon_us) continue;
      // Waits the engine cannot end: the MS Mail side holding its own mail, the MTA down, or the
      // service stopped by someone else.
      if (record_.held.count(entry.message_id) || !context_.mta_running ||
          (!context_.msmi_running && context_.crashes == 0)) {
        continue;
      }
      // A message the engine still tries (a put, or an om_read of it, inside the last horizon)
      // is being retried, not forgotten: the MTA may keep refusing it for good reasons.
      if (last_try_us(entry) >= context_.end_us - context_.retry_horizon_us) continue;
      overdue.add(entry.message_id + ": pending for " + std::to_string(waited / 1'000'000) + "s (" +
                  entry.detail + ")");
    }
    out.push_back(verdict(kInvariantNothingLost, lost, "no message lost"));
    out.push_back(
        verdict(kInvariantRetryHorizon, overdue,
                "horizon " + std::to_string(context_.retry_horizon_us / 1'000'000) + "s"));
  }
  return out;
}

}  // namespace msmisim
