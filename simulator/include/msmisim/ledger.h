// The message ledger: every message the world injects, and what became of it. At the end of a
// run every message is delivered, ndr, quarantined, pending (still queued somewhere it will be
// picked up from) or lost (nothing will ever process it again). The fate is the oracle's
// (oracle.h), judged from what the world saw; during the run the ledger only keeps what the
// engine claims through msmi::MessageObserver, for the detail text and the cross-check.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "msmi/clock.h"
#include "msmi/flat_string_map.h"
#include "msmi/message_observer.h"
#include "msmi/string_hash.h"

namespace msmisim {

enum class Direction { kInbound, kOutbound };  // inbound: MS Mail → Exchange

struct LedgerEntry {
  std::string message_id;
  std::string label;  // the scenario's name for a scripted message, "" for traffic
  Direction direction = Direction::kInbound;
  std::string sender;
  std::vector<std::string> recipients;
  msmi::Fate fate = msmi::Fate::kPending;  // the oracle's judgement, set at the end of the run
  int attempts = 0;
  std::string detail;  // the engine's words, else the oracle's: where it waits, why it is lost
  std::int64_t injected_us = 0;
  // When the fate happened: the engine's time when its claim agrees, else when the world saw it
  // (for lost: when it was reported lost, else the end of the run); -1 while pending.
  std::int64_t settled_us = -1;
  // What the engine claimed last (the first delivered, ndr or quarantined claim sticks), and
  // when; empty if it never said.
  std::optional<msmi::Fate> engine_fate;
  std::int64_t engine_settled_us = -1;
  // The engine delivered it and left it in the MTA's queue (Q164840): a repeated delivery is
  // its build's doing, and it said so.
  bool left_in_queue = false;
};

// Receives the rows of a run's ledger one at a time, as their messages settle
// (RunOptions::ledger_sink): a long run need not keep them all.
class LedgerSink {
 public:
  virtual ~LedgerSink() = default;
  virtual void write(const LedgerEntry& entry) = 0;
};

class Ledger final : public msmi::MessageObserver {
 public:
  explicit Ledger(const msmi::Clock& clock) : clock_(clock) {}

  void add(LedgerEntry entry);
  void on_attempt(const std::string& message_id) override;
  // Records the engine's claim; the fate itself is the oracle's to decide.
  void on_settled(const std::string& message_id, msmi::Fate fate,
                  const std::string& detail) override;
  void on_left_in_queue(const std::string& message_id) override;

  // In injection order.
  const std::vector<LedgerEntry>& entries() const { return entries_; }
  const LedgerEntry* find(const std::string& message_id) const;
  const LedgerEntry* find_label(const std::string& label) const;
  std::map<msmi::Fate, std::int64_t> counts() const;
  // For the oracle's judgement at the end of the run.
  std::vector<LedgerEntry>& mutable_entries() { return entries_; }
  // Moves the entries `take` picks out of the ledger, in injection order, keeping the others in
  // theirs: later claims about a message taken out find no entry and are ignored.
  std::vector<LedgerEntry> extract_if(const std::function<bool(const LedgerEntry&)>& take);
  // Moves the entries out at the end of a run, leaving the ledger empty: later claims find no
  // entry and are ignored.
  std::vector<LedgerEntry> take_entries() {
    index_.clear();
    serials_.clear();
    std::vector<LedgerEntry> out = std::move(entries_);
    entries_.clear();
    return out;
  }

 private:
  LedgerEntry* find_mutable(const std::string& message_id);
  // Where the entry of `message_id` is in entries_; entries_.size() if none.
  std::size_t position(const std::string& message_id) const;

  const msmi::Clock& clock_;
  std::vector<LedgerEntry> entries_;
  // The serial number each entry got when added, ascending like entries_: an entry is found by
  // its serial, so taking entries out moves the others without re-indexing them.
  std::vector<std::uint64_t> serials_;
  std::uint64_t next_serial_ = 0;
  // Message ID → serial of the entry last added with it. Looked up only, never iterated.
  msmi::FlatStringMap<std::string, std::uint64_t> index_;
};

}  // namespace msmisim
