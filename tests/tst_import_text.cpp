// Event Viewer's CSV and NT 4.0's text exports: what msmisim writes reads back field by field
// (insertion strings recovered from the descriptions through the catalogue), the format is
// detected from the file's first line, dates are read day/month or month/day as the file
// decides (or as --date-order says), and damaged lines are reported with their line numbers
// while reading goes on. Every fixture is written here by the project's own writers and then
// damaged on purpose.

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "msmilog/description_rendering.h"
#include "msmilog/log_reader.h"
#include "msmilog/log_writer.h"
#include "msmilog/template_match.h"
#include "msmilog/time_format.h"
#include "msmisim/world_events.h"

using Strings = std::vector<std::string>;
Q_DECLARE_METATYPE(Strings)
Q_DECLARE_METATYPE(msmilog::DateOrder)

namespace {

const std::vector<msmi::EventSpec>& catalogue() {
  return msmisim::any_event_catalogue();
}

std::int64_t at(const char* iso) {
  std::int64_t us = 0;
  if (!msmilog::parse_iso8601_utc(iso, &us)) qFatal("bad time %s", iso);
  return us;
}

msmilog::LogRecord make_record(int id, msmilog::NtEventType type, const std::string& source,
                               const Strings& strings, const char* created,
                               const std::string& category_name = "",
                               const std::string& user = "") {
  msmilog::LogRecord r;
  r.event_identifier = msmilog::make_event_identifier(id, type);
  r.identifier_complete = false;
  r.type = type;
  r.category_name = category_name;
  r.created_us = r.written_us = at(created);
  r.source = source;
  r.computer = "EXCHSRV1";
  r.user = user;
  r.strings = strings;
  r.description = msmilog::render_description(catalogue(), source, id, strings);
  return r;
}

// The records every round trip writes: catalogue events with strings that are hard to split
// back (2117's subjects with brackets, commas and quotes), 2380, an ID the catalogue lacks, a
// description with a line break, non-ASCII text, audits and a user.
std::vector<msmilog::LogRecord> sample_records() {
  using T = msmilog::NtEventType;
  const std::string msmi = "MSExchangeMSMI";
  return {
      make_record(2342, T::kError, msmi, {"0x15"}, "1997-05-22T09:00:00", "Session Error"),
      make_record(2117, T::kWarning, msmi,
                  {"NET/PO/JSMITH", "Re: [budget] Q3, \"final\"", "030",
                   "Message contains duplicated Email address", "NET/PO/AJONES"},
                  "1997-05-22T13:05:09", "NDR"),
      make_record(2117, T::kWarning, msmi,
                  {"ANZAUDCU/MEL227TRK0/$SYSTEM", "SrvTx R=3 S=87298 (was 0), I=2 15603 sen", "004",
                   "Message circular route detected", "ANZAUDCU /MEL227TRK ANZAUDCU /MEL227TRK K /",
                   "ANZAUDCU/MEL227TRK/SYSTEM1"},
                  "1997-05-23T00:00:01", "NDR"),
      make_record(2380, T::kError, msmi, {"0x480df78", "0x4496c2"}, "1997-06-01T12:00:00",
                  "Session Error"),
      make_record(4242, T::kInformation, msmi, {"alpha", "beta"}, "1997-06-02T23:59:59"),
      make_record(10000, T::kInformation, msmi, {"MDBEF parsing failed,\r\nsee \"next\" line"},
                  "1997-06-03T08:00:00", "Debug Data"),
      make_record(2446, T::kError, msmi, {"Grüße aus Köln", "NET/PO/MÜLLER"}, "1997-06-04T17:30:00",
                  "Session Error"),
      make_record(2335, T::kInformation, msmi, {}, "1997-06-05T10:00:00", "Session Data",
                  "EXCHSRV1\\Administrator"),
      make_record(7036, T::kAuditSuccess, "Service Control Manager",
                  {"MS Mail Connector Interchange", "running"}, "2005-01-02T03:04:05"),
      make_record(529, T::kAuditFailure, "Security", {}, "2005-01-02T15:04:05", "Logon/Logoff",
                  "SYSTEM"),
  };
}

std::string read_file(const QString& path) {
  std::ifstream in(path.toStdString(), std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void write_file(const QString& path, const std::string& bytes) {
  std::ofstream out(path.toStdString(), std::ios::binary | std::ios::trunc);
  out << bytes;
}

const msmilog::LogExportFormat* export_format(std::string_view name) {
  for (const auto& format : msmilog::log_export_formats()) {
    if (format.name == name) return &format;
  }
  return nullptr;
}

bool write_records(std::string_view format_name, const QString& path,
                   const std::vector<msmilog::LogRecord>& records) {
  const msmilog::LogExportFormat* format = export_format(format_name);
  if (format == nullptr) return false;
  std::unique_ptr<msmilog::LogWriter> writer;
  if (!format->create(path.toStdString(), msmilog::WriterOptions{"FALLBACK"}, &writer).ok())
    return false;
  for (const auto& record : records) {
    if (!writer->write(record).ok()) return false;
  }
  return writer->finish().ok();
}

// The name of the first format of log_formats() that claims the file, as the import does.
std::string detect(const QString& path) {
  const std::string head = read_file(path).substr(0, 4096);
  for (const auto& format : msmilog::log_formats()) {
    if (format.detect(head)) return std::string(format.name);
  }
  return "";
}

msmi::Status open_detected(const QString& path, msmilog::DateOrder order,
                           std::unique_ptr<msmilog::LogReader>* reader) {
  const std::string name = detect(path);
  msmilog::ReaderOptions options;
  options.date_order = order;
  options.catalogue = &catalogue();
  for (const auto& format : msmilog::log_formats()) {
    if (format.name == name) return format.open(path.toStdString(), options, reader);
  }
  return msmi::Status::InvalidArgument("no format detected");
}

// What a reader returns, one entry per next(): "R" for a record, "M<line>" for a malformed one.
struct Outcome {
  std::vector<std::string> steps;
  std::vector<msmilog::LogRecord> records;
  std::vector<std::string> issues;
};

Outcome read_all(msmilog::LogReader& reader) {
  Outcome outcome;
  for (int guard = 0; guard < 10000; ++guard) {
    msmilog::LogRecord record;
    const msmilog::ReadResult result = reader.next(&record);
    if (result == msmilog::ReadResult::kEnd) break;
    if (result == msmilog::ReadResult::kRecord) {
      outcome.steps.push_back("R");
      outcome.records.push_back(record);
    } else {
      outcome.steps.push_back("M" + std::to_string(reader.issue().position));
      outcome.issues.push_back(reader.issue().message);
      if (!reader.issue().is_line) outcome.issues.back() += " (not a line)";
    }
  }
  return outcome;
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& part : parts) out += (out.empty() ? "" : " ") + part;
  return out;
}

// A comma-delimited NT export line.
std::string nt_line(const std::string& date, int id = 2342,
                    const std::string& description =
                        "MS Mail Connector Interchange failed to put into XOM stream. Return "
                        "code is 0x15.") {
  return date + ",9:00:00 AM,MSExchangeMSMI,Error,Session Error," + std::to_string(id) +
         ",N/A,EXCHSRV1," + description + "\r\n";
}

}  // namespace

class TestImportText : public QObject {
  Q_OBJECT

 private slots:
  // ---- insertion strings from rendered descriptions ------------------------------------------
  void recover_strings_data() {
    QTest::addColumn<QString>("source");
    QTest::addColumn<int>("id");
    QTest::addColumn<QString>("description");
    QTest::addColumn<Strings>("expected");
    // The 2117 texts the KB articles quote.
    QTest::newRow("2117 duplicated address")
        << "MSExchangeMSMI" << 2117
        << "Non delivery report generated. From: <network>/<PO>/<User ID> Subject: <Some "
           "Subject> [030] Message contains duplicated Email address. Mail item was not "
           "delivered to: <network>/<PO>/<User ID>"
        << Strings{"<network>/<PO>/<User ID>", "<Some Subject>", "030",
                   "Message contains duplicated Email address", "<network>/<PO>/<User ID>"};
    QTest::newRow("2117 circular route")
        << "MSExchangeMSMI" << 2117
        << "Non delivery report generated. From: ANZAUDCU/MEL227TRK0/$SYSTEM Subject: SrvTx "
           "R=3 S=87298 (was 0), I=2 15603 sen [004] Message circular route detected. Message "
           "followed the following route: ANZAUDCU /MEL227TRK ANZAUDCU /MEL227TRK K / Attempted "
           "to send to the following addresses: ANZAUDCU/MEL227TRK/SYSTEM1"
        << Strings{"ANZAUDCU/MEL227TRK0/$SYSTEM",
                   "SrvTx R=3 S=87298 (was 0), I=2 15603 sen",
                   "004",
                   "Message circular route detected",
                   "ANZAUDCU /MEL227TRK ANZAUDCU /MEL227TRK K /",
                   "ANZAUDCU/MEL227TRK/SYSTEM1"};
    QTest::newRow("2117 not parsed")
        << "MSExchangeMSMI" << 2117
        << "Non delivery report generated. From: Administrator Subject: TEST [029] This mail "
           "message could not be parsed correctly. Mail item was not delivered to: "
           "NETWORK/PO/TEST"
        << Strings{"Administrator", "TEST", "029",
                   "This mail message could not be parsed correctly", "NETWORK/PO/TEST"};
    // The article drops the blank after "to:" with the empty recipient list.
    QTest::newRow("2117 empty recipient, trailing blank dropped")
        << "MSExchangeMSMI" << 2117
        << "Non delivery report generated. From: MICROSOFT/NETPO/USER Subject: Message from "
           "User [008] Failure delivering user mail due to mailbag contention. Mail item was not "
           "delivered to:"
        << Strings{"MICROSOFT/NETPO/USER", "Message from User", "008",
                   "Failure delivering user mail due to mailbag contention", ""};
    QTest::newRow("2117 subject with brackets and a period")
        << "MSExchangeMSMI" << 2117
        << "Non delivery report generated. From: NET/PO/A Subject: Re: [list] v2. done [030] "
           "Message contains duplicated Email address. Mail item was not delivered to: NET/PO/B"
        << Strings{"NET/PO/A", "Re: [list] v2. done", "030",
                   "Message contains duplicated Email address", "NET/PO/B"};
    QTest::newRow("2380")
        << "MSExchangeMSMI" << 2380
        << "A memory access violation has occurred that prevents further processing of a "
           "message. The access violation that occurred is an attempt to read from 0x480df78. "
           "Please refer to the immediately following event(s) logged by MS Mail Connector "
           "Interchange for more information on the message that could not be processed. "
           "(Exception address: 0x4496c2.)"
        << Strings{"0x480df78", "0x4496c2"};
    // Line breaks re-wrapped and letter case changed still match.
    QTest::newRow("2380 rewrapped, other case")
        << "msexchangemsmi" << 2380
        << "A memory access violation has occurred that prevents further processing of a\n"
           "message. The access violation that occurred is an attempt to read from 0x4.\r\n"
           "Please refer to the immediately following event(s) logged by MS Mail Connector\n"
           "interchange for more information on the message that could not be processed. "
           "(Exception address: 0x1234.)"
        << Strings{"0x4", "0x1234"};
    QTest::newRow("repeated insert agrees")
        << "MSExchangeMSMI" << 2597
        << "A message arrived with some information in Codepage 20301. This message will be "
           "passed along with some loss of information. To fix this check that Codepage 20301 "
           "is installed properly."
        << Strings{"20301"};
    QTest::newRow("repeated insert disagrees")
        << "MSExchangeMSMI" << 2597
        << "A message arrived with some information in Codepage 20301. This message will be "
           "passed along with some loss of information. To fix this check that Codepage 1252 "
           "is installed properly."
        << Strings{};
    QTest::newRow("most specific variant")
        << "MSExchangeMSMI" << 10000 << "Mailbags value=7" << Strings{"Mailbags", "7"};
    QTest::newRow("catch-all variant")
        << "MSExchangeMSMI" << 10000 << "MDBEF parsing failed in Rich text information"
        << Strings{"MDBEF parsing failed in Rich text information"};
    // The conversion note: the subject, free text, is read back whole even when it holds the
    // separators that follow it, and a catch-all text of 10000 does not win over it.
    QTest::newRow("conversion note")
        << "MSExchangeMSMI" << 10000
        << "Subject \"Expense report for the Northwest region,\" of message ID "
           "<MSNET/SALES/00000001>, class IPM.Expense.Report, converted from FIPS to MDBEF. Sent "
           "05-22-97 12:02, converted 05-22-97 12:02, entered the postoffice 05-22-97 12:02."
        << Strings{"Expense report for the Northwest region,",
                   "MSNET/SALES/00000001",
                   "IPM.Expense.Report",
                   "05-22-97 12:02",
                   "05-22-97 12:02",
                   "05-22-97 12:02"};
    QTest::newRow("conversion note, subject with separators")
        << "MSExchangeMSMI" << 10000
        << "Subject \"Re: \"x\" of message ID <1>, class y, converted from FIPS to MDBEF. Sent "
           "soon value=1 \" of message ID <MSNET/SALES/00000002>, class IPM.Microsoft Mail.Note, "
           "converted from FIPS to MDBEF. Sent 02-10-97 10:00, converted 02-10-97 10:00, entered "
           "the postoffice 02-10-97 08:10."
        << Strings{
               "Re: \"x\" of message ID <1>, class y, converted from FIPS to MDBEF. Sent "
               "soon value=1 ",
               "MSNET/SALES/00000002",
               "IPM.Microsoft Mail.Note",
               "02-10-97 10:00",
               "02-10-97 10:00",
               "02-10-97 08:10"};
    QTest::newRow("text of no template")
        << "MSExchangeMSMI" << 2342 << "Something else entirely." << Strings{};
    QTest::newRow("another source's ID") << "MSExchangeMTA" << 2342
                                         << "MS Mail Connector Interchange failed to put into XOM "
                                            "stream. Return code is 0x15."
                                         << Strings{};
    QTest::newRow("unknown ID, Event Viewer's text")
        << "MSExchangeMSMI" << 4242
        << "The description for Event ID ( 4242 ) in Source ( MSExchangeMSMI ) could not be "
           "found. It contains the following insertion string(s): alpha, beta."
        << Strings{"alpha", "beta"};
    QTest::newRow("unknown ID without strings")
        << "MSExchangeMSMI" << 4242
        << "The description for Event ID ( 4242 ) in Source ( MSExchangeMSMI ) could not be "
           "found. It contains the following insertion string(s): ."
        << Strings{};
  }
  void recover_strings() {
    QFETCH(QString, source);
    QFETCH(int, id);
    QFETCH(QString, description);
    QFETCH(Strings, expected);
    QCOMPARE(msmilog::recover_insertion_strings(catalogue(), source.toStdString(), id,
                                                description.toStdString()),
             expected);
  }

  void match_template_skipped_insert() {
    // 7031 has no %4: the capture list still has five slots, the fourth empty.
    Strings strings;
    QVERIFY(msmilog::match_template(
        "The %1 service terminated unexpectedly. It has done this %2 time(s). The following "
        "corrective action will be taken in %3 milliseconds: %5.",
        "The MSExchangeMTA service terminated unexpectedly. It has done this 1 time(s). The "
        "following corrective action will be taken in 60000 milliseconds: Restart the service.",
        &strings));
    QCOMPARE(strings, (Strings{"MSExchangeMTA", "1", "60000", "", "Restart the service"}));
    QVERIFY(!msmilog::match_template("Return code is %1.", "Return code was 0x15.", &strings));
  }

  // ---- round trips -----------------------------------------------------------------------
  void round_trip_data() {
    QTest::addColumn<QString>("writer");
    QTest::addColumn<QString>("reader");
    QTest::newRow("csv") << "csv"
                         << "csv";
    QTest::newRow("text") << "text"
                          << "nt-text";
  }
  void round_trip() {
    QFETCH(QString, writer);
    QFETCH(QString, reader);
    QTemporaryDir dir;
    const QString path = dir.filePath("export." + writer);
    const std::vector<msmilog::LogRecord> records = sample_records();
    QVERIFY(write_records(writer.toStdString(), path, records));
    QCOMPARE(QString::fromStdString(detect(path)), reader);

    std::unique_ptr<msmilog::LogReader> log;
    const msmi::Status status = open_detected(path, msmilog::DateOrder::kAuto, &log);
    QVERIFY2(status.ok(), status.message().c_str());
    QCOMPARE(QString::fromUtf8(log->format()), reader);
    const Outcome outcome = read_all(*log);
    QCOMPARE(outcome.records.size(), records.size());
    QCOMPARE(log->bytes_read(), log->total_bytes());
    for (std::size_t i = 0; i < records.size(); ++i) {
      const msmilog::LogRecord& want = records[i];
      const msmilog::LogRecord& got = outcome.records[i];
      const QByteArray where = QByteArray::number(static_cast<int>(i));
      QVERIFY2(got.type == want.type, where);
      QCOMPARE(got.displayed_id(), want.displayed_id());
      QCOMPARE(got.event_identifier, want.event_identifier);
      QCOMPARE(got.identifier_complete, false);
      QCOMPARE(got.created_us, want.created_us);
      QCOMPARE(got.written_us, want.created_us);
      QCOMPARE(got.source, want.source);
      QCOMPARE(got.computer, want.computer);
      QCOMPARE(got.user, want.user);
      QCOMPARE(got.category, want.category);
      QCOMPARE(got.category_name, want.category_name);
      QCOMPARE(got.description, want.description);
      QCOMPARE(got.strings, want.strings);
      QVERIFY(got.data.empty());
      QVERIFY(got.position > 0);
    }
    // The header (csv) is line 1; the multi-line description moves later records down a line.
    const std::uint64_t first_line = writer == "csv" ? 2 : 1;
    QCOMPARE(outcome.records[0].position, first_line);
    QCOMPARE(outcome.records[6].position, first_line + 6 + 1);
  }

  void text_writer_writes_nt_forms() {
    QTemporaryDir dir;
    const QString path = dir.filePath("export.txt");
    msmilog::LogRecord record = sample_records()[0];
    record.created_us = at("1997-05-22T13:05:09");
    record.computer.clear();
    QVERIFY(write_records("text", path, {record, sample_records()[8]}));
    const std::string text = read_file(path);
    QCOMPARE(text.substr(0, text.find("\r\n")),
             std::string("5/22/1997\t1:05:09 PM\tMSExchangeMSMI\tError\tSession Error\t2342\t"
                         "N/A\tFALLBACK\tMS Mail Connector Interchange failed to put into XOM "
                         "stream. Return code is 0x15."));
    QVERIFY(text.find("\tSuccess Audit\tNone\t7036\t") != std::string::npos);

    const QString csv = dir.filePath("export.csv");
    QVERIFY(write_records("csv", csv, {record}));
    QCOMPARE(read_file(csv),
             std::string("Type,Date,Time,Source,Category,Event,User,Computer,Description\r\n"
                         "Error,1997-05-22,13:05:09,MSExchangeMSMI,Session Error,2342,N/A,"
                         "FALLBACK,MS Mail Connector Interchange failed to put into XOM stream. "
                         "Return code is 0x15.\r\n"));
  }

  void jsonl_carries_every_field() {
    QTemporaryDir dir;
    const QString path = dir.filePath("export.jsonl");
    std::vector<msmilog::LogRecord> records = sample_records();
    records[0].record_number = 17;
    records[0].event_identifier = 0xC0000926u;
    records[0].identifier_complete = true;
    records[0].category = 3;
    records[0].data = std::string("\x00\xff\x10", 3);
    records[0].position = 4096;
    QVERIFY(write_records("jsonl", path, records));
    const QList<QByteArray> lines = QByteArray::fromStdString(read_file(path)).split('\n');
    QCOMPARE(lines.size(), static_cast<qsizetype>(records.size() + 1));  // a final newline
    QVERIFY(lines.back().isEmpty());
    for (std::size_t i = 0; i < records.size(); ++i) {
      QJsonParseError error;
      const QJsonDocument doc = QJsonDocument::fromJson(lines[static_cast<qsizetype>(i)], &error);
      QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
      const QJsonObject o = doc.object();
      const msmilog::LogRecord& r = records[i];
      QCOMPARE(o["record_number"].toInteger(), static_cast<qint64>(r.record_number));
      QCOMPARE(o["event_identifier"].toInteger(), static_cast<qint64>(r.event_identifier));
      QCOMPARE(o["identifier_complete"].toBool(), r.identifier_complete);
      QCOMPARE(o["event_id"].toInt(), r.displayed_id());
      QCOMPARE(o["type"].toString().toStdString(), std::string(msmilog::to_string(r.type)));
      QCOMPARE(o["type_code"].toInt(), static_cast<int>(r.type));
      QCOMPARE(o["category"].toInt(), static_cast<int>(r.category));
      QCOMPARE(o["category_name"].toString().toStdString(), r.category_name);
      QCOMPARE(o["created"].toString().toStdString(), msmilog::format_iso8601_utc(r.created_us));
      QCOMPARE(o["created_us"].toInteger(), r.created_us);
      QCOMPARE(o["written_us"].toInteger(), r.written_us);
      QCOMPARE(o["source"].toString().toStdString(), r.source);
      QCOMPARE(o["computer"].toString().toStdString(), r.computer);
      QCOMPARE(o["user"].toString().toStdString(), r.user);
      Strings strings;
      for (const QJsonValue& v : o["strings"].toArray())
        strings.push_back(v.toString().toStdString());
      QCOMPARE(strings, r.strings);
      QCOMPARE(o["description"].toString().toStdString(), r.description);
      QCOMPARE(o["position"].toInteger(), static_cast<qint64>(r.position));
    }
    const QJsonObject first = QJsonDocument::fromJson(lines[0]).object();
    QCOMPARE(first["data"].toString(), QString("00ff10"));
  }

  // ---- damaged and adversarial files -------------------------------------------------------
  void adversarial_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("format");
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("steps");       // R = record, M<line> = malformed at that line
    QTest::addColumn<QString>("issue_text");  // a word the first issue's message holds

    // Fixtures start from what the writers write.
    QTemporaryDir dir;
    std::vector<msmilog::LogRecord> records = sample_records();
    records.resize(5);  // no multi-line descriptions: one record per line below
    QVERIFY(write_records("csv", dir.filePath("base.csv"), records));
    QVERIFY(write_records("text", dir.filePath("base.txt"), records));
    const std::string csv = read_file(dir.filePath("base.csv"));
    const std::string text = read_file(dir.filePath("base.txt"));

    auto lines_of = [](const std::string& s) {
      std::vector<std::string> lines;
      std::size_t start = 0;
      for (std::size_t end; (end = s.find("\r\n", start)) != std::string::npos; start = end + 2)
        lines.push_back(s.substr(start, end - start));
      return lines;
    };
    auto join_lines = [](const std::vector<std::string>& lines, const std::string& eol) {
      std::string out;
      for (const auto& line : lines) out += line + eol;
      return out;
    };
    const std::vector<std::string> csv_lines = lines_of(csv);
    const std::vector<std::string> text_lines = lines_of(text);

    std::string mixed;
    for (std::size_t i = 0; i < csv_lines.size(); ++i)
      mixed += csv_lines[i] + (i % 2 ? "\n" : "\r\n");
    QTest::newRow("mixed CRLF and LF") << "mixed"
                                       << "csv" << QByteArray::fromStdString(mixed) << "R R R R R"
                                       << "";
    QTest::newRow("byte order mark")
        << "bom"
        << "csv" << QByteArray::fromStdString("\xEF\xBB\xBF" + csv) << "R R R R R"
        << "";
    QTest::newRow("LF only text") << "lf"
                                  << "nt-text"
                                  << QByteArray::fromStdString(join_lines(text_lines, "\n"))
                                  << "R R R R R"
                                  << "";

    // The 2117 line has a quoted subject; cut inside its quotes.
    std::string cut_quoted = join_lines({csv_lines[0], csv_lines[1]}, "\r\n") +
                             csv_lines[2].substr(0, csv_lines[2].find("budget"));
    QTest::newRow("truncated inside quotes")
        << "cutq"
        << "csv" << QByteArray::fromStdString(cut_quoted) << "R M3"
        << "never closed";
    std::string cut_plain =
        join_lines({text_lines[0], text_lines[1]}, "\r\n") + text_lines[3].substr(0, 30);
    QTest::newRow("truncated last line")
        << "cut"
        << "nt-text" << QByteArray::fromStdString(cut_plain) << "R R M3"
        << "fields";

    std::vector<std::string> short_line = text_lines;
    short_line.insert(short_line.begin() + 2, "5/22/1997\t9:00:00 AM\tMSExchangeMSMI");
    QTest::newRow("too few fields, then more records")
        << "short"
        << "nt-text" << QByteArray::fromStdString(join_lines(short_line, "\r\n")) << "R R M3 R R R"
        << "expected 9 fields, found 3";

    std::vector<std::string> bad_fields = csv_lines;
    bad_fields.insert(bad_fields.begin() + 2,
                      "Error,1997-05-22,09:00:00,MSExchangeMSMI,None,23x2,N/A,S,d");
    bad_fields.insert(bad_fields.begin() + 3,
                      "Bogus,1997-05-22,09:00:00,MSExchangeMSMI,None,2342,N/A,S,d");
    bad_fields.insert(bad_fields.begin() + 4,
                      "Error,1997-02-30,09:00:00,MSExchangeMSMI,None,2342,N/A,S,d");
    bad_fields.insert(bad_fields.begin() + 5,
                      "Error,1997-02-03,25:00:00,MSExchangeMSMI,None,2342,N/A,S,d");
    QTest::newRow("bad ID, type, date, time")
        << "fields"
        << "csv" << QByteArray::fromStdString(join_lines(bad_fields, "\r\n"))
        << "R M3 M4 M5 M6 R R R R"
        << "\"Event\"";

    // A stray quote at the start of a description swallows the rest of the file; reading
    // resumes on the next line, so only that line is lost.
    std::vector<std::string> stray = csv_lines;
    stray[2] = "Error,1997-05-22,09:00:00,MSExchangeMSMI,None,2342,N/A,S,\"unbalanced quote";
    QTest::newRow("stray quote") << "stray"
                                 << "csv" << QByteArray::fromStdString(join_lines(stray, "\r\n"))
                                 << "R M3 R R R"
                                 << "never closed";

    // A line past the reader's bound is one malformed record, named as too long; the lines
    // after it are read.
    std::vector<std::string> long_plain = csv_lines;
    long_plain[2] =
        "Error,1997-05-22,09:00:00,MSExchangeMSMI,None,2342,N/A,S," + std::string(2 << 20, 'A');
    QTest::newRow("a 2 MB line") << "longplain"
                                 << "csv"
                                 << QByteArray::fromStdString(join_lines(long_plain, "\r\n"))
                                 << "R M3 R R R"
                                 << "longer than 1048576 bytes";
    std::vector<std::string> long_quoted = csv_lines;
    long_quoted[2] = "Error,1997-05-22,09:00:00,MSExchangeMSMI,None,2342,N/A,S,\"" +
                     std::string(2 << 20, 'B') + "\"";
    QTest::newRow("a 2 MB quoted field")
        << "longquoted"
        << "csv" << QByteArray::fromStdString(join_lines(long_quoted, "\r\n")) << "R M3 R R R"
        << "longer than 1048576 bytes";

    QTest::newRow("Vista header, reordered columns")
        << "vista"
        << "csv"
        << QByteArray(
               "Source,Level,Event ID,Date and Time,Task Category\r\n"
               "MSExchangeMSMI,Error,2342,22/05/1997 09:00:00,Session Error,\"MS Mail "
               "Connector Interchange failed to put into XOM stream. Return code is "
               "0x15.\"\r\n")
        << "R"
        << "";
  }
  void adversarial() {
    QFETCH(QString, name);
    QFETCH(QString, format);
    QFETCH(QByteArray, bytes);
    QFETCH(QString, steps);
    QFETCH(QString, issue_text);
    QTemporaryDir dir;
    const QString path = dir.filePath(name);
    write_file(path, bytes.toStdString());
    QCOMPARE(QString::fromStdString(detect(path)), format);
    std::unique_ptr<msmilog::LogReader> reader;
    const msmi::Status status = open_detected(path, msmilog::DateOrder::kAuto, &reader);
    QVERIFY2(status.ok(), status.message().c_str());
    const Outcome outcome = read_all(*reader);
    QCOMPARE(QString::fromStdString(join(outcome.steps)), steps);
    if (!issue_text.isEmpty()) {
      QVERIFY(!outcome.issues.empty());
      QVERIFY2(QString::fromStdString(outcome.issues[0]).contains(issue_text),
               outcome.issues[0].c_str());
    }
    for (const auto& record : outcome.records) {
      QVERIFY(!record.source.empty());
      if (record.displayed_id() == 2342 && record.description.find("XOM") != std::string::npos)
        QCOMPARE(record.strings, Strings{"0x15"});
    }
  }

  void nt_comma_export_of_the_issue() {
    QTemporaryDir dir;
    const QString path = dir.filePath("appevent.csv");
    // NT did not quote descriptions: the comma in the second splits it into extra fields.
    write_file(path, nt_line("5/22/97") +
                         "5/22/97,9:00:01 AM,MSExchangeMSMI,Warning,NDR,2117,N/A,EXCHSRV1,Non "
                         "delivery report generated. From: NET/PO/A Subject: Hi, all [030] "
                         "Message contains duplicated Email address. Mail item was not delivered "
                         "to: NET/PO/B\r\n" +
                         "5/22/97,21:00:00,Security,Failure Audit,Logon/Logoff,529,SYSTEM,"
                         "EXCHSRV1,Logon failure.\r\n");
    QCOMPARE(QString::fromStdString(detect(path)), QString("nt-csv"));
    std::unique_ptr<msmilog::LogReader> reader;
    QVERIFY(open_detected(path, msmilog::DateOrder::kAuto, &reader).ok());
    const Outcome outcome = read_all(*reader);
    QCOMPARE(QString::fromStdString(join(outcome.steps)), QString("R R R"));
    const msmilog::LogRecord& first = outcome.records[0];
    QCOMPARE(first.created_us, at("1997-05-22T09:00:00"));
    QCOMPARE(first.source, std::string("MSExchangeMSMI"));
    QVERIFY(first.type == msmilog::NtEventType::kError);
    QCOMPARE(first.category_name, std::string("Session Error"));
    QCOMPARE(first.displayed_id(), 2342);
    QCOMPARE(first.event_identifier, 0xC0000000u | 2342u);
    QCOMPARE(first.user, std::string());
    QCOMPARE(first.computer, std::string("EXCHSRV1"));
    QCOMPARE(first.strings, Strings{"0x15"});
    QCOMPARE(outcome.records[1].strings,
             (Strings{"NET/PO/A", "Hi, all", "030", "Message contains duplicated Email address",
                      "NET/PO/B"}));
    QVERIFY(outcome.records[2].type == msmilog::NtEventType::kAuditFailure);
    QCOMPARE(outcome.records[2].created_us, at("1997-05-22T21:00:00"));
    QCOMPARE(outcome.records[2].user, std::string("SYSTEM"));
    QCOMPARE(outcome.records[2].position, std::uint64_t{3});
  }

  void non_ascii_text() {
    QTemporaryDir dir;
    // The same line in UTF-8 and in NT's ANSI code page (Windows-1252).
    const QString utf8 = dir.filePath("utf8.csv");
    const QString ansi = dir.filePath("ansi.csv");
    write_file(utf8, nt_line("5/22/97", 9999, "Grüße – “Müller”"));
    write_file(ansi, nt_line("5/22/97", 9999,
                             "Gr\xfc\xdf"
                             "e \x96 \x93M\xfcller\x94"));
    for (const QString& path : {utf8, ansi}) {
      std::unique_ptr<msmilog::LogReader> reader;
      QVERIFY(open_detected(path, msmilog::DateOrder::kAuto, &reader).ok());
      const Outcome outcome = read_all(*reader);
      QCOMPARE(outcome.records.size(), std::size_t{1});
      QCOMPARE(outcome.records[0].description, std::string("Grüße – “Müller”"));
    }
  }

  // ---- dates ------------------------------------------------------------------------------
  void date_inference_data() {
    QTest::addColumn<QStringList>("dates");
    QTest::addColumn<msmilog::DateOrder>("option");
    QTest::addColumn<QString>("first_created");  // "" when open() must fail
    QTest::addColumn<QString>("steps");
    using O = msmilog::DateOrder;
    QStringList ambiguous;
    for (int i = 1; i <= 12; ++i) ambiguous << QString("%1/6/97").arg(i == 6 ? 5 : i);
    QTest::newRow("ambiguous, auto") << ambiguous << O::kAuto << ""
                                     << "";
    QTest::newRow("ambiguous, dmy") << ambiguous << O::kDayMonth << "1997-06-01T09:00:00"
                                    << "R R R R R R R R R R R R";
    QTest::newRow("ambiguous, mdy") << ambiguous << O::kMonthDay << "1997-01-06T09:00:00"
                                    << "R R R R R R R R R R R R";
    QTest::newRow("13th line decides dmy")
        << (QStringList(ambiguous) << "22/05/1997") << O::kAuto << "1997-06-01T09:00:00"
        << "R R R R R R R R R R R R R";
    QTest::newRow("13th line decides mdy")
        << (QStringList(ambiguous) << "05/22/1997") << O::kAuto << "1997-01-06T09:00:00"
        << "R R R R R R R R R R R R R";
    QTest::newRow("option wins over the file") << (QStringList() << "5/6/05"
                                                                 << "13/6/05")
                                               << O::kMonthDay << "2005-05-06T09:00:00"
                                               << "R M2";
    QTest::newRow("conflicting evidence") << (QStringList() << "22/05/97"
                                                            << "05/23/97")
                                          << O::kAuto << "1997-05-22T09:00:00"
                                          << "R M2";
    QTest::newRow("same day and month needs no order") << (QStringList() << "5/5/97"
                                                                         << "6/6/2005")
                                                       << O::kAuto << "1997-05-05T09:00:00"
                                                       << "R R";
    QTest::newRow("year first needs no order")
        << (QStringList() << "1997-05-06") << O::kAuto << "1997-05-06T09:00:00"
        << "R";
    QTest::newRow("dotted dates, 4-digit years") << (QStringList() << "01.02.1997"
                                                                   << "31.12.1997")
                                                 << O::kAuto << "1997-02-01T09:00:00"
                                                 << "R R";
  }
  void date_inference() {
    QFETCH(QStringList, dates);
    QFETCH(msmilog::DateOrder, option);
    QFETCH(QString, first_created);
    QFETCH(QString, steps);
    QTemporaryDir dir;
    const QString path = dir.filePath("dates.csv");
    std::string content;
    for (const QString& date : dates) content += nt_line(date.toStdString());
    write_file(path, content);
    QCOMPARE(QString::fromStdString(detect(path)), QString("nt-csv"));
    std::unique_ptr<msmilog::LogReader> reader;
    const msmi::Status status = open_detected(path, option, &reader);
    if (first_created.isEmpty()) {
      QVERIFY(!status.ok());
      const QString message = QString::fromStdString(status.message());
      QVERIFY2(
          message.contains("--date-order") && message.contains(path) && message.contains("line 1"),
          qPrintable(message));
      return;
    }
    QVERIFY2(status.ok(), status.message().c_str());
    const Outcome outcome = read_all(*reader);
    QCOMPARE(QString::fromStdString(join(outcome.steps)), steps);
    QCOMPARE(QString::fromStdString(msmilog::format_iso8601_utc(outcome.records[0].created_us)),
             first_created + ".000Z");
  }

  void times_of_day_data() {
    QTest::addColumn<QString>("time");
    QTest::addColumn<QString>("expected");  // "" = malformed
    QTest::newRow("midnight") << "12:00:00 AM"
                              << "00:00:00";
    QTest::newRow("noon") << "12:00:00 PM"
                          << "12:00:00";
    QTest::newRow("pm") << "1:05:09 PM"
                        << "13:05:09";
    QTest::newRow("lower case, dots") << "11:59:59 p.m."
                                      << "23:59:59";
    QTest::newRow("24h") << "23:15:00"
                         << "23:15:00";
    QTest::newRow("no seconds") << "07:30"
                                << "07:30:00";
    QTest::newRow("13 PM") << "13:00:00 PM"
                           << "";
    QTest::newRow("minute 60") << "10:60:00"
                               << "";
  }
  void times_of_day() {
    QFETCH(QString, time);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    const QString path = dir.filePath("t.txt");
    write_file(path, "5/22/1997\t" + time.toStdString() +
                         "\tMSExchangeMSMI\tInformation\tNone\t2384\tN/A\tS\tx\r\n");
    std::unique_ptr<msmilog::LogReader> reader;
    msmilog::ReaderOptions options;
    options.date_order = msmilog::DateOrder::kMonthDay;
    for (const auto& format : msmilog::log_formats()) {
      if (format.name == "nt-text") QVERIFY(format.open(path.toStdString(), options, &reader).ok());
    }
    QVERIFY(reader != nullptr);
    const Outcome outcome = read_all(*reader);
    if (expected.isEmpty()) {
      QCOMPARE(QString::fromStdString(join(outcome.steps)), QString("M1"));
      return;
    }
    QCOMPARE(outcome.records.size(), std::size_t{1});
    QCOMPARE(outcome.records[0].created_us, at(("1997-05-22T" + expected.toStdString()).c_str()));
    QCOMPARE(outcome.records[0].category, std::uint16_t{0});
    QCOMPARE(outcome.records[0].category_name, std::string());
  }

  // ---- detection ---------------------------------------------------------------------------
  void detection_data() {
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<QString>("format");
    QTest::newRow("old csv header")
        << QByteArray("Type,Date,Time,Source,Category,Event,User,Computer,Description\r\n")
        << "csv";
    QTest::newRow("Vista csv header, BOM")
        << QByteArray("\xEF\xBB\xBFLevel,Date and Time,Source,Event ID,Task Category\r\n") << "csv";
    QTest::newRow("nt comma") << QByteArray(nt_line("5/22/97").c_str()) << "nt-csv";
    QTest::newRow("nt tab")
        << QByteArray("22.05.1997\t09:00:00\tMSExchangeMSMI\tWarning\tNDR\t2117\tN/A\tS\tx\r\n")
        << "nt-text";
    QTest::newRow("prose") << QByteArray("Dear support, the connector stopped.\r\n") << "";
    QTest::newRow("csv without event IDs") << QByteArray("Date,Time,Source\r\n") << "";
    QTest::newRow("nt line with a word for the ID")
        << QByteArray("5/22/97,9:00:00 AM,MSExchangeMSMI,Error,Session Error,abc,N/A,S,x\r\n")
        << "";
  }
  void detection() {
    QFETCH(QByteArray, head);
    QFETCH(QString, format);
    QString found;
    for (const auto& candidate : msmilog::log_formats()) {
      if (candidate.detect(head.toStdString())) {
        found = QString::fromUtf8(candidate.name);
        break;
      }
    }
    QCOMPARE(found, format);
  }

  void missing_file_and_bad_header() {
    std::unique_ptr<msmilog::LogReader> reader;
    for (const auto& format : msmilog::log_formats()) {
      if (format.name != "csv" && format.name != "nt-csv" && format.name != "nt-text") continue;
      const msmi::Status status = format.open("/nonexistent/x.csv", {}, &reader);
      QVERIFY(status.is_io_error());
      QVERIFY(QString::fromStdString(status.message()).contains("/nonexistent/x.csv"));
    }
    QTemporaryDir dir;
    const QString path = dir.filePath("header.csv");
    write_file(path, "Type,Date,Time,Category\r\n");
    for (const auto& format : msmilog::log_formats()) {
      if (format.name != "csv") continue;
      const msmi::Status status = format.open(path.toStdString(), {}, &reader);
      QVERIFY(!status.ok());
      QVERIFY2(QString::fromStdString(status.message()).contains("Source"),
               status.message().c_str());
    }
    // The writers name the file they cannot create.
    std::unique_ptr<msmilog::LogWriter> writer;
    for (const char* name : {"csv", "text", "jsonl"}) {
      const msmi::Status status = export_format(name)->create("/nonexistent/out", {}, &writer);
      QVERIFY(!status.ok());
      QVERIFY(QString::fromStdString(status.message()).contains("/nonexistent/out"));
    }
  }
};

QTEST_APPLESS_MAIN(TestImportText)
#include "tst_import_text.moc"
