#include "msmisim/ledger.h"

namespace msmisim {

void Ledger::add(LedgerEntry entry) {
  index_[entry.message_id] = entries_.size();
  entries_.push_back(std::move(entry));
}

LedgerEntry* Ledger::find_mutable(const std::string& message_id) {
  const auto it = index_.find(message_id);
  return it == index_.end() ? nullptr : &entries_[it->second];
}

const LedgerEntry* Ledger::find(const std::string& message_id) const {
  const auto it = index_.find(message_id);
  return it == index_.end() ? nullptr : &entries_[it->second];
}

const LedgerEntry* Ledger::find_label(const std::string& label) const {
  for (const LedgerEntry& entry : entries_) {
    if (entry.label == label) return &entry;
  }
  return nullptr;
}

void Ledger::on_attempt(const std::string& message_id) {
  if (LedgerEntry* entry = find_mutable(message_id)) ++entry->attempts;
}

void Ledger::on_settled(const std::string& message_id, msmi::Fate fate, const std::string& detail) {
  LedgerEntry* entry = find_mutable(message_id);
  if (entry == nullptr) return;  // e.g. an NDR the engine generated itself
  // The first final fate wins: a message that reached Exchange, its sender or the quarantine
  // stays there, whatever a stale duplicate of its queue record reports later. Only "lost" (a
  // reset) can still be undone, by the hardened profile recovering the envelope.
  if (entry->fate == msmi::Fate::kDelivered || entry->fate == msmi::Fate::kNdr ||
      entry->fate == msmi::Fate::kQuarantined) {
    return;
  }
  entry->fate = fate;
  entry->detail = detail;
  entry->settled_us = fate == msmi::Fate::kPending ? -1 : clock_.now_us();
}

void Ledger::set_pending(const std::string& message_id, const std::string& detail) {
  if (LedgerEntry* entry = find_mutable(message_id)) {
    entry->fate = msmi::Fate::kPending;
    entry->detail = detail;
    entry->settled_us = -1;
  }
}

std::map<msmi::Fate, std::int64_t> Ledger::counts() const {
  std::map<msmi::Fate, std::int64_t> counts;
  for (msmi::Fate f : {msmi::Fate::kDelivered, msmi::Fate::kNdr, msmi::Fate::kQuarantined,
                       msmi::Fate::kPending, msmi::Fate::kLost}) {
    counts[f] = 0;
  }
  for (const LedgerEntry& entry : entries_) ++counts[entry.fate];
  return counts;
}

}  // namespace msmisim
