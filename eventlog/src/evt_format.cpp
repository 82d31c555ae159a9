// The .EVT codec: header, ELF_EOF_RECORD and EVENTLOGRECORD to and from bytes, with the UTF-16LE
// and SID conversions the records need. See the essay atop evt_writer.cpp for the layout.
#include "msmilog/evt_format.h"
#include "utf8_append.h"

#include <array>
#include <cctype>
#include <charconv>
#include <utility>

namespace msmilog::evt {
namespace {

constexpr std::uint32_t kSignatureValue = 0x654c664c;
constexpr std::array<std::uint32_t, 4> kEofMarkers = {0x11111111, 0x22222222, 0x33333333,
                                                      0x44444444};
// ReportEvent's limit for one insertion string, in UTF-16 units.
constexpr std::size_t kMaxStringUnits = 31839;
// Source and computer names: the registry's key length limit.
constexpr std::size_t kMaxNameUnits = 255;
constexpr std::int64_t kMaxTimeSeconds = 0xFFFFFFFFll;

std::string record_name(std::uint32_t record_number) {
  return "record " + std::to_string(record_number);
}

std::int64_t seconds_of(std::int64_t time_us) {
  // Floor, so that a time just before 1970 is refused rather than rounded to 0.
  return time_us >= 0 ? time_us / 1000000 : -((-time_us + 999999) / 1000000);
}

// The names text exports show for the well-known SIDs of NT 4.0 services.
bool well_known_sid(std::string_view user, std::string* text) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kNames = {{
      {"SYSTEM", "S-1-5-18"},
      {"NT AUTHORITY\\SYSTEM", "S-1-5-18"},
      {"Everyone", "S-1-1-0"},
      {"LOCAL SERVICE", "S-1-5-19"},
      {"NETWORK SERVICE", "S-1-5-20"},
      {"Administrators", "S-1-5-32-544"},
  }};
  for (const auto& [name, sid] : kNames) {
    if (user.size() == name.size() &&
        std::equal(user.begin(), user.end(), name.begin(), [](char a, char b) {
          return std::toupper(static_cast<unsigned char>(a)) ==
                 std::toupper(static_cast<unsigned char>(b));
        })) {
      *text = sid;
      return true;
    }
  }
  return false;
}

// UTF-16LE of `text` plus a NUL terminator appended to *out; InvalidArgument naming `what`.
msmi::Status append_utf16z(std::string_view text, std::size_t max_units, std::string_view what,
                           std::uint32_t record_number, std::string* out) {
  std::string utf16;
  if (!utf8_to_utf16le(text, &utf16)) {
    return msmi::Status::InvalidArgument(record_name(record_number) + ": " + std::string(what) +
                                         " is not valid UTF-8");
  }
  if (utf16.size() / 2 > max_units) {
    return msmi::Status::InvalidArgument(record_name(record_number) + ": " + std::string(what) +
                                         " has " + std::to_string(utf16.size() / 2) +
                                         " UTF-16 units, more than the " +
                                         std::to_string(max_units) + " an event log record holds");
  }
  out->append(utf16);
  out->append(2, '\0');
  return msmi::Status::Ok();
}

void pad_to_4(std::string* out) {
  while (out->size() % 4 != 0) out->push_back('\0');
}

// The NUL-terminated UTF-16LE string starting at `offset` of `bytes`, up to `end`. False when
// no terminator comes before `end`.
bool read_utf16z(std::string_view bytes, std::size_t offset, std::size_t end, std::string* out,
                 std::size_t* next) {
  for (std::size_t i = offset; i + 1 < end; i += 2) {
    if (bytes[i] == '\0' && bytes[i + 1] == '\0') {
      *out = utf16le_to_utf8(bytes.substr(offset, i - offset));
      *next = i + 2;
      return true;
    }
  }
  return false;
}

void append_u16(std::string* out, std::uint16_t value) {
  out->push_back(static_cast<char>(value & 0xFF));
  out->push_back(static_cast<char>(value >> 8));
}

}  // namespace

std::uint32_t load_u32(std::string_view bytes, std::size_t offset) {
  std::uint32_t value = 0;
  for (int i = 3; i >= 0; --i) {
    value = (value << 8) | static_cast<unsigned char>(bytes[offset + static_cast<std::size_t>(i)]);
  }
  return value;
}

std::uint16_t load_u16(std::string_view bytes, std::size_t offset) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(bytes[offset]) |
                                    (static_cast<unsigned char>(bytes[offset + 1]) << 8));
}

void store_u32(std::string* out, std::size_t offset, std::uint32_t value) {
  for (std::size_t i = 0; i < 4; ++i) (*out)[offset + i] = static_cast<char>(value >> (8 * i));
}

void append_u32(std::string* out, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>(value >> (8 * i)));
}

bool utf8_to_utf16le(std::string_view utf8, std::string* out) {
  out->clear();
  out->reserve(utf8.size() * 2);
  for (std::size_t i = 0; i < utf8.size();) {
    const auto lead = static_cast<unsigned char>(utf8[i]);
    char32_t c = 0;
    std::size_t extra = 0;
    if (lead < 0x80) {
      c = lead;
    } else if ((lead & 0xE0) == 0xC0) {
      c = lead & 0x1F;
      extra = 1;
    } else if ((lead & 0xF0) == 0xE0) {
      c = lead & 0x0F;
      extra = 2;
    } else if ((lead & 0xF8) == 0xF0) {
      c = lead & 0x07;
      extra = 3;
    } else {
      return false;
    }
    if (i + extra >= utf8.size() && extra > 0) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto next = static_cast<unsigned char>(utf8[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      c = (c << 6) | (next & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    static constexpr std::array<char32_t, 4> kMinimum = {0, 0x80, 0x800, 0x10000};
    if (c < kMinimum[extra] || (c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF) return false;
    if (c >= 0x10000) {
      const char32_t v = c - 0x10000;
      append_u16(out, static_cast<std::uint16_t>(0xD800 + (v >> 10)));
      append_u16(out, static_cast<std::uint16_t>(0xDC00 + (v & 0x3FF)));
    } else {
      append_u16(out, static_cast<std::uint16_t>(c));
    }
    i += extra + 1;
  }
  return true;
}

std::string utf16le_to_utf8(std::string_view utf16le) {
  std::string out;
  out.reserve(utf16le.size() / 2);
  const std::size_t units = utf16le.size() / 2;
  // ASCII, nearly all of an event log's text, is copied a unit at a time without the checks.
  std::size_t ascii = 0;
  while (ascii < units && utf16le[2 * ascii + 1] == '\0' &&
         static_cast<unsigned char>(utf16le[2 * ascii]) < 0x80) {
    ++ascii;
  }
  out.resize(ascii);
  for (std::size_t i = 0; i < ascii; ++i) out[i] = utf16le[2 * i];
  for (std::size_t i = ascii; i < units; ++i) {
    const std::uint16_t unit = load_u16(utf16le, 2 * i);
    if (unit >= 0xD800 && unit <= 0xDBFF && i + 1 < units) {
      const std::uint16_t low = load_u16(utf16le, 2 * (i + 1));
      if (low >= 0xDC00 && low <= 0xDFFF) {
        append_utf8(0x10000 + ((static_cast<char32_t>(unit) - 0xD800) << 10) + (low - 0xDC00),
                    &out);
        ++i;
        continue;
      }
    }
    append_utf8(unit >= 0xD800 && unit <= 0xDFFF ? 0xFFFD : unit, &out);
  }
  return out;
}

bool sid_from_text(std::string_view text, std::string* binary) {
  if (text.size() < 4 || (text[0] != 'S' && text[0] != 's') || text[1] != '-') return false;
  std::array<std::uint64_t, 17> parts{};
  std::size_t count = 0;
  std::size_t at = 2;
  while (at <= text.size()) {
    const std::size_t dash = std::min(text.find('-', at), text.size());
    if (dash == at || count == parts.size()) return false;
    const auto [end, error] = std::from_chars(text.data() + at, text.data() + dash, parts[count]);
    if (error != std::errc() || end != text.data() + dash) return false;
    ++count;
    at = dash + 1;
  }
  // Revision 1, an authority below 2^48, up to 15 sub-authorities of 32 bits.
  if (count < 2 || parts[0] != 1 || parts[1] >= (1ull << 48)) return false;
  binary->clear();
  binary->push_back(1);
  binary->push_back(static_cast<char>(count - 2));
  for (int shift = 40; shift >= 0; shift -= 8) {
    binary->push_back(static_cast<char>((parts[1] >> shift) & 0xFF));
  }
  for (std::size_t i = 2; i < count; ++i) {
    if (parts[i] > 0xFFFFFFFFull) return false;
    append_u32(binary, static_cast<std::uint32_t>(parts[i]));
  }
  return true;
}

bool user_sid(std::string_view user, std::string* binary) {
  std::string text;
  return sid_from_text(user, binary) ||
         (well_known_sid(user, &text) && sid_from_text(text, binary));
}

std::string sid_to_text(std::string_view binary) {
  if (binary.size() < 8 || binary[0] != 1) return {};
  const std::size_t count = static_cast<unsigned char>(binary[1]);
  if (count > 15 || binary.size() != 8 + 4 * count) return {};
  std::uint64_t authority = 0;
  for (std::size_t i = 2; i < 8; ++i) {
    authority = (authority << 8) | static_cast<unsigned char>(binary[i]);
  }
  std::string text = "S-1-" + std::to_string(authority);
  for (std::size_t i = 0; i < count; ++i) {
    text += "-" + std::to_string(load_u32(binary, 8 + 4 * i));
  }
  return text;
}

std::string encode_header(const Header& header) {
  std::string out;
  out.reserve(kHeaderSize);
  append_u32(&out, kHeaderSize);
  append_u32(&out, kSignatureValue);
  append_u32(&out, header.major_version);
  append_u32(&out, header.minor_version);
  append_u32(&out, header.start_offset);
  append_u32(&out, header.end_offset);
  append_u32(&out, header.current_record_number);
  append_u32(&out, header.oldest_record_number);
  append_u32(&out, header.max_size);
  append_u32(&out, header.flags);
  append_u32(&out, header.retention);
  append_u32(&out, kHeaderSize);
  return out;
}

bool decode_header(std::string_view bytes, Header* header, std::string* why) {
  if (bytes.size() < kHeaderSize) {
    *why = "the file is shorter than the 48-byte header";
    return false;
  }
  if (bytes.substr(4, 4) != kSignature) {
    *why = "no \"LfLe\" signature at offset 4";
    return false;
  }
  if (load_u32(bytes, 0) != kHeaderSize || load_u32(bytes, 44) != kHeaderSize) {
    *why = "header size fields are not 0x30";
    return false;
  }
  header->major_version = load_u32(bytes, 8);
  header->minor_version = load_u32(bytes, 12);
  header->start_offset = load_u32(bytes, 16);
  header->end_offset = load_u32(bytes, 20);
  header->current_record_number = load_u32(bytes, 24);
  header->oldest_record_number = load_u32(bytes, 28);
  header->max_size = load_u32(bytes, 32);
  header->flags = load_u32(bytes, 36);
  header->retention = load_u32(bytes, 40);
  return true;
}

std::string encode_eof_record(const Header& header) {
  std::string out;
  out.reserve(kEofRecordSize);
  append_u32(&out, kEofRecordSize);
  for (const std::uint32_t marker : kEofMarkers) append_u32(&out, marker);
  append_u32(&out, header.start_offset);
  append_u32(&out, header.end_offset);
  append_u32(&out, header.current_record_number);
  append_u32(&out, header.oldest_record_number);
  append_u32(&out, kEofRecordSize);
  return out;
}

bool decode_eof_record(std::string_view bytes, Header* header) {
  if (bytes.size() < kEofRecordSize || load_u32(bytes, 0) != kEofRecordSize ||
      load_u32(bytes, 36) != kEofRecordSize) {
    return false;
  }
  for (std::size_t i = 0; i < kEofMarkers.size(); ++i) {
    if (load_u32(bytes, 4 + 4 * i) != kEofMarkers[i]) return false;
  }
  header->start_offset = load_u32(bytes, 20);
  header->end_offset = load_u32(bytes, 24);
  header->current_record_number = load_u32(bytes, 28);
  header->oldest_record_number = load_u32(bytes, 32);
  return true;
}

msmi::Status encode_record(const LogRecord& record, std::uint32_t record_number, std::string* out) {
  const std::int64_t generated = seconds_of(record.created_us);
  const std::int64_t written = seconds_of(record.written_us);
  for (const auto& [value, what] :
       {std::pair{generated, "created time"}, std::pair{written, "written time"}}) {
    if (value < 0 || value > kMaxTimeSeconds) {
      return msmi::Status::InvalidArgument(
          record_name(record_number) + ": " + what +
          " lies outside 1970-01-01 … 2106-02-07, which a 32-bit EVT time cannot hold");
    }
  }
  if (record.strings.size() > 0xFFFF) {
    return msmi::Status::InvalidArgument(record_name(record_number) + ": " +
                                         std::to_string(record.strings.size()) +
                                         " insertion strings, more than 65535");
  }
  std::string sid;
  if (!record.user.empty()) {
    if (!user_sid(record.user, &sid)) {
      return msmi::Status::InvalidArgument(record_name(record_number) + ": user \"" + record.user +
                                           "\" is not a SID (S-1-…)");
    }
  }
  std::string body(kRecordFixedSize, '\0');
  msmi::Status s = append_utf16z(record.source, kMaxNameUnits, "source", record_number, &body);
  if (s.ok()) s = append_utf16z(record.computer, kMaxNameUnits, "computer", record_number, &body);
  if (!s.ok()) return s;
  pad_to_4(&body);  // the SID starts on a DWORD boundary
  const std::size_t sid_offset = body.size();
  body.append(sid);
  const std::size_t string_offset = body.size();
  for (std::size_t i = 0; i < record.strings.size(); ++i) {
    s = append_utf16z(record.strings[i], kMaxStringUnits,
                      "insertion string " + std::to_string(i + 1), record_number, &body);
    if (!s.ok()) return s;
  }
  const std::size_t data_offset = body.size();
  body.append(record.data);
  pad_to_4(&body);
  const std::size_t length = body.size() + 4;
  if (length > kMaxRecordSize) {
    return msmi::Status::InvalidArgument(record_name(record_number) + ": the record needs " +
                                         std::to_string(length) + " bytes, more than the " +
                                         std::to_string(kMaxRecordSize) + " allowed");
  }
  const auto length32 = static_cast<std::uint32_t>(length);
  store_u32(&body, 0, length32);
  store_u32(&body, 4, kSignatureValue);
  store_u32(&body, 8, record_number);
  store_u32(&body, 12, static_cast<std::uint32_t>(generated));
  store_u32(&body, 16, static_cast<std::uint32_t>(written));
  store_u32(&body, 20, record.event_identifier);
  const auto type = static_cast<std::uint16_t>(record.type);
  const auto strings = static_cast<std::uint16_t>(record.strings.size());
  store_u32(&body, 24,
            static_cast<std::uint32_t>(type) | (static_cast<std::uint32_t>(strings) << 16));
  store_u32(&body, 28, record.category);  // EventCategory, ReservedFlags 0
  store_u32(&body, 32, 0);                // ClosingRecordNumber
  store_u32(&body, 36, static_cast<std::uint32_t>(string_offset));
  store_u32(&body, 40, static_cast<std::uint32_t>(sid.size()));
  store_u32(&body, 44, static_cast<std::uint32_t>(sid_offset));
  store_u32(&body, 48, static_cast<std::uint32_t>(record.data.size()));
  store_u32(&body, 52, static_cast<std::uint32_t>(data_offset));
  append_u32(&body, length32);
  out->append(body);
  return msmi::Status::Ok();
}

bool decode_record(std::string_view bytes, LogRecord* out, std::string* why) {
  const std::size_t size = bytes.size();
  if (size < kMinRecordSize) {
    *why = "record shorter than the smallest EVENTLOGRECORD";
    return false;
  }
  if (bytes.substr(4, 4) != kSignature) {
    *why = "no \"LfLe\" signature";
    return false;
  }
  const std::uint32_t length = load_u32(bytes, 0);
  if (length != size || load_u32(bytes, size - 4) != length) {
    *why = "the Length " + std::to_string(length) + " and the trailing Length " +
           std::to_string(load_u32(bytes, size - 4)) + " disagree";
    return false;
  }
  const std::size_t body_end = size - 4;
  const std::uint32_t string_offset = load_u32(bytes, 36);
  const std::uint32_t sid_length = load_u32(bytes, 40);
  const std::uint32_t sid_offset = load_u32(bytes, 44);
  const std::uint32_t data_length = load_u32(bytes, 48);
  const std::uint32_t data_offset = load_u32(bytes, 52);
  const auto outside = [&](std::uint64_t offset, std::uint64_t length, const char* what) {
    if (offset < kRecordFixedSize || offset + length > body_end) {
      *why = std::string(what) + " (offset " + std::to_string(offset) + ", " +
             std::to_string(length) + " bytes) lies outside the " + std::to_string(size) +
             "-byte record";
      return true;
    }
    return false;
  };
  if (outside(string_offset, 0, "StringOffset") ||
      (sid_length != 0 && outside(sid_offset, sid_length, "UserSid")) ||
      (data_length != 0 && outside(data_offset, data_length, "Data"))) {
    return false;
  }
  LogRecord record;
  record.record_number = load_u32(bytes, 8);
  record.created_us = static_cast<std::int64_t>(load_u32(bytes, 12)) * 1000000;
  record.written_us = static_cast<std::int64_t>(load_u32(bytes, 16)) * 1000000;
  record.event_identifier = load_u32(bytes, 20);
  record.type = static_cast<NtEventType>(load_u16(bytes, 24));
  const std::uint16_t strings = load_u16(bytes, 26);
  record.category = load_u16(bytes, 28);
  std::size_t next = 0;
  if (!read_utf16z(bytes, kRecordFixedSize, body_end, &record.source, &next) ||
      !read_utf16z(bytes, next, body_end, &record.computer, &next)) {
    *why = "SourceName or Computername has no terminator";
    return false;
  }
  if (sid_length != 0) {
    record.user = sid_to_text(bytes.substr(sid_offset, sid_length));
    if (record.user.empty()) {
      *why = "UserSid is not a well-formed SID";
      return false;
    }
  }
  std::size_t at = string_offset;
  for (std::uint16_t i = 0; i < strings; ++i) {
    std::string text;
    if (!read_utf16z(bytes, at, body_end, &text, &at)) {
      *why = "insertion string " + std::to_string(i + 1) + " of " + std::to_string(strings) +
             " runs past the record";
      return false;
    }
    record.strings.push_back(std::move(text));
  }
  // An empty Data's offset is not checked above, and may point anywhere.
  if (data_length != 0) record.data = std::string(bytes.substr(data_offset, data_length));
  record.position = out->position;
  *out = std::move(record);
  return true;
}

}  // namespace msmilog::evt
