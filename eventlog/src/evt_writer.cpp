// The NT 4.0 event log file (.EVT), as the Event Log service of Windows NT 3.1 to Windows Server
// 2003 kept it (AppEvent.Evt, SysEvent.Evt, SecEvent.Evt) and as this writer produces it.
//
// All integers are little-endian. The file is a circular buffer: a 0x30-byte header, then
// records one after another, and an end-of-file record after the newest one.
//
// ELF_LOGFILE_HEADER (offset 0, 0x30 bytes)
//   0x00 HeaderSize           0x30
//   0x04 Signature            "LfLe" (0x654c664c), the mark every record repeats
//   0x08 MajorVersion         1
//   0x0C MinorVersion         1
//   0x10 StartOffset          where the oldest record begins
//   0x14 EndOffset            where the ELF_EOF_RECORD begins
//   0x18 CurrentRecordNumber  the number the next record will get
//   0x1C OldestRecordNumber   the number of the record at StartOffset (0: empty log)
//   0x20 MaxSize              the size the log may grow to (Event Viewer's "Maximum log size")
//   0x24 Flags                0x1 DIRTY: opened for writing and not closed, so the header
//                             is stale and the ELF_EOF_RECORD holds the truth; 0x2 WRAP: the
//                             records run past the end of the file and continue at 0x30;
//                             0x4 LOGFULL: the last write failed; 0x8 ARCHIVE_SET
//   0x28 Retention            seconds a record must be kept before it may be overwritten
//   0x2C EndHeaderSize        0x30 again, so a reader can tell a torn header
// The service rewrites the header only when it closes the log cleanly, which is why a file
// copied from a running system has DIRTY set and numbers that lag behind its records.
//
// EVENTLOGRECORD (at StartOffset, each record DWORD-aligned, Length bytes long)
//   0x00 Length               the whole record, repeated in its last four bytes so the log can
//                             be walked backwards (Event Viewer's default, newest first)
//   0x04 Reserved             "LfLe"
//   0x08 RecordNumber         1, 2, 3 … (wraps at 2^32)
//   0x0C TimeGenerated        seconds since 1970-01-01 UTC, unsigned 32 bits: when the event
//                             happened (ReportEvent's call)
//   0x10 TimeWritten          the same, when the service stored it
//   0x14 EventID              the full identifier: severity (2 bits), customer, reserved,
//                             facility (12), code (16); Event Viewer shows the low 16 bits and
//                             finds the message by the whole value
//   0x18 EventType            EVENTLOG_ERROR_TYPE 1, WARNING 2, INFORMATION 4, AUDIT_SUCCESS 8,
//                             AUDIT_FAILURE 16 (16 bits)
//   0x1A NumStrings           insertion strings (16 bits)
//   0x1C EventCategory        16 bits, 0 = "None"
//   0x1E ReservedFlags        0 (used by paired events, never by the connector)
//   0x20 ClosingRecordNumber  0
//   0x24 StringOffset         where the strings begin, from the record's start
//   0x28 UserSidLength        0 when there is no user
//   0x2C UserSidOffset        where the SID begins (NT sets it even when the length is 0)
//   0x30 DataLength           binary data bytes
//   0x34 DataOffset
//   0x38 SourceName           UTF-16LE, NUL-terminated ("MSExchangeMSMI"); the registry key
//                             under EventLog\Application naming the message file
//        Computername         UTF-16LE, NUL-terminated
//        (zero padding to a DWORD boundary)
//        UserSid              binary SID: revision 1, sub-authority count, 48-bit big-endian
//                             authority, 32-bit little-endian sub-authorities
//        Strings              NumStrings UTF-16LE NUL-terminated strings, back to back
//        Data                 DataLength bytes
//        (zero padding to a DWORD boundary)
//        Length               the same value as at 0x00
//
// ELF_EOF_RECORD (at EndOffset, 0x28 bytes)
//   0x00 RecordSizeBeginning 0x28, then 0x11111111 0x22222222 0x33333333 0x44444444 (the marks
//   that cannot be mistaken for a record), BeginRecord, EndRecord, CurrentRecordNumber,
//   OldestRecordNumber (the header's four live values, kept current on every write while the
//   header is not), RecordSizeEnd 0x28.
//
// In a wrapped log the oldest record is somewhere in the middle, the newest ones continue at
// 0x30 after the end of the file, a record may be split across the end, and the bytes between
// the end-of-file record and StartOffset are old, partly overwritten records: the place
// recovery tools look for deleted events.
//
// What readers check. Event Viewer refuses a file ("The event log file is corrupt") whose
// header signature or size fields are wrong, and walks records by their Length from StartOffset
// to EndOffset, checking each signature and trailing Length. libevt checks the header signature
// and both sizes, reads records from 0x30 by their Length to the end-of-file record, checks each
// record's signature and that its offsets lie inside the record, and marks a wrapped log as
// corrupted. Neither checks the record numbers against the header; msmisim's reader does.
//
// This writer produces a freshly closed, unwrapped log: StartOffset 0x30, records numbered from
// 1 in the order written, the ELF_EOF_RECORD after the last one, Flags 0 and MaxSize the file's
// size rounded up to 64 KB (at least NT's default 512 KB). It streams: the header is written
// first as a placeholder (DIRTY, like the service's open log) and rewritten by finish().
#include "msmilog/evt_writer.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>

#include "msmilog/evt_format.h"

namespace msmilog {
namespace {

class EvtWriter : public LogWriter {
 public:
  EvtWriter(std::string path, std::FILE* file, WriterOptions options)
      : path_(std::move(path)), file_(file), options_(std::move(options)) {}
  ~EvtWriter() override {
    if (file_ != nullptr) std::fclose(file_);
  }
  EvtWriter(const EvtWriter&) = delete;
  EvtWriter& operator=(const EvtWriter&) = delete;

  msmi::Status start() {
    evt::Header header;
    header.flags = evt::kFlagDirty;
    return put(evt::encode_header(header));
  }

  msmi::Status write(const LogRecord& record) override {
    if (file_ == nullptr) return msmi::Status::InvalidArgument(path_ + ": written after finish()");
    if (next_number_ == std::numeric_limits<std::uint32_t>::max()) {
      return msmi::Status::InvalidArgument(path_ + ": more records than an EVT file numbers");
    }
    buffer_.clear();
    msmi::Status s;
    if (record.computer.empty() && !options_.computer.empty()) {
      LogRecord copy = record;
      copy.computer = options_.computer;
      s = evt::encode_record(copy, next_number_, &buffer_);
    } else {
      s = evt::encode_record(record, next_number_, &buffer_);
    }
    if (!s.ok()) return msmi::Status::InvalidArgument(path_ + ": " + s.message());
    if (end_offset_ + buffer_.size() + evt::kEofRecordSize > 0xFFFFFFFFull) {
      return msmi::Status::InvalidArgument(path_ + ": record " + std::to_string(next_number_) +
                                           " would pass the 4 GB an EVT file can address");
    }
    s = put(buffer_);
    if (!s.ok()) return s;
    end_offset_ += buffer_.size();
    ++next_number_;
    return msmi::Status::Ok();
  }

  bool holds_user(std::string_view user) const override {
    std::string sid;
    return evt::user_sid(user, &sid);
  }

  msmi::Status finish() override {
    if (file_ == nullptr) return msmi::Status::InvalidArgument(path_ + ": finished twice");
    evt::Header header;
    header.start_offset = evt::kHeaderSize;
    header.end_offset = static_cast<std::uint32_t>(end_offset_);
    header.current_record_number = next_number_;
    header.oldest_record_number = next_number_ > 1 ? 1 : 0;
    const std::uint64_t size = end_offset_ + evt::kEofRecordSize;
    const std::uint64_t rounded = (size + 0xFFFF) / 0x10000 * 0x10000;
    header.max_size = static_cast<std::uint32_t>(
        std::min<std::uint64_t>(std::max<std::uint64_t>(rounded, 0x80000), 0xFFFF0000u));
    msmi::Status s = put(evt::encode_eof_record(header));
    if (s.ok() && std::fseek(file_, 0, SEEK_SET) != 0) s = io_error("cannot seek");
    if (s.ok()) s = put(evt::encode_header(header));
    const bool flushed = std::fflush(file_) == 0;
    const bool closed = std::fclose(file_) == 0;
    file_ = nullptr;
    if (s.ok() && !(flushed && closed)) s = io_error("cannot be written");
    return s;
  }

 private:
  msmi::Status put(const std::string& bytes) {
    if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
      return io_error("cannot be written");
    }
    return msmi::Status::Ok();
  }
  msmi::Status io_error(const char* what) const {
    return msmi::Status::IoError(path_ + ": " + what + ": " + std::strerror(errno));
  }

  const std::string path_;
  std::FILE* file_;
  const WriterOptions options_;
  std::string buffer_;
  std::uint64_t end_offset_ = evt::kHeaderSize;
  std::uint32_t next_number_ = 1;
};

}  // namespace

msmi::Status create_evt_writer(const std::string& path, const WriterOptions& options,
                               std::unique_ptr<LogWriter>* out) {
  if (path == "-") {
    return msmi::Status::InvalidArgument("an EVT log is binary and cannot be written to \"-\"");
  }
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) {
    return msmi::Status::IoError(path + ": cannot be created: " + std::strerror(errno));
  }
  auto writer = std::make_unique<EvtWriter>(path, file, options);
  const msmi::Status s = writer->start();
  if (!s.ok()) return s;
  *out = std::move(writer);
  return msmi::Status::Ok();
}

}  // namespace msmilog
