// A mailbag: the KEY/<NAME>.KEY index and the MBG/<NAME>.MBG records, as MS Mail keeps a queue
// (INQUEUE3 for mail arriving at the connector postoffice, one per destination postoffice for
// mail leaving it). A mailbag holds at most 4096 records (Q163020, Q175447). Resetting it zeroes
// the KEY and truncates the MBG, losing every record (Q130285). Format in mailbag.cpp.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "msmi/file_system.h"
#include "msmi/status.h"

namespace msmi {

inline constexpr std::size_t kMailbagRecordLimit = 4096;

enum class MailbagState : std::uint8_t {
  kNew = 0,         // written by the sender side, not yet looked at
  kReady = 1,       // checked by the Mailer, waiting for an inbound delivery thread
  kInProgress = 2,  // being submitted to the MTA
};

struct MailbagEntry {
  std::uint32_t seq = 0;  // assigned on append, never reused within one mailbag's life
  MailbagState state = MailbagState::kNew;
  std::uint8_t attempts = 0;      // submissions that failed so far (saturates at 255)
  std::string payload;            // an encoded text_record
  std::uint32_t offset = 0;       // where the record lies in the MBG; maintained by Mailbag
  std::uint32_t payload_crc = 0;  // CRC-32 of payload; maintained by Mailbag
};

// Not thread-safe; one simulation step at a time. Every call reads both files afresh, so the
// sender side and the engine may both use the same mailbag through the same FileSystem; the
// records are checked and decoded again only when a file changed. Appends add to the end of the
// MBG, removals leave dead records behind until they outweigh the live ones, so keeping a mailbag
// costs little per call.
class Mailbag {
 public:
  Mailbag(FileSystem& fs, std::string name);

  const std::string& name() const { return name_; }
  std::string key_path() const { return "KEY/" + name_ + ".KEY"; }
  std::string mbg_path() const { return "MBG/" + name_ + ".MBG"; }

  // All live entries in seq order. A missing or all-zero KEY is an empty mailbag. Corruption
  // (naming the file and what is wrong) for a truncated, garbled or inconsistent pair; Busy if
  // a file is locked. *entries is empty whenever the result is not ok.
  Status load(std::vector<MailbagEntry>* entries) const;
  // Full if the mailbag already holds kMailbagRecordLimit records.
  Status append(std::string_view payload, std::uint32_t* seq);
  // NotFound if no live entry has `seq` or, when `expected_payload` is given, if the entry with
  // `seq` holds another payload: after a reset numbering starts again, so a number alone may
  // name somebody else's record.
  Status update(std::uint32_t seq, MailbagState state, std::uint8_t attempts,
                const std::string* expected_payload = nullptr);
  Status remove(std::uint32_t seq, const std::string* expected_payload = nullptr);
  // MAILQ-style reset: KEY to zeros, MBG to zero bytes. Every record is gone.
  Status reset();
  // Moves both files into BAD/ (names suffixed with `tag`) so that a fresh, empty mailbag
  // takes their place; the damaged files are kept for inspection.
  Status move_aside(const std::string& tag, std::string* moved_to);

 private:
  // One consistent reading of the pair.
  struct Snapshot {
    std::string key;  // the KEY's bytes
    std::vector<MailbagEntry> entries;
    std::uint32_t next_seq = 1;
    std::uint32_t mbg_size = 0;               // MBG bytes the KEY describes
    std::uint64_t mbg_bytes_on_disk = ~0ULL;  // the MBG's real size; unknown for an empty KEY
  };
  enum class Records { kKeep, kAppend, kRewrite };

  Status read(Snapshot* out) const;
  Status parse(std::string_view key, std::string_view mbg, Snapshot* out) const;
  Status write(Snapshot& snapshot, Records records, std::string_view appended);
  static std::string encode_record(std::string_view payload);
  static std::string encode_key(const Snapshot& snapshot);

  FileSystem& fs_;
  std::string name_;
  mutable Snapshot cache_;         // the last reading or writing of the pair
  mutable std::string cache_mbg_;  // the MBG bytes behind cache_
  mutable bool cache_valid_ = false;
};

}  // namespace msmi
