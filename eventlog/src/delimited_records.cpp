#include "delimited_records.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <sys/types.h>

namespace msmilog {
namespace {

// The first byte of [p, limit) that is a line feed or `delimiter`, or limit. Eight bytes are
// tested at a time (a word with no such byte is passed over whole): most of a CSV file is the
// text of unquoted fields.
const char* find_field_end(const char* p, const char* limit, char delimiter) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull;
  constexpr std::uint64_t kHighs = 0x8080808080808080ull;
  const std::uint64_t line_feeds = kOnes * static_cast<unsigned char>('\n');
  const std::uint64_t delimiters = kOnes * static_cast<unsigned char>(delimiter);
  while (limit - p >= 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, p, sizeof word);
    const std::uint64_t a = word ^ line_feeds;  // a zero byte where word has a line feed
    const std::uint64_t b = word ^ delimiters;
    if ((((a - kOnes) & ~a) | ((b - kOnes) & ~b)) & kHighs) break;  // one of them is here
    p += 8;
  }
  while (p < limit && *p != '\n' && *p != delimiter) ++p;
  return p;
}

}  // namespace

DelimitedRecords::~DelimitedRecords() {
  if (file_ != nullptr) std::fclose(file_);
}

msmi::Status DelimitedRecords::open(const std::string& path, char delimiter) {
  file_ = std::fopen(path.c_str(), "rb");
  if (file_ == nullptr)
    return msmi::Status::IoError(path + ": cannot open: " + std::strerror(errno));
  delimiter_ = delimiter;
  if (fseeko(file_, 0, SEEK_END) == 0) {
    const off_t size = ftello(file_);
    if (size > 0) size_ = static_cast<std::uint64_t>(size);
  }
  buffer_.resize(1 << 16);
  seek(0);
  if (get() == 0xEF && get() == 0xBB && get() == 0xBF) {
    line_ = 1;  // the byte order mark is not a line
  } else {
    seek(0);
  }
  return msmi::Status::Ok();
}

void DelimitedRecords::seek(std::uint64_t offset) {
  fseeko(file_, static_cast<off_t>(offset), SEEK_SET);
  offset_ = offset;
  buffer_pos_ = buffer_len_ = 0;
}

int DelimitedRecords::peek() {
  if (buffer_pos_ == buffer_len_) {
    buffer_len_ = std::fread(buffer_.data(), 1, buffer_.size(), file_);
    buffer_pos_ = 0;
    if (buffer_len_ == 0) return EOF;
  }
  return static_cast<unsigned char>(buffer_[buffer_pos_]);
}

int DelimitedRecords::get() {
  const int c = peek();
  if (c == EOF) return EOF;
  ++buffer_pos_;
  ++offset_;
  if (c == '\n') ++line_;
  return c;
}

DelimitedRecords::Result DelimitedRecords::skip_record(std::uint64_t start_offset,
                                                       std::uint64_t start_line, Result result) {
  // Resume on the line after the record's first line.
  seek(start_offset);
  line_ = start_line;
  for (int skip = get(); skip != EOF && skip != '\n'; skip = get()) {
  }
  return result;
}

DelimitedRecords::Result DelimitedRecords::next(std::vector<std::string>* fields,
                                                std::uint64_t* line) {
  // Fields are scanned a buffer's worth at a time (a run of ordinary bytes is found and
  // appended at once), and the strings of *fields are reused from one record to the next, so a
  // record costs no allocation once the first few have sized them. The rules are those of the
  // header, byte for byte as a character-at-a-time reading would apply them.
  for (;;) {
    std::size_t count = 0;  // fields of this record so far
    if (peek() == EOF) {
      fields->clear();
      return Result::kEnd;
    }
    const std::uint64_t start_offset = offset_;
    const std::uint64_t start_line = line_;
    *line = start_line;
    std::size_t bytes = 0;
    bool any_quoted = false;
    bool ended = false;
    while (!ended) {
      if (count == fields->size()) fields->emplace_back();
      std::string& field = (*fields)[count++];
      field.clear();
      int c = get();
      if (c == '"') {  // a quoted field
        any_quoted = true;
        bool spans_lines = false;
        for (;;) {
          if (buffer_pos_ == buffer_len_ && peek() == EOF) {
            fields->resize(count);
            return skip_record(start_offset, start_line, Result::kUnterminated);
          }
          // Each byte, the quote included, counts towards kMaxRecordBytes.
          if (bytes >= kMaxRecordBytes) {
            fields->resize(count);
            return skip_record(start_offset, start_line, Result::kTooLong);
          }
          const char* begin = buffer_.data() + buffer_pos_;
          const char* end = buffer_.data() + buffer_len_;
          const char* limit = begin + std::min<std::size_t>(end - begin, kMaxRecordBytes - bytes);
          const char* quote = static_cast<const char*>(std::memchr(begin, '"', limit - begin));
          const char* stop = quote == nullptr ? limit : quote;
          const auto newlines = static_cast<std::uint64_t>(std::count(begin, stop, '\n'));
          if (newlines > 0) spans_lines = true;
          field.append(begin, stop);
          const auto run = static_cast<std::size_t>(stop - begin);
          bytes += run;
          buffer_pos_ += run;
          offset_ += run;
          line_ += newlines;
          if (quote == nullptr) continue;  // the buffer ran out, or the byte limit (checked above)
          get();                           // the quote
          ++bytes;
          if (peek() == '"') {
            get();
            field.push_back('"');
            continue;
          }
          break;
        }
        c = get();
        // A stray quote that swallowed whole lines until some later field's quote: the text
        // after that quote gives it away.
        if (spans_lines && c != EOF && c != '\n' && c != delimiter_ && c != '\r') {
          fields->resize(count);
          return skip_record(start_offset, start_line, Result::kUnterminated);
        }
        // Text after the closing quote, up to the delimiter, is kept as written.
        while (c != EOF && c != '\n' && c != delimiter_) {
          if (!(c == '\r' && peek() == '\n')) field.push_back(static_cast<char>(c));
          c = get();
        }
      } else if (c != EOF && c != '\n' && c != delimiter_) {
        if (++bytes > kMaxRecordBytes) {
          fields->resize(count);
          return skip_record(start_offset, start_line, Result::kTooLong);
        } else {
          field.push_back(static_cast<char>(c));
          for (;;) {
            if (buffer_pos_ == buffer_len_ && peek() == EOF) {
              c = EOF;
              break;
            }
            const char* begin = buffer_.data() + buffer_pos_;
            const char* end = buffer_.data() + buffer_len_;
            const char* limit = begin + std::min<std::size_t>(end - begin, kMaxRecordBytes - bytes);
            const char* p = find_field_end(begin, limit, delimiter_);
            field.append(begin, p);
            const auto run = static_cast<std::size_t>(p - begin);
            bytes += run;
            buffer_pos_ += run;
            offset_ += run;
            if (p == end) continue;  // refill
            if (p == limit && bytes >= kMaxRecordBytes) {
              fields->resize(count);
              return skip_record(start_offset, start_line, Result::kTooLong);
            }
            c = get();  // the delimiter or the line feed
            break;
          }
        }
        if (c != delimiter_ && !field.empty() && field.back() == '\r') field.pop_back();
      }
      ended = c != delimiter_;
    }
    fields->resize(count);
    if (count == 1 && (*fields)[0].empty() && !any_quoted) continue;  // a blank line
    return Result::kRecord;
  }
}

}  // namespace msmilog
