// The world's records of the messages a run has not settled yet, filed by message ID as the run
// goes, for a run that hands its ledger on as messages settle (RunOptions::ledger_sink): what the
// oracle needs of a message is kept while it is in flight and dropped once it settles, so that
// a long run's memory does not grow with its messages.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "msmi/flat_string_map.h"
#include "msmi/string_hash.h"
#include "msmisim/ledger.h"
#include "msmisim/oracle.h"

namespace msmisim {

// What the world saw of one message ID: its puts, acknowledgements and drained mailbag records
// in the order they were made, and the last time the MTA offered it.
struct MessageFacts {
  std::vector<MtaPutRecord> puts;
  std::vector<MtaAckRecord> acknowledgements;
  std::vector<MailbagRecord> drained;
  std::int64_t last_offered = -1;
};

class RecordFiling {
 public:
  // Both must outlive the filing.
  RecordFiling(const Ledger& ledger, SettledMessages& settled)
      : ledger_(ledger), settled_(settled) {}

  // Files records taken from the MTA and the MS Mail side since the last call, each in the
  // order it was made: under its message while the ledger holds it (an NDR's put "<ID>-NDR"
  // under its own ID, while the ledger holds <ID>), to SettledMessages::note_late for a settled
  // message, else aside (records naming no message, kept in order for the end).
  void file(std::vector<MtaPutRecord> puts, std::vector<MtaAckRecord> acknowledgements,
            std::map<std::string, std::int64_t> offers, std::vector<MailbagRecord> drained);
  // The facts filed under `id`; nullptr if none.
  const MessageFacts* facts(const std::string& id) const;
  // Drops what was filed under a settled message (and its NDR).
  void forget(const std::string& id);
  // The world's record of the messages the ledger still holds (`entries`, in its order), then
  // of the records set aside: w's puts, acknowledgements, drained and last_offered.
  void fill(const std::vector<LedgerEntry>& entries, WorldRecord* w) const;
  // fill() then forget() of every entry, for messages settling now: what was filed under them
  // is moved into *w instead of copied.
  void take(const std::vector<LedgerEntry>& entries, WorldRecord* w);

 private:
  enum class Owner { kLive, kSettled, kNone };
  Owner owner(const std::string& id, bool ndr_put) const;
  // Under its own ID, to SettledMessages::note_late, or aside, as `owner` says.
  template <typename Record>
  void place(Owner owner, Record record, std::vector<Record> MessageFacts::*list) {
    switch (owner) {
      case Owner::kLive:
        // The list is found before the record is moved into it.
        (live_[record.message_id].*list).push_back(std::move(record));
        break;
      case Owner::kSettled:
        settled_.note_late(record);
        break;
      case Owner::kNone:
        (aside_.*list).push_back(std::move(record));
        break;
    }
  }
  // The records set aside (copied) and their offers, to *w, as the end of fill().
  void add_aside(WorldRecord* w) const;
  // Files records set aside earlier whose message has been injected since.
  void adopt_set_aside();

  const Ledger& ledger_;
  SettledMessages& settled_;
  // Looked up by message ID only, never iterated.
  msmi::FlatStringMap<std::string, MessageFacts> live_;
  MessageFacts aside_;  // records naming no message the ledger held when they were filed
  std::map<std::string, std::int64_t> aside_offers_;
  std::string ndr_id_;  // "<ID>-NDR", its buffer reused
};

}  // namespace msmisim
