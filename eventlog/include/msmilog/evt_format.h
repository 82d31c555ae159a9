// The NT 4.0 event log file (.EVT) byte by byte: the codec shared by the EVT writer, the EVT
// reader's own record walker (which takes over where libevt loses records) and the tests that
// damage files on purpose. The format itself is described in the essay atop evt_writer.cpp.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "msmi/status.h"
#include "msmilog/log_record.h"

namespace msmilog::evt {

inline constexpr std::uint32_t kHeaderSize = 0x30;       // ELF_LOGFILE_HEADER
inline constexpr std::uint32_t kEofRecordSize = 0x28;    // ELF_EOF_RECORD
inline constexpr std::uint32_t kRecordFixedSize = 0x38;  // EVENTLOGRECORD up to SourceName
// The smallest record: fixed part, two empty names (2 bytes each), the trailing Length.
inline constexpr std::uint32_t kMinRecordSize = kRecordFixedSize + 4 + 4;
// Larger records are refused by the writer and treated as damage by the reader. NT's own
// limit is lower (a record must fit the log, whose default size is 512 KB).
inline constexpr std::uint32_t kMaxRecordSize = 0x100000;
inline constexpr std::string_view kSignature = "LfLe";  // 0x654c664c little-endian

// ELF_LOGFILE_HEADER.Flags.
inline constexpr std::uint32_t kFlagDirty = 0x1;       // not closed cleanly: header is stale
inline constexpr std::uint32_t kFlagWrapped = 0x2;     // records wrap past the end of the file
inline constexpr std::uint32_t kFlagLogFull = 0x4;     // the last write failed for lack of room
inline constexpr std::uint32_t kFlagArchiveSet = 0x8;  // the archive attribute was set

struct Header {
  std::uint32_t start_offset = kHeaderSize;  // the oldest record
  std::uint32_t end_offset = kHeaderSize;    // the ELF_EOF_RECORD
  std::uint32_t current_record_number = 1;   // the number the next record will get
  std::uint32_t oldest_record_number = 0;    // 0 when the log is empty
  std::uint32_t max_size = 0x80000;
  std::uint32_t flags = 0;
  std::uint32_t retention = 0x93A80;  // seconds records are kept (7 days)
  std::uint32_t major_version = 1;
  std::uint32_t minor_version = 1;
};

// The 0x30 bytes of `header`.
std::string encode_header(const Header& header);
// Decodes the first 0x30 bytes of `bytes`. False, with *why set, when they are not an
// ELF_LOGFILE_HEADER (size fields, signature).
bool decode_header(std::string_view bytes, Header* header, std::string* why);

// The 0x28 bytes of the ELF_EOF_RECORD, which repeats the header's four live values.
std::string encode_eof_record(const Header& header);
// True when `bytes` starts with an ELF_EOF_RECORD; fills *header's offsets and numbers.
bool decode_eof_record(std::string_view bytes, Header* header);

// Appends the EVENTLOGRECORD for `record` under `record_number` to *out. InvalidArgument naming
// the record (by `record_number`) when a field cannot be stored: a time before 1970 or after
// 2106, a user that is not a SID, a string or name too long, text that is not UTF-8.
msmi::Status encode_record(const LogRecord& record, std::uint32_t record_number, std::string* out);
// Decodes one whole EVENTLOGRECORD (`bytes` is exactly its Length bytes). False, with *why
// set, when the fields contradict each other (signature, lengths, offsets outside the record).
// position is left as it was.
bool decode_record(std::string_view bytes, LogRecord* out, std::string* why);

// UTF-8 to UTF-16LE bytes (no terminator). False on invalid UTF-8.
bool utf8_to_utf16le(std::string_view utf8, std::string* out);
// UTF-16LE bytes to UTF-8; an unpaired surrogate becomes U+FFFD.
std::string utf16le_to_utf8(std::string_view utf16le);
// "S-1-5-21-…" to a binary SID. False when `text` is not a SID.
bool sid_from_text(std::string_view text, std::string* binary);
// The binary SID an EVT record stores for `user`: a SID text ("S-1-5-18") or a name text exports
// show for a well-known SID ("SYSTEM", "NT AUTHORITY\\SYSTEM", "Everyone", "LOCAL SERVICE",
// "NETWORK SERVICE", "Administrators", any case). False for anything else (an account name such
// as "EXCHSRV1\\Administrator" has no SID an export can know).
bool user_sid(std::string_view user, std::string* binary);
// A binary SID as text; empty when `binary` is not a well-formed SID.
std::string sid_to_text(std::string_view binary);

std::uint32_t load_u32(std::string_view bytes, std::size_t offset);
std::uint16_t load_u16(std::string_view bytes, std::size_t offset);
void store_u32(std::string* out, std::size_t offset, std::uint32_t value);
void append_u32(std::string* out, std::uint32_t value);

}  // namespace msmilog::evt
