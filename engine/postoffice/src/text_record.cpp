#include "msmi/text_record.h"

#include <array>
#include <charconv>
#include <cstring>

#include "msmi/crc32.h"

namespace msmi {
namespace {

constexpr std::string_view kVersionSuffix = " 1\n";

// Turns every line break in `text` into a blank. Most texts hold none: memchr finds that out
// faster than a loop over every byte.
void flatten_line_breaks(char* text, std::size_t size) {
  if (size == 0 ||
      (std::memchr(text, '\n', size) == nullptr && std::memchr(text, '\r', size) == nullptr)) {
    return;
  }
  for (std::size_t i = 0; i < size; ++i) {
    if (text[i] == '\n' || text[i] == '\r') text[i] = ' ';
  }
}

// data.rfind("#end "), by looking only where memrchr finds a '#': the trailer is a line away
// from the end of every record decoded.
std::size_t find_last_trailer(std::string_view data) {
  constexpr std::string_view kTrailer = "#end ";
  std::size_t end = data.size();
  while (end > 0) {
    const void* found = memrchr(data.data(), '#', end);
    if (found == nullptr) break;
    const auto at = static_cast<std::size_t>(static_cast<const char*>(found) - data.data());
    if (data.substr(at).starts_with(kTrailer)) return at;
    end = at;
  }
  return std::string_view::npos;
}

}  // namespace

bool parse_whole_number(std::string_view text, int base, std::uint64_t* out) {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out, base);
  return ec == std::errc() && end == text.data() + text.size();
}

bool parse_whole_number(std::string_view text, int base, std::uint32_t* out) {
  std::uint64_t wide = 0;
  if (!parse_whole_number(text, base, &wide) || wide > UINT32_MAX) return false;
  *out = static_cast<std::uint32_t>(wide);
  return true;
}

bool parse_whole_number(std::string_view text, int base, std::int64_t* out) {
  std::uint64_t wide = 0;
  if (!parse_whole_number(text, base, &wide) || wide > INT64_MAX) return false;
  *out = static_cast<std::int64_t>(wide);
  return true;
}

namespace {

// The value of each byte as a hex digit (either case); 0xFF for any other byte.
constexpr std::array<std::uint8_t, 256> kHexValues = [] {
  std::array<std::uint8_t, 256> values{};
  values.fill(0xFF);
  for (int c = '0'; c <= '9'; ++c) values[c] = static_cast<std::uint8_t>(c - '0');
  for (int c = 'A'; c <= 'F'; ++c) values[c] = static_cast<std::uint8_t>(c - 'A' + 10);
  for (int c = 'a'; c <= 'f'; ++c) values[c] = static_cast<std::uint8_t>(c - 'a' + 10);
  return values;
}();

}  // namespace

bool parse_hex8(std::string_view text, std::uint32_t* out) {
  if (text.size() != 8) return false;
  std::uint32_t value = 0;
  std::uint8_t seen = 0;  // every digit's value or'ed: 0xFF's high bit marks a bad byte
  for (const char c : text) {
    const std::uint8_t digit = kHexValues[static_cast<unsigned char>(c)];
    seen |= digit;
    value = (value << 4) | (digit & 0xFu);
  }
  if (seen & 0x80u) return false;
  *out = value;
  return true;
}

const std::string& TextRecord::get(std::string_view name) const {
  static const std::string kAbsent;
  for (const auto& [field, value] : fields) {
    if (field == name) return value;
  }
  return kAbsent;
}

std::vector<std::string> TextRecord::get_all(std::string_view name) const {
  std::vector<std::string> values;
  for (const auto& [field, value] : fields) {
    if (field == name) values.push_back(value);
  }
  return values;
}

std::string_view TextRecordView::get(std::string_view name) const {
  for (const auto& [field, value] : fields) {
    if (field == name) return value;
  }
  return {};
}

bool TextRecordView::has(std::string_view name) const {
  for (const auto& field : fields) {
    if (field.first == name) return true;
  }
  return false;
}

bool TextRecord::has(std::string_view name) const {
  for (const auto& field : fields) {
    if (field.first == name) return true;
  }
  return false;
}

TextRecordWriter::TextRecordWriter(std::string_view magic) {
  out_.reserve(256);  // most P1 and queue records fit
  out_.append(magic).append(kVersionSuffix);
}

void TextRecordWriter::add(std::string_view name, std::string_view value) {
  // "name: value\n" written into the buffer at once; the name and the value may not end the
  // line early (": " holds no line break), so both are flattened in one scan.
  const std::size_t at = out_.size();
  const std::size_t text_size = name.size() + 2 + value.size();
  out_.resize(at + text_size + 1);
  char* line = out_.data() + at;
  if (!name.empty()) std::memcpy(line, name.data(), name.size());
  line[name.size()] = ':';
  line[name.size() + 1] = ' ';
  if (!value.empty()) std::memcpy(line + name.size() + 2, value.data(), value.size());
  flatten_line_breaks(line, text_size);
  line[text_size] = '\n';
}

std::string TextRecordWriter::finish(std::string_view body) {
  out_.push_back('\n');
  out_.append(body);
  // "#end <length> <CRC as 8 upper-case hex digits>\n", without snprintf: every record written.
  const std::uint32_t crc = crc32(out_);
  char trailer[48] = "#end ";
  char* at = std::to_chars(trailer + 5, trailer + sizeof trailer, out_.size()).ptr;
  *at++ = ' ';
  for (int i = 7; i >= 0; --i) at[i] = "0123456789ABCDEF"[(crc >> (4 * (7 - i))) & 0xF];
  at += 8;
  *at++ = '\n';
  out_.append(trailer, static_cast<std::size_t>(at - trailer));
  return std::move(out_);
}

std::string encode_text_record(std::string_view magic, const TextRecord& record) {
  TextRecordWriter writer(magic);
  for (const auto& [name, value] : record.fields) writer.add(name, value);
  return writer.finish(record.body);
}

Status TextFieldReader::open(std::string_view magic, std::string_view data, std::string_view what) {
  // Decoding is on every queue scan: the error texts are built only when there is an error.
  what_ = what;
  stop_ = Stop::kReading;
  line_number_ = 1;
  const std::string_view where = what;
  if (!data.starts_with(magic) || !data.substr(magic.size()).starts_with(kVersionSuffix)) {
    if (data.empty()) return Status::Corruption(std::string(where) + ": file is empty");
    return Status::Corruption(std::string(where) + ": not a " + std::string(magic) +
                              " version 1 file");
  }
  const std::size_t end = find_last_trailer(data);
  if (end == std::string_view::npos) {
    return Status::Corruption(std::string(where) + ": no '#end' trailer (file truncated?)");
  }
  std::string_view trailer = data.substr(end + 5);
  if (!trailer.ends_with('\n'))
    return Status::Corruption(std::string(where) + ": trailer is cut short (file truncated?)");
  trailer.remove_suffix(1);
  const std::size_t space = trailer.find(' ');
  std::uint64_t length = 0;
  std::uint32_t crc = 0;
  if (space == std::string_view::npos ||
      !parse_whole_number(trailer.substr(0, space), 10, &length) ||
      !parse_hex8(trailer.substr(space + 1), &crc)) {
    return Status::Corruption(std::string(where) + ": malformed '#end' trailer");
  }
  if (length != end) {
    return Status::Corruption(std::string(where) + ": length is " + std::to_string(end) +
                              " bytes, trailer says " + std::to_string(length) +
                              " (truncated or extended)");
  }
  content_ = data.substr(0, end);
  if (crc32(content_) != crc)
    return Status::Corruption(std::string(where) + ": checksum mismatch (garbled)");
  pos_ = magic.size() + kVersionSuffix.size();
  return Status::Ok();
}

bool TextFieldReader::next(std::string_view* name, std::string_view* value) {
  if (stop_ != Stop::kReading) return false;
  ++line_number_;
  const char* const start = content_.data() + pos_;
  const auto* newline = static_cast<const char*>(std::memchr(start, '\n', content_.size() - pos_));
  if (newline == nullptr) {
    stop_ = Stop::kUnclosed;
    return false;
  }
  const std::string_view line(start, static_cast<std::size_t>(newline - start));
  pos_ += line.size() + 1;
  if (line.empty()) {
    stop_ = Stop::kEnd;
    body_ = content_.substr(pos_);
    return false;
  }
  const std::size_t colon = line.find(": ");
  if (colon == std::string_view::npos || colon == 0) {
    stop_ = Stop::kBadLine;
    return false;
  }
  *name = line.substr(0, colon);
  *value = line.substr(colon + 2);
  return true;
}

Status TextFieldReader::status() const {
  switch (stop_) {
    case Stop::kBadLine:
      return Status::Corruption(std::string(what_) + ": line " + std::to_string(line_number_) +
                                " is not 'name: value'");
    case Stop::kUnclosed:
      return Status::Corruption(std::string(what_) + ": header has no closing blank line");
    case Stop::kReading:
    case Stop::kEnd:
      break;
  }
  return Status::Ok();
}

Status decode_text_record(std::string_view magic, std::string_view data, std::string_view what,
                          TextRecordView* out) {
  TextFieldReader reader;
  Status s = reader.open(magic, data, what);
  if (!s.ok()) return s;
  out->fields.clear();
  out->fields.reserve(12);  // most records have a handful of fields
  std::string_view name;
  std::string_view value;
  while (reader.next(&name, &value)) out->fields.emplace_back(name, value);
  s = reader.status();
  if (!s.ok()) return s;
  out->body = reader.body();
  return Status::Ok();
}

Status decode_text_record(std::string_view magic, std::string_view data, std::string_view what,
                          TextRecord* out) {
  TextRecordView view;
  Status s = decode_text_record(magic, data, what, &view);
  if (!s.ok()) return s;
  TextRecord record;
  record.fields.reserve(view.fields.size());
  for (const auto& [name, value] : view.fields) record.add(std::string(name), std::string(value));
  record.body = std::string(view.body);
  *out = std::move(record);
  return Status::Ok();
}

}  // namespace msmi
