// LogRecord: one record of a Windows event log, as an importer reads it from a customer's file
// (.EVT, .evtx, wevtutil XML, Event Viewer CSV, NT text exports) or an exporter writes it.
//
// It is the neutral form between the file formats and the event store: readers produce it,
// the import pipeline turns it into an `events` row, the export pipeline turns a row back into
// it, writers consume it. It carries what an NT 4.0 EVENTLOGRECORD carries, plus the rendered
// text where the file has one (XML RenderingInfo, CSV and text exports).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace msmilog {

// NT's EVENTLOG_*_TYPE values, as an EVENTLOGRECORD stores them.
enum class NtEventType : std::uint16_t {
  kSuccess = 0,  // "Success" (or "Information" in some exports)
  kError = 1,
  kWarning = 2,
  kInformation = 4,
  kAuditSuccess = 8,
  kAuditFailure = 16,
};

// "Error", "Warning", "Information", "Audit Success", "Audit Failure" ("Information" for
// kSuccess, as Event Viewer shows it).
std::string_view to_string(NtEventType type);
// Accepts the names above in any case, "Success", "Failure Audit"/"Success Audit" (the NT 4.0
// text export's words), and the one-letter forms "E"/"W"/"I". False for anything else.
bool parse_nt_event_type(std::string_view text, NtEventType* out);

struct LogRecord {
  // The record number in the log it came from (1, 2, 3 …); 0 when the format has none.
  std::uint32_t record_number = 0;
  // The full 32-bit event identifier: severity (2 bits), customer (1), reserved (1),
  // facility (12), code (16). Event Viewer shows the low 16 bits as "Event ID".
  std::uint32_t event_identifier = 0;
  // False when the file carried only the displayed 16-bit ID (text and CSV exports, XML
  // without Qualifiers): event_identifier then holds that ID with severity bits derived from
  // the type (see make_event_identifier()).
  bool identifier_complete = true;
  NtEventType type = NtEventType::kInformation;
  // The numeric category as stored (EVT, evtx, XML), 0 = "None".
  std::uint16_t category = 0;
  // The category as rendered ("Session Error"), when the file carries the text; else empty.
  std::string category_name;
  // Created (TimeGenerated) and written (TimeWritten), microseconds since 1970-01-01 UTC.
  std::int64_t created_us = 0;
  std::int64_t written_us = 0;
  std::string source;    // "MSExchangeMSMI"
  std::string computer;  // "EXCHSRV1"
  // The user SID as text ("S-1-5-18"), or, from text exports, the user name as shown ("N/A"
  // becomes empty). Empty when the record has none.
  std::string user;
  std::vector<std::string> strings;  // insertion strings, UTF-8
  std::string data;                  // binary data bytes
  // The rendered description when the file carries it; empty when only strings were stored
  // (the import pipeline then renders it from the catalogue).
  std::string description;
  // Where the record started in its file: a byte offset for binary formats, a 1-based line
  // number for text formats. For messages only.
  std::uint64_t position = 0;

  // Event Viewer's "Event ID": the low 16 bits of the identifier.
  int displayed_id() const { return static_cast<int>(event_identifier & 0xFFFFu); }

  bool operator==(const LogRecord&) const = default;
};

// The identifier a message compiler gives event `id` of severity `type`: Error 0xC…, Warning
// 0x8…, Information and audits 0x4…, facility 0, customer bit clear. For simulated events and
// for imports that carry only the displayed ID.
std::uint32_t make_event_identifier(int id, NtEventType type);

}  // namespace msmilog
