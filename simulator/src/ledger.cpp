#include "msmisim/ledger.h"

#include <algorithm>

namespace msmisim {

void Ledger::add(LedgerEntry entry) {
  index_[entry.message_id] = next_serial_;
  serials_.push_back(next_serial_++);
  entries_.push_back(std::move(entry));
}

std::vector<LedgerEntry> Ledger::extract_if(const std::function<bool(const LedgerEntry&)>& take) {
  // Picked first, so that the entries taken are moved once, into a vector of the right size.
  std::vector<char> taken(entries_.size());
  std::size_t count = 0;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    taken[i] = take(entries_[i]) ? 1 : 0;
    count += taken[i];
  }
  std::vector<LedgerEntry> out;
  if (count == 0) return out;
  out.reserve(count);
  // The index names serial numbers, not positions: the entries kept move without re-indexing.
  std::size_t kept = 0;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (taken[i]) {
      const auto it = index_.find(entries_[i].message_id);
      if (it != index_.end() && it->second == serials_[i]) index_.erase(it);
      out.push_back(std::move(entries_[i]));
      continue;
    }
    if (kept != i) {
      entries_[kept] = std::move(entries_[i]);
      serials_[kept] = serials_[i];
    }
    ++kept;
  }
  entries_.resize(kept);
  serials_.resize(kept);
  return out;
}

std::size_t Ledger::position(const std::string& message_id) const {
  const auto it = index_.find(message_id);
  if (it == index_.end()) return entries_.size();
  const auto at = std::lower_bound(serials_.begin(), serials_.end(), it->second);
  return static_cast<std::size_t>(at - serials_.begin());
}

LedgerEntry* Ledger::find_mutable(const std::string& message_id) {
  const std::size_t at = position(message_id);
  return at == entries_.size() ? nullptr : &entries_[at];
}

const LedgerEntry* Ledger::find(const std::string& message_id) const {
  const std::size_t at = position(message_id);
  return at == entries_.size() ? nullptr : &entries_[at];
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

void Ledger::on_left_in_queue(const std::string& message_id) {
  if (LedgerEntry* entry = find_mutable(message_id)) entry->left_in_queue = true;
}

void Ledger::on_settled(const std::string& message_id, msmi::Fate fate, const std::string& detail) {
  LedgerEntry* entry = find_mutable(message_id);
  if (entry == nullptr) return;  // e.g. an NDR the engine generated itself
  // The first final claim wins: a message the engine put into the MTA, returned to its sender or
  // quarantined stays so in its word, whatever a stale duplicate of its queue record reports
  // later. Only "lost" can still be overruled, by the hardened profile recovering the envelope.
  if (entry->engine_fate == msmi::Fate::kDelivered || entry->engine_fate == msmi::Fate::kNdr ||
      entry->engine_fate == msmi::Fate::kQuarantined) {
    return;
  }
  entry->engine_fate = fate;
  entry->detail = detail;
  entry->engine_settled_us = clock_.now_us();
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
