#include "msmisim/record_filing.h"

#include <algorithm>
#include <iterator>

namespace msmisim {

RecordFiling::Owner RecordFiling::owner(const std::string& id, bool ndr_put) const {
  const bool ndr_of = ndr_put && id.ends_with("-NDR");
  const std::string base = ndr_of ? id.substr(0, id.size() - 4) : std::string();
  if (ledger_.find(id) != nullptr || (ndr_of && ledger_.find(base) != nullptr)) {
    return Owner::kLive;
  }
  if (settled_.knows(id) || (ndr_of && settled_.knows(base))) return Owner::kSettled;
  return Owner::kNone;
}

void RecordFiling::adopt_set_aside() {
  if (aside_.puts.empty() && aside_.acknowledgements.empty() && aside_.drained.empty() &&
      aside_offers_.empty()) {
    return;
  }
  MessageFacts aside = std::move(aside_);
  aside_ = MessageFacts();
  std::map<std::string, std::int64_t> offers = std::move(aside_offers_);
  aside_offers_.clear();
  file(std::move(aside.puts), std::move(aside.acknowledgements), std::move(offers),
       std::move(aside.drained));
}

void RecordFiling::file(std::vector<MtaPutRecord> puts, std::vector<MtaAckRecord> acknowledgements,
                        std::map<std::string, std::int64_t> offers,
                        std::vector<MailbagRecord> drained) {
  // Records set aside before the new ones: both keep the order they were made in.
  adopt_set_aside();
  // The owner first: a parameter may be moved into before another argument is evaluated.
  for (MtaPutRecord& put : puts) {
    const Owner o = owner(put.message_id, put.is_ndr);
    place(o, std::move(put), &MessageFacts::puts);
  }
  for (MtaAckRecord& ack : acknowledgements) {
    const Owner o = owner(ack.message_id, false);
    place(o, std::move(ack), &MessageFacts::acknowledgements);
  }
  for (auto& [id, when] : offers) {
    switch (owner(id, false)) {
      case Owner::kLive: {
        std::int64_t& last = live_[id].last_offered;
        last = std::max(last, when);
        break;
      }
      case Owner::kSettled:
        break;  // offered again after it settled: the MTA still had it, which settling excludes
      case Owner::kNone: {
        std::int64_t& last = aside_offers_.try_emplace(id, when).first->second;
        last = std::max(last, when);
        break;
      }
    }
  }
  for (MailbagRecord& record : drained) {
    const Owner o = record.kind == "damaged" ? Owner::kNone : owner(record.message_id, false);
    place(o, std::move(record), &MessageFacts::drained);
  }
}

const MessageFacts* RecordFiling::facts(const std::string& id) const {
  const auto it = live_.find(id);
  return it == live_.end() ? nullptr : &it->second;
}

void RecordFiling::forget(const std::string& id) {
  live_.erase(id);
  ndr_id_.assign(id).append("-NDR");
  live_.erase(ndr_id_);
}

void RecordFiling::fill(const std::vector<LedgerEntry>& entries, WorldRecord* w) const {
  auto add = [w](const std::string& id, const MessageFacts& f) {
    w->puts.insert(w->puts.end(), f.puts.begin(), f.puts.end());
    w->acknowledgements.insert(w->acknowledgements.end(), f.acknowledgements.begin(),
                               f.acknowledgements.end());
    w->drained.insert(w->drained.end(), f.drained.begin(), f.drained.end());
    if (f.last_offered >= 0) w->last_offered[id] = f.last_offered;
  };
  std::string ndr;
  for (const LedgerEntry& entry : entries) {
    ndr.assign(entry.message_id).append("-NDR");
    const std::string* const ids[] = {&entry.message_id, &ndr};
    for (const std::string* id : ids) {
      if (const MessageFacts* f = facts(*id)) add(*id, *f);
    }
  }
  add_aside(w);
}

void RecordFiling::add_aside(WorldRecord* w) const {
  w->puts.insert(w->puts.end(), aside_.puts.begin(), aside_.puts.end());
  w->acknowledgements.insert(w->acknowledgements.end(), aside_.acknowledgements.begin(),
                             aside_.acknowledgements.end());
  w->drained.insert(w->drained.end(), aside_.drained.begin(), aside_.drained.end());
  if (aside_.last_offered >= 0) w->last_offered[""] = aside_.last_offered;
  for (const auto& [id, when] : aside_offers_) w->last_offered[id] = when;
}

void RecordFiling::take(const std::vector<LedgerEntry>& entries, WorldRecord* w) {
  // fill() gives the facts of an entry named "<ID>-NDR" twice when <ID> settles with it: such a
  // batch is copied as fill() copies it.
  if (std::any_of(entries.begin(), entries.end(),
                  [](const LedgerEntry& e) { return e.message_id.ends_with("-NDR"); })) {
    fill(entries, w);
    for (const LedgerEntry& entry : entries) forget(entry.message_id);
    return;
  }
  const auto move_into = [](auto* to, auto& from) {
    to->insert(to->end(), std::make_move_iterator(from.begin()),
               std::make_move_iterator(from.end()));
  };
  for (const LedgerEntry& entry : entries) {
    ndr_id_.assign(entry.message_id).append("-NDR");
    const std::string* const ids[] = {&entry.message_id, &ndr_id_};
    for (const std::string* id : ids) {
      const auto it = live_.find(*id);
      if (it == live_.end()) continue;
      MessageFacts& f = it.value();
      move_into(&w->puts, f.puts);
      move_into(&w->acknowledgements, f.acknowledgements);
      move_into(&w->drained, f.drained);
      if (f.last_offered >= 0) w->last_offered[*id] = f.last_offered;
      live_.erase(it);
    }
  }
  add_aside(w);
}

}  // namespace msmisim
