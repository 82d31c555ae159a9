// EventXmlParser: turns the XML of Windows events (`wevtutil qe /f:xml` and /f:RenderedXml, and
// the XML libevtx renders for each .evtx record) into LogRecords, pushed through expat a chunk at
// a time. Shared by the wevtutil XML reader and the .evtx reader so both map the same element to
// the same field.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "msmilog/log_reader.h"
#include "msmilog/log_record.h"

struct XML_ParserStruct;

namespace msmilog {

// One event element read: a record, or the reason it could not become one.
struct ParsedEvent {
  bool ok = false;
  LogRecord record;  // valid when ok
  ReadIssue issue;   // valid when !ok; position is the line of the <Event> start tag
};

class EventXmlParser {
 public:
  EventXmlParser();
  ~EventXmlParser();
  EventXmlParser(const EventXmlParser&) = delete;
  EventXmlParser& operator=(const EventXmlParser&) = delete;

  // Parses the next `size` bytes of the document (`final`: they are its last). Each <Event>
  // element that closes is appended to *events. False when the document is not well-formed:
  // *error then holds the line and expat's reason, and the parser accepts nothing more (expat
  // cannot resynchronise).
  bool feed(const char* data, std::size_t size, bool final, std::deque<ParsedEvent>* events,
            ReadIssue* error);

  // The same handlers fed by a tokenizer of our own (EventXmlScanner) instead of expat: the
  // elements and character data expat would report for the document, in the same order.
  // `attributes` is expat's form (name, value, …, null), values decoded; `line` is the line the
  // start tag begins on. An <Event> element that closes is appended to *events.
  void start_element(std::string_view name, const char** attributes, std::uint64_t line);
  void end_element(std::string_view name, std::deque<ParsedEvent>* events);
  void character_data(std::string_view text) {
    if (!path_.empty()) text_.append(text);
  }

 private:
  struct Fields {
    std::uint64_t line = 0;
    std::optional<std::string> provider, event_id, qualifiers, level, task, keywords, time_created,
        record_id, computer, user, message, task_name;
    std::vector<std::string> strings;
    std::string binary_hex;
  };

  static void on_start(void* self, const char* name, const char** attributes);
  static void on_end(void* self, const char* name);
  static void on_text(void* self, const char* text, int length);
  void start(std::string_view name, const char** attributes, std::uint64_t line);
  void end(std::string_view name);
  ParsedEvent finish_event();

  XML_ParserStruct* parser_;
  std::deque<ParsedEvent>* out_ = nullptr;
  // Element names from the <Event> element down (empty outside an event).
  std::vector<std::string> path_;
  std::string text_;
  Fields fields_;
  bool failed_ = false;
};

// FILETIME (100 ns ticks since 1601-01-01) to and from microseconds since 1970-01-01.
std::int64_t filetime_to_epoch_us(std::uint64_t filetime);
std::uint64_t epoch_us_to_filetime(std::int64_t epoch_us);

// "1997-05-22T12:55:53.000000000Z": the SystemTime attribute as Windows writes it (nanosecond
// digits, the last three zero since we keep microseconds).
std::string format_system_time(std::int64_t epoch_us);

// The Level a classic event of `type` has in Windows' XML (Error 2, Warning 3, Information 4,
// Success and audits 0) and its Keywords (EventLogClassic, plus the audit bit for audits).
int event_level(NtEventType type);
std::uint64_t event_keywords(NtEventType type);
// The inverse: audit keywords win; then Level 1/2 Error, 3 Warning, 0 Success ("Information"),
// anything else Information.
NtEventType type_from_level(int level, std::uint64_t keywords);

}  // namespace msmilog
