// The defects of the MSMI's outbound side (Exchange MTA → MS Mail), each switched on and off in
// the same world: a damaged message in the MTA's queue (Q159305), a mutex kept after a handled
// exception (Q151669), a delivered NDR left in the queue (Q164840); and the operator's step
// that moves the oldest message out of the stopped MTA (Q247618).
#include <QtTest>
#include <string>

#include "test_support.h"

using msmi::Fate;
using namespace testsupport;

namespace {

std::string defects(const QString& defect, bool on) {
  return R"("defects": {")" + defect.toStdString() + R"(": )" + (on ? "true" : "false") + "}";
}

// Outbound m1, then the damaged message, then m2 and m3; `rule` picks what the MTA cannot read.
std::string damaged_queue(const std::string& profile, const std::string& engine,
                          const std::string& rule) {
  return R"({"profile": ")" + profile + R"(", "seed": 7, "duration": "15m",
    "engine": {"logging": "minimum")" +
         engine + R"(},
    "messages": [
      {"at": "1m", "label": "m1", "direction": "outbound", "from": "MS:EXCHANGE/HQ/BOB", "to": "MS:MSNET/SALES/ALICE"},
      {"at": "2m", "label": "bad", "direction": "outbound", "from": "MS:EXCHANGE/HQ/ERIN", "to": "MS:MSNET/SALES/ALICE", "subject": "Damaged"},
      {"at": "3m", "label": "m2", "direction": "outbound", "from": "MS:EXCHANGE/HQ/BOB", "to": "MS:MSNET/SALES/ALICE"},
      {"at": "4m", "label": "m3", "direction": "outbound", "from": "MS:EXCHANGE/HQ/BOB", "to": "MS:MSNET/SALES/ALICE"}],
    "faults": [{"rule": ")" +
         rule + R"("}]})";
}

}  // namespace

class TestKbOutbound : public QObject {
  Q_OBJECT

 private slots:
  void damaged_message_in_the_mta_queue_data();
  void damaged_message_in_the_mta_queue();
  void mutex_kept_after_a_handled_exception_data();
  void mutex_kept_after_a_handled_exception();
  void ndr_left_in_the_mta_queue_data();
  void ndr_left_in_the_mta_queue();
  void move_mta_head_needs_the_mta_stopped_data();
  void move_mta_head_needs_the_mta_stopped();
};

void TestKbOutbound::damaged_message_in_the_mta_queue_data() {
  QTest::addColumn<QString>("profile");
  QTest::addColumn<bool>("defect");
  QTest::addColumn<QString>("rule");
  QTest::addColumn<bool>("terminates");
  QTest::addColumn<int>("fate_bad");  // Fate
  const QString damaged = "mta.read[subject~Damaged]=return(0x15)";
  QTest::newRow("Q159305 on: the service terminates")
      << "exchange-4.0" << true << damaged << true << int(Fate::kPending);
  QTest::newRow("Q159305 off: 2450 and the rest delivered")
      << "exchange-4.0" << false << damaged << false << int(Fate::kPending);
  QTest::newRow("the fixed build as it ships")
      << "exchange-4.0-sp" << false << damaged << false << int(Fate::kPending);
  QTest::newRow("hardened quarantines it")
      << "hardened" << false << damaged << false << int(Fate::kQuarantined);
  // A read failing without naming a message is the MTA failing, not a damaged message.
  QTest::newRow("Q159305 on, the MTA failing for a moment")
      << "exchange-4.0" << true << "mta.read[from=125s,until=126s]=return(0x15)" << false
      << int(Fate::kDelivered);
}

void TestKbOutbound::damaged_message_in_the_mta_queue() {
  QFETCH(QString, profile);
  QFETCH(bool, defect);
  QFETCH(QString, rule);
  QFETCH(bool, terminates);
  QFETCH(int, fate_bad);
  const std::string engine = profile == "hardened" ? "" : ", " + defects("Q159305", defect);
  const auto r =
      run(scenario_from(damaged_queue(profile.toStdString(), engine, rule.toStdString())));
  QCOMPARE(broken(r.invariants), std::string());
  QCOMPARE(entry_fate(r, "m1"), Fate::kDelivered);
  QCOMPARE(int(entry_fate(r, "bad")), fate_bad);
  const bool damaged = rule.contains("Damaged");
  if (terminates) {
    // 2335 and 2560 about the message, then the service is gone; the mail behind it waits.
    QCOMPARE(count(r, 2335, 6, "failed in om_read(). Return code is 0x15."), 1);
    QCOMPARE(count(r, 2560, 6), 1);
    QCOMPARE(count(r, 2450), 0);
    QCOMPARE(r.crashes, 1);
    QVERIFY(!r.service_running);
    QCOMPARE(entry_fate(r, "m2"), Fate::kPending);
    QCOMPARE(entry_fate(r, "m3"), Fate::kPending);
    QCOMPARE(r.backlog.mta_queue, std::int64_t{3});
  } else {
    QCOMPARE(count(r, 2335, -2, "om_read"), 0);
    QCOMPARE(r.crashes, 0);
    QVERIFY(r.service_running);
    QCOMPARE(entry_fate(r, "m2"), Fate::kDelivered);
    QCOMPARE(entry_fate(r, "m3"), Fate::kDelivered);
    // The damaged message is named once, by its sender; an MTA failure is 2560 and no 2450.
    QCOMPARE(count(r, 2450, 6, "This message is from MS:EXCHANGE/HQ/ERIN."), damaged ? 1 : 0);
    QCOMPARE(count(r, 2560), damaged ? 0 : 1);
    QCOMPARE(count(r, 9001), profile == "hardened" ? 1 : 0);
  }
}

void TestKbOutbound::mutex_kept_after_a_handled_exception_data() {
  QTest::addColumn<QString>("profile");
  QTest::addColumn<bool>("defect");
  QTest::addColumn<bool>("blocks");
  QTest::newRow("Q151669 on: every other thread waits") << "exchange-5.0" << true << true;
  QTest::newRow("Q151669 off: handled once") << "exchange-5.0" << false << false;
  QTest::newRow("the 5.0 service pack") << "exchange-5.0-sp1" << false << false;
  QTest::newRow("4.0 as shipped") << "exchange-4.0" << true << true;
}

void TestKbOutbound::mutex_kept_after_a_handled_exception() {
  QFETCH(QString, profile);
  QFETCH(bool, defect);
  QFETCH(bool, blocks);
  const auto r = run(scenario_from(R"({"profile": ")" + profile.toStdString() +
                                   R"(", "seed": 5, "duration": "12m",
    "engine": {"logging": "minimum", )" +
                                   defects("Q151669", defect) + R"x(},
    "traffic": [{"direction": "inbound", "from": "MS:MSNET/SALES/ALICE", "to": "MS:EXCHANGE/HQ/BOB", "every": "30s"}],
    "messages": [
      {"at": "2m", "label": "bad", "direction": "outbound", "from": "MS:EXCHANGE/HQ/MALLORY", "to": "MS:MSNET/SALES/ALICE"},
      {"at": "3m", "label": "after", "direction": "outbound", "from": "MS:EXCHANGE/HQ/BOB", "to": "MS:MSNET/SALES/ALICE"}],
    "faults": [{"rule": "engine.convert_outbound[sender~*MALLORY]=access_violation(0x4)"}]})x"));
  QCOMPARE(broken(r.invariants), std::string());
  // The exception is handled either way: no 10003, the service runs, the message stays queued.
  QCOMPARE(count(r, 10003), 0);
  QCOMPARE(r.crashes, 0);
  QVERIFY(r.service_running);
  QCOMPARE(entry_fate(r, "bad"), Fate::kPending);
  const int pairs = count(r, 2380, 6, "attempt to read from 0x00000004");
  QCOMPARE(count(r, 2450, 6, "This message is from MS:EXCHANGE/HQ/MALLORY."), pairs);
  if (blocks) {
    QVERIFY2(pairs >= 100, qPrintable(QString::number(pairs)));
    QCOMPARE(thread_of(r, 6)->state, msmi::ThreadState::kLooping);
    QVERIFY(thread_of(r, 6)->last_busy_pct > 90.0);
    QVERIFY(thread_of(r, 5)->last_busy_pct < 1.0);
    QVERIFY(thread_of(r, 4)->last_busy_pct < 1.0);
    // Nothing moves after the exception, either way.
    QCOMPARE(entry_fate(r, "after"), Fate::kPending);
    QCOMPARE(delivered_between(r, 2 * kMin + 30'000'000, 12 * kMin), 0);
    QVERIFY(r.backlog.p1_files >= 15);
  } else {
    QCOMPARE(pairs, 1);
    QCOMPARE(entry_fate(r, "after"), Fate::kDelivered);
    QVERIFY(delivered_between(r, 3 * kMin, 12 * kMin) >= 15);
    QVERIFY(r.backlog.p1_files <= 2);
  }
}

void TestKbOutbound::ndr_left_in_the_mta_queue_data() {
  QTest::addColumn<bool>("defect");
  QTest::addColumn<QString>("subject");
  QTest::addColumn<int>("deliveries");
  QTest::newRow("Q164840 on, a Japanese NDR") << true << "配信不能: 会議" << 3;
  QTest::newRow("Q164840 off") << false << "配信不能: 会議" << 1;
  QTest::newRow("Q164840 on, an ASCII NDR") << true << "Undeliverable: Meeting" << 1;
}

void TestKbOutbound::ndr_left_in_the_mta_queue() {
  QFETCH(bool, defect);
  QFETCH(QString, subject);
  QFETCH(int, deliveries);
  const auto r = run(scenario_from(R"({"profile": "exchange-4.0-sp", "seed": 9, "duration": "15m",
    "engine": {"logging": {"default": "minimum", "Routing": "maximum"}, )" +
                                   defects("Q164840", defect) + R"(},
    "messages": [{"at": "1m", "label": "ndr", "direction": "outbound", "kind": "ndr",
      "from": "SMTP:postmaster@example.co.jp", "to": "MS:MSNET/SALES/TARO", "subject": ")" +
                                   subject.toStdString() + R"("}],
    "operator": [{"at": "5m", "action": "restart", "service": "mta"},
                 {"at": "10m", "action": "restart", "service": "mta"}]})"));
  // Delivered again after each restart of the MTA, and the invariants know why.
  QCOMPARE(broken(r.invariants), std::string());
  QCOMPARE(entry_fate(r, "ndr"), Fate::kDelivered);
  const bool stays = deliveries > 1;
  QCOMPARE(count(r, 2380, 6, "attempt to read from 0x00000004"), stays ? deliveries : 0);
  QCOMPARE(count(r, 2449, 6), stays ? deliveries : 0);
  QCOMPARE(r.backlog.mta_queue, std::int64_t{stays ? 1 : 0});
}

void TestKbOutbound::move_mta_head_needs_the_mta_stopped_data() {
  QTest::addColumn<bool>("mta_stopped");
  QTest::newRow("the MTA stopped: the oldest message is set aside") << true;
  QTest::newRow("the MTA running: refused") << false;
}

void TestKbOutbound::move_mta_head_needs_the_mta_stopped() {
  QFETCH(bool, mta_stopped);
  const std::string stop =
      mta_stopped ? R"({"at": "4m", "action": "stop", "service": "mta"}, )" : "";
  const auto r = run(scenario_from(R"({"profile": "hardened", "seed": 3, "duration": "10m",
    "messages": [
      {"at": "1m", "label": "m1", "direction": "outbound", "from": "MS:EXCHANGE/HQ/BOB", "to": "MS:MSNET/SALES/ALICE"},
      {"at": "2m", "label": "m2", "direction": "outbound", "from": "MS:EXCHANGE/HQ/BOB", "to": "MS:MSNET/SALES/ALICE"}],
    "operator": [{"at": "30s", "action": "stop", "service": "msmi"}, )" +
                                   stop + R"({"at": "4m", "action": "move_mta_head"},
      {"at": "5m", "action": "start", "service": "mta"},
      {"at": "5m", "action": "start", "service": "msmi"}]})"));
  QCOMPARE(broken(r.invariants), std::string());
  QCOMPARE(entry_fate(r, "m1"), mta_stopped ? Fate::kQuarantined : Fate::kDelivered);
  QCOMPARE(entry_fate(r, "m2"), Fate::kDelivered);
  QCOMPARE(count(r, 9003, -2, mta_stopped ? "moved out of MTADATA" : "the MTA is running"), 1);
}

QTEST_APPLESS_MAIN(TestKbOutbound)
#include "tst_kb_outbound.moc"
