// The mailbag, service and administration behaviours of Q138054, Q163020, Q164177 and Q169669,
// each through a real run: a postoffice mailbag that starts nearly full, a user mailbag the PC
// MTA cannot add to, the service account the MSMI logs on as, and who may return queued mail.
#include <QtTest>
#include <string>

#include "msmi/connector_admin.h"
#include "msmi/mailbag.h"
#include "msmisim/memory_file_system.h"
#include "msmisim/world_events.h"
#include "test_support.h"

using msmi::Fate;
using namespace testsupport;

namespace {

// `count` outbound messages to SALES/ALICE, one a minute from 1m, while the PC MTA is stopped;
// the SALES mailbag starts with `prefilled` records.
std::string outbound_to_stopped_pcmta(int prefilled, int count, const std::string& profile) {
  return R"({"profile": ")" + profile + R"(", "seed": 5, "duration": "20m",
    "engine": {"logging": "minimum", "max_attempts": 8},
    "postoffice": {"mailbags": {"MSNET/SALES": )" +
         std::to_string(prefilled) + R"(}},
    "traffic": [{"direction": "outbound", "from": "MS:EXCHANGE/HQ/BOB", "to": "MS:MSNET/SALES/ALICE",
                 "every": "1m", "start": "1m", "stop": ")" +
         std::to_string(count) + R"(m30s"}],
    "operator": [{"at": "0s", "action": "stop", "service": "pcmta"}]})";
}

// Inbound and outbound mail every minute, the MSMI logging on as `account`; `more` adds keys.
std::string mail_both_ways(const std::string& account, const std::string& profile,
                           const std::string& more = "") {
  return R"({"profile": ")" + profile + R"(", "seed": 7, "duration": "15m",
    "engine": {"logging": "medium", "service_account": ")" +
         account + R"("},
    "traffic": [
      {"direction": "inbound", "from": "MS:MSNET/SALES/ALICE", "to": "MS:EXCHANGE/HQ/BOB", "every": "1m"},
      {"direction": "outbound", "from": "MS:EXCHANGE/HQ/BOB", "to": "MS:MSNET/SALES/ALICE", "every": "1m"}])" +
         more + "}";
}

int last_sample(const msmisim::RunResult& r, std::int64_t msmisim::QueueSample::*queue) {
  return r.queue_samples.empty() ? -1 : static_cast<int>(r.queue_samples.back().*queue);
}

}  // namespace

class TestKbMailbags : public QObject {
  Q_OBJECT

 private slots:
  void append_all_refuses_to_pass_the_limit();
  void prefilled_mailbag_fills_up_data();
  void prefilled_mailbag_fills_up();
  void full_user_mailbag_returns_mail_data();
  void full_user_mailbag_returns_mail();
  void service_account_data();
  void service_account();
  void changing_the_account_takes_effect_at_the_next_start();
  void queue_rights_data();
  void queue_rights();
  void pc_mta_configuration_needs_nt_administrators();
  void bad_fields_are_named_data();
  void bad_fields_are_named();
};

void TestKbMailbags::append_all_refuses_to_pass_the_limit() {
  msmisim::MemoryFileSystem fs;
  QVERIFY(fs.make_dirs("KEY").ok());
  QVERIFY(fs.make_dirs("MBG").ok());
  msmi::Mailbag bag(fs, "SALES");
  QVERIFY(bag.append_all(std::vector<std::string>(4090, "old")).ok());
  const msmi::Status s = bag.append_all(std::vector<std::string>(7, "more"));
  QVERIFY(s.is_full());
  std::vector<msmi::MailbagEntry> entries;
  QVERIFY(bag.load(&entries).ok());
  QCOMPARE(entries.size(), std::size_t{4090});  // none of the seven went in
  QVERIFY(bag.append_all(std::vector<std::string>(6, "more")).ok());
  QVERIFY(bag.append("one too many", nullptr).is_full());
  QVERIFY(bag.load(&entries).ok());
  QCOMPARE(entries.size(), msmi::kMailbagRecordLimit);
  QCOMPARE(entries.back().payload, std::string("more"));
}

void TestKbMailbags::prefilled_mailbag_fills_up_data() {
  QTest::addColumn<int>("prefilled");
  QTest::addColumn<QString>("profile");
  QTest::addColumn<int>("delivered");
  QTest::addColumn<int>("ndr");  // each with 2010 and 2117 [008]
  QTest::newRow("empty mailbag") << 0 << "exchange-5.0" << 5 << 0;
  QTest::newRow("room for two") << 4094 << "exchange-5.0" << 2 << 3;
  QTest::newRow("full from the start") << 4096 << "exchange-4.0" << 0 << 5;
  QTest::newRow("full, 5.5 SP3 the same") << 4096 << "exchange-5.5-sp3" << 0 << 5;
  // hardened keeps them in the MTA's queue: no NDR, nothing delivered while the PC MTA is down.
  QTest::newRow("full, hardened waits") << 4096 << "hardened" << 0 << 0;
}

void TestKbMailbags::prefilled_mailbag_fills_up() {
  QFETCH(int, prefilled);
  QFETCH(QString, profile);
  QFETCH(int, delivered);
  QFETCH(int, ndr);
  const auto r = run(scenario_from(outbound_to_stopped_pcmta(prefilled, 5, profile.toStdString())));
  QCOMPARE(fate_count(r, Fate::kDelivered), delivered);
  QCOMPARE(fate_count(r, Fate::kNdr), ndr);
  QCOMPARE(count(r, 2117, -2, "[008] Failure delivering user mail due to mailbag contention"), ndr);
  QCOMPARE(count(r, 2010, -2, "Disk error encountered while inserting data into SALES.MBG") > 0,
           delivered < 5);
  // The old records are in the mailbag, never in the ledger.
  QCOMPARE(r.ledger.size(), std::size_t{5});
  QCOMPARE(last_sample(r, &msmisim::QueueSample::outbound_records), prefilled + delivered);
  for (const auto& inv : r.invariants) QVERIFY2(inv.passed, inv.detail.c_str());
}

void TestKbMailbags::full_user_mailbag_returns_mail_data() {
  QTest::addColumn<int>("held");       // messages in ALICE's own mailbag at the start
  QTest::addColumn<QString>("empty");  // when she downloads it, or "" for never
  QTest::addColumn<int>("returned");
  QTest::newRow("room") << 0 << "" << 0;
  QTest::newRow("room for one") << 4095 << "" << 3;
  QTest::newRow("full") << 4096 << "" << 4;
  QTest::newRow("full, emptied at 3m") << 4096 << "3m" << 2;
}

void TestKbMailbags::full_user_mailbag_returns_mail() {
  QFETCH(int, held);
  QFETCH(QString, empty);
  QFETCH(int, returned);
  const std::string step =
      empty.isEmpty() ? ""
                      : R"({"at": ")" + empty.toStdString() +
                            R"(", "action": "empty_mailbag", "mailbox": "MS:MSNET/SALES/ALICE"})";
  const auto r = run(scenario_from(R"({"profile": "exchange-5.0", "seed": 9, "duration": "10m",
    "postoffice": {"pcmta_interval": "10s", "user_mailbags": {"MS:MSNET/SALES/ALICE": )" +
                                   std::to_string(held) + R"(}},
    "traffic": [{"direction": "outbound", "from": "MS:EXCHANGE/HQ/BOB", "to": "Alice <MS:MSNET/SALES/ALICE>",
                 "every": "1m", "start": "1m", "stop": "4m30s"}],
    "operator": [)" + step + "]}"));
  QCOMPARE(fate_count(r, Fate::kNdr), returned);
  QCOMPARE(fate_count(r, Fate::kDelivered), 4 - returned);
  QCOMPARE(count(r, msmisim::kPcMtaDeliveryProblem, -2,
                 "[017] Unable to deliver user mail due to a full mailbag. Message was not "
                 "delivered to Alice (MSNET/SALES/ALICE)"),
           returned);
  QCOMPARE(count(r, 2117), 0);  // the MSMI wrote every record; the PC MTA returned them
  for (const auto& inv : r.invariants) QVERIFY2(inv.passed, inv.detail.c_str());
}

void TestKbMailbags::service_account_data() {
  QTest::addColumn<QString>("account");
  QTest::addColumn<QString>("profile");
  QTest::addColumn<QString>("faults");
  QTest::addColumn<bool>("running");
  QTest::addColumn<int>("e2410");
  QTest::addColumn<int>("e7024");
  QTest::addColumn<bool>("moves_mail");
  QTest::newRow("exchange account") << "exchange"
                                    << "exchange-5.0"
                                    << "" << true << 0 << 0 << true;
  QTest::newRow("system account runs idle") << "system"
                                            << "exchange-5.0"
                                            << "" << true << 1 << 0 << false;
  QTest::newRow("system account, 5.5 SP3 the same") << "system"
                                                    << "exchange-5.5-sp3"
                                                    << "" << true << 1 << 0 << false;
  QTest::newRow("system account, hardened refuses to start") << "system"
                                                             << "hardened"
                                                             << "" << false << 1 << 1 << false;
  // A directory that refuses the session stops the start under the Exchange account, as before.
  QTest::newRow("directory fault, exchange account")
      << "exchange"
      << "exchange-5.0"
      << R"x(, "faults": [{"rule": "directory.session=return(0x105)"}])x" << false << 1 << 1
      << false;
}

void TestKbMailbags::service_account() {
  QFETCH(QString, account);
  QFETCH(QString, profile);
  QFETCH(QString, faults);
  QFETCH(bool, running);
  QFETCH(int, e2410);
  QFETCH(int, e7024);
  QFETCH(bool, moves_mail);
  const auto r = run(scenario_from(
      mail_both_ways(account.toStdString(), profile.toStdString(), faults.toStdString())));
  QCOMPARE(r.service_running, running);
  QCOMPARE(count(r, 2410, -2, "The return code is 0x105."), e2410);
  QCOMPARE(count(r, 7024, -2, "service-specific error 261"), e7024);
  QCOMPARE(fate_count(r, Fate::kDelivered) > 20, moves_mail);
  QCOMPARE(count(r, 2384) > 0, moves_mail);
  if (!moves_mail) {
    QCOMPARE(fate_count(r, Fate::kDelivered), 0);
    QVERIFY(last_sample(r, &msmisim::QueueSample::inqueue3) >= 14);
    QVERIFY(last_sample(r, &msmisim::QueueSample::mta_queue) >= 14);
  }
}

void TestKbMailbags::changing_the_account_takes_effect_at_the_next_start() {
  const auto r = run(scenario_from(mail_both_ways("system", "exchange-5.0", R"(,
    "operator": [{"at": "5m", "action": "set_service_account", "account": "exchange"},
                 {"at": "8m", "action": "restart", "service": "msmi"}])")));
  // Nothing moves until the restart at 8m, then the queues drain.
  QCOMPARE(count(r, 2384, -2, "", 0, 8 * msmi::kMinute), 0);
  QVERIFY(count(r, 2384, -2, "", 8 * msmi::kMinute) > 0);
  QCOMPARE(count(r, 2410), 1);
  QVERIFY(fate_count(r, Fate::kDelivered) >= 26);
  QVERIFY(last_sample(r, &msmisim::QueueSample::inqueue3) <= 1);
}

void TestKbMailbags::queue_rights_data() {
  QTest::addColumn<QString>("profile");
  QTest::addColumn<QString>("defects");  // engine.defects override, or ""
  QTest::addColumn<QString>("as");
  QTest::addColumn<QString>("action");
  QTest::addColumn<bool>("refused");
  QTest::newRow("5.0 exchange-admin return") << "exchange-5.0"
                                             << ""
                                             << "exchange-admin"
                                             << "return_to_senders" << true;
  QTest::newRow("5.0 exchange-admin delete") << "exchange-5.0"
                                             << ""
                                             << "exchange-admin"
                                             << "delete_mta_head" << true;
  QTest::newRow("5.0 nt-admin return") << "exchange-5.0"
                                       << ""
                                       << "nt-admin"
                                       << "return_to_senders" << false;
  QTest::newRow("5.0 SP1 exchange-admin return") << "exchange-5.0-sp1"
                                                 << ""
                                                 << "exchange-admin"
                                                 << "return_to_senders" << false;
  QTest::newRow("5.0 SP1 exchange-admin delete") << "exchange-5.0-sp1"
                                                 << ""
                                                 << "exchange-admin"
                                                 << "delete_mta_head" << false;
  QTest::newRow("5.0 with the defect off") << "exchange-5.0"
                                           << R"("Q169669": false)"
                                           << "exchange-admin"
                                           << "return_to_senders" << false;
  QTest::newRow("5.5 with the defect on") << "exchange-5.5"
                                          << R"("Q169669": true)"
                                          << "exchange-admin"
                                          << "return_to_senders" << true;
}

void TestKbMailbags::queue_rights() {
  QFETCH(QString, profile);
  QFETCH(QString, defects);
  QFETCH(QString, as);
  QFETCH(QString, action);
  QFETCH(bool, refused);
  const auto r = run(scenario_from(R"({"profile": ")" + profile.toStdString() +
                                   R"(", "seed": 4, "duration": "10m",
    "engine": {"defects": {)" + defects.toStdString() +
                                   R"(}},
    "traffic": [{"direction": "outbound", "from": "MS:EXCHANGE/HQ/BOB", "to": "MS:MSNET/SALES/ALICE",
                 "every": "1m", "start": "1m", "stop": "4m30s"}],
    "operator": [{"at": "30s", "action": "stop", "service": "msmi"},
                 {"at": "5m", "action": ")" +
                                   action.toStdString() + R"(", )" +
                                   (action == "return_to_senders" ? R"("count": 2, )" : "") +
                                   R"("as": ")" + as.toStdString() + R"("}]})"));
  QCOMPARE(count(r, 9003, -2, "refused for exchange-admin: access denied: the SC_MANAGE_ALL right"),
           refused ? 1 : 0);
  const int taken = refused ? 0 : action == "delete_mta_head" ? 1 : 2;
  QCOMPARE(last_sample(r, &msmisim::QueueSample::mta_queue), 4 - taken);
  QCOMPARE(fate_count(r, Fate::kNdr), action == "return_to_senders" ? taken : 0);
  QCOMPARE(fate_count(r, Fate::kLost), action == "delete_mta_head" ? taken : 0);
}

void TestKbMailbags::pc_mta_configuration_needs_nt_administrators() {
  using msmi::AdminRole;
  using msmi::ConnectorAdminTask;
  for (const char* name : {"exchange-5.0", "exchange-5.0-sp1", "exchange-5.5", "hardened"}) {
    const msmi::DefectSet defects = msmi::find_profile(name)->defects;
    QVERIFY(!msmi::authorize_connector_admin(defects, AdminRole::kExchangeAdministrator,
                                             ConnectorAdminTask::kPcMtaConfiguration)
                 .ok());
    QVERIFY(msmi::authorize_connector_admin(defects, AdminRole::kNtAdministrator,
                                            ConnectorAdminTask::kPcMtaConfiguration)
                .ok());
  }
  QVERIFY(msmi::find_profile("exchange-5.0")->defects.on(msmi::Defect::kQ169669));
  QVERIFY(!msmi::find_profile("exchange-5.0-sp1")->defects.on(msmi::Defect::kQ169669));
  QVERIFY(!msmi::find_profile("exchange-4.0")->defects.on(msmi::Defect::kQ169669));
}

void TestKbMailbags::bad_fields_are_named_data() {
  QTest::addColumn<QString>("json");
  QTest::addColumn<QString>("path");
  QTest::newRow("prefill past the limit")
      << R"({"postoffice": {"mailbags": {"MSNET/SALES": 4097}}})"
      << "$.postoffice.mailbags.MSNET/SALES";
  QTest::newRow("prefill of an unknown postoffice")
      << R"({"postoffice": {"mailbags": {"MSNET/HR": 10}}})"
      << "$.postoffice.mailbags.MSNET/HR";
  QTest::newRow("user mailbag not MS Mail")
      << R"({"postoffice": {"user_mailbags": {"SMTP:a@b.c": 10}}})"
      << "$.postoffice.user_mailbags.SMTP:a@b.c";
  QTest::newRow("unknown account") << R"({"engine": {"service_account": "admin"}})"
                                   << "$.engine.service_account";
  QTest::newRow("set_service_account without account")
      << R"({"operator": [{"at": "1m", "action": "set_service_account"}]})"
      << "$.operator[0].account";
  QTest::newRow("empty_mailbag without mailbox")
      << R"({"operator": [{"at": "1m", "action": "empty_mailbag"}]})"
      << "$.operator[0].mailbox";
  QTest::newRow("unknown role")
      << R"({"operator": [{"at": "1m", "action": "return_to_senders", "as": "root"}]})"
      << "$.operator[0].as";
  QTest::newRow("role on a step that takes none")
      << R"({"operator": [{"at": "1m", "action": "restart", "as": "nt-admin"}]})"
      << "$.operator[0].as";
}

void TestKbMailbags::bad_fields_are_named() {
  QFETCH(QString, json);
  QFETCH(QString, path);
  msmisim::Scenario scenario;
  msmisim::LoadError error;
  QVERIFY(!msmisim::parse_scenario(json.toStdString(), "bad.json", &scenario, &error));
  QCOMPARE(QString::fromStdString(error.json_path), path);
}

QTEST_APPLESS_MAIN(TestKbMailbags)
#include "tst_kb_mailbags.moc"
