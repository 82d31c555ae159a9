// The .EVT reader: libevt decodes, our walker decides which records the log holds.
//
// libevt (20200926) loses records in ways a support engineer would never notice: it stops at
// the first record it rejects (a record with a user SID but neither strings nor data is one) and
// files the rest under "recovered"; it reads from 0x30 in file order, so a wrapped log comes out
// in the wrong order or not at all and is flagged corrupted; and it never compares its count
// with the header. So the reader walks the log itself, record by record, from the oldest record
// (the header's StartOffset) to the ELF_EOF_RECORD, following the wrap, with bounded reads, and
// takes each record's fields from libevt when libevt returned a record at that offset, from its
// own decoder (evt_format.h) otherwise. Damage becomes a kMalformed with the byte offset, after
// which the walk resynchronises on the next "LfLe". At the end it compares the record numbers
// it saw with the header's (or, when the log was not closed cleanly, the end-of-file record's)
// and reports what is missing. Records outside the live log come last: libevt's recovered
// records, or, when libevt is not used, those our own scan of the free space finds.
//
// Memory. libevt_file_open() indexes every record of the file before the first is returned
// (about 170 bytes a record: 250 MB for a 1M-event log), so a file larger than
// kLibevtWholeFileBytes is not opened whole. libevt reads it in windows instead: as the walk
// reaches a record past the current window, the next up to kLibevtWindowBytes of whole records
// from there (stopping at padding, the end-of-file record or damage) are framed as a small EVT
// file of their own (a header, the records as they lie in the log, an end-of-file record) and
// opened by libevt through a libbfio memory range. Every live record is still decoded by libevt
// and compared with our decoder, and libevt's count (the sum of its windows') is still compared
// with the header; what changes is that a record libevt rejects costs it the rest of that window
// only, and that the free space is scanned by us (a window has none for libevt to recover from).
// Memory is then one window and its index, whatever the file's size. Smaller files, every log NT
// 4.0 wrote with its default sizes among them, are opened whole, as libevt is meant to be used.
//
// Speed. The log is read through a read-ahead buffer (kReadAheadBytes), not a pread() per field.
// libevt's record is compared with ours without decoding its text to UTF-8 a second time
// (libevt_matches(): libevt's UTF-16 against the record's own bytes); only a record that is not
// shown equal that way is decoded by libevt in full and compared field by field. libevt still
// parses each record twice (when a window is opened and when the record is fetched) and converts
// each text from its UTF-16 stream: half of the reader's cpu, the price of the cross-check.
#include "msmilog/evt_reader.h"

#include <fcntl.h>
#include <libbfio.h>
#include <libevt.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>

#include "msmilog/evt_format.h"

namespace msmilog {
namespace {

constexpr std::size_t kScanChunk = 64 * 1024;
constexpr std::size_t kReadAheadBytes = 1 << 20;
constexpr std::size_t kLibevtWindowBytes = 4 << 20;
constexpr std::uint32_t kPadding = 0x27;  // the filler NT writes where no record fits

std::string hex(std::uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof text, "0x%llX", static_cast<unsigned long long>(value));
  return text;
}

std::string libevt_message(libevt_error_t* error) {
  if (error == nullptr) return "unknown libevt error";
  char text[512] = {};
  libevt_error_sprint(error, text, sizeof text);
  libevt_error_free(&error);
  std::string message = text;
  while (!message.empty() && (message.back() == '\n' || message.back() == '.')) {
    message.pop_back();
  }
  // libevt reports a chain of errors, the outermost last; the first line names the cause.
  const std::size_t newline = message.find('\n');
  return newline == std::string::npos ? message : message.substr(0, newline);
}

// Strings up to this size (the terminating NUL included) are fetched from libevt in one call
// into a buffer on the stack instead of asking their size first: each call converts the string
// from UTF-16 again, and the size calls were a sixth of an import's time.
constexpr std::size_t kLibevtShortString = 512;

// A UTF-8 string getter of libevt: 1 = present, 0 = absent, -1 = error.
template <typename SizeFn, typename GetFn>
int libevt_utf8(libevt_record_t* record, SizeFn size_fn, GetFn get_fn, std::string* out) {
  uint8_t buffer[kLibevtShortString];
  const int got = get_fn(record, buffer, sizeof buffer, nullptr);
  if (got == 1) {
    out->assign(reinterpret_cast<const char*>(buffer),
                ::strnlen(reinterpret_cast<const char*>(buffer), sizeof buffer));
    return 1;
  }
  if (got == 0) {
    out->clear();
    return 0;
  }
  size_t size = 0;
  const int found = size_fn(record, &size, nullptr);
  if (found != 1 || size == 0) {
    out->clear();
    return found;
  }
  std::string text(size, '\0');
  if (get_fn(record, reinterpret_cast<uint8_t*>(text.data()), size, nullptr) != 1) return -1;
  text.resize(size - 1);
  *out = std::move(text);
  return 1;
}

// The names of the fields in which `a` and `b` differ, for a note.
std::string differing_fields(const LogRecord& a, const LogRecord& b) {
  std::string names;
  const auto check = [&](bool same, const char* name) {
    if (!same) names += names.empty() ? name : std::string(", ") + name;
  };
  check(a.record_number == b.record_number, "record number");
  check(a.event_identifier == b.event_identifier, "event identifier");
  check(a.type == b.type, "type");
  check(a.category == b.category, "category");
  check(a.created_us == b.created_us, "created");
  check(a.written_us == b.written_us, "written");
  check(a.source == b.source, "source");
  check(a.computer == b.computer, "computer");
  check(a.user == b.user, "user");
  check(a.strings == b.strings, "strings");
  check(a.data == b.data, "data");
  return names;
}

// The alignment padding between Computername and UserSidOffset of the whole record `bytes`
// (0 when the names end on a DWORD boundary or the record does not say).
std::size_t padding_before_sid(std::string_view bytes) {
  std::size_t at = evt::kRecordFixedSize;
  for (int names = 0; names < 2; ++names) {
    while (at + 1 < bytes.size() && (bytes[at] != '\0' || bytes[at + 1] != '\0')) at += 2;
    at += 2;
  }
  const std::uint32_t sid_offset = evt::load_u32(bytes, 44);
  return sid_offset > at && sid_offset - at < 4 ? sid_offset - at : 0;
}

// The fields of a libevt record as a LogRecord. False when libevt cannot give one of them.
bool from_libevt(libevt_record_t* record, LogRecord* out) {
  LogRecord r;
  uint32_t number = 0, created = 0, written = 0, identifier = 0;
  uint16_t type = 0, category = 0;
  if (libevt_record_get_identifier(record, &number, nullptr) != 1 ||
      libevt_record_get_creation_time(record, &created, nullptr) != 1 ||
      libevt_record_get_written_time(record, &written, nullptr) != 1 ||
      libevt_record_get_event_identifier(record, &identifier, nullptr) != 1 ||
      libevt_record_get_event_type(record, &type, nullptr) != 1 ||
      libevt_record_get_event_category(record, &category, nullptr) != 1) {
    return false;
  }
  r.record_number = number;
  r.created_us = static_cast<std::int64_t>(created) * 1000000;
  r.written_us = static_cast<std::int64_t>(written) * 1000000;
  r.event_identifier = identifier;
  r.type = static_cast<NtEventType>(type);
  r.category = category;
  if (libevt_utf8(record, libevt_record_get_utf8_source_name_size,
                  libevt_record_get_utf8_source_name, &r.source) < 0 ||
      libevt_utf8(record, libevt_record_get_utf8_computer_name_size,
                  libevt_record_get_utf8_computer_name, &r.computer) < 0 ||
      libevt_utf8(record, libevt_record_get_utf8_user_security_identifier_size,
                  libevt_record_get_utf8_user_security_identifier, &r.user) < 0) {
    return false;
  }
  int strings = 0;
  if (libevt_record_get_number_of_strings(record, &strings, nullptr) != 1) return false;
  for (int i = 0; i < strings; ++i) {
    uint8_t buffer[kLibevtShortString];
    if (libevt_record_get_utf8_string(record, i, buffer, sizeof buffer, nullptr) == 1) {
      r.strings.emplace_back(reinterpret_cast<const char*>(buffer),
                             ::strnlen(reinterpret_cast<const char*>(buffer), sizeof buffer));
      continue;
    }
    size_t size = 0;
    if (libevt_record_get_utf8_string_size(record, i, &size, nullptr) != 1) return false;
    std::string text(size, '\0');
    if (size > 0 && libevt_record_get_utf8_string(
                        record, i, reinterpret_cast<uint8_t*>(text.data()), size, nullptr) != 1) {
      return false;
    }
    if (size > 0) text.resize(size - 1);
    r.strings.push_back(std::move(text));
  }
  // libevt_record_get_data_size() fails, rather than returning 0, for a record without data.
  size_t data_size = 0;
  if (libevt_record_get_data_size(record, &data_size, nullptr) == 1 && data_size > 0) {
    r.data.resize(data_size);
    if (libevt_record_get_data(record, reinterpret_cast<uint8_t*>(r.data.data()), data_size,
                               nullptr) != 1) {
      return false;
    }
  }
  *out = std::move(r);
  return true;
}

// The UTF-16LE text (without its terminator) that starts at `offset` of the record `bytes` and
// ends before `end`, found as evt_format.cpp's decoder finds it; *next is past the terminator.
bool utf16z_span(std::string_view bytes, std::size_t offset, std::size_t end,
                 std::string_view* span, std::size_t* next) {
  for (std::size_t i = offset; i + 1 < end; i += 2) {
    if (bytes[i] == '\0' && bytes[i + 1] == '\0') {
      *span = bytes.substr(offset, i - offset);
      *next = i + 2;
      return true;
    }
  }
  return false;
}

// Text units fetched from libevt into a buffer on the stack by libevt_matches().
constexpr std::size_t kLibevtShortUnits = 512;

// True when libevt's UTF-16 text (a getter's answer `got` into `buffer`) is exactly `span`, the
// record's own UTF-16LE text: unit for unit, and without surrogates (whose conversion to UTF-8
// might differ between libevt and our decoder, so they are left to the full comparison).
bool same_utf16(int got, const std::uint16_t* buffer, std::string_view span) {
  const std::size_t units = span.size() / 2;
  if (got == 0) return units == 0;
  if (got != 1 || units >= kLibevtShortUnits || buffer[units] != 0) return false;
  for (std::size_t i = 0; i < units; ++i) {
    const auto unit = static_cast<std::uint16_t>(static_cast<unsigned char>(span[2 * i]) |
                                                 static_cast<unsigned char>(span[2 * i + 1]) << 8);
    if (unit != buffer[i] || unit == 0 || (unit >= 0xD800 && unit <= 0xDFFF)) return false;
  }
  return true;
}

// The cross-check made cheap: true when libevt's `record` holds exactly what `raw` (decoded by
// evt::decode_record() from the whole record `bytes`) holds, shown without converting any text
// to UTF-8: the numbers compared, libevt's UTF-16 text compared unit for unit with the text as
// it lies in the record (for which our decoder is a plain conversion), the data byte for byte,
// the SID as libevt's text. For such a record from_libevt() would give `raw` exactly, so the
// record needs no second decoding. False means "not shown equal": the caller then decodes the
// record with from_libevt() and compares the two field by field, as before.
bool libevt_matches(libevt_record_t* record, const LogRecord& raw, std::string_view bytes) {
  uint32_t number = 0, created = 0, written = 0, identifier = 0;
  uint16_t type = 0, category = 0;
  int strings = 0;
  if (libevt_record_get_identifier(record, &number, nullptr) != 1 || number != raw.record_number ||
      libevt_record_get_creation_time(record, &created, nullptr) != 1 ||
      static_cast<std::int64_t>(created) * 1000000 != raw.created_us ||
      libevt_record_get_written_time(record, &written, nullptr) != 1 ||
      static_cast<std::int64_t>(written) * 1000000 != raw.written_us ||
      libevt_record_get_event_identifier(record, &identifier, nullptr) != 1 ||
      identifier != raw.event_identifier ||
      libevt_record_get_event_type(record, &type, nullptr) != 1 ||
      static_cast<NtEventType>(type) != raw.type ||
      libevt_record_get_event_category(record, &category, nullptr) != 1 ||
      category != raw.category ||
      libevt_record_get_number_of_strings(record, &strings, nullptr) != 1 ||
      static_cast<std::size_t>(strings) != raw.strings.size()) {
    return false;
  }
  const std::size_t body_end = bytes.size() - 4;
  std::uint16_t buffer[kLibevtShortUnits];
  std::string_view span;
  std::size_t next = 0;
  if (!utf16z_span(bytes, evt::kRecordFixedSize, body_end, &span, &next) ||
      !same_utf16(libevt_record_get_utf16_source_name(record, buffer, kLibevtShortUnits, nullptr),
                  buffer, span) ||
      !utf16z_span(bytes, next, body_end, &span, &next) ||
      !same_utf16(libevt_record_get_utf16_computer_name(record, buffer, kLibevtShortUnits, nullptr),
                  buffer, span)) {
    return false;
  }
  std::string user;
  if (libevt_utf8(record, libevt_record_get_utf8_user_security_identifier_size,
                  libevt_record_get_utf8_user_security_identifier, &user) < 0 ||
      user != raw.user) {
    return false;
  }
  std::size_t at = evt::load_u32(bytes, 36);  // StringOffset
  for (int i = 0; i < strings; ++i) {
    if (!utf16z_span(bytes, at, body_end, &span, &at) ||
        !same_utf16(libevt_record_get_utf16_string(record, i, buffer, kLibevtShortUnits, nullptr),
                    buffer, span)) {
      return false;
    }
  }
  // libevt_record_get_data_size() fails, rather than returning 0, for a record without data.
  size_t data_size = 0;
  if (libevt_record_get_data_size(record, &data_size, nullptr) != 1) data_size = 0;
  if (data_size != raw.data.size()) return false;
  if (data_size == 0) return true;
  std::string data(data_size, '\0');
  return libevt_record_get_data(record, reinterpret_cast<uint8_t*>(data.data()), data_size,
                                nullptr) == 1 &&
         data == raw.data;
}

class EvtReader : public EvtLogReader {
 public:
  EvtReader(std::string path, int fd, std::uint64_t size, evt::Header header)
      : path_(std::move(path)), fd_(fd), file_size_(size), header_(header) {}
  ~EvtReader() override {
    release_cursor();
    close_window();
    if (libevt_ != nullptr) {
      libevt_file_close(libevt_, nullptr);
      libevt_file_free(&libevt_, nullptr);
    }
    ::close(fd_);
  }
  EvtReader(const EvtReader&) = delete;
  EvtReader& operator=(const EvtReader&) = delete;

  void start(bool use_libevt, std::uint64_t libevt_whole_file_bytes) {
    wrapped_ = (header_.flags & evt::kFlagWrapped) != 0;
    if (wrapped_) {
      note(36,
           "the log has wrapped: its newest records continue after the header, and the "
           "space between the end-of-file record and the oldest record holds overwritten "
           "ones");
    }
    if (header_.flags & evt::kFlagDirty) {
      note(0,
           "the header's DIRTY flag is set: the log was not closed cleanly, so its record "
           "numbers and offsets may be stale; the end-of-file record is trusted instead");
    }
    pos_ = header_.start_offset;
    if (pos_ < evt::kHeaderSize || pos_ >= file_size_ || pos_ % 4 != 0) {
      note(16, "the header's StartOffset " + hex(pos_) + " lies outside the " +
                   std::to_string(file_size_) + "-byte file; the walk starts at 0x30");
      pos_ = evt::kHeaderSize;
    }
    live_start_ = pos_;
    windowed_ = use_libevt && file_size_ > libevt_whole_file_bytes;
    if (use_libevt && !windowed_) open_libevt();
  }

  std::string_view format() const override { return "evt"; }
  const ReadIssue& issue() const override { return issue_; }
  std::vector<ReadIssue> notes() const override { return notes_; }
  std::uint64_t recovered() const override { return recovered_; }
  std::uint64_t missing() const override { return missing_; }
  std::uint64_t read_directly() const override { return read_directly_; }
  std::uint64_t bytes_read() const override {
    return phase_ == Phase::kDone ? file_size_ : std::min(file_size_, evt::kHeaderSize + walked_);
  }
  std::uint64_t total_bytes() const override { return file_size_; }

  ReadResult next(LogRecord* out) override {
    while (true) {
      switch (phase_) {
        case Phase::kLive: {
          const std::optional<ReadResult> result = next_live(out);
          if (result) return *result;
          finish_live();
          break;
        }
        case Phase::kRecovered:
          if (next_recovered(out)) return ReadResult::kRecord;
          phase_ = Phase::kDone;
          break;
        case Phase::kDone:
          return ReadResult::kEnd;
      }
    }
  }

 private:
  enum class Phase { kLive, kRecovered, kDone };

  std::uint64_t region() const { return file_size_ - evt::kHeaderSize; }

  void note(std::uint64_t position, std::string message) {
    notes_.push_back(ReadIssue{position, false, path_ + ": " + std::move(message)});
  }

  ReadResult malformed(std::uint64_t position, std::string message) {
    issue_ = ReadIssue{position, false,
                       path_ + ": record at offset " + std::to_string(position) + " (" +
                           hex(position) + "): " + std::move(message)};
    ++malformed_since_record_;
    return ReadResult::kMalformed;
  }

  // Reads `n` bytes of the log at physical offset `at`, continuing after the header when a
  // wrapped log runs past the end of the file. False when the file does not hold them.
  bool read_log(std::uint64_t at, std::size_t n, std::string* out) const {
    out->resize(n);
    std::size_t done = 0;
    while (done < n) {
      if (at >= file_size_) {
        if (!wrapped_ || done + (file_size_ - evt::kHeaderSize) < n) return false;
        at = evt::kHeaderSize;
      }
      const std::size_t want =
          static_cast<std::size_t>(std::min<std::uint64_t>(n - done, file_size_ - at));
      const std::size_t got = read_file(at, want, out->data() + done);
      if (got == 0) return false;
      done += got;
      at += got;
    }
    return true;
  }

  // Up to `n` bytes of the file at `at` into `dest`, through the read-ahead buffer; 0 at the end
  // of the file or on an error (errno tells which).
  std::size_t read_file(std::uint64_t at, std::size_t n, char* dest) const {
    if (n > kReadAheadBytes) {
      const ssize_t got = ::pread(fd_, dest, n, static_cast<off_t>(at));
      return got <= 0 ? 0 : static_cast<std::size_t>(got);
    }
    if (at < ahead_offset_ || at + n > ahead_offset_ + ahead_size_) {
      // The buffer is made once, as large as the file or kReadAheadBytes, and never cleared:
      // pread fills what is used (zero-filling it on each refill cost more than the reading).
      if (!ahead_) {
        ahead_capacity_ =
            static_cast<std::size_t>(std::min<std::uint64_t>(kReadAheadBytes, file_size_));
        ahead_ = std::make_unique_for_overwrite<char[]>(ahead_capacity_);
      }
      const std::size_t want = static_cast<std::size_t>(
          std::min<std::uint64_t>(ahead_capacity_, at < file_size_ ? file_size_ - at : 0));
      std::size_t filled = 0;
      while (filled < want) {
        const ssize_t got =
            ::pread(fd_, ahead_.get() + filled, want - filled, static_cast<off_t>(at + filled));
        if (got <= 0) break;
        filled += static_cast<std::size_t>(got);
      }
      ahead_size_ = filled;
      ahead_offset_ = at;
    }
    // Here ahead_offset_ <= at, and at + n lies within the buffer unless the file ends first.
    const std::size_t have =
        static_cast<std::size_t>(std::min<std::uint64_t>(n, ahead_offset_ + ahead_size_ - at));
    if (have > 0) std::memcpy(dest, ahead_.get() + (at - ahead_offset_), have);
    return have;
  }

  void advance(std::uint64_t n) {
    walked_ += n;
    pos_ += n;
    if (wrapped_ && pos_ >= file_size_) pos_ = evt::kHeaderSize + (pos_ - file_size_);
  }

  // Bytes the walk may still cover before it has gone round the whole log (wrapped) or hit the
  // end of the file.
  std::uint64_t walk_left() const {
    if (wrapped_) return walked_ >= region() ? 0 : region() - walked_;
    return pos_ >= file_size_ ? 0 : file_size_ - pos_;
  }

  // Moves pos_ to the next offset after the current one that starts something plausible: "LfLe"
  // preceded by a sane Length, or an end-of-file record. False when none is left.
  bool resynchronise() {
    std::string chunk;
    std::uint64_t skipped = 4;
    while (skipped + 8 <= walk_left()) {
      const std::size_t n =
          static_cast<std::size_t>(std::min<std::uint64_t>(kScanChunk, walk_left() - skipped));
      if (n < 8) break;
      std::uint64_t at = pos_ + skipped;
      if (wrapped_ && at >= file_size_) at = evt::kHeaderSize + (at - file_size_);
      if (!read_log(at, n, &chunk)) break;
      for (std::size_t i = 0; i + 8 <= n; i += 4) {
        const std::uint32_t length = evt::load_u32(chunk, i);
        const std::string_view mark = std::string_view(chunk).substr(i + 4, 4);
        const bool record = mark == evt::kSignature && length >= evt::kMinRecordSize &&
                            length <= evt::kMaxRecordSize && length % 4 == 0;
        if (!record &&
            !(length == evt::kEofRecordSize && evt::load_u32(chunk, i + 4) == 0x11111111)) {
          continue;
        }
        // "LfLe" inside a record's data is not a record: its trailing Length must agree,
        // unless the file ends first (a truncated record, reported as such).
        std::uint64_t candidate = at + i;
        if (wrapped_ && candidate >= file_size_) {
          candidate = evt::kHeaderSize + (candidate - file_size_);
        }
        std::string tail;
        if (record && skipped + i + length <= walk_left() &&
            read_log(candidate + length - 4 >= file_size_ && wrapped_
                         ? evt::kHeaderSize + (candidate + length - 4 - file_size_)
                         : candidate + length - 4,
                     4, &tail) &&
            evt::load_u32(tail, 0) != length) {
          continue;
        }
        advance(skipped + i);
        return true;
      }
      skipped += n - 4;  // the last record head may straddle two chunks
    }
    advance(walk_left());
    return false;
  }

  // The next live record, a malformed one, or nullopt at the end of the live log.
  std::optional<ReadResult> next_live(LogRecord* out) {
    std::string head;
    while (true) {
      if (walk_left() == 0) {
        note(pos_, wrapped_ ? "the walk went round the whole log without an end-of-file record"
                            : "the file ends at offset " + std::to_string(file_size_) +
                                  " without an end-of-file record (truncated?)");
        return std::nullopt;
      }
      const std::uint64_t at = pos_;
      if (walk_left() < 8 || !read_log(at, 8, &head)) {
        const std::uint64_t left = walk_left();
        advance(left);
        return malformed(at, "truncated: only " + std::to_string(left) +
                                 " bytes remain, less than a record header");
      }
      const std::uint32_t length = evt::load_u32(head, 0);
      if (length == kPadding) {
        advance(4);
        continue;
      }
      if (length == evt::kEofRecordSize && evt::load_u32(head, 4) == 0x11111111) {
        std::string bytes;
        evt::Header eof = header_;
        if (read_log(at, evt::kEofRecordSize, &bytes) && evt::decode_eof_record(bytes, &eof)) {
          eof_ = eof;
          eof_offset_ = at;
          advance(evt::kEofRecordSize);
          return std::nullopt;
        }
      }
      if (head.substr(4, 4) != evt::kSignature) {
        const std::string mark = hex(evt::load_u32(head, 4));
        const bool more = resynchronise();
        return malformed(
            at, "no \"LfLe\" signature (found " + mark + ")" +
                    (more ? "; reading resumes at offset " + std::to_string(pos_) : std::string()));
      }
      if (length < evt::kMinRecordSize || length > evt::kMaxRecordSize || length % 4 != 0) {
        const bool more = resynchronise();
        return malformed(
            at, "Length " + hex(length) + " is not a record size" +
                    (more ? "; reading resumes at offset " + std::to_string(pos_) : std::string()));
      }
      if (length > walk_left()) {
        const std::uint64_t left = walk_left();
        advance(left);
        return malformed(at, "truncated: the record claims " + std::to_string(length) +
                                 " bytes, the file ends after " + std::to_string(left));
      }
      std::string& bytes = record_bytes_;
      if (!read_log(at, length, &bytes)) {
        advance(walk_left());
        return malformed(at, "cannot be read: " + std::string(std::strerror(errno)));
      }
      if (evt::load_u32(bytes, length - 4) != length) {
        const bool more = resynchronise();
        return malformed(
            at, "the trailing Length " + hex(evt::load_u32(bytes, length - 4)) +
                    " differs from the Length " + hex(length) +
                    (more ? "; reading resumes at offset " + std::to_string(pos_) : std::string()));
      }
      advance(length);
      LogRecord raw;
      std::string why;
      const bool raw_ok = evt::decode_record(bytes, &raw, &why);
      LogRecord from_lib;
      const Libevt lib = libevt_record_at(at, length, raw_ok ? &raw : nullptr, bytes, &from_lib);
      const bool lib_ok = lib == Libevt::kSame || lib == Libevt::kDecoded;
      if (!raw_ok && !lib_ok) return malformed(at, why);
      if (lib == Libevt::kSame) {
        *out = std::move(raw);  // libevt decodes it alike: from_lib would be the same record
      } else if (lib_ok && raw_ok) {
        // Where the two disagree, the record's own offsets decide: libevt 20200926 reads the
        // data from where its cursor stands rather than from DataOffset, two bytes early
        // whenever the names leave alignment padding before the SID.
        const std::string differ = differing_fields(raw, from_lib);
        if (!differ.empty() && !(differ == "data" && padding_before_sid(bytes) > 0)) {
          if (disagreements_++ == 0) {
            first_disagreement_ = raw.record_number;
            disagreeing_fields_ = differ;
          }
        }
        *out = differ.empty() ? std::move(from_lib) : std::move(raw);
      } else if (lib_ok) {
        *out = std::move(from_lib);
      } else {
        if (read_directly_ == 0) {
          first_direct_ = raw.record_number;
          first_direct_offset_ = at;
        }
        ++read_directly_;
        *out = std::move(raw);
      }
      out->position = at;
      count_number(out->record_number, at);
      return ReadResult::kRecord;
    }
  }

  void count_number(std::uint32_t number, std::uint64_t at) {
    if (!seen_any_) {
      seen_any_ = true;
      first_number_ = number;
      malformed_before_first_ = malformed_since_record_;
    } else if (number != last_number_ + 1) {
      if (number > last_number_ + 1) {
        const std::uint64_t gap = number - last_number_ - 1;
        const std::uint64_t lost =
            gap > malformed_since_record_ ? gap - malformed_since_record_ : 0;
        missing_ += lost;
        note(at, "record numbers jump from " + std::to_string(last_number_) + " to " +
                     std::to_string(number) +
                     (lost > 0 ? ": " + std::to_string(lost) + " record(s) missing"
                               : " over the record(s) reported malformed"));
      } else {
        note(at, "record " + std::to_string(number) + " follows record " +
                     std::to_string(last_number_) + " out of order");
      }
    }
    last_number_ = number;
    malformed_since_record_ = 0;
  }

  void finish_live() {
    live_end_ = pos_;
    const evt::Header truth = eof_.value_or(header_);
    if (eof_ && !(header_.flags & evt::kFlagDirty) &&
        (eof_->current_record_number != header_.current_record_number ||
         eof_->oldest_record_number != header_.oldest_record_number)) {
      note(0, "the header (records " + std::to_string(header_.oldest_record_number) + "–" +
                  std::to_string(header_.current_record_number - 1) +
                  ") is stale; the end-of-file record says records " +
                  std::to_string(eof_->oldest_record_number) + "–" +
                  std::to_string(eof_->current_record_number - 1));
    }
    if (eof_ && eof_offset_ != header_.end_offset) {
      note(20, "the header's EndOffset " + hex(header_.end_offset) +
                   " is not where the end-of-file record is (" + hex(eof_offset_) + ")");
    }
    // Records the header promises before the first and after the last one read.
    if (truth.oldest_record_number != 0 &&
        truth.current_record_number > truth.oldest_record_number) {
      const std::uint64_t expected = truth.current_record_number - truth.oldest_record_number;
      std::uint64_t before = 0, after = 0;
      if (!seen_any_) {
        before = expected > malformed_since_record_ ? expected - malformed_since_record_ : 0;
      } else {
        if (first_number_ > truth.oldest_record_number) {
          const std::uint64_t gap = first_number_ - truth.oldest_record_number;
          before = gap > malformed_before_first_ ? gap - malformed_before_first_ : 0;
        }
        if (last_number_ + 1 < truth.current_record_number) {
          const std::uint64_t gap = truth.current_record_number - last_number_ - 1;
          after = gap > malformed_since_record_ ? gap - malformed_since_record_ : 0;
        }
        if (first_number_ < truth.oldest_record_number ||
            last_number_ >= truth.current_record_number) {
          note(0, "the file holds records " + std::to_string(first_number_) + "–" +
                      std::to_string(last_number_) + ", outside the " +
                      std::to_string(truth.oldest_record_number) + "–" +
                      std::to_string(truth.current_record_number - 1) + " its header names");
        }
      }
      if (before + after > 0) {
        missing_ += before + after;
        note(0, std::to_string(before + after) + " record(s) of " +
                    std::to_string(truth.oldest_record_number) + "–" +
                    std::to_string(truth.current_record_number - 1) +
                    " are missing from the file (" + std::to_string(before) +
                    " before the first, " + std::to_string(after) + " after the last read)");
      }
    }
    if (libevt_ != nullptr || windowed_) {
      const std::uint64_t header_count =
          truth.current_record_number > truth.oldest_record_number && truth.oldest_record_number
              ? truth.current_record_number - truth.oldest_record_number
              : 0;
      if (static_cast<std::uint64_t>(libevt_count_) != header_count) {
        note(0, "libevt counts " + std::to_string(libevt_count_) + " record(s) where the " +
                    (eof_ ? "end-of-file record" : "header") + " says " +
                    std::to_string(header_count));
      }
      if (read_directly_ > 0) {
        note(first_direct_offset_, "libevt did not return " + std::to_string(read_directly_) +
                                       " record(s) the walk found (the first: record " +
                                       std::to_string(first_direct_) + " at offset " +
                                       std::to_string(first_direct_offset_) +
                                       "); they were read directly");
      }
    }
    if (disagreements_ > 0) {
      note(0, "libevt decodes " + std::to_string(disagreements_) +
                  " record(s) differently from the offsets they state (first: record " +
                  std::to_string(first_disagreement_) + ", " + disagreeing_fields_ +
                  "); the records' own offsets were followed");
    }
    release_cursor();
    close_window();
    phase_ = Phase::kRecovered;
    if (libevt_ == nullptr) {
      // Our own scan of the free space: from the end of the live log to the oldest record.
      scan_left_ = wrapped_
                       ? (live_start_ >= pos_ ? live_start_ - pos_
                                              : file_size_ - pos_ + live_start_ - evt::kHeaderSize)
                       : file_size_ - std::min(file_size_, pos_);
    }
  }

  // How far into the log, from the oldest record and following the wrap, `offset` lies: the
  // order in which the walk, and libevt, return records.
  std::uint64_t log_distance(std::uint64_t offset) const {
    if (offset >= live_start_) return offset - live_start_;
    return wrapped_ && offset >= evt::kHeaderSize
               ? file_size_ - live_start_ + offset - evt::kHeaderSize
               : std::numeric_limits<std::uint64_t>::max();
  }

  bool in_live(std::uint64_t offset) const {
    if (!wrapped_) return offset >= live_start_ && offset < live_end_;
    return live_start_ <= live_end_ ? (offset >= live_start_ && offset < live_end_)
                                    : (offset >= live_start_ || offset < live_end_);
  }

  bool next_recovered(LogRecord* out) {
    if (libevt_ != nullptr) {
      while (recovered_index_ < libevt_recovered_count_) {
        libevt_record_t* record = nullptr;
        const int index = recovered_index_++;
        if (libevt_file_get_recovered_record_by_index(libevt_, index, &record, nullptr) != 1) {
          note(0, "libevt cannot return recovered record " + std::to_string(index + 1));
          continue;
        }
        off64_t offset = 0;
        const bool offset_ok = libevt_record_get_offset(record, &offset, nullptr) == 1;
        LogRecord r;
        const bool ok = from_libevt(record, &r);
        libevt_record_free(&record, nullptr);
        if (offset_ok && in_live(static_cast<std::uint64_t>(offset))) continue;  // read already
        if (!ok) continue;
        r.position = offset_ok ? static_cast<std::uint64_t>(offset) : 0;
        note(r.position,
             "record " + std::to_string(r.record_number) + " recovered from outside the live log");
        ++recovered_;
        *out = std::move(r);
        return true;
      }
      return false;
    }
    // Walk the free space on 4-byte steps, keeping every whole record that decodes.
    std::string bytes;
    while (scan_left_ >= evt::kMinRecordSize) {
      const std::uint64_t at = pos_;
      std::string head;
      if (!read_log(at, 8, &head)) return false;
      const std::uint32_t length = evt::load_u32(head, 0);
      LogRecord r;
      std::string why;
      if (head.substr(4, 4) == evt::kSignature && length >= evt::kMinRecordSize &&
          length <= evt::kMaxRecordSize && length % 4 == 0 && length <= scan_left_ &&
          read_log(at, length, &bytes) && evt::decode_record(bytes, &r, &why)) {
        scan_step(length);
        r.position = at;
        note(at, "record " + std::to_string(r.record_number) +
                     " recovered from the free space after the end-of-file record");
        ++recovered_;
        *out = std::move(r);
        return true;
      }
      scan_step(4);
    }
    return false;
  }

  void scan_step(std::uint64_t n) {
    scan_left_ -= std::min(scan_left_, n);
    pos_ += n;
    if (wrapped_ && pos_ >= file_size_) pos_ = evt::kHeaderSize + (pos_ - file_size_);
  }

  void open_libevt() {
    libevt_error_t* error = nullptr;
    if (libevt_file_initialize(&libevt_, &error) != 1) {
      note(0, "libevt cannot be used: " + libevt_message(error) + "; records read directly");
      libevt_ = nullptr;
      return;
    }
    if (libevt_file_open(libevt_, path_.c_str(), LIBEVT_OPEN_READ, &error) != 1) {
      note(0, "libevt cannot open the file (" + libevt_message(error) + "); records read directly");
      libevt_file_free(&libevt_, nullptr);
      return;
    }
    if (libevt_file_get_number_of_records(libevt_, &libevt_count_, nullptr) != 1) {
      libevt_count_ = 0;
    }
    if (libevt_file_get_number_of_recovered_records(libevt_, &libevt_recovered_count_, nullptr) !=
        1) {
      libevt_recovered_count_ = 0;
    }
    // libevt calls every wrapped log, and every log not closed cleanly, corrupted: the walk
    // checks those record by record instead, so only its verdict is reported for them.
    if (libevt_file_is_corrupted(libevt_, nullptr) == 1 &&
        !(header_.flags & (evt::kFlagWrapped | evt::kFlagDirty))) {
      note(0, "libevt reports the file as corrupted");
    }
  }

  void release_cursor() {
    if (cursor_record_ != nullptr) libevt_record_free(&cursor_record_, nullptr);
    cursor_record_ = nullptr;
  }

  void close_window() {
    if (window_file_ != nullptr) {
      libevt_file_close(window_file_, nullptr);
      libevt_file_free(&window_file_, nullptr);
    }
    if (window_io_ != nullptr) libbfio_handle_free(&window_io_, nullptr);
    window_file_ = nullptr;
    window_io_ = nullptr;
    window_count_ = 0;
  }

  // Opens the next libevt window (see the top of this file) at the record at `offset`, which
  // the walk has just read (`length` bytes). On failure the window is empty and its records are
  // read directly.
  void open_window(std::uint64_t offset, std::uint32_t length) {
    release_cursor();
    close_window();
    cursor_index_ = 0;
    window_distance_ = log_distance(offset);
    window_length_ = length;  // covers the record at `offset` even when libevt cannot open it
    const std::uint64_t left = walk_left() + length;
    const std::size_t n =
        static_cast<std::size_t>(std::min<std::uint64_t>(kLibevtWindowBytes, left));
    std::string& chunk = window_chunk_;
    if (!read_log(offset, n, &chunk)) return;
    std::size_t end = 0;
    std::uint32_t first = 0, last = 0;
    while (end + evt::kMinRecordSize <= n) {
      const std::uint32_t size = evt::load_u32(chunk, end);
      if (chunk.compare(end + 4, 4, evt::kSignature) != 0 || size < evt::kMinRecordSize ||
          size > evt::kMaxRecordSize || size % 4 != 0 || end + size > n ||
          evt::load_u32(chunk, end + size - 4) != size) {
        break;
      }
      last = evt::load_u32(chunk, end + 8);
      if (end == 0) first = last;
      end += size;
    }
    if (end == 0) return;
    window_length_ = end;
    evt::Header header;
    header.start_offset = evt::kHeaderSize;
    header.end_offset = static_cast<std::uint32_t>(evt::kHeaderSize + end);
    header.oldest_record_number = first;
    header.current_record_number = last + 1;
    header.max_size = static_cast<std::uint32_t>(evt::kHeaderSize + end + evt::kEofRecordSize);
    header.flags = 0;
    window_ = evt::encode_header(header);
    window_.append(chunk, 0, end);
    window_ += evt::encode_eof_record(header);
    if (libbfio_memory_range_initialize(&window_io_, nullptr) != 1 ||
        libbfio_memory_range_set(window_io_, reinterpret_cast<uint8_t*>(window_.data()),
                                 window_.size(), nullptr) != 1 ||
        libevt_file_initialize(&window_file_, nullptr) != 1) {
      close_window();
      return;
    }
    if (libevt_file_open_file_io_handle(window_file_, window_io_, LIBEVT_OPEN_READ, nullptr) != 1) {
      libevt_file_free(&window_file_, nullptr);
      window_file_ = nullptr;
      close_window();
      return;
    }
    if (libevt_file_get_number_of_records(window_file_, &window_count_, nullptr) != 1) {
      window_count_ = 0;
    }
    libevt_count_ += window_count_;
  }

  // What libevt makes of the record the walk found.
  enum class Libevt {
    kNone,     // libevt returned no record there (or cannot give its fields)
    kSame,     // libevt's record holds exactly what our decoder read (libevt_matches())
    kDecoded,  // libevt's record, decoded by from_libevt(), is in *out
  };

  // libevt's answer for the record at `offset` (`length` bytes, `bytes`), when libevt returned
  // one there; `raw` is our decoder's record, or null when it could not decode it. libevt's
  // records come in file order, as the walk of an unwrapped log does.
  Libevt libevt_record_at(std::uint64_t offset, std::uint32_t length, const LogRecord* raw,
                          std::string_view bytes, LogRecord* out) {
    libevt_file_t* file = libevt_;
    int count = libevt_count_;
    if (windowed_) {
      const std::uint64_t distance = log_distance(offset);
      if (distance < window_distance_ || distance >= window_distance_ + window_length_) {
        open_window(offset, length);
      }
      file = window_file_;
      count = window_count_;
    }
    if (file == nullptr) return Libevt::kNone;
    while (true) {
      if (cursor_record_ == nullptr) {
        if (cursor_index_ >= count) return Libevt::kNone;
        if (libevt_file_get_record_by_index(file, cursor_index_, &cursor_record_, nullptr) != 1 ||
            libevt_record_get_offset(cursor_record_, &cursor_offset_, nullptr) != 1) {
          release_cursor();
          ++cursor_index_;
          continue;
        }
      }
      const std::uint64_t cursor = static_cast<std::uint64_t>(cursor_offset_);
      // A window's offsets count from its own header; they stand for the log from the window's
      // first record on.
      const std::uint64_t cursor_distance =
          windowed_ ? window_distance_ + (cursor - evt::kHeaderSize) : log_distance(cursor);
      if (cursor_distance > log_distance(offset)) return Libevt::kNone;
      const bool here = cursor_distance == log_distance(offset);
      Libevt answer = Libevt::kNone;
      if (here && raw != nullptr && libevt_matches(cursor_record_, *raw, bytes)) {
        answer = Libevt::kSame;
      } else if (here && from_libevt(cursor_record_, out)) {
        answer = Libevt::kDecoded;
      }
      release_cursor();
      ++cursor_index_;
      if (here) return answer;
    }
  }

  const std::string path_;
  const int fd_;
  const std::uint64_t file_size_;
  const evt::Header header_;
  bool wrapped_ = false;
  Phase phase_ = Phase::kLive;
  std::uint64_t pos_ = evt::kHeaderSize;
  std::uint64_t walked_ = 0;
  std::uint64_t live_start_ = evt::kHeaderSize;
  std::uint64_t live_end_ = evt::kHeaderSize;
  std::uint64_t scan_left_ = 0;
  std::optional<evt::Header> eof_;
  std::uint64_t eof_offset_ = 0;

  bool seen_any_ = false;
  std::uint32_t first_number_ = 0;
  std::uint32_t last_number_ = 0;
  std::uint64_t malformed_since_record_ = 0;
  std::uint64_t malformed_before_first_ = 0;
  std::uint64_t missing_ = 0;
  std::uint64_t read_directly_ = 0;
  std::uint32_t first_direct_ = 0;
  std::uint64_t first_direct_offset_ = 0;
  std::uint64_t recovered_ = 0;
  std::uint64_t disagreements_ = 0;
  std::uint32_t first_disagreement_ = 0;
  std::string disagreeing_fields_;

  libevt_file_t* libevt_ = nullptr;
  int libevt_count_ = 0;
  int libevt_recovered_count_ = 0;
  int recovered_index_ = 0;
  // Windowed reading (files over libevt_whole_file_bytes): the current window, its file image
  // (which libevt reads in place) and where in the log it starts.
  bool windowed_ = false;
  libevt_file_t* window_file_ = nullptr;
  libbfio_handle_t* window_io_ = nullptr;
  int window_count_ = 0;
  std::uint64_t window_distance_ = 0;
  std::uint64_t window_length_ = 0;
  std::string window_;
  std::string window_chunk_;
  std::string record_bytes_;
  // The read-ahead buffer: ahead_size_ bytes of the file from ahead_offset_ on.
  mutable std::unique_ptr<char[]> ahead_;
  mutable std::size_t ahead_capacity_ = 0;
  mutable std::size_t ahead_size_ = 0;
  mutable std::uint64_t ahead_offset_ = 0;
  libevt_record_t* cursor_record_ = nullptr;
  off64_t cursor_offset_ = 0;
  int cursor_index_ = 0;

  ReadIssue issue_;
  std::vector<ReadIssue> notes_;
};

}  // namespace

bool detect_evt(std::string_view head) {
  return head.size() >= 8 && evt::load_u32(head, 0) == evt::kHeaderSize &&
         head.substr(4, 4) == evt::kSignature;
}

msmi::Status open_evt_reader(const std::string& path, std::unique_ptr<EvtLogReader>* out,
                             bool use_libevt, std::uint64_t libevt_whole_file_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return msmi::Status::IoError(path + ": cannot be opened: " + std::strerror(errno));
  struct stat info {};
  std::string head(evt::kHeaderSize, '\0');
  const bool read_ok = ::fstat(fd, &info) == 0 && ::pread(fd, head.data(), head.size(), 0) ==
                                                      static_cast<ssize_t>(head.size());
  evt::Header header;
  std::string why = "the file is shorter than the 48-byte header";
  if (!read_ok || !evt::decode_header(head, &header, &why)) {
    ::close(fd);
    return msmi::Status::Corruption(path + ": not an NT event log (.EVT): " + why);
  }
  auto reader =
      std::make_unique<EvtReader>(path, fd, static_cast<std::uint64_t>(info.st_size), header);
  reader->start(use_libevt, libevt_whole_file_bytes);
  *out = std::move(reader);
  return msmi::Status::Ok();
}

msmi::Status open_evt_log(const std::string& path, const ReaderOptions& /*options*/,
                          std::unique_ptr<LogReader>* out) {
  std::unique_ptr<EvtLogReader> reader;
  const msmi::Status s = open_evt_reader(path, &reader);
  if (s.ok()) *out = std::move(reader);
  return s;
}

}  // namespace msmilog
