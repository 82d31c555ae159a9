// The .evtx writer. All integers are little-endian; strings in the binary XML are UTF-16LE.
//
// File header (the first 4096 bytes; 128 used, the rest zero):
//     0  8  signature "ElfFile\0"
//     8  8  first chunk number (0)
//    16  8  last chunk number
//    24  8  next record identifier
//    32  4  header size (128)
//    36  2  minor version (1)          38  2  major version (3)
//    40  2  header block size (4096)   42  2  number of chunks
//    44 76  unused (zero)
//   120  4  file flags (0: clean, not full)
//   124  4  CRC32 of bytes 0..119
//
// Chunk (65536 bytes each, after the file header):
//     0  8  signature "ElfChnk\0"
//     8  8  first record number        16  8  last record number
//    24  8  first record identifier    32  8  last record identifier
//    40  4  header size (128)
//    44  4  offset of the last record in the chunk
//    48  4  free space offset (end of the last record)
//    52  4  CRC32 of the records, bytes 512 .. free space offset
//    56 64  unused (zero)
//   120  4  flags (0)
//   124  4  CRC32 of bytes 0..119 and 128..511
//   128 256 common string offsets (64 x 4, zero: we keep no string table)
//   384 128 template pointers (32 x 4, zero: we write no templates)
//   512     event records, then zeros to the end of the chunk
//
// Event record:
//     0  4  signature 2a 2a 00 00
//     4  4  size of the whole record, this header and the trailing copy included
//     8  8  record identifier
//    16  8  written time (FILETIME)
//    24  …  binary XML, zero-padded to a multiple of 8
//   size-4  4  copy of the size
//
// Binary XML (BinXML): a fragment header (0f 01 01 00), a template instance (0c), end of stream
// (00). The instance is: 0c 01, a template identifier (4), the chunk offset of the template
// definition, and, the first time a chunk uses that template, the definition itself right there
// (the offset then points just past itself): next-definition offset (4, zero), a GUID (16), the
// size of its body (4) and the body; then the instance's values: their count (4), a descriptor
// per value (size 2, type 1, zero 1) and the value bytes. msmisim defines one template per shape
// of record (Qualifiers or not, a user SID or not, number of strings, binary data or not).
//
// A template body is a fragment header, one element and end of stream (00). An element is an
// open start tag (01, or 41 when attributes follow), a dependency identifier (ffff: none), the
// size of the rest of the element (4), the chunk offset of its name, its attribute list (size,
// then attribute tokens 06 — 46 when another follows — each a name offset and a value), a close
// start tag (02) with content and an end tag (04), or a close empty tag (03). A value is a
// substitution (0d, value index 2, value type 1) or literal text (05 01, character count 2,
// UTF-16LE characters). A name is defined once per chunk, inline where first used: next-name
// offset (4, zero), hash (2), character count (2), the characters and a 2-byte NUL; later uses
// point back at it. Value types: string 01 (UTF-16LE, no NUL), UInt8 04 (Level), UInt16 06
// (EventID, Qualifiers, Task), UInt64 0a (EventRecordID), binary 0e, FILETIME 11 (TimeCreated),
// SID 13 (UserID; a user that is not a SID is written as a string), HexInt64 15 (Keywords).
//
// libevtx needs typed values: with literal text only (no template), its getters for EventID,
// Qualifiers and Level fail, though its XML rendering works. Windows writes every event this way.
#include <array>
#include <cerrno>
#include <charconv>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <map>

#include "event_xml_parser.h"
#include "evtx_crc.h"
#include "msmilog/evtx_log.h"

namespace msmilog {
namespace {

constexpr std::size_t kFileHeaderBytes = 4096;
constexpr std::size_t kChunkBytes = 65536;
constexpr std::size_t kChunkHeaderBytes = 512;

void put16(std::uint8_t* at, std::uint16_t v) {
  at[0] = static_cast<std::uint8_t>(v);
  at[1] = static_cast<std::uint8_t>(v >> 8);
}
void put32(std::uint8_t* at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) at[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
void put64(std::uint8_t* at, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) at[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

// UTF-8 to UTF-16LE code units. False for bytes that are not UTF-8.
bool to_utf16(std::string_view text, std::u16string* out) {
  out->clear();
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t length = c < 0x80             ? 1
                         : (c & 0xE0) == 0xC0 ? 2
                         : (c & 0xF0) == 0xE0 ? 3
                         : (c & 0xF8) == 0xF0 ? 4
                                              : 0;
    if (length == 0 || i + length > text.size()) return false;
    std::uint32_t code = length == 1 ? c : c & (0x7F >> length);
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3F);
    }
    static constexpr std::uint32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < kMinimum[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
      return false;
    }
    if (code >= 0x10000) {
      code -= 0x10000;
      out->push_back(static_cast<char16_t>(0xD800 + (code >> 10)));
      out->push_back(static_cast<char16_t>(0xDC00 + (code & 0x3FF)));
    } else {
      out->push_back(static_cast<char16_t>(code));
    }
    i += length;
  }
  return true;
}

// Binary XML value types used here.
enum ValueType : std::uint8_t {
  kString = 0x01,  // UTF-16LE, no terminator
  kUInt8 = 0x04,
  kUInt16 = 0x06,
  kUInt64 = 0x0A,
  kBinary = 0x0E,
  kFiletime = 0x11,
  kSid = 0x13,
  kHexInt64 = 0x15,
};

// An attribute's value or an element's content: literal text, a substitution of the template
// instance's value `index`, or nothing.
struct Content {
  enum Kind { kNone, kText, kSubstitution } kind = kNone;
  std::string text;
  std::uint16_t index = 0;
  std::uint8_t type = 0;
};
Content text_content(std::string text) {
  return {Content::kText, std::move(text), 0, 0};
}
Content substitution(std::uint16_t index, std::uint8_t type) {
  return {Content::kSubstitution, {}, index, type};
}

// Builds binary XML at a known chunk offset, defining element and attribute names inline the
// first time the chunk uses them and pointing back at that definition afterwards.
class BinXmlBuilder {
 public:
  BinXmlBuilder(std::size_t chunk_offset, std::map<std::string, std::uint32_t>* names)
      : base_(chunk_offset), names_(names) {}

  struct Attribute {
    std::string_view name;
    Content value;
  };

  // Opens <name attributes…> for child elements; returns the handle close() takes.
  std::size_t open(std::string_view name, const std::vector<Attribute>& attributes = {}) {
    const std::size_t start = start_tag(name, attributes);
    bytes_.push_back(0x02);
    return start;
  }

  // Closes the element opened at `start`.
  void close(std::size_t start) {
    bytes_.push_back(0x04);
    put32(&bytes_[start + 3], static_cast<std::uint32_t>(bytes_.size() - start - 7));
  }

  // A leaf <name attributes…>content</name>, or an empty tag when there is no content.
  void leaf(std::string_view name, const std::vector<Attribute>& attributes,
            const Content& content) {
    const std::size_t start = start_tag(name, attributes);
    if (content.kind == Content::kNone) {
      bytes_.push_back(0x03);
    } else {
      bytes_.push_back(0x02);
      value(content);
      bytes_.push_back(0x04);
    }
    put32(&bytes_[start + 3], static_cast<std::uint32_t>(bytes_.size() - start - 7));
  }

  void raw8(std::uint8_t v) { bytes_.push_back(v); }
  void raw16(std::uint16_t v) {
    bytes_.push_back(static_cast<std::uint8_t>(v));
    bytes_.push_back(static_cast<std::uint8_t>(v >> 8));
  }
  void raw32(std::uint32_t v) {
    for (int i = 0; i < 4; ++i) bytes_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  void raw(const std::vector<std::uint8_t>& data) {
    bytes_.insert(bytes_.end(), data.begin(), data.end());
  }
  void patch32(std::size_t at, std::uint32_t v) { put32(&bytes_[at], v); }
  // The chunk offset of the next byte.
  std::size_t offset() const { return base_ + bytes_.size(); }
  std::size_t size() const { return bytes_.size(); }

  bool ok() const { return ok_; }
  std::vector<std::uint8_t>& bytes() { return bytes_; }

 private:
  std::size_t start_tag(std::string_view name, const std::vector<Attribute>& attributes) {
    const std::size_t start = bytes_.size();
    bytes_.push_back(attributes.empty() ? 0x01 : 0x41);
    raw16(0xFFFF);  // dependency identifier: none
    raw32(0);       // element size, patched when the element ends
    name_reference(name);
    if (!attributes.empty()) {
      const std::size_t list = bytes_.size();
      raw32(0);
      for (std::size_t i = 0; i < attributes.size(); ++i) {
        bytes_.push_back(i + 1 < attributes.size() ? 0x46 : 0x06);
        name_reference(attributes[i].name);
        value(attributes[i].value);
      }
      put32(&bytes_[list], static_cast<std::uint32_t>(bytes_.size() - list - 4));
    }
    return start;
  }

  void name_reference(std::string_view name) {
    const auto found = names_->find(std::string(name));
    if (found != names_->end()) {
      raw32(found->second);
      return;
    }
    const auto here = static_cast<std::uint32_t>(offset() + 4);  // just past the offset itself
    raw32(here);
    (*names_)[std::string(name)] = here;
    std::u16string units;
    ok_ = to_utf16(name, &units) && ok_;
    std::uint16_t hash = 0;
    for (char16_t u : units) hash = static_cast<std::uint16_t>(hash * 65599u + u);
    raw32(0);  // next name in the chunk's string table: none
    raw16(hash);
    raw16(static_cast<std::uint16_t>(units.size()));
    for (char16_t u : units) raw16(u);
    raw16(0);
  }

  void value(const Content& content) {
    if (content.kind == Content::kSubstitution) {
      bytes_.push_back(0x0D);  // normal substitution
      raw16(content.index);
      bytes_.push_back(content.type);
      return;
    }
    std::u16string units;
    if (!to_utf16(content.text, &units) || units.size() > 0xFFFF) {
      ok_ = false;
      return;
    }
    bytes_.push_back(0x05);
    bytes_.push_back(kString);
    raw16(static_cast<std::uint16_t>(units.size()));
    for (char16_t u : units) raw16(u);
  }

  std::size_t base_;
  std::map<std::string, std::uint32_t>* names_;
  std::vector<std::uint8_t> bytes_;
  bool ok_ = true;
};

std::vector<std::uint8_t> le_bytes(std::uint64_t v, int size) {
  std::vector<std::uint8_t> out;
  for (int i = 0; i < size; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  return out;
}

// "S-1-5-21-…" as a binary SID: revision, sub-authority count, the 48-bit authority big-endian,
// the sub-authorities little-endian. False when `text` is not a SID.
bool sid_bytes(std::string_view text, std::vector<std::uint8_t>* out) {
  if (text.substr(0, 2) != "S-" && text.substr(0, 2) != "s-") return false;
  std::vector<std::uint64_t> parts;
  std::size_t at = 2;
  while (at <= text.size()) {
    std::size_t end = text.find('-', at);
    if (end == std::string_view::npos) end = text.size();
    std::uint64_t v = 0;
    const auto [ptr, ec] = std::from_chars(text.data() + at, text.data() + end, v);
    if (ec != std::errc() || ptr != text.data() + end || end == at) return false;
    parts.push_back(v);
    at = end + 1;
  }
  if (parts.size() < 2 || parts.size() > 17 || parts[0] > 255 || parts[1] >= (1ull << 48)) {
    return false;
  }
  out->clear();
  out->push_back(static_cast<std::uint8_t>(parts[0]));
  out->push_back(static_cast<std::uint8_t>(parts.size() - 2));
  for (int i = 5; i >= 0; --i) out->push_back(static_cast<std::uint8_t>(parts[1] >> (8 * i)));
  for (std::size_t i = 2; i < parts.size(); ++i) {
    if (parts[i] > 0xFFFFFFFFu) return false;
    const auto sub = le_bytes(parts[i], 4);
    out->insert(out->end(), sub.begin(), sub.end());
  }
  return true;
}

struct Value {
  std::uint8_t type;
  std::vector<std::uint8_t> bytes;
};

// The binary XML of `record` as if it started at `chunk_offset`: a template instance whose
// template (one per shape of record: Qualifiers or not, a SID or not, the number of strings,
// binary data or not) is defined the first time the chunk needs it. False when a string is not
// UTF-8 or too long for a value.
bool event_binxml(const LogRecord& record, std::string_view default_computer,
                  std::size_t chunk_offset, std::map<std::string, std::uint32_t>* names,
                  std::map<std::string, std::uint32_t>* templates, std::vector<std::uint8_t>* out) {
  std::vector<Value> values;
  bool ok = true;
  auto add = [&](std::uint8_t type, std::vector<std::uint8_t> bytes) {
    ok = ok && bytes.size() <= 0xFFFF;
    values.push_back({type, std::move(bytes)});
    return static_cast<std::uint16_t>(values.size() - 1);
  };
  auto add_string = [&](std::string_view text) {
    std::u16string units;
    ok = ok && to_utf16(text, &units);
    std::vector<std::uint8_t> bytes;
    for (char16_t u : units) {
      bytes.push_back(static_cast<std::uint8_t>(u));
      bytes.push_back(static_cast<std::uint8_t>(u >> 8));
    }
    return add(kString, std::move(bytes));
  };
  std::vector<std::uint8_t> sid;
  const bool user_is_sid = !record.user.empty() && sid_bytes(record.user, &sid);
  const std::string key = std::string(record.identifier_complete ? "Q" : "q") +
                          (record.user.empty() ? "-"
                           : user_is_sid       ? "S"
                                               : "U") +
                          (record.data.empty() ? "-" : "B") + std::to_string(record.strings.size());

  // The values, in the order the template refers to them.
  const auto provider = add_string(record.source);
  const auto qualifiers = add(kUInt16, le_bytes(record.event_identifier >> 16, 2));
  const auto id = add(kUInt16, le_bytes(record.event_identifier & 0xFFFFu, 2));
  const auto level = add(kUInt8, le_bytes(static_cast<std::uint64_t>(event_level(record.type)), 1));
  const auto task = add(kUInt16, le_bytes(record.category, 2));
  const auto keywords = add(kHexInt64, le_bytes(event_keywords(record.type), 8));
  const auto created = add(kFiletime, le_bytes(epoch_us_to_filetime(record.created_us), 8));
  const auto number = add(kUInt64, le_bytes(record.record_number, 8));
  const auto computer =
      add_string(record.computer.empty() ? default_computer : std::string_view(record.computer));
  const auto user = user_is_sid ? add(kSid, sid) : add_string(record.user);
  std::vector<std::uint16_t> strings;
  for (const std::string& s : record.strings) strings.push_back(add_string(s));
  const auto data = add(kBinary, std::vector<std::uint8_t>(record.data.begin(), record.data.end()));
  if (!ok) return false;

  BinXmlBuilder b(chunk_offset, names);
  b.raw({0x0F, 0x01, 0x01, 0x00});  // fragment header
  b.raw8(0x0C);                     // template instance
  b.raw8(0x01);
  std::uint32_t template_id = 0;
  for (char c : key) template_id = template_id * 31 + static_cast<unsigned char>(c);
  b.raw32(template_id);
  const auto known = templates->find(key);
  if (known != templates->end()) {
    b.raw32(known->second);
  } else {
    const auto definition = static_cast<std::uint32_t>(b.offset() + 4);
    (*templates)[key] = definition;
    b.raw32(definition);
    b.raw32(0);  // next template definition: none
    std::vector<std::uint8_t> guid(16, 0);
    std::memcpy(guid.data(), "msmisim", 7);
    for (std::size_t i = 0; i < key.size() && i < 9; ++i) {
      guid[7 + i] = static_cast<std::uint8_t>(key[i]);
    }
    b.raw(guid);
    const std::size_t size_at = b.size();
    b.raw32(0);
    const std::size_t body = b.size();
    using Attributes = std::vector<BinXmlBuilder::Attribute>;
    b.raw({0x0F, 0x01, 0x01, 0x00});
    const std::size_t event =
        b.open("Event",
               Attributes{{"xmlns",
                           text_content("http://schemas.microsoft.com/win/2004/08/events/event")}});
    const std::size_t system = b.open("System");
    b.leaf("Provider", Attributes{{"Name", substitution(provider, kString)}}, {});
    Attributes id_attributes;
    if (record.identifier_complete) {
      id_attributes.push_back({"Qualifiers", substitution(qualifiers, kUInt16)});
    }
    b.leaf("EventID", id_attributes, substitution(id, kUInt16));
    b.leaf("Level", {}, substitution(level, kUInt8));
    b.leaf("Task", {}, substitution(task, kUInt16));
    b.leaf("Keywords", {}, substitution(keywords, kHexInt64));
    b.leaf("TimeCreated", Attributes{{"SystemTime", substitution(created, kFiletime)}}, {});
    b.leaf("EventRecordID", {}, substitution(number, kUInt64));
    b.leaf("Channel", {}, text_content("Application"));
    b.leaf("Computer", {}, substitution(computer, kString));
    Attributes user_attributes;
    if (!record.user.empty()) {
      user_attributes.push_back({"UserID", substitution(user, user_is_sid ? kSid : kString)});
    }
    b.leaf("Security", user_attributes, {});
    b.close(system);
    const std::size_t event_data = b.open("EventData");
    for (std::uint16_t index : strings) b.leaf("Data", {}, substitution(index, kString));
    if (!record.data.empty()) b.leaf("Binary", {}, substitution(data, kBinary));
    b.close(event_data);
    b.close(event);
    b.raw8(0x00);  // end of the template's stream
    b.patch32(size_at, static_cast<std::uint32_t>(b.size() - body));
  }
  // The instance's values: descriptors (size, type), then the bytes.
  b.raw32(static_cast<std::uint32_t>(values.size()));
  for (const Value& v : values) {
    b.raw16(static_cast<std::uint16_t>(v.bytes.size()));
    b.raw8(v.type);
    b.raw8(0);
  }
  for (const Value& v : values) b.raw(v.bytes);
  b.raw8(0x00);  // end of stream
  if (!b.ok()) return false;
  *out = std::move(b.bytes());
  return true;
}

class EvtxWriter : public LogWriter {
 public:
  EvtxWriter(std::string path, std::FILE* file, WriterOptions options)
      : path_(std::move(path)), file_(file), options_(std::move(options)) {
    const std::vector<std::uint8_t> header(kFileHeaderBytes, 0);  // completed by finish()
    put(header.data(), header.size());
    start_chunk();
  }
  ~EvtxWriter() override {
    if (file_ != nullptr) std::fclose(file_);
  }

  msmi::Status write(const LogRecord& record) override {
    const std::uint64_t id = record.record_number > last_id_ ? record.record_number : last_id_ + 1;
    std::vector<std::uint8_t> bytes;
    if (!frame(record, id, &bytes)) {
      return msmi::Status::InvalidArgument(path_ + ": record " +
                                           std::to_string(record.record_number) +
                                           ": a string is not UTF-8 or too long for .evtx");
    }
    if (free_ + bytes.size() > kChunkBytes) {
      if (records_in_chunk_ == 0) {
        return msmi::Status::InvalidArgument(
            path_ + ": record " + std::to_string(record.record_number) + " needs " +
            std::to_string(bytes.size()) + " bytes, more than an .evtx chunk holds");
      }
      flush_chunk();
      start_chunk();
      if (!frame(record, id, &bytes)) {
        return msmi::Status::InvalidArgument(
            path_ + ": record " + std::to_string(record.record_number) + ": cannot be encoded");
      }
      if (free_ + bytes.size() > kChunkBytes) {
        return msmi::Status::InvalidArgument(
            path_ + ": record " + std::to_string(record.record_number) + " needs " +
            std::to_string(bytes.size()) + " bytes, more than an .evtx chunk holds");
      }
    }
    names_ = pending_names_;
    templates_ = pending_templates_;
    std::memcpy(&chunk_[free_], bytes.data(), bytes.size());
    if (records_in_chunk_ == 0) first_id_in_chunk_ = id;
    last_record_offset_ = free_;
    free_ += bytes.size();
    ++records_in_chunk_;
    last_id_ = id;
    return status();
  }

  msmi::Status finish() override {
    if (records_in_chunk_ > 0 || chunks_ == 0) flush_chunk();
    std::vector<std::uint8_t> header(kFileHeaderBytes, 0);
    std::memcpy(header.data(), "ElfFile\0", 8);
    put64(&header[8], 0);
    put64(&header[16], chunks_ - 1);
    put64(&header[24], last_id_ + 1);
    put32(&header[32], 128);
    put16(&header[36], 1);
    put16(&header[38], 3);
    put16(&header[40], static_cast<std::uint16_t>(kFileHeaderBytes));
    put16(&header[42], static_cast<std::uint16_t>(chunks_));
    put32(&header[124], evtx_crc32(header.data(), 120));
    if (std::fseek(file_, 0, SEEK_SET) != 0) failed_ = true;
    put(header.data(), header.size());
    if (std::fclose(file_) != 0) failed_ = true;
    file_ = nullptr;
    return status();
  }

 private:
  // The whole event record for `record` at the current free offset, names as they would be.
  bool frame(const LogRecord& record, std::uint64_t id, std::vector<std::uint8_t>* out) {
    pending_names_ = names_;
    pending_templates_ = templates_;
    std::vector<std::uint8_t> xml;
    if (!event_binxml(record, options_.computer, free_ + 24, &pending_names_, &pending_templates_,
                      &xml)) {
      return false;
    }
    while (xml.size() % 8 != 0) xml.push_back(0);
    const std::size_t size = 24 + xml.size() + 4;
    out->assign(size, 0);
    std::uint8_t* r = out->data();
    std::memcpy(r, "\x2a\x2a\x00\x00", 4);
    put32(r + 4, static_cast<std::uint32_t>(size));
    put64(r + 8, id);
    put64(r + 16, epoch_us_to_filetime(record.written_us));
    std::memcpy(r + 24, xml.data(), xml.size());
    put32(r + size - 4, static_cast<std::uint32_t>(size));
    return true;
  }

  void start_chunk() {
    chunk_.assign(kChunkBytes, 0);
    free_ = kChunkHeaderBytes;
    records_in_chunk_ = 0;
    last_record_offset_ = 0;
    names_.clear();
    templates_.clear();
  }

  void flush_chunk() {
    std::uint8_t* c = chunk_.data();
    std::memcpy(c, "ElfChnk\0", 8);
    const std::uint64_t first = records_in_chunk_ > 0 ? first_id_in_chunk_ : last_id_ + 1;
    const std::uint64_t last = records_in_chunk_ > 0 ? last_id_ : last_id_;
    put64(c + 8, first);
    put64(c + 16, last);
    put64(c + 24, first);
    put64(c + 32, last);
    put32(c + 40, 128);
    put32(c + 44, static_cast<std::uint32_t>(last_record_offset_));
    put32(c + 48, static_cast<std::uint32_t>(free_));
    put32(c + 52, evtx_crc32(c + kChunkHeaderBytes, free_ - kChunkHeaderBytes));
    std::uint32_t crc = evtx_crc32(c, 120);
    crc = evtx_crc32(c + 128, kChunkHeaderBytes - 128, crc);
    put32(c + 124, crc);
    put(c, kChunkBytes);
    ++chunks_;
  }

  void put(const std::uint8_t* data, std::size_t size) {
    if (std::fwrite(data, 1, size, file_) != size) failed_ = true;
  }
  msmi::Status status() const {
    if (failed_) return msmi::Status::IoError(path_ + ": cannot write: " + std::strerror(errno));
    return msmi::Status::Ok();
  }

  std::string path_;
  std::FILE* file_;
  WriterOptions options_;
  std::vector<std::uint8_t> chunk_;
  // Names and templates defined in the current chunk, by name / shape, with their offsets.
  std::map<std::string, std::uint32_t> names_, pending_names_;
  std::map<std::string, std::uint32_t> templates_, pending_templates_;
  std::size_t free_ = kChunkHeaderBytes;
  std::size_t last_record_offset_ = 0;
  std::uint64_t records_in_chunk_ = 0;
  std::uint64_t first_id_in_chunk_ = 0;
  std::uint64_t last_id_ = 0;
  std::uint64_t chunks_ = 0;
  bool failed_ = false;
};

}  // namespace

msmi::Status create_evtx_writer(const std::string& path, const WriterOptions& options,
                                std::unique_ptr<LogWriter>* out) {
  if (path == "-") {
    return msmi::Status::InvalidArgument(".evtx cannot be written to standard output");
  }
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) {
    return msmi::Status::IoError(path + ": cannot create: " + std::strerror(errno));
  }
  *out = std::make_unique<EvtxWriter>(path, file, options);
  return msmi::Status::Ok();
}

}  // namespace msmilog
