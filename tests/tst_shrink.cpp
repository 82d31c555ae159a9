// Shrinking: ddmin on a synthetic predicate, a planted bug reduced to a scenario of a few entries
// that fails the same way, and `msmisim shrink` as a user meets it (files, exit codes, sameness
// of two shrinks).
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "cli_process.h"
#include "msmisim/shrink.h"
#include "test_support.h"

using namespace testsupport;
using msmisim::FailureSignature;

namespace {

// TestDeliverTwice (a planted bug: every delivered message goes into the MTA twice) amid fault
// rules, scripted messages, traffic and operator steps that have nothing to do with it.
const std::string kPlanted = R"json({
  "name": "planted-deliver-twice",
  "description": "A test-only defect hidden among entries that do not matter to it.",
  "profile": "exchange-5.0-sp1",
  "duration": "30m",
  "computer": "EXCHSRV9",
  "engine": { "cpus": 2, "logging": "maximum", "defects": { "TestDeliverTwice": true } },
  "traffic": [
    { "from": ["MS:MSNET/SALES/ALICE", "MS:MSNET/SALES/FRANK"],
      "to": ["MS:EXCHANGE/HQ/BOB", "MS:EXCHANGE/HQ/ERIN"], "every": "30s", "jitter": 0.3 },
    { "direction": "outbound", "from": "MS:EXCHANGE/HQ/BOB", "to": "MS:MSNET/SALES/ALICE",
      "every": "1m" },
    { "direction": "outbound", "from": "MS:EXCHANGE/HQ/ERIN", "to": "MS:MSNET/SALES/FRANK",
      "every": "2m", "start": "3m" }
  ],
  "messages": [
    { "at": "2m", "label": "one", "from": "MS:MSNET/SALES/CAROL", "to": "MS:EXCHANGE/HQ/DAVE" },
    { "at": "4m", "label": "two", "direction": "outbound", "from": "MS:EXCHANGE/HQ/DAVE",
      "to": "MS:MSNET/SALES/CAROL" },
    { "at": "6m", "label": "three", "from": "MS:MSNET/SALES/CAROL", "to": "MS:EXCHANGE/HQ/BOB" },
    { "at": "8m", "label": "four", "from": "MS:MSNET/SALES/FRANK", "to": "MS:EXCHANGE/HQ/ERIN" }
  ],
  "faults": [
    { "rule": "mta.put[rcpt~*NOBODY*]=return(0x15)" },
    { "rule": "disk.append[file~MBG/NOWHERE.MBG]=error(ENOSPC)" },
    { "rule": "engine.parse_address[address~MS:MSNET/SALES/ZED]=fail" },
    { "type": "mta_return_code", "recipient": "X400:*s=Nobody*", "code": "0x15" }
  ],
  "operator": [
    { "at": "5m", "action": "set_logging", "level": "minimum" },
    { "at": "10m", "action": "restart", "service": "mta" },
    { "at": "12m", "action": "stop", "service": "pcmta" },
    { "at": "14m", "action": "start", "service": "pcmta" }
  ],
  "expect": {
    "exchange-5.0-sp1": {
      "events": [ { "id": 2380, "count": 0 }, { "id": 10003, "count": 0 } ],
      "service": { "running": true, "crashes": 0 }
    },
    "hardened": { "events": [ { "id": 2380, "count": 0 } ] }
  }
})json";

const std::string kPasses = R"({
  "name": "healthy", "duration": "5m", "profile": "exchange-5.0-sp1",
  "traffic": [ { "from": "MS:MSNET/SALES/ALICE", "to": "MS:EXCHANGE/HQ/BOB", "every": "30s" } ],
  "expect": { "*": { "events": [ { "id": 2380, "count": 0 } ] } }
})";

msmisim::ShrinkInput planted_input() {
  msmisim::ShrinkInput input;
  input.scenario_text = kPlanted;
  input.scenario_path = "planted.json";
  input.seed = 7;
  input.profile = "exchange-5.0-sp1";
  input.defects = msmi::find_profile(input.profile)->defects;
  input.defects.set(msmi::Defect::kTestDeliverTwice, true);
  return input;
}

FailureSignature signature_of_run(const std::string& text) {
  const msmisim::Scenario scenario = scenario_from(text, "shrunk.json");
  return msmisim::failure_signature(run(scenario));  // its own seed and profile
}

void write_file(const QString& path, const std::string& text) {
  std::ofstream(path.toStdString(), std::ios::binary) << text;
}

std::string read_file(const QString& path) {
  std::ifstream in(path.toStdString(), std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

class TestShrink : public QObject {
  Q_OBJECT

 private slots:
  void ddmin_finds_a_minimal_subset_data();
  void ddmin_finds_a_minimal_subset();
  void planted_bug_shrinks_to_a_few_entries();
  void cli_shrinks_a_stored_run_the_same_way_twice();
  void cli_shrinks_with_the_runs_command_line_defects_and_faults();
  void cli_refuses_what_it_cannot_shrink_data();
  void cli_refuses_what_it_cannot_shrink();
};

void TestShrink::ddmin_finds_a_minimal_subset_data() {
  QTest::addColumn<int>("n");
  QTest::addColumn<std::vector<std::size_t>>("needed");  // all of these together fail
  QTest::addColumn<std::vector<std::size_t>>("expected");
  QTest::newRow("one of 16") << 16 << std::vector<std::size_t>{5} << std::vector<std::size_t>{5};
  QTest::newRow("two apart of 16")
      << 16 << std::vector<std::size_t>{3, 12} << std::vector<std::size_t>{3, 12};
  QTest::newRow("three of 100") << 100 << std::vector<std::size_t>{0, 50, 99}
                                << std::vector<std::size_t>{0, 50, 99};
  QTest::newRow("all of 5") << 5 << std::vector<std::size_t>{0, 1, 2, 3, 4}
                            << std::vector<std::size_t>{0, 1, 2, 3, 4};
  QTest::newRow("neighbours of 7")
      << 7 << std::vector<std::size_t>{2, 3} << std::vector<std::size_t>{2, 3};
}

void TestShrink::ddmin_finds_a_minimal_subset() {
  QFETCH(int, n);
  QFETCH(std::vector<std::size_t>, needed);
  QFETCH(std::vector<std::size_t>, expected);
  std::vector<std::vector<std::size_t>> calls;
  const auto fails = [&](const std::vector<std::size_t>& subset) -> bool {
    calls.push_back(subset);
    return std::includes(subset.begin(), subset.end(), needed.begin(), needed.end());
  };
  const auto kept = msmisim::ddmin(static_cast<std::size_t>(n), fails);
  QCOMPARE(kept, expected);
  for (const auto& c : calls) {
    QVERIFY(std::is_sorted(c.begin(), c.end()));
    QVERIFY(!c.empty());
    QVERIFY(c.size() < static_cast<std::size_t>(n));
  }
  // Far fewer tests than subsets, and the same tests every time.
  QVERIFY2(calls.size() < 200, qPrintable(QString::number(calls.size())));
  const auto first = calls;
  calls.clear();
  QCOMPARE(msmisim::ddmin(static_cast<std::size_t>(n), fails), expected);
  QCOMPARE(calls, first);
}

void TestShrink::planted_bug_shrinks_to_a_few_entries() {
  const msmisim::ShrinkInput input = planted_input();
  std::vector<int> steps_seen;
  msmisim::ShrinkOptions options;
  options.progress = [&](const msmisim::ShrinkProgress& p) { steps_seen.push_back(p.step); };
  msmisim::ShrinkResult result;
  const msmi::Status s = msmisim::shrink_scenario(input, options, &result);
  QVERIFY2(s.ok(), s.to_string().c_str());

  // The failure is the planted bug's, and only it.
  QCOMPARE(result.signature.invariants,
           std::set<std::string>{std::string(msmisim::kInvariantNoDuplicates)});
  QVERIFY(result.signature.expectations.empty());
  QCOMPARE(result.before.faults, std::size_t(4));
  QCOMPARE(result.before.operator_steps, std::size_t(4));
  const msmisim::ScenarioSize& after = result.after;
  QCOMPARE(after.faults, std::size_t(0));
  QCOMPARE(after.operator_steps, std::size_t(0));
  QCOMPARE(after.messages + after.traffic, std::size_t(1));  // one message shows the bug
  QVERIFY(after.duration_us < result.before.duration_us);
  QVERIFY2(after.bytes * 4 < result.before.bytes,
           qPrintable(QString("%1 → %2 bytes").arg(result.before.bytes).arg(after.bytes)));
  QVERIFY(!steps_seen.empty());
  QCOMPARE(steps_seen.back(), result.steps);

  // The reduced scenario replays alone (its seed, profile and defect are in it) and fails the
  // same way.
  QCOMPARE(signature_of_run(result.scenario_text), result.signature);
  QVERIFY(result.scenario_text.find("TestDeliverTwice") != std::string::npos);

  // Deterministic: the same input, the same output after the same candidates.
  msmisim::ShrinkResult again;
  QVERIFY(msmisim::shrink_scenario(input, {}, &again).ok());
  QCOMPARE(again.scenario_text, result.scenario_text);
  QCOMPARE(again.candidates, result.candidates);
  QCOMPARE(again.steps, result.steps);
}

void TestShrink::cli_shrinks_a_stored_run_the_same_way_twice() {
  QTemporaryDir dir;
  write_file(dir.filePath("planted.json"), kPlanted);
  const CliResult recorded =
      run_msmisim({"run", "planted.json", "--seed", "7", "--db", "qa.db", "-q"}, dir.path());
  QCOMPARE(recorded.code, 1);  // the planted bug breaks an invariant

  const CliResult first = run_msmisim({"shrink", "1", "--db", "qa.db"}, dir.path());
  QVERIFY2(first.code == 0, qPrintable(first.err + first.out));
  // Default output: <scenario file stem>-shrunk.json in the current directory.
  const std::string shrunk = read_file(dir.filePath("planted-shrunk.json"));
  QVERIFY(!shrunk.empty());
  QVERIFY2(first.out.contains("before:") && first.out.contains("4 fault rules"),
           qPrintable(first.out));
  QVERIFY2(first.out.contains("after:") && first.out.contains("0 fault rules"),
           qPrintable(first.out));
  QVERIFY2(first.out.contains("msmisim run planted-shrunk.json"), qPrintable(first.out));

  // An existing output is kept (it may be the scenario itself) unless --force.
  const CliResult onto_itself =
      run_msmisim({"shrink", "1", "--db", "qa.db", "-o", "planted.json"}, dir.path());
  QCOMPARE(onto_itself.code, 2);
  QVERIFY2(onto_itself.err.contains("planted.json exists"), qPrintable(onto_itself.err));
  QCOMPARE(read_file(dir.filePath("planted.json")), std::string(kPlanted));
  const CliResult again_default = run_msmisim({"shrink", "1", "--db", "qa.db"}, dir.path());
  QCOMPARE(again_default.code, 2);
  const CliResult forced = run_msmisim({"shrink", "1", "--db", "qa.db", "--force"}, dir.path());
  QCOMPARE(forced.code, 0);
  QCOMPARE(read_file(dir.filePath("planted-shrunk.json")), shrunk);
  QVERIFY2(first.err.contains("candidates tried"), qPrintable(first.err));  // progress lines

  const CliResult second =
      run_msmisim({"shrink", "latest", "--db", "qa.db", "-o", "again.json"}, dir.path());
  QCOMPARE(second.code, 0);
  QCOMPARE(read_file(dir.filePath("again.json")), shrunk);

  // The command it prints reproduces the failure.
  const CliResult replay = run_msmisim({"run", "planted-shrunk.json", "--no-db", "-q"}, dir.path());
  QCOMPARE(replay.code, 1);
  QVERIFY2(
      replay.out.contains(QString::fromStdString(std::string(msmisim::kInvariantNoDuplicates))),
      qPrintable(replay.out));
}

// The defect and the fault rule came from `msmisim run`'s command line, not the scenario text:
// shrink reads both back from the store (the defect set, the recorded command).
void TestShrink::cli_shrinks_with_the_runs_command_line_defects_and_faults() {
  QTemporaryDir dir;
  write_file(dir.filePath("healthy.json"), kPasses);
  const CliResult recorded =
      run_msmisim({"run", "healthy.json", "--db", "qa.db", "-q", "--defect", "TestDeliverTwice=on",
                   "--fault", "mta.put[rcpt~*NOBODY's*]=return(0x15)"},
                  dir.path());
  QCOMPARE(recorded.code, 1);
  const CliResult shrunk =
      run_msmisim({"shrink", "1", "--db", "qa.db", "-o", "small.json"}, dir.path());
  QVERIFY2(shrunk.code == 0, qPrintable(shrunk.err + shrunk.out));
  QVERIFY2(shrunk.out.contains("before:  ") && shrunk.out.contains(" 1 fault rules"),
           qPrintable(shrunk.out));
  QVERIFY2(shrunk.out.contains(" 0 fault rules"), qPrintable(shrunk.out));
  const std::string text = read_file(dir.filePath("small.json"));
  QVERIFY2(text.find("\"TestDeliverTwice\": true") != std::string::npos, text.c_str());
  QCOMPARE(signature_of_run(text).invariants,
           std::set<std::string>{std::string(msmisim::kInvariantNoDuplicates)});
}

void TestShrink::cli_refuses_what_it_cannot_shrink_data() {
  QTest::addColumn<QStringList>("args");
  QTest::addColumn<int>("code");
  QTest::addColumn<QString>("message");
  QTest::newRow("passing run") << QStringList{"shrink", "1", "--db", "qa.db"} << 2
                               << "there is no failure to shrink";
  QTest::newRow("unknown run") << QStringList{"shrink", "99", "--db", "qa.db"} << 2 << "no run 99";
  QTest::newRow("not a run id") << QStringList{"shrink", "x1", "--db", "qa.db"} << 2
                                << "expected a run ID";
  QTest::newRow("no such store") << QStringList{"shrink", "1", "--db", "missing.db"} << 3
                                 << "missing.db";
  QTest::newRow("not a store") << QStringList{"shrink", "1", "--db", "healthy.json"} << 3
                               << "healthy.json";
  QTest::newRow("output is the store")
      << QStringList{"shrink", "1", "--db", "qa.db", "-o", "./qa.db", "--force"} << 2
      << "-o ./qa.db: is the event store itself";
}

void TestShrink::cli_refuses_what_it_cannot_shrink() {
  QFETCH(QStringList, args);
  QFETCH(int, code);
  QFETCH(QString, message);
  QTemporaryDir dir;
  write_file(dir.filePath("healthy.json"), kPasses);
  QCOMPARE(run_msmisim({"run", "healthy.json", "--db", "qa.db", "-q"}, dir.path()).code, 0);
  const CliResult r = run_msmisim(args, dir.path());
  QCOMPARE(r.code, code);
  QVERIFY2(r.err.contains(message), qPrintable(r.err));
  QVERIFY(!QFile::exists(dir.filePath("healthy-shrunk.json")));
  QCOMPARE(run_msmisim({"runs", "--db", "qa.db"}, dir.path()).code, 0);  // still a store
}

QTEST_APPLESS_MAIN(TestShrink)
#include "tst_shrink.moc"
