// Splits a delimited text file (Event Viewer CSV, NT 4.0 comma- or tab-delimited exports) into
// records of fields, streaming: one record in memory at a time.
//
// The dialect is RFC 4180's, made lenient for what exports and hand edits produce:
//   - fields are separated by `delimiter` (',' or '\t'); a record ends at LF or CRLF outside
//     quotes, so CRLF and LF may be mixed in one file;
//   - a field that starts with '"' is quoted: it runs to the next '"' not doubled, may hold
//     delimiters and line breaks (kept as written), and "" stands for '"'; text between the
//     closing quote and the next delimiter is kept ("ab"c -> abc);
//   - a '"' inside an unquoted field is an ordinary character;
//   - a UTF-8 byte order mark at the start of the file is skipped; blank lines are skipped;
//   - a quoted field still open at the end of the file (a truncated file), or spanning lines
//     and then followed by text rather than a delimiter (a stray quote that ran on to some later
//     field's quote) is reported as kUnterminated, a record longer than kMaxRecordBytes as
//     kTooLong; either way reading resumes on the line after the one the record started on.
// Private to eventlog.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "msmi/status.h"

namespace msmilog {

class DelimitedRecords {
 public:
  static constexpr std::size_t kMaxRecordBytes = 1 << 20;

  enum class Result { kRecord, kEnd, kUnterminated, kTooLong };

  DelimitedRecords() = default;
  ~DelimitedRecords();
  DelimitedRecords(const DelimitedRecords&) = delete;
  DelimitedRecords& operator=(const DelimitedRecords&) = delete;

  // Opens `path`. IoError naming the file when it cannot be opened.
  msmi::Status open(const std::string& path, char delimiter);

  // The next record's fields in *fields and the 1-based line it starts on in *line.
  // kUnterminated, kTooLong: *line is where the record started; the next call reads the line
  // after it.
  Result next(std::vector<std::string>* fields, std::uint64_t* line);

  std::uint64_t bytes_read() const { return offset_; }
  std::uint64_t total_bytes() const { return size_; }

 private:
  int get();   // next byte, or EOF
  int peek();  // the byte get() would return
  void seek(std::uint64_t offset);
  // Resumes on the line after `start_line` and returns `result`.
  Result skip_record(std::uint64_t start_offset, std::uint64_t start_line, Result result);

  std::FILE* file_ = nullptr;
  char delimiter_ = ',';
  std::uint64_t size_ = 0;
  std::uint64_t offset_ = 0;  // of the next byte get() returns
  std::uint64_t line_ = 1;    // of the next byte get() returns
  std::vector<char> buffer_;
  std::size_t buffer_pos_ = 0;
  std::size_t buffer_len_ = 0;
};

}  // namespace msmilog
