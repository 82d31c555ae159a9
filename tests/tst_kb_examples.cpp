// The operator steps and world behaviours the informational KB articles need (Q130285's MAILQ16
// reset and rebuild, …), each through a real run and judged by the oracle; and the loader's
// refusal of their bad fields.
#include <QtTest>
#include <string>

#include "test_support.h"

using msmi::Fate;
using namespace testsupport;

namespace {

// Three inbound messages (a, b, c) queue in INQUEUE3 while the MSMI is stopped; `steps` run at
// 5m, before the MSMI starts again at 10m.
std::string queued_inbound(const std::string& profile, const std::string& steps) {
  return R"({"profile": ")" + profile + R"(", "seed": 7, "duration": "30m",
    "messages": [
      {"at": "1m", "label": "a", "from": "MS:MSNET/SALES/ALICE", "to": "MS:EXCHANGE/HQ/BOB"},
      {"at": "2m", "label": "b", "from": "MS:MSNET/SALES/ALICE", "to": "MS:EXCHANGE/HQ/BOB"},
      {"at": "3m", "label": "c", "from": "MS:MSNET/SALES/ALICE", "to": "MS:EXCHANGE/HQ/BOB"}],
    "operator": [{"at": "30s", "action": "stop", "service": "msmi"})" +
         (steps.empty() ? "" : ", " + steps) +
         R"(, {"at": "10m", "action": "start", "service": "msmi"}]})";
}

// Three outbound messages (a, b, c) wait in the SALES mailbag while the PC MTA is stopped;
// `steps` run at 5m, before the PC MTA starts again at 10m.
std::string queued_outbound(const std::string& profile, const std::string& steps) {
  return R"({"profile": ")" + profile + R"(", "seed": 7, "duration": "20m",
    "messages": [
      {"at": "1m", "label": "a", "direction": "outbound", "from": "MS:EXCHANGE/HQ/BOB", "to": "MS:MSNET/SALES/ALICE"},
      {"at": "2m", "label": "b", "direction": "outbound", "from": "MS:EXCHANGE/HQ/BOB", "to": "MS:MSNET/SALES/ALICE"},
      {"at": "3m", "label": "c", "direction": "outbound", "from": "MS:EXCHANGE/HQ/BOB", "to": "MS:MSNET/SALES/ALICE"}],
    "operator": [{"at": "0s", "action": "stop", "service": "pcmta"})" +
         (steps.empty() ? "" : ", " + steps) +
         R"(, {"at": "10m", "action": "start", "service": "pcmta"}]})";
}

// Inbound mail every minute from 1m; `steps` follow. The MSMI and the PC MTA run at first.
std::string moving(const std::string& steps) {
  return R"({"profile": "exchange-5.0-sp1", "seed": 7, "duration": "20m",
    "traffic": [{"from": "MS:MSNET/SALES/ALICE", "to": "MS:EXCHANGE/HQ/BOB", "every": "1m", "start": "1m", "stop": "15m"}],
    "operator": [)" +
         steps + "]}";
}

// ALICE writes to a list server that answers at most three times; `extra` adds keys.
std::string list_server(const std::string& extra) {
  return R"({"profile": "exchange-5.0-sp1", "seed": 7, "duration": "30m",
    "responders": [{"address": "SMTP:listserv@lists.example.com", "max_replies": 3, "delay": "1m"}],
    "messages": [{"at": "1m", "label": "subscribe", "from": "MS:MSNET/SALES/ALICE", "to": "SMTP:listserv@lists.example.com"}])" +
         extra + "}";
}

}  // namespace

class TestKbExamples : public QObject {
  Q_OBJECT

 private slots:
  void bad_fields_are_refused_data();
  void bad_fields_are_refused();
  void mailq16_reset_loses_rebuild_keeps_data();
  void mailq16_reset_loses_rebuild_keeps();
  void move_postoffice_data();
  void move_postoffice();
  void responder_answers_until_its_bound_data();
  void responder_answers_until_its_bound();
};

void TestKbExamples::bad_fields_are_refused_data() {
  QTest::addColumn<QString>("json");
  QTest::addColumn<QString>("path");
  QTest::addColumn<QString>("message");
  QTest::newRow("reset_mailbag without a mailbag")
      << R"({"operator": [{"at": "1m", "action": "reset_mailbag"}]})"
      << "$.operator[0].mailbag"
      << "required for reset_mailbag";
  QTest::newRow("a mailbag that is neither INQUEUE3 nor a postoffice")
      << R"({"operator": [{"at": "1m", "action": "rebuild_mailbag", "mailbag": "SALES"}]})"
      << "$.operator[0].mailbag"
      << "INQUEUE3";
  QTest::newRow("stubs not a boolean")
      << R"({"operator": [{"at": "1m", "action": "rebuild_mailbag", "mailbag": "INQUEUE3", "stubs": "yes"}]})"
      << "$.operator[0].stubs"
      << "";
  QTest::newRow("drop not an array")
      << R"({"operator": [{"at": "1m", "action": "rebuild_mailbag", "mailbag": "INQUEUE3", "drop": "a"}]})"
      << "$.operator[0].drop"
      << "an array of message labels";
  QTest::newRow("drop names no message")
      << R"({"messages": [{"at": "1m", "label": "a", "from": "MS:MSNET/SALES/ALICE", "to": "MS:EXCHANGE/HQ/BOB"}],
             "operator": [{"at": "2m", "action": "rebuild_mailbag", "mailbag": "INQUEUE3", "drop": ["a", "zz"]}]})"
      << "$.operator[0].drop[1]"
      << "'zz'";
  QTest::newRow("a reset has no stubs")
      << R"({"operator": [{"at": "1m", "action": "reset_mailbag", "mailbag": "INQUEUE3", "stubs": true}]})"
      << "$.operator[0].stubs"
      << "";
  QTest::newRow("move_postoffice without a target")
      << R"({"operator": [{"at": "1m", "action": "move_postoffice"}]})"
      << "$.operator[0].to"
      << "required for move_postoffice";
  QTest::newRow("move_postoffice to a path without a drive")
      << R"({"operator": [{"at": "1m", "action": "move_postoffice", "to": "/srv/msmcon"}]})"
      << "$.operator[0].to"
      << "a folder on another drive";
  QTest::newRow("registry not a boolean")
      << R"({"operator": [{"at": "1m", "action": "move_postoffice", "to": "D:\\MSMCON", "registry": "no"}]})"
      << "$.operator[0].registry"
      << "";
  QTest::newRow("add_mailbox of an Internet address")
      << R"({"operator": [{"at": "1m", "action": "add_mailbox", "mailbox": "SMTP:pm@example.com"}]})"
      << "$.operator[0].mailbox"
      << "an MS Mail mailbox";
  QTest::newRow("a responder without an address") << R"({"responders": [{"max_replies": 3}]})"
                                                  << "$.responders[0].address"
                                                  << "required";
  QTest::newRow("a responder with an invalid address")
      << R"({"responders": [{"address": "SMTP:listserv"}]})"
      << "$.responders[0].address"
      << "";
  QTest::newRow("a responder that never answers")
      << R"({"responders": [{"address": "SMTP:l@example.com", "max_replies": 0}]})"
      << "$.responders[0].max_replies"
      << "";
  QTest::newRow("a responder answering at once")
      << R"({"responders": [{"address": "SMTP:l@example.com", "delay": "0s"}]})"
      << "$.responders[0].delay"
      << "at least 1s";
  QTest::newRow("a responder with an unknown key")
      << R"({"responders": [{"address": "SMTP:l@example.com", "repeat": 3}]})"
      << "$.responders[0].repeat"
      << "unknown key";
  QTest::newRow("a missing mailbox that is no mailbox")
      << R"({"postoffice": {"missing_mailboxes": ["MS:MSNET/SALES"]}})"
      << "$.postoffice.missing_mailboxes[0]"
      << "an MS Mail mailbox";
  QTest::newRow("contention without a count above zero")
      << R"({"postoffice": {"contention": [{"mailbox": "MS:MSNET/SALES/ALICE", "count": 0}]}})"
      << "$.postoffice.contention[0].count"
      << "";
}

void TestKbExamples::bad_fields_are_refused() {
  QFETCH(QString, json);
  QFETCH(QString, path);
  QFETCH(QString, message);
  msmisim::Scenario scenario;
  msmisim::LoadError error;
  QVERIFY(!msmisim::parse_scenario(json.toStdString(), "bad.json", &scenario, &error));
  QCOMPARE(QString::fromStdString(error.json_path), path);
  QVERIFY2(error.message.find(message.toStdString()) != std::string::npos, error.message.c_str());
}

void TestKbExamples::mailq16_reset_loses_rebuild_keeps_data() {
  QTest::addColumn<QString>("json");
  QTest::addColumn<int>("lost");
  QTest::addColumn<QString>("lost_label");  // one of the lost, or ""
  QTest::addColumn<QString>("why");         // its detail contains this
  const std::string reset3 = R"({"at": "5m", "action": "reset_mailbag", "mailbag": "INQUEUE3"})";
  const std::string rebuild3 = R"({"at": "5m", "action": "rebuild_mailbag", "mailbag": "INQUEUE3")";
  const std::string delete_b =
      R"({"at": "4m", "action": "delete_file", "file": "MAI/MA2/00000002.MAI"}, )";
  QTest::newRow("nothing done: nothing lost")
      << QString::fromStdString(queued_inbound("exchange-5.0", "")) << 0 << ""
      << "";
  QTest::newRow("INQUEUE3 reset: the queue is lost")
      << QString::fromStdString(queued_inbound("exchange-5.0", reset3)) << 3 << "b"
      << "INQUEUE3 reset by the operator";
  QTest::newRow("INQUEUE3 reset under hardened: the envelopes are recovered")
      << QString::fromStdString(queued_inbound("hardened", reset3)) << 0 << ""
      << "";
  QTest::newRow("INQUEUE3 rebuilt: nothing lost")
      << QString::fromStdString(queued_inbound("exchange-5.0", rebuild3 + "}")) << 0 << ""
      << "";
  QTest::newRow("INQUEUE3 rebuilt without one header: that one is lost")
      << QString::fromStdString(queued_inbound("exchange-5.0", rebuild3 + R"(, "drop": ["b"]})"))
      << 1 << "b"
      << "not selected";
  QTest::newRow("a missing MAI, rebuilt without stubs: lost")
      << QString::fromStdString(queued_inbound("exchange-5.0", delete_b + rebuild3 + "}")) << 1
      << "b"
      << "MAI was missing";
  QTest::newRow("a missing MAI, rebuilt with stubs: delivered")
      << QString::fromStdString(
             queued_inbound("exchange-5.0", delete_b + rebuild3 + R"(, "stubs": true})"))
      << 0 << ""
      << "";
  QTest::newRow("a postoffice's mailbag reset: its records are lost")
      << QString::fromStdString(queued_outbound(
             "exchange-5.0-sp1",
             R"({"at": "5m", "action": "reset_mailbag", "mailbag": "MSNET/SALES"})"))
      << 3 << "a"
      << "mailbag SALES reset by the operator";
  QTest::newRow("a postoffice's mailbag rebuilt: nothing lost")
      << QString::fromStdString(queued_outbound(
             "exchange-5.0-sp1",
             R"({"at": "5m", "action": "rebuild_mailbag", "mailbag": "msnet/sales"})"))
      << 0 << ""
      << "";
}

void TestKbExamples::mailq16_reset_loses_rebuild_keeps() {
  QFETCH(QString, json);
  QFETCH(int, lost);
  QFETCH(QString, lost_label);
  QFETCH(QString, why);
  const auto r = run(scenario_from(json.toStdString()));
  QCOMPARE(fate_count(r, Fate::kLost), lost);
  QCOMPARE(fate_count(r, Fate::kDelivered), 3 - lost);
  if (!lost_label.isEmpty()) {
    const msmisim::LedgerEntry* e = labelled(r, lost_label.toStdString());
    QVERIFY(e != nullptr);
    QCOMPARE(e->fate, Fate::kLost);
    QVERIFY2(e->detail.find(why.toStdString()) != std::string::npos, e->detail.c_str());
  }
  // A loss the operator caused breaks no invariant: it has a cause, and the engine's earlier
  // word (a record written into the mailbag) held when it was given.
  QVERIFY2(broken(r.invariants).empty(), broken(r.invariants).c_str());
}

void TestKbExamples::move_postoffice_data() {
  QTest::addColumn<QString>("json");
  QTest::addColumn<int>("start_failures");  // 7000s
  QTest::addColumn<bool>("moved");          // the step's note says the tree moved
  QTest::addColumn<bool>("running");        // the MSMI at the end
  QTest::addColumn<int>("pending_min");     // messages still waiting at the end
  const std::string stop = R"({"at": "5m", "action": "stop", "service": "msmi"},
                              {"at": "5m", "action": "stop", "service": "pcmta"}, )";
  const std::string start = R"(, {"at": "6m", "action": "start", "service": "msmi"},
                               {"at": "6m", "action": "start", "service": "pcmta"})";
  const std::string move =
      R"({"at": "5m30s", "action": "move_postoffice", "to": "D:\\EXCHSRVR\\CONNECT\\MSMCON")";
  QTest::newRow("stopped, moved, registry changed, started: nothing lost")
      << QString::fromStdString(moving(stop + move + "}" + start)) << 0 << true << true << 0;
  QTest::newRow("registry unchanged: neither service starts and the mail waits")
      << QString::fromStdString(moving(stop + move + R"(, "registry": false})" + start)) << 2
      << true << false << 9;
  QTest::newRow("moved while the services run: the move fails, nothing changes")
      << QString::fromStdString(moving(move + R"(, "registry": false})" + start)) << 0 << false
      << true << 0;
}

void TestKbExamples::move_postoffice() {
  QFETCH(QString, json);
  QFETCH(int, start_failures);
  QFETCH(bool, moved);
  QFETCH(bool, running);
  QFETCH(int, pending_min);
  const auto r = run(scenario_from(json.toStdString()));
  QCOMPARE(count(r, 7000, -2, "The system cannot find the path specified."), start_failures);
  QCOMPARE(count(r, 9003, -2, "the tree copied") == 1, moved);
  QCOMPARE(count(r, 9003, -2, "being used by another process") == 1, !moved);
  QCOMPARE(r.service_running, running);
  QCOMPARE(fate_count(r, Fate::kLost), 0);
  QVERIFY(fate_count(r, Fate::kPending) >= pending_min);
  if (running) QVERIFY(fate_count(r, Fate::kPending) <= 1);
  QVERIFY2(broken(r.invariants).empty(), broken(r.invariants).c_str());
}

void TestKbExamples::responder_answers_until_its_bound_data() {
  QTest::addColumn<QString>("extra");
  QTest::addColumn<int>("replies");
  QTest::addColumn<int>("ndrs");  // returned by the PC MTA from a POSTMASTER
  QTest::newRow("every mailbox exists: one answer") << "" << 1 << 0;
  QTest::newRow("ALICE has no mailbox: POSTMASTER's NDR is answered once more")
      << R"(, "postoffice": {"missing_mailboxes": ["MS:MSNET/SALES/ALICE"]})" << 2 << 1;
  QTest::newRow("contention once: the same")
      << R"(, "postoffice": {"contention": [{"mailbox": "ms:msnet/sales/alice"}]})" << 2 << 1;
  QTest::newRow("no POSTMASTER either: a loop, until the list server's bound")
      << R"(, "postoffice": {"missing_mailboxes": ["MS:MSNET/SALES/ALICE", "MS:MSNET/SALES/POSTMASTER"]})"
      << 3 << 3;
  QTest::newRow("POSTMASTER created before the loop: it ends")
      << R"(, "postoffice": {"missing_mailboxes": ["MS:MSNET/SALES/ALICE", "MS:MSNET/SALES/POSTMASTER"]},
           "operator": [{"at": "30s", "action": "add_mailbox", "mailbox": "MS:MSNET/SALES/POSTMASTER"}])"
      << 2 << 1;
}

void TestKbExamples::responder_answers_until_its_bound() {
  QFETCH(QString, extra);
  QFETCH(int, replies);
  QFETCH(int, ndrs);
  const auto r = run(scenario_from(list_server(extra.toStdString())));
  QCOMPARE(count(r, 9003, -2, "responder SMTP:listserv@lists.example.com: reply"), replies);
  QCOMPARE(count(r, 9003, -2, "with an NDR"), ndrs);
  QCOMPARE(count(r, 9003, -2, "from MS:MSNET/SALES/POSTMASTER"), ndrs);
  // The subscription, each answer, each NDR: every one reaches its next hop.
  QCOMPARE(static_cast<int>(r.ledger.size()), 1 + replies + ndrs);
  QCOMPARE(fate_count(r, Fate::kDelivered), 1 + replies + ndrs);
  QVERIFY2(broken(r.invariants).empty(), broken(r.invariants).c_str());
}

QTEST_APPLESS_MAIN(TestKbExamples)
#include "tst_kb_examples.moc"
