// EventXmlScanner: a tokenizer of our own for the plain XML that wevtutil and `msmisim export`
// write, feeding EventXmlParser's handlers as expat would, at several times expat's speed (expat
// was three quarters of an XML import's time).
//
// It reads a strict subset of XML 1.0 and answers, for any document, either exactly what expat
// reports for it or "not mine": the caller then parses the document with expat from its start,
// dropping the events it already has, so the records, and the errors with their lines and
// expat's reasons, are expat's whatever the file holds. The subset, in UTF-8 only: an optional
// byte order mark and XML declaration (version 1.0, encoding UTF-8, standalone yes/no) then
// white space before the first element; elements with ASCII names and attributes (either
// quote, values without raw tabs or line breaks, each name once); character data; the five
// predefined entities and numeric character references to XML characters; line ends LF or
// CRLF (CRLF reads as LF in character data, as XML says). Anything else — comments, CDATA,
// processing instructions, a DOCTYPE, a lone CR, text that is not UTF-8 or holds a control
// character, a mismatched or unclosed tag, content after the root — is "not mine", as is a
// token longer than kMaxPendingBytes. Private to eventlog.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "event_xml_parser.h"

namespace msmilog {

class EventXmlScanner {
 public:
  // Bytes held while a token is incomplete; a longer token is left to expat.
  static constexpr std::size_t kMaxPendingBytes = 16 << 20;

  // `parser` receives the elements. `rooted`: the document's first element is its root (else
  // the elements are read as the children of a virtual <Events> root, as EventXmlReader gives
  // them to expat). `prolog` is the document's bytes before its first element, `line` the line
  // that element starts on follows from it.
  EventXmlScanner(EventXmlParser* parser, bool rooted);

  // Checks the bytes before the first element (see the top of this file). False: not mine.
  bool prolog(std::string_view bytes);

  // Scans the next `data` of the document from its first element on (`final`: the last bytes).
  // Events that close are appended to *events. False: not mine (from that point the scanner
  // must not be fed again; what it appended before is what expat reports too).
  bool feed(std::string_view data, bool final, std::deque<ParsedEvent>* events);

 private:
  // Consumes whole tokens of pending_; false: not mine.
  bool scan(bool final, std::deque<ParsedEvent>* events);
  // Character data [begin, end) (no '<' in it); false: not mine.
  bool text(const char* begin, const char* end);
  // The tag at `begin` (a '<'), ending before `limit`. Returns its length, 0 when the buffer
  // ends first, or -1: not mine.
  long tag(const char* begin, const char* limit, std::deque<ParsedEvent>* events);
  // The reference at `p` (a '&') before `limit`, decoded (UTF-8) into *out; its length, or 0:
  // not mine.
  std::size_t reference(const char* p, const char* limit, std::string* out) const;

  EventXmlParser* parser_;
  const bool rooted_;
  bool root_closed_ = false;
  bool failed_ = false;
  std::uint64_t line_ = 1;          // of the next byte to scan
  std::string pending_;             // bytes not consumed yet: an incomplete token
  std::vector<std::string> open_;   // the open elements, outermost first
  std::string decoded_;             // scratch: text with references or CRLF
  std::vector<std::string> names_;  // scratch: one tag's attributes
  std::vector<std::string> values_;
  std::vector<const char*> attributes_;
};

}  // namespace msmilog
