// Windows Vista+ event logs: wevtutil XML (with and without an <Events> root) and .evtx. Every
// export re-imports to the same record; the .evtx files msmisim writes are read by libevtx
// itself (and by libyal's evtxexport when installed); damaged files are reported, never a crash.

#include <libevtx.h>

#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "msmilog/event_xml.h"
#include "msmilog/evtx_log.h"
#include "msmilog/log_reader.h"
#include "msmilog/log_writer.h"

using msmilog::LogRecord;
using msmilog::NtEventType;
using msmilog::ReadResult;

namespace {

// 1997-05-22 12:55:53 UTC, the hour of KB Q151791's failure.
constexpr std::int64_t kMay22 = 864305753000000;

LogRecord base_record(std::uint32_t number) {
  LogRecord r;
  r.record_number = number;
  r.event_identifier = 0xC0000000u | 2342;
  r.type = NtEventType::kError;
  r.category = 3;
  r.category_name = "Session Error";
  r.created_us = kMay22 + number * 1'000'123;
  r.written_us = r.created_us;
  r.source = "MSExchangeMSMI";
  r.computer = "EXCHSRV1";
  r.user = "S-1-5-18";
  r.strings = {"0x15", "om_read"};
  r.description =
      "MS Mail Connector Interchange failed to put into XOM stream. Return code is 0x15.";
  return r;
}

// The record shapes every writer must carry through, by name.
LogRecord variant(const QString& name, std::uint32_t number = 1) {
  LogRecord r = base_record(number);
  if (name == "no qualifiers") {
    r.identifier_complete = false;
    r.event_identifier = msmilog::make_event_identifier(2342, NtEventType::kError);
  } else if (name == "zero qualifiers") {
    r.event_identifier = 9000;  // a facility-0 ID with no severity bits, as some sources log
    r.type = NtEventType::kInformation;
  } else if (name == "special characters") {
    r.strings = {"a & b <c> 'd' \"e\"", "]]> end", "tab\there"};
    r.description = "Line one & <two>\r\nLine 'three' \"four\"\r\n";
    r.category_name = "Mail & <Queue>";
  } else if (name == "non-ASCII") {
    r.strings = {"Café Zürich", "日本語", "Ελληνικά"};
    r.description = "Échec de la remise à « Müller »";
    r.computer = "SERVEUR-ÉTÉ";
  } else if (name == "supplementary plane") {
    // libevtx 20181227 decodes UTF-16 surrogate pairs wrongly: XML formats only.
    r.strings = {"emoji \xF0\x9F\x93\xA7"};
    r.description = "mail \xF0\x9F\x93\xA7";
  } else if (name == "binary data") {
    r.data = std::string("\x00\x01\x7F\x80\xFF", 5);
  } else if (name == "warning") {
    r.type = NtEventType::kWarning;
    r.event_identifier = 0x80000000u | 2111;
  } else if (name == "success") {
    r.type = NtEventType::kSuccess;
    r.event_identifier = 0x40000000u | 1001;
  } else if (name == "audit success") {
    r.type = NtEventType::kAuditSuccess;
    r.event_identifier = 0x40000000u | 528;
    r.source = "Security";
  } else if (name == "audit failure") {
    r.type = NtEventType::kAuditFailure;
    r.event_identifier = 0x40000000u | 529;
    r.source = "Security";
  } else if (name == "no user, no strings") {
    r.user.clear();
    r.strings.clear();
  } else if (name == "empty strings") {
    r.strings = {"", "x", ""};
  } else if (name == "no category") {
    r.category = 0;
    r.category_name.clear();
  }
  return r;
}

const QStringList kVariants = {"qualifiers",
                               "no qualifiers",
                               "zero qualifiers",
                               "special characters",
                               "non-ASCII",
                               "binary data",
                               "warning",
                               "success",
                               "audit success",
                               "audit failure",
                               "no user, no strings",
                               "empty strings",
                               "no category"};

const msmilog::LogExportFormat* export_format(std::string_view name) {
  for (const auto& f : msmilog::log_export_formats()) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

// The format log_formats() detects for the file at `path`, as the import pipeline would.
const msmilog::LogFormat* detect(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string head(4096, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  for (const auto& f : msmilog::log_formats()) {
    if (f.detect(head)) return &f;
  }
  return nullptr;
}

void write_file(const std::string& path, const std::vector<LogRecord>& records,
                std::string_view format) {
  const auto* f = export_format(format);
  QVERIFY2(f != nullptr, std::string(format).c_str());
  std::unique_ptr<msmilog::LogWriter> writer;
  msmilog::WriterOptions options;
  options.computer = "DEFAULTPC";
  QVERIFY(f->create(path, options, &writer).ok());
  for (const auto& r : records) {
    const msmi::Status s = writer->write(r);
    QVERIFY2(s.ok(), s.to_string().c_str());
  }
  QVERIFY(writer->finish().ok());
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

struct ReadBack {
  std::vector<LogRecord> records;
  std::vector<msmilog::ReadIssue> malformed;
  std::string sequence;  // "R" per record, "M" per malformed, in order
  std::vector<msmilog::ReadIssue> notes;
  std::uint64_t recovered = 0;
  std::string format;
};

// Opens `path` through the detected format and reads it to the end.
ReadBack read_all(const std::string& path) {
  ReadBack back;
  const auto* f = detect(path);
  if (f == nullptr) return back;
  back.format = f->name;
  std::unique_ptr<msmilog::LogReader> reader;
  const msmi::Status s = f->open(path, {}, &reader);
  if (!s.ok()) {
    back.format += " (open failed: " + s.to_string() + ")";
    return back;
  }
  LogRecord r;
  for (int guard = 0; guard < 1'000'000; ++guard) {
    const ReadResult result = reader->next(&r);
    if (result == ReadResult::kEnd) break;
    if (result == ReadResult::kRecord) {
      back.records.push_back(r);
      back.sequence += 'R';
    } else {
      back.malformed.push_back(reader->issue());
      back.sequence += 'M';
    }
  }
  back.notes = reader->notes();
  back.recovered = reader->recovered();
  return back;
}

// Field by field, so that a failure names the field.
void compare_records(const LogRecord& got, const LogRecord& want) {
  QCOMPARE(got.record_number, want.record_number);
  QCOMPARE(got.event_identifier, want.event_identifier);
  QCOMPARE(got.identifier_complete, want.identifier_complete);
  QCOMPARE(static_cast<int>(got.type), static_cast<int>(want.type));
  QCOMPARE(got.category, want.category);
  QCOMPARE(got.category_name, want.category_name);
  QCOMPARE(got.created_us, want.created_us);
  QCOMPARE(got.written_us, want.written_us);
  QCOMPARE(got.source, want.source);
  QCOMPARE(got.computer, want.computer);
  QCOMPARE(got.user, want.user);
  QCOMPARE(got.strings, want.strings);
  QCOMPARE(got.data, want.data);
  QCOMPARE(got.description, want.description);
}

bool has_note(const std::vector<msmilog::ReadIssue>& notes, const QString& fragment) {
  for (const auto& n : notes) {
    if (QString::fromStdString(n.message).contains(fragment)) return true;
  }
  return false;
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

const char* kNs = "xmlns='http://schemas.microsoft.com/win/2004/08/events/event'";

// A wevtutil-style event; `system` replaces the System children when given.
std::string event_xml(int id, const std::string& extra_system = "",
                      const std::string& id_element = "") {
  return std::string("<Event ") + kNs + "><System><Provider Name='MSExchangeMSMI'/>" +
         (id_element.empty() ? "<EventID Qualifiers='49152'>" + std::to_string(id) + "</EventID>"
                             : id_element) +
         "<Level>2</Level><Task>3</Task><Keywords>0x80000000000000</Keywords>"
         "<TimeCreated SystemTime='1997-05-22T12:55:53.000000000Z'/><EventRecordID>" +
         std::to_string(id) + "</EventRecordID><Channel>Application</Channel>" + extra_system +
         "<Computer>EXCHSRV1</Computer><Security/></System><EventData><Data>0x15</Data>"
         "</EventData></Event>";
}

}  // namespace

Q_DECLARE_METATYPE(std::string)

class TestImportEvtx : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  std::string path(const char* name) const { return dir_.filePath(name).toStdString(); }

 private slots:
  void registries_list_the_formats() {
    QVERIFY(export_format("xml") != nullptr);
    QVERIFY(export_format("evtx-xml") != nullptr);
    QVERIFY(export_format("evtx") != nullptr);
    QVERIFY(export_format("evtx")->binary);
    QVERIFY(!export_format("xml")->binary);
  }

  void detection_data() {
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<QString>("format");
    QTest::newRow("rooted") << QByteArray("<Events><Event xmlns='x'>") << "xml";
    QTest::newRow("declaration, BOM, comment")
        << QByteArray("\xEF\xBB\xBF<?xml version=\"1.0\"?>\r\n<!-- export -->\r\n<Events>")
        << "xml";
    QTest::newRow("rootless") << QByteArray("<Event xmlns='x'><System>") << "xml";
    QTest::newRow("rootless UTF-16") << QByteArray("\xFF\xFE<\0E\0v\0e\0n\0t\0 \0", 16) << "xml";
    QTest::newRow("evtx") << QByteArray("ElfFile\0\0\0\0\0", 12) << "evtx";
    QTest::newRow("other XML") << QByteArray("<html><body>") << "";
    QTest::newRow("element that only starts alike") << QByteArray("<EventsLog>") << "";
    QTest::newRow("EVT is not evtx") << QByteArray("\x30\0\0\0LfLe", 8) << "";
  }
  void detection() {
    QFETCH(QByteArray, head);
    QFETCH(QString, format);
    QString found;
    for (const auto& f : msmilog::log_formats()) {
      if ((f.name == "xml" || f.name == "evtx") &&
          f.detect(std::string_view(head.constData(), static_cast<std::size_t>(head.size())))) {
        found = QString::fromUtf8(f.name.data(), static_cast<int>(f.name.size()));
        break;
      }
    }
    QCOMPARE(found, format);
  }

  void xml_round_trip_data() {
    QTest::addColumn<QString>("format");
    QTest::addColumn<QString>("shape");
    for (const char* format : {"xml", "evtx-xml"}) {
      for (const QString& shape : kVariants + QStringList{"supplementary plane"}) {
        QTest::newRow(qPrintable(QString(format) + "/" + shape)) << QString(format) << shape;
      }
    }
  }
  void xml_round_trip() {
    QFETCH(QString, format);
    QFETCH(QString, shape);
    const std::string file = path("round_trip.xml");
    std::vector<LogRecord> records = {variant(shape, 1), variant("qualifiers", 2),
                                      variant(shape, 3)};
    write_file(file, records, format.toStdString());
    const std::string text = read_bytes(file);
    QCOMPARE(text.rfind("<Events>", 50) != std::string::npos, format == "xml");
    const ReadBack back = read_all(file);
    QCOMPARE(back.format, std::string("xml"));
    QCOMPARE(back.sequence, std::string("RRR"));
    for (std::size_t i = 0; i < records.size(); ++i) compare_records(back.records[i], records[i]);
    // One event per line: the position is its line.
    const std::uint64_t first_line = format == "xml" ? 3 : 1;
    QCOMPARE(back.records[0].position, first_line);
    QCOMPARE(back.records[2].position, first_line + 2);
  }

  void computer_defaults_to_the_option() {
    const std::string file = path("default_computer.xml");
    LogRecord r = base_record(1);
    r.computer.clear();
    write_file(file, {r}, "evtx-xml");
    const ReadBack back = read_all(file);
    QCOMPARE(back.records.size(), std::size_t{1});
    QCOMPARE(back.records[0].computer, std::string("DEFAULTPC"));
  }

  void writer_refuses_what_xml_cannot_hold_data() {
    QTest::addColumn<std::string>("text");
    QTest::addColumn<QString>("why");
    QTest::newRow("control character") << std::string("bell\x07") << "control character 0x07";
    QTest::newRow("not UTF-8") << std::string("caf\xE9") << "not UTF-8";
    QTest::newRow("lone surrogate") << std::string("\xED\xA0\x80") << "not UTF-8";
  }
  void writer_refuses_what_xml_cannot_hold() {
    QFETCH(std::string, text);
    QFETCH(QString, why);
    std::unique_ptr<msmilog::LogWriter> writer;
    QVERIFY(msmilog::create_event_xml_writer(path("refused.xml"), {}, &writer).ok());
    LogRecord r = base_record(7);
    r.strings = {"fine", text};
    const msmi::Status s = writer->write(r);
    QVERIFY(s.is_invalid_argument());
    const QString message = QString::fromStdString(s.message());
    QVERIFY2(message.contains("record 7") && message.contains("string 2") &&
                 message.contains(why) && message.contains("refused.xml"),
             qPrintable(message));
  }

  void rooted_and_rootless_data() {
    QTest::addColumn<QByteArray>("document");
    QTest::addColumn<int>("records");
    const std::string one = event_xml(1), two = event_xml(2);
    QTest::newRow("rooted with declaration")
        << QByteArray::fromStdString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<Events>\r\n" +
                                     one + "\r\n" + two + "\r\n</Events>\r\n")
        << 2;
    QTest::newRow("rootless, one per line")
        << QByteArray::fromStdString(one + "\r\n" + two + "\r\n") << 2;
    QTest::newRow("rootless, no line breaks") << QByteArray::fromStdString(one + two) << 2;
    QTest::newRow("rootless with BOM") << QByteArray::fromStdString("\xEF\xBB\xBF" + one) << 1;
    QTest::newRow("empty root") << QByteArray("<Events></Events>") << 0;
    QTest::newRow("pretty-printed")
        << QByteArray::fromStdString(
               "<Events>\n  <Event " + std::string(kNs) +
               ">\n    <System>\n      <Provider Name='MSExchangeMSMI'/>\n      "
               "<EventID>2342</EventID>\n"
               "      <Level>2</Level>\n      <TimeCreated SystemTime='1997-05-22T12:55:53Z'/>\n"
               "    </System>\n  </Event>\n</Events>\n")
        << 1;
    // PowerShell's `>` writes UTF-16LE with a byte order mark.
    QString utf16_text = QString::fromStdString(one + "\r\n" + two + "\r\n");
    QByteArray utf16("\xFF\xFE", 2);
    utf16.append(reinterpret_cast<const char*>(utf16_text.utf16()), utf16_text.size() * 2);
    QTest::newRow("rootless UTF-16LE") << utf16 << 2;
  }
  void rooted_and_rootless() {
    QFETCH(QByteArray, document);
    QFETCH(int, records);
    const std::string file = path("shape.xml");
    write_text(file, document.toStdString());
    const ReadBack back = read_all(file);
    QCOMPARE(back.format, std::string("xml"));
    QVERIFY2(back.malformed.empty(),
             back.malformed.empty() ? "" : back.malformed[0].message.c_str());
    QCOMPARE(static_cast<int>(back.records.size()), records);
    for (const auto& r : back.records) {
      QCOMPARE(r.source, std::string("MSExchangeMSMI"));
      QCOMPARE(r.displayed_id() == 2342 || r.displayed_id() == 1 || r.displayed_id() == 2, true);
      QCOMPARE(r.created_us, kMay22);
      QCOMPARE(static_cast<int>(r.type), static_cast<int>(NtEventType::kError));
    }
  }

  void malformed_data() {
    QTest::addColumn<QByteArray>("document");
    QTest::addColumn<std::string>("sequence");
    QTest::addColumn<int>("line");
    QTest::addColumn<QString>("message");
    const std::string good = event_xml(1);
    auto doc = [&](const std::string& middle) {
      return QByteArray::fromStdString("<Events>\n" + good + "\n" + middle + "\n" + good +
                                       "\n</Events>\n");
    };
    QTest::newRow("missing EventID") << doc(event_xml(2, "", "<Version>0</Version>"))
                                     << std::string("RMR") << 3 << "System/EventID is missing";
    QTest::newRow("EventID not a number") << doc(event_xml(2, "", "<EventID>12x</EventID>"))
                                          << std::string("RMR") << 3 << "'12x' is not a number";
    QTest::newRow("EventID too large") << doc(event_xml(2, "", "<EventID>70000</EventID>"))
                                       << std::string("RMR") << 3 << "from 0 to 65535";
    QTest::newRow("Qualifiers not a number")
        << doc(event_xml(2, "", "<EventID Qualifiers='high'>5</EventID>")) << std::string("RMR")
        << 3 << "Qualifiers 'high'";
    QTest::newRow("missing TimeCreated")
        << doc("<Event><System><Provider Name='X'/><EventID>1</EventID></System></Event>")
        << std::string("RMR") << 3 << "TimeCreated has no SystemTime";
    QTest::newRow("missing Provider") << doc("<Event><System><EventID>1</EventID></System></Event>")
                                      << std::string("RMR") << 3 << "Provider has no Name";
    // Not well-formed: expat stops; what came before is kept.
    QTest::newRow("mismatched tag")
        << QByteArray::fromStdString("<Events>\n" + good + "\n<Event><System></Sys>\n" + good)
        << std::string("RM") << 3 << "mismatched tag";
    QTest::newRow("truncated mid-event")
        << QByteArray::fromStdString(good + "\n" + good.substr(0, 120)) << std::string("RM") << 2
        << "not well-formed";
    QTest::newRow("bad entity") << QByteArray::fromStdString(
                                       "<Events>\n\n\n<Event><System>&nbsp;</System></Event>")
                                << std::string("M") << 4 << "undefined entity";
  }
  void malformed() {
    QFETCH(QByteArray, document);
    QFETCH(std::string, sequence);
    QFETCH(int, line);
    QFETCH(QString, message);
    const std::string file = path("malformed.xml");
    write_text(file, document.toStdString());
    const ReadBack back = read_all(file);
    QCOMPARE(back.format, std::string("xml"));
    QCOMPARE(back.sequence, sequence);
    QCOMPARE(back.malformed.size(), std::size_t{1});
    QCOMPARE(back.malformed[0].position, static_cast<std::uint64_t>(line));
    QVERIFY(back.malformed[0].is_line);
    QVERIFY2(QString::fromStdString(back.malformed[0].message).contains(message),
             back.malformed[0].message.c_str());
  }

  void qualifiers_data() {
    QTest::addColumn<QString>("id_element");
    QTest::addColumn<int>("level");
    QTest::addColumn<uint>("identifier");
    QTest::addColumn<bool>("complete");
    QTest::newRow("error with qualifiers")
        << "<EventID Qualifiers='49152'>2342</EventID>" << 2 << 0xC0000926u << true;
    QTest::newRow("qualifiers zero")
        << "<EventID Qualifiers='0'>2342</EventID>" << 2 << 0x00000926u << true;
    QTest::newRow("error without qualifiers")
        << "<EventID>2342</EventID>" << 2 << 0xC0000926u << false;
    QTest::newRow("warning without qualifiers")
        << "<EventID>2342</EventID>" << 3 << 0x80000926u << false;
    QTest::newRow("information without qualifiers")
        << "<EventID>2342</EventID>" << 4 << 0x40000926u << false;
    QTest::newRow("critical is an error") << "<EventID>7</EventID>" << 1 << 0xC0000007u << false;
  }
  void qualifiers() {
    QFETCH(QString, id_element);
    QFETCH(int, level);
    QFETCH(uint, identifier);
    QFETCH(bool, complete);
    std::string xml = event_xml(1, "", id_element.toStdString());
    const std::string level_text = "<Level>" + std::to_string(level) + "</Level>";
    xml.replace(xml.find("<Level>2</Level>"), 16, level_text);
    const std::string file = path("qualifiers.xml");
    write_text(file, xml);
    const ReadBack back = read_all(file);
    QCOMPARE(back.records.size(), std::size_t{1});
    QCOMPARE(back.records[0].event_identifier, static_cast<std::uint32_t>(identifier));
    QCOMPARE(back.records[0].identifier_complete, complete);
  }

  void large_xml_streams() {
    // More than one 64 KiB chunk, with events split across chunk boundaries.
    const std::string file = path("large.xml");
    std::vector<LogRecord> records;
    for (std::uint32_t i = 1; i <= 600; ++i) records.push_back(variant("special characters", i));
    write_file(file, records, "evtx-xml");
    QVERIFY(read_bytes(file).size() > 3 * 65536);
    const ReadBack back = read_all(file);
    QCOMPARE(back.records.size(), records.size());
    compare_records(back.records[599], records[599]);
  }

  void evtx_round_trip_data() {
    QTest::addColumn<QString>("shape");
    QTest::addColumn<int>("count");
    for (const QString& shape : kVariants) QTest::newRow(qPrintable(shape)) << shape << 3;
    QTest::newRow("many chunks") << "special characters" << 1500;
  }
  void evtx_round_trip() {
    QFETCH(QString, shape);
    QFETCH(int, count);
    const std::string file = path("round_trip.evtx");
    std::vector<LogRecord> records;
    for (int i = 1; i <= count; ++i) {
      LogRecord r =
          variant(i % 2 == 0 ? QString("qualifiers") : shape, static_cast<std::uint32_t>(i));
      r.written_us = r.created_us + 2'000'000;  // .evtx keeps both times
      records.push_back(r);
    }
    write_file(file, records, "evtx");
    const ReadBack back = read_all(file);
    QCOMPARE(back.format, std::string("evtx"));
    QCOMPARE(back.sequence, std::string(static_cast<std::size_t>(count), 'R'));
    QVERIFY2(back.notes.empty(), back.notes.empty() ? "" : back.notes[0].message.c_str());
    for (std::size_t i = 0; i < records.size(); ++i) {
      LogRecord want = records[i];
      want.description.clear();  // an .evtx stores no rendered text
      want.category_name.clear();
      compare_records(back.records[i], want);
    }
    QCOMPARE(back.records[0].position, std::uint64_t{4096 + 512});
    QVERIFY(back.records.back().position > back.records.front().position);

    // libevtx on its own agrees.
    libevtx_file_t* evtx = nullptr;
    QCOMPARE(libevtx_file_initialize(&evtx, nullptr), 1);
    QCOMPARE(libevtx_file_open(evtx, file.c_str(), LIBEVTX_OPEN_READ, nullptr), 1);
    int number = 0;
    QCOMPARE(libevtx_file_get_number_of_records(evtx, &number, nullptr), 1);
    QCOMPARE(number, count);
    QCOMPARE(libevtx_file_is_corrupted(evtx, nullptr), 0);
    libevtx_record_t* record = nullptr;
    QCOMPARE(libevtx_file_get_record_by_index(evtx, 0, &record, nullptr), 1);
    std::uint32_t id = 0;
    std::uint8_t level = 0;
    QCOMPARE(libevtx_record_get_event_identifier(record, &id, nullptr), 1);
    QCOMPARE(id, records[0].event_identifier & 0xFFFFu);
    std::uint32_t qualifiers = 0;
    QCOMPARE(libevtx_record_get_event_identifier_qualifiers(record, &qualifiers, nullptr),
             records[0].identifier_complete ? 1 : 0);
    if (records[0].identifier_complete) QCOMPARE(qualifiers, records[0].event_identifier >> 16);
    QCOMPARE(libevtx_record_get_event_level(record, &level, nullptr), 1);
    std::uint64_t filetime = 0;
    QCOMPARE(libevtx_record_get_written_time(record, &filetime, nullptr), 1);
    QCOMPARE(static_cast<std::int64_t>(filetime / 10 - 11644473600000000ull),
             records[0].written_us);
    char source[256] = {};
    QCOMPARE(libevtx_record_get_utf8_source_name(record, reinterpret_cast<std::uint8_t*>(source),
                                                 sizeof source, nullptr),
             1);
    QCOMPARE(std::string(source), records[0].source);
    int strings = 0;
    QCOMPARE(libevtx_record_get_number_of_strings(record, &strings, nullptr), 1);
    // libevtx counts <Binary> among the strings.
    QCOMPARE(strings,
             static_cast<int>(records[0].strings.size() + (records[0].data.empty() ? 0 : 1)));
    libevtx_record_free(&record, nullptr);
    libevtx_file_close(evtx, nullptr);
    libevtx_file_free(&evtx, nullptr);
  }

  void evtxexport_reads_our_files() {
    const QString tool = QStandardPaths::findExecutable("evtxexport");
    if (tool.isEmpty()) QSKIP("libyal's evtxexport is not installed");
    const std::string file = path("export.evtx");
    write_file(file, {variant("non-ASCII", 1), variant("no qualifiers", 2)}, "evtx");
    QProcess process;
    process.start(tool, {QString::fromStdString(file)});
    QVERIFY(process.waitForFinished(30000));
    const QString out = QString::fromUtf8(process.readAllStandardOutput());
    QCOMPARE(process.exitCode(), 0);
    QVERIFY2(!out.contains("Unable to export"), qPrintable(out));
    QVERIFY2(out.contains("Event identifier\t\t: 0x00000926 (2342)"), qPrintable(out));
    QVERIFY2(out.contains("Café Zürich"), qPrintable(out));
    QVERIFY2(out.contains("Computer name\t\t\t: SERVEUR-ÉTÉ"), qPrintable(out));
  }

  void evtx_writer_refuses_what_it_cannot_hold() {
    std::unique_ptr<msmilog::LogWriter> writer;
    QVERIFY(msmilog::create_evtx_writer("-", {}, &writer).is_invalid_argument());
    QVERIFY(msmilog::create_evtx_writer(path("huge.evtx"), {}, &writer).ok());
    LogRecord r = base_record(1);
    r.strings = {std::string(40000, 'x')};  // 80,000 bytes of UTF-16: more than a chunk
    const msmi::Status s = writer->write(r);
    QVERIFY(s.is_invalid_argument());
    QVERIFY2(QString::fromStdString(s.message()).contains("huge.evtx"), s.message().c_str());
    r.strings = {"caf\xE9"};
    QVERIFY(writer->write(r).is_invalid_argument());
    QVERIFY(writer->write(base_record(2)).ok());
    QVERIFY(writer->finish().ok());
    QCOMPARE(read_all(path("huge.evtx")).records.size(), std::size_t{1});
  }

  void damaged_evtx_data() {
    QTest::addColumn<QString>("damage");
    QTest::addColumn<int>("records");
    QTest::addColumn<QString>("note");
    // 900 records fill at least three chunks; chunk 1 starts at 4096 + 65536.
    QTest::newRow("bad event records checksum")
        << "flip 70200" << 900 << "chunk 1 at offset 69632: the event records' checksum";
    QTest::newRow("bad chunk header checksum")
        << "flip 69700" << 900 << "chunk 1 at offset 69632: the chunk header's checksum";
    QTest::newRow("bad file header checksum") << "flip 60" << 900 << "file header's checksum";
    QTest::newRow("truncated mid-chunk") << "truncate 150000" << -1 << "is cut short";
    QTest::newRow("truncated: records not returned")
        << "truncate 150000" << -1 << "are in the file but libevtx did not return them";
    QTest::newRow("truncated at a chunk boundary")
        << "truncate 135168" << -1 << "chunks; the file holds 2";
    // libevtx recovers the records of a chunk without signature.
    QTest::newRow("bad chunk signature")
        << "zero 69632" << 900 << "chunk 1 at offset 69632 has no chunk signature";
    QTest::newRow("bad chunk signature: recovered")
        << "zero 69632" << 900 << "were recovered by libevtx from outside the live log";
  }
  void damaged_evtx() {
    QFETCH(QString, damage);
    QFETCH(int, records);
    QFETCH(QString, note);
    const std::string file = path("damaged.evtx");
    std::vector<LogRecord> written;
    for (std::uint32_t i = 1; i <= 900; ++i) written.push_back(variant("qualifiers", i));
    write_file(file, written, "evtx");
    std::string bytes = read_bytes(file);
    QVERIFY(bytes.size() >= std::size_t{4096 + 3 * 65536});
    const QStringList words = damage.split(' ');
    const std::size_t at = words[1].toULongLong();
    if (words[0] == "flip") bytes[at] = static_cast<char>(bytes[at] ^ 0x5A);
    if (words[0] == "truncate") bytes.resize(at);
    if (words[0] == "zero")
      std::fill(bytes.begin() + static_cast<std::ptrdiff_t>(at),
                bytes.begin() + static_cast<std::ptrdiff_t>(at + 8), '\0');
    write_text(file, bytes);
    const ReadBack back = read_all(file);
    QCOMPARE(back.format, std::string("evtx"));
    if (damage.startsWith("zero")) QVERIFY(back.recovered > 0);
    if (records >= 0) {
      QCOMPARE(static_cast<int>(back.records.size()), records);
    } else {
      QVERIFY(back.records.size() < written.size());
    }
    QVERIFY2(has_note(back.notes, note), [&] {
      static std::string all;
      all.clear();
      for (const auto& n : back.notes) all += n.message + "\n";
      return all.c_str();
    }());
  }

  void unreadable_record_is_malformed_and_reading_continues() {
    const std::string file = path("bad_record.evtx");
    write_file(file, {base_record(1), base_record(2), base_record(3)}, "evtx");
    std::string bytes = read_bytes(file);
    const std::size_t second = bytes.find(std::string("\x2a\x2a\x00\x00", 4), 4096 + 512 + 4);
    QVERIFY(second != std::string::npos);
    bytes[second + 24] = '\xFF';  // its binary XML no longer starts with a fragment header
    write_text(file, bytes);
    const ReadBack back = read_all(file);
    QCOMPARE(back.sequence, std::string("RMR"));
    QVERIFY2(QString::fromStdString(back.malformed[0].message).contains("record index 1"),
             back.malformed[0].message.c_str());
    QCOMPARE(back.records[1].record_number, std::uint32_t{3});
    QVERIFY(has_note(back.notes, "record 2 at offset " + QString::number(second) +
                                     " is in the file but libevtx did not return it"));
    QVERIFY(has_note(back.notes, "record 2 is missing"));
  }

  void unreadable_evtx_is_an_error() {
    const std::string file = path("short.evtx");
    write_text(file, std::string("ElfFile\0", 8) + std::string(100, '\0'));
    std::unique_ptr<msmilog::LogReader> reader;
    const msmi::Status s = msmilog::open_evtx_reader(file, {}, &reader);
    QVERIFY(s.is_corruption());
    QVERIFY2(QString::fromStdString(s.message()).contains("short.evtx"), s.message().c_str());
    // No record and a header at odds with the file: the signature alone, not an empty log.
    const std::string empty = path("empty.evtx");
    write_file(empty, {}, "evtx");
    QVERIFY(msmilog::open_evtx_reader(empty, {}, &reader).ok());  // a log with nothing in it
    std::string bytes = read_bytes(empty);
    bytes[60] = static_cast<char>(bytes[60] ^ 0x5A);
    write_text(empty, bytes);
    const msmi::Status damaged = msmilog::open_evtx_reader(empty, {}, &reader);
    QVERIFY(damaged.is_corruption());
    QVERIFY2(QString::fromStdString(damaged.message())
                 .contains("empty.evtx: not a readable .evtx file: no record in it, and the file "
                           "header's checksum does not match"),
             damaged.message().c_str());
    QVERIFY(msmilog::open_evtx_reader(path("absent.evtx"), {}, &reader).is_io_error());
    QVERIFY(msmilog::open_event_xml_reader(path("absent.xml"), {}, &reader).is_io_error());
  }

  // A UTF-8 file is read by msmisim's own scanner, handing over to expat (which reads the file
  // again from its start) wherever it leaves the plain subset; a UTF-16 file is read by expat
  // alone. Whatever the document, both must give the same records, malformed records, lines
  // and reasons, so each document is read in both encodings and the readings compared.
  void scanner_reads_as_expat_does_data() {
    QTest::addColumn<QByteArray>("document");
    QTest::addColumn<std::string>("sequence");
    const std::string one = event_xml(1), two = event_xml(2), three = event_xml(3);
    const std::string decl = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n";
    auto rooted = [&](const std::string& middle) {
      return QByteArray::fromStdString(decl + "<Events>\r\n" + one + "\r\n" + middle + "\r\n" +
                                       three + "\r\n</Events>\r\n");
    };
    auto with_data = [&](const std::string& data) {
      std::string xml = event_xml(2);
      xml.replace(xml.find("<Data>0x15</Data>"), 17, "<Data>" + data + "</Data>");
      return xml;
    };
    auto row = [](const char* name, const QByteArray& document, const char* sequence) {
      QTest::newRow(name) << document << std::string(sequence);
    };
    row("plain, rooted", rooted(two), "RRR");
    row("plain, rootless", QByteArray::fromStdString(one + "\r\n" + two + "\n" + three), "RRR");
    row("references",
        rooted(with_data("&lt;&gt;&amp;&quot;&apos;&#65;&#x42;&#13;&#10;&#x1F4E7;]]")), "RRR");
    row("references in attributes",
        rooted("<Event><System><Provider Name='a&amp;b &gt; c&#9;d&#10;'/><EventID>5</EventID>"
               "<TimeCreated SystemTime='1997-05-22T12:55:53Z'/></System></Event>"),
        "RRR");
    row("double quotes, spaces in tags",
        rooted("<Event ><System\t><Provider  Name = \"X\" /><EventID >5</EventID >"
               "<TimeCreated SystemTime=\"1997-05-22T12:55:53Z\"></TimeCreated></System></Event>"),
        "RRR");
    row("tags across lines",
        rooted("<Event\r\n  xmlns='x'\r\n><System><Provider\r\nName='X'/><EventID>5</EventID>"
               "\n<TimeCreated\nSystemTime='1997-05-22T12:55:53Z'/></System></Event>\r\n" +
               event_xml(4, "", "<Version>0</Version>")),
        "RRMR");
    row("non-ASCII", rooted(with_data("Caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x93\xA7")),
        "RRR");
    row("CRLF in text", rooted(with_data("a\r\nb\r\n")), "RRR");
    row("declaration: standalone, single quotes",
        QByteArray::fromStdString("\xEF\xBB\xBF<?xml version='1.0' encoding='utf-8' "
                                  "standalone='yes' ?>\n<Events>" +
                                  one + "</Events>"),
        "R");
    // Outside the subset: expat reads these.
    row("comment", rooted("<!-- a note -->" + two), "RRR");
    row("CDATA", rooted(with_data("<![CDATA[a<b & c]]>")), "RRR");
    row("processing instruction", rooted("<?note x?>" + two), "RRR");
    row("tab and line break in an attribute",
        rooted("<Event><System><Provider Name='a\tb\r\nc'/><EventID>5</EventID>"
               "<TimeCreated SystemTime='1997-05-22T12:55:53Z'/></System></Event>"),
        "RRR");
    row("CR line ends",
        QByteArray::fromStdString(one + "\r" + two + "\r" +
                                  event_xml(4, "", "<Version>0</Version>") + "\r" + three),
        "RRMR");
    row("white space before the declaration", QByteArray::fromStdString(" " + decl + one), "M");
    row("undefined entity", rooted(with_data("&nbsp;")), "RM");
    row("reference to a control character", rooted(with_data("&#1;")), "RM");
    row("control character", rooted(with_data("a\x01b")), "RM");
    row("]]> in text", rooted(with_data("a]]>b")), "RM");
    row("mismatched tag", rooted("<Event><System></Sys>"), "RM");
    row("attribute twice", rooted("<Event a='1' a='2'></Event>"), "RM");
    row("attribute without quotes", rooted("<Event a=1></Event>"), "RM");
    row("content after the root",
        QByteArray::fromStdString(decl + "<Events>" + one + "</Events>\r\n" + two), "RM");
    row("root closed in a rootless file", QByteArray::fromStdString(one + "</Events>" + two), "RM");
    row("unclosed root", QByteArray::fromStdString(decl + "<Events>" + one + "\r\n" + two), "RRM");
    row("truncated in a tag", QByteArray::fromStdString(one + "\r\n<Event><System><Provider Na"),
        "RM");
    // Past the first chunks, so the scanner has returned records before expat takes over.
    std::string many = decl + "<Events>\r\n";
    std::string expected;
    for (int i = 1; i <= 400; ++i) {
      many += event_xml(i) + "\r\n";
      expected += 'R';
    }
    row("a comment after 400 events",
        QByteArray::fromStdString(many + "<!-- x -->" + two + "</Events>"),
        (expected + "R").c_str());
    row("malformed after 400 events",
        QByteArray::fromStdString(many + with_data("&bad;") + two + "</Events>"),
        (expected + "M").c_str());
  }
  void scanner_reads_as_expat_does() {
    QFETCH(QByteArray, document);
    QFETCH(std::string, sequence);
    const std::string utf8_file = path("scanned.xml");
    write_text(utf8_file, document.toStdString());
    // The same document in UTF-16LE with a byte order mark, which expat alone reads.
    QString text = QString::fromUtf8(document);
    if (text.startsWith(QChar(0xFEFF))) text.remove(0, 1);
    text.replace("encoding=\"UTF-8\"", "encoding=\"UTF-16\"");
    text.replace("encoding='utf-8'", "encoding='utf-16'");
    QByteArray utf16("\xFF\xFE", 2);
    utf16.append(reinterpret_cast<const char*>(text.utf16()), text.size() * 2);
    const std::string utf16_file = path("expat.xml");
    write_text(utf16_file, utf16.toStdString());

    const ReadBack scanned = read_all(utf8_file);
    const ReadBack expat = read_all(utf16_file);
    QCOMPARE(scanned.format, std::string("xml"));
    QCOMPARE(expat.format, std::string("xml"));
    QCOMPARE(expat.sequence, sequence);  // the row says what expat makes of it
    QCOMPARE(scanned.sequence, expat.sequence);
    for (std::size_t i = 0; i < expat.records.size(); ++i) {
      compare_records(scanned.records[i], expat.records[i]);
      QCOMPARE(scanned.records[i].position, expat.records[i].position);
    }
    for (std::size_t i = 0; i < expat.malformed.size(); ++i) {
      QCOMPARE(scanned.malformed[i].position, expat.malformed[i].position);
      // Columns count code units, which differ between the encodings.
      const QRegularExpression column(", column \\d+");
      QCOMPARE(QString::fromStdString(scanned.malformed[i].message).remove(column),
               QString::fromStdString(expat.malformed[i].message).remove(column));
    }
  }

  // Bytes that are not UTF-8 cannot be written as UTF-16 for the comparison above: expat's
  // verdict on them, through the scanner's hand-over, is checked directly.
  void scanner_hands_invalid_utf8_to_expat_data() {
    QTest::addColumn<QByteArray>("bad");
    QTest::newRow("stray continuation byte") << QByteArray(
        "a\x80"
        "b");
    QTest::newRow("overlong form") << QByteArray(
        "a\xC0\xAF"
        "b");
    QTest::newRow("encoded surrogate") << QByteArray(
        "a\xED\xA0\x80"
        "b");
    QTest::newRow("truncated sequence") << QByteArray("a\xE6\x97");
  }
  void scanner_hands_invalid_utf8_to_expat() {
    QFETCH(QByteArray, bad);
    std::string xml = event_xml(2);
    xml.replace(xml.find("<Data>0x15</Data>"), 17, "<Data>" + bad.toStdString() + "</Data>");
    const std::string file = path("bad-utf8.xml");
    write_text(file,
               "<Events>\n" + event_xml(1) + "\n\n" + xml + "\n" + event_xml(3) + "</Events>");
    const ReadBack back = read_all(file);
    QCOMPARE(back.sequence, std::string("RM"));
    QCOMPARE(back.malformed[0].position, std::uint64_t{4});
    QVERIFY2(QString::fromStdString(back.malformed[0].message).contains("not well-formed"),
             back.malformed[0].message.c_str());
  }
};

QTEST_APPLESS_MAIN(TestImportEvtx)
#include "tst_import_evtx.moc"
