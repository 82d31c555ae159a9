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
#include <array>
#include <bit>
#include <cstring>
#include <iterator>

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
std::uint32_t get_u32(std::string_view in, std::size_t at) {
  std::uint32_t v = 0;
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(&v, in.data() + at, 4);  // the KEY is read on every queue change
  } else {
    for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(in[at + i]);
  }
  return v;
}
void store_u32(char* at, std::uint32_t v) {
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(at, &v, 4);
  } else {
    for (int i = 0; i < 4; ++i) at[i] = static_cast<char>((v >> (8 * i)) & 0xFF);
  }
}
void store_entry(char* out, const MailbagEntry& entry) {
  store_u32(out, entry.seq);
  store_u32(out + 4, entry.offset);
  store_u32(out + 8, static_cast<std::uint32_t>(entry.payload.size()));
  store_u32(out + 12, entry.payload_crc);
  out[16] = static_cast<char>(entry.state);
  out[17] = static_cast<char>(entry.attempts);
  // flags and reserved are zero
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
  // `key` and `mbg` must outlive the lock (a Mailbag's own paths).
  UpdateLock(FileSystem& fs, const std::string& key, const std::string& mbg)
      : fs_(fs), key_(key), mbg_(mbg) {
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
  const std::string& key_;
  const std::string& mbg_;
  Status status_;
};

// The first offset in [from, to) where `a` and `b` differ, or `to`; memcmp scans whole chunks
// of a long range (a KEY compared whole), a loop the few bytes of a short one (an entry).
std::size_t first_difference(std::string_view a, std::string_view b, std::size_t from,
                             std::size_t to) {
  constexpr std::size_t kChunk = 64;
  while (to - from >= kChunk && std::memcmp(a.data() + from, b.data() + from, kChunk) == 0) {
    from += kChunk;
  }
  while (from < to && a[from] == b[from]) ++from;
  return from;
}

// How many bytes before a_end in `a` and before b_end in `b` are equal, at most `limit`.
std::size_t common_tail(std::string_view a, std::size_t a_end, std::string_view b,
                        std::size_t b_end, std::size_t limit) {
  constexpr std::size_t kChunk = 64;
  std::size_t tail = 0;
  while (limit - tail >= kChunk && std::memcmp(a.data() + a_end - tail - kChunk,
                                               b.data() + b_end - tail - kChunk, kChunk) == 0) {
    tail += kChunk;
  }
  while (tail < limit && a[a_end - 1 - tail] == b[b_end - 1 - tail]) ++tail;
  return tail;
}

// Where `now` differs from `old` (of the same size) within [from, to): its first differing
// byte and the end of its last; false if nothing there differs.
bool differing_range(std::string_view old, std::string_view now, std::size_t from, std::size_t to,
                     std::size_t* first, std::size_t* end) {
  *first = first_difference(old, now, from, to);
  if (*first == to) return false;
  *end = to - common_tail(old, to, now, to, to - *first);
  return true;
}

}  // namespace

Mailbag::Mailbag(FileSystem& fs, std::string name)
    : fs_(fs),
      name_(std::move(name)),
      key_path_("KEY/" + name_ + ".KEY"),
      mbg_path_("MBG/" + name_ + ".MBG") {
  std::shared_ptr<void>& shared = fs_.shared_reading("mailbag " + name_);
  if (!shared) shared = std::make_shared<Reading>();
  reading_ = std::static_pointer_cast<Reading>(shared);
}

void Mailbag::forget() const {
  reading_->cache_valid = false;
  reading_->key_known = false;
  reading_->key_encoded = false;
  reading_->key_version = 0;
  reading_->mbg_version = 0;
}

Status Mailbag::load(std::vector<MailbagEntry>* entries) const {
  Snapshot* snapshot = nullptr;
  Status s = read(&snapshot);
  if (!s.ok()) {
    entries->clear();  // a damaged mailbag is never half-read
    return s;
  }
  entries->assign(snapshot->entries.begin(), snapshot->entries.end());
  return Status::Ok();
}

Status Mailbag::view(const MailbagEntries** entries) const {
  Snapshot* snapshot = nullptr;
  Status s = read(&snapshot);
  *entries = s.ok() ? &snapshot->entries : nullptr;
  return s;
}

Status Mailbag::read(Snapshot** out) const {
  bool key_changed = true;
  reading_->key_known = false;
  Status s = fs_.read_file_if_changed(key_path_, &reading_->key_version, &reading_->key_bytes,
                                      &key_changed);
  if (!s.ok() && !s.is_not_found()) {
    forget();
    return s;
  }
  if (key_changed) reading_->key_encoded = false;  // read back from the file
  if (s.is_not_found() || all_zero(reading_->key_bytes)) {
    // Empty mailbag; the MBG's size is unknown until it is rewritten.
    if (s.is_not_found()) reading_->key_version = 0;
    reading_->key_known = s.ok();
    reading_->cache_valid = false;
    reading_->cache = Snapshot{};
    *out = &reading_->cache;
    return Status::Ok();
  }
  reading_->key_known = true;
  // The reading's mbg_bytes hold the MBG at its mbg_version, so a file that only grew costs
  // only its new bytes.
  FileSystem::Refresh how = FileSystem::Refresh::kReplaced;
  s = fs_.refresh_file(mbg_path_, &reading_->mbg_version, &reading_->mbg_bytes, &how);
  if (s.is_not_found()) {
    reading_->mbg_bytes.clear();
    reading_->mbg_version = 0;
  } else if (!s.ok()) {
    forget();
    return s;
  }
  if (reading_->cache_valid && !key_changed && how == FileSystem::Refresh::kUnchanged) {
    *out = &reading_->cache;
    return Status::Ok();
  }
  // Records checked before against the same MBG bytes need no second check. A queue mostly
  // grows at its end, so an MBG that only gained records still counts as the same. An MBG read
  // whole is checked again whole: the same bytes pass the same checks.
  const bool checked = reading_->cache_valid && how != FileSystem::Refresh::kReplaced;
  // Invalid until the parse succeeds: a failed one leaves the cache half-changed.
  reading_->cache_valid = false;
  s = parse(reading_->key_bytes, reading_->mbg_bytes, checked);
  if (!s.ok()) return s;
  reading_->cache_valid = true;
  *out = &reading_->cache;
  return Status::Ok();
}

Status Mailbag::parse(std::string_view key, std::string_view mbg, bool checked) const {
  const std::string& kp = key_path_;
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

  const std::string& mp = mbg_path_;
  const std::uint32_t mbg_size = get_u32(key, 16);
  if (mbg.size() < mbg_size) {
    return Status::Corruption(mp + ": " + std::to_string(mbg.size()) + " bytes, but its KEY says " +
                              std::to_string(mbg_size) + " (truncated)");
  }
  // The entries are rebuilt in place, in KEY order: entries[0, kept) are the new ones,
  // entries[next_checked, …) the checked ones not met yet (in seq order, as the KEY had them),
  // and what lies between was taken already. A queue change adds, drops or changes an entry or
  // two, so nearly every entry keeps its slot and its payload.
  MailbagEntries& entries = reading_->cache.entries;
  if (!checked) entries.clear();
  std::size_t next_checked = 0;
  std::size_t kept = 0;
  std::uint64_t record_bytes = 0;
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::size_t at = kHeaderSize + i * kEntrySize;
    const std::uint32_t seq = get_u32(key, at);
    const std::uint32_t offset = get_u32(key, at + 4);
    const std::uint32_t length = get_u32(key, at + 8);
    record_bytes += 8 + static_cast<std::uint64_t>(length);
    const std::uint32_t payload_crc = get_u32(key, at + 12);
    const auto state = static_cast<unsigned char>(key[at + 16]);
    if (state > 2) {
      return Status::Corruption(kp + ": entry " + std::to_string(i) + " has unknown state");
    }
    if (static_cast<std::uint64_t>(offset) + 8 + length > mbg_size) {
      return Status::Corruption(mp + ": record " + std::to_string(seq) + " lies past the end");
    }
    while (next_checked < entries.size() && entries[next_checked].seq < seq) ++next_checked;
    const bool known = next_checked < entries.size() && entries[next_checked].seq == seq &&
                       entries[next_checked].offset == offset &&
                       entries[next_checked].payload.size() == length &&
                       entries[next_checked].payload_crc == payload_crc;
    if (known) {
      if (kept != next_checked) entries[kept] = std::move(entries[next_checked]);
      ++next_checked;
    } else {
      const std::string_view record = mbg.substr(offset, 8 + length);
      if (record.substr(0, 4) != kRecordMagic || get_u32(record, 4) != length) {
        return Status::Corruption(mp + ": record " + std::to_string(seq) + " at offset " +
                                  std::to_string(offset) + " has a bad header");
      }
      const std::string_view payload = record.substr(8);
      if (crc32(payload) != payload_crc) {
        return Status::Corruption(mp + ": record " + std::to_string(seq) + " checksum mismatch");
      }
      if (kept == next_checked) {  // no slot free: one is made
        if (next_checked == entries.size()) {
          entries.emplace_back();
        } else {  // a new entry before checked ones not met yet
          entries.insert(entries.begin() + static_cast<std::ptrdiff_t>(kept), MailbagEntry{});
        }
        ++next_checked;
      }
      entries[kept].payload.assign(payload);
    }
    MailbagEntry& entry = entries[kept++];
    entry.seq = seq;
    entry.offset = offset;
    entry.payload_crc = payload_crc;
    entry.state = static_cast<MailbagState>(state);
    entry.attempts = static_cast<std::uint8_t>(key[at + 17]);
  }
  entries.resize(kept);
  reading_->cache.ascending = std::adjacent_find(entries.begin(), entries.end(),
                                                 [](const MailbagEntry& a, const MailbagEntry& b) {
                                                   return a.seq >= b.seq;
                                                 }) == entries.end();
  reading_->cache.next_seq = get_u32(key, 8);
  reading_->cache.mbg_size = mbg_size;
  reading_->cache.records_overlap = record_bytes > mbg_size;
  reading_->cache.mbg_bytes_on_disk = mbg.size();
  return Status::Ok();
}

std::string Mailbag::encode_record(std::string_view payload) {
  std::string record(kRecordMagic);
  put_u32(record, static_cast<std::uint32_t>(payload.size()));
  record.append(payload);
  return record;
}

void Mailbag::encode_key(const Snapshot& snapshot, std::string* key_out) {
  std::string& key = *key_out;
  key.assign(kHeaderSize + snapshot.entries.size() * kEntrySize, '\0');
  char* out = key.data();
  std::memcpy(out, kKeyMagic.data(), 4);
  out[4] = 1;  // version
  out[6] = static_cast<char>(kEntrySize);
  char* entry_out = out + kHeaderSize;
  for (const MailbagEntry& entry : snapshot.entries) {
    store_entry(entry_out, entry);
    entry_out += kEntrySize;
  }
  finish_key(snapshot, &key);
}

void Mailbag::finish_key(const Snapshot& snapshot, std::string* key) {
  char* out = key->data();
  store_u32(out + 8, snapshot.next_seq);
  store_u32(out + 12, static_cast<std::uint32_t>(snapshot.entries.size()));
  store_u32(out + 16, snapshot.mbg_size);
  const std::string_view view(*key);
  store_u32(out + 20, crc32(view.substr(kHeaderSize), crc32(view.substr(0, 20))));
}

Status Mailbag::edit_and_write_key(KeyEdit edit) {
  const Snapshot& snapshot = reading_->cache;
  std::string& key = reading_->key_bytes;
  reading_->key_known = false;  // until the write and its sync are done
  const auto entry_at = [](std::size_t index) { return kHeaderSize + index * kEntrySize; };
  switch (edit.kind) {
    case KeyEdit::Kind::kChanged: {
      // Only the header's counts and CRC and the entry can change: the patch runs from the
      // first of their bytes that differs to the last, as comparing the whole KEY would find.
      constexpr std::size_t kCounts = 8;
      const std::size_t at = entry_at(edit.index);
      std::array<char, kHeaderSize - kCounts> old_header;
      std::array<char, kEntrySize> old_entry;
      std::memcpy(old_header.data(), key.data() + kCounts, old_header.size());
      std::memcpy(old_entry.data(), key.data() + at, old_entry.size());
      store_entry(key.data() + at, snapshot.entries[edit.index]);
      finish_key(snapshot, &key);
      const std::string_view now(key);
      std::size_t header_first = 0, header_end = 0, entry_first = 0, entry_end = 0;
      const bool header_changed = differing_range(
          std::string_view(old_header.data(), old_header.size()),
          now.substr(kCounts, old_header.size()), 0, old_header.size(), &header_first, &header_end);
      const bool entry_changed = differing_range(
          std::string_view(old_entry.data(), old_entry.size()), now.substr(at, old_entry.size()), 0,
          old_entry.size(), &entry_first, &entry_end);
      if (!header_changed && !entry_changed) break;  // nothing differs: written whole
      const std::size_t first = header_changed ? kCounts + header_first : at + entry_first;
      const std::size_t end = entry_changed ? at + entry_end : kCounts + header_end;
      return fs_.write_file_at(key_path_, first, std::string_view(key).substr(first, end - first));
    }
    case KeyEdit::Kind::kAppended:
      key.resize(entry_at(snapshot.entries.size()), '\0');
      store_entry(key.data() + entry_at(snapshot.entries.size() - 1), snapshot.entries.back());
      finish_key(snapshot, &key);
      break;
    case KeyEdit::Kind::kRemoved:
      key.erase(entry_at(edit.index), edit.count * kEntrySize);
      finish_key(snapshot, &key);
      break;
    case KeyEdit::Kind::kWhole:
      break;  // not asked: write() encodes such a change whole
  }
  return fs_.write_file(key_path_, key);
}

Status Mailbag::write(Records records, std::string_view appended, KeyEdit edit) {
  Snapshot& snapshot = reading_->cache;
  // A snapshot read from a KEY that had records (not an empty mailbag) has its MBG bytes in
  // the reading's mbg_bytes, to put back if the KEY cannot be written after a rewrite: a KEY
  // must never describe records that are not there.
  const bool restorable = records == Records::kRewrite && reading_->cache_valid;
  reading_->cache_valid = false;
  Status s;
  std::string new_mbg;
  if (records == Records::kRewrite) {
    // Only the live records, packed from offset 0.
    for (MailbagEntry& entry : snapshot.entries) {
      entry.offset = static_cast<std::uint32_t>(new_mbg.size());
      new_mbg.append(encode_record(entry.payload));
    }
    snapshot.mbg_size = static_cast<std::uint32_t>(new_mbg.size());
    snapshot.records_overlap = false;  // packed one after another
    snapshot.mbg_bytes_on_disk = new_mbg.size();
    s = fs_.write_file(mbg_path_, new_mbg);
  } else if (records == Records::kAppend) {
    s = fs_.append_file(mbg_path_, appended);
    snapshot.mbg_size += static_cast<std::uint32_t>(appended.size());
    snapshot.mbg_bytes_on_disk += appended.size();
  }
  // The records first, durably: a KEY never points past the records it describes, not even
  // after a power loss.
  if (!s.ok()) {
    forget();
    return s;
  }
  if (records != Records::kKeep) s = fs_.sync_file(mbg_path_);
  // A KEY this Mailbag encoded is edited where the change touched it, with the same bytes as
  // encoding it whole; compaction moves every record, so it is encoded whole.
  const bool edited = reading_->key_known && reading_->key_encoded &&
                      edit.kind != KeyEdit::Kind::kWhole && records != Records::kRewrite;
  std::string& key = key_scratch_;
  if (s.ok()) {
    if (edited) {
      s = edit_and_write_key(edit);
    } else {
      encode_key(snapshot, &key);
      s = write_key(key);
    }
  }
  if (!s.ok()) {
    forget();
    if (restorable) {
      const Status restored = fs_.write_file(mbg_path_, reading_->mbg_bytes);
      if (!restored.ok()) {
        return Status::IoError(s.message() + "; restoring " + mbg_path_ +
                               " failed too: " + restored.message());
      }
    }
    return s;
  }
  // A KEY that was written but could not be synced already describes the new records; putting
  // the old MBG back now would break the pair, so the failure is only reported.
  s = fs_.sync_file(key_path_);
  if (!s.ok()) {
    forget();
    return s;
  }
  if (!edited) reading_->key_bytes.swap(key);
  reading_->key_known = true;
  reading_->key_encoded = true;
  reading_->key_version = fs_.version_of(key_path_);
  if (records == Records::kRewrite) {
    reading_->mbg_bytes = std::move(new_mbg);
    reading_->mbg_version = fs_.version_of(mbg_path_);
  } else if (records == Records::kAppend) {
    reading_->mbg_bytes.append(appended);
    reading_->mbg_version = fs_.version_of(mbg_path_);
  }
  reading_->cache_valid = true;
  return Status::Ok();
}

Status Mailbag::write_key(std::string_view key) {
  // A KEY of the same size is patched where it differs (an entry's state, the header's CRC):
  // the file ends up byte for byte what writing it whole would leave.
  std::size_t first = 0;
  std::size_t end = 0;
  if (reading_->key_known && reading_->key_bytes.size() == key.size() &&
      differing_range(reading_->key_bytes, key, 0, key.size(), &first, &end)) {
    reading_->key_known = false;  // until the write and its sync are done
    return fs_.write_file_at(key_path_, first, key.substr(first, end - first));
  }
  reading_->key_known = false;
  return fs_.write_file(key_path_, key);
}

MailbagEntries::iterator Mailbag::find_entry(Snapshot& snapshot, std::uint32_t seq,
                                             const std::string* expected_payload) {
  MailbagEntries& entries = snapshot.entries;
  const auto holds = [&](const MailbagEntry& e) {
    return e.seq == seq && (expected_payload == nullptr || e.payload == *expected_payload);
  };
  if (!snapshot.ascending) return std::find_if(entries.begin(), entries.end(), holds);
  const auto it =
      std::lower_bound(entries.begin(), entries.end(), seq,
                       [](const MailbagEntry& e, std::uint32_t s) { return e.seq < s; });
  return it != entries.end() && holds(*it) ? it : entries.end();
}

template <typename Change>
Status Mailbag::change(Change&& apply) {
  const UpdateLock lock(fs_, key_path(), mbg_path());
  if (!lock.status().ok()) return lock.status();
  Snapshot* snapshot = nullptr;
  const Status s = read(&snapshot);
  if (!s.ok()) return s;
  return apply(snapshot);
}

Status Mailbag::append(std::string_view payload, std::uint32_t* seq) {
  return change([&](Snapshot* snapshot) -> Status {
    if (snapshot->entries.size() >= kMailbagRecordLimit) {
      return Status::Full(mbg_path_ + ": mailbag holds 4096 records, the limit");
    }
    MailbagEntry entry;
    entry.seq = snapshot->next_seq == 0 ? 1 : snapshot->next_seq;
    entry.offset = snapshot->mbg_size;
    entry.payload = std::string(payload);
    entry.payload_crc = crc32(payload);
    snapshot->next_seq = entry.seq + 1;
    if (seq != nullptr) *seq = entry.seq;
    if (!snapshot->entries.empty() && snapshot->entries.back().seq >= entry.seq)
      snapshot->ascending = false;
    snapshot->entries.push_back(std::move(entry));
    // Appending is safe only when the MBG ends exactly where the KEY says; otherwise (a fresh or
    // reset mailbag, or bytes left behind by an interrupted write) the records are rewritten.
    if (snapshot->mbg_bytes_on_disk != snapshot->mbg_size) {
      return write(Records::kRewrite, {}, KeyEdit{});
    }
    return write(Records::kAppend, encode_record(payload), {KeyEdit::Kind::kAppended});
  });
}

Status Mailbag::append_all(const std::vector<std::string>& payloads) {
  return change([&](Snapshot* snapshot) -> Status {
    if (snapshot->entries.size() + payloads.size() > kMailbagRecordLimit) {
      return Status::Full(mbg_path_ + ": " + std::to_string(payloads.size()) +
                          " more records would pass the limit of 4096");
    }
    for (const std::string& payload : payloads) {
      MailbagEntry entry;
      entry.seq = snapshot->next_seq == 0 ? 1 : snapshot->next_seq;
      entry.payload = payload;
      entry.payload_crc = crc32(payload);
      snapshot->next_seq = entry.seq + 1;
      if (!snapshot->entries.empty() && snapshot->entries.back().seq >= entry.seq)
        snapshot->ascending = false;
      snapshot->entries.push_back(std::move(entry));
    }
    return write(Records::kRewrite, {}, KeyEdit{});
  });
}

Status Mailbag::update(std::uint32_t seq, MailbagState state, std::uint8_t attempts,
                       const std::string* expected_payload) {
  return change([&](Snapshot* snapshot) -> Status {
    const auto it = find_entry(*snapshot, seq, expected_payload);
    if (it == snapshot->entries.end()) {
      return Status::NotFound(key_path_ + ": no record " + std::to_string(seq));
    }
    MailbagEntry& entry = *it;
    if (entry.state == state && entry.attempts == attempts) return Status::Ok();
    entry.state = state;
    entry.attempts = attempts;
    const auto index = static_cast<std::size_t>(it - snapshot->entries.begin());
    return write(Records::kKeep, {}, {KeyEdit::Kind::kChanged, index});
  });
}

Status Mailbag::remove(std::uint32_t seq, const std::string* expected_payload) {
  return change([&](Snapshot* snapshot) -> Status {
    MailbagEntries& entries = snapshot->entries;
    const auto it = find_entry(*snapshot, seq, expected_payload);
    if (it == entries.end()) {
      return Status::NotFound(key_path_ + ": no record " + std::to_string(seq));
    }
    const auto index = static_cast<std::size_t>(it - entries.begin());
    entries.erase(it);
    return write_after_removal({KeyEdit::Kind::kRemoved, index, 1});
  });
}

Status Mailbag::take_oldest(std::size_t limit, std::vector<MailbagEntry>* taken) {
  taken->clear();
  return change([&](Snapshot* snapshot) -> Status {
    MailbagEntries& entries = snapshot->entries;
    const auto end = entries.begin() + static_cast<std::ptrdiff_t>(std::min(limit, entries.size()));
    if (end == entries.begin()) return Status::Ok();
    taken->assign(std::make_move_iterator(entries.begin()), std::make_move_iterator(end));
    entries.erase(entries.begin(), end);
    Status s = write_after_removal({KeyEdit::Kind::kRemoved, 0, taken->size()});
    if (!s.ok()) taken->clear();
    return s;
  });
}

Status Mailbag::write_after_removal(KeyEdit edit) {
  const Snapshot& snapshot = reading_->cache;
  bool compact = snapshot.entries.empty();
  // The dead bytes are fewer than the MBG's, unless records overlap (then "dead" comes out
  // huge and the records are packed again): only a large MBG needs the live ones counted.
  if (!compact && (snapshot.mbg_size > kCompactAfterBytes || snapshot.records_overlap)) {
    std::uint64_t live = 0;
    for (const MailbagEntry& entry : snapshot.entries) live += 8 + entry.payload.size();
    const std::uint64_t dead = snapshot.mbg_size - live;
    compact = dead > kCompactAfterBytes && dead > live;
  }
  return write(compact ? Records::kRewrite : Records::kKeep, {}, edit);
}

bool Mailbag::holds(std::string_view payload) const {
  const MailbagEntries* entries = nullptr;
  if (!view(&entries).ok()) return false;
  return std::any_of(entries->begin(), entries->end(),
                     [&](const MailbagEntry& e) { return e.payload == payload; });
}

Status Mailbag::sync() {
  Status s = fs_.exists(mbg_path_) ? fs_.sync_file(mbg_path_) : Status::Ok();
  if (s.ok() && fs_.exists(key_path_)) s = fs_.sync_file(key_path_);
  return s;
}

Status Mailbag::reset() {
  const UpdateLock lock(fs_, key_path(), mbg_path());
  if (!lock.status().ok()) return lock.status();
  forget();
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
  forget();
  Status s = fs_.make_dirs("BAD");
  const std::string key_target = "BAD/" + name_ + ".KEY." + tag;
  const std::string mbg_target = "BAD/" + name_ + ".MBG." + tag;
  if (s.ok() && fs_.exists(key_path())) s = fs_.rename_file(key_path(), key_target);
  if (s.ok() && fs_.exists(mbg_path())) s = fs_.rename_file(mbg_path(), mbg_target);
  if (moved_to != nullptr) *moved_to = key_target + " and " + mbg_target;
  return s;
}

}  // namespace msmi
