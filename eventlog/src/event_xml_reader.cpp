// The wevtutil XML reader. The file is pushed through expat 64 KiB at a time; the events each
// chunk completes wait in a short queue until next() takes them, so memory is bounded by one
// chunk's events whatever the file's size.
//
// wevtutil prints events without a root unless asked for /e:Events, and several top-level
// elements are not a well-formed document: for such a file the reader gives expat an <Events>
// start tag just before the first <Event> and the end tag after the last byte, encoded like the
// file (UTF-8, or UTF-16 when the file starts with a UTF-16 byte order mark, as PowerShell's
// redirection writes it). Neither adds a line, so expat's line numbers are the file's.
#include <cstdio>
#include <cstring>
#include <deque>

#include "event_xml_parser.h"
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
      : file_(file), total_bytes_(size), start_(start) {}
  ~EventXmlReader() override { std::fclose(file_); }

  std::string_view format() const override { return "xml"; }

  ReadResult next(LogRecord* out) override {
    while (queue_.empty()) {
      if (done_) return ReadResult::kEnd;
      pump();
    }
    ParsedEvent event = std::move(queue_.front());
    queue_.pop_front();
    if (!event.ok) {
      issue_ = std::move(event.issue);
      return ReadResult::kMalformed;
    }
    *out = std::move(event.record);
    return ReadResult::kRecord;
  }

  const ReadIssue& issue() const override { return issue_; }
  std::uint64_t bytes_read() const override { return bytes_read_; }
  std::uint64_t total_bytes() const override { return total_bytes_; }

 private:
  // Feeds the next chunk (or, at the end of the file, the virtual root's end tag) to expat.
  void pump() {
    std::string chunk(kChunkBytes, '\0');
    const std::size_t n = std::fread(chunk.data(), 1, chunk.size(), file_);
    chunk.resize(n);
    const bool at_end = n == 0;
    if (at_end && std::ferror(file_)) {
      fail("read error after byte " + std::to_string(bytes_read_));
      return;
    }
    if (!start_.rooted) {
      if (bytes_read_ == 0 && !at_end) {
        // Open the virtual root just before the first <Event>.
        const std::size_t split = start_.byte_offset < n ? start_.byte_offset : n;
        chunk.insert(split, encode_ascii("<Events>", start_.encoding));
      }
      if (at_end) chunk = encode_ascii("</Events>", start_.encoding);
    }
    bytes_read_ += n;
    ReadIssue error;
    if (!parser_.feed(chunk.data(), chunk.size(), at_end, &queue_, &error)) {
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
  EventXmlParser parser_;
  std::deque<ParsedEvent> queue_;
  ReadIssue issue_;
  std::uint64_t bytes_read_ = 0;
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
