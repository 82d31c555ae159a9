// The NT 4.0 .EVT format both ways: files msmisim writes are read back by its reader, by libevt
// directly and by libyal's evtexport, field by field; damaged copies of them (truncated, bad
// signatures, wrapped, stale headers, 2-GB-style offsets, the record libevt rejects) are read
// with the damage reported and no record lost silently: read + skipped + missing = written.
#include <libevt.h>

#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <cstdio>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include "msmilog/evt_format.h"
#include "msmilog/evt_reader.h"
#include "msmilog/evt_writer.h"
#include "msmilog/log_reader.h"
#include "msmilog/log_writer.h"

using msmilog::LogRecord;
using msmilog::NtEventType;
namespace evt = msmilog::evt;

namespace {

constexpr std::int64_t kMay22_1997 = 864288000;  // 1997-05-22 08:00:00 UTC, seconds

// Records as the connector and its neighbours log them: full identifiers with severity bits,
// every type, categories, users or none, several or no insertion strings, binary data or none,
// text outside ASCII.
std::vector<LogRecord> sample_records(int count) {
  static const NtEventType kTypes[] = {NtEventType::kError,        NtEventType::kWarning,
                                       NtEventType::kInformation,  NtEventType::kAuditSuccess,
                                       NtEventType::kAuditFailure, NtEventType::kSuccess};
  std::vector<LogRecord> records;
  for (int i = 0; i < count; ++i) {
    LogRecord r;
    r.type = kTypes[i % 6];
    r.event_identifier =
        msmilog::make_event_identifier(2300 + i, r.type) | (i % 3 == 0 ? 0 : 0x10000);
    r.category = static_cast<std::uint16_t>(i % 4);
    r.created_us = (kMay22_1997 + 37 * i) * 1000000 + 250000;  // sub-second part is dropped
    r.written_us = r.created_us + (i % 2) * 1000000;
    r.source = i % 5 == 4 ? "MSExchangeMTA" : "MSExchangeMSMI";
    r.computer = i % 7 == 6 ? "" : "EXCHSRV1";  // empty: the writer's default computer
    r.user = i % 4 == 0
                 ? ""
                 : (i % 4 == 1 ? "S-1-5-18" : "S-1-5-21-1004336348-1177238915-682003330-500");
    for (int s = 0; s < i % 4; ++s) {
      r.strings.push_back(s == 1 ? "Zürich \xE2\x82\xAC 0x" + std::to_string(i)
                                 : "string " + std::to_string(s) + " of " + std::to_string(i));
    }
    if (i % 3 == 1 || r.strings.empty())
      r.data = std::string("\x00\x01\xFE\xFF", 4) + std::to_string(i);
    records.push_back(std::move(r));
  }
  return records;
}

// What a record written as number `number` reads back as.
LogRecord as_stored(LogRecord r, std::uint32_t number) {
  r.record_number = number;
  r.created_us = r.created_us / 1000000 * 1000000;
  r.written_us = r.written_us / 1000000 * 1000000;
  if (r.computer.empty()) r.computer = "DEFAULTPC";
  return r;
}

void write_evt(const std::string& path, const std::vector<LogRecord>& records) {
  std::unique_ptr<msmilog::LogWriter> writer;
  msmilog::WriterOptions options;
  options.computer = "DEFAULTPC";
  QVERIFY(msmilog::create_evt_writer(path, options, &writer).ok());
  for (const LogRecord& r : records) {
    const msmi::Status s = writer->write(r);
    QVERIFY2(s.ok(), s.to_string().c_str());
  }
  QVERIFY(writer->finish().ok());
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

struct ReadBack {
  std::vector<LogRecord> records;
  std::vector<msmilog::ReadIssue> malformed;
  std::vector<msmilog::ReadIssue> notes;
  std::uint64_t recovered = 0;
  std::uint64_t missing = 0;
  std::uint64_t read_directly = 0;
  std::uint64_t bytes_read = 0;
  std::uint64_t total_bytes = 0;

  std::string all_notes() const {
    std::string text;
    for (const auto& n : notes) text += n.message + "\n";
    return text;
  }
};

ReadBack read_evt(const std::string& path, bool use_libevt = true) {
  ReadBack back;
  std::unique_ptr<msmilog::EvtLogReader> reader;
  const msmi::Status s = msmilog::open_evt_reader(path, &reader, use_libevt);
  if (!s.ok()) qFatal("open: %s", s.to_string().c_str());
  LogRecord r;
  for (int guard = 0; guard < 100000; ++guard) {
    const msmilog::ReadResult result = reader->next(&r);
    if (result == msmilog::ReadResult::kEnd) break;
    if (result == msmilog::ReadResult::kRecord) back.records.push_back(r);
    if (result == msmilog::ReadResult::kMalformed) back.malformed.push_back(reader->issue());
  }
  back.notes = reader->notes();
  back.recovered = reader->recovered();
  back.missing = reader->missing();
  back.read_directly = reader->read_directly();
  back.bytes_read = reader->bytes_read();
  back.total_bytes = reader->total_bytes();
  return back;
}

std::string libevt_text(libevt_record_t* record,
                        int (*size_fn)(libevt_record_t*, size_t*, libevt_error_t**),
                        int (*get_fn)(libevt_record_t*, uint8_t*, size_t, libevt_error_t**)) {
  size_t size = 0;
  if (size_fn(record, &size, nullptr) != 1 || size == 0) return {};
  std::string text(size, '\0');
  get_fn(record, reinterpret_cast<uint8_t*>(text.data()), size, nullptr);
  text.resize(size - 1);
  return text;
}

// The records as libevt itself returns them, independently of msmisim's reader.
std::vector<LogRecord> read_with_libevt(const std::string& path) {
  std::vector<LogRecord> records;
  libevt_file_t* file = nullptr;
  if (libevt_file_initialize(&file, nullptr) != 1) return records;
  if (libevt_file_open(file, path.c_str(), LIBEVT_OPEN_READ, nullptr) == 1) {
    int count = 0;
    libevt_file_get_number_of_records(file, &count, nullptr);
    for (int i = 0; i < count; ++i) {
      libevt_record_t* record = nullptr;
      if (libevt_file_get_record_by_index(file, i, &record, nullptr) != 1) continue;
      LogRecord r;
      uint32_t number = 0, created = 0, written = 0, identifier = 0;
      uint16_t type = 0, category = 0;
      off64_t offset = 0;
      libevt_record_get_identifier(record, &number, nullptr);
      libevt_record_get_creation_time(record, &created, nullptr);
      libevt_record_get_written_time(record, &written, nullptr);
      libevt_record_get_event_identifier(record, &identifier, nullptr);
      libevt_record_get_event_type(record, &type, nullptr);
      libevt_record_get_event_category(record, &category, nullptr);
      libevt_record_get_offset(record, &offset, nullptr);
      r.record_number = number;
      r.created_us = std::int64_t{created} * 1000000;
      r.written_us = std::int64_t{written} * 1000000;
      r.event_identifier = identifier;
      r.type = static_cast<NtEventType>(type);
      r.category = category;
      r.position = static_cast<std::uint64_t>(offset);
      r.source = libevt_text(record, libevt_record_get_utf8_source_name_size,
                             libevt_record_get_utf8_source_name);
      r.computer = libevt_text(record, libevt_record_get_utf8_computer_name_size,
                               libevt_record_get_utf8_computer_name);
      r.user = libevt_text(record, libevt_record_get_utf8_user_security_identifier_size,
                           libevt_record_get_utf8_user_security_identifier);
      int strings = 0;
      libevt_record_get_number_of_strings(record, &strings, nullptr);
      for (int s = 0; s < strings; ++s) {
        size_t size = 0;
        libevt_record_get_utf8_string_size(record, s, &size, nullptr);
        std::string text(size, '\0');
        libevt_record_get_utf8_string(record, s, reinterpret_cast<uint8_t*>(text.data()), size,
                                      nullptr);
        text.resize(size > 0 ? size - 1 : 0);
        r.strings.push_back(text);
      }
      size_t data_size = 0;
      if (libevt_record_get_data_size(record, &data_size, nullptr) == 1 && data_size > 0) {
        r.data.resize(data_size);
        libevt_record_get_data(record, reinterpret_cast<uint8_t*>(r.data.data()), data_size,
                               nullptr);
      }
      records.push_back(r);
      libevt_record_free(&record, nullptr);
    }
    libevt_file_close(file, nullptr);
  }
  libevt_file_free(&file, nullptr);
  return records;
}

void compare_records(const LogRecord& got, const LogRecord& want) {
  const std::string where = "record " + std::to_string(want.record_number);
  QVERIFY2(got.record_number == want.record_number, where.c_str());
  QVERIFY2(got.event_identifier == want.event_identifier, where.c_str());
  QVERIFY2(got.type == want.type, where.c_str());
  QVERIFY2(got.category == want.category, where.c_str());
  QVERIFY2(got.created_us == want.created_us, where.c_str());
  QVERIFY2(got.written_us == want.written_us, where.c_str());
  QCOMPARE(got.source, want.source);
  QCOMPARE(got.computer, want.computer);
  QCOMPARE(got.user, want.user);
  QCOMPARE(got.strings, want.strings);
  QCOMPARE(got.data, want.data);
}

// The byte offset of each record of an undamaged file msmisim wrote.
std::vector<std::size_t> record_offsets(const std::string& bytes) {
  std::vector<std::size_t> offsets;
  for (std::size_t at = evt::kHeaderSize; at + 8 <= bytes.size();) {
    if (std::string_view(bytes).substr(at + 4, 4) != evt::kSignature) break;
    offsets.push_back(at);
    at += evt::load_u32(bytes, at);
  }
  return offsets;
}

// A wrapped log: records 11..18 start near the end of the file, record 12 is split across the
// end and continues after the header, the end-of-file record follows record 18, and the free
// space before record 11 holds record 10, overwritten in part by nothing yet: a recovery tool
// (and msmisim) finds it there.
std::string wrapped_log(const std::vector<LogRecord>& records) {
  std::string live;
  std::vector<std::size_t> lengths;
  for (std::size_t i = 1; i < records.size(); ++i) {
    const std::size_t before = live.size();
    if (!evt::encode_record(records[i], static_cast<std::uint32_t>(10 + i), &live).ok()) return {};
    lengths.push_back(live.size() - before);
  }
  std::string old;
  if (!evt::encode_record(records[0], 10, &old).ok()) return {};
  const std::size_t live_size = live.size() + evt::kEofRecordSize;
  const std::size_t free_size = old.size() + 8;
  const std::size_t region = live_size + free_size;
  const std::size_t start = region - lengths[0] - (lengths[1] / 2 / 4 * 4);
  std::string bytes(evt::kHeaderSize + region, '\0');
  const auto put = [&](std::size_t at, const std::string& what) {
    for (std::size_t i = 0; i < what.size(); ++i) {
      bytes[evt::kHeaderSize + (at + i) % region] = what[i];
    }
  };
  evt::Header header;
  header.start_offset = static_cast<std::uint32_t>(evt::kHeaderSize + start);
  header.end_offset = static_cast<std::uint32_t>(evt::kHeaderSize + (start + live.size()) % region);
  header.oldest_record_number = 11;
  header.current_record_number = static_cast<std::uint32_t>(10 + records.size());
  header.flags = evt::kFlagWrapped;
  header.max_size = static_cast<std::uint32_t>(bytes.size());
  put(start, live);
  put(start + live.size(), evt::encode_eof_record(header));
  put(start + live_size, old);
  bytes.replace(0, evt::kHeaderSize, evt::encode_header(header));
  return bytes;
}

// The bytes of alignment padding the writer puts between Computername and the SID.
std::size_t padding_before_sid(const LogRecord& r) {
  std::string source, computer;
  evt::utf8_to_utf16le(r.source, &source);
  evt::utf8_to_utf16le(r.computer, &computer);
  return (4 - (source.size() + computer.size() + 4) % 4) % 4;
}

using Damage = std::function<std::string(std::string, const std::vector<std::size_t>&)>;

}  // namespace

Q_DECLARE_METATYPE(Damage)

class TestImportEvt : public QObject {
  Q_OBJECT

 private slots:
  void round_trip_data() {
    QTest::addColumn<int>("count");
    QTest::newRow("empty log") << 0;
    QTest::newRow("one record") << 1;
    QTest::newRow("every type, user, string and data shape") << 48;
  }
  void round_trip() {
    QFETCH(int, count);
    QTemporaryDir dir;
    const std::string path = dir.filePath("AppEvent.Evt").toStdString();
    const std::vector<LogRecord> written = sample_records(count);
    write_evt(path, written);

    const std::string bytes = read_file(path);
    evt::Header header;
    std::string why;
    QVERIFY(evt::decode_header(bytes, &header, &why));
    QCOMPARE(header.flags, 0u);  // closed cleanly
    QCOMPARE(header.current_record_number, static_cast<std::uint32_t>(count + 1));
    QCOMPARE(header.oldest_record_number, count > 0 ? 1u : 0u);
    QCOMPARE(static_cast<std::size_t>(header.end_offset) + evt::kEofRecordSize, bytes.size());

    const ReadBack back = read_evt(path);
    QVERIFY2(back.malformed.empty(), back.all_notes().c_str());
    QVERIFY2(back.notes.empty(), back.all_notes().c_str());
    QCOMPARE(back.records.size(), written.size());
    QCOMPARE(back.missing, 0u);
    QCOMPARE(back.read_directly, 0u);  // libevt decoded every record
    QCOMPARE(back.bytes_read, back.total_bytes);
    const std::vector<std::size_t> offsets = record_offsets(bytes);
    QCOMPARE(offsets.size(), written.size());

    // msmisim's own walker and decoder, without libevt, read the same.
    const ReadBack walked = read_evt(path, false);
    QVERIFY2(walked.notes.empty(), walked.all_notes().c_str());
    QCOMPARE(walked.records, back.records);
    QCOMPARE(walked.read_directly, written.size());

    const std::vector<LogRecord> by_libevt = read_with_libevt(path);
    QCOMPARE(by_libevt.size(), written.size());
    for (std::size_t i = 0; i < written.size(); ++i) {
      const LogRecord want = as_stored(written[i], static_cast<std::uint32_t>(i + 1));
      compare_records(back.records[i], want);
      // libevt 20200926 reads Data from its own cursor, not from DataOffset: when the names
      // leave alignment padding before the SID, its data starts that many bytes early.
      LogRecord libevt_want = want;
      const std::size_t pad = padding_before_sid(want);
      if (pad > 0 && !want.data.empty()) {
        libevt_want.data = bytes.substr(offsets[i] + evt::load_u32(bytes, offsets[i] + 52) - pad,
                                        want.data.size());
      }
      compare_records(by_libevt[i], libevt_want);
      QCOMPARE(back.records[i].position, static_cast<std::uint64_t>(offsets[i]));
      QCOMPARE(by_libevt[i].position, static_cast<std::uint64_t>(offsets[i]));
    }

    const QString evtexport = QStandardPaths::findExecutable("evtexport");
    if (evtexport.isEmpty()) QSKIP("libyal's evtexport is not installed");
    QProcess process;
    process.start(evtexport, {QString::fromStdString(path)});
    QVERIFY(process.waitForFinished(30000));
    QCOMPARE(process.exitCode(), 0);
    const QString output = QString::fromUtf8(process.readAllStandardOutput());
    QCOMPARE(output.count(QStringLiteral("Event number")), count);
    for (std::size_t i = 0; i < written.size(); ++i) {
      QVERIFY(output.contains(QStringLiteral("Event identifier\t\t: 0x%1")
                                  .arg(written[i].event_identifier, 8, 16, QChar('0'))));
    }
    if (count > 2) QVERIFY(output.contains(QStringLiteral("Zürich € 0x2")));
  }

  void writer_refuses_what_evt_cannot_hold_data() {
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("expected");
    QTest::newRow("time before 1970") << "created"
                                      << "created time";
    QTest::newRow("time after 2106") << "written"
                                     << "written time";
    QTest::newRow("user that is not a SID") << "user"
                                            << "is not a SID";
    QTest::newRow("string too long") << "string"
                                     << "insertion string 1";
    QTest::newRow("invalid UTF-8") << "utf8"
                                   << "not valid UTF-8";
    QTest::newRow("source too long") << "source"
                                     << "source has";
  }
  void writer_refuses_what_evt_cannot_hold() {
    QFETCH(QString, field);
    QFETCH(QString, expected);
    LogRecord r = sample_records(1)[0];
    if (field == "created") r.created_us = -1;
    if (field == "written") r.written_us = 0x100000000ll * 1000000;
    if (field == "user") r.user = "EXCHSRV1\\exadmin";
    if (field == "string") r.strings = {std::string(40000, 'x')};
    if (field == "utf8") r.strings = {"bad \xC3("};
    if (field == "source") r.source = std::string(300, 's');
    QTemporaryDir dir;
    const std::string path = dir.filePath("x.evt").toStdString();
    std::unique_ptr<msmilog::LogWriter> writer;
    QVERIFY(msmilog::create_evt_writer(path, {}, &writer).ok());
    QVERIFY(writer->write(sample_records(1)[0]).ok());
    const msmi::Status s = writer->write(r);
    QVERIFY(s.is_invalid_argument());
    QVERIFY2(s.message().find("record 2") != std::string::npos, s.message().c_str());
    QVERIFY2(s.message().find(path) != std::string::npos, s.message().c_str());
    QVERIFY2(s.message().find(expected.toStdString()) != std::string::npos, s.message().c_str());
    // The refused record leaves the file whole: the next record is number 2.
    QVERIFY(writer->write(sample_records(2)[1]).ok());
    QVERIFY(writer->finish().ok());
    const ReadBack back = read_evt(path);
    QCOMPARE(back.records.size(), 2u);
    QCOMPARE(back.records[1].record_number, 2u);
  }

  void damaged_files_lose_nothing_silently_data() {
    QTest::addColumn<Damage>("damage");
    QTest::addColumn<int>("read");
    QTest::addColumn<int>("skipped");
    QTest::addColumn<int>("missing");
    QTest::addColumn<int>("claimed");  // records the header (or end-of-file record) promises
    QTest::addColumn<QString>("malformed_text");
    QTest::addColumn<QString>("note_text");
    // Six records are written; offsets[i] is where record i+1 starts.
    QTest::newRow("truncated mid-record")
        << Damage([](std::string b, const auto& o) { return b.substr(0, o[3] + 30); }) << 3 << 1
        << 2 << 6 << "truncated"
        << "2 record(s) of 1–6 are missing";
    QTest::newRow("bad signature in a record") << Damage([](std::string b, const auto& o) {
      b.replace(o[2] + 4, 4, "XfXe");
      return b;
    }) << 5 << 1 << 0 << 6 << "no \"LfLe\" signature"
                                               << "";
    QTest::newRow("\"LfLe\" inside a damaged record is no record")
        << Damage([](std::string b, const auto& o) {
             b.replace(o[1] + 4, 4, "XfXe");
             // Record 2's insertion string now holds what looks like a record head.
             b.replace(o[1] + evt::load_u32(b, o[1] + 36), 8, std::string("\x40\0\0\0LfLe", 8));
             return b;
           })
        << 5 << 1 << 0 << 6 << "no \"LfLe\" signature"
        << "";
    QTest::newRow("2-GB Length in a record") << Damage([](std::string b, const auto& o) {
      evt::store_u32(&b, o[2], 0x80000000u);
      return b;
    }) << 5 << 1 << 0 << 6 << "Length 0x80000000"
                                             << "";
    QTest::newRow("2-GB DataOffset in a record") << Damage([](std::string b, const auto& o) {
      evt::store_u32(&b, o[1] + 0x34, 0x80000000u);
      evt::store_u32(&b, o[1] + 0x30, 4);
      return b;
    }) << 5 << 1 << 0 << 6 << "Data (offset 2147483648"
                                                 << "";
    QTest::newRow("2-GB StartOffset in the header") << Damage([](std::string b, const auto&) {
      evt::store_u32(&b, 16, 0x80000030u);
      return b;
    }) << 6 << 0 << 0 << 6 << ""
                                                    << "StartOffset 0x80000030";
    QTest::newRow("garbage over a whole record") << Damage([](std::string b, const auto& o) {
      for (std::size_t i = o[4]; i < o[5]; ++i) b[i] = static_cast<char>(0xAB);
      return b;
    }) << 5 << 1 << 0 << 6 << "signature"
                                                 << "";
    QTest::newRow("stale header, dirty flag") << Damage([](std::string b, const auto& o) {
      evt::store_u32(&b, 20, static_cast<std::uint32_t>(o[2]));  // EndOffset
      evt::store_u32(&b, 24, 3);                                 // CurrentRecordNumber
      evt::store_u32(&b, 36, evt::kFlagDirty);
      return b;
    }) << 6 << 0 << 0 << 6 << ""
                                              << "DIRTY";
    QTest::newRow("stale header, clean flag") << Damage([](std::string b, const auto&) {
      evt::store_u32(&b, 24, 4);
      evt::store_u32(&b, 28, 2);
      return b;
    }) << 6 << 0 << 0 << 6 << ""
                                              << "is stale";
    QTest::newRow("header promises records the file lacks")
        << Damage([](std::string b, const auto& o) {
             // Records 5 and 6 cut off cleanly: an end-of-file record right after record 4.
             evt::Header eof;
             eof.start_offset = evt::kHeaderSize;
             eof.end_offset = static_cast<std::uint32_t>(o[4]);
             eof.current_record_number = 7;
             eof.oldest_record_number = 1;
             return b.substr(0, o[4]) + evt::encode_eof_record(eof);
           })
        << 4 << 0 << 2 << 6 << ""
        << "2 record(s) of 1–6 are missing";
    QTest::newRow("a gap in the record numbers") << Damage([](std::string b, const auto& o) {
      // The last record is number 9 and the log says 1–9: 6, 7 and 8 are lost.
      evt::store_u32(&b, o[5] + 8, 9);
      evt::store_u32(&b, 24, 10);
      evt::store_u32(&b, b.size() - evt::kEofRecordSize + 28, 10);
      return b;
    }) << 6 << 0 << 3 << 9 << ""
                                                 << "jump from 5 to 9";
  }
  void damaged_files_lose_nothing_silently() {
    QFETCH(Damage, damage);
    QFETCH(int, read);
    QFETCH(int, skipped);
    QFETCH(int, missing);
    QFETCH(int, claimed);
    QFETCH(QString, malformed_text);
    QFETCH(QString, note_text);
    QTemporaryDir dir;
    const std::string clean = dir.filePath("clean.evt").toStdString();
    const std::vector<LogRecord> written = sample_records(6);
    write_evt(clean, written);
    const std::string bytes = read_file(clean);
    const std::string path = dir.filePath("damaged.evt").toStdString();
    write_file(path, damage(bytes, record_offsets(bytes)));

    // With libevt decoding and with msmisim's own walker alone, the same verdict.
    for (const bool use_libevt : {true, false}) {
      qInfo("reading %s", use_libevt ? "with libevt" : "without libevt");
      const ReadBack back = read_evt(path, use_libevt);
      const std::string notes = back.all_notes();
      QCOMPARE(static_cast<int>(back.records.size()), read);
      QCOMPARE(static_cast<int>(back.malformed.size()), skipped);
      QCOMPARE(static_cast<int>(back.missing), missing);
      QCOMPARE(back.recovered, 0u);
      // Nothing lost silently: every record the log claims is read, reported or counted missing.
      QCOMPARE(static_cast<int>(back.records.size() + back.malformed.size() + back.missing),
               claimed);
      for (const auto& issue : back.malformed) {
        QVERIFY2(issue.message.find(malformed_text.toStdString()) != std::string::npos,
                 issue.message.c_str());
        QVERIFY2(issue.message.find(path) != std::string::npos, issue.message.c_str());
        QVERIFY(issue.position >= evt::kHeaderSize);
        QVERIFY(issue.message.find("offset " + std::to_string(issue.position)) !=
                std::string::npos);
      }
      QVERIFY2(notes.find(note_text.toStdString()) != std::string::npos, notes.c_str());
      // Every record that came back is the one written under its number, field by field.
      for (const LogRecord& r : back.records) {
        if (r.record_number == 9) continue;  // the renumbered one
        QVERIFY(r.record_number >= 1 && r.record_number <= written.size());
        compare_records(r, as_stored(written[r.record_number - 1], r.record_number));
      }
    }
  }

  void wrapped_log_reads_in_log_order_data() {
    QTest::addColumn<bool>("use_libevt");
    QTest::newRow("libevt decoding") << true;
    QTest::newRow("own walker and free-space scan") << false;
  }
  void wrapped_log_reads_in_log_order() {
    QFETCH(bool, use_libevt);
    QTemporaryDir dir;
    const std::string path = dir.filePath("wrapped.evt").toStdString();
    const std::vector<LogRecord> records = sample_records(9);
    const std::string bytes = wrapped_log(records);
    QVERIFY(!bytes.empty());
    write_file(path, bytes);
    const ReadBack back = read_evt(path, use_libevt);
    const std::string notes = back.all_notes();
    QVERIFY2(back.malformed.empty(),
             back.malformed.empty() ? "" : back.malformed[0].message.c_str());
    QVERIFY2(notes.find("has wrapped") != std::string::npos, notes.c_str());
    // 11..18 in log order, then record 10 from the free space.
    QCOMPARE(back.records.size(), 9u);
    QCOMPARE(back.missing, 0u);
    QCOMPARE(back.recovered, 1u);
    for (std::size_t i = 0; i < 8; ++i) {
      // Written by the codec directly, so an empty computer stays empty.
      LogRecord want = as_stored(records[i + 1], static_cast<std::uint32_t>(11 + i));
      if (records[i + 1].computer.empty()) want.computer.clear();
      compare_records(back.records[i], want);
    }
    QCOMPARE(back.records[0].position, std::uint64_t{evt::load_u32(bytes, 16)});
    QVERIFY(back.records[2].position < back.records[0].position);  // after the wrap
    QCOMPARE(back.records[8].record_number, 10u);
    QVERIFY2(notes.find("record 10 recovered") != std::string::npos, notes.c_str());
  }

  // libevt stops at a record with a user SID and neither strings nor data, and files what
  // follows as "recovered": the walk reads them all as live records, in order.
  void record_with_sid_and_nothing_else() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("sid.evt").toStdString();
    std::vector<LogRecord> written = sample_records(6);
    written[2].user = "S-1-5-18";
    written[2].strings.clear();
    written[2].data.clear();
    write_evt(path, written);
    const ReadBack back = read_evt(path);
    QVERIFY(back.malformed.empty());
    QCOMPARE(back.records.size(), 6u);
    QCOMPARE(back.recovered, 0u);
    QCOMPARE(back.missing, 0u);
    for (std::size_t i = 0; i < written.size(); ++i) {
      compare_records(back.records[i], as_stored(written[i], static_cast<std::uint32_t>(i + 1)));
    }
    const std::vector<LogRecord> by_libevt = read_with_libevt(path);
    QCOMPARE(back.read_directly, 6u - by_libevt.size());
    if (by_libevt.size() < 6) {
      QVERIFY2(back.all_notes().find("(the first: record 3 at offset") != std::string::npos,
               back.all_notes().c_str());
    }
  }

  void format_registries() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("a.evt").toStdString();
    write_evt(path, sample_records(2));
    const std::string head = read_file(path).substr(0, 4096);
    const msmilog::LogFormat* found = nullptr;
    for (const auto& format : msmilog::log_formats()) {
      if (format.detect(head)) {
        found = &format;
        break;
      }
    }
    QVERIFY(found != nullptr);
    QCOMPARE(found->name, std::string_view("evt"));
    QVERIFY(!msmilog::detect_evt("<Events><Event xmlns="));
    QVERIFY(!msmilog::detect_evt(std::string("\x30\0\0\0ElfFile", 11)));  // Vista's .evtx
    std::unique_ptr<msmilog::LogReader> reader;
    QVERIFY(found->open(path, {}, &reader).ok());
    QCOMPARE(reader->format(), std::string_view("evt"));
    LogRecord r;
    QCOMPARE(reader->next(&r), msmilog::ReadResult::kRecord);

    bool exported = false;
    for (const auto& format : msmilog::log_export_formats()) {
      if (format.name == "evt") exported = format.binary;
    }
    QVERIFY(exported);
    std::unique_ptr<msmilog::LogWriter> writer;
    QVERIFY(msmilog::create_evt_writer("-", {}, &writer).is_invalid_argument());
  }

  void not_an_evt_file_is_refused_by_name() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("notes.txt").toStdString();
    write_file(path, "Date,Time,Source\n");
    std::unique_ptr<msmilog::EvtLogReader> reader;
    const msmi::Status s = msmilog::open_evt_reader(path, &reader);
    QVERIFY(s.is_corruption());
    QVERIFY2(s.message().find(path) != std::string::npos, s.message().c_str());
    QVERIFY(
        msmilog::open_evt_reader(dir.filePath("absent.evt").toStdString(), &reader).is_io_error());
  }

  // `msmisim import` of a log cut inside a record refuses it (exit 2) with one message naming
  // the file and the offset once each.
  void truncated_log_is_refused_naming_file_and_offset_once() {
    QTemporaryDir dir;
    const std::string clean = dir.filePath("clean.evt").toStdString();
    write_evt(clean, sample_records(6));
    const std::string bytes = read_file(clean);
    const std::vector<std::size_t> offsets = record_offsets(bytes);
    QVERIFY(offsets.size() >= 3);
    write_file(dir.filePath("cut.evt").toStdString(), bytes.substr(0, offsets[2] + 40));
    QProcess p;
    p.setWorkingDirectory(dir.path());
    p.start(MSMISIM_BINARY, {"import", "cut.evt", "--dry-run"});
    QVERIFY(p.waitForFinished(60'000));
    const QString err = QString::fromUtf8(p.readAllStandardError());
    QCOMPARE(p.exitCode(), 2);
    const QString offset = QString("offset %1").arg(offsets[2]);
    QVERIFY2(err.contains("cut.evt: record at " + offset) && err.contains("truncated"),
             qPrintable(err));
    QCOMPARE(err.count("cut.evt"), 1);
    QCOMPARE(err.count(offset), 1);
  }

  void utf16_and_sid_conversions() {
    std::string utf16;
    QVERIFY(evt::utf8_to_utf16le("a\xF0\x9F\x93\xA7", &utf16));  // a + U+1F4E7 (surrogates)
    QCOMPARE(utf16, std::string("a\0\x3D\xD8\xE7\xDC", 6));
    QCOMPARE(evt::utf16le_to_utf8(utf16), std::string("a\xF0\x9F\x93\xA7"));
    QCOMPARE(evt::utf16le_to_utf8(std::string("\x3D\xD8", 2)), std::string("\xEF\xBF\xBD"));
    QVERIFY(!evt::utf8_to_utf16le("\xC0\xAF", &utf16));  // overlong
    std::string sid;
    QVERIFY(evt::sid_from_text("S-1-5-21-1004336348-1177238915-682003330-500", &sid));
    QCOMPARE(sid.size(), 28u);
    QCOMPARE(evt::sid_to_text(sid), std::string("S-1-5-21-1004336348-1177238915-682003330-500"));
    QVERIFY(!evt::sid_from_text("S-1-", &sid));
    QVERIFY(!evt::sid_from_text("S-2-5-18", &sid));
    QVERIFY(!evt::sid_from_text("S-1-5-99999999999", &sid));
  }
};

QTEST_APPLESS_MAIN(TestImportEvt)
#include "tst_import_evt.moc"
