// A mailbag: the KEY/<NAME>.KEY index and the MBG/<NAME>.MBG records, as MS Mail keeps a queue
// (INQUEUE3 for mail arriving at the connector postoffice, one per destination postoffice for
// mail leaving it). A mailbag holds at most 4096 records (Q163020, Q175447). Resetting it zeroes
// the KEY and truncates the MBG, losing every record (Q130285). Format in mailbag.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
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

// A mailbag's live entries in seq order: a deque, as records mostly leave from the front (the
// oldest delivered first) and a removal there moves no other entry.
using MailbagEntries = std::deque<MailbagEntry>;

// Not thread-safe; one simulation step at a time. Every call reads both files, so the sender
// side and the engine may both use the same mailbag through the same FileSystem. But a file
// whose FileSystem version shows it unchanged since it was last read or written is not copied
// (every Mailbag of one name on one FileSystem shares that reading: see Reading), an MBG that
// only grew is read from where it ended (FileSystem::refresh_file), a KEY that keeps its size
// is patched where it changed (FileSystem::write_file_at), and records already checked against
// an unchanged MBG are not checked again. Appends add to the end of the MBG, removals leave
// dead records behind until they outweigh the live ones, so keeping a mailbag costs little per
// call.
class Mailbag {
 public:
  Mailbag(FileSystem& fs, std::string name);

  const std::string& name() const { return name_; }
  const std::string& key_path() const { return key_path_; }
  const std::string& mbg_path() const { return mbg_path_; }

  // All live entries in seq order. A missing or all-zero KEY is an empty mailbag. Corruption
  // (naming the file and what is wrong) for a truncated, garbled or inconsistent pair; Busy if
  // a file is locked. *entries is empty whenever the result is not ok.
  Status load(std::vector<MailbagEntry>* entries) const;
  // load without the copy: *entries points at the shared reading, valid until the next call on
  // any Mailbag of this name on the same FileSystem (so copy an entry before passing its parts
  // to update or remove). Null whenever the result is not ok.
  Status view(const MailbagEntries** entries) const;
  // Full if the mailbag already holds kMailbagRecordLimit records.
  Status append(std::string_view payload, std::uint32_t* seq);
  // Appends every payload in one write of both files, as a mailbag that has filled up over
  // months is found on disk: Full, appending none, if they would take the mailbag past
  // kMailbagRecordLimit.
  Status append_all(const std::vector<std::string>& payloads);
  // NotFound if no live entry has `seq` or, when `expected_payload` is given, if the entry with
  // `seq` holds another payload: after a reset numbering starts again, so a number alone may
  // name somebody else's record.
  Status update(std::uint32_t seq, MailbagState state, std::uint8_t attempts,
                const std::string* expected_payload = nullptr);
  Status remove(std::uint32_t seq, const std::string* expected_payload = nullptr);
  // Removes the `limit` oldest live entries (all, if fewer) in one change of the pair and moves
  // them into *taken, in seq order: how the PC MTA takes a batch of records to deliver. On
  // failure nothing is taken and *taken is empty.
  Status take_oldest(std::size_t limit, std::vector<MailbagEntry>* taken);
  // Whether a live entry holds exactly `payload` (an error reading the pair: false).
  bool holds(std::string_view payload) const;
  // Syncs the MBG, then the KEY: what the pair holds now survives a power loss. For a record
  // whose append wrote both files but failed to sync them.
  Status sync();
  // MAILQ-style reset: KEY to zeros, MBG to zero bytes. Every record is gone.
  Status reset();
  // Moves both files into BAD/ (names suffixed with `tag`) so that a fresh, empty mailbag
  // takes their place; the damaged files are kept for inspection.
  Status move_aside(const std::string& tag, std::string* moved_to);

 private:
  // One consistent reading of the pair.
  struct Snapshot {
    MailbagEntries entries;
    std::uint32_t next_seq = 1;
    std::uint32_t mbg_size = 0;               // MBG bytes the KEY describes
    std::uint64_t mbg_bytes_on_disk = ~0ULL;  // the MBG's real size; unknown for an empty KEY
    // The entries' seqs ascend, as every Mailbag writes them (a KEY from elsewhere need not):
    // then an entry is found by binary search.
    bool ascending = true;
    // The entries' records take more bytes than the MBG the KEY describes: they overlap, as in
    // a KEY from elsewhere. A Mailbag's own writes never make this so.
    bool records_overlap = false;
  };
  enum class Records { kKeep, kAppend, kRewrite };
  // What a change did to the entries, so that a KEY this Mailbag encoded can be edited where it
  // changed instead of encoded whole: entry `index` changed in place, the last entry was
  // appended, or `count` entries from `index` on were removed.
  struct KeyEdit {
    enum class Kind { kWhole, kChanged, kAppended, kRemoved };
    Kind kind = Kind::kWhole;
    std::size_t index = 0;
    std::size_t count = 0;
  };

  // One change of the pair under the update lock: reads it, then `apply(snapshot)` changes the
  // reading's cache and writes it back (or refuses), and its Status is the call's.
  template <typename Change>
  Status change(Change&& apply);
  // Reads the pair; on Ok *out points at the reading's cache, which the caller may change
  // before write().
  Status read(Snapshot** out) const;
  // Parses the pair into the reading's cache. `checked`: the cache's entries were checked
  // against these very MBG bytes, so an entry the KEY still describes alike keeps its payload
  // unread. On failure the cache is left half-parsed: the caller marks it invalid.
  Status parse(std::string_view key, std::string_view mbg, bool checked) const;
  // Writes the reading's cache, from which entries were just removed, back: the records stay in
  // the MBG until the dead bytes outgrow the live ones, or none is left.
  Status write_after_removal(KeyEdit edit);
  // Writes the reading's cache (changed by the caller as `edit` says) back.
  Status write(Records records, std::string_view appended, KeyEdit edit);
  // Writes the KEY whole, or patches the bytes that differ from key_bytes when those are known
  // to be what the file holds.
  Status write_key(std::string_view key);
  void forget() const;
  // The first live entry with `seq` (and, when given, `expected_payload`), or entries.end().
  static MailbagEntries::iterator find_entry(Snapshot& snapshot, std::uint32_t seq,
                                             const std::string* expected_payload);
  static std::string encode_record(std::string_view payload);
  // The KEY describing `snapshot`, into *key (its buffer reused).
  static void encode_key(const Snapshot& snapshot, std::string* key);
  // Stores the header's counts and the CRC of an encoded KEY for `snapshot`.
  static void finish_key(const Snapshot& snapshot, std::string* key);
  // Edits the reading's key_bytes, which encode the snapshot as it was before `edit`, into
  // the KEY encode_key would give for it now, and writes it: the bytes that changed patched in
  // place (a KEY of the same size), else whole. On failure key_bytes are not what the file
  // holds: the caller forgets the reading.
  Status edit_and_write_key(KeyEdit edit);

  // The bytes of both files as last read or written, their FileSystem versions (0: unknown),
  // and, when cache_valid, their parse. Shared by every Mailbag of this name on the same
  // FileSystem (FileSystem::shared_reading): the MS Mail side's and the engine's, each reading
  // what the other wrote, find it already parsed.
  struct Reading {
    std::string key_bytes;
    std::string mbg_bytes;
    bool key_known = false;  // key_bytes is what the KEY file holds now
    // key_bytes were written by a Mailbag (encode_key of the cache, not bytes read back from
    // the file): a KEY read from disk may hold non-zero flags, which encode_key clears.
    bool key_encoded = false;
    std::uint64_t key_version = 0;
    std::uint64_t mbg_version = 0;
    Snapshot cache;
    bool cache_valid = false;
  };

  FileSystem& fs_;
  std::string name_;
  std::string key_path_;
  std::string mbg_path_;
  std::shared_ptr<Reading> reading_;
  std::string key_scratch_;  // the KEY being written; swapped with the reading's key_bytes
};

}  // namespace msmi
