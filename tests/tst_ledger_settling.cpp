// A run that hands its ledger on as messages settle (RunOptions::ledger_sink, as `msmisim run`
// does) judges every message and every invariant as a run that keeps its whole ledger: the rows
// handed on are the kept ledger's, row for row, and a settled message delivered again, or a
// record naming a message nobody sent, still breaks its invariant.
#include <QtTest>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "msmi/defects.h"
#include "msmi/message_files.h"
#include "msmisim/expectations.h"
#include "msmisim/record_filing.h"
#include "msmisim/scheduler.h"
#include "test_support.h"

using namespace testsupport;
using msmi::Fate;
using msmisim::InvariantResult;
using msmisim::LedgerEntry;

namespace {

// Keeps every row it is handed, in the order it was handed them.
class CollectingSink final : public msmisim::LedgerSink {
 public:
  void write(const LedgerEntry& entry) override { rows.push_back(entry); }
  std::vector<LedgerEntry> rows;
};

std::string describe(const LedgerEntry& e) {
  std::string recipients;
  for (const std::string& r : e.recipients) recipients += r + ";";
  return e.message_id + " [" + e.label + "] " + std::to_string(static_cast<int>(e.direction)) +
         " " + e.sender + " → " + recipients + " " + std::string(msmi::to_string(e.fate)) + " " +
         std::to_string(e.attempts) + " \"" + e.detail + "\" " + std::to_string(e.injected_us) +
         " " + std::to_string(e.settled_us);
}

std::string describe(const std::vector<InvariantResult>& all) {
  std::string out;
  for (const InvariantResult& i : all) {
    out += i.name + ": " + (i.passed ? "held" : "broken") + " — " + i.detail + "\n";
  }
  return out;
}

const InvariantResult* invariant(const std::vector<InvariantResult>& all, std::string_view name) {
  for (const InvariantResult& i : all) {
    if (i.name == name) return &i;
  }
  return nullptr;
}

// A busy hour: inbound and outbound traffic to two postoffices, with puts refused now and then.
const std::string kBusy = R"json({
  "name": "busy", "profile": "hardened", "duration": "1h",
  "postoffice": { "postoffices": ["MSNET/SALES", "MSNET/OPS"], "pcmta_interval": "10s" },
  "traffic": [
    { "from": ["MS:MSNET/SALES/ALICE", "MS:MSNET/OPS/CAROL"], "to": "MS:EXCHANGE/HQ/BOB",
      "every": "2s", "jitter": 0.5 },
    { "direction": "outbound", "from": "MS:EXCHANGE/HQ/BOB",
      "to": ["MS:MSNET/SALES/ALICE", "MS:MSNET/OPS/CAROL"], "every": "2s", "jitter": 0.5 }
  ],
  "faults": [ { "rule": "mta.put[msgkind=ipm]=2%return(0x16)" } ]
})json";

LedgerEntry entry(const std::string& id, msmisim::Direction direction) {
  LedgerEntry e;
  e.message_id = id;
  e.direction = direction;
  e.engine_fate = Fate::kDelivered;
  e.engine_settled_us = 1'000'000;
  return e;
}

}  // namespace

class TestLedgerSettling : public QObject {
  Q_OBJECT

 private slots:
  void settled_rows_match_the_kept_ledger_data();
  void settled_rows_match_the_kept_ledger();
  void busy_run_settles_as_it_goes();
  void duplicate_after_settling_is_caught();
  void second_record_after_settling_is_caught();
  void record_before_injection_and_phantoms();
  void entries_left_are_found_after_extraction_data();
  void entries_left_are_found_after_extraction();
};

void TestLedgerSettling::settled_rows_match_the_kept_ledger_data() {
  QTest::addColumn<QString>("file");
  QTest::addColumn<QString>("profile");
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(
           std::filesystem::path(MSMISIM_SOURCE_DIR) / "scenarios")) {
    if (e.path().extension() == ".json") {
      files.push_back(std::filesystem::relative(e.path(), MSMISIM_SOURCE_DIR).generic_string());
    }
  }
  std::sort(files.begin(), files.end());
  for (const std::string& file : files) {
    // The scenario's own profile, and the hardened one, which recovers orphaned envelopes.
    for (const char* profile : {"", "hardened"}) {
      QTest::newRow((file + " " + (*profile == 0 ? "own" : profile)).c_str())
          << QString::fromStdString(file) << QString(profile);
    }
  }
  QTest::newRow("busy hour") << ""
                             << "";
}

// Every scenario: the rows handed on (settled ones as they settle, the rest at the end) are the
// kept ledger's, with the same invariants, expectations, summary counts and events.
void TestLedgerSettling::settled_rows_match_the_kept_ledger() {
  QFETCH(QString, file);
  QFETCH(QString, profile);
  const msmisim::Scenario scenario =
      file.isEmpty() ? scenario_from(kBusy) : scenario_file(file.toStdString());
  msmisim::RunOptions options;
  options.seed = msmisim::default_seed(scenario);
  options.profile = profile.isEmpty() ? scenario.profile : profile.toStdString();
  msmisim::RunResult kept, streamed;
  QVERIFY(msmisim::run_scenario(scenario, options, &kept).ok());
  CollectingSink sink;
  options.ledger_sink = &sink;
  QVERIFY(msmisim::run_scenario(scenario, options, &streamed).ok());

  QCOMPARE(streamed.events.size(), kept.events.size());
  for (std::size_t i = 0; i < kept.events.size(); ++i) {
    QVERIFY2(streamed.events[i] == kept.events[i], qPrintable(QString("event %1 differs").arg(i)));
  }
  // Every row once; in injection order they are the kept ledger.
  std::map<std::string, const LedgerEntry*> by_id;
  for (const LedgerEntry& e : sink.rows) {
    QVERIFY2(by_id.emplace(e.message_id, &e).second, e.message_id.c_str());
  }
  QCOMPARE(sink.rows.size(), kept.ledger.size());
  for (const LedgerEntry& e : kept.ledger) {
    const auto it = by_id.find(e.message_id);
    QVERIFY2(it != by_id.end(), e.message_id.c_str());
    QCOMPARE(describe(*it->second), describe(e));
  }
  QCOMPARE(describe(streamed.invariants), describe(kept.invariants));
  QCOMPARE(streamed.expectations.size(), kept.expectations.size());
  for (std::size_t i = 0; i < kept.expectations.size(); ++i) {
    QCOMPARE(streamed.expectations[i].what, kept.expectations[i].what);
    QCOMPARE(streamed.expectations[i].actual, kept.expectations[i].actual);
    QCOMPARE(streamed.expectations[i].passed, kept.expectations[i].passed);
  }
  QCOMPARE(streamed.ledger_fates(), kept.ledger_fates());
  QCOMPARE(streamed.ledger_size(), static_cast<std::int64_t>(kept.ledger.size()));
  // The rows RunResult still holds are the last ones handed on, every labelled one among them.
  QVERIFY(streamed.ledger.size() <= sink.rows.size());
  for (std::size_t i = 0; i < streamed.ledger.size(); ++i) {
    QCOMPARE(describe(streamed.ledger[i]),
             describe(sink.rows[sink.rows.size() - streamed.ledger.size() + i]));
  }
  for (const LedgerEntry& e : kept.ledger) {
    if (e.label.empty()) continue;
    QVERIFY2(std::any_of(streamed.ledger.begin(), streamed.ledger.end(),
                         [&](const LedgerEntry& s) { return s.message_id == e.message_id; }),
             e.label.c_str());
  }
}

// A busy run hands most rows on long before its end and keeps only those in flight at the end.
void TestLedgerSettling::busy_run_settles_as_it_goes() {
  const msmisim::Scenario scenario = scenario_from(kBusy);
  msmisim::RunOptions options;
  options.seed = msmisim::default_seed(scenario);
  options.profile = scenario.profile;
  CollectingSink sink;
  options.ledger_sink = &sink;
  msmisim::RunResult r;
  QVERIFY(msmisim::run_scenario(scenario, options, &r).ok());
  QVERIFY2(r.passed(), describe(r.invariants).c_str());
  QVERIFY(r.ledger_size() > 3000);
  QVERIFY2(
      r.ledger.size() * 20 < sink.rows.size(),
      qPrintable(
          QString("%1 of %2 rows judged at the end").arg(r.ledger.size()).arg(sink.rows.size())));
  std::int64_t settled = 0;
  for (const auto& [fate, n] : r.settled_fates) settled += n;
  QCOMPARE(settled + static_cast<std::int64_t>(r.ledger.size()), r.ledger_size());
  QVERIFY(r.settled_fates.count(Fate::kDelivered) == 1);
  QCOMPARE(r.settled_fates.at(Fate::kDelivered), settled);
  // Settled rows came first, in the order their messages settled: well before the end.
  QVERIFY(sink.rows.front().settled_us < r.virtual_duration_us / 10);
  // The MTA's deliveries of settled messages are dropped with them.
  QVERIFY(r.deliveries.size() <= r.ledger.size());
}

// An inbound message settled (delivered, its files gone) whose put the MTA accepts again later:
// the late put still breaks "no message delivered twice", among the others in injection order.
void TestLedgerSettling::duplicate_after_settling_is_caught() {
  msmisim::VirtualClock clock;
  msmisim::Ledger ledger(clock);
  msmisim::SettledMessages settled;
  msmisim::RecordFiling filing(ledger, settled);
  ledger.add(entry("MSNET/SALES/00000001", msmisim::Direction::kInbound));
  ledger.add(entry("MSNET/SALES/00000002", msmisim::Direction::kInbound));
  ledger.add(entry("MSNET/SALES/00000003", msmisim::Direction::kInbound));
  auto put = [](const std::string& id, std::int64_t t) {
    return msmisim::MtaPutRecord{id, false, msmi::XomReturnCode::kSuccess, t};
  };
  filing.file({put("MSNET/SALES/00000001", 10), put("MSNET/SALES/00000002", 11),
               put("MSNET/SALES/00000003", 12), put("MSNET/SALES/00000003", 13)},
              {}, {}, {});
  // The first settles; the third was accepted twice already and stays.
  std::vector<LedgerEntry> first = ledger.extract_if(
      [](const LedgerEntry& e) { return e.message_id == "MSNET/SALES/00000001"; });
  QCOMPARE(first.size(), std::size_t(1));
  msmisim::WorldRecord partial;
  filing.fill(first, &partial);
  msmisim::Oracle(partial, {}).judge(first);
  QCOMPARE(first[0].fate, Fate::kDelivered);
  QVERIFY(settled.add(first[0]));
  filing.forget(first[0].message_id);
  QVERIFY(settled.knows("MSNET/SALES/00000001"));
  QVERIFY(!settled.knows("MSNET/OPS/00000001"));
  QVERIFY(!settled.knows("MSNET/SALES/00000002"));
  QVERIFY(filing.facts("MSNET/SALES/00000001") == nullptr);

  // Delivered again after it settled.
  filing.file({put("MSNET/SALES/00000001", 20)}, {}, {}, {});
  msmisim::WorldRecord w;
  filing.fill(ledger.entries(), &w);
  w.injected = 3;
  const msmisim::Oracle oracle(w, {}, &settled);
  std::vector<LedgerEntry> rest = ledger.take_entries();
  oracle.judge(rest);
  const auto results = oracle.check_invariants(rest);
  const InvariantResult* twice = invariant(results, msmisim::kInvariantNoDuplicates);
  QVERIFY(twice != nullptr);
  QVERIFY(!twice->passed);
  QCOMPARE(twice->detail, std::string("MSNET/SALES/00000001: the MTA accepted it 2 times; "
                                      "MSNET/SALES/00000003: the MTA accepted it 2 times"));
  const InvariantResult* accounted = invariant(results, msmisim::kInvariantAccounted);
  QVERIFY2(accounted->passed, accounted->detail.c_str());
  QCOMPARE(accounted->detail,
           std::string("3 messages: delivered 3 ndr 0 quarantined 0 pending 0 lost 0"));
}

// An outbound message settled after its record reached the mailbag; a second record for the same
// recipient breaks the invariant, unless an acknowledgement the MTA did not take explains it.
void TestLedgerSettling::second_record_after_settling_is_caught() {
  for (const bool ack_failed : {false, true}) {
    msmisim::VirtualClock clock;
    msmisim::Ledger ledger(clock);
    msmisim::SettledMessages settled;
    msmisim::RecordFiling filing(ledger, settled);
    const std::string id = "EXCHANGE/MTA/00000001";
    ledger.add(entry(id, msmisim::Direction::kOutbound));
    const msmisim::MailbagRecord record{"SALES", "message", id, {"MS:MSNET/SALES/ALICE"}, 10};
    filing.file({}, {{id, msmisim::AckOutcome::kDone, 11}}, {{id, 5}}, {record});
    std::vector<LedgerEntry> settling = ledger.take_entries();
    msmisim::WorldRecord partial;
    filing.fill(settling, &partial);
    msmisim::Oracle(partial, {}).judge(settling);
    QVERIFY(settled.add(settling[0]));
    filing.forget(id);

    std::vector<msmisim::MtaAckRecord> acks;
    if (ack_failed) acks.push_back({id, msmisim::AckOutcome::kLost, 20});
    filing.file({}, acks, {}, {record});
    msmisim::WorldRecord w;
    w.injected = 1;
    const msmisim::Oracle oracle(w, {}, &settled);
    const auto results = oracle.check_invariants({});
    const InvariantResult* twice = invariant(results, msmisim::kInvariantNoDuplicates);
    QCOMPARE(twice->passed, ack_failed);
    QCOMPARE(twice->detail,
             ack_failed ? std::string("1 repeated deliveries, each after an acknowledgement the "
                                      "MTA did not take")
                        : id + ": 2 records for MS:MSNET/SALES/ALICE in mailbag SALES reached "
                               "MS Mail");
  }
}

// A record filed before its message was injected is the message's once it is; one naming a
// message nobody injected is still a phantom at the end, settled messages or not.
void TestLedgerSettling::record_before_injection_and_phantoms() {
  msmisim::VirtualClock clock;
  msmisim::Ledger ledger(clock);
  msmisim::SettledMessages settled;
  msmisim::RecordFiling filing(ledger, settled);
  const std::string early = "MSNET/SALES/00000002";
  filing.file({{early, false, msmi::XomReturnCode::kSuccess, 5},
               {"MSNET/SALES/0000FFFF", false, msmi::XomReturnCode::kSuccess, 6}},
              {}, {}, {});
  QVERIFY(filing.facts(early) == nullptr);
  ledger.add(entry(early, msmisim::Direction::kInbound));
  filing.file({}, {}, {}, {});
  QVERIFY(filing.facts(early) != nullptr);
  QCOMPARE(filing.facts(early)->puts.size(), std::size_t(1));

  msmisim::WorldRecord w;
  filing.fill(ledger.entries(), &w);
  w.injected = 1;
  const msmisim::Oracle oracle(w, {}, &settled);
  std::vector<LedgerEntry> rest = ledger.take_entries();
  oracle.judge(rest);
  QCOMPARE(rest[0].fate, Fate::kDelivered);
  const std::vector<InvariantResult> results = oracle.check_invariants(rest);
  const InvariantResult* accounted = invariant(results, msmisim::kInvariantAccounted);
  QVERIFY(!accounted->passed);
  QCOMPARE(accounted->detail,
           std::string("the MTA accepted MSNET/SALES/0000FFFF, which the world never sent"));
}

// Taking settled entries out leaves the others in injection order, each still found by its ID
// (the engine's claims reach the right row), and an entry added afterwards is found too.
void TestLedgerSettling::entries_left_are_found_after_extraction_data() {
  QTest::addColumn<int>("count");
  QTest::addColumn<int>("every");  // every n-th entry settles in each round
  QTest::newRow("none settle") << 5 << 0;
  QTest::newRow("every one") << 6 << 1;
  QTest::newRow("every other") << 9 << 2;
  QTest::newRow("every third") << 40 << 3;
}

void TestLedgerSettling::entries_left_are_found_after_extraction() {
  QFETCH(int, count);
  QFETCH(int, every);
  msmisim::VirtualClock clock;
  msmisim::Ledger ledger(clock);
  auto id_of = [](int i) { return "MSNET/SALES/" + msmi::hex8(static_cast<std::uint32_t>(i)); };
  for (int i = 1; i <= count; ++i) ledger.add(entry(id_of(i), msmisim::Direction::kInbound));
  std::set<std::string> gone;
  for (int round = 0; round < 2; ++round) {
    int seen = 0;
    const std::vector<LedgerEntry> out =
        ledger.extract_if([&](const LedgerEntry&) { return every > 0 && ++seen % every == 0; });
    for (const LedgerEntry& e : out) QVERIFY(gone.insert(e.message_id).second);
    ledger.add(entry(id_of(count + 1 + round), msmisim::Direction::kInbound));
  }
  std::vector<std::string> left;
  for (const LedgerEntry& e : ledger.entries()) left.push_back(e.message_id);
  QVERIFY(std::is_sorted(left.begin(), left.end()));
  QCOMPARE(left.size() + gone.size(), static_cast<std::size_t>(count + 2));
  for (int i = 1; i <= count + 2; ++i) {
    const std::string id = id_of(i);
    ledger.on_attempt(id);
    const LedgerEntry* found = ledger.find(id);
    if (gone.count(id) != 0) {
      QVERIFY2(found == nullptr, id.c_str());
      continue;
    }
    QVERIFY2(found != nullptr, id.c_str());
    QCOMPARE(found->message_id, id);
    QCOMPARE(found->attempts, 1);
  }
}

QTEST_APPLESS_MAIN(TestLedgerSettling)
#include "tst_ledger_settling.moc"
