#include "delimited_records.h"

#include <cerrno>
#include <cstring>

#include <sys/types.h>

namespace msmilog {

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

DelimitedRecords::Result DelimitedRecords::unterminated(std::uint64_t start_offset,
                                                        std::uint64_t start_line) {
  // Resume on the line after the record's first line.
  seek(start_offset);
  line_ = start_line;
  for (int skip = get(); skip != EOF && skip != '\n'; skip = get()) {
  }
  return Result::kUnterminated;
}

DelimitedRecords::Result DelimitedRecords::next(std::vector<std::string>* fields,
                                                std::uint64_t* line) {
  for (;;) {
    fields->clear();
    if (peek() == EOF) return Result::kEnd;
    const std::uint64_t start_offset = offset_;
    const std::uint64_t start_line = line_;
    *line = start_line;
    std::size_t bytes = 0;
    std::string field;
    bool any_quoted = false;
    bool ended = false;
    while (!ended) {
      int c = get();
      if (c == '"' && field.empty()) {  // a quoted field
        any_quoted = true;
        bool spans_lines = false;
        for (;;) {
          c = get();
          if (c == EOF || ++bytes > kMaxRecordBytes) return unterminated(start_offset, start_line);
          if (c == '\n') spans_lines = true;
          if (c == '"') {
            if (peek() == '"') {
              get();
              field.push_back('"');
              continue;
            }
            break;
          }
          field.push_back(static_cast<char>(c));
        }
        c = get();
        // A stray quote that swallowed whole lines until some later field's quote: the text
        // after that quote gives it away.
        if (spans_lines && c != EOF && c != '\n' && c != delimiter_ && c != '\r')
          return unterminated(start_offset, start_line);
        // Text after the closing quote, up to the delimiter, is kept as written.
        while (c != EOF && c != '\n' && c != delimiter_) {
          if (!(c == '\r' && peek() == '\n')) field.push_back(static_cast<char>(c));
          c = get();
        }
      } else {
        while (c != EOF && c != '\n' && c != delimiter_) {
          if (++bytes > kMaxRecordBytes) break;  // an absurd line: cut, the checks reject it
          field.push_back(static_cast<char>(c));
          c = get();
        }
        if (c != delimiter_ && !field.empty() && field.back() == '\r') field.pop_back();
      }
      fields->push_back(std::move(field));
      field.clear();
      ended = c != delimiter_;
    }
    if (fields->size() == 1 && (*fields)[0].empty() && !any_quoted) continue;  // a blank line
    return Result::kRecord;
  }
}

}  // namespace msmilog
