// The oracle decides what happened to every message from what the world saw, and the invariants
// catch an engine that misbehaves: a duplicate delivery, a claim the world did not see, an NDR
// that never arrived, a message lost or forgotten under the hardened profile.
#include <QtTest>

#include "msmisim/oracle.h"
#include "test_support.h"

using namespace testsupport;
using msmi::Fate;
using msmisim::InvariantResult;

namespace {

const InvariantResult* invariant(const std::vector<InvariantResult>& all, std::string_view name) {
  for (const InvariantResult& i : all) {
    if (i.name == name) return &i;
  }
  return nullptr;
}

msmisim::LedgerEntry entry(const std::string& id, msmisim::Direction direction,
                           std::optional<Fate> claim = std::nullopt) {
  msmisim::LedgerEntry e;
  e.message_id = id;
  e.direction = direction;
  e.engine_fate = claim;
  if (claim) e.engine_settled_us = 1'000'000;
  return e;
}

constexpr auto kIn = msmisim::Direction::kInbound;
constexpr auto kOut = msmisim::Direction::kOutbound;

// Inbound traffic for 10 minutes under `profile`, with the engine's defects overridden.
std::string traffic_scenario(const std::string& defects, const std::string& extra = "") {
  return R"({"duration": "10m", "profile": "exchange-5.0-sp1", "engine": {"defects": )" + defects +
         R"(}, "traffic": [{"from": "MS:MSNET/SALES/ALICE", "to": "MS:EXCHANGE/HQ/BOB",
         "every": "30s"}, {"direction": "outbound", "from": "MS:EXCHANGE/HQ/BOB",
         "to": "MS:MSNET/SALES/ALICE", "every": "1m"}])" +
         extra + "}";
}

}  // namespace

class TestOracle : public QObject {
  Q_OBJECT

 private slots:
  void healthy_run_keeps_every_invariant();
  void deliver_twice_breaks_the_duplicate_invariant();
  void fates_come_from_the_world_data();
  void fates_come_from_the_world();
  void broken_invariants_data();
  void broken_invariants();
  void loss_needs_a_cause_tied_to_the_message_data();
  void loss_needs_a_cause_tied_to_the_message();
  void lost_acknowledgement_explains_a_second_delivery();
  void damaged_mailbag_record_contradicts_the_engine();
  void forgotten_message_breaks_the_retry_horizon();
  void legacy_losses_are_not_violations();
};

void TestOracle::healthy_run_keeps_every_invariant() {
  const auto r = run(scenario_from(traffic_scenario("{}")));
  QCOMPARE(r.invariants.size(), std::size_t(4));  // the hardened-only pair is not checked
  QVERIFY2(broken(r.invariants).empty(), broken(r.invariants).c_str());
  QVERIFY(r.passed());
  QVERIFY(fate_count(r, Fate::kDelivered) > 20);
  const auto hardened = run(scenario_from(traffic_scenario("{}")), "hardened");
  QCOMPARE(hardened.invariants.size(), std::size_t(6));
  QVERIFY2(broken(hardened.invariants).empty(), broken(hardened.invariants).c_str());
}

void TestOracle::deliver_twice_breaks_the_duplicate_invariant() {
  const auto r = run(scenario_from(traffic_scenario(R"({"TestDeliverTwice": true})")));
  QVERIFY(r.defects.on(msmi::Defect::kTestDeliverTwice));
  const InvariantResult* twice = invariant(r.invariants, msmisim::kInvariantNoDuplicates);
  QVERIFY(twice != nullptr);
  QVERIFY(!twice->passed);
  QVERIFY2(twice->detail.find("the MTA accepted it 2 times") != std::string::npos,
           twice->detail.c_str());
  QVERIFY(!r.passed());  // a broken invariant fails the run, with no expectation at all
  // Only that one: the engine's claims are true, nothing is lost.
  for (const InvariantResult& i : r.invariants) {
    if (i.name != msmisim::kInvariantNoDuplicates) QVERIFY2(i.passed, i.detail.c_str());
  }
}

void TestOracle::fates_come_from_the_world_data() {
  QTest::addColumn<int>("direction");
  QTest::addColumn<int>("claim");  // -1: the engine said nothing
  QTest::addColumn<QString>("evidence");
  QTest::addColumn<int>("fate");
  QTest::newRow("inbound accepted, engine silent")
      << int(kIn) << -1 << "put" << int(Fate::kDelivered);
  QTest::newRow("inbound refused only") << int(kIn) << -1 << "refused" << int(Fate::kLost);
  QTest::newRow("inbound NDR drained")
      << int(kIn) << int(Fate::kNdr) << "ndr-record" << int(Fate::kNdr);
  QTest::newRow("inbound in QUARANTINE")
      << int(kIn) << -1 << "quarantine-file" << int(Fate::kQuarantined);
  QTest::newRow("inbound queued") << int(kIn) << -1 << "inqueue3" << int(Fate::kPending);
  QTest::newRow("inbound orphaned envelope")
      << int(kIn) << int(Fate::kLost) << "p1" << int(Fate::kLost);
  QTest::newRow("inbound held") << int(kIn) << -1 << "held" << int(Fate::kPending);
  QTest::newRow("inbound engine says delivered, nothing seen")
      << int(kIn) << int(Fate::kDelivered) << "" << int(Fate::kLost);
  QTest::newRow("outbound record drained") << int(kOut) << -1 << "record" << int(Fate::kDelivered);
  QTest::newRow("outbound record still waiting")
      << int(kOut) << int(Fate::kDelivered) << "waiting" << int(Fate::kDelivered);
  QTest::newRow("outbound NDR accepted")
      << int(kOut) << int(Fate::kNdr) << "ndr-put" << int(Fate::kNdr);
  QTest::newRow("outbound in the MTA queue")
      << int(kOut) << -1 << "mta-queue" << int(Fate::kPending);
  QTest::newRow("outbound quarantined by the engine")
      << int(kOut) << int(Fate::kQuarantined) << "" << int(Fate::kQuarantined);
}

void TestOracle::fates_come_from_the_world() {
  QFETCH(int, direction);
  QFETCH(int, claim);
  QFETCH(QString, evidence);
  QFETCH(int, fate);
  const bool inbound = direction == int(kIn);
  const std::string id = inbound ? "MSNET/SALES/0000002A" : "EXCHANGE/MTA/0000002A";
  msmisim::WorldRecord w;
  w.injected = 1;
  const std::string e = evidence.toStdString();
  if (e == "put") w.puts.push_back({id, false, msmi::XomReturnCode::kSuccess, 5});
  if (e == "refused") w.puts.push_back({id, false, msmi::XomReturnCode::kSystemError, 5});
  if (e == "ndr-record") w.drained.push_back({"SALES", "ndr", id, {"MS:MSNET/SALES/ALICE"}, 5});
  if (e == "record") w.drained.push_back({"SALES", "message", id, {"MS:MSNET/SALES/ALICE"}, 5});
  if (e == "waiting") w.waiting.push_back({"SALES", "message", id, {"MS:MSNET/SALES/ALICE"}, 5});
  if (e == "ndr-put") w.puts.push_back({id + "-NDR", true, msmi::XomReturnCode::kSuccess, 5});
  if (e == "quarantine-file") w.postoffice_files.insert("QUARANTINE/0000002A.P1");
  if (e == "inqueue3") w.in_inqueue3.insert(id);
  if (e == "p1") w.postoffice_files.insert("P1/0000002A.P1");
  if (e == "held") w.held.insert(id);
  if (e == "mta-queue") w.in_mta_queue.insert(id);
  std::vector<msmisim::LedgerEntry> entries = {
      entry(id, inbound ? kIn : kOut,
            claim < 0 ? std::nullopt : std::optional<Fate>(static_cast<Fate>(claim)))};
  const msmisim::Oracle oracle(w, {});
  oracle.judge(entries);
  QCOMPARE(int(entries[0].fate), fate);
  QVERIFY(!entries[0].detail.empty());
}

void TestOracle::broken_invariants_data() {
  QTest::addColumn<QString>("invariant");
  QTest::addColumn<QString>("case_");
  QTest::addColumn<QString>("detail");
  QTest::newRow("claim without a put")
      << QString(msmisim::kInvariantClaimsAgree.data()) << "claim-delivered"
      << "engine says delivered, the MTA never accepted it";
  QTest::newRow("outbound claim without a record")
      << QString(msmisim::kInvariantClaimsAgree.data()) << "claim-delivered-out"
      << "no record of it reached an MS Mail mailbag";
  QTest::newRow("refused NDR never retried")
      << QString(msmisim::kInvariantNoNdrLost.data()) << "ndr-refused"
      << "its NDR was refused (0x15) and never retried";
  QTest::newRow("inbound NDR that never arrived")
      << QString(msmisim::kInvariantNoNdrLost.data()) << "ndr-missing"
      << "no NDR reached the sender";
  QTest::newRow("drained twice")
      << QString(msmisim::kInvariantNoDuplicates.data()) << "drained-twice"
      << "2 records for MS:MSNET/SALES/ALICE in mailbag SALES reached MS Mail";
  QTest::newRow("ledger short of the injections")
      << QString(msmisim::kInvariantAccounted.data()) << "uncounted"
      << "the world injected 2 messages, the ledger holds 1";
  QTest::newRow("phantom put") << QString(msmisim::kInvariantAccounted.data()) << "phantom"
                               << "the MTA accepted NOBODY/SENT/THIS, which the world never sent";
  QTest::newRow("silent loss") << QString(msmisim::kInvariantAccounted.data()) << "silent-loss"
                               << "lost silently";
  QTest::newRow("hardened loss") << QString(msmisim::kInvariantNothingLost.data())
                                 << "hardened-loss"
                                 << "MSNET/SALES/0000002A";
  QTest::newRow("hardened forgotten")
      << QString(msmisim::kInvariantRetryHorizon.data()) << "hardened-forgotten"
      << "pending for 7200s (queued in INQUEUE3)";
}

void TestOracle::broken_invariants() {
  QFETCH(QString, invariant);
  QFETCH(QString, case_);
  QFETCH(QString, detail);
  const std::string in = "MSNET/SALES/0000002A";
  const std::string out = "EXCHANGE/MTA/0000002B";
  msmisim::WorldRecord w;
  w.injected = 1;
  msmisim::OracleContext context;
  context.end_us = 2 * 3600 * 1'000'000LL;
  context.retry_horizon_us = 3600 * 1'000'000LL;
  std::vector<msmisim::LedgerEntry> entries;
  const std::string c = case_.toStdString();
  if (c == "claim-delivered") entries = {entry(in, kIn, Fate::kDelivered)};
  if (c == "claim-delivered-out") entries = {entry(out, kOut, Fate::kDelivered)};
  if (c == "ndr-refused") {
    entries = {entry(out, kOut, Fate::kNdr)};
    w.puts.push_back({out + "-NDR", true, msmi::XomReturnCode::kSystemError, 7});
  }
  if (c == "ndr-missing") entries = {entry(in, kIn, Fate::kNdr)};
  if (c == "drained-twice") {
    entries = {entry(out, kOut, Fate::kDelivered)};
    for (int i = 0; i < 2; ++i) {
      w.drained.push_back({"SALES", "message", out, {"MS:MSNET/SALES/ALICE"}, 9});
    }
  }
  if (c == "uncounted") {
    w.injected = 2;
    entries = {entry(in, kIn)};
    w.in_inqueue3.insert(in);
  }
  if (c == "phantom") {
    entries = {entry(in, kIn)};
    w.in_inqueue3.insert(in);
    w.puts.push_back({"NOBODY/SENT/THIS", false, msmi::XomReturnCode::kSuccess, 3});
  }
  if (c == "silent-loss") entries = {entry(in, kIn)};
  if (c == "hardened-loss" || c == "hardened-forgotten") {
    context.no_loss_promised = true;
    // The loss is explained (a rule refused its put): only the hardened promise is broken.
    w.firings.push_back({5, "mta.put", msmisim::ActionKind::kReturn, in, ""});
    entries = {entry(in, kIn)};
    if (c == "hardened-forgotten") w.in_inqueue3.insert(in);
  }
  const msmisim::Oracle oracle(w, context);
  oracle.judge(entries);
  const auto results = oracle.check_invariants(entries);
  const InvariantResult* hit = ::invariant(results, invariant.toStdString());
  QVERIFY(hit != nullptr);
  QVERIFY2(!hit->passed, hit->detail.c_str());
  QVERIFY2(hit->detail.find(detail.toStdString()) != std::string::npos, hit->detail.c_str());
  // Nothing else is blamed for a case built to break one invariant, the claims aside (an NDR
  // that never arrived is also a false claim).
  for (const InvariantResult& i : results) {
    if (i.name == hit->name || (i.name == msmisim::kInvariantClaimsAgree && c.starts_with("ndr")))
      continue;
    QVERIFY2(i.passed, (i.name + ": " + i.detail).c_str());
  }
}

void TestOracle::loss_needs_a_cause_tied_to_the_message_data() {
  // A message (0000002A, injected at 100 s) is lost and nobody said so. Is anything in the
  // world's record a cause?
  QTest::addColumn<QString>("point");
  QTest::addColumn<QString>("message");
  QTest::addColumn<QString>("file");
  QTest::addColumn<qint64>("at_s");
  QTest::addColumn<bool>("explained");
  QTest::newRow("a put of it refused") << "mta.put"
                                       << "MSNET/SALES/0000002A"
                                       << "" << 300LL << true;
  QTest::newRow("its P1 damaged, even before") << "disk.read"
                                               << ""
                                               << "P1/0000002A.P1" << 50LL << true;
  QTest::newRow("another message's put") << "mta.put"
                                         << "MSNET/SALES/0000002B"
                                         << "" << 300LL << false;
  QTest::newRow("another message's P1") << "disk.read"
                                        << ""
                                        << "P1/0000002B.P1" << 300LL << false;
  QTest::newRow("INQUEUE3 damaged while in flight") << "disk.write"
                                                    << ""
                                                    << "MBG/INQUEUE3.MBG" << 300LL << true;
  QTest::newRow("INQUEUE3 damaged before it came") << "disk.write"
                                                   << ""
                                                   << "MBG/INQUEUE3.MBG" << 50LL << false;
  QTest::newRow("a session refused while in flight") << "mta.open_upload"
                                                     << ""
                                                     << "" << 300LL << true;
  QTest::newRow("the process ended while in flight") << ""
                                                     << ""
                                                     << "" << 300LL << true;
  QTest::newRow("the process ended before it came") << ""
                                                    << ""
                                                    << "" << 50LL << false;
}

void TestOracle::loss_needs_a_cause_tied_to_the_message() {
  QFETCH(QString, point);
  QFETCH(QString, message);
  QFETCH(QString, file);
  QFETCH(qint64, at_s);
  QFETCH(bool, explained);
  msmisim::WorldRecord w;
  w.injected = 1;
  const std::int64_t at = at_s * 1'000'000;
  if (point.isEmpty()) {
    w.interruptions_us.push_back(at);
  } else {
    w.firings.push_back({at, point.toStdString(), msmisim::ActionKind::kError,
                         message.toStdString(), file.toStdString()});
  }
  msmisim::OracleContext context;
  context.end_us = 3600 * 1'000'000LL;
  std::vector<msmisim::LedgerEntry> entries = {entry("MSNET/SALES/0000002A", kIn)};
  entries[0].injected_us = 100 * 1'000'000LL;
  const msmisim::Oracle oracle(w, context);
  oracle.judge(entries);
  QCOMPARE(int(entries[0].fate), int(Fate::kLost));
  const auto results = oracle.check_invariants(entries);
  const InvariantResult* accounted = ::invariant(results, msmisim::kInvariantAccounted);
  QVERIFY(accounted != nullptr);
  QVERIFY2(accounted->passed == explained, accounted->detail.c_str());
  if (!explained) QVERIFY(accounted->detail.find("lost silently") != std::string::npos);
}

void TestOracle::lost_acknowledgement_explains_a_second_delivery() {
  // The MTA keeps a message whose acknowledgement was lost and offers it again in the next
  // download session (after the restart): delivering it twice is what any MSMI does then, and
  // the oracle says so rather than blaming the engine.
  const auto r = run(scenario_from(
      traffic_scenario("{}", R"(, "faults": [{"rule": "mta.ack[nth=1]=leave_in_queue"}],
                "operator": [{"at": "5m", "action": "restart", "service": "msmi"}])")));
  QCOMPARE(r.fault_stats.at(0).fired, std::int64_t(1));
  const InvariantResult* twice = invariant(r.invariants, msmisim::kInvariantNoDuplicates);
  QVERIFY2(twice->passed, twice->detail.c_str());
  QVERIFY2(twice->detail.find("1 repeated deliveries") != std::string::npos, twice->detail.c_str());
  QVERIFY2(broken(r.invariants).empty(), broken(r.invariants).c_str());
  // Without the restart the MTA still holds the delivered message at the end, and says so.
  const auto held = run(scenario_from(
      traffic_scenario("{}", R"(, "faults": [{"rule": "mta.ack[nth=1]=leave_in_queue"}])")));
  int flagged = 0;
  for (const msmisim::LedgerEntry& e : held.ledger) {
    if (e.detail.find("still in the MTA's MSMI queue") == std::string::npos) continue;
    ++flagged;
    QCOMPARE(e.fate, Fate::kDelivered);
  }
  QCOMPARE(flagged, 1);
}

void TestOracle::damaged_mailbag_record_contradicts_the_engine() {
  // The engine writes an outbound record and says delivered; the disk cuts the record short, so
  // the PC MTA never gets a message from it. The engine cannot fool the oracle.
  const auto r = run(scenario_from(traffic_scenario(
      "{}", R"x(, "faults": [{"rule": "disk.append[file~MBG/SALES.MBG,nth=1]=truncate(4)"}])x")));
  QCOMPARE(r.fault_stats.at(0).fired, std::int64_t(1));
  const InvariantResult* claims = invariant(r.invariants, msmisim::kInvariantClaimsAgree);
  QVERIFY(!claims->passed);
  QVERIFY2(claims->detail.find("engine says delivered, no record of it reached an MS Mail "
                               "mailbag") != std::string::npos,
           claims->detail.c_str());
  QVERIFY(!r.passed());
}

void TestOracle::forgotten_message_breaks_the_retry_horizon() {
  // Under hardened a thread that hangs on a message holds it for good: past twice the backoff
  // cap (1h) that message is forgotten, not waiting for a retry.
  const std::string json =
      R"({"duration": "3h", "profile": "hardened", "messages": [{"at": "1m", "label": "stuck",
          "from": "MS:MSNET/SALES/ALICE", "to": "MS:EXCHANGE/HQ/BOB"}],
          "faults": [{"rule": "engine.convert_inbound[nth=1]=hang"}]})";
  const auto r = run(scenario_from(json));
  const InvariantResult* horizon = invariant(r.invariants, msmisim::kInvariantRetryHorizon);
  QVERIFY(horizon != nullptr);
  QVERIFY2(!horizon->passed, horizon->detail.c_str());
  QVERIFY(horizon->detail.find(labelled(r, "stuck")->message_id) != std::string::npos);
  // Half an hour in, the same message is still within the horizon.
  const auto early = run(scenario_from(
      R"({"duration": "30m", "profile": "hardened", "messages": [{"at": "1m", "label": "stuck",
          "from": "MS:MSNET/SALES/ALICE", "to": "MS:EXCHANGE/HQ/BOB"}],
          "faults": [{"rule": "engine.convert_inbound[nth=1]=hang"}]})"));
  QVERIFY(invariant(early.invariants, msmisim::kInvariantRetryHorizon)->passed);
}

void TestOracle::legacy_losses_are_not_violations() {
  // exchange-5.0 loses queued mail when the operator resets INQUEUE3 (Q175965): lost, and the
  // world knows why, so no invariant is broken; hardened loses nothing.
  const auto legacy = run(scenario_file("scenarios/kb/Q175965.json"), "exchange-5.0");
  QVERIFY(fate_count(legacy, Fate::kLost) >= 25);
  QVERIFY2(broken(legacy.invariants).empty(), broken(legacy.invariants).c_str());
  QVERIFY(labelled(legacy, "invalid-sender-and-recipients")->detail.find("INQUEUE3 reset") !=
          std::string::npos);
  for (const char* kb :
       {"scenarios/kb/Q151791.json", "scenarios/kb/Q168857.json", "scenarios/kb/Q175965.json"}) {
    const auto hardened = run(scenario_file(kb), "hardened");
    QVERIFY2(broken(hardened.invariants).empty(), broken(hardened.invariants).c_str());
    QCOMPARE(hardened.invariants.size(), std::size_t(6));
  }
}

QTEST_APPLESS_MAIN(TestOracle)
#include "tst_oracle.moc"
