// What a message carries beside its text (attachments; what the MTA says of a report it hands
// over): the codecs that carry it, and the five KB defects that live in converting it, each
// switched on and off through the real engine in a simulated world.
#include <QtTest>

#include "msmi/attachment_fields.h"
#include "msmi/defects.h"
#include "msmi/message_content.h"
#include "msmi/message_files.h"
#include "msmi/queue_payloads.h"
#include "test_support.h"

using namespace testsupport;
using msmi::Attachment;
using msmi::AttachmentKind;
using msmi::Fate;

Q_DECLARE_METATYPE(msmi::Fate)

namespace {

const std::vector<Attachment> kAllKinds = {
    {AttachmentKind::kFile, "\xC3\x96\xC3\x84\xC3\x9C.TXT", ""},
    {AttachmentKind::kOle2, "Budget Q3", "Word.Document.6"},
    {AttachmentKind::kOle1, "", "Excel.Sheet.5"},
    {AttachmentKind::kMessage, "", ""},
};

// One scripted message in a world with one MS Mail postoffice, under exchange-5.0 with the
// defect forced `on` or off.
std::string world_json(const std::string& defect, bool on, const std::string& message,
                       const std::string& engine_extra = "") {
  return R"({"profile": "exchange-5.0", "seed": 11, "duration": "20m",
    "engine": {"logging": "maximum", "defects": {")" +
         defect + "\": " + (on ? "true" : "false") + "}" + engine_extra + R"(},
    "postoffice": {"postoffices": ["MSNET/SALES"]},
    "messages": [)" +
         message + "]}";
}

const msmisim::LedgerEntry& entry_of(const msmisim::RunResult& r, const std::string& label) {
  for (const auto& e : r.ledger) {
    if (e.label == label) return e;
  }
  qFatal("no ledger entry labelled %s", label.c_str());
}

}  // namespace

class TestKbContent : public QObject {
  Q_OBJECT

 private slots:
  void mai_round_trip_data();
  void mai_round_trip();
  void outbound_record_round_trip_data();
  void outbound_record_round_trip();
  void plain_message_encodes_as_before();
  void damaged_attachment_lines_data();
  void damaged_attachment_lines();
  void scenario_fields_load();
  void defect_on_and_off_data();
  void defect_on_and_off();
  void registered_ole_class_converts_data();
  void registered_ole_class_converts();
  void report_logged_again_after_restart();
  void profiles_follow_the_registry_data();
  void profiles_follow_the_registry();
};

void TestKbContent::mai_round_trip_data() {
  QTest::addColumn<int>("first");
  QTest::addColumn<int>("count");
  QTest::newRow("none") << 0 << 0;
  QTest::newRow("file with extended characters") << 0 << 1;
  QTest::newRow("ole2 with a class and a blank in its name") << 1 << 1;
  QTest::newRow("every kind") << 0 << 4;
}

void TestKbContent::mai_round_trip() {
  QFETCH(int, first);
  QFETCH(int, count);
  msmi::MaiContent in{"MSNET/SALES/0000002A", "MS:MSNET/SALES/ADMIN", "TEST", "body\n", ""};
  in.attachments.assign(kAllKinds.begin() + first, kAllKinds.begin() + first + count);
  msmi::MaiContent out;
  QVERIFY(msmi::decode_mai(msmi::encode_mai(in), "MAI/MAA/0000002A.MAI", &out).ok());
  QCOMPARE(out.attachments, in.attachments);
  QCOMPARE(out.subject, in.subject);
  QCOMPARE(out.body, in.body);
}

void TestKbContent::outbound_record_round_trip_data() {
  QTest::addColumn<int>("count");
  QTest::newRow("none") << 0;
  QTest::newRow("one") << 1;
  QTest::newRow("every kind") << 4;
}

void TestKbContent::outbound_record_round_trip() {
  QFETCH(int, count);
  msmi::OutboundRecord in;
  in.message_id = "EXCHANGE/MTA/00000001";
  in.sender = "MS:EXCHANGE/HQ/BOB";
  in.recipients = {"MS:MSNET/SALES/ALICE"};
  in.subject = "Budget";
  in.attachments.assign(kAllKinds.begin(), kAllKinds.begin() + count);
  msmi::OutboundRecord out;
  QVERIFY(msmi::decode_outbound_record(msmi::encode_outbound_record(in), "SALES.MBG", &out).ok());
  QCOMPARE(out.attachments, in.attachments);
  QCOMPARE(out.recipients, in.recipients);
}

void TestKbContent::plain_message_encodes_as_before() {
  // The bytes a message without attachments had before attachments existed.
  const msmi::MaiContent mai{"N/P/00000001", "MS:N/P/A", "Hi", "text", ""};
  msmi::TextRecord record;
  record.add("message-id", "N/P/00000001");
  record.add("from", "MS:N/P/A");
  record.add("subject", "Hi");
  record.body = "text";
  QCOMPARE(msmi::encode_mai(mai), msmi::encode_text_record("MSMI-MAI", record));
  const std::string encoded = msmi::encode_mai(mai);
  QVERIFY(encoded.find("attachment") == std::string::npos);
  msmi::OutboundRecord out;
  out.message_id = "X/Y/1";
  out.sender = "MS:N/P/A";
  out.recipients = {"MS:N/P/B"};
  QVERIFY(msmi::encode_outbound_record(out).find("attachment") == std::string::npos);
}

void TestKbContent::damaged_attachment_lines_data() {
  QTest::addColumn<QString>("lines");
  QTest::addColumn<QString>("message");
  QTest::newRow("unknown kind") << "attachment: ole3 X"
                                << "unknown kind 'ole3'";
  QTest::newRow("class without an attachment") << "attachment-class: Word.Document.6"
                                               << "does not follow an 'attachment' field";
}

void TestKbContent::damaged_attachment_lines() {
  QFETCH(QString, lines);
  QFETCH(QString, message);
  msmi::TextRecord record;
  record.add("message-id", "N/P/00000001");
  const std::string text = lines.toStdString();
  const std::size_t colon = text.find(": ");
  record.add(text.substr(0, colon), text.substr(colon + 2));
  msmi::MaiContent out;
  const msmi::Status s =
      msmi::decode_mai(msmi::encode_text_record("MSMI-MAI", record), "MAI/MA1/00000001.MAI", &out);
  QVERIFY(s.is_corruption());
  QVERIFY2(s.message().find(message.toStdString()) != std::string::npos, s.message().c_str());
  QVERIFY2(s.message().find("MAI/MA1/00000001.MAI") != std::string::npos, s.message().c_str());
}

void TestKbContent::scenario_fields_load() {
  const auto s = scenario_from(R"({"messages": [
      {"at": "1m", "from": "MS:A/B/C", "attachments": [{"name": "A.TXT"},
        {"kind": "ole2", "class": "Word.Document.6"}, {"kind": "message"}]},
      {"at": "2m", "direction": "outbound", "kind": "ndr", "content": "unknown",
       "recipient_dn": false, "from": "X400:c=US;p=P;o=O;s=MTA;", "to": ["MS:A/B/C"]}],
      "engine": {"ole_classes": ["Word.Document.8"]}})");
  QCOMPARE(s.messages[0].content.attachments.size(), std::size_t{3});
  QCOMPARE(s.messages[0].content.attachments[1].ole_class, std::string("Word.Document.6"));
  QCOMPARE(s.messages[0].content.attachments[2].kind, AttachmentKind::kMessage);
  QVERIFY(s.messages[0].content.recipient_dn);
  QCOMPARE(s.messages[1].kind, msmi::MessageKind::kNdr);
  QVERIFY(s.messages[1].content.content_unknown);
  QVERIFY(!s.messages[1].content.recipient_dn);
  QCOMPARE(*s.ole_classes, std::vector<std::string>{"Word.Document.8"});
}

void TestKbContent::defect_on_and_off_data() {
  QTest::addColumn<QString>("defect");
  QTest::addColumn<QString>("message");
  QTest::addColumn<int>("event");
  QTest::addColumn<QString>("text");
  QTest::addColumn<int>("events_on");
  QTest::addColumn<int>("events_off");
  QTest::addColumn<Fate>("fate_on");
  QTest::addColumn<Fate>("fate_off");
  const QString ndr_no_dn =
      R"({"at": "2m", "label": "m", "direction": "outbound", "kind": "ndr", "recipient_dn": false,
          "from": "X400:c=US;p=ACME;o=GW;s=MTA;", "to": ["MS:MSNET/SALES/CAROL"]})";
  const QString ndr_unknown =
      R"({"at": "2m", "label": "m", "direction": "outbound", "kind": "ndr", "content": "unknown",
          "from": "X400:c=US;p=ACME;o=GW;s=MTA;", "to": ["MS:MSNET/SALES/CAROL"]})";
  QTest::newRow("Q151231 report without DN")
      << "Q151231" << ndr_no_dn << 2376 << "recipient: X400:c=US;a= ;p=MSNET;o=SALES;s=CAROL;" << 1
      << 0 << Fate::kPending << Fate::kDelivered;
  QTest::newRow("Q151231 leaves a report with its DN alone")
      << "Q151231" << ndr_unknown << 2376 << "" << 0 << 0 << Fate::kDelivered << Fate::kDelivered;
  QTest::newRow("Q141135 report of unknown content")
      << "Q141135" << ndr_unknown << 2568 << "unknown type" << 1 << 0 << Fate::kPending
      << Fate::kDelivered;
  QTest::newRow("Q141135 leaves a report of known content alone")
      << "Q141135" << ndr_no_dn << 2568 << "" << 0 << 0 << Fate::kDelivered << Fate::kDelivered;
  QTest::newRow("Q175958 umlaut in an attachment name")
      << "Q175958"
      << R"({"at": "2m", "label": "m", "from": "MS:MSNET/SALES/ADMIN", "to": ["MS:NETWORK/PO/TEST"],
             "subject": "TEST", "attachments": [{"name": "ÖÄÜ.TXT"}]})"
      << 2117 << "[029] This mail message could not be parsed correctly." << 1 << 0 << Fate::kNdr
      << Fate::kDelivered;
  QTest::newRow("Q175958 plain attachment name")
      << "Q175958"
      << R"({"at": "2m", "label": "m", "from": "MS:MSNET/SALES/ADMIN", "to": ["MS:NETWORK/PO/TEST"],
             "attachments": [{"name": "OAU.TXT"}]})"
      << 2117 << "" << 0 << 0 << Fate::kDelivered << Fate::kDelivered;
  QTest::newRow("Q177979 embedded message")
      << "Q177979"
      << R"({"at": "2m", "label": "m", "direction": "outbound", "from": "SMTP:postmaster@example.com",
             "to": ["MS:MSNET/SALES/ALICE"], "attachments": [{"kind": "message"}]})"
      << 10000 << "MDBEF parsing failed on Attachment Information." << 1 << 0 << Fate::kNdr
      << Fate::kDelivered;
  QTest::newRow("Q200661 unregistered OLE class")
      << "Q200661"
      << R"({"at": "2m", "label": "m", "direction": "outbound", "from": "MS:EXCHANGE/HQ/BOB",
             "to": ["MS:MSNET/SALES/ALICE"], "attachments": [{"kind": "ole2", "class": "Visio.Drawing.4"}]})"
      << 2403 << "OLE Object Class not registered in message" << 1 << 1 << Fate::kDelivered
      << Fate::kDelivered;
}

void TestKbContent::defect_on_and_off() {
  QFETCH(QString, defect);
  QFETCH(QString, message);
  QFETCH(int, event);
  QFETCH(QString, text);
  QFETCH(int, events_on);
  QFETCH(int, events_off);
  QFETCH(Fate, fate_on);
  QFETCH(Fate, fate_off);
  for (const bool on : {true, false}) {
    const auto r =
        run(scenario_from(world_json(defect.toStdString(), on, message.toStdString())), "");
    const std::string what = defect.toStdString() + (on ? " on" : " off");
    QVERIFY2(r.passed(), what.c_str());
    QCOMPARE(count(r, event, -2, text.toStdString()), on ? events_on : events_off);
    QCOMPARE(entry_of(r, "m").fate, on ? fate_on : fate_off);
    QCOMPARE(r.backlog.mta_queue, on && fate_on == Fate::kPending ? 1 : 0);
  }
}

void TestKbContent::registered_ole_class_converts_data() {
  QTest::addColumn<bool>("defect");
  QTest::addColumn<QString>("ole_classes");
  QTest::addColumn<int>("events");
  QTest::addColumn<QString>("detail");
  // The detail is what the MS Mail user gets: the object, or a note that it was left out.
  QTest::newRow("defect, class unregistered: dropped")
      << true << "" << 1 << "OLE object(s) left out: Visio.Drawing.4";
  QTest::newRow("no defect, class unregistered: kept as a file") << false << "" << 1 << "";
  QTest::newRow("defect, class registered (the workaround)")
      << true << R"(, "ole_classes": ["Visio.Drawing.4"])" << 0 << "";
}

void TestKbContent::registered_ole_class_converts() {
  QFETCH(bool, defect);
  QFETCH(QString, ole_classes);
  QFETCH(int, events);
  QFETCH(QString, detail);
  const auto r = run(scenario_from(world_json(
      "Q200661", defect,
      R"({"at": "2m", "label": "m", "direction": "outbound", "from": "MS:EXCHANGE/HQ/BOB",
          "to": ["MS:MSNET/SALES/ALICE"], "attachments": [{"kind": "ole2", "name": "Plan",
          "class": "Visio.Drawing.4"}]})",
      ole_classes.toStdString())));
  QCOMPARE(count(r, 2403), events);
  const auto& e = entry_of(r, "m");
  QCOMPARE(e.fate, Fate::kDelivered);
  if (detail.isEmpty()) {
    QVERIFY2(e.detail.find("left out") == std::string::npos, e.detail.c_str());
  } else {
    QVERIFY2(e.detail.find(detail.toStdString()) != std::string::npos, e.detail.c_str());
  }
}

void TestKbContent::report_logged_again_after_restart() {
  // The report stays in the MTA's queue: every new download session offers it again.
  auto s = scenario_from(R"({"profile": "exchange-4.0", "seed": 3, "duration": "30m",
    "engine": {"logging": "maximum"}, "postoffice": {"postoffices": ["MSNET/SALES"]},
    "messages": [{"at": "2m", "label": "m", "direction": "outbound", "kind": "ndr",
      "content": "unknown", "from": "X400:c=US;p=ACME;o=GW;s=MTA;", "to": ["MS:MSNET/SALES/CAROL"]}],
    "operator": [{"at": "10m", "action": "restart", "service": "msmi"},
                 {"at": "20m", "action": "restart", "service": "msmi"}]})");
  const auto r = run(s);
  QCOMPARE(count(r, 2568), 3);
  QCOMPARE(count(r, 2568, -2, "", 0, 10 * kMin), 1);
  QCOMPARE(entry_of(r, "m").fate, Fate::kPending);
}

void TestKbContent::profiles_follow_the_registry_data() {
  QTest::addColumn<QString>("defect");
  QTest::addColumn<QStringList>("on_in");
  const QStringList all = {"exchange-4.0", "exchange-4.0-sp",  "exchange-5.0", "exchange-5.0-sp1",
                           "exchange-5.5", "exchange-5.5-sp3", "hardened"};
  QTest::newRow("Q151231") << "Q151231" << QStringList{"exchange-4.0"};
  QTest::newRow("Q141135") << "Q141135" << QStringList{"exchange-4.0"};
  QTest::newRow("Q175958") << "Q175958" << QStringList{"exchange-4.0", "exchange-5.0"};
  QTest::newRow("Q177979") << "Q177979" << QStringList{"exchange-5.0", "exchange-5.5"};
  QTest::newRow("Q200661") << "Q200661"
                           << QStringList{"exchange-4.0", "exchange-4.0-sp", "exchange-5.0",
                                          "exchange-5.0-sp1"};
}

void TestKbContent::profiles_follow_the_registry() {
  QFETCH(QString, defect);
  QFETCH(QStringList, on_in);
  msmi::Defect d;
  QVERIFY(msmi::parse_defect(defect.toStdString(), d));
  for (const msmi::Profile& p : msmi::profiles()) {
    QVERIFY2(p.defects.on(d) == on_in.contains(QString::fromStdString(p.name)), p.name.c_str());
  }
}

QTEST_APPLESS_MAIN(TestKbContent)
#include "tst_kb_content.moc"
