// The shadow postoffice's file formats: the framed text records (P1, MAI, NETWORK.GLB and the
// two mailbag payloads), the P1/MAI file names, CRC-32, and the KEY/MBG mailbag pair. Every
// format must give back what was written, and every kind of damage a disk, a crash or another
// program can do must come back as Corruption naming the file, never as half-read data.
//
// The mailbag runs over an in-memory FileSystem so that single bytes can be damaged precisely
// and "the files did not change" can be checked byte for byte.

#include <QtTest>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "msmi/crc32.h"
#include "msmi/file_system.h"
#include "msmi/mailbag.h"
#include "msmi/message_files.h"
#include "msmi/network_directory.h"
#include "msmi/queue_payloads.h"
#include "msmi/status.h"
#include "msmi/text_record.h"

using msmi::Mailbag;
using msmi::MailbagEntry;
using msmi::MailbagState;
using msmi::Status;

namespace {

// ---------------------------------------------------------------------------------------------
// An in-memory postoffice. Paths are relative and use '/'; a file can only be created in a
// folder that exists, as on disk; list_dir is sorted byte-wise because std::map is.
class MemoryFileSystem : public msmi::FileSystem {
 public:
  std::map<std::string, std::string> files;
  std::set<std::string> dirs;
  int writes = 0;  // write_file, append_file, remove_file and rename_file calls that succeeded

  Status read_file(const std::string& path, std::string* contents) override {
    const auto it = files.find(path);
    if (it == files.end()) return Status::NotFound(path + ": no such file");
    *contents = it->second;
    return Status::Ok();
  }
  Status write_file(const std::string& path, std::string_view contents) override {
    if (!has_dir(parent(path))) return Status::NotFound(path + ": no such folder");
    files[path] = std::string(contents);
    ++writes;
    return Status::Ok();
  }
  Status append_file(const std::string& path, std::string_view data) override {
    if (!has_dir(parent(path))) return Status::NotFound(path + ": no such folder");
    files[path].append(data);
    ++writes;
    return Status::Ok();
  }
  Status sync_file(const std::string& path) override {
    return files.count(path) != 0 ? Status::Ok() : Status::NotFound(path + ": no such file");
  }
  Status remove_file(const std::string& path) override {
    if (files.erase(path) == 0) return Status::NotFound(path + ": no such file");
    ++writes;
    return Status::Ok();
  }
  Status rename_file(const std::string& from, const std::string& to) override {
    const auto it = files.find(from);
    if (it == files.end()) return Status::NotFound(from + ": no such file");
    if (!has_dir(parent(to))) return Status::NotFound(to + ": no such folder");
    std::string contents = std::move(it->second);
    files.erase(it);
    files[to] = std::move(contents);
    ++writes;
    return Status::Ok();
  }
  Status list_dir(const std::string& dir, std::vector<std::string>* names) override {
    if (!has_dir(dir)) return Status::NotFound(dir + ": no such folder");
    names->clear();
    for (const auto& [path, unused] : files) {
      if (parent(path) == dir) names->push_back(path.substr(dir.empty() ? 0 : dir.size() + 1));
    }
    return Status::Ok();
  }
  Status make_dirs(const std::string& dir) override {
    for (std::size_t slash = dir.find('/'); slash != std::string::npos;
         slash = dir.find('/', slash + 1)) {
      dirs.insert(dir.substr(0, slash));
    }
    dirs.insert(dir);
    return Status::Ok();
  }
  bool exists(const std::string& path) override {
    return files.count(path) != 0 || dirs.count(path) != 0;
  }

 private:
  static std::string parent(const std::string& path) {
    const std::size_t slash = path.rfind('/');
    return slash == std::string::npos ? std::string() : path.substr(0, slash);
  }
  bool has_dir(const std::string& dir) const { return dir.empty() || dirs.count(dir) != 0; }
};

// Another process holds some files open: reading or writing them is Busy.
class LockingFileSystem : public msmi::FileSystemWrapper {
 public:
  using FileSystemWrapper::FileSystemWrapper;
  std::set<std::string> locked;

  Status read_file(const std::string& path, std::string* contents) override {
    if (locked.count(path) != 0) return Status::Busy(path + ": locked");
    return target().read_file(path, contents);
  }
  Status write_file(const std::string& path, std::string_view contents) override {
    if (locked.count(path) != 0) return Status::Busy(path + ": locked");
    return target().write_file(path, contents);
  }
};

// A postoffice with the KEY and MBG folders a mailbag lives in.
void make_mailbag_dirs(MemoryFileSystem& fs) {
  QVERIFY(fs.make_dirs("KEY").ok());
  QVERIFY(fs.make_dirs("MBG").ok());
}

QString q(std::string_view s) {
  return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}
std::string bytes_of(const QByteArray& b) {
  return std::string(b.constData(), static_cast<std::size_t>(b.size()));
}
QByteArray qbytes(std::string_view s) {
  return QByteArray(s.data(), static_cast<qsizetype>(s.size()));
}
std::vector<std::string> strings_of(const QStringList& list) {
  std::vector<std::string> out;
  for (const QString& s : list) out.push_back(s.toStdString());
  return out;
}

// The trailer exactly as the format essay in text_record.h describes it, computed here.
std::string frame(std::string content) {
  char trailer[48];
  std::snprintf(trailer, sizeof trailer, "#end %zu %08X\n", content.size(),
                static_cast<unsigned>(msmi::crc32(content)));
  return content + trailer;
}

std::uint32_t get_u32(const std::string& s, std::size_t at) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}
void put_u32_at(std::string& s, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) s[at + i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}
void garble(std::string& s, std::size_t at) {
  s[at] = static_cast<char>(s[at] ^ 0x01);
}

// Recomputes the KEY's CRC (bytes 0..19, then the entries) so that a deliberately inconsistent
// entry gets past the checksum and reaches the deeper checks.
void fix_key_crc(std::string& key) {
  const std::uint32_t crc = msmi::crc32(std::string_view(key).substr(24),
                                        msmi::crc32(std::string_view(key).substr(0, 20)));
  put_u32_at(key, 20, crc);
}

// ---------------------------------------------------------------------------------------------
// The five framed text formats, reached through one switch so that a matrix can cover all.
enum class Format { kP1, kMai, kGlb, kInqueue, kOutbound };

const char* magic_of(Format f) {
  switch (f) {
    case Format::kP1:
      return "MSMI-P1";
    case Format::kMai:
      return "MSMI-MAI";
    case Format::kGlb:
      return "MSMI-GLB";
    case Format::kInqueue:
      return "MSMI-INQ";
    case Format::kOutbound:
      return "MSMI-OUT";
  }
  return "";
}

// Where such a file lives; decoders must name it in every error.
const char* path_of(Format f) {
  switch (f) {
    case Format::kP1:
      return "P1/0000002A.P1";
    case Format::kMai:
      return "MAI/MAA/0000002A.MAI";
    case Format::kGlb:
      return "GLB/NETWORK.GLB";
    case Format::kInqueue:
      return "MBG/INQUEUE3.MBG";
    case Format::kOutbound:
      return "MBG/SALES.MBG";
  }
  return "";
}

msmi::P1Envelope sample_p1() {
  msmi::P1Envelope e;
  e.message_id = "MSNET/SALES/0000002A";
  e.number = 0x2A;
  e.sender = "MS:MSNET/SALES/ALICE";
  e.to = {"MS:EXNET/EXPO/BOB", "SMTP:dave@example.com"};
  e.cc = {"SMTP:carol@example.com", "X400:c=US;a= ;p=ORG;o=SITE;s=Smith;g=Jo;"};
  e.mai_path = msmi::mai_path(0x2A);
  e.submitted_us = 1500000;
  return e;
}

msmi::MaiContent sample_mai() {
  msmi::MaiContent m;
  m.message_id = "MSNET/SALES/0000002A";
  m.sender = "MS:MSNET/SALES/ALICE";
  m.subject = "Quarterly figures";
  m.body = "Hello Bob,\n\nThe figures are attached.\n-- Alice\n";
  return m;
}

std::string sample_of(Format f) {
  switch (f) {
    case Format::kP1:
      return msmi::encode_p1(sample_p1());
    case Format::kMai:
      return msmi::encode_mai(sample_mai());
    case Format::kGlb: {
      msmi::NetworkDirectory d;
      d.postoffices = {{"MSNET", "SALES"}, {"MSNET", "FINANCE"}, {"OTHERNET", "HQ"}};
      return msmi::encode_network_glb(d);
    }
    case Format::kInqueue:
      return msmi::encode_inqueue_record({"MSNET/SALES/0000002A", 0x2A});
    case Format::kOutbound: {
      msmi::OutboundRecord r;
      r.message_id = "EXNET/EXPO/00000007";
      r.sender = "MS:EXNET/EXPO/BOB";
      r.recipients = {"MS:MSNET/SALES/ALICE", "MS:MSNET/SALES/CAROL"};
      r.subject = "Re: Quarterly figures";
      return msmi::encode_outbound_record(r);
    }
  }
  return {};
}

constexpr std::string_view kSentinel = "untouched";
constexpr std::uint32_t kSentinelNumber = 0x5E5E5E5E;

// Decodes `data` as format `f` into an output pre-filled with sentinels; *untouched tells
// whether the output still holds them (a failed decode must not half-fill it).
Status decode_as(Format f, std::string_view data, std::string_view path, bool* untouched) {
  const std::string sentinel(kSentinel);
  switch (f) {
    case Format::kP1: {
      msmi::P1Envelope e;
      e.message_id = sentinel;
      e.number = kSentinelNumber;
      const Status s = msmi::decode_p1(data, path, &e);
      *untouched = e.message_id == sentinel && e.number == kSentinelNumber && e.to.empty() &&
                   e.sender.empty();
      return s;
    }
    case Format::kMai: {
      msmi::MaiContent m;
      m.message_id = sentinel;
      m.body = sentinel;
      const Status s = msmi::decode_mai(data, path, &m);
      *untouched = m.message_id == sentinel && m.body == sentinel && m.subject.empty();
      return s;
    }
    case Format::kGlb: {
      msmi::NetworkDirectory d;
      d.postoffices = {{sentinel, sentinel}};
      const Status s = msmi::decode_network_glb(data, path, &d);
      *untouched = d.postoffices.size() == 1 && d.postoffices[0].network == sentinel;
      return s;
    }
    case Format::kInqueue: {
      msmi::InqueueRecord r;
      r.message_id = sentinel;
      r.number = kSentinelNumber;
      const Status s = msmi::decode_inqueue_record(data, path, &r);
      *untouched = r.message_id == sentinel && r.number == kSentinelNumber;
      return s;
    }
    case Format::kOutbound: {
      msmi::OutboundRecord r;
      r.message_id = sentinel;
      r.kind = sentinel;
      const Status s = msmi::decode_outbound_record(data, path, &r);
      *untouched = r.message_id == sentinel && r.kind == sentinel && r.recipients.empty();
      return s;
    }
  }
  *untouched = true;
  return Status::InvalidArgument("unknown format");
}

// Damage done to a valid framed text file.
enum class TextDamage {
  kEmpty,
  kWrongMagic,
  kWrongVersion,
  kOtherFormatsFile,
  kTruncatedByOneByte,
  kTruncatedMidHeader,
  kTrailerCutOff,
  kGarbledHeaderByte,
  kGarbledLastContentByte,
  kTrailerLengthTooLarge,
  kTrailerLengthTooSmall,
  kTrailerCrcWrong,
  kTrailerCrcSevenDigits,
  kTrailingGarbageLine,
  kTrailingGarbageNoNewline,
  kTrailingBlankLine,
  kWrittenTwice,
  kHeaderLineNotNameValue,
  kHeaderNeverClosed,
};

std::string damaged(Format f, TextDamage damage) {
  std::string data = sample_of(f);
  const std::string header = std::string(magic_of(f)) + " 1\n";
  const std::size_t end = data.rfind("#end ");
  switch (damage) {
    case TextDamage::kEmpty:
      return {};
    case TextDamage::kWrongMagic:
      data[0] = 'X';
      return data;
    case TextDamage::kWrongVersion:
      data[header.size() - 2] = '2';
      return data;
    case TextDamage::kOtherFormatsFile:
      return sample_of(f == Format::kP1 ? Format::kMai : Format::kP1);
    case TextDamage::kTruncatedByOneByte:
      data.pop_back();
      return data;
    case TextDamage::kTruncatedMidHeader:
      return data.substr(0, header.size() + 5);
    case TextDamage::kTrailerCutOff:
      return data.substr(0, end);
    case TextDamage::kGarbledHeaderByte:
      garble(data, header.size() + 2);
      return data;
    case TextDamage::kGarbledLastContentByte:
      garble(data, end - 3);
      return data;
    case TextDamage::kTrailerLengthTooLarge:
    case TextDamage::kTrailerLengthTooSmall: {
      const std::size_t length = damage == TextDamage::kTrailerLengthTooLarge ? end + 1 : end - 1;
      const std::string crc = data.substr(data.size() - 9, 8);
      return data.substr(0, end) + "#end " + std::to_string(length) + " " + crc + "\n";
    }
    case TextDamage::kTrailerCrcWrong: {  // another valid hex digit
      char& digit = data[data.size() - 2];
      digit = digit == '0' ? '1' : '0';
      return data;
    }
    case TextDamage::kTrailerCrcSevenDigits:
      data.erase(data.size() - 2, 1);
      return data;
    case TextDamage::kTrailingGarbageLine:
      return data + "garbage\n";
    case TextDamage::kTrailingGarbageNoNewline:
      return data + "x";
    case TextDamage::kTrailingBlankLine:
      return data + "\n";
    case TextDamage::kWrittenTwice:
      return data + data;
    case TextDamage::kHeaderLineNotNameValue:
      return frame(header + "message-id: X\nthis line has no colon\n\n");
    case TextDamage::kHeaderNeverClosed:
      return frame(header + "message-id: X\nfrom: Y\n");
  }
  return data;
}

}  // namespace

Q_DECLARE_METATYPE(Format)
Q_DECLARE_METATYPE(TextDamage)
Q_DECLARE_METATYPE(msmi::MailbagState)

namespace {

// Damage done to a valid three-record mailbag.
enum class BagDamage {
  kKeyTruncatedByOneByte,
  kKeyShorterThanHeader,
  kKeyHeaderOnly,
  kKeyExtraBytes,
  kKeyBadMagic,
  kKeyUnknownVersion,
  kKeyEntryByteGarbled,
  kKeyHeaderByteGarbled,
  kKeyCrcGarbled,
  kKeyCountLargerThanSize,
  kKeyCountBeyondLimit,
  kKeyUnknownStateWithGoodCrc,
  kKeyOffsetPastEndWithGoodCrc,
  kKeyMbgSizeLargerWithGoodCrc,
  kMbgTruncatedByOneByte,
  kMbgEmpty,
  kMbgMissing,
  kMbgPayloadByteGarbled,
  kMbgRecordMagicDamaged,
  kMbgRecordLengthDamaged,
};

}  // namespace

Q_DECLARE_METATYPE(BagDamage)

class TstPostofficeFormats : public QObject {
  Q_OBJECT

 private slots:
  // CRC-32 and the framing every text format shares.
  void crc32_matches_reference_values_data();
  void crc32_matches_reference_values();
  void framing_matches_documented_layout_data();
  void framing_matches_documented_layout();
  void text_record_golden_bytes();

  // Round trips.
  void p1_round_trip_data();
  void p1_round_trip();
  void mai_round_trip_data();
  void mai_round_trip();
  void values_with_newlines_are_flattened_data();
  void values_with_newlines_are_flattened();
  void network_glb_round_trip_data();
  void network_glb_round_trip();
  void inqueue_record_round_trip_data();
  void inqueue_record_round_trip();
  void outbound_record_round_trip_data();
  void outbound_record_round_trip();
  void names_reply_to_and_class_round_trip_data();
  void names_reply_to_and_class_round_trip();

  // Damage to the framed text formats.
  void damaged_text_file_is_corruption_data();
  void damaged_text_file_is_corruption();
  void missing_or_bad_field_is_corruption_data();
  void missing_or_bad_field_is_corruption();
  void numeric_fields_must_be_numeric_throughout_data();
  void numeric_fields_must_be_numeric_throughout();
  void bad_optional_field_is_corruption_data();
  void bad_optional_field_is_corruption();

  // File names.
  void message_file_paths_data();
  void message_file_paths();
  void parse_p1_name_data();
  void parse_p1_name();
  void parse_hex8_data();
  void parse_hex8();
  void a_repeated_field_counts_once_data();
  void a_repeated_field_counts_once();

  // The mailbag.
  void mailbag_append_load_round_trip();
  void mailbag_update_changes_state_and_attempts();
  void mailbag_remove();
  void mailbag_take_oldest_data();
  void mailbag_take_oldest();
  void mailbag_seq_never_reused_after_remove();
  void mailbag_reclaims_dead_records_data();
  void mailbag_reclaims_dead_records();
  void mailbag_packs_records_a_key_shares_on_removal();
  void mailbag_finds_records_a_key_lists_out_of_order_data();
  void mailbag_finds_records_a_key_lists_out_of_order();
  void mailbag_missing_or_zero_key_is_empty_data();
  void mailbag_missing_or_zero_key_is_empty();
  void mailbag_reset_loses_every_record();
  void mailbag_holds_at_most_4096_records();
  void mailbag_damage_is_corruption_data();
  void mailbag_damage_is_corruption();
  void mailbag_locked_file_is_busy_data();
  void mailbag_locked_file_is_busy();
};

// ---------------------------------------------------------------------------------------------

void TstPostofficeFormats::crc32_matches_reference_values_data() {
  QTest::addColumn<QByteArray>("data");
  QTest::addColumn<uint>("expected");

  QTest::newRow("check value 123456789") << QByteArray("123456789") << 0xCBF43926U;
  QTest::newRow("empty") << QByteArray() << 0x00000000U;
  QTest::newRow("a") << QByteArray("a") << 0xE8B7BE43U;
  QTest::newRow("quick brown fox")
      << QByteArray("The quick brown fox jumps over the lazy dog") << 0x414FA339U;
  QTest::newRow("32 zero bytes") << QByteArray(32, '\0') << 0x190A55ADU;
  QTest::newRow("32 0xFF bytes") << QByteArray(32, '\xFF') << 0xFF6CAB0BU;
  // Long enough for the folded 16-byte blocks (64 bytes and more) plus a tail of single bytes.
  const auto pattern = [](int n) {
    QByteArray bytes(n, '\0');
    for (int i = 0; i < n; ++i) bytes[i] = static_cast<char>((i * 7 + 3) % 256);
    return bytes;
  };
  QTest::newRow("64 pattern bytes") << pattern(64) << 0xCBD9ECF0U;
  QTest::newRow("79 pattern bytes") << pattern(79) << 0xF8BDAEACU;
  QTest::newRow("80 pattern bytes") << pattern(80) << 0x3F42D103U;
  QTest::newRow("1000 pattern bytes") << pattern(1000) << 0x17BC2A46U;
  QTest::newRow("4099 pattern bytes") << pattern(4099) << 0x9CE410F9U;
}

void TstPostofficeFormats::crc32_matches_reference_values() {
  QFETCH(QByteArray, data);
  QFETCH(uint, expected);

  const std::string bytes = bytes_of(data);
  QCOMPARE(static_cast<uint>(msmi::crc32(bytes)), expected);
  // Chained over any split, as the KEY's CRC (header, then entries) is computed.
  for (std::size_t split = 0; split <= bytes.size(); ++split) {
    const std::string_view all(bytes);
    const std::uint32_t chained = msmi::crc32(all.substr(split), msmi::crc32(all.substr(0, split)));
    QCOMPARE(static_cast<uint>(chained), expected);
  }
}

void TstPostofficeFormats::framing_matches_documented_layout_data() {
  QTest::addColumn<Format>("format");
  QTest::newRow("P1") << Format::kP1;
  QTest::newRow("MAI") << Format::kMai;
  QTest::newRow("NETWORK.GLB") << Format::kGlb;
  QTest::newRow("INQUEUE3 record") << Format::kInqueue;
  QTest::newRow("outbound record") << Format::kOutbound;
}

void TstPostofficeFormats::framing_matches_documented_layout() {
  QFETCH(Format, format);

  const std::string data = sample_of(format);
  QVERIFY(data.starts_with(std::string(magic_of(format)) + " 1\n"));
  const std::size_t end = data.rfind("#end ");
  QVERIFY(end != std::string::npos);
  const std::string content = data.substr(0, end);
  QVERIFY2(content.ends_with("\n\n") || format == Format::kMai, "header ends in a blank line");
  // The trailer is computed independently here: a file written by an older build must still
  // be read, so the framing may not drift.
  QCOMPARE(q(data), q(frame(content)));
}

void TstPostofficeFormats::text_record_golden_bytes() {
  msmi::TextRecord record;
  record.add("message-id", "NET/PO/0000002A");
  record.add("to", "MS:NET/PO/BOB");
  record.add("to", "MS:NET/PO/CAROL");
  record.body = "Hi\n";
  const std::string content =
      "MSMI-P1 1\nmessage-id: NET/PO/0000002A\nto: MS:NET/PO/BOB\nto: MS:NET/PO/CAROL\n\nHi\n";
  const std::string encoded = msmi::encode_text_record("MSMI-P1", record);
  // Length and CRC-32 worked out independently (Python's zlib.crc32).
  QCOMPARE(q(encoded), q(content + "#end 80 C1C5EE28\n"));

  msmi::TextRecord decoded;
  QVERIFY(msmi::decode_text_record("MSMI-P1", encoded, "P1/0000002A.P1", &decoded).ok());
  QCOMPARE(decoded.fields, record.fields);
  QCOMPARE(q(decoded.body), q(record.body));
  QCOMPARE(q(decoded.get("to")), QString("MS:NET/PO/BOB"));
  QCOMPARE(decoded.get_all("to").size(), std::size_t{2});
  QVERIFY(decoded.has("message-id"));
  QVERIFY(!decoded.has("cc"));
  QCOMPARE(q(decoded.get("cc")), QString());
}

// ---------------------------------------------------------------------------------------------

void TstPostofficeFormats::p1_round_trip_data() {
  QTest::addColumn<QString>("message_id");
  QTest::addColumn<uint>("number");
  QTest::addColumn<QString>("sender");
  QTest::addColumn<QStringList>("to");
  QTest::addColumn<QStringList>("cc");
  QTest::addColumn<qlonglong>("submitted_us");

  QTest::newRow("one recipient") << "MSNET/SALES/00000001" << 1U << "MS:MSNET/SALES/ALICE"
                                 << QStringList{"MS:EXNET/EXPO/BOB"} << QStringList{} << 0LL;
  QTest::newRow("several to and cc")
      << "MSNET/SALES/0000002A" << 0x2AU << "MS:MSNET/SALES/ALICE"
      << QStringList{"MS:EXNET/EXPO/BOB", "SMTP:dave@example.com", "MS:EXNET/EXPO/EVE"}
      << QStringList{"SMTP:carol@example.com", "X400:c=US;a= ;p=ORG;o=SITE;s=Smith;g=Jo;"}
      << 1500000LL;
  QTest::newRow("cc only") << "MSNET/SALES/0000FFFF" << 0xFFFFU << "MS:MSNET/SALES/ALICE"
                           << QStringList{} << QStringList{"MS:EXNET/EXPO/BOB"} << 42LL;
  QTest::newRow("no recipients") << "MSNET/SALES/00000010" << 0x10U << "MS:MSNET/SALES/ALICE"
                                 << QStringList{} << QStringList{} << 7LL;
  QTest::newRow("largest number and time")
      << "MSNET/SALES/FFFFFFFF" << 0xFFFFFFFFU << "MS:MSNET/SALES/ALICE"
      << QStringList{"MS:EXNET/EXPO/BOB"} << QStringList{"MS:EXNET/EXPO/BOB"}
      << std::numeric_limits<qlonglong>::max();
  QTest::newRow("addresses kept as written, even invalid ones")
      << "msnet/sales/0000000b" << 0xBU << "ms:msnet/sales/alice"
      << QStringList{"FAX:+1 555 0100", "MS:NET/PO", "bob"} << QStringList{"X400:c=US;Smith"}
      << 1LL;
}

void TstPostofficeFormats::p1_round_trip() {
  QFETCH(QString, message_id);
  QFETCH(uint, number);
  QFETCH(QString, sender);
  QFETCH(QStringList, to);
  QFETCH(QStringList, cc);
  QFETCH(qlonglong, submitted_us);

  msmi::P1Envelope in;
  in.message_id = message_id.toStdString();
  in.number = number;
  in.sender = sender.toStdString();
  in.to = strings_of(to);
  in.cc = strings_of(cc);
  in.mai_path = msmi::mai_path(number);
  in.submitted_us = submitted_us;

  const std::string data = msmi::encode_p1(in);
  msmi::P1Envelope out;
  const Status s = msmi::decode_p1(data, msmi::p1_path(number), &out);
  QVERIFY2(s.ok(), qPrintable(q(s.to_string())));
  QCOMPARE(q(out.message_id), message_id);
  QCOMPARE(out.number, in.number);
  QCOMPARE(q(out.sender), sender);
  QCOMPARE(out.to, in.to);
  QCOMPARE(out.cc, in.cc);
  QCOMPARE(q(out.mai_path), q(in.mai_path));
  QCOMPARE(out.submitted_us, in.submitted_us);
  std::vector<std::string> all = in.to;
  all.insert(all.end(), in.cc.begin(), in.cc.end());
  QCOMPARE(out.recipients(), all);
}

void TstPostofficeFormats::mai_round_trip_data() {
  QTest::addColumn<QString>("subject");
  QTest::addColumn<QByteArray>("body");

  QTest::newRow("empty body") << "Empty" << QByteArray();
  QTest::newRow("body with newlines")
      << "Quarterly figures" << QByteArray("Hello Bob,\n\nThe figures.\n-- Alice\n");
  // "body bytes (MAI only, any text)": a body need not end in a newline.
  QTest::newRow("body without final newline") << "No newline" << QByteArray("one\ntwo");
  QTest::newRow("body starting with blank lines") << "Blank" << QByteArray("\n\nafter blanks\n");
  QTest::newRow("body holding a fake trailer")
      << "Trailer" << QByteArray("before\n#end 5 00000000\nafter\n");
  QTest::newRow("body ending in a fake trailer") << "Trailer" << QByteArray("x\n#end 1 00000000\n");
  QTest::newRow("body with header-like lines")
      << "Header" << QByteArray("message-id: fake\nfrom: MS:A/B/C\n\nreal text\n");
  QTest::newRow("body with CRLF") << "CRLF" << QByteArray("line one\r\nline two\r\n");
  QTest::newRow("body with NUL and high bytes") << "Binary" << QByteArray("a\0b\xFF\x80z\n", 7);
  QTest::newRow("subject with colon-space") << "Re: Q3: figures" << QByteArray("ok\n");
  QTest::newRow("empty subject") << "" << QByteArray("no subject\n");
  QTest::newRow("large body") << "Large" << QByteArray(200000, 'L').append('\n');
}

void TstPostofficeFormats::mai_round_trip() {
  QFETCH(QString, subject);
  QFETCH(QByteArray, body);

  msmi::MaiContent in;
  in.message_id = "MSNET/SALES/0000002A";
  in.sender = "MS:MSNET/SALES/ALICE";
  in.subject = subject.toStdString();
  in.body = bytes_of(body);

  const std::string data = msmi::encode_mai(in);
  msmi::MaiContent out;
  const Status s = msmi::decode_mai(data, msmi::mai_path(0x2A), &out);
  QVERIFY2(s.ok(), qPrintable(q(s.to_string())));
  QCOMPARE(q(out.message_id), q(in.message_id));
  QCOMPARE(q(out.sender), q(in.sender));
  QCOMPARE(q(out.subject), subject);
  QCOMPARE(qbytes(out.body), body);
}

void TstPostofficeFormats::values_with_newlines_are_flattened_data() {
  QTest::addColumn<QString>("subject");
  QTest::addColumn<QString>("expected");

  QTest::newRow("LF") << "two\nlines"
                      << "two lines";
  QTest::newRow("CRLF") << "two\r\nlines"
                        << "two  lines";
  QTest::newRow("trailing LF") << "subject\n"
                               << "subject ";
  QTest::newRow("line that looks like a field") << "x\nfrom: MS:EVIL/PO/MALLORY"
                                                << "x from: MS:EVIL/PO/MALLORY";
  // Values are scanned eight bytes at a time: breaks past the first block, in the last partial
  // one, and other control bytes (kept) in a block that holds no break.
  QTest::newRow("LF past the first eight bytes") << "Quarterly figures\nfor the region"
                                                 << "Quarterly figures for the region";
  QTest::newRow("CR in the last partial block") << "Quarterly figures, final\r"
                                                << "Quarterly figures, final ";
  QTest::newRow("tabs kept") << "Name\tTotal\tRegion\tYear"
                             << "Name\tTotal\tRegion\tYear";
  QTest::newRow("tab and LF in one block") << "Total:\t1997\nRegion"
                                           << "Total:\t1997 Region";
  QTest::newRow("extended characters") << QString::fromUtf8("Gr\u00FC\u00DFe aus K\u00F6ln\n!")
                                       << QString::fromUtf8("Gr\u00FC\u00DFe aus K\u00F6ln !");
}

void TstPostofficeFormats::values_with_newlines_are_flattened() {
  QFETCH(QString, subject);
  QFETCH(QString, expected);

  // A newline in a value may not end the line early and smuggle in a field of its own.
  msmi::MaiContent in;
  in.message_id = "MSNET/SALES/0000002A";
  in.sender = "MS:MSNET/SALES/ALICE";
  in.subject = subject.toStdString();
  in.body = "body\n";
  msmi::MaiContent out;
  QVERIFY(msmi::decode_mai(msmi::encode_mai(in), "MAI/MAA/0000002A.MAI", &out).ok());
  QCOMPARE(q(out.subject), expected);
  QCOMPARE(q(out.sender), q(in.sender));
  QCOMPARE(q(out.body), q(in.body));
}

void TstPostofficeFormats::network_glb_round_trip_data() {
  QTest::addColumn<QStringList>("written");   // NET/PO as put into the directory
  QTest::addColumn<QStringList>("expected");  // NET/PO as read back

  QTest::newRow("empty directory") << QStringList{} << QStringList{};
  QTest::newRow("one postoffice") << QStringList{"MSNET/SALES"} << QStringList{"MSNET/SALES"};
  QTest::newRow("several, order kept")
      << QStringList{"MSNET/SALES", "MSNET/FINANCE", "OTHERNET/HQ", "MSNET/ADMIN"}
      << QStringList{"MSNET/SALES", "MSNET/FINANCE", "OTHERNET/HQ", "MSNET/ADMIN"};
  QTest::newRow("names at 10 characters")
      << QStringList{"NETWORK_10/POSTOFFICE"} << QStringList{"NETWORK_10/POSTOFFICE"};
  QTest::newRow("lower case folded to upper")
      << QStringList{"msnet/sales", "MsNet/Hq"} << QStringList{"MSNET/SALES", "MSNET/HQ"};
}

void TstPostofficeFormats::network_glb_round_trip() {
  QFETCH(QStringList, written);
  QFETCH(QStringList, expected);

  msmi::NetworkDirectory in;
  for (const QString& entry : written) {
    const QStringList parts = entry.split('/');
    in.postoffices.push_back({parts[0].toStdString(), parts[1].toStdString()});
  }
  msmi::NetworkDirectory out;
  out.postoffices = {{"STALE", "ENTRY"}};
  const Status s =
      msmi::decode_network_glb(msmi::encode_network_glb(in), msmi::kNetworkGlbPath, &out);
  QVERIFY2(s.ok(), qPrintable(q(s.to_string())));
  QStringList got;
  for (const msmi::PostofficeName& po : out.postoffices) {
    got << q(po.network + "/" + po.postoffice);
    QVERIFY(out.knows(po.network, po.postoffice));
    QVERIFY(!out.knows(po.postoffice, po.network) || po.network == po.postoffice);
    QCOMPARE(q(msmi::NetworkDirectory::mailbag_name(po)), q(po.postoffice));
  }
  QCOMPARE(got, expected);
  QVERIFY(!out.knows("STALE", "ENTRY"));
  QVERIFY(!out.knows("NOSUCHNET", "NOSUCHPO"));
}

void TstPostofficeFormats::inqueue_record_round_trip_data() {
  QTest::addColumn<QString>("message_id");
  QTest::addColumn<uint>("number");
  QTest::newRow("zero") << "MSNET/SALES/00000000" << 0U;
  QTest::newRow("typical") << "MSNET/SALES/0000002A" << 0x2AU;
  QTest::newRow("largest") << "MSNET/SALES/FFFFFFFF" << 0xFFFFFFFFU;
  QTest::newRow("id with blanks and colons") << "odd: id with blanks" << 0xDEADBEEFU;
}

void TstPostofficeFormats::inqueue_record_round_trip() {
  QFETCH(QString, message_id);
  QFETCH(uint, number);

  const std::string data = msmi::encode_inqueue_record({message_id.toStdString(), number});
  msmi::InqueueRecord out;
  const Status s = msmi::decode_inqueue_record(data, "MBG/INQUEUE3.MBG", &out);
  QVERIFY2(s.ok(), qPrintable(q(s.to_string())));
  QCOMPARE(q(out.message_id), message_id);
  QCOMPARE(out.number, number);
}

void TstPostofficeFormats::outbound_record_round_trip_data() {
  QTest::addColumn<QString>("kind");
  QTest::addColumn<QStringList>("recipients");
  QTest::addColumn<QString>("subject");
  QTest::addColumn<QString>("reason");

  QTest::newRow("message, one recipient")
      << "message" << QStringList{"MS:MSNET/SALES/ALICE"} << "Hello"
      << "";
  QTest::newRow("message, several recipients")
      << "message"
      << QStringList{"MS:MSNET/SALES/ALICE", "MS:MSNET/SALES/CAROL", "MS:MSNET/SALES/DAVE"}
      << "Re: Quarterly figures"
      << "";
  QTest::newRow("ndr with reason")
      << "ndr" << QStringList{"MS:MSNET/SALES/ALICE"} << "Undeliverable: Hello"
      << "[002] Unknown address";
  QTest::newRow("no recipients, empty subject") << "message" << QStringList{} << ""
                                                << "";
}

void TstPostofficeFormats::outbound_record_round_trip() {
  QFETCH(QString, kind);
  QFETCH(QStringList, recipients);
  QFETCH(QString, subject);
  QFETCH(QString, reason);

  msmi::OutboundRecord in;
  in.kind = kind.toStdString();
  in.message_id = "EXNET/EXPO/00000007";
  in.sender = "MS:EXNET/EXPO/BOB";
  in.recipients = strings_of(recipients);
  in.subject = subject.toStdString();
  in.reason = reason.toStdString();

  const std::string data = msmi::encode_outbound_record(in);
  msmi::OutboundRecord out;
  const Status s = msmi::decode_outbound_record(data, "MBG/SALES.MBG", &out);
  QVERIFY2(s.ok(), qPrintable(q(s.to_string())));
  QCOMPARE(q(out.kind), kind);
  QCOMPARE(q(out.message_id), q(in.message_id));
  QCOMPARE(q(out.sender), q(in.sender));
  QCOMPARE(out.recipients, in.recipients);
  QCOMPARE(q(out.subject), subject);
  QCOMPARE(q(out.reason), reason);
}

namespace {

int lines_starting(const std::string& data, const std::string& prefix) {
  int n = 0;
  for (std::size_t at = 0; at < data.size();) {
    if (data.compare(at, prefix.size(), prefix) == 0) ++n;
    const std::size_t newline = data.find('\n', at);
    if (newline == std::string::npos) break;
    at = newline + 1;
  }
  return n;
}

}  // namespace

// Display names, reply-to and the dir-sync class are optional lines: a message without them is
// encoded exactly as before they existed, and one with them gives them back, each name still
// beside its own address.
void TstPostofficeFormats::names_reply_to_and_class_round_trip_data() {
  QTest::addColumn<QString>("sender_name");
  QTest::addColumn<QStringList>("to");
  QTest::addColumn<QStringList>("to_names");  // as given: may be shorter than `to`
  QTest::addColumn<QStringList>("cc");
  QTest::addColumn<QStringList>("cc_names");
  QTest::addColumn<QString>("reply_to");
  QTest::addColumn<bool>("dirsync");
  QTest::addColumn<QStringList>("to_names_read");  // one per address, or none at all
  QTest::addColumn<QStringList>("cc_names_read");

  const QStringList two = {"MS:EXNET/EXPO/BOB", "SMTP:dave@example.com"};
  const QStringList one = {"SMTP:carol@example.com"};
  QTest::newRow("none: no optional line") << "" << two << QStringList{} << one << QStringList{}
                                          << "" << false << QStringList{} << QStringList{};
  QTest::newRow("sender name only") << "Jane Doe" << two << QStringList{} << one << QStringList{}
                                    << "" << false << QStringList{} << QStringList{};
  QTest::newRow("every recipient named")
      << "" << two << QStringList{"Bob Baker", "Dave Dane"} << one << QStringList{"Carol Cole"}
      << "" << false << QStringList{"Bob Baker", "Dave Dane"} << QStringList{"Carol Cole"};
  QTest::newRow("the second recipient named")
      << "" << two << QStringList{"", "Dave Dane"} << one << QStringList{} << "" << false
      << QStringList{"", "Dave Dane"} << QStringList{};
  QTest::newRow("fewer names than addresses")
      << "" << two << QStringList{"Bob Baker"} << one << QStringList{} << "" << false
      << QStringList{"Bob Baker", ""} << QStringList{};
  QTest::newRow("a cc named, no to")
      << "" << QStringList{} << QStringList{} << one << QStringList{"Carol Cole"} << "" << false
      << QStringList{} << QStringList{"Carol Cole"};
  QTest::newRow("names with commas, colons and brackets")
      << "Doe, Jane: Sales <HQ>" << two << QStringList{"Baker, Bob", "x: y"} << one << QStringList{}
      << "" << false << QStringList{"Baker, Bob", "x: y"} << QStringList{};
  QTest::newRow("reply-to") << "" << two << QStringList{} << one << QStringList{}
                            << "MS:MSNET/SALES/DESK" << false << QStringList{} << QStringList{};
  QTest::newRow("dir-sync") << "" << two << QStringList{} << one << QStringList{} << "" << true
                            << QStringList{} << QStringList{};
  QTest::newRow("everything") << "Jane Doe" << two << QStringList{"Bob Baker", ""} << one
                              << QStringList{"Carol Cole"} << "SMTP:desk@example.com" << true
                              << QStringList{"Bob Baker", ""} << QStringList{"Carol Cole"};
}

void TstPostofficeFormats::names_reply_to_and_class_round_trip() {
  QFETCH(QString, sender_name);
  QFETCH(QStringList, to);
  QFETCH(QStringList, to_names);
  QFETCH(QStringList, cc);
  QFETCH(QStringList, cc_names);
  QFETCH(QString, reply_to);
  QFETCH(bool, dirsync);
  QFETCH(QStringList, to_names_read);
  QFETCH(QStringList, cc_names_read);
  const int named = static_cast<int>(to_names.size() + cc_names.size() - to_names.count(QString()) -
                                     cc_names.count(QString()));

  // P1: the names and the class.
  msmi::P1Envelope p1 = sample_p1();
  p1.sender_name = sender_name.toStdString();
  p1.to = strings_of(to);
  p1.to_names = strings_of(to_names);
  p1.cc = strings_of(cc);
  p1.cc_names = strings_of(cc_names);
  p1.dirsync = dirsync;
  const std::string p1_data = msmi::encode_p1(p1);
  QCOMPARE(lines_starting(p1_data, "from-name: "), sender_name.isEmpty() ? 0 : 1);
  QCOMPARE(lines_starting(p1_data, "to-name: ") + lines_starting(p1_data, "cc-name: "), named);
  QCOMPARE(lines_starting(p1_data, "class: dirsync\n"), dirsync ? 1 : 0);
  msmi::P1Envelope p1_out;
  Status s = msmi::decode_p1(p1_data, path_of(Format::kP1), &p1_out);
  QVERIFY2(s.ok(), qPrintable(q(s.to_string())));
  QCOMPARE(q(p1_out.sender_name), sender_name);
  QCOMPARE(p1_out.to, p1.to);
  QCOMPARE(p1_out.cc, p1.cc);
  QCOMPARE(p1_out.to_names, strings_of(to_names_read));
  QCOMPARE(p1_out.cc_names, strings_of(cc_names_read));
  QCOMPARE(p1_out.dirsync, dirsync);
  QCOMPARE(p1_out.recipient_names().size(), p1_out.recipients().size());
  // The accessors the Mailer and the inbound threads read them by, without copies.
  QCOMPARE(p1_out.recipient_count(), p1_out.recipients().size());
  for (std::size_t i = 0; i < p1_out.recipient_count(); ++i) {
    QCOMPARE(p1_out.recipient(i), p1_out.recipients()[i]);
    QCOMPARE(p1_out.recipient_name(i), p1_out.recipient_names()[i]);
  }

  // MAI: the reply-to, beside the subject.
  msmi::MaiContent mai = sample_mai();
  mai.reply_to = reply_to.toStdString();
  const std::string mai_data = msmi::encode_mai(mai);
  QCOMPARE(lines_starting(mai_data, "reply-to: "), reply_to.isEmpty() ? 0 : 1);
  if (reply_to.isEmpty()) QCOMPARE(mai_data, msmi::encode_mai(sample_mai()));
  msmi::MaiContent mai_out;
  s = msmi::decode_mai(mai_data, path_of(Format::kMai), &mai_out);
  QVERIFY2(s.ok(), qPrintable(q(s.to_string())));
  QCOMPARE(q(mai_out.reply_to), reply_to);
  QCOMPARE(qbytes(mai_out.body), qbytes(mai.body));

  // A destination postoffice's mailbag record: all of them.
  msmi::OutboundRecord record;
  record.message_id = "EXNET/EXPO/00000007";
  record.sender = "MS:EXNET/EXPO/BOB";
  record.sender_name = sender_name.toStdString();
  record.recipients = strings_of(to);
  record.recipient_names = strings_of(to_names);
  record.subject = "Hello";
  record.reply_to = reply_to.toStdString();
  record.dirsync = dirsync;
  msmi::OutboundRecord record_out;
  s = msmi::decode_outbound_record(msmi::encode_outbound_record(record), "MBG/SALES.MBG",
                                   &record_out);
  QVERIFY2(s.ok(), qPrintable(q(s.to_string())));
  QCOMPARE(q(record_out.kind), QString("message"));
  QCOMPARE(q(record_out.sender_name), sender_name);
  QCOMPARE(record_out.recipients, record.recipients);
  QCOMPARE(record_out.recipient_names, strings_of(to_names_read));
  QCOMPARE(q(record_out.reply_to), reply_to);
  QCOMPARE(record_out.dirsync, dirsync);
}

// ---------------------------------------------------------------------------------------------

void TstPostofficeFormats::damaged_text_file_is_corruption_data() {
  QTest::addColumn<Format>("format");
  QTest::addColumn<TextDamage>("damage");
  QTest::addColumn<QString>("reason");

  const std::vector<std::pair<Format, const char*>> formats = {
      {Format::kP1, "P1"},
      {Format::kMai, "MAI"},
      {Format::kGlb, "GLB"},
      {Format::kInqueue, "INQUEUE3"},
      {Format::kOutbound, "outbound"},
  };
  const std::vector<std::tuple<TextDamage, const char*, const char*>> damages = {
      {TextDamage::kEmpty, "empty", "file is empty"},
      {TextDamage::kWrongMagic, "wrong magic", "version 1 file"},
      {TextDamage::kWrongVersion, "version 2", "version 1 file"},
      {TextDamage::kOtherFormatsFile, "another format's file", "version 1 file"},
      {TextDamage::kTruncatedByOneByte, "truncated by 1 byte", "cut short"},
      {TextDamage::kTruncatedMidHeader, "truncated mid-header", "no '#end' trailer"},
      {TextDamage::kTrailerCutOff, "trailer cut off", "no '#end' trailer"},
      {TextDamage::kGarbledHeaderByte, "header byte garbled", "checksum mismatch"},
      {TextDamage::kGarbledLastContentByte, "last value or body byte garbled", "checksum mismatch"},
      {TextDamage::kTrailerLengthTooLarge, "trailer length too large", "trailer says"},
      {TextDamage::kTrailerLengthTooSmall, "trailer length too small", "trailer says"},
      {TextDamage::kTrailerCrcWrong, "trailer CRC wrong", "checksum mismatch"},
      {TextDamage::kTrailerCrcSevenDigits, "trailer CRC 7 digits", "malformed '#end' trailer"},
      {TextDamage::kTrailingGarbageLine, "garbage line after trailer", "malformed '#end' trailer"},
      {TextDamage::kTrailingGarbageNoNewline, "garbage byte after trailer", "cut short"},
      {TextDamage::kTrailingBlankLine, "blank line after trailer", "malformed '#end' trailer"},
      {TextDamage::kWrittenTwice, "file written twice", "trailer says"},
      {TextDamage::kHeaderLineNotNameValue, "header line not name: value",
       "line 3 is not 'name: value'"},
      {TextDamage::kHeaderNeverClosed, "header never closed", "header has no closing blank line"},
  };
  for (const auto& [format, format_name] : formats) {
    for (const auto& [damage, damage_name, reason] : damages) {
      QTest::addRow("%s: %s", format_name, damage_name) << format << damage << QString(reason);
    }
  }
}

void TstPostofficeFormats::damaged_text_file_is_corruption() {
  QFETCH(Format, format);
  QFETCH(TextDamage, damage);
  QFETCH(QString, reason);

  const std::string data = damaged(format, damage);
  QVERIFY(data != sample_of(format));
  bool untouched = false;
  const Status s = decode_as(format, data, path_of(format), &untouched);
  QVERIFY2(s.is_corruption(), qPrintable("decoded as: " + q(s.to_string())));
  QVERIFY2(q(s.message()).startsWith(QString(path_of(format)) + ": "),
           qPrintable(q(s.message()) + " does not name " + path_of(format)));
  QVERIFY2(q(s.message()).contains(reason),
           qPrintable(q(s.message()) + " does not say '" + reason + "'"));
  QVERIFY2(untouched, "a damaged file was half-read into the output");
}

void TstPostofficeFormats::missing_or_bad_field_is_corruption_data() {
  QTest::addColumn<Format>("format");
  QTest::addColumn<QString>("field");
  QTest::addColumn<QString>("value");  // null: the field is left out
  QTest::addColumn<QString>("reason");

  for (const char* field : {"message-id", "number", "from", "mai", "submitted-us"}) {
    QTest::addRow("P1 without %s", field)
        << Format::kP1 << QString(field) << QString()
        << QStringLiteral("required field '%1' is missing").arg(field);
  }
  QTest::newRow("MAI without message-id")
      << Format::kMai << "message-id" << QString() << "required field 'message-id' is missing";
  QTest::newRow("INQUEUE3 without number")
      << Format::kInqueue << "number" << QString() << "field 'number' is not 8 hex digits";

  QTest::newRow("P1 number not hex") << Format::kP1 << "number"
                                     << "XYZ"
                                     << "field 'number' is not hexadecimal";
  QTest::newRow("P1 number empty") << Format::kP1 << "number"
                                   << ""
                                   << "field 'number' is not hexadecimal";
  QTest::newRow("P1 number beyond 32 bits") << Format::kP1 << "number"
                                            << "1000000002A"
                                            << "field 'number' is not hexadecimal";
  QTest::newRow("P1 submitted-us not a number") << Format::kP1 << "submitted-us"
                                                << "soon"
                                                << "field 'submitted-us' is not a number";
  QTest::newRow("INQUEUE3 number too short") << Format::kInqueue << "number"
                                             << "2A"
                                             << "field 'number' is not 8 hex digits";
  QTest::newRow("INQUEUE3 number too long") << Format::kInqueue << "number"
                                            << "000000002A"
                                            << "field 'number' is not 8 hex digits";
  QTest::newRow("INQUEUE3 number not hex") << Format::kInqueue << "number"
                                           << "GGGGGGGG"
                                           << "field 'number' is not 8 hex digits";
  QTest::newRow("GLB postoffice without network") << Format::kGlb << "postoffice"
                                                  << "SALES"
                                                  << "postoffice 'SALES': MS:";
  QTest::newRow("GLB postoffice with three parts") << Format::kGlb << "postoffice"
                                                   << "MSNET/SALES/EXTRA"
                                                   << "more than three parts";
  QTest::newRow("GLB postoffice of 11 characters") << Format::kGlb << "postoffice"
                                                   << "MSNET/POSTOFFICE1"
                                                   << "at most 10";
  QTest::newRow("GLB postoffice with a blank") << Format::kGlb << "postoffice"
                                               << "MSNET/SAL ES"
                                               << "contains a character";
  QTest::newRow("GLB empty network") << Format::kGlb << "postoffice"
                                     << "/SALES"
                                     << "network is empty";
}

namespace {

// Re-encodes `format`'s sample with `field` left out (value null) or its first value replaced.
std::string with_field(Format format, const QString& field, const QString& value) {
  msmi::TextRecord record;
  const Status s = msmi::decode_text_record(magic_of(format), sample_of(format), "sample", &record);
  if (!s.ok()) return {};
  const std::string name = field.toStdString();
  std::vector<std::pair<std::string, std::string>> fields;
  bool replaced = false;
  for (auto& [n, v] : record.fields) {
    if (n != name) {
      fields.emplace_back(n, v);
    } else if (!value.isNull() && !replaced) {
      fields.emplace_back(n, value.toStdString());
      replaced = true;
    }
  }
  record.fields = std::move(fields);
  return msmi::encode_text_record(magic_of(format), record);
}

}  // namespace

void TstPostofficeFormats::missing_or_bad_field_is_corruption() {
  QFETCH(Format, format);
  QFETCH(QString, field);
  QFETCH(QString, value);
  QFETCH(QString, reason);

  const std::string data = with_field(format, field, value);
  QVERIFY(!data.empty());
  QVERIFY(data != sample_of(format));
  bool untouched = false;
  const Status s = decode_as(format, data, path_of(format), &untouched);
  QVERIFY2(s.is_corruption(), qPrintable("decoded as: " + q(s.to_string())));
  QVERIFY2(q(s.message()).startsWith(QString(path_of(format)) + ": "),
           qPrintable(q(s.message()) + " does not name " + path_of(format)));
  QVERIFY2(q(s.message()).contains(reason),
           qPrintable(q(s.message()) + " does not say '" + reason + "'"));
  QVERIFY2(untouched, "a file with a bad field was half-read into the output");
}

void TstPostofficeFormats::numeric_fields_must_be_numeric_throughout_data() {
  QTest::addColumn<Format>("format");
  QTest::addColumn<QString>("field");
  QTest::addColumn<QString>("value");
  QTest::addColumn<QString>("reason");

  // A number with a non-digit tail is not a number: reading only its leading digits would send
  // the message under another number (another P1 file) or another submission time.
  QTest::newRow("P1 number with a non-hex digit") << Format::kP1 << "number"
                                                  << "0000002G"
                                                  << "field 'number' is not hexadecimal";
  QTest::newRow("P1 number with a blank tail") << Format::kP1 << "number"
                                               << "2A junk"
                                               << "field 'number' is not hexadecimal";
  QTest::newRow("P1 submitted-us with a unit") << Format::kP1 << "submitted-us"
                                               << "1500000us"
                                               << "field 'submitted-us' is not a number";
  QTest::newRow("INQUEUE3 number with a non-hex digit") << Format::kInqueue << "number"
                                                        << "0000002G"
                                                        << "field 'number' is not 8 hex digits";
}

void TstPostofficeFormats::numeric_fields_must_be_numeric_throughout() {
  QFETCH(Format, format);
  QFETCH(QString, field);
  QFETCH(QString, value);
  QFETCH(QString, reason);

  bool untouched = false;
  const Status s = decode_as(format, with_field(format, field, value), path_of(format), &untouched);
  QVERIFY2(s.is_corruption(), qPrintable("'" + value + "' accepted: " + q(s.to_string())));
  QVERIFY2(q(s.message()).contains(reason), qPrintable(q(s.message())));
  QVERIFY(untouched);
}

// ---------------------------------------------------------------------------------------------

void TstPostofficeFormats::bad_optional_field_is_corruption_data() {
  QTest::addColumn<Format>("format");
  QTest::addColumn<QString>("after");  // the field the new line goes after; "" at the end
  QTest::addColumn<QString>("line");   // "name: value"
  QTest::addColumn<QString>("reason");

  QTest::newRow("P1 class of an unknown kind")
      << Format::kP1 << ""
      << "class: ndr"
      << "field 'class' is 'ndr', neither 'ipm' nor 'dirsync'";
  QTest::newRow("P1 to-name after the sender") << Format::kP1 << "from"
                                               << "to-name: Bob"
                                               << "field 'to-name' does not follow a 'to' field";
  QTest::newRow("P1 cc-name after another field") << Format::kP1 << "mai"
                                                  << "cc-name: Carol"
                                                  << "field 'cc-name' does not follow a 'cc' field";
  QTest::newRow("P1 two names for one to") << Format::kP1 << "to-name"
                                           << "to-name: Bob again"
                                           << "field 'to-name' does not follow a 'to' field";
  QTest::newRow("mailbag record class of an unknown kind")
      << Format::kOutbound << ""
      << "class: IPM.Note"
      << "field 'class' is 'IPM.Note', neither 'ipm' nor 'dirsync'";
  QTest::newRow("mailbag record to-name first") << Format::kOutbound << "from"
                                                << "to-name: Alice"
                                                << "field 'to-name' does not follow a 'to' field";
}

void TstPostofficeFormats::bad_optional_field_is_corruption() {
  QFETCH(Format, format);
  QFETCH(QString, after);
  QFETCH(QString, line);
  QFETCH(QString, reason);

  msmi::TextRecord record;
  std::string sample = sample_of(format);
  if (format == Format::kP1) {
    msmi::P1Envelope e = sample_p1();
    e.to_names = {"Bob Baker"};
    sample = msmi::encode_p1(e);
  }
  QVERIFY(msmi::decode_text_record(magic_of(format), sample, "sample", &record).ok());
  const std::string text = line.toStdString();
  const std::size_t colon = text.find(": ");
  const std::pair<std::string, std::string> field{text.substr(0, colon), text.substr(colon + 2)};
  auto at = record.fields.end();
  if (!after.isEmpty()) {
    at = std::find_if(record.fields.begin(), record.fields.end(),
                      [&](const auto& f) { return f.first == after.toStdString(); });
    QVERIFY(at != record.fields.end());
    ++at;
  }
  record.fields.insert(at, field);
  bool untouched = false;
  const Status s = decode_as(format, msmi::encode_text_record(magic_of(format), record),
                             path_of(format), &untouched);
  QVERIFY2(s.is_corruption(), qPrintable("decoded as: " + q(s.to_string())));
  QVERIFY2(q(s.message()).startsWith(QString(path_of(format)) + ": "), qPrintable(q(s.message())));
  QVERIFY2(q(s.message()).contains(reason), qPrintable(q(s.message())));
  QVERIFY2(untouched, "a file with a bad field was half-read into the output");
}

void TstPostofficeFormats::message_file_paths_data() {
  QTest::addColumn<uint>("number");
  QTest::addColumn<QString>("hex");
  QTest::addColumn<QString>("p1");
  QTest::addColumn<QString>("mai");

  QTest::newRow("0") << 0U << "00000000"
                     << "P1/00000000.P1"
                     << "MAI/MA0/00000000.MAI";
  QTest::newRow("0x2A") << 0x2AU << "0000002A"
                        << "P1/0000002A.P1"
                        << "MAI/MAA/0000002A.MAI";
  QTest::newRow("0xF") << 0xFU << "0000000F"
                       << "P1/0000000F.P1"
                       << "MAI/MAF/0000000F.MAI";
  QTest::newRow("0x10") << 0x10U << "00000010"
                        << "P1/00000010.P1"
                        << "MAI/MA0/00000010.MAI";
  QTest::newRow("0x12345679") << 0x12345679U << "12345679"
                              << "P1/12345679.P1"
                              << "MAI/MA9/12345679.MAI";
  QTest::newRow("0xDEADBEEC") << 0xDEADBEECU << "DEADBEEC"
                              << "P1/DEADBEEC.P1"
                              << "MAI/MAC/DEADBEEC.MAI";
  QTest::newRow("0xFFFFFFFF") << 0xFFFFFFFFU << "FFFFFFFF"
                              << "P1/FFFFFFFF.P1"
                              << "MAI/MAF/FFFFFFFF.MAI";
}

void TstPostofficeFormats::message_file_paths() {
  QFETCH(uint, number);
  QFETCH(QString, hex);
  QFETCH(QString, p1);
  QFETCH(QString, mai);

  QCOMPARE(q(msmi::hex8(number)), hex);
  QCOMPARE(q(msmi::p1_path(number)), p1);
  QCOMPARE(q(msmi::mai_path(number)), mai);
  // The file name parses back to the number.
  std::uint32_t parsed = ~number;
  QVERIFY(msmi::parse_p1_name(msmi::p1_path(number).substr(3), &parsed));
  QCOMPARE(parsed, number);
}

void TstPostofficeFormats::parse_p1_name_data() {
  QTest::addColumn<QString>("name");
  QTest::addColumn<bool>("accepted");
  QTest::addColumn<uint>("number");

  QTest::newRow("typical") << "0000002A.P1" << true << 0x2AU;
  QTest::newRow("zero") << "00000000.P1" << true << 0U;
  QTest::newRow("all hex letters") << "ABCDEF01.P1" << true << 0xABCDEF01U;
  QTest::newRow("largest") << "FFFFFFFF.P1" << true << 0xFFFFFFFFU;
  QTest::newRow("lower-case hex") << "0000002a.P1" << false << 0U;
  QTest::newRow("lower-case extension") << "0000002A.p1" << false << 0U;
  QTest::newRow("7 digits") << "000002A.P1" << false << 0U;
  QTest::newRow("9 digits") << "00000002A.P1" << false << 0U;
  QTest::newRow("short name") << "2A.P1" << false << 0U;
  QTest::newRow("MAI extension") << "0000002A.MAI" << false << 0U;
  QTest::newRow("P2 extension") << "0000002A.P2" << false << 0U;
  QTest::newRow("no extension") << "0000002A" << false << 0U;
  QTest::newRow("underscore for dot") << "0000002A_P1" << false << 0U;
  QTest::newRow("non-hex digit") << "0000002G.P1" << false << 0U;
  QTest::newRow("leading blank") << " 000002A.P1" << false << 0U;
  QTest::newRow("sign") << "+000002A.P1" << false << 0U;
  QTest::newRow("0x prefix") << "0x00002A.P1" << false << 0U;
  QTest::newRow("trailing blank") << "0000002A.P1 " << false << 0U;
  QTest::newRow("with folder") << "P1/0000002A.P1" << false << 0U;
  QTest::newRow("empty") << "" << false << 0U;
}

void TstPostofficeFormats::parse_hex8_data() {
  QTest::addColumn<QByteArray>("text");
  QTest::addColumn<bool>("accepted");
  QTest::addColumn<uint>("number");

  // Message numbers and trailer CRCs: exactly eight hex digits, either case.
  QTest::newRow("typical") << QByteArray("0000002A") << true << 0x2AU;
  QTest::newRow("zero") << QByteArray("00000000") << true << 0U;
  QTest::newRow("largest") << QByteArray("FFFFFFFF") << true << 0xFFFFFFFFU;
  QTest::newRow("lower case") << QByteArray("deadbeef") << true << 0xDEADBEEFU;
  QTest::newRow("mixed case") << QByteArray("1c291Ca3") << true << 0x1C291CA3U;
  QTest::newRow("every digit") << QByteArray("89ABCDEF") << true << 0x89ABCDEFU;
  QTest::newRow("7 digits") << QByteArray("000002A") << false << 0U;
  QTest::newRow("9 digits") << QByteArray("00000002A") << false << 0U;
  QTest::newRow("empty") << QByteArray("") << false << 0U;
  QTest::newRow("G") << QByteArray("0000002G") << false << 0U;
  QTest::newRow("g, after f") << QByteArray("g0000000") << false << 0U;
  QTest::newRow("@, before A") << QByteArray("@0000000") << false << 0U;
  QTest::newRow("/, before 0") << QByteArray("0000/000") << false << 0U;
  QTest::newRow(":, after 9") << QByteArray("0000:000") << false << 0U;
  QTest::newRow("blank") << QByteArray(" 000002A") << false << 0U;
  QTest::newRow("sign") << QByteArray("-000002A") << false << 0U;
  QTest::newRow("0x prefix") << QByteArray("0x00002A") << false << 0U;
  QTest::newRow("NUL byte") << QByteArray(
                                   "0000\0"
                                   "02A",
                                   8)
                            << false << 0U;
  QTest::newRow("byte above 0x7F") << QByteArray(
                                          "0000\xC6"
                                          "02A")
                                   << false << 0U;
}

void TstPostofficeFormats::parse_hex8() {
  QFETCH(QByteArray, text);
  QFETCH(bool, accepted);
  QFETCH(uint, number);

  std::uint32_t parsed = 0x5A5A5A5A;
  QCOMPARE(msmi::parse_hex8(std::string_view(text.constData(), text.size()), &parsed), accepted);
  QCOMPARE(parsed, accepted ? number : 0x5A5A5A5AU);  // left alone when refused
}

void TstPostofficeFormats::a_repeated_field_counts_once_data() {
  QTest::addColumn<Format>("format");
  QTest::addColumn<QString>("field");
  QTest::addColumn<QString>("second");  // a later line of the same field

  // The first line of a field is its value, as TextRecordView::get reads it; the decoders of
  // the files read on every message take it in one pass and must keep it.
  QTest::newRow("P1 message-id") << Format::kP1 << "message-id"
                                 << "MSNET/SALES/0000FFFF";
  QTest::newRow("P1 number") << Format::kP1 << "number"
                             << "0000FFFF";
  QTest::newRow("P1 from") << Format::kP1 << "from"
                           << "MS:MSNET/SALES/MALLORY";
  QTest::newRow("P1 mai") << Format::kP1 << "mai"
                          << "MAI/MAF/0000FFFF.MAI";
  QTest::newRow("MAI message-id") << Format::kMai << "message-id"
                                  << "MSNET/SALES/0000FFFF";
  QTest::newRow("MAI subject") << Format::kMai << "subject"
                               << "Another subject";
  QTest::newRow("MAI from") << Format::kMai << "from"
                            << "MS:MSNET/SALES/MALLORY";
  QTest::newRow("INQUEUE3 message-id") << Format::kInqueue << "message-id"
                                       << "MSNET/SALES/0000FFFF";
  QTest::newRow("INQUEUE3 number") << Format::kInqueue << "number"
                                   << "0000FFFF";
}

void TstPostofficeFormats::a_repeated_field_counts_once() {
  QFETCH(Format, format);
  QFETCH(QString, field);
  QFETCH(QString, second);

  msmi::TextRecord record;
  QVERIFY(msmi::decode_text_record(magic_of(format), sample_of(format), "sample", &record).ok());
  const std::string name = field.toStdString();
  std::string first;
  for (std::size_t i = 0; i < record.fields.size(); ++i) {
    if (record.fields[i].first != name) continue;
    first = record.fields[i].second;
    record.fields.insert(record.fields.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                         {name, second.toStdString()});
    break;
  }
  QVERIFY2(!first.empty(), "the sample has no such field");
  const std::string data = msmi::encode_text_record(magic_of(format), record);
  const std::string path = path_of(format);
  std::string got;
  if (format == Format::kP1) {
    msmi::P1Envelope e;
    QVERIFY(msmi::decode_p1(data, path, &e).ok());
    got = name == "message-id" ? e.message_id
          : name == "number"   ? msmi::hex8(e.number)
          : name == "from"     ? e.sender
                               : e.mai_path;
  } else if (format == Format::kMai) {
    msmi::MaiContent m;
    QVERIFY(msmi::decode_mai(data, path, &m).ok());
    got = name == "message-id" ? m.message_id : name == "subject" ? m.subject : m.sender;
  } else {
    msmi::InqueueRecord r;
    QVERIFY(msmi::decode_inqueue_record(data, path, &r).ok());
    got = name == "message-id" ? r.message_id : msmi::hex8(r.number);
  }
  QCOMPARE(q(got), q(first));
}

void TstPostofficeFormats::parse_p1_name() {
  QFETCH(QString, name);
  QFETCH(bool, accepted);
  QFETCH(uint, number);

  std::uint32_t parsed = kSentinelNumber;
  QCOMPARE(msmi::parse_p1_name(name.toStdString(), &parsed), accepted);
  if (accepted) {
    QCOMPARE(parsed, number);
    QCOMPARE(q(msmi::p1_path(parsed)), "P1/" + name);
  }
}

// ---------------------------------------------------------------------------------------------

namespace {

std::vector<std::string> payloads_of(const std::vector<MailbagEntry>& entries) {
  std::vector<std::string> out;
  for (const MailbagEntry& e : entries) out.push_back(e.payload);
  return out;
}

std::vector<std::uint32_t> seqs_of(const std::vector<MailbagEntry>& entries) {
  std::vector<std::uint32_t> out;
  for (const MailbagEntry& e : entries) out.push_back(e.seq);
  return out;
}

// Three records of different lengths, the second marked ready after one failed attempt.
const std::vector<std::string>& three_payloads() {
  static const std::vector<std::string> payloads = {
      msmi::encode_inqueue_record({"MSNET/SALES/00000001", 1}),
      msmi::encode_inqueue_record({"MSNET/SALES/0000002A-with-a-longer-id", 0x2A}),
      msmi::encode_inqueue_record({"MSNET/SALES/00000003", 3}),
  };
  return payloads;
}

}  // namespace

void TstPostofficeFormats::mailbag_append_load_round_trip() {
  MemoryFileSystem fs;
  make_mailbag_dirs(fs);
  Mailbag bag(fs, "INQUEUE3");
  QCOMPARE(q(bag.name()), QString("INQUEUE3"));
  QCOMPARE(q(bag.key_path()), QString("KEY/INQUEUE3.KEY"));
  QCOMPARE(q(bag.mbg_path()), QString("MBG/INQUEUE3.MBG"));

  const std::vector<std::string> payloads = {three_payloads()[0], "",
                                             std::string("bin\0ary\xFF", 8), three_payloads()[1],
                                             std::string(5000, 'P')};
  std::vector<std::uint32_t> seqs;
  for (const std::string& p : payloads) {
    std::uint32_t seq = 0;
    const Status s = bag.append(p, &seq);
    QVERIFY2(s.ok(), qPrintable(q(s.to_string())));
    QVERIFY2(seqs.empty() || seq > seqs.back(), "sequence numbers must increase");
    QVERIFY(seq != 0);
    seqs.push_back(seq);
  }
  QVERIFY(fs.exists("KEY/INQUEUE3.KEY"));
  QVERIFY(fs.exists("MBG/INQUEUE3.MBG"));

  // The writer and a second Mailbag over the same files (another process) see the same.
  const Mailbag other(fs, "INQUEUE3");
  for (const Mailbag* reader : std::array<const Mailbag*, 2>{&bag, &other}) {
    std::vector<MailbagEntry> entries;
    const Status s = reader->load(&entries);
    QVERIFY2(s.ok(), qPrintable(q(s.to_string())));
    QCOMPARE(payloads_of(entries), payloads);
    QCOMPARE(seqs_of(entries), seqs);
    for (const MailbagEntry& e : entries) {
      QCOMPARE(e.state, MailbagState::kNew);
      QCOMPARE(e.attempts, std::uint8_t{0});
    }
  }

  // Another mailbag in the same folders is independent.
  Mailbag sales(fs, "SALES");
  std::vector<MailbagEntry> entries;
  QVERIFY(sales.load(&entries).ok());
  QVERIFY(entries.empty());
  QVERIFY(sales.append("to sales", nullptr).ok());
  QVERIFY(bag.load(&entries).ok());
  QCOMPARE(entries.size(), payloads.size());
}

void TstPostofficeFormats::mailbag_update_changes_state_and_attempts() {
  MemoryFileSystem fs;
  make_mailbag_dirs(fs);
  Mailbag bag(fs, "INQUEUE3");
  std::vector<std::uint32_t> seqs;
  for (const std::string& p : three_payloads()) {
    std::uint32_t seq = 0;
    QVERIFY(bag.append(p, &seq).ok());
    seqs.push_back(seq);
  }

  QVERIFY(bag.update(seqs[1], MailbagState::kReady, 3).ok());
  QVERIFY(bag.update(seqs[2], MailbagState::kInProgress, 255).ok());
  std::vector<MailbagEntry> entries;
  QVERIFY(bag.load(&entries).ok());
  QCOMPARE(entries.size(), std::size_t{3});
  QCOMPARE(entries[0].state, MailbagState::kNew);
  QCOMPARE(entries[0].attempts, std::uint8_t{0});
  QCOMPARE(entries[1].state, MailbagState::kReady);
  QCOMPARE(entries[1].attempts, std::uint8_t{3});
  QCOMPARE(entries[2].state, MailbagState::kInProgress);
  QCOMPARE(entries[2].attempts, std::uint8_t{255});
  QCOMPARE(payloads_of(entries), three_payloads());
  QCOMPARE(seqs_of(entries), seqs);

  // Back to new: the state is not sticky.
  QVERIFY(bag.update(seqs[2], MailbagState::kNew, 0).ok());
  QVERIFY(bag.load(&entries).ok());
  QCOMPARE(entries[2].state, MailbagState::kNew);
  QCOMPARE(entries[2].attempts, std::uint8_t{0});

  // An unknown record: NotFound, and nothing written.
  const auto before = fs.files;
  const int writes = fs.writes;
  const Status s = bag.update(seqs.back() + 100, MailbagState::kReady, 1);
  QVERIFY2(s.is_not_found(), qPrintable(q(s.to_string())));
  QVERIFY(fs.files == before);
  QCOMPARE(fs.writes, writes);
}

void TstPostofficeFormats::mailbag_finds_records_a_key_lists_out_of_order_data() {
  QTest::addColumn<QList<int>>("order");  // the KEY's entries: indexes of the records appended

  QTest::newRow("ascending, as a Mailbag writes it") << QList<int>{0, 1, 2};
  QTest::newRow("reversed") << QList<int>{2, 1, 0};
  QTest::newRow("last first") << QList<int>{2, 0, 1};
  QTest::newRow("middle two swapped") << QList<int>{0, 2, 1};
}

void TstPostofficeFormats::mailbag_finds_records_a_key_lists_out_of_order() {
  QFETCH(QList<int>, order);

  // A KEY another program wrote need not list its entries in seq order; a Mailbag looks
  // records up by seq, so it must still find every one of them.
  MemoryFileSystem fs;
  make_mailbag_dirs(fs);
  std::vector<std::uint32_t> seqs;
  {
    Mailbag writer(fs, "INQUEUE3");
    for (const std::string& p : three_payloads()) {
      std::uint32_t seq = 0;
      QVERIFY(writer.append(p, &seq).ok());
      seqs.push_back(seq);
    }
  }
  std::string key;
  QVERIFY(fs.read_file("KEY/INQUEUE3.KEY", &key).ok());
  const std::string entries_before = key.substr(24);
  for (int i = 0; i < order.size(); ++i) {
    key.replace(24 + 24 * i, 24, entries_before.substr(24 * order[i], 24));
  }
  fix_key_crc(key);
  QVERIFY(fs.write_file("KEY/INQUEUE3.KEY", key).ok());

  Mailbag bag(fs, "INQUEUE3");
  std::vector<MailbagEntry> entries;
  QVERIFY(bag.load(&entries).ok());
  std::vector<std::uint32_t> listed;
  for (int i : order) listed.push_back(seqs[i]);
  QCOMPARE(seqs_of(entries), listed);
  for (std::size_t i = 0; i < seqs.size(); ++i) {
    QVERIFY2(bag.update(seqs[i], MailbagState::kReady, 1, &three_payloads()[i]).ok(),
             qPrintable(QString("record %1 not found").arg(seqs[i])));
  }
  std::uint32_t added = 0;
  QVERIFY(bag.append("one more", &added).ok());
  QVERIFY(bag.update(added, MailbagState::kInProgress, 0).ok());
  QVERIFY(bag.remove(seqs[1], &three_payloads()[1]).ok());
  QVERIFY(bag.remove(seqs[1]).is_not_found());
  QVERIFY(bag.load(&entries).ok());
  listed.erase(std::find(listed.begin(), listed.end(), seqs[1]));
  listed.push_back(added);
  QCOMPARE(seqs_of(entries), listed);
  for (std::size_t i = 0; i + 1 < entries.size(); ++i)
    QCOMPARE(entries[i].state, MailbagState::kReady);
  QCOMPARE(entries.back().state, MailbagState::kInProgress);
}

void TstPostofficeFormats::mailbag_reclaims_dead_records_data() {
  QTest::addColumn<int>("kept");          // live records kept while others come and go
  QTest::addColumn<int>("payload_size");  // bytes of each record's payload

  QTest::newRow("none kept") << 0 << 200;
  QTest::newRow("a few small ones kept") << 5 << 200;
  QTest::newRow("live bytes beyond 64 KB kept") << 100 << 1000;
}

void TstPostofficeFormats::mailbag_reclaims_dead_records() {
  QFETCH(int, kept);
  QFETCH(int, payload_size);

  // A removed record stays in the MBG until the dead bytes pass 64 KB and outweigh the live
  // ones; then the MBG is rewritten with the live records only. So a queue that keeps moving
  // neither grows for ever nor is rewritten on every removal.
  MemoryFileSystem fs;
  make_mailbag_dirs(fs);
  Mailbag bag(fs, "INQUEUE3");
  const std::uint64_t record = 8 + static_cast<std::uint64_t>(payload_size);
  const std::uint64_t live = record * static_cast<std::uint64_t>(kept);
  const std::uint64_t dead_limit = std::max<std::uint64_t>(64 * 1024, live);
  std::deque<std::uint32_t> queued;
  std::uint64_t largest = 0;
  for (int i = 0; i < kept + 1500; ++i) {
    std::string payload(static_cast<std::size_t>(payload_size), 'a' + i % 26);
    std::uint32_t seq = 0;
    QVERIFY(bag.append(payload, &seq).ok());
    queued.push_back(seq);
    if (queued.size() <= static_cast<std::size_t>(kept)) continue;
    QVERIFY(bag.remove(queued.front()).ok());
    queued.pop_front();
    std::string mbg;
    QVERIFY(fs.read_file("MBG/INQUEUE3.MBG", &mbg).ok());
    if (kept == 0) QCOMPARE(mbg.size(), std::size_t{0});  // the last record gone: nothing left
    // Never more dead bytes than the limit, plus the one record just removed.
    QVERIFY2(mbg.size() <= live + dead_limit + record,
             qPrintable(QString("MBG of %1 bytes at record %2").arg(mbg.size()).arg(i)));
    largest = std::max<std::uint64_t>(largest, mbg.size());
  }
  // …and no rewrite before then: the dead bytes came within one record of the limit.
  if (kept > 0) {
    QVERIFY2(largest + record >= live + dead_limit,
             qPrintable(QString("largest MBG %1 bytes").arg(largest)));
  }
  std::vector<MailbagEntry> entries;
  QVERIFY(bag.load(&entries).ok());
  QCOMPARE(entries.size(), static_cast<std::size_t>(kept));
}

void TstPostofficeFormats::mailbag_packs_records_a_key_shares_on_removal() {
  // A KEY from elsewhere may point several entries at one record: their records take more
  // bytes than the MBG holds. A removal then writes each remaining record out on its own.
  MemoryFileSystem fs;
  make_mailbag_dirs(fs);
  const std::string payload = "a record of twenty b";
  {
    Mailbag writer(fs, "INQUEUE3");
    QVERIFY(writer.append(payload, nullptr).ok());
  }
  std::string key;
  QVERIFY(fs.read_file("KEY/INQUEUE3.KEY", &key).ok());
  const std::string entry = key.substr(24, 24);
  key.resize(24);
  for (const std::uint32_t seq : {6u, 7u, 8u}) {
    std::string shared = entry;
    put_u32_at(shared, 0, seq);
    key += shared;
  }
  put_u32_at(key, 8, 9);   // next seq
  put_u32_at(key, 12, 3);  // count
  fix_key_crc(key);
  QVERIFY(fs.write_file("KEY/INQUEUE3.KEY", key).ok());

  Mailbag bag(fs, "INQUEUE3");
  QVERIFY(bag.remove(7).ok());
  std::string mbg;
  QVERIFY(fs.read_file("MBG/INQUEUE3.MBG", &mbg).ok());
  const std::size_t record = 8 + payload.size();
  QCOMPARE(mbg.size(), 2 * record);
  std::vector<MailbagEntry> entries;
  QVERIFY(bag.load(&entries).ok());
  QCOMPARE(seqs_of(entries), (std::vector<std::uint32_t>{6, 8}));
  QCOMPARE(entries[0].offset, std::uint32_t{0});
  QCOMPARE(entries[1].offset, static_cast<std::uint32_t>(record));
  QCOMPARE(payloads_of(entries), (std::vector<std::string>{payload, payload}));
}

void TstPostofficeFormats::mailbag_remove() {
  MemoryFileSystem fs;
  make_mailbag_dirs(fs);
  Mailbag bag(fs, "INQUEUE3");
  std::vector<std::uint32_t> seqs;
  for (const std::string& p : three_payloads()) {
    std::uint32_t seq = 0;
    QVERIFY(bag.append(p, &seq).ok());
    seqs.push_back(seq);
  }
  QVERIFY(bag.update(seqs[2], MailbagState::kReady, 2).ok());

  QVERIFY(bag.remove(seqs[1]).ok());
  std::vector<MailbagEntry> entries;
  QVERIFY(bag.load(&entries).ok());
  QCOMPARE(seqs_of(entries), (std::vector<std::uint32_t>{seqs[0], seqs[2]}));
  QCOMPARE(payloads_of(entries),
           (std::vector<std::string>{three_payloads()[0], three_payloads()[2]}));
  QCOMPARE(entries[1].state, MailbagState::kReady);  // the survivors keep their state
  QCOMPARE(entries[1].attempts, std::uint8_t{2});

  QVERIFY(bag.remove(seqs[1]).is_not_found());  // already gone
  QVERIFY(bag.remove(9999).is_not_found());
  QVERIFY(bag.update(seqs[1], MailbagState::kReady, 1).is_not_found());

  QVERIFY(bag.remove(seqs[0]).ok());
  QVERIFY(bag.remove(seqs[2]).ok());
  QVERIFY(bag.load(&entries).ok());
  QVERIFY(entries.empty());
}

void TstPostofficeFormats::mailbag_seq_never_reused_after_remove() {
  MemoryFileSystem fs;
  make_mailbag_dirs(fs);
  std::uint32_t highest = 0;
  std::set<std::uint32_t> issued;
  auto append = [&](const std::string& payload) {
    Mailbag bag(fs, "INQUEUE3");  // a fresh object each time: the counter lives in the KEY
    std::uint32_t seq = 0;
    const Status s = bag.append(payload, &seq);
    QVERIFY2(s.ok(), qPrintable(q(s.to_string())));
    QVERIFY2(seq > highest, qPrintable(QString("seq %1 after %2").arg(seq).arg(highest)));
    QVERIFY2(issued.insert(seq).second, "sequence number issued twice");
    highest = seq;
  };
  Mailbag bag(fs, "INQUEUE3");
  for (int i = 0; i < 3; ++i) {
    append("r" + std::to_string(i));
    if (QTest::currentTestFailed()) return;
  }
  QVERIFY(bag.remove(highest).ok());  // the newest record: its number must not come back
  append("after removing the newest");
  if (QTest::currentTestFailed()) return;
  std::vector<MailbagEntry> entries;
  QVERIFY(bag.load(&entries).ok());
  for (const MailbagEntry& e : entries) QVERIFY(bag.remove(e.seq).ok());
  QVERIFY(bag.load(&entries).ok());
  QVERIFY(entries.empty());
  append("after emptying the mailbag");  // empty, but not reset: numbering goes on
  QCOMPARE(issued.size(), std::size_t{5});
}

void TstPostofficeFormats::mailbag_missing_or_zero_key_is_empty_data() {
  QTest::addColumn<bool>("key_present");
  QTest::addColumn<int>("key_zero_bytes");
  QTest::addColumn<bool>("stale_mbg");

  QTest::newRow("no files at all") << false << 0 << false;
  QTest::newRow("KEY missing, stale MBG") << false << 0 << true;
  QTest::newRow("zero-length KEY") << true << 0 << false;
  QTest::newRow("24 zero bytes KEY") << true << 24 << false;
  QTest::newRow("24 zero bytes KEY, stale MBG") << true << 24 << true;
  QTest::newRow("zero KEY as long as a 3-entry KEY, stale MBG") << true << 96 << true;
  QTest::newRow("odd-sized zero KEY") << true << 7 << false;
}

void TstPostofficeFormats::mailbag_missing_or_zero_key_is_empty() {
  QFETCH(bool, key_present);
  QFETCH(int, key_zero_bytes);
  QFETCH(bool, stale_mbg);

  MemoryFileSystem fs;
  make_mailbag_dirs(fs);
  if (stale_mbg) {
    Mailbag writer(fs, "INQUEUE3");
    for (const std::string& p : three_payloads()) QVERIFY(writer.append(p, nullptr).ok());
    QVERIFY(fs.remove_file("KEY/INQUEUE3.KEY").ok());
  }
  if (key_present) {
    fs.files["KEY/INQUEUE3.KEY"] = std::string(static_cast<std::size_t>(key_zero_bytes), '\0');
  }

  Mailbag bag(fs, "INQUEUE3");
  std::vector<MailbagEntry> entries = {MailbagEntry{}};
  Status s = bag.load(&entries);
  QVERIFY2(s.ok(), qPrintable(q(s.to_string())));
  QVERIFY(entries.empty());

  // And it is usable: the next record is the only one.
  std::uint32_t seq = 0;
  s = bag.append("first", &seq);
  QVERIFY2(s.ok(), qPrintable(q(s.to_string())));
  QVERIFY(seq != 0);
  QVERIFY(bag.load(&entries).ok());
  QCOMPARE(payloads_of(entries), std::vector<std::string>{"first"});
  QCOMPARE(seqs_of(entries), std::vector<std::uint32_t>{seq});
}

void TstPostofficeFormats::mailbag_reset_loses_every_record() {
  MemoryFileSystem fs;
  make_mailbag_dirs(fs);
  Mailbag bag(fs, "INQUEUE3");
  for (const std::string& p : three_payloads()) QVERIFY(bag.append(p, nullptr).ok());
  QVERIFY(bag.update(1, MailbagState::kInProgress, 4).ok());

  QVERIFY(bag.reset().ok());
  const std::string key = fs.files.at("KEY/INQUEUE3.KEY");
  QVERIFY(key.size() >= 24);
  QVERIFY2(key.find_first_not_of('\0') == std::string::npos, "KEY not all zero after reset");
  QCOMPARE(fs.files.at("MBG/INQUEUE3.MBG").size(), std::size_t{0});

  std::vector<MailbagEntry> entries;
  QVERIFY(bag.load(&entries).ok());
  QVERIFY(entries.empty());
  QVERIFY(bag.update(1, MailbagState::kReady, 0).is_not_found());
  QVERIFY(bag.remove(2).is_not_found());

  // A reset also clears a damaged mailbag, which is what MAILQ reset is used for.
  std::uint32_t seq = 0;
  QVERIFY(bag.append("after reset", &seq).ok());
  garble(fs.files["KEY/INQUEUE3.KEY"], 30);
  QVERIFY(bag.load(&entries).is_corruption());
  QVERIFY(bag.reset().ok());
  QVERIFY(bag.load(&entries).ok());
  QVERIFY(entries.empty());

  // Resetting a mailbag that was never written leaves the same empty pair.
  Mailbag fresh(fs, "NEWPO");
  QVERIFY(fresh.reset().ok());
  QCOMPARE(q(fs.files.at("KEY/NEWPO.KEY")), q(std::string(24, '\0')));
  QCOMPARE(fs.files.at("MBG/NEWPO.MBG").size(), std::size_t{0});
  QVERIFY(fresh.load(&entries).ok());
  QVERIFY(entries.empty());
}

void TstPostofficeFormats::mailbag_holds_at_most_4096_records() {
  QCOMPARE(msmi::kMailbagRecordLimit, std::size_t{4096});
  MemoryFileSystem fs;
  make_mailbag_dirs(fs);
  Mailbag bag(fs, "INQUEUE3");

  // Short payloads keep 4096 whole-file rewrites quick.
  for (std::uint32_t i = 0; i < 4096; ++i) {
    std::uint32_t seq = 0;
    const Status s = bag.append(msmi::hex8(i), &seq);
    if (!s.ok() || seq != i + 1) {
      QFAIL(qPrintable(QString("append %1: %2, seq %3").arg(i).arg(q(s.to_string())).arg(seq)));
    }
  }

  const auto before = fs.files;
  std::uint32_t seq = 0;
  Status s = bag.append("the 4097th", &seq);
  QVERIFY2(s.is_full(), qPrintable(q(s.to_string())));
  QVERIFY2(q(s.message()).contains("MBG/INQUEUE3.MBG"), qPrintable(q(s.message())));
  QVERIFY2(q(s.message()).contains("4096"), qPrintable(q(s.message())));
  QVERIFY2(fs.files == before, "a refused append changed the files");

  std::vector<MailbagEntry> entries;
  QVERIFY(bag.load(&entries).ok());
  QCOMPARE(entries.size(), std::size_t{4096});
  for (std::uint32_t i = 0; i < 4096; ++i) {
    if (entries[i].seq != i + 1 || entries[i].payload != msmi::hex8(i)) {
      QFAIL(qPrintable(QString("record %1 is seq %2 '%3'")
                           .arg(i)
                           .arg(entries[i].seq)
                           .arg(q(entries[i].payload))));
    }
  }

  // Removing one makes room for exactly one more, under a new number.
  QVERIFY(bag.remove(100).ok());
  s = bag.append("room again", &seq);
  QVERIFY2(s.ok(), qPrintable(q(s.to_string())));
  QCOMPARE(seq, std::uint32_t{4097});
  QVERIFY(bag.append("and full again", nullptr).is_full());
}

void TstPostofficeFormats::mailbag_damage_is_corruption_data() {
  QTest::addColumn<BagDamage>("damage");
  QTest::addColumn<QString>("file");  // the path the message must name
  QTest::addColumn<QString>("reason");

  const QString key = "KEY/INQUEUE3.KEY";
  const QString mbg = "MBG/INQUEUE3.MBG";
  QTest::newRow("KEY truncated by 1 byte")
      << BagDamage::kKeyTruncatedByOneByte << key << "entries need 96 (truncated?)";
  QTest::newRow("KEY shorter than its header")
      << BagDamage::kKeyShorterThanHeader << key << "shorter than its 24-byte header";
  QTest::newRow("KEY header only") << BagDamage::kKeyHeaderOnly << key << "entries need 96";
  QTest::newRow("KEY with extra bytes") << BagDamage::kKeyExtraBytes << key << "entries need 96";
  QTest::newRow("KEY bad magic") << BagDamage::kKeyBadMagic << key << "bad magic";
  QTest::newRow("KEY unknown version")
      << BagDamage::kKeyUnknownVersion << key << "unknown KEY version";
  QTest::newRow("KEY entry byte garbled")
      << BagDamage::kKeyEntryByteGarbled << key << "checksum mismatch";
  QTest::newRow("KEY header byte garbled")
      << BagDamage::kKeyHeaderByteGarbled << key << "checksum mismatch";
  QTest::newRow("KEY CRC garbled") << BagDamage::kKeyCrcGarbled << key << "checksum mismatch";
  QTest::newRow("KEY count larger than its size")
      << BagDamage::kKeyCountLargerThanSize << key << "4 entries need 120";
  QTest::newRow("KEY count beyond 4096")
      << BagDamage::kKeyCountBeyondLimit << key << "claims 5000 records, the limit is 4096";
  QTest::newRow("KEY entry with unknown state")
      << BagDamage::kKeyUnknownStateWithGoodCrc << key << "entry 1 has unknown state";
  QTest::newRow("KEY entry pointing past the MBG")
      << BagDamage::kKeyOffsetPastEndWithGoodCrc << mbg << "record 2 lies past the end";
  QTest::newRow("KEY says the MBG is longer")
      << BagDamage::kKeyMbgSizeLargerWithGoodCrc << mbg << "(truncated)";
  QTest::newRow("MBG truncated by 1 byte")
      << BagDamage::kMbgTruncatedByOneByte << mbg << "(truncated)";
  QTest::newRow("MBG empty") << BagDamage::kMbgEmpty << mbg << "0 bytes, but its KEY says";
  QTest::newRow("MBG missing") << BagDamage::kMbgMissing << mbg << "0 bytes, but its KEY says";
  QTest::newRow("MBG payload byte garbled")
      << BagDamage::kMbgPayloadByteGarbled << mbg << "record 2 checksum mismatch";
  QTest::newRow("MBG record magic damaged")
      << BagDamage::kMbgRecordMagicDamaged << mbg << "record 1 at offset 0 has a bad header";
  QTest::newRow("MBG record length damaged")
      << BagDamage::kMbgRecordLengthDamaged << mbg << "record 2 at offset";
}

namespace {

void apply(BagDamage damage, MemoryFileSystem& fs) {
  std::string& key = fs.files["KEY/INQUEUE3.KEY"];
  std::string& mbg = fs.files["MBG/INQUEUE3.MBG"];
  const std::size_t entry1 = 24 + 24;                    // the second entry in the KEY
  const std::size_t record1 = get_u32(key, entry1 + 4);  // where its record starts in the MBG
  switch (damage) {
    case BagDamage::kKeyTruncatedByOneByte:
      key.pop_back();
      break;
    case BagDamage::kKeyShorterThanHeader:
      key.resize(12);
      break;
    case BagDamage::kKeyHeaderOnly:
      key.resize(24);
      break;
    case BagDamage::kKeyExtraBytes:
      key.append(24, '\0');
      break;
    case BagDamage::kKeyBadMagic:
      key[0] = 'X';
      break;
    case BagDamage::kKeyUnknownVersion:
      key[4] = 2;
      break;
    case BagDamage::kKeyEntryByteGarbled:
      garble(key, entry1 + 8);
      break;
    case BagDamage::kKeyHeaderByteGarbled:
      garble(key, 8);
      break;
    case BagDamage::kKeyCrcGarbled:
      garble(key, 21);
      break;
    case BagDamage::kKeyCountLargerThanSize:
      put_u32_at(key, 12, 4);
      break;
    case BagDamage::kKeyCountBeyondLimit:
      put_u32_at(key, 12, 5000);
      break;
    case BagDamage::kKeyUnknownStateWithGoodCrc:
      key[entry1 + 16] = 7;
      fix_key_crc(key);
      break;
    case BagDamage::kKeyOffsetPastEndWithGoodCrc:
      put_u32_at(key, entry1 + 4, static_cast<std::uint32_t>(mbg.size()));
      fix_key_crc(key);
      break;
    case BagDamage::kKeyMbgSizeLargerWithGoodCrc:
      put_u32_at(key, 16, static_cast<std::uint32_t>(mbg.size() + 1));
      fix_key_crc(key);
      break;
    case BagDamage::kMbgTruncatedByOneByte:
      mbg.pop_back();
      break;
    case BagDamage::kMbgEmpty:
      mbg.clear();
      break;
    case BagDamage::kMbgMissing:
      fs.files.erase("MBG/INQUEUE3.MBG");
      break;
    case BagDamage::kMbgPayloadByteGarbled:
      garble(mbg, record1 + 8 + 12);
      break;
    case BagDamage::kMbgRecordMagicDamaged:
      mbg[3] = 'X';
      break;
    case BagDamage::kMbgRecordLengthDamaged:
      garble(mbg, record1 + 4);
      break;
  }
}

}  // namespace

void TstPostofficeFormats::mailbag_damage_is_corruption() {
  QFETCH(BagDamage, damage);
  QFETCH(QString, file);
  QFETCH(QString, reason);

  MemoryFileSystem fs;
  make_mailbag_dirs(fs);
  Mailbag bag(fs, "INQUEUE3");
  for (const std::string& p : three_payloads()) QVERIFY(bag.append(p, nullptr).ok());
  QVERIFY(bag.update(2, MailbagState::kReady, 1).ok());
  std::vector<MailbagEntry> entries;
  QVERIFY(bag.load(&entries).ok());
  QCOMPARE(entries.size(), std::size_t{3});

  const auto intact = fs.files;
  apply(damage, fs);
  QVERIFY2(fs.files != intact, "the damage changed nothing");
  const auto damaged_files = fs.files;
  const int writes = fs.writes;

  const Status s = bag.load(&entries);
  QVERIFY2(s.is_corruption(), qPrintable("loaded as: " + q(s.to_string())));
  QVERIFY2(q(s.message()).startsWith(file + ": "),
           qPrintable(q(s.message()) + " does not name " + file));
  QVERIFY2(q(s.message()).contains(reason),
           qPrintable(q(s.message()) + " does not say '" + reason + "'"));

  // Nothing is written to a damaged pair: the evidence stays as it was.
  std::uint32_t seq = 0;
  QVERIFY(bag.append("new record", &seq).is_corruption());
  QVERIFY(bag.update(1, MailbagState::kInProgress, 1).is_corruption());
  QVERIFY(bag.update(2, MailbagState::kNew, 0).is_corruption());
  QVERIFY(bag.remove(1).is_corruption());
  QVERIFY(bag.remove(3).is_corruption());
  QVERIFY2(fs.files == damaged_files, "a damaged mailbag was written to");
  QCOMPARE(fs.writes, writes);

  // Moved aside, the damaged files are kept in BAD/ byte for byte and an empty mailbag
  // takes their place.
  std::string moved_to;
  const Status moved = bag.move_aside("T1", &moved_to);
  QVERIFY2(moved.ok(), qPrintable(q(moved.to_string())));
  QVERIFY(!fs.exists("KEY/INQUEUE3.KEY"));
  QVERIFY(!fs.exists("MBG/INQUEUE3.MBG"));
  QCOMPARE(q(fs.files.at("BAD/INQUEUE3.KEY.T1")), q(damaged_files.at("KEY/INQUEUE3.KEY")));
  if (damaged_files.count("MBG/INQUEUE3.MBG") != 0) {
    QCOMPARE(q(fs.files.at("BAD/INQUEUE3.MBG.T1")), q(damaged_files.at("MBG/INQUEUE3.MBG")));
  } else {
    QVERIFY(!fs.exists("BAD/INQUEUE3.MBG.T1"));
  }
  QVERIFY2(
      q(moved_to).contains("BAD/INQUEUE3.KEY.T1") && q(moved_to).contains("BAD/INQUEUE3.MBG.T1"),
      qPrintable(q(moved_to)));
  std::vector<std::string> bad;
  QVERIFY(fs.list_dir("BAD", &bad).ok());
  QVERIFY(!bad.empty());

  QVERIFY(bag.load(&entries).ok());
  QVERIFY(entries.empty());
  QVERIFY(bag.append("after move", &seq).ok());
  QVERIFY(bag.load(&entries).ok());
  QCOMPARE(payloads_of(entries), std::vector<std::string>{"after move"});
}

void TstPostofficeFormats::mailbag_take_oldest_data() {
  QTest::addColumn<int>("limit");
  QTest::addColumn<int>("taken");  // of the three records
  QTest::newRow("two of three") << 2 << 2;
  QTest::newRow("all three, exactly") << 3 << 3;
  QTest::newRow("more than there are") << 200 << 3;
  QTest::newRow("none") << 0 << 0;
}

// The PC MTA takes the oldest records of a postoffice mailbag in one batch: those are gone, in
// their order, and the rest stay as they were, state and all.
void TstPostofficeFormats::mailbag_take_oldest() {
  QFETCH(int, limit);
  QFETCH(int, taken);
  MemoryFileSystem fs;
  make_mailbag_dirs(fs);
  Mailbag bag(fs, "SALES");
  for (const std::string& p : three_payloads()) QVERIFY(bag.append(p, nullptr).ok());
  QVERIFY(bag.update(3, MailbagState::kReady, 2).ok());
  std::vector<MailbagEntry> took;
  QVERIFY(bag.take_oldest(static_cast<std::size_t>(limit), &took).ok());
  const std::vector<std::string> all = three_payloads();
  QCOMPARE(payloads_of(took), std::vector<std::string>(all.begin(), all.begin() + taken));
  std::vector<MailbagEntry> left;
  QVERIFY(Mailbag(fs, "SALES").load(&left).ok());
  QCOMPARE(payloads_of(left), std::vector<std::string>(all.begin() + taken, all.end()));
  if (!left.empty()) {
    QCOMPARE(left.back().state, MailbagState::kReady);
    QCOMPARE(left.back().attempts, std::uint8_t{2});
  }
  QVERIFY(bag.append("after", nullptr).ok());  // numbering goes on
  QVERIFY(bag.load(&left).ok());
  QCOMPARE(left.back().seq, std::uint32_t{4});
}

void TstPostofficeFormats::mailbag_locked_file_is_busy_data() {
  QTest::addColumn<QString>("locked");
  QTest::newRow("KEY locked") << "KEY/INQUEUE3.KEY";
  QTest::newRow("MBG locked") << "MBG/INQUEUE3.MBG";
}

void TstPostofficeFormats::mailbag_locked_file_is_busy() {
  QFETCH(QString, locked);

  MemoryFileSystem disk;
  make_mailbag_dirs(disk);
  LockingFileSystem fs(disk);
  Mailbag bag(fs, "INQUEUE3");
  for (const std::string& p : three_payloads()) QVERIFY(bag.append(p, nullptr).ok());
  const auto before = disk.files;

  // A file another process holds open is not damage: Busy, and nothing is lost or written.
  fs.locked.insert(locked.toStdString());
  std::vector<MailbagEntry> entries;
  Status s = bag.load(&entries);
  QVERIFY2(s.is_busy(), qPrintable(q(s.to_string())));
  QVERIFY(bag.append("x", nullptr).is_busy());
  QVERIFY(bag.update(1, MailbagState::kReady, 1).is_busy());
  QVERIFY(bag.remove(1).is_busy());
  std::vector<MailbagEntry> took = {MailbagEntry{}};
  QVERIFY(bag.take_oldest(2, &took).is_busy());
  QVERIFY(took.empty());
  QVERIFY(disk.files == before);

  fs.locked.clear();
  s = bag.load(&entries);
  QVERIFY2(s.ok(), qPrintable(q(s.to_string())));
  QCOMPARE(payloads_of(entries), three_payloads());
}

QTEST_APPLESS_MAIN(TstPostofficeFormats)
#include "tst_postoffice_formats.moc"
