// Each KB defect switched on and off, through the real engine in a simulated world.
#include <QtTest>

#include "msmi/defects.h"
#include "msmi/event_catalogue.h"
#include "msmi/interchange.h"
#include "msmi/mailbag.h"
#include "msmi/queue_payloads.h"
#include "msmisim/disk_file_system.h"
#include "msmisim/ms_mail_side.h"
#include "msmisim/scheduler.h"
#include "test_support.h"

using namespace testsupport;
using msmi::Fate;

namespace {

struct World {
  int cpus = 1;
  std::string logging = "maximum";
  std::string duration = "30m";
  std::vector<std::string> bad_at = {"5m"};  // messages the MTA refuses with 0x15
  std::string operator_steps = "[]";
  std::string engine_extra;
  std::string messages_extra;
  std::string defects;  // e.g. "\"Q151791\": false"
};

std::string json_of(const World& w) {
  std::string messages;
  for (std::size_t i = 0; i < w.bad_at.size(); ++i) {
    messages += (i ? "," : "") + std::string(R"({"at": ")") + w.bad_at[i] + R"(", "label": "bad)" +
                std::to_string(i + 1) +
                R"(", "from": "MS:MSNET/SALES/DAVE", "to": "X400:c=US;p=ACME;s=Nobody;"})";
  }
  if (!w.messages_extra.empty()) messages += (messages.empty() ? "" : ",") + w.messages_extra;
  return R"({
    "profile": "exchange-5.0", "seed": 7, "duration": ")" +
         w.duration + R"(",
    "engine": {"cpus": )" +
         std::to_string(w.cpus) + R"(, "logging": ")" + w.logging + "\"" +
         (w.engine_extra.empty() ? "" : ", " + w.engine_extra) +
         (w.defects.empty() ? "" : ", \"defects\": {" + w.defects + "}") + R"(},
    "postoffice": {"postoffices": ["MSNET/SALES"]},
    "traffic": [{"from": "MS:MSNET/SALES/ALICE", "to": "MS:EXCHANGE/HQ/BOB", "every": "20s"}],
    "messages": [)" +
         messages + R"(],
    "faults": [{"type": "mta_return_code", "recipient": "X400:*s=Nobody*", "code": "0x15"}],
    "operator": )" +
         w.operator_steps + R"(
  })";
}

const std::string kBadSenderMessage =
    R"({"at": "5m", "label": "poison", "from": "MS:MSNET/SALES/WAY.TOO.LONG.NAME", "to": ["MS:EXCHANGE/HQ/ALSO.TOO.LONG", "SMTP:no-at"]})";

}  // namespace

class TestDefects : public QObject {
  Q_OBJECT

 private slots:
  void q151791_on_resubmits_forever();
  void q151791_at_logging_none_only_2553();
  void q151791_off_retries_then_ndrs_data();
  void q151791_off_retries_then_ndrs();
  void q151791_hardened_backs_off();
  void q151791_other_inbound_threads_keep_working();
  void q151791_restart_lets_some_mail_through();
  void q175965_on_crashes_mailer();
  void q175965_restart_meets_same_message();
  void q175965_reset_inqueue3_loses_queue();
  void q175965_off_quarantines_data();
  void q175965_off_quarantines();
  void hardened_recovers_orphans_after_reset();
  void damaged_envelope_is_moved_aside_data();
  void damaged_envelope_is_moved_aside();
  void outbound_unknown_postoffice_ndr();
  void ledger_keeps_final_fates();
  void locked_inqueue3_delays_but_loses_nothing_data();
  void locked_inqueue3_delays_but_loses_nothing();
  void reset_while_running_spares_later_messages_data();
  void reset_while_running_spares_later_messages();
  void mta_restart_is_not_a_refusal();
  void passing_read_error_keeps_the_message();
};

void TestDefects::q151791_on_resubmits_forever() {
  const auto r = run(scenario_from(json_of(World{})));
  QVERIFY(r.defects.on(msmi::Defect::kQ151791));
  const int refused = count(r, 2342, 5, "Return code is 0x15.");
  QVERIFY2(refused > 200, qPrintable(QString::number(refused)));
  // Every refusal is of the same message: the thread never moves on.
  const auto* bad = labelled(r, "bad1");
  QVERIFY(bad);
  for (const msmi::Event& e : r.events) {
    if (e.event_id == 2342) QCOMPARE(e.message_id, bad->message_id);
  }
  QCOMPARE(bad->fate, Fate::kPending);
  QVERIFY(bad->attempts > 200);
  QCOMPARE(thread_of(r, 5)->state, msmi::ThreadState::kLooping);
  QVERIFY(thread_of(r, 5)->last_busy_pct > 90.0);
  QVERIFY(thread_of(r, 4)->last_busy_pct < 10.0);
  // P1 envelopes back up behind the bad message.
  QVERIFY(r.backlog.p1_files > 60);
  QCOMPARE(delivered_between(r, 6 * kMin, 30 * kMin), 0);
  QCOMPARE(fate_count(r, Fate::kLost), 0);
}

void TestDefects::q151791_at_logging_none_only_2553() {
  World w;
  w.logging = "none";
  const auto r = run(scenario_from(json_of(w)));
  QVERIFY(count(r, 2553) > 200);
  QCOMPARE(count(r, 2342), 0);
  QCOMPARE(count(r, 2384), 0);
  QCOMPARE(count(r, 10000), 0);
  QCOMPARE(count(r, 2444), 0);
}

void TestDefects::q151791_off_retries_then_ndrs_data() {
  QTest::addColumn<QString>("profile");
  QTest::addColumn<int>("max_attempts");
  QTest::newRow("sp1, 3 attempts") << "exchange-5.0-sp1" << 3;
  QTest::newRow("sp1, 1 attempt") << "exchange-5.0-sp1" << 1;
  QTest::newRow("sp1, 5 attempts") << "exchange-5.0-sp1" << 5;
  QTest::newRow("hardened, 3 attempts") << "hardened" << 3;
}

void TestDefects::q151791_off_retries_then_ndrs() {
  QFETCH(QString, profile);
  QFETCH(int, max_attempts);
  World w;
  w.engine_extra = "\"max_attempts\": " + std::to_string(max_attempts);
  w.operator_steps =
      R"([{"at": "0s", "action": "stop", "service": "pcmta"}])";  // keep the mailbags
  QTemporaryDir dir;
  const auto r = run(scenario_from(json_of(w)), dir, profile.toStdString());
  QCOMPARE(count(r, 2342, 5, "0x15"), max_attempts);
  QCOMPARE(count(r, 2117, 5, "[002] Recipient address unknown"), 1);
  const auto* bad = labelled(r, "bad1");
  QCOMPARE(bad->fate, Fate::kNdr);
  QCOMPARE(bad->attempts, max_attempts);
  QVERIFY(thread_of(r, 5)->state != msmi::ThreadState::kLooping);
  QVERIFY(delivered_between(r, 10 * kMin, 30 * kMin) > 50);
  QCOMPARE(fate_count(r, Fate::kLost), 0);
  // The NDR really is in the sender's postoffice mailbag.
  msmisim::DiskFileSystem fs(dir.path().toStdString() + "/po");
  msmi::Mailbag sales(fs, "SALES");
  std::vector<msmi::MailbagEntry> entries;
  QVERIFY(sales.load(&entries).ok());
  int ndrs = 0;
  for (const auto& entry : entries) {
    msmi::OutboundRecord record;
    QVERIFY(msmi::decode_outbound_record(entry.payload, "SALES", &record).ok());
    if (record.kind == "ndr") {
      ++ndrs;
      QCOMPARE(record.recipients.at(0), std::string("MS:MSNET/SALES/DAVE"));
      QCOMPARE(record.message_id, bad->message_id);
    }
  }
  QCOMPARE(ndrs, 1);
}

void TestDefects::q151791_hardened_backs_off() {
  World w;
  w.engine_extra = "\"max_attempts\": 4, \"retry_delay\": \"1m\"";
  const auto sp1 = run(scenario_from(json_of(w)), "exchange-5.0-sp1");
  const auto hardened = run(scenario_from(json_of(w)), "hardened");
  auto delays = [](const msmisim::RunResult& r) {
    std::vector<std::string> out;
    for (const msmi::Event& e : r.events) {
      if (e.event_id != 9004) continue;
      const auto at = e.description.find(" in ");
      out.push_back(e.description.substr(at + 4, e.description.find(" s ", at) - at - 4));
    }
    return out;
  };
  QCOMPARE(delays(sp1), (std::vector<std::string>{"60", "60", "60"}));
  QCOMPARE(delays(hardened), (std::vector<std::string>{"60", "120", "240"}));
}

void TestDefects::q151791_other_inbound_threads_keep_working() {
  World w;
  w.cpus = 2;
  w.bad_at = {"5m", "15m"};
  const auto r = run(scenario_from(json_of(w)));
  // One bad message blocks one thread; the other keeps delivering until it meets the second.
  QVERIFY(delivered_between(r, 6 * kMin, 15 * kMin) > 20);
  QCOMPARE(delivered_between(r, 16 * kMin, 30 * kMin), 0);
  QCOMPARE(thread_of(r, 5)->state, msmi::ThreadState::kLooping);
  QCOMPARE(thread_of(r, 6)->state, msmi::ThreadState::kLooping);
  QCOMPARE(thread_of(r, 7)->role, std::string("outbound"));
}

void TestDefects::q151791_restart_lets_some_mail_through() {
  World w;
  w.duration = "40m";
  w.operator_steps = R"([{"at": "20m", "action": "restart", "service": "all"}])";
  const auto r = run(scenario_from(json_of(w)));
  QCOMPARE(delivered_between(r, 6 * kMin, 20 * kMin), 0);
  QVERIFY(delivered_between(r, 20 * kMin, 25 * kMin) > 20);   // backlog and new mail flow…
  QVERIFY(count(r, 2342, 5, "", 26 * kMin, 40 * kMin) > 50);  // …until the bad one returns
  QCOMPARE(delivered_between(r, 26 * kMin, 40 * kMin), 0);
}

void TestDefects::q175965_on_crashes_mailer() {
  World w;
  w.bad_at = {};
  w.messages_extra = kBadSenderMessage;
  const auto r = run(scenario_from(json_of(w)));
  QCOMPARE(r.crashes, 1);
  QVERIFY(!r.service_running);
  QCOMPARE(count(r, 2380, 4, "attempt to read from 0x00000024"), 1);
  QCOMPARE(count(r, 10003, 4, "Fatal Assert: File sfsems.cpp line 837. Mailer thread failed."), 1);
  QCOMPARE(count(r, 2117), 0);
  // 2380 comes right before 10003, and nothing else from the MSMI after them.
  std::vector<int> after;
  bool seen = false;
  for (const msmi::Event& e : r.events) {
    if (e.event_id == 2380) seen = true;
    if (seen) after.push_back(e.event_id);
  }
  QCOMPARE(after, (std::vector<int>{2380, 10003, 7036}));
  QCOMPARE(labelled(r, "poison")->fate, Fate::kPending);
  QVERIFY(r.backlog.inqueue3 > 60);  // everything since the crash waits in INQUEUE3
}

void TestDefects::q175965_restart_meets_same_message() {
  World w;
  w.bad_at = {};
  w.messages_extra = kBadSenderMessage;
  w.operator_steps = R"([{"at": "10m", "action": "start"}, {"at": "20m", "action": "start"}])";
  const auto r = run(scenario_from(json_of(w)));
  QCOMPARE(r.crashes, 3);
  QCOMPARE(count(r, 10003), 3);
  for (const msmi::Event& e : r.events) {
    if (e.event_id == 2380) QCOMPARE(e.message_id, labelled(r, "poison")->message_id);
  }
}

void TestDefects::q175965_reset_inqueue3_loses_queue() {
  World w;
  w.bad_at = {};
  w.messages_extra = kBadSenderMessage;
  w.operator_steps =
      R"([{"at": "15m", "action": "reset_inqueue3"}, {"at": "15m", "action": "start"}])";
  const auto r = run(scenario_from(json_of(w)));
  QCOMPARE(r.crashes, 1);
  QVERIFY(r.service_running);
  // Every message queued between the crash (5m) and the reset (15m) is lost, the poison included.
  const int lost = fate_count(r, Fate::kLost);
  QVERIFY2(lost >= 29 && lost <= 31, qPrintable(QString::number(lost)));
  QCOMPARE(labelled(r, "poison")->fate, Fate::kLost);
  QVERIFY(delivered_between(r, 15 * kMin, 30 * kMin) > 40);
  QCOMPARE(count(r, 9003, -1, "queued message(s) discarded"), 1);
}

void TestDefects::q175965_off_quarantines_data() {
  QTest::addColumn<QString>("profile");
  QTest::newRow("sp1") << "exchange-5.0-sp1";
  QTest::newRow("hardened") << "hardened";
}

void TestDefects::q175965_off_quarantines() {
  QFETCH(QString, profile);
  World w;
  w.bad_at = {};
  w.messages_extra = kBadSenderMessage;
  QTemporaryDir dir;
  const auto r = run(scenario_from(json_of(w)), dir, profile.toStdString());
  QCOMPARE(r.crashes, 0);
  QVERIFY(r.service_running);
  QCOMPARE(count(r, 2117, 4, "WAY.TOO.LONG.NAME (invalid sender)"), 1);
  QCOMPARE(labelled(r, "poison")->fate, Fate::kQuarantined);
  QCOMPARE(fate_count(r, Fate::kLost), 0);
  const std::string number =
      labelled(r, "poison")->message_id.substr(labelled(r, "poison")->message_id.rfind('/') + 1);
  QVERIFY(QFile::exists(dir.path() + "/po/QUARANTINE/" + QString::fromStdString(number) + ".P1"));
  QVERIFY(QFile::exists(dir.path() + "/po/QUARANTINE/" + QString::fromStdString(number) + ".MAI"));
}

void TestDefects::hardened_recovers_orphans_after_reset() {
  World w;
  w.bad_at = {"2m"};  // keeps INQUEUE3 non-empty under exchange-5.0
  w.operator_steps = R"([{"at": "10m", "action": "reset_inqueue3"}])";
  const auto buggy = run(scenario_from(json_of(w)), "exchange-5.0");
  QVERIFY(fate_count(buggy, Fate::kLost) > 20);
  w.defects = "\"Q151791\": true";  // same blocked thread, with the hardened protections
  const auto hardened = run(scenario_from(json_of(w)), "hardened");
  QCOMPARE(fate_count(hardened, Fate::kLost), 0);
  QVERIFY(count(hardened, 9005) > 20);
}

void TestDefects::damaged_envelope_is_moved_aside_data() {
  QTest::addColumn<QString>("damage");
  QTest::addColumn<QString>("profile");
  QTest::addColumn<int>("fate");
  QTest::newRow("truncated, sp1") << "truncate"
                                  << "exchange-5.0-sp1" << int(Fate::kLost);
  QTest::newRow("garbled, sp1") << "garble"
                                << "exchange-5.0-sp1" << int(Fate::kLost);
  QTest::newRow("truncated, hardened") << "truncate"
                                       << "hardened" << int(Fate::kQuarantined);
}

void TestDefects::damaged_envelope_is_moved_aside() {
  QFETCH(QString, damage);
  QFETCH(QString, profile);
  QFETCH(int, fate);
  // The MS Mail side queues a message, its envelope is damaged on disk, then the engine runs.
  World w;
  const auto scenario = scenario_from(json_of(w));
  QTemporaryDir dir;
  const std::string root = dir.path().toStdString() + "/po";
  QVERIFY(msmisim::prepare_postoffice(root, scenario).ok());
  msmisim::DiskFileSystem fs(root);
  msmisim::VirtualClock clock;
  msmisim::Ledger ledger(clock);
  msmisim::MsMailSide side(fs, clock, ledger, {"EXCHANGE", "MSMCON"});
  const std::string id =
      side.submit({"victim", "MS:MSNET/SALES/ALICE", {"MS:EXCHANGE/HQ/BOB"}, {}, "s", "b"});
  std::string p1;
  QVERIFY(fs.read_file("P1/00000001.P1", &p1).ok());
  if (damage == "truncate")
    p1.resize(p1.size() / 2);
  else
    p1[p1.size() / 3] ^= 0x20;
  QVERIFY(fs.write_file("P1/00000001.P1", p1).ok());

  msmisim::SimulatedMta mta(clock);
  std::vector<msmi::Event> events;
  struct Sink : msmi::EventSink {
    std::vector<msmi::Event>& out;
    explicit Sink(std::vector<msmi::Event>& o) : out(o) {}
    void write(const msmi::Event& e) override { out.push_back(e); }
  } sink(events);
  msmi::SeededRandom random(1);
  msmi::InterchangeEnvironment env{clock, random, fs, mta, sink, ledger};
  msmi::EngineSettings settings;
  settings.logging.set_all(msmi::LoggingLevel::kMaximum);
  settings.protections = msmi::find_profile(profile.toStdString())->protections;
  msmi::Interchange interchange(env, settings);
  QVERIFY(interchange.start());
  msmisim::Scheduler scheduler(clock);
  msmisim::ThreadActivity activity;
  scheduler.add_interchange(interchange, activity, 0);
  scheduler.run_until(kMin);

  int moved = 0;
  for (const msmi::Event& e : events) {
    if (e.event_id == 9002) {
      ++moved;
      QVERIFY(e.description.find("P1/00000001.P1") != std::string::npos);
    }
    QVERIFY(e.event_id != 2384);  // never half-processed: nothing reached the MTA
  }
  QCOMPARE(moved, 1);
  QCOMPARE(mta.accepted(), 0);
  QVERIFY(!fs.exists("P1/00000001.P1"));
  std::vector<std::string> bad;
  QVERIFY(fs.list_dir("BAD", &bad).ok());
  QCOMPARE(bad.size(), std::size_t(1));
  // No oracle here: what the engine itself reported.
  QCOMPARE(int(ledger.find(id)->engine_fate.value_or(Fate::kPending)), fate);
}

void TestDefects::outbound_unknown_postoffice_ndr() {
  World w;
  w.bad_at = {};
  w.messages_extra =
      R"({"at": "1m", "direction": "outbound", "label": "nowhere", "from": "MS:EXCHANGE/HQ/BOB", "to": "MS:MSNET/NOWHERE/ZED"},
         {"at": "1m", "direction": "outbound", "label": "fine", "from": "MS:EXCHANGE/HQ/BOB", "to": "MS:MSNET/SALES/ALICE"})";
  const auto r = run(scenario_from(json_of(w)));
  QCOMPARE(count(r, 2375, 6, "MS:MSNET/NOWHERE/ZED"), 1);
  QCOMPARE(count(r, 2371, 6), 1);
  QCOMPARE(labelled(r, "nowhere")->fate, Fate::kNdr);
  QCOMPARE(labelled(r, "fine")->fate, Fate::kDelivered);
}

void TestDefects::ledger_keeps_final_fates() {
  // The ledger keeps the engine's claims; the fate itself is the oracle's (tst_oracle).
  msmisim::VirtualClock clock;
  msmisim::Ledger ledger(clock);
  for (const char* id : {"A", "B", "C"}) {
    msmisim::LedgerEntry entry;
    entry.message_id = id;
    ledger.add(entry);
  }
  ledger.on_settled("A", Fate::kDelivered, "put");
  ledger.on_settled("A", Fate::kLost, "a stale duplicate record");  // ignored
  ledger.on_settled("B", Fate::kLost, "INQUEUE3 reset");
  ledger.on_settled("B", Fate::kDelivered, "recovered orphan");  // a reset loss can be undone
  ledger.on_settled("C", Fate::kQuarantined, "poison");
  QCOMPARE(*ledger.find("A")->engine_fate, Fate::kDelivered);
  QCOMPARE(ledger.find("A")->detail, std::string("put"));
  QCOMPARE(*ledger.find("B")->engine_fate, Fate::kDelivered);
  QCOMPARE(*ledger.find("C")->engine_fate, Fate::kQuarantined);
}

void TestDefects::locked_inqueue3_delays_but_loses_nothing_data() {
  QTest::addColumn<QString>("file");
  QTest::newRow("KEY") << "KEY/INQUEUE3.KEY";
  QTest::newRow("MBG") << "MBG/INQUEUE3.MBG";
}

void TestDefects::locked_inqueue3_delays_but_loses_nothing() {
  QFETCH(QString, file);
  World w;
  w.bad_at = {};
  const std::string base = json_of(w);
  // Locked while the service runs: neither side can use the queue, mail waits on the MS Mail
  // side, and flows again once the lock is gone.
  const std::string json = base.substr(0, base.rfind("\"faults\"")) +
                           R"("faults": [{"type": "lock_file", "file": ")" + file.toStdString() +
                           R"(", "from": "5m", "until": "15m"}], "operator": []})";
  const auto r = run(scenario_from(json));
  QVERIFY(r.service_running);
  QCOMPARE(delivered_between(r, 5 * kMin + 30'000'000, 15 * kMin), 0);
  QVERIFY(delivered_between(r, 15 * kMin, 20 * kMin) > 25);  // the held mail, then new mail
  QCOMPARE(fate_count(r, Fate::kLost), 0);
  QCOMPARE(r.backlog.held, std::int64_t(0));
  QCOMPARE(count(r, 2302), 0);  // it was running already: no start failed
}

void TestDefects::reset_while_running_spares_later_messages_data() {
  QTest::addColumn<QString>("profile");
  QTest::addColumn<int>("cpus");
  QTest::newRow("exchange-5.0, 1 CPU") << "exchange-5.0" << 1;
  QTest::newRow("exchange-5.0, 2 CPUs") << "exchange-5.0" << 2;
  QTest::newRow("hardened + Q151791, 2 CPUs") << "hardened" << 2;
}

void TestDefects::reset_while_running_spares_later_messages() {
  QFETCH(QString, profile);
  QFETCH(int, cpus);
  // A looping thread holds a claim on record #N when INQUEUE3 is reset under it; numbering then
  // starts again, so a new message gets #N too. The stale claim must never touch it.
  World w;
  w.cpus = cpus;
  w.bad_at = {"1m"};
  w.duration = "25m";
  w.defects = "\"Q151791\": true";
  w.operator_steps = R"([{"at": "5m", "action": "reset_inqueue3"}])";
  const std::string base = json_of(w);
  const std::string json =
      base.substr(0, base.rfind("\"faults\"")) +
      R"("faults": [{"type": "mta_return_code", "recipient": "X400:*s=Nobody*", "until": "14m"}],
                              "operator": [{"at": "5m", "action": "reset_inqueue3"}]})";
  const auto r = run(scenario_from(json), profile.toStdString());
  for (const auto& entry : r.ledger) {
    if (entry.injected_us > 5 * kMin && entry.injected_us < 20 * kMin) {
      QVERIFY2(entry.fate == Fate::kDelivered,
               qPrintable(QString::fromStdString(entry.message_id + ": " +
                                                 std::string(msmi::to_string(entry.fate)) + " — " +
                                                 entry.detail)));
    }
  }
  QCOMPARE(count(r, 9001), 0);  // nothing delivered is later "quarantined"
  if (profile == "hardened") QCOMPARE(fate_count(r, Fate::kLost), 0);
}

void TestDefects::mta_restart_is_not_a_refusal() {
  World w;
  w.bad_at = {};
  w.engine_extra = "\"max_attempts\": 1";
  w.operator_steps = R"([{"at": "5m", "action": "restart", "service": "mta"}])";
  const auto r = run(scenario_from(json_of(w)), "exchange-5.0-sp1");
  QCOMPARE(count(r, 2342, -2, "0x15"), 0);  // the lost session is a network error, not 0x15
  QCOMPARE(fate_count(r, Fate::kNdr), 0);
  QCOMPARE(fate_count(r, Fate::kLost), 0);
}

void TestDefects::passing_read_error_keeps_the_message() {
  // The second read of a MAI file fails once with an I/O error (a network share hiccup).
  struct FlakyFileSystem : msmi::FileSystemWrapper {
    using FileSystemWrapper::FileSystemWrapper;
    int mai_reads = 0;
    msmi::Status read_file(const std::string& path, std::string* contents) override {
      if (path.ends_with(".MAI") && ++mai_reads == 2)
        return msmi::Status::IoError(path + ": read failed");
      return FileSystemWrapper::read_file(path, contents);
    }
  };
  QTemporaryDir dir;
  const std::string root = dir.path().toStdString() + "/po";
  QVERIFY(msmisim::prepare_postoffice(root, scenario_from(json_of(World{}))).ok());
  msmisim::DiskFileSystem disk(root);
  FlakyFileSystem fs(disk);
  msmisim::VirtualClock clock;
  msmisim::Ledger ledger(clock);
  msmisim::MsMailSide side(fs, clock, ledger, {"EXCHANGE", "MSMCON"});
  const std::string id =
      side.submit({"m", "MS:MSNET/SALES/ALICE", {"MS:EXCHANGE/HQ/BOB"}, {}, "s", "b"});
  msmisim::SimulatedMta mta(clock);
  struct NullSink : msmi::EventSink {
    void write(const msmi::Event&) override {}
  } sink;
  msmi::SeededRandom random(1);
  msmi::InterchangeEnvironment env{clock, random, fs, mta, sink, ledger};
  msmi::EngineSettings settings;
  settings.protections = msmi::find_profile("exchange-5.0-sp1")->protections;
  msmi::Interchange interchange(env, settings);
  QVERIFY(interchange.start());
  msmisim::Scheduler scheduler(clock);
  msmisim::ThreadActivity activity;
  scheduler.add_interchange(interchange, activity, 0);
  scheduler.run_until(5 * kMin);
  // tried again, not thrown away
  QCOMPARE(ledger.find(id)->engine_fate.value_or(Fate::kPending), Fate::kDelivered);
  QCOMPARE(mta.accepted(), std::int64_t(1));
  QVERIFY(fs.mai_reads >= 3);
}

QTEST_APPLESS_MAIN(TestDefects)
#include "tst_defects.moc"
