// INQUEUE3 records decoded once per record: the Mailer decodes each new record as it checks it,
// and the inbound delivery threads, which scan the queue for ready records again and again while
// they wait, find them decoded already. A record is known by its sequence number and checked
// against its payload, so a record that changed, or another record under a reused number (after
// a reset), is decoded afresh.
// Not thread-safe; one simulation step at a time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "msmi/mailbag.h"
#include "msmi/queue_payloads.h"
#include "msmi/status.h"

namespace msmi {

class InqueueDecodings {
 public:
  struct Decoded {
    std::string payload;
    Status status;  // decode_inqueue_record's
    InqueueRecord record;
  };

  // decode_inqueue_record(entry.payload, `where`, …) remembered: valid until the next call.
  const Decoded& get(const MailbagEntry& entry, std::string_view where) {
    Decoded& known = by_seq_[entry.seq];
    if (known.payload.empty() || known.payload != entry.payload) {
      known.payload = entry.payload;
      known.record = InqueueRecord{};
      known.status = decode_inqueue_record(entry.payload, where, &known.record);
    }
    return known;
  }
  // Forgets the records no longer in `entries` (the queue as just read) once the decodings
  // outnumber them, so that the memory stays bounded.
  void prune(const MailbagEntries& entries) {
    if (by_seq_.size() <= 2 * entries.size() + 64) return;
    std::unordered_map<std::uint32_t, Decoded> kept;
    for (const MailbagEntry& entry : entries) {
      const auto it = by_seq_.find(entry.seq);
      if (it != by_seq_.end()) kept.emplace(entry.seq, std::move(it->second));
    }
    by_seq_ = std::move(kept);
  }

 private:
  // Looked up by sequence number only, never iterated.
  std::unordered_map<std::uint32_t, Decoded> by_seq_;
};

}  // namespace msmi
