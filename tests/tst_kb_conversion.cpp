// The FIPS to MDBEF conversion of mail from MS Mail, and the three KB bugs that live in it:
// Q156844 (a custom form's subject cut to the FIPS header's 40 characters), Q161933 (the Sent
// time replaced by the time of conversion) and Q214565 (a Macintosh read receipt's date misread,
// 2539, the receipt thrown away). Each defect switch is tried on and off, and what an Exchange
// user would see is checked where the MTA took the message.
#include <QtTest>

#include <string>
#include <vector>

#include "msmi/message_files.h"
#include "msmisim/ms_mail_side.h"
#include "test_support.h"

using namespace testsupport;
using msmi::Fate;

namespace {

constexpr const char* kLongSubject = "Expense report for the Northwest region, second quarter 1997";
constexpr const char* kHeaderSubject = "Expense report for the Northwest region,";

// One labelled message "m" from MS Mail (its JSON fields in `fields`) under a build with no
// defects but `defects` switched on; the MSMI is stopped from 5m to 1h, so a message at 10m
// waits.
std::string conversion_scenario(const std::string& defects, const std::string& fields) {
  return R"({"duration": "1h30m", "profile": "exchange-5.5-sp3", "start_time":
      "1997-05-22T12:00:00Z", "engine": {"defects": )" +
         defects + R"(}, "messages": [{"at": "10m", "label": "m", "from": "MS:MSNET/SALES/ALICE",
      "to": ["MS:EXCHANGE/HQ/BOB"], )" +
         fields + R"(}], "operator": [{"at": "5m", "action": "stop"},
      {"at": "1h", "action": "start"}]})";
}

// The insertion strings of the conversion notes (10000, maximum Debug Data logging) of `r`.
std::vector<std::vector<std::string>> conversion_notes(const msmisim::RunResult& r) {
  std::vector<std::vector<std::string>> out;
  for (const msmi::Event& e : r.events) {
    if (e.event_id == 10000 &&
        e.description.find("converted from FIPS to MDBEF") != std::string::npos) {
      out.push_back(e.strings);
    }
  }
  return out;
}

std::string load_error(const std::string& json) {
  msmisim::Scenario scenario;
  msmisim::LoadError error;
  if (msmisim::parse_scenario(json, "bad.json", &scenario, &error)) return "loaded";
  return error.json_path + ": " + error.message;
}

}  // namespace

class TestKbConversion : public QObject {
  Q_OBJECT

 private slots:
  void defect_switches_data();
  void defect_switches();
  void the_conversion_note_data();
  void the_conversion_note();
  void p1_and_mai_round_trip_data();
  void p1_and_mai_round_trip();
  void message_without_the_fields_is_unchanged();
  void damaged_fields_are_corruption_data();
  void damaged_fields_are_corruption();
  void clients_write_their_dates_data();
  void clients_write_their_dates();
  void bad_values_name_the_field_data();
  void bad_values_name_the_field();
};

void TestKbConversion::defect_switches_data() {
  QTest::addColumn<QString>("defects");
  QTest::addColumn<QString>("fields");
  QTest::addColumn<bool>("delivered");
  QTest::addColumn<QString>("subject");  // as delivered, "" not checked
  QTest::addColumn<qint64>("sent_min_us");
  QTest::addColumn<qint64>("sent_max_us");
  QTest::addColumn<int>("events_2539");

  const QString form = QString(R"("message_class": "IPM.Expense.Report", "subject": "%1")")
                           .arg(QString::fromUtf8(kLongSubject));
  const QString note = QString(R"("subject": "%1")").arg(QString::fromUtf8(kLongSubject));
  constexpr qint64 k10m = 600'000'000, k20m = 1'200'000'000, k1h = 3'600'000'000;
  constexpr qint64 kEnd = 5'400'000'000;
  QTest::newRow("Q156844 on: a custom form gets the header's 40 characters")
      << R"({"Q156844": true})" << form << true << kHeaderSubject << k10m << kEnd << 0;
  QTest::newRow("Q156844 off: a custom form keeps its subject")
      << R"({"Q156844": false})" << form << true << kLongSubject << k10m << k10m << 0;
  QTest::newRow("Q156844 on: the note keeps its subject")
      << R"({"Q156844": true})" << note << true << kLongSubject << k10m << k10m << 0;
  QTest::newRow("Q161933 on: the Sent time is the conversion's")
      << R"({"Q161933": true})" << note << true << "" << k1h << kEnd << 0;
  QTest::newRow("Q161933 off: the Sent time is the author's")
      << R"({"Q161933": false})" << note << true << "" << k10m << k10m << 0;
  QTest::newRow("Q161933 off: sent before it reached the postoffice")
      << R"({"Q161933": false})" << note + R"(, "sent": "20m", "at": "30m")" << true << "" << k20m
      << k20m << 0;
  QTest::newRow("Q214565 on: a Macintosh receipt is thrown away")
      << R"({"Q214565": true})"
      << R"("read_receipt": "mac")" << false << "" << qint64(0) << qint64(0) << 1;
  QTest::newRow("Q214565 off: a Macintosh receipt arrives")
      << R"({"Q214565": false})"
      << R"("read_receipt": "mac")" << true << "" << k10m << k10m << 0;
  QTest::newRow("Q214565 on: a PC receipt arrives")
      << R"({"Q214565": true})"
      << R"("read_receipt": "pc")" << true << "" << k10m << k10m << 0;
}

void TestKbConversion::defect_switches() {
  QFETCH(QString, defects);
  QFETCH(QString, fields);
  QFETCH(bool, delivered);
  QFETCH(QString, subject);
  QFETCH(qint64, sent_min_us);
  QFETCH(qint64, sent_max_us);
  QFETCH(int, events_2539);
  std::string f = fields.toStdString();
  std::string json = conversion_scenario(defects.toStdString(), f);
  // A row may move the message's "at": the later key wins in the loader, so drop the first.
  if (f.find("\"at\"") != std::string::npos) json.replace(json.find(R"("at": "10m", )"), 13, "");
  const msmisim::RunResult r = run(scenario_from(json));
  QVERIFY2(r.passed(), "an invariant broke");
  const msmisim::LedgerEntry* m = labelled(r, "m");
  QVERIFY(m != nullptr);
  QCOMPARE(count(r, 2539), events_2539);
  const auto got = r.deliveries.find(m->message_id);
  if (!delivered) {
    QCOMPARE(m->fate, Fate::kLost);
    QVERIFY(got == r.deliveries.end());
    QVERIFY(count(r, 2539, -2, m->message_id) == 1);
    return;
  }
  QCOMPARE(m->fate, Fate::kDelivered);
  QVERIFY(got != r.deliveries.end());
  if (!subject.isEmpty()) QCOMPARE(QString::fromStdString(got->second.subject), subject);
  QVERIFY2(got->second.sent_us >= sent_min_us && got->second.sent_us <= sent_max_us,
           std::to_string(got->second.sent_us).c_str());
}

// What a support engineer reads at maximum Debug Data logging: the subject and the Sent time
// the conversion gave the message, beside the time of the conversion (the MSMI is back at 1h,
// 13:00) and the time the message entered the postoffice. Nothing below maximum.
void TestKbConversion::the_conversion_note_data() {
  QTest::addColumn<QString>("defects");
  QTest::addColumn<QString>("fields");
  QTest::addColumn<QString>("logging");
  QTest::addColumn<QStringList>("note");  // subject, class, Sent, converted, entered; {}: none

  const QString form = QString(R"("message_class": "IPM.Expense.Report", "subject": "%1")")
                           .arg(QString::fromUtf8(kLongSubject));
  const QString note = QString(R"("subject": "%1")").arg(QString::fromUtf8(kLongSubject));
  const QString max = R"({"Debug Data": "maximum"})";
  QTest::newRow("Q156844 on: the form's subject is the header's 40 characters")
      << R"({"Q156844": true})" << form << max
      << QStringList{kHeaderSubject, "IPM.Expense.Report", "05-22-97 12:10", "05-22-97 13:00",
                     "05-22-97 12:10"};
  QTest::newRow("Q156844 off: the form's subject is whole")
      << R"({"Q156844": false})" << form << max
      << QStringList{kLongSubject, "IPM.Expense.Report", "05-22-97 12:10", "05-22-97 13:00",
                     "05-22-97 12:10"};
  QTest::newRow("Q161933 on: Sent is the conversion time")
      << R"({"Q161933": true})" << note << max
      << QStringList{kLongSubject, "IPM.Microsoft Mail.Note", "05-22-97 13:00", "05-22-97 13:00",
                     "05-22-97 12:10"};
  QTest::newRow("Q161933 off: Sent before the message reached the postoffice")
      << R"({"Q161933": false})" << note + R"(, "sent": "20m", "at": "30m")" << max
      << QStringList{kLongSubject, "IPM.Microsoft Mail.Note", "05-22-97 12:20", "05-22-97 13:00",
                     "05-22-97 12:30"};
  QTest::newRow("medium Debug Data logging: no note")
      << R"({"Q156844": true})" << form << R"({"default": "maximum", "Debug Data": "medium"})"
      << QStringList{};
}

void TestKbConversion::the_conversion_note() {
  QFETCH(QString, defects);
  QFETCH(QString, fields);
  QFETCH(QString, logging);
  QFETCH(QStringList, note);
  const std::string f = fields.toStdString();
  std::string json =
      conversion_scenario(defects.toStdString() + R"(, "logging": )" + logging.toStdString(), f);
  if (f.find("\"at\"") != std::string::npos) json.replace(json.find(R"("at": "10m", )"), 13, "");
  const msmisim::RunResult r = run(scenario_from(json));
  QVERIFY2(r.passed(), "an invariant broke");
  const msmisim::LedgerEntry* m = labelled(r, "m");
  QVERIFY(m != nullptr);
  QCOMPARE(m->fate, Fate::kDelivered);
  const auto notes = conversion_notes(r);
  if (note.isEmpty()) {
    QCOMPARE(notes.size(), std::size_t(0));
    return;
  }
  QCOMPARE(notes.size(), std::size_t(1));
  QStringList got;
  for (const std::string& s : notes[0]) got << QString::fromStdString(s);
  QCOMPARE(got.size(), 6);
  QCOMPARE(got[1], QString::fromStdString(m->message_id));
  got.removeAt(1);
  QCOMPARE(got, note);
}

void TestKbConversion::p1_and_mai_round_trip_data() {
  QTest::addColumn<QString>("message_class");
  QTest::addColumn<QString>("header_subject");
  QTest::addColumn<qint64>("sent_us");  // -1: none
  QTest::addColumn<QString>("receipt_date");
  QTest::newRow("custom form") << "IPM.Expense.Report" << kHeaderSubject << qint64(-1) << "";
  QTest::newRow("sent earlier") << ""
                                << "" << qint64(1'200'000'000) << "";
  QTest::newRow("sent at the start") << ""
                                     << "" << qint64(0) << "";
  QTest::newRow("mac receipt") << "IPM.Microsoft Mail.Read Receipt"
                               << "Read: Budget" << qint64(120'000'000) << "5/22/97 12:55 PM";
}

void TestKbConversion::p1_and_mai_round_trip() {
  QFETCH(QString, message_class);
  QFETCH(QString, header_subject);
  QFETCH(qint64, sent_us);
  QFETCH(QString, receipt_date);
  msmi::P1Envelope in;
  in.message_id = "MSNET/SALES/0000002A";
  in.number = 0x2A;
  in.sender = "MS:MSNET/SALES/ALICE";
  in.to = {"MS:EXCHANGE/HQ/BOB"};
  in.mai_path = msmi::mai_path(0x2A);
  in.submitted_us = 1'500'000'000;
  in.message_class = message_class.toStdString();
  in.header_subject = header_subject.toStdString();
  if (sent_us >= 0) in.sent_us = sent_us;
  msmi::P1Envelope out;
  QVERIFY(msmi::decode_p1(msmi::encode_p1(in), "P1/0000002A.P1", &out).ok());
  QCOMPARE(out.message_class, in.message_class);
  QCOMPARE(out.header_subject, in.header_subject);
  QCOMPARE(out.sent_us, in.sent_us);
  QCOMPARE(out.dirsync, false);
  msmi::MaiContent content{in.message_id, in.sender, kLongSubject, "body", ""};
  content.receipt_date = receipt_date.toStdString();
  msmi::MaiContent back;
  QVERIFY(msmi::decode_mai(msmi::encode_mai(content), in.mai_path, &back).ok());
  QCOMPARE(back.receipt_date, content.receipt_date);
  QCOMPARE(back.subject, content.subject);
}

void TestKbConversion::message_without_the_fields_is_unchanged() {
  msmi::P1Envelope e;
  e.message_id = "MSNET/SALES/0000002A";
  e.number = 0x2A;
  e.sender = "MS:MSNET/SALES/ALICE";
  e.to = {"MS:EXCHANGE/HQ/BOB"};
  e.mai_path = msmi::mai_path(0x2A);
  e.submitted_us = 7;
  const std::string p1 = msmi::encode_p1(e);
  for (const char* line : {"\nclass:", "\nsubject:", "\nsent-us:"})
    QVERIFY2(p1.find(line) == std::string::npos, line);
  const std::string mai = msmi::encode_mai({e.message_id, e.sender, "Hello", "body", ""});
  QVERIFY(mai.find("receipt-date") == std::string::npos);
  // A dir-sync message keeps its class line whatever its message class says.
  e.dirsync = true;
  e.message_class = "IPM.Expense.Report";
  msmi::P1Envelope back;
  QVERIFY(msmi::decode_p1(msmi::encode_p1(e), "P1/0000002A.P1", &back).ok());
  QVERIFY(back.dirsync);
  QCOMPARE(back.message_class, std::string());
}

void TestKbConversion::damaged_fields_are_corruption_data() {
  QTest::addColumn<QString>("header_subject");
  QTest::addColumn<QString>("sent");
  QTest::addColumn<QString>("field");
  QTest::newRow("header subject of 41 characters") << QString(41, QChar('x')) << ""
                                                   << "field 'subject' is longer than 40";
  QTest::newRow("sent-us not a number") << ""
                                        << "yesterday"
                                        << "field 'sent-us' is not a number";
}

void TestKbConversion::damaged_fields_are_corruption() {
  QFETCH(QString, header_subject);
  QFETCH(QString, sent);
  QFETCH(QString, field);
  msmi::TextRecord record;
  record.add("message-id", "MSNET/SALES/0000002A");
  record.add("number", "0000002A");
  record.add("from", "MS:MSNET/SALES/ALICE");
  record.add("mai", "MAI/MAA/0000002A.MAI");
  record.add("submitted-us", "0");
  if (!header_subject.isEmpty()) record.add("subject", header_subject.toStdString());
  if (!sent.isEmpty()) record.add("sent-us", sent.toStdString());
  msmi::P1Envelope out;
  const msmi::Status s =
      msmi::decode_p1(msmi::encode_text_record("MSMI-P1", record), "P1/0000002A.P1", &out);
  QVERIFY(s.is_corruption());
  QVERIFY2(s.message().find(field.toStdString()) != std::string::npos, s.message().c_str());
  QVERIFY(s.message().find("P1/0000002A.P1") != std::string::npos);
}

void TestKbConversion::clients_write_their_dates_data() {
  QTest::addColumn<QString>("client");
  QTest::addColumn<qint64>("epoch_us");
  QTest::addColumn<QString>("text");
  constexpr qint64 k19970522_1255 = 864'305'700'000'000;
  QTest::newRow("pc afternoon") << "pc" << k19970522_1255 << "05-22-97 12:55";
  QTest::newRow("mac afternoon") << "mac" << k19970522_1255 << "5/22/97 12:55 PM";
  QTest::newRow("mac just after midnight")
      << "mac" << qint64(k19970522_1255 - 46'500'000'000) << "5/22/97 12:00 AM";
}

void TestKbConversion::clients_write_their_dates() {
  QFETCH(QString, client);
  QFETCH(qint64, epoch_us);
  QFETCH(QString, text);
  QCOMPARE(QString::fromStdString(msmisim::client_date(client.toStdString(), epoch_us)), text);
}

void TestKbConversion::bad_values_name_the_field_data() {
  QTest::addColumn<QString>("message");
  QTest::addColumn<QString>("error");
  QTest::newRow("sent after at") << R"("at": "1m", "sent": "2m")"
                                 << "$.messages[0].sent: must not be later than \"at\"";
  QTest::newRow("sent not a time") << R"("at": "1m", "sent": "soon")"
                                   << "$.messages[0].sent: ";
  QTest::newRow("class without IPM.") << R"("at": "1m", "message_class": "Expense")"
                                      << "$.messages[0].message_class: expected an MS Mail";
  QTest::newRow("unknown client") << R"("at": "1m", "read_receipt": "amiga")"
                                  << "$.messages[0].read_receipt: expected \"pc\" or \"mac\"";
  QTest::newRow("receipt of another class")
      << R"("at": "1m", "read_receipt": "mac", "message_class": "IPM.Expense.Report")"
      << "$.messages[0].message_class: a read receipt's class";
  QTest::newRow("outbound with a sent time")
      << R"("at": "1m", "sent": "0s", "direction": "outbound")"
      << "$.messages[0].sent: only messages from MS Mail";
}

void TestKbConversion::bad_values_name_the_field() {
  QFETCH(QString, message);
  QFETCH(QString, error);
  const std::string json = R"({"messages": [{"from": "MS:MSNET/SALES/ALICE", "to":
      ["MS:EXCHANGE/HQ/BOB"], )" +
                           message.toStdString() + "}]}";
  const std::string got = load_error(json);
  QVERIFY2(got.starts_with(error.toStdString()), got.c_str());
}

QTEST_APPLESS_MAIN(TestKbConversion)
#include "tst_kb_conversion.moc"
