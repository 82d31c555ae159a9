// Mailbag file format (little-endian throughout).
//
// KEY/<NAME>.KEY, the index:
//   0   4  magic "MKEY"
//   4   2  format version, 1
//   6   2  entry size, 24
//   8   4  next sequence number to assign
//   12  4  count of live entries (≤ 4096)
//   16  4  size of the MBG file this KEY describes, in bytes
//   20  4  CRC-32 of bytes 0..19 followed by all entry bytes
//   24  count × 24-byte entries:
//         0 4 sequence number   4 4 offset of the record in the MBG   8 4 payload length
//        12 4 CRC-32 of the payload   16 1 state (0 new, 1 ready, 2 in progress)
//        17 1 failed attempts   18 2 flags (0)   20 4 reserved (0)
//   A KEY of zero length or all zero bytes is an empty mailbag: that is what a reset leaves.
//
// MBG/<NAME>.MBG, the records: each record is "MBGR", a 4-byte payload length, the payload.
//   Records of removed entries stay until the dead bytes outgrow the live ones; then the MBG is
//   rewritten with only the live records.
//
// Crash safety: the MBG is synced before the KEY that describes it is written, and the KEY is
// synced before a call returns, so after a power loss during an append or an update the KEY
// never points at records that were lost, and a record the caller was told is queued is still
// there. A rewrite of the MBG (compaction, or the last record removed) replaces the records in
// place: a power loss between the MBG and the KEY leaves a pair that reads as Corruption.
//
// A KEY whose size is not 24 + 24 × count, whose CRC does not match, an MBG shorter than the KEY
// says, or a record whose magic, length or CRC does not match is Corruption: nothing in the pair
// is trusted, so nothing is half-processed.
#include "msmi/mailbag.h"

#include <algorithm>

#include "msmi/crc32.h"

namespace msmi {
namespace {

constexpr std::size_t kHeaderSize = 24;
constexpr std::size_t kEntrySize = 24;
constexpr std::string_view kKeyMagic = "MKEY";
constexpr std::string_view kRecordMagic = "MBGR";
constexpr std::uint64_t kCompactAfterBytes = 64 * 1024;

void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void put_u16(std::string& out, std::uint16_t v) {
  out.push_back(static_cast<char>(v & 0xFF));
  out.push_back(static_cast<char>(v >> 8));
}
std::uint32_t get_u32(std::string_view in, std::size_t at) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(in[at + i]);
  return v;
}
std::uint16_t get_u16(std::string_view in, std::size_t at) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(in[at]) |
                                    (static_cast<unsigned char>(in[at + 1]) << 8));
}

bool all_zero(std::string_view data) {
  return std::all_of(data.begin(), data.end(), [](char c) { return c == 0; });
}

// The share-deny lock on both files that MS Mail programs hold while they change a mailbag, for
// the length of one update: Busy (and nothing locked) while another process holds either file.
class UpdateLock {
 public:
  UpdateLock(FileSystem& fs, std::string key, std::string mbg)
      : fs_(fs), key_(std::move(key)), mbg_(std::move(mbg)) {
    status_ = fs_.lock_file(key_);
    if (!status_.ok()) return;
    status_ = fs_.lock_file(mbg_);
    if (!status_.ok()) fs_.unlock_file(key_);
  }
  ~UpdateLock() {
    if (!status_.ok()) return;
    fs_.unlock_file(mbg_);
    fs_.unlock_file(key_);
  }
  UpdateLock(const UpdateLock&) = delete;
  UpdateLock& operator=(const UpdateLock&) = delete;
  const Status& status() const { return status_; }

 private:
  FileSystem& fs_;
  const std::string key_;
  const std::string mbg_;
  Status status_;
};

}  // namespace

Mailbag::Mailbag(FileSystem& fs, std::string name) : fs_(fs), name_(std::move(name)) {}

Status Mailbag::load(std::vector<MailbagEntry>* entries) const {
  Snapshot snapshot;
  Status s = read(&snapshot);
  if (!s.ok()) {
    entries->clear();  // a damaged mailbag is never half-read
    return s;
  }
  *entries = std::move(snapshot.entries);
  return Status::Ok();
}

Status Mailbag::read(Snapshot* out) const {
  std::string key;
  Status s = fs_.read_file(key_path(), &key);
  if (s.is_not_found() || (s.ok() && all_zero(key))) {
    *out = Snapshot{};  // empty mailbag; the MBG's size is unknown until it is rewritten
    return Status::Ok();
  }
  if (!s.ok()) return s;
  std::string mbg;
  s = fs_.read_file(mbg_path(), &mbg);
  if (s.is_not_found()) {
    mbg.clear();
  } else if (!s.ok()) {
    return s;
  }
  // Both files are read every time, so damage done behind our back is always seen; what the
  // cache saves is checking and decoding every record again when neither file changed.
  if (cache_valid_ && key == cache_.key && mbg == cache_mbg_) {
    *out = cache_;
    return Status::Ok();
  }
  cache_valid_ = false;
  Snapshot snapshot;
  s = parse(key, mbg, &snapshot);
  if (!s.ok()) return s;
  snapshot.key = std::move(key);
  cache_ = snapshot;
  cache_mbg_ = std::move(mbg);
  cache_valid_ = true;
  *out = std::move(snapshot);
  return Status::Ok();
}

Status Mailbag::parse(std::string_view key, std::string_view mbg, Snapshot* out) const {
  const std::string kp = key_path();
  if (key.size() < kHeaderSize) return Status::Corruption(kp + ": shorter than its 24-byte header");
  if (key.substr(0, 4) != kKeyMagic) return Status::Corruption(kp + ": not a KEY file (bad magic)");
  if (get_u16(key, 4) != 1 || get_u16(key, 6) != kEntrySize) {
    return Status::Corruption(kp + ": unknown KEY version or entry size");
  }
  const std::uint32_t count = get_u32(key, 12);
  if (count > kMailbagRecordLimit) {
    return Status::Corruption(kp + ": claims " + std::to_string(count) +
                              " records, the limit is 4096");
  }
  if (key.size() != kHeaderSize + count * kEntrySize) {
    return Status::Corruption(kp + ": " + std::to_string(key.size()) + " bytes, but " +
                              std::to_string(count) + " entries need " +
                              std::to_string(kHeaderSize + count * kEntrySize) + " (truncated?)");
  }
  const std::uint32_t stored_crc = get_u32(key, 20);
  const std::uint32_t actual_crc = crc32(key.substr(kHeaderSize), crc32(key.substr(0, 20)));
  if (stored_crc != actual_crc) return Status::Corruption(kp + ": checksum mismatch (garbled)");

  const std::string mp = mbg_path();
  const std::uint32_t mbg_size = get_u32(key, 16);
  if (mbg.size() < mbg_size) {
    return Status::Corruption(mp + ": " + std::to_string(mbg.size()) + " bytes, but its KEY says " +
                              std::to_string(mbg_size) + " (truncated)");
  }
  Snapshot snapshot;
  snapshot.next_seq = get_u32(key, 8);
  snapshot.mbg_size = mbg_size;
  snapshot.mbg_bytes_on_disk = mbg.size();
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::size_t at = kHeaderSize + i * kEntrySize;
    MailbagEntry entry;
    entry.seq = get_u32(key, at);
    entry.offset = get_u32(key, at + 4);
    const std::uint32_t length = get_u32(key, at + 8);
    const std::uint32_t payload_crc = get_u32(key, at + 12);
    const auto state = static_cast<unsigned char>(key[at + 16]);
    if (state > 2) {
      return Status::Corruption(kp + ": entry " + std::to_string(i) + " has unknown state");
    }
    entry.state = static_cast<MailbagState>(state);
    entry.attempts = static_cast<std::uint8_t>(key[at + 17]);
    if (static_cast<std::uint64_t>(entry.offset) + 8 + length > mbg_size) {
      return Status::Corruption(mp + ": record " + std::to_string(entry.seq) +
                                " lies past the end");
    }
    const std::string_view record = mbg.substr(entry.offset, 8 + length);
    if (record.substr(0, 4) != kRecordMagic || get_u32(record, 4) != length) {
      return Status::Corruption(mp + ": record " + std::to_string(entry.seq) + " at offset " +
                                std::to_string(entry.offset) + " has a bad header");
    }
    entry.payload = std::string(record.substr(8));
    entry.payload_crc = payload_crc;
    if (crc32(entry.payload) != payload_crc) {
      return Status::Corruption(mp + ": record " + std::to_string(entry.seq) +
                                " checksum mismatch");
    }
    snapshot.entries.push_back(std::move(entry));
  }
  *out = std::move(snapshot);
  return Status::Ok();
}

std::string Mailbag::encode_record(std::string_view payload) {
  std::string record(kRecordMagic);
  put_u32(record, static_cast<std::uint32_t>(payload.size()));
  record.append(payload);
  return record;
}

std::string Mailbag::encode_key(const Snapshot& snapshot) {
  std::string table;
  for (const MailbagEntry& entry : snapshot.entries) {
    put_u32(table, entry.seq);
    put_u32(table, entry.offset);
    put_u32(table, static_cast<std::uint32_t>(entry.payload.size()));
    put_u32(table, entry.payload_crc);
    table.push_back(static_cast<char>(entry.state));
    table.push_back(static_cast<char>(entry.attempts));
    put_u16(table, 0);
    put_u32(table, 0);
  }
  std::string key;
  key.append(kKeyMagic);
  put_u16(key, 1);
  put_u16(key, kEntrySize);
  put_u32(key, snapshot.next_seq);
  put_u32(key, static_cast<std::uint32_t>(snapshot.entries.size()));
  put_u32(key, snapshot.mbg_size);
  put_u32(key, crc32(table, crc32(key)));
  key.append(table);
  return key;
}

Status Mailbag::write(Snapshot& snapshot, Records records, std::string_view appended) {
  cache_valid_ = false;
  Status s;
  // What the MBG held before, to put back if the KEY cannot be written after a rewrite: a
  // KEY must never describe records that are not there.
  std::string previous_mbg;
  const bool restorable = records == Records::kRewrite && !snapshot.key.empty();
  if (restorable) previous_mbg = cache_mbg_;
  if (records == Records::kRewrite) {
    // Only the live records, packed from offset 0.
    std::string mbg;
    for (MailbagEntry& entry : snapshot.entries) {
      entry.offset = static_cast<std::uint32_t>(mbg.size());
      mbg.append(encode_record(entry.payload));
    }
    snapshot.mbg_size = static_cast<std::uint32_t>(mbg.size());
    snapshot.mbg_bytes_on_disk = mbg.size();
    s = fs_.write_file(mbg_path(), mbg);
    if (s.ok()) cache_mbg_ = std::move(mbg);
  } else if (records == Records::kAppend) {
    s = fs_.append_file(mbg_path(), appended);
    if (s.ok()) cache_mbg_.append(appended);
    snapshot.mbg_size += static_cast<std::uint32_t>(appended.size());
    snapshot.mbg_bytes_on_disk += appended.size();
  }
  // The records first, durably: a KEY never points past the records it describes, not even
  // after a power loss.
  if (!s.ok()) return s;
  if (records != Records::kKeep) s = fs_.sync_file(mbg_path());
  if (s.ok()) {
    snapshot.key = encode_key(snapshot);
    s = fs_.write_file(key_path(), snapshot.key);
  }
  if (!s.ok()) {
    if (restorable) {
      const Status restored = fs_.write_file(mbg_path(), previous_mbg);
      if (!restored.ok()) {
        return Status::IoError(s.message() + "; restoring " + mbg_path() +
                               " failed too: " + restored.message());
      }
    }
    return s;
  }
  // A KEY that was written but could not be synced already describes the new records; putting
  // the old MBG back now would break the pair, so the failure is only reported.
  s = fs_.sync_file(key_path());
  if (!s.ok()) return s;
  cache_ = snapshot;
  cache_valid_ = true;
  return Status::Ok();
}

Status Mailbag::append(std::string_view payload, std::uint32_t* seq) {
  const UpdateLock lock(fs_, key_path(), mbg_path());
  if (!lock.status().ok()) return lock.status();
  Snapshot snapshot;
  Status s = read(&snapshot);
  if (!s.ok()) return s;
  if (snapshot.entries.size() >= kMailbagRecordLimit) {
    return Status::Full(mbg_path() + ": mailbag holds 4096 records, the limit");
  }
  MailbagEntry entry;
  entry.seq = snapshot.next_seq == 0 ? 1 : snapshot.next_seq;
  entry.offset = snapshot.mbg_size;
  entry.payload = std::string(payload);
  entry.payload_crc = crc32(payload);
  snapshot.next_seq = entry.seq + 1;
  if (seq != nullptr) *seq = entry.seq;
  snapshot.entries.push_back(std::move(entry));
  // Appending is safe only when the MBG ends exactly where the KEY says; otherwise (a fresh or
  // reset mailbag, or bytes left behind by an interrupted write) the records are rewritten.
  if (snapshot.mbg_bytes_on_disk != snapshot.mbg_size)
    return write(snapshot, Records::kRewrite, {});
  return write(snapshot, Records::kAppend, encode_record(payload));
}

Status Mailbag::update(std::uint32_t seq, MailbagState state, std::uint8_t attempts,
                       const std::string* expected_payload) {
  const UpdateLock lock(fs_, key_path(), mbg_path());
  if (!lock.status().ok()) return lock.status();
  Snapshot snapshot;
  Status s = read(&snapshot);
  if (!s.ok()) return s;
  for (MailbagEntry& entry : snapshot.entries) {
    if (entry.seq == seq && (expected_payload == nullptr || entry.payload == *expected_payload)) {
      if (entry.state == state && entry.attempts == attempts) return Status::Ok();
      entry.state = state;
      entry.attempts = attempts;
      return write(snapshot, Records::kKeep, {});
    }
  }
  return Status::NotFound(key_path() + ": no record " + std::to_string(seq));
}

Status Mailbag::remove(std::uint32_t seq, const std::string* expected_payload) {
  const UpdateLock lock(fs_, key_path(), mbg_path());
  if (!lock.status().ok()) return lock.status();
  Snapshot snapshot;
  Status s = read(&snapshot);
  if (!s.ok()) return s;
  const auto it =
      std::find_if(snapshot.entries.begin(), snapshot.entries.end(), [&](const MailbagEntry& e) {
        return e.seq == seq && (expected_payload == nullptr || e.payload == *expected_payload);
      });
  if (it == snapshot.entries.end()) {
    return Status::NotFound(key_path() + ": no record " + std::to_string(seq));
  }
  snapshot.entries.erase(it);
  // The removed record stays in the MBG until the dead bytes outgrow the live ones.
  std::uint64_t live = 0;
  for (const MailbagEntry& entry : snapshot.entries) live += 8 + entry.payload.size();
  const std::uint64_t dead = snapshot.mbg_size - live;
  const bool compact = snapshot.entries.empty() || (dead > kCompactAfterBytes && dead > live);
  return write(snapshot, compact ? Records::kRewrite : Records::kKeep, {});
}

Status Mailbag::reset() {
  const UpdateLock lock(fs_, key_path(), mbg_path());
  if (!lock.status().ok()) return lock.status();
  cache_valid_ = false;
  std::string key;
  Status s = fs_.read_file(key_path(), &key);
  if (s.is_not_found())
    key.clear();
  else if (!s.ok())
    return s;
  s = fs_.write_file(key_path(), std::string(std::max<std::size_t>(key.size(), kHeaderSize), '\0'));
  if (s.ok()) s = fs_.sync_file(key_path());
  if (s.ok()) s = fs_.write_file(mbg_path(), "");
  if (s.ok()) s = fs_.sync_file(mbg_path());
  return s;
}

Status Mailbag::move_aside(const std::string& tag, std::string* moved_to) {
  cache_valid_ = false;
  Status s = fs_.make_dirs("BAD");
  const std::string key_target = "BAD/" + name_ + ".KEY." + tag;
  const std::string mbg_target = "BAD/" + name_ + ".MBG." + tag;
  if (s.ok() && fs_.exists(key_path())) s = fs_.rename_file(key_path(), key_target);
  if (s.ok() && fs_.exists(mbg_path())) s = fs_.rename_file(mbg_path(), mbg_target);
  if (moved_to != nullptr) *moved_to = key_target + " and " + mbg_target;
  return s;
}

}  // namespace msmi
