// The message ledger: every message the world injects, and what became of it. At the end of a
// run every message is delivered, ndr, quarantined, pending (still queued somewhere it will be
// picked up from) or lost (nothing will ever process it again).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "msmi/clock.h"
#include "msmi/message_observer.h"

namespace msmisim {

enum class Direction { kInbound, kOutbound };  // inbound: MS Mail → Exchange

struct LedgerEntry {
  std::string message_id;
  std::string label;  // the scenario's name for a scripted message, "" for traffic
  Direction direction = Direction::kInbound;
  std::string sender;
  std::vector<std::string> recipients;
  msmi::Fate fate = msmi::Fate::kPending;
  int attempts = 0;
  std::string detail;
  std::int64_t injected_us = 0;
  std::int64_t settled_us = -1;
};

class Ledger final : public msmi::MessageObserver {
 public:
  explicit Ledger(const msmi::Clock& clock) : clock_(clock) {}

  void add(LedgerEntry entry);
  void on_attempt(const std::string& message_id) override;
  void on_settled(const std::string& message_id, msmi::Fate fate,
                  const std::string& detail) override;
  // Sets a pending message's detail (where it waits) without settling it.
  void set_pending(const std::string& message_id, const std::string& detail);

  // In injection order.
  const std::vector<LedgerEntry>& entries() const { return entries_; }
  const LedgerEntry* find(const std::string& message_id) const;
  const LedgerEntry* find_label(const std::string& label) const;
  std::map<msmi::Fate, std::int64_t> counts() const;

 private:
  LedgerEntry* find_mutable(const std::string& message_id);

  const msmi::Clock& clock_;
  std::vector<LedgerEntry> entries_;
  std::map<std::string, std::size_t> index_;
};

}  // namespace msmisim
