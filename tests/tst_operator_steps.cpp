// The operator's and the administrator's steps (the KB workarounds), each through a real run:
// what the step changes in the world and what the MSMI then does.
#include <QtTest>
#include <string>

#include "test_support.h"

using msmi::Fate;
using namespace testsupport;

namespace {

// Three outbound messages queue at the MTA while the MSMI is stopped; `steps` follow.
std::string queued_outbound(const std::string& steps) {
  return R"({"profile": "exchange-5.0-sp1", "seed": 3, "duration": "20m",
    "messages": [
      {"at": "1m", "label": "m1", "direction": "outbound", "from": "MS:EXCHANGE/HQ/BOB", "to": "MS:MSNET/SALES/ALICE"},
      {"at": "2m", "label": "m2", "direction": "outbound", "from": "MS:EXCHANGE/HQ/BOB", "to": "MS:MSNET/SALES/ALICE"},
      {"at": "3m", "label": "m3", "direction": "outbound", "from": "MS:EXCHANGE/HQ/BOB", "to": "MS:MSNET/SALES/ALICE"}],
    "operator": [{"at": "30s", "action": "stop", "service": "msmi"}, )" +
         steps + R"(, {"at": "10m", "action": "start", "service": "msmi"}]})";
}

// An inbound message to an address the MTA refuses (0x15) under a build that retries a bounded
// number of times (exchange-5.0-sp1, max_attempts 1 to start with).
std::string refused_inbound(const std::string& steps) {
  return R"x({"profile": "exchange-5.0-sp1", "seed": 3, "duration": "30m",
    "engine": {"logging": "maximum", "max_attempts": 1, "retry_delay": "1m", "restart_deferral": "1m"},
    "faults": [{"rule": "mta.put[rcpt~*@bad.example]=return(0x15)"}],
    "messages": [{"at": "5m", "label": "bad", "from": "MS:MSNET/SALES/ALICE", "to": "SMTP:x@bad.example"}],
    "operator": [)x" +
         steps + "]}";
}

}  // namespace

class TestOperatorSteps : public QObject {
  Q_OBJECT

 private slots:
  void return_to_senders_data();
  void return_to_senders();
  void set_setting_takes_effect_at_the_next_start_data();
  void set_setting_takes_effect_at_the_next_start();
  void delete_mta_head_loses_one_message();
  void returning_a_waiting_message_ends_its_retries();
};

void TestOperatorSteps::return_to_senders_data() {
  QTest::addColumn<QString>("step");
  QTest::addColumn<int>("returned");
  QTest::newRow("the whole queue") << R"({"at": "5m", "action": "return_to_senders"})" << 3;
  QTest::newRow("the first two")
      << R"({"at": "5m", "action": "return_to_senders", "queue": "mta", "count": 2})" << 2;
}

void TestOperatorSteps::return_to_senders() {
  QFETCH(QString, step);
  QFETCH(int, returned);
  const auto r = run(scenario_from(queued_outbound(step.toStdString())));
  QCOMPARE(fate_count(r, Fate::kNdr), returned);
  // What was not returned is delivered once the MSMI starts again.
  QCOMPARE(fate_count(r, Fate::kDelivered), 3 - returned);
  QCOMPARE(entry_fate(r, "m1"), Fate::kNdr);
  QVERIFY(labelled(r, "m1")->detail.find("returned it to its sender") != std::string::npos);
  QCOMPARE(labelled(r, "m1")->settled_us, 5 * kMin);  // settled when the step ran
  QCOMPARE(count(r, 9003, -2, std::to_string(returned) + " message(s) taken off"), 1);
  QVERIFY2(broken(r.invariants).empty(), broken(r.invariants).c_str());
}

void TestOperatorSteps::set_setting_takes_effect_at_the_next_start_data() {
  QTest::addColumn<QString>("steps");
  QTest::addColumn<int>("puts");  // 2342s for the refused message
  QTest::newRow("unchanged: one attempt") << "" << 1;
  QTest::newRow("changed, no restart: still one attempt")
      << R"({"at": "1m", "action": "set_setting", "setting": "max_attempts", "value": 3})" << 1;
  QTest::newRow("changed and restarted: three attempts")
      << R"({"at": "1m", "action": "set_setting", "setting": "max_attempts", "value": 3},
            {"at": "2m", "action": "restart"})"
      << 3;
}

void TestOperatorSteps::set_setting_takes_effect_at_the_next_start() {
  QFETCH(QString, steps);
  QFETCH(int, puts);
  const auto r = run(scenario_from(refused_inbound(steps.toStdString())));
  QCOMPARE(count(r, 2342), puts);
  QCOMPARE(entry_fate(r, "bad"), Fate::kNdr);
  if (!steps.isEmpty()) {
    QCOMPARE(count(r, 9003, -2, "set_setting: max_attempts = 3"), 1);
  }
}

void TestOperatorSteps::delete_mta_head_loses_one_message() {
  const auto r =
      run(scenario_from(queued_outbound(R"({"at": "5m", "action": "delete_mta_head"})")));
  QCOMPARE(entry_fate(r, "m1"), Fate::kLost);
  QVERIFY(labelled(r, "m1")->detail.find("deleted from the MTA's queue") != std::string::npos);
  QCOMPARE(entry_fate(r, "m2"), Fate::kDelivered);
  QCOMPARE(entry_fate(r, "m3"), Fate::kDelivered);
  // The world did it, on purpose: no invariant is broken.
  QVERIFY2(broken(r.invariants).empty(), broken(r.invariants).c_str());
}

void TestOperatorSteps::returning_a_waiting_message_ends_its_retries() {
  // Under hardened a message for a full mailbag waits in the MTA's queue between retries. Once
  // the administrator returns it to its sender, the outbound thread stops reopening its session
  // to be offered it again.
  const auto r = run(scenario_from(R"({"profile": "hardened", "seed": 3, "duration": "60m",
    "engine": {"logging": "maximum", "max_attempts": 10, "retry_delay": "1m"},
    "faults": [{"rule": "disk.append[file~MBG/SALES*]=fill"}],
    "messages": [
      {"at": "1m", "label": "first", "direction": "outbound", "from": "MS:EXCHANGE/HQ/BOB", "to": "MS:MSNET/SALES/ALICE"},
      {"at": "2m", "label": "waits", "direction": "outbound", "from": "MS:EXCHANGE/HQ/BOB", "to": "MS:MSNET/SALES/ALICE"}],
    "operator": [{"at": "0s", "action": "stop", "service": "pcmta"},
                 {"at": "4m", "action": "return_to_senders"}]})"));
  QCOMPARE(entry_fate(r, "waits"), Fate::kNdr);
  QVERIFY(count(r, 2010) >= 2);  // it did wait and retry before the step
  // One session to find the message gone; none after that.
  QVERIFY2(count(r, 2335, -2, "", 5 * kMin) <= 1, qPrintable(QString::number(count(r, 2335))));
  QVERIFY2(broken(r.invariants).empty(), broken(r.invariants).c_str());
}

QTEST_APPLESS_MAIN(TestOperatorSteps)
#include "tst_operator_steps.moc"
