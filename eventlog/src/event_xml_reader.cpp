// The wevtutil XML reader. The file is read 64 KiB at a time; the events each chunk completes
// wait in a short queue until next() takes them, so memory is bounded by one chunk's events
// whatever the file's size.
//
// A UTF-8 file is read by EventXmlScanner (event_xml_scanner.h), several times faster than
// expat, as long as it keeps to the plain XML that wevtutil and msmisim write. Where it does not
// (or from the start, for UTF-16), the file is read again from its first byte by expat, and the
// events next() already returned are dropped as expat reports them again: what the reader
// returns, malformed input and its messages included, is expat's in either case.
//
// wevtutil prints events without a root unless asked for /e:Events, and several top-level
// elements are not a well-formed document: for such a file the reader gives expat an <Events>
// start tag just before the first <Event> and the end tag after the last byte, encoded like the
// file (UTF-8, or UTF-16 when the file starts with a UTF-16 byte order mark, as PowerShell's
// redirection writes it). Neither adds a line, so expat's line numbers are the file's.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <deque>
#include <memory>

#include "event_xml_parser.h"
#include "event_xml_scanner.h"
#include "msmilog/event_xml.h"

namespace msmilog {
namespace {

constexpr std::size_t kChunkBytes = 64 * 1024;
constexpr std::size_t kHeadBytes = 4096;

enum class Encoding { kUtf8, kUtf16Le, kUtf16Be };

struct XmlStart {
  bool found = false;
  bool rooted = false;          // <Events …>, not a bare <Event …>
  std::size_t byte_offset = 0;  // where the first element's '<' is
  Encoding encoding = Encoding::kUtf8;
};

bool starts_with(std::string_view text, std::size_t at, std::string_view prefix) {
  return text.substr(at, prefix.size()) == prefix;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// Finds the first element of `head`, skipping a byte order mark, white space, the XML
// declaration, processing instructions and comments.
XmlStart find_xml_start(std::string_view head) {
  XmlStart start;
  std::size_t bom = 0;
  if (head.substr(0, 3) == "\xEF\xBB\xBF") {
    bom = 3;
  } else if (head.substr(0, 2) == "\xFF\xFE") {
    bom = 2;
    start.encoding = Encoding::kUtf16Le;
  } else if (head.substr(0, 2) == "\xFE\xFF") {
    bom = 2;
    start.encoding = Encoding::kUtf16Be;
  }
  // A one-byte-per-character view of the text: UTF-16 code units outside ASCII become '?'.
  std::string text;
  const std::size_t unit = start.encoding == Encoding::kUtf8 ? 1 : 2;
  for (std::size_t i = bom; i + unit <= head.size(); i += unit) {
    if (unit == 1) {
      text.push_back(head[i]);
    } else {
      const char low = start.encoding == Encoding::kUtf16Le ? head[i] : head[i + 1];
      const char high = start.encoding == Encoding::kUtf16Le ? head[i + 1] : head[i];
      text.push_back(high == 0 ? low : '?');
    }
  }
  std::size_t at = 0;
  for (;;) {
    while (at < text.size() && is_space(text[at])) ++at;
    if (starts_with(text, at, "<?")) {
      const std::size_t end = text.find("?>", at);
      if (end == std::string::npos) return start;
      at = end + 2;
    } else if (starts_with(text, at, "<!--")) {
      const std::size_t end = text.find("-->", at);
      if (end == std::string::npos) return start;
      at = end + 3;
    } else {
      break;
    }
  }
  auto element_is = [&](std::string_view name) {
    if (!starts_with(text, at, name)) return false;
    const std::size_t after = at + name.size();
    return after < text.size() && (is_space(text[after]) || text[after] == '>');
  };
  if (element_is("<Events")) {
    start.found = true;
    start.rooted = true;
  } else if (element_is("<Event")) {
    start.found = true;
  }
  start.byte_offset = bom + at * unit;
  return start;
}

std::string encode_ascii(std::string_view text, Encoding encoding) {
  if (encoding == Encoding::kUtf8) return std::string(text);
  std::string out;
  for (char c : text) {
    if (encoding == Encoding::kUtf16Le) {
      out.push_back(c);
      out.push_back('\0');
    } else {
      out.push_back('\0');
      out.push_back(c);
    }
  }
  return out;
}

class EventXmlReader : public LogReader {
 public:
  EventXmlReader(std::FILE* file, std::uint64_t size, const XmlStart& start)
      : file_(file),
        total_bytes_(size),
        start_(start),
        parser_(std::make_unique<EventXmlParser>()) {
    if (start_.encoding == Encoding::kUtf8) {
      scanner_ = std::make_unique<EventXmlScanner>(parser_.get(), start_.rooted);
    }
  }
  ~EventXmlReader() override { std::fclose(file_); }

  std::string_view format() const override { return "xml"; }

  ReadResult next(LogRecord* out) override {
    for (;;) {
      while (queue_.empty()) {
        if (done_) return ReadResult::kEnd;
        pump();
      }
      ParsedEvent event = std::move(queue_.front());
      queue_.pop_front();
      if (skip_ > 0) {  // returned already, before expat took over from the scanner
        --skip_;
        continue;
      }
      ++returned_;
      if (!event.ok) {
        issue_ = std::move(event.issue);
        return ReadResult::kMalformed;
      }
      *out = std::move(event.record);
      return ReadResult::kRecord;
    }
  }

  const ReadIssue& issue() const override { return issue_; }
  std::uint64_t bytes_read() const override { return std::max(bytes_read_, most_read_); }
  std::uint64_t total_bytes() const override { return total_bytes_; }

 private:
  // Reads the next chunk; at the end of the file n is 0. False on a read error (reported).
  bool read_chunk(std::string* chunk) {
    chunk->resize(kChunkBytes);
    const std::size_t n = std::fread(chunk->data(), 1, chunk->size(), file_);
    chunk->resize(n);
    if (n == 0 && std::ferror(file_)) {
      fail("read error after byte " + std::to_string(bytes_read_));
      return false;
    }
    return true;
  }

  void pump() {
    if (scanner_ != nullptr) {
      pump_scanner();
    } else {
      pump_expat();
    }
  }

  // Feeds the next chunk to the scanner; hands the file to expat when the scanner gives up.
  void pump_scanner() {
    if (!read_chunk(&chunk_)) return;
    const bool at_end = chunk_.empty();
    std::string_view data = chunk_;
    bool mine = true;
    if (bytes_read_ == 0) {
      // The bytes before the first element, in the first chunk (find_xml_start() found the
      // element within the file's first 4 KiB).
      const std::size_t split = std::min(start_.byte_offset, data.size());
      mine = scanner_->prolog(data.substr(0, split));
      data.remove_prefix(split);
    }
    bytes_read_ += chunk_.size();
    most_read_ = std::max(most_read_, bytes_read_);
    if (mine) mine = scanner_->feed(data, at_end, &queue_);
    if (mine) {
      if (at_end) done_ = true;
      return;
    }
    // Not the subset the scanner reads: expat reads the file again from its start.
    scanner_.reset();
    parser_ = std::make_unique<EventXmlParser>();
    std::clearerr(file_);
    std::rewind(file_);
    bytes_read_ = 0;
    queue_.clear();
    skip_ = returned_;
    done_ = false;
  }

  // Feeds the next chunk (or, at the end of the file, the virtual root's end tag) to expat.
  void pump_expat() {
    if (!read_chunk(&chunk_)) return;
    const std::size_t n = chunk_.size();
    const bool at_end = n == 0;
    if (!start_.rooted) {
      if (bytes_read_ == 0 && !at_end) {
        // Open the virtual root just before the first <Event>.
        const std::size_t split = start_.byte_offset < n ? start_.byte_offset : n;
        chunk_.insert(split, encode_ascii("<Events>", start_.encoding));
      }
      if (at_end) chunk_ = encode_ascii("</Events>", start_.encoding);
    }
    bytes_read_ += n;
    most_read_ = std::max(most_read_, bytes_read_);
    ReadIssue error;
    if (!parser_->feed(chunk_.data(), chunk_.size(), at_end, &queue_, &error)) {
      queue_.push_back(ParsedEvent{false, {}, std::move(error)});
      done_ = true;
    }
    if (at_end) done_ = true;
  }

  void fail(std::string message) {
    ParsedEvent event;
    event.issue.message = std::move(message);
    queue_.push_back(std::move(event));
    done_ = true;
  }

  std::FILE* file_;
  std::uint64_t total_bytes_;
  XmlStart start_;
  std::unique_ptr<EventXmlParser> parser_;
  std::unique_ptr<EventXmlScanner> scanner_;  // null once expat reads the file
  std::string chunk_;
  std::deque<ParsedEvent> queue_;
  ReadIssue issue_;
  std::uint64_t bytes_read_ = 0;  // by the scanner or expat, whichever reads the file now
  std::uint64_t most_read_ = 0;   // so the progress never goes back
  std::uint64_t returned_ = 0;    // events next() returned
  std::uint64_t skip_ = 0;        // events expat will report again, to drop
  bool done_ = false;
};

}  // namespace

bool detect_event_xml(std::string_view head) {
  return find_xml_start(head).found;
}

msmi::Status open_event_xml_reader(const std::string& path, const ReaderOptions& /*options*/,
                                   std::unique_ptr<LogReader>* out) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    return msmi::Status::IoError(path + ": cannot open: " + std::strerror(errno));
  }
  std::string head(kHeadBytes, '\0');
  head.resize(std::fread(head.data(), 1, head.size(), file));
  const XmlStart start = find_xml_start(head);
  if (!start.found) {
    std::fclose(file);
    return msmi::Status::InvalidArgument(
        path + ": not wevtutil XML: no <Events> or <Event> element at the start");
  }
  std::fseek(file, 0, SEEK_END);
  const long size = std::ftell(file);
  std::rewind(file);
  *out = std::make_unique<EventXmlReader>(file, size < 0 ? 0 : static_cast<std::uint64_t>(size),
                                          start);
  return msmi::Status::Ok();
}

}  // namespace msmilog
