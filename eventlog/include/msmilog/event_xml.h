// Windows event XML as `wevtutil qe LOG /f:RenderedXml` prints it: one <Event> element per
// record, with (`/e:Events`) or without an <Events> root. The entries of log_formats() ("xml")
// and log_export_formats() ("xml", "evtx-xml") point here.
//
// Mapping (reader and writers agree, so an export re-imports to the same record):
//   System/Provider@Name                  source
//   System/EventID, @Qualifiers           event_identifier = Qualifiers << 16 | EventID;
//                                         without Qualifiers identifier_complete is false and the
//                                         severity bits come from the type
//   System/Level, System/Keywords         type: Level 1/2 Error, 3 Warning, 4 (and 5) Information,
//                                         0 Success (shown "Information"); the audit keyword bits
//                                         0x0020…/0x0010… make it Audit Success/Failure
//   System/Task                           category
//   System/TimeCreated@SystemTime         created_us; written_us = created_us (no written time)
//   System/EventRecordID                  record_number
//   System/Computer                       computer
//   System/Security@UserID                user
//   EventData/Data (in order)             strings
//   EventData/Binary (hex)                data
//   RenderingInfo/Message                 description
//   RenderingInfo/Task                    category_name
//   the <Event> start tag's line          position
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "msmi/status.h"
#include "msmilog/log_reader.h"
#include "msmilog/log_writer.h"

namespace msmilog {

// True when `head`, after an optional byte order mark (UTF-8 or UTF-16), white space, an XML
// declaration and comments, starts with an <Events> or an <Event> element.
bool detect_event_xml(std::string_view head);

// Opens a wevtutil XML file for streaming: it is parsed 64 KiB at a time, so memory stays flat.
// A rootless file (one <Event> after another) is read as if it had an <Events> root. An <Event>
// lacking Provider Name, EventID or TimeCreated SystemTime, or with a field that is not a number,
// is kMalformed for that event only (its line in issue()); XML that is not well-formed is
// kMalformed with the line and column, and next() then returns kEnd.
// IoError naming the file when it cannot be opened.
msmi::Status open_event_xml_reader(const std::string& path, const ReaderOptions& options,
                                   std::unique_ptr<LogReader>* out);

// "xml": an XML declaration, an <Events> root, and one <Event> per line with its RenderingInfo
// (Message, Level, Task, Opcode, Channel, Provider, Keywords). "-" writes to standard output.
msmi::Status create_event_xml_writer(const std::string& path, const WriterOptions& options,
                                     std::unique_ptr<LogWriter>* out);

// "evtx-xml": the same <Event> elements with no declaration and no root, one per line, as
// `wevtutil qe LOG /f:RenderedXml` prints them.
msmi::Status create_event_xml_lines_writer(const std::string& path, const WriterOptions& options,
                                           std::unique_ptr<LogWriter>* out);

// One record as a single-line <Event> element (no line break). `with_rendering`: include the
// RenderingInfo. The computer is `default_computer` when the record has none. InvalidArgument
// when a string holds a character XML 1.0 cannot carry (a control character other than tab,
// line feed and carriage return, or bytes that are not UTF-8).
msmi::Status format_event_xml(const LogRecord& record, std::string_view default_computer,
                              bool with_rendering, std::string* out);

}  // namespace msmilog
