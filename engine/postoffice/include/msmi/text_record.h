// The framed text record shared by the P1, MAI and NETWORK.GLB files and by mailbag payloads.
//
//   MSMI-P1 1\n                      magic and format version
//   message-id: NET/PO/0000002A\n    header fields, "name: value", in order; names repeat freely
//   to: MS:NET/PO/BOB\n
//   \n                               a blank line ends the header
//   body bytes (MAI only, any text)
//   #end 83 1C291CA3\n               length of everything before "#end" (decimal) and the CRC-32
//                                    of those bytes (8 upper-case hex digits)
//
// The trailer catches a truncated or garbled file: decoding checks both numbers before it looks
// at a single field, so a damaged file is never half-processed. Values may not hold a newline;
// encoding replaces one with a blank.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "msmi/status.h"

namespace msmi {

struct TextRecord {
  std::vector<std::pair<std::string, std::string>> fields;
  std::string body;

  void add(std::string name, std::string value) {
    fields.emplace_back(std::move(name), std::move(value));
  }
  // First value of `name`, or "" if absent. The reference lives as long as the record's fields
  // are not changed.
  const std::string& get(std::string_view name) const;
  std::vector<std::string> get_all(std::string_view name) const;
  bool has(std::string_view name) const;
};

// A decoded record whose names, values and body are views of the bytes it was decoded from
// (valid while those are): decoding one allocates nothing but its list of fields, so the queue
// records and message files read on every message are not copied field by field first.
struct TextRecordView {
  std::vector<std::pair<std::string_view, std::string_view>> fields;
  std::string_view body;

  // First value of `name`, or "" if absent.
  std::string_view get(std::string_view name) const;
  bool has(std::string_view name) const;
};

// Parses all of `text` as a number without sign in `base`; false for an empty string, any
// other character, or a value that does not fit.
bool parse_whole_number(std::string_view text, int base, std::uint64_t* out);
bool parse_whole_number(std::string_view text, int base, std::uint32_t* out);
bool parse_whole_number(std::string_view text, int base, std::int64_t* out);
// Parses exactly 8 hex digits (either case), as a message number or a trailer's CRC is written;
// false for any other text.
bool parse_hex8(std::string_view text, std::uint32_t* out);

std::string encode_text_record(std::string_view magic, const TextRecord& record);

// Encodes a record field by field into one buffer: the bytes encode_text_record gives for a
// TextRecord with the same fields and body, without a copy of every name and value first (P1,
// MAI and queue records are written for every message).
class TextRecordWriter {
 public:
  explicit TextRecordWriter(std::string_view magic);
  void add(std::string_view name, std::string_view value);
  // The record: the fields added, `body` and the trailer. Nothing may be added afterwards.
  std::string finish(std::string_view body = {});

 private:
  std::string out_;
};
// Reads a record's header fields one at a time, in order, as views of the bytes (valid while
// those are), storing none: the decoders of the records read on every message (P1 envelopes,
// MAI contents, INQUEUE3 records) take what they need in one pass. Its checks and errors are
// decode_text_record's.
class TextFieldReader {
 public:
  // Checks the framing before any field is looked at: Corruption (naming `what`) if the magic,
  // trailer, length or CRC is wrong. The reader is usable only after Ok.
  Status open(std::string_view magic, std::string_view data, std::string_view what);
  // True with the next field's name and value. False at the blank line that ends the header
  // (body() is then what follows it) or at a line that is not "name: value" (status() says
  // which); every later call is false too.
  bool next(std::string_view* name, std::string_view* value);
  // After next() returned false: Ok at the end of the header, else the Corruption of the line
  // that stopped it.
  Status status() const;
  std::string_view body() const { return body_; }

 private:
  enum class Stop { kReading, kEnd, kBadLine, kUnclosed };
  std::string_view what_;
  std::string_view content_;  // everything before the trailer
  std::string_view body_;
  std::size_t pos_ = 0;
  std::size_t line_number_ = 1;
  Stop stop_ = Stop::kReading;
};

// `what` names the file in error messages. Corruption if the magic, trailer, length or CRC is
// wrong, or a header line is not "name: value".
Status decode_text_record(std::string_view magic, std::string_view data, std::string_view what,
                          TextRecord* out);
// The same checks and errors; *out views `data`.
Status decode_text_record(std::string_view magic, std::string_view data, std::string_view what,
                          TextRecordView* out);

}  // namespace msmi
