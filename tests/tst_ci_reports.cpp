// msmisim run as a CI job calls it: a folder of scenarios, one line per run, the tally, the exit
// code, and the JUnit XML and Markdown reports, parsed back the way a CI server reads them. Also
// the renderers alone, fed hostile text.
#include <signal.h>

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <QtTest>
#include <sstream>

#include "cli_process.h"
#include "msmilog/event_store.h"
#include "msmireport/ci_run.h"
#include "msmireport/junit_report.h"
#include "msmireport/markdown_report.h"

namespace {

QString source(const QString& relative) {
  return QString(MSMISIM_SOURCE_DIR) + "/" + relative;
}

void write_file(const QString& path, const QByteArray& bytes) {
  QDir().mkpath(QFileInfo(path).path());
  QFile file(path);
  QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
  file.write(bytes);
}

QByteArray read_file(const QString& path) {
  QFile file(path);
  return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// A copy of a KB scenario whose "expect" is replaced (an empty object: nothing expected).
QByteArray with_expect(const QString& kb_scenario, const QJsonObject& expect,
                       const QString& name = {}) {
  QJsonObject scenario = QJsonDocument::fromJson(read_file(source(kb_scenario))).object();
  scenario["expect"] = expect;
  if (!name.isEmpty()) scenario["name"] = name;
  return QJsonDocument(scenario).toJson();
}

QJsonObject impossible_expect() {
  return QJsonDocument::fromJson(
             R"({"exchange-5.0": {"events": [{"id": 2342, "count": {"min": 100000}}]}})")
      .object();
}

constexpr const char* kBroken = R"({"duration": "1h", "trafic": []})";

// What a JUnit reader takes from the file.
struct Junit {
  QString error;                  // the parser's, if the file does not parse
  QMap<QString, QString> totals;  // <testsuites> attributes
  int suites = 0;
  int testcases = 0;
  int failures = 0;
  int errors = 0;
  int skipped = 0;
  QStringList failure_messages;
  QStringList failure_texts;
  QStringList error_messages;
  QStringList testcase_names;  // "classname/name"
  QStringList system_out;
  QStringList seeds;  // the seed property of each testcase
};

Junit parse_junit(const QByteArray& xml) {
  Junit j;
  QXmlStreamReader reader(xml);
  while (!reader.atEnd()) {
    if (reader.readNext() != QXmlStreamReader::StartElement) continue;
    const auto a = reader.attributes();
    const QStringView name = reader.name();
    if (name == u"testsuites") {
      for (const QString key : {"tests", "failures", "errors", "skipped"}) {
        j.totals[key] = a.value(key).toString();
      }
    } else if (name == u"testsuite") {
      ++j.suites;
    } else if (name == u"testcase") {
      ++j.testcases;
      j.testcase_names << a.value("classname").toString() + "/" + a.value("name").toString();
      if (!a.hasAttribute("time")) j.error = "a testcase without time";
    } else if (name == u"failure") {
      ++j.failures;
      j.failure_messages << a.value("message").toString();
      j.failure_texts << reader.readElementText();
    } else if (name == u"error") {
      ++j.errors;
      j.error_messages << a.value("message").toString();
    } else if (name == u"skipped") {
      ++j.skipped;
    } else if (name == u"system-out") {
      j.system_out << reader.readElementText();
    } else if (name == u"property" && a.value("name") == u"seed") {
      j.seeds << a.value("value").toString();
    }
  }
  if (reader.hasError()) j.error = reader.errorString();
  return j;
}

// The run lines of `run`'s output: those that begin with a verdict.
QStringList run_lines(const QString& out) {
  static const QRegularExpression verdict("^(PASS|FAIL|SKIP|STOP|ERROR)  ");
  QStringList lines;
  for (const QString& line : out.split('\n')) {
    if (verdict.match(line).hasMatch()) lines << line;
  }
  return lines;
}

QStringList markdown_rows(const QString& markdown) {
  QStringList rows;
  for (const QString& line : markdown.split('\n')) {
    if (line.startsWith("| ✅") || line.startsWith("| ❌") || line.startsWith("| ⚪") ||
        line.startsWith("| ⏹")) {
      rows << line;
    }
  }
  return rows;
}

// Cells of a GitHub table row: split at pipes no backslash escapes.
int unescaped_pipes(const std::string& row) {
  int pipes = 0;
  for (std::size_t i = 0; i < row.size(); ++i) {
    if (row[i] == '\\') {
      ++i;
      continue;
    }
    pipes += row[i] == '|' ? 1 : 0;
  }
  return pipes;
}

}  // namespace

class TestCiReports : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void folder_prints_a_line_per_run_and_the_tally();
  void junit_parses_back_with_the_counts();
  void markdown_has_a_row_per_run();
  void runs_are_recorded_as_single_runs_are();
  void exit_codes_data();
  void exit_codes();
  void one_file_with_junit_runs_every_profile();
  void quiet_prints_only_what_did_not_pass();
  void sigint_stops_after_the_current_run();
  void sigterm_stops_the_current_run_and_writes_reports();
  void junit_escapes_hostile_text();
  void markdown_escapes_hostile_text();
  void tally_lines_data();
  void tally_lines();
  void the_scenario_library_passes();
  void a_file_named_twice_runs_once();

 private:
  QTemporaryDir dir_;
  QString folder_;  // two KB scenarios, one broken, one with an expectation that cannot hold
  CliResult folder_run_;
};

void TestCiReports::initTestCase() {
  QVERIFY(dir_.isValid());
  folder_ = dir_.path() + "/suite";
  write_file(folder_ + "/kb/Q151791.json", read_file(source("scenarios/kb/Q151791.json")));
  write_file(folder_ + "/kb/Q175965.json", read_file(source("scenarios/kb/Q175965.json")));
  write_file(folder_ + "/regression/broken.json", kBroken);
  write_file(folder_ + "/regression/impossible.json",
             with_expect("scenarios/kb/Q151791.json", impossible_expect()));
  write_file(folder_ + "/README.md", "not a scenario, not run");
  QDir(dir_.path()).mkpath("out");
  folder_run_ = run_msmisim({"run", "suite", "--junit", "out/results.xml", "--markdown",
                             "out/summary.md", "--db", "ci.db"},
                            dir_.path());
}

void TestCiReports::folder_prints_a_line_per_run_and_the_tally() {
  const CliResult& r = folder_run_;
  QVERIFY2(r.code == 1, qPrintable(r.out + r.err));
  const QStringList lines = run_lines(r.out);
  // Q151791 and Q175965 each expect of 4 profiles; broken is one error; impossible one run.
  QCOMPARE(lines.size(), 10);
  QVERIFY2(lines[0].startsWith("PASS   suite/kb/Q151791.json"), qPrintable(lines[0]));
  QVERIFY2(lines[0].contains(QRegularExpression(
               R"(exchange-5\.0 +12/12 +6174 events +\d+\.\d\d s +\(run \d+\)$)")),
           qPrintable(lines[0]));
  QCOMPARE(lines.filter(QRegularExpression("^PASS ")).size(), 8);
  QVERIFY2(lines[8].startsWith("ERROR  suite/regression/broken.json: $.trafic: unknown key"),
           qPrintable(lines[8]));
  QVERIFY2(lines[9].contains(QRegularExpression(
               "^FAIL   suite/regression/impossible\\.json  exchange-5\\.0 +0/1 +6174 events ")),
           qPrintable(lines[9]));
  // The unmet expectation and the replay command follow the FAIL line, indented.
  const QString after_fail = r.out.mid(r.out.indexOf(lines[9]) + lines[9].size() + 1);
  QVERIFY2(after_fail.startsWith("  FAIL event 2342 count ≥ 100000: 1147\n"
                                 "  replay: msmisim run suite/regression/impossible.json --seed "
                                 "151791 --profile exchange-5.0 --db ci.db\n"),
           qPrintable(after_fail));
  QVERIFY2(
      r.out.contains(QRegularExpression(
          R"(\nRUN FAIL: 2 of 10 runs failed \(8 passed, 1 failed to load\) in \d+\.\d\d s; recorded in ci\.db\n$)")),
      qPrintable(r.out));
  QVERIFY2(r.err.contains("msmisim run: 4 scenario files, 10 runs"), qPrintable(r.err));
}

void TestCiReports::junit_parses_back_with_the_counts() {
  const QByteArray xml = read_file(dir_.path() + "/out/results.xml");
  QVERIFY(!xml.isEmpty());
  QVERIFY(!QFile::exists(dir_.path() + "/out/results.xml.tmp"));
  const Junit j = parse_junit(xml);
  QVERIFY2(j.error.isEmpty(), qPrintable(j.error));
  QCOMPARE(j.totals["tests"], QString("10"));
  QCOMPARE(j.totals["failures"], QString("1"));
  QCOMPARE(j.totals["errors"], QString("1"));
  QCOMPARE(j.totals["skipped"], QString("0"));
  QCOMPARE(j.suites, 4);  // one per scenario file
  QCOMPARE(j.testcases, 10);
  QCOMPARE(j.failures, 1);
  QCOMPARE(j.errors, 1);
  QVERIFY(j.testcase_names.contains("Q151791/exchange-5.0"));
  QVERIFY(j.testcase_names.contains("Q175965/hardened"));
  QVERIFY(j.testcase_names.contains("suite/regression/broken_json/load"));
  QCOMPARE(j.seeds.count("151791"), 5);  // 4 profiles of Q151791, and its impossible copy
  const QString replay =
      "replay: msmisim run suite/regression/impossible.json --seed 151791 --profile exchange-5.0 "
      "--db ci.db";
  QVERIFY2(j.failure_messages[0].startsWith("FAIL event 2342 count ≥ 100000: 1147"),
           qPrintable(j.failure_messages[0]));
  QVERIFY(j.failure_messages[0].contains(replay));
  QVERIFY(j.failure_texts[0].contains("FAIL event 2342 count ≥ 100000: 1147\n"));
  QVERIFY(j.failure_texts[0].contains(replay));
  QVERIFY(j.error_messages[0].contains("broken.json: $.trafic: unknown key 'trafic'"));
  QCOMPARE(j.system_out.size(), 9);  // every run that ran says how to replay it
  QVERIFY(j.system_out.contains(replay));
}

void TestCiReports::markdown_has_a_row_per_run() {
  const QString md = QString::fromUtf8(read_file(dir_.path() + "/out/summary.md"));
  QVERIFY2(md.startsWith("## ❌ RUN FAIL: 2 of 10 runs failed\n"), qPrintable(md));
  const QStringList rows = markdown_rows(md);
  QCOMPARE(rows.size(), 10);
  QVERIFY2(
      rows[0].startsWith("| ✅ PASS | suite/kb/Q151791.json | Q151791 | exchange-5.0 | 12/12 | "),
      qPrintable(rows[0]));
  QVERIFY2(rows[0].contains("2342×1147"), qPrintable(rows[0]));
  QVERIFY2(rows[0].contains(" | 153/0/0/62/0 | `msmisim run suite/kb/Q151791.json --seed 151791 "
                            "--profile exchange-5.0 --db ci.db` |"),
           qPrintable(rows[0]));
  QVERIFY(rows[8].startsWith("| ❌ ERROR | suite/regression/broken.json |"));
  QVERIFY(rows[9].startsWith("| ❌ FAIL | suite/regression/impossible.json |"));
  QVERIFY(md.contains("\n### Failures\n"));
  QVERIFY(md.contains("\n#### ❌ FAIL suite/regression/impossible.json (exchange-5.0)\n"));
  QVERIFY(md.contains("```\nFAIL event 2342 count ≥ 100000: 1147\nreplay: msmisim run "));
}

void TestCiReports::runs_are_recorded_as_single_runs_are() {
  std::unique_ptr<msmilog::EventStore> store;
  QVERIFY(msmilog::EventStore::open_read_only((dir_.path() + "/ci.db").toStdString(), &store).ok());
  std::vector<msmilog::RunSummary> runs;
  QVERIFY(store->list_runs(&runs).ok());
  QCOMPARE(runs.size(), std::size_t{9});  // the broken scenario did not run
  int failed = 0;
  for (const msmilog::RunSummary& run : runs) failed += run.verdict == "fail" ? 1 : 0;
  QCOMPARE(failed, 1);
  QCOMPARE(runs.front().scenario, std::string("suite/kb/Q151791.json"));
  QCOMPARE(runs.front().profile, std::string("exchange-5.0"));
}

void TestCiReports::exit_codes_data() {
  QTest::addColumn<QStringList>("files");  // "name=kind", kind: pass, fail, broken, none
  QTest::addColumn<QStringList>("extra");
  QTest::addColumn<int>("code");
  QTest::addColumn<QString>("says");
  QTest::newRow("every run passes")
      << QStringList{"a.json=pass"} << QStringList{} << 0 << "RUN PASS: 1 run, 1 passed";
  QTest::newRow("an expectation fails") << QStringList{"a.json=pass", "b.json=fail"}
                                        << QStringList{} << 1 << "RUN FAIL: 1 of 2 runs failed";
  QTest::newRow("a scenario does not load")
      << QStringList{"a.json=pass", "sub/b.json=broken"} << QStringList{} << 1
      << "RUN FAIL: 1 of 2 runs failed (1 passed, 1 failed to load)";
  QTest::newRow("nothing expected")
      << QStringList{"a.json=none"} << QStringList{} << 5 << "RUN TESTED NOTHING: 1 run";
  QTest::newRow("nothing expected beside a pass")
      << QStringList{"a.json=none", "b.json=pass"} << QStringList{} << 0
      << "RUN PASS: 2 runs, 1 passed (1 with no expectations)";
  QTest::newRow("no such folder") << QStringList{"a.json=pass"} << QStringList{"nowhere"} << 2
                                  << "nowhere: no such file or folder";
  QTest::newRow("empty folder") << QStringList{"README.md=text"} << QStringList{} << 2
                                << "no *.json scenario in this folder";
  QTest::newRow("unknown profile")
      << QStringList{"a.json=pass"} << QStringList{"--profile", "exchange-9"} << 2
      << "--profile exchange-9: unknown profile";
  QTest::newRow("determinism takes one file")
      << QStringList{"a.json=pass"} << QStringList{"--check-determinism"} << 2
      << "--check-determinism takes one scenario file";
  QTest::newRow("postoffice takes one file")
      << QStringList{"a.json=pass"} << QStringList{"--postoffice", "po"} << 2
      << "--postoffice takes one scenario file";
  QTest::newRow("report folder missing")
      << QStringList{"a.json=pass"} << QStringList{"--junit", "no/such/dir/j.xml"} << 2
      << "--junit no/such/dir/j.xml: the folder no/such/dir does not exist";
  // A report is never written over what the run reads, nor over the other report.
  QTest::newRow("report over the store")
      << QStringList{"a.json=pass"} << QStringList{"--db", "kept.db", "--junit", "./kept.db"} << 2
      << "--junit ./kept.db: is the event store itself";
  QTest::newRow("two reports in one file")
      << QStringList{"a.json=pass"} << QStringList{"--junit", "r.out", "--markdown", "r.out"} << 2
      << "--markdown r.out: is the --junit file itself";
  QTest::newRow("report over a scenario")
      << QStringList{"a.json=pass"} << QStringList{"--markdown", "s/a.json"} << 2
      << "--markdown s/a.json: is the scenario s/a.json itself";
  QTest::newRow("report is a folder")
      << QStringList{"a.json=pass"} << QStringList{"--junit", "s"} << 2 << "--junit s: is a folder";
  QTest::newRow("store unusable") << QStringList{"a.json=pass"} << QStringList{"--db", "notes.db"}
                                  << 3 << "notes.db";
}

void TestCiReports::exit_codes() {
  QFETCH(QStringList, files);
  QFETCH(QStringList, extra);
  QFETCH(int, code);
  QFETCH(QString, says);
  QTemporaryDir dir;
  QVERIFY(dir.isValid());
  for (const QString& entry : files) {
    const QString name = entry.section('=', 0, 0);
    const QString kind = entry.section('=', 1);
    const QString path = dir.path() + "/s/" + name;
    if (kind == "pass") {
      // Q175965 under its own profile alone: quick, and every expectation holds.
      QJsonObject scenario =
          QJsonDocument::fromJson(read_file(source("scenarios/kb/Q175965.json"))).object();
      QJsonObject expect;
      expect["exchange-5.0"] = scenario["expect"].toObject()["exchange-5.0"];
      write_file(path, with_expect("scenarios/kb/Q175965.json", expect));
    } else if (kind == "fail") {
      write_file(path, with_expect("scenarios/kb/Q175965.json", impossible_expect()));
    } else if (kind == "none") {
      write_file(path, with_expect("scenarios/kb/Q175965.json", QJsonObject{}));
    } else if (kind == "broken") {
      write_file(path, kBroken);
    } else {
      write_file(path, "text");
    }
  }
  write_file(dir.path() + "/notes.db", "these are my notes, not an event store\n");
  QStringList args{"run"};
  args << "s";
  for (const QString& e : extra) args << e;
  if (!extra.contains("--db")) args << "--no-db";
  const CliResult r = run_msmisim(args, dir.path());
  QVERIFY2(r.code == code, qPrintable(QString::number(r.code) + "\n" + r.out + r.err));
  QVERIFY2((r.out + r.err).contains(says), qPrintable(r.out + r.err));
  if (code == 2) QVERIFY2(run_lines(r.out).isEmpty(), qPrintable(r.out));  // nothing ran
}

void TestCiReports::one_file_with_junit_runs_every_profile() {
  // --junit makes a single file a CI run too: one testcase per profile its "expect" names.
  const CliResult r = run_msmisim(
      {"run", source("scenarios/kb/Q175965.json"), "--junit", "one.xml", "--no-db"}, dir_.path());
  QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
  QCOMPARE(run_lines(r.out).size(), 4);
  const Junit j = parse_junit(read_file(dir_.path() + "/one.xml"));
  QVERIFY2(j.error.isEmpty(), qPrintable(j.error));
  QCOMPARE(j.suites, 1);
  QCOMPARE(j.testcase_names, (QStringList{"Q175965/exchange-5.0", "Q175965/exchange-4.0",
                                          "Q175965/exchange-5.0-sp1", "Q175965/hardened"}));
  // Without --junit it is the single run it always was.
  const CliResult single =
      run_msmisim({"run", source("scenarios/kb/Q175965.json"), "--no-db"}, dir_.path());
  QCOMPARE(single.code, 0);
  QVERIFY(run_lines(single.out).isEmpty());
  QVERIFY(single.out.contains("\nPASS: 10/10 expectations held; "));
}

void TestCiReports::quiet_prints_only_what_did_not_pass() {
  const CliResult r = run_msmisim({"run", "suite", "-q", "--no-db"}, dir_.path());
  QCOMPARE(r.code, 1);
  const QStringList lines = run_lines(r.out);
  QCOMPARE(lines.size(), 2);
  QVERIFY(lines[0].startsWith("ERROR  suite/regression/broken.json"));
  QVERIFY(lines[1].startsWith("FAIL   suite/regression/impossible.json"));
  QVERIFY(r.out.contains("\nRUN FAIL: 2 of 10 runs failed (8 passed, 1 failed to load)"));
}

void TestCiReports::sigint_stops_after_the_current_run() {
  // A long run first (about two seconds on a fast machine: 300k messages; the signal comes
  // 300 ms in, so a margin of several times), then a quick one.
  QTemporaryDir dir;
  write_file(dir.path() + "/s/a-long.json",
             R"({"duration": "7d", "traffic": [{"from": "MS:MSNET/SALES/A",
                 "to": "MS:EXCHANGE/HQ/B", "every": "2s"}]})");
  write_file(dir.path() + "/s/b-quick.json", with_expect("scenarios/kb/Q175965.json", {}));
  QProcess process;
  process.setWorkingDirectory(dir.path());
  process.start(MSMISIM_BINARY, {"run", "s", "--no-db", "--junit", "j.xml"});
  QVERIFY(process.waitForStarted());
  process.setReadChannel(QProcess::StandardError);
  // The plan line on stderr says the signal handlers are in place.
  QByteArray err;
  while (!err.contains("runs") && process.waitForReadyRead(30'000)) {
    err += process.readAllStandardError();
  }
  QVERIFY2(err.contains("msmisim run: 2 scenario files, 2 runs"), err.constData());
  // The long run has begun by now (a signal before it would rightly stop before any run); it
  // takes seconds, so it is still going.
  QTest::qWait(300);
  ::kill(static_cast<pid_t>(process.processId()), SIGINT);
  QVERIFY(process.waitForFinished(120'000));
  const QString out = QString::fromUtf8(process.readAllStandardOutput());
  QCOMPARE(process.exitCode(), 130);
  const QStringList lines = run_lines(out);
  QCOMPARE(lines.size(), 1);  // the long run finished; the quick one never started
  QVERIFY2(lines[0].startsWith("SKIP   s/a-long.json"), qPrintable(out));
  QVERIFY2(out.contains("interrupted: stopped after 1 of 2 runs"), qPrintable(out));
  QVERIFY2(out.contains("RUN INTERRUPTED: 1 of 2 runs done, none failed"), qPrintable(out));
  const Junit j = parse_junit(read_file(dir.path() + "/j.xml"));
  QVERIFY2(j.error.isEmpty(), qPrintable(j.error));
  QCOMPARE(j.testcases, 1);
  QCOMPARE(j.skipped, 1);
}

void TestCiReports::sigterm_stops_the_current_run_and_writes_reports() {
  QTemporaryDir dir;
  write_file(dir.path() + "/s/a.json", with_expect("scenarios/kb/Q175965.json", {}));
  write_file(dir.path() + "/s/b-endless.json",
             R"({"duration": "30d", "traffic": [{"from": "MS:MSNET/SALES/A",
                 "to": "MS:EXCHANGE/HQ/B", "every": "2s"}]})");
  QProcess process;
  process.setWorkingDirectory(dir.path());
  process.start(MSMISIM_BINARY,
                {"run", "s", "--db", "t.db", "--junit", "j.xml", "--markdown", "m.md"});
  QVERIFY(process.waitForStarted());
  QByteArray out;
  while (!out.contains("SKIP   s/a.json") && process.waitForReadyRead(30'000)) {
    out += process.readAllStandardOutput();
  }
  QTest::qWait(1000);   // the endless run has begun
  process.terminate();  // SIGTERM, as a CI timeout sends: the endless run stops at once
  QVERIFY(process.waitForFinished(30'000));
  out += process.readAllStandardOutput();
  QCOMPARE(process.exitCode(), 130);
  QVERIFY2(out.contains("\nSTOP   s/b-endless.json  exchange-5.0  interrupted at "),
           out.constData());
  QVERIFY2(out.contains("RUN INTERRUPTED: 2 of 2 runs done, none failed"), out.constData());
  const Junit j = parse_junit(read_file(dir.path() + "/j.xml"));
  QVERIFY2(j.error.isEmpty(), qPrintable(j.error));
  QCOMPARE(j.testcases, 2);
  QCOMPARE(j.errors, 1);
  QVERIFY(j.error_messages[0].startsWith("interrupted at "));
  QVERIFY(
      QString::fromUtf8(read_file(dir.path() + "/m.md")).startsWith("## ⚠️ RUN INTERRUPTED"));
  std::unique_ptr<msmilog::EventStore> store;
  QVERIFY(msmilog::EventStore::open_read_only((dir.path() + "/t.db").toStdString(), &store).ok());
  std::vector<msmilog::RunSummary> runs;
  QVERIFY(store->list_runs(&runs).ok());
  QCOMPARE(runs.size(), std::size_t{2});
  QCOMPARE(runs.back().verdict, std::string("interrupted"));
}

namespace {

// A failing run whose every text field holds what breaks XML and Markdown.
msmireport::CiRun hostile_run() {
  // Control characters, "]]>", a byte that is not UTF-8, U+FFFE, an overlong "/", a surrogate.
  const std::string hostile =
      "a<b & c]]>d\x01"
      "e\x0b|`f`\xff\xef\xbf\xbeg\xc0\xaf\xed\xa0\x80\ttab";
  msmireport::CiRun run;
  run.scenario_path = "s/" + hostile + ".json";
  run.scenario_name = "name." + hostile;
  run.kb = hostile;
  run.profile = "exchange-5.0";
  run.seed = 7;
  run.verdict = msmireport::CiVerdict::kFail;
  run.expectations = {{true, "held", "1"}, {false, "event 2342 " + hostile, "0 <none>"}};
  run.invariants = {{false, "nothing lost", "message '" + hostile + "' lost"}};
  run.event_counts = {{2342, 0}};
  run.replay = "msmisim run 's/" + hostile + ".json' --seed 7 --profile exchange-5.0";
  run.wall_s = 0.5;
  run.run_id = 3;
  return run;
}

// The hostile text as it reads back from XML: forbidden characters and bad bytes gone.
const QString kHostileInXml = QString::fromUtf8("a<b & c]]>de|`f`g\ttab");

}  // namespace

void TestCiReports::junit_escapes_hostile_text() {
  msmireport::CiRun error = msmireport::ci_error_of("s/x.json", "s/x.json: $.a: <&>\x02");
  std::ostringstream xml;
  msmireport::render_junit({hostile_run(), error}, xml);
  const std::string text = xml.str();
  QVERIFY2(text.find("]]>") == std::string::npos, text.c_str());
  QVERIFY(text.find('\x01') == std::string::npos);
  const Junit j = parse_junit(QByteArray::fromStdString(text));
  QVERIFY2(j.error.isEmpty(), qPrintable(j.error + "\n" + QString::fromStdString(text)));
  QCOMPARE(j.testcases, 2);
  QCOMPARE(j.failures, 1);
  QCOMPARE(j.errors, 1);
  QVERIFY2(j.failure_messages[0].startsWith("BROKEN invariant nothing lost: message '" +
                                            kHostileInXml + "' lost (and 1 more); replay: "),
           qPrintable(j.failure_messages[0]));
  QVERIFY(j.failure_texts[0].contains("FAIL event 2342 " + kHostileInXml + ": 0 <none>\n"));
  QVERIFY(j.failure_texts[0].contains("replay: msmisim run 's/" + kHostileInXml + ".json'"));
  QCOMPARE(j.testcase_names[0], "name_" + kHostileInXml + "/exchange-5.0");  // dots: packages
  QCOMPARE(j.error_messages[0], QString("s/x.json: $.a: <&>"));
  QCOMPARE(QString::fromStdString(msmireport::xml_escape("\"q\" 'a'\n")),
           QString("&quot;q&quot; &apos;a&apos;&#10;"));
}

void TestCiReports::markdown_escapes_hostile_text() {
  const std::vector<msmireport::CiRun> runs{hostile_run()};
  std::ostringstream md;
  msmireport::render_markdown_summary(runs, msmireport::ci_tally(runs, 1, 0.5, ""), md);
  const QString text = QString::fromStdString(md.str());
  const QStringList rows = markdown_rows(text);
  QCOMPARE(rows.size(), 1);
  // Eight columns: nine pipes that split the row, however many the text holds.
  QCOMPARE(unescaped_pipes(rows[0].toStdString()), 9);
  // No raw HTML outside the code span; control characters as spaces.
  QVERIFY2(!rows[0].section("``", 0, 0).contains("a<b"), qPrintable(rows[0]));
  QVERIFY2(rows[0].contains("a\\<b \\& c\\]\\]\\>d e \\|\\`f\\`"), qPrintable(rows[0]));
  // The replay command holds single backticks: its code span is fenced with two.
  QVERIFY2(rows[0].contains("| `` msmisim run 's/a<b & c]]>d e \\|`f`"), qPrintable(rows[0]));
  QVERIFY(!text.contains('\x01'));
  // The failure's details: a fence longer than any backtick run in them.
  QVERIFY2(text.contains("\n```\nBROKEN invariant nothing lost: "), qPrintable(text));
  QCOMPARE(QString::fromStdString(msmireport::markdown_code_cell("a ``` b")),
           QString("```` a ``` b ````"));
  QCOMPARE(QString::fromStdString(msmireport::markdown_cell("x|y\nz")), QString("x\\|y z"));
}

// What CI runs: the project's own scenarios/ folder, every scenario under every profile it
// expects, passes, and its JUnit says so case by case.
void TestCiReports::the_scenario_library_passes() {
  QTemporaryDir dir;
  const CliResult r = run_msmisim({"run", MSMISIM_SOURCE_DIR "/scenarios", "--no-db", "-q",
                                   "--junit", "all.xml", "--markdown", "all.md"},
                                  dir.path());
  QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
  QVERIFY2(run_lines(r.out).isEmpty(), qPrintable(r.out));  // -q: nothing but the tally
  const QRegularExpressionMatch tally =
      QRegularExpression("RUN PASS: (\\d+) runs, \\1 passed").match(r.out);
  QVERIFY2(tally.hasMatch(), qPrintable(r.out));
  const int runs = tally.captured(1).toInt();
  const Junit j = parse_junit(read_file(dir.filePath("all.xml")));
  QVERIFY2(j.error.isEmpty(), qPrintable(j.error));
  QCOMPARE(j.testcases, runs);
  QCOMPARE(j.failures + j.errors, 0);
  // Every KB article's scenario is a suite, with a case per profile it expects (Q151791: four).
  QCOMPARE(j.testcase_names.filter(QRegularExpression("^Q151791/")).size(), 4);
  QVERIFY(runs > 2 * j.suites);
  QCOMPARE(read_file(dir.filePath("all.md")).count("| ✅ PASS |"), runs);
}

void TestCiReports::a_file_named_twice_runs_once() {
  const QString q = source("scenarios/kb/Q175965.json");
  const QString kb = source("scenarios/kb");
  const CliResult r = run_msmisim({"run", q, kb + "/../kb/Q175965.json", q, "--no-db", "--junit",
                                   "twice.xml", "--profile", "exchange-5.0"},
                                  dir_.path());
  QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
  QCOMPARE(run_lines(r.out).size(), 1);
  const Junit j = parse_junit(read_file(dir_.filePath("twice.xml")));
  QCOMPARE(j.testcases, 1);
}

void TestCiReports::tally_lines_data() {
  QTest::addColumn<QString>("verdicts");  // one letter a run: P F E N I
  QTest::addColumn<int>("planned");
  QTest::addColumn<QString>("line");
  QTest::newRow("all pass") << "PPP" << 3 << "RUN PASS: 3 runs, 3 passed in 1.00 s";
  QTest::newRow("fail and error")
      << "PFEN" << 4
      << "RUN FAIL: 2 of 4 runs failed (1 passed, 1 failed to load, 1 with no expectations) in "
         "1.00 s";
  QTest::newRow("nothing tested")
      << "NN" << 2
      << "RUN TESTED NOTHING: 2 runs, none with expectations for its profile in 1.00 s";
  QTest::newRow("stopped early")
      << "P" << 3 << "RUN INTERRUPTED: 1 of 3 runs done, none failed (1 passed) in 1.00 s";
  QTest::newRow("a failure outranks the stop")
      << "PF" << 3 << "RUN FAIL: 1 of 2 runs failed (1 passed, stopped after 2 of 3) in 1.00 s";
  QTest::newRow("interrupted run")
      << "PI" << 2
      << "RUN INTERRUPTED: 2 of 2 runs done, none failed (1 passed, 1 interrupted) in 1.00 s";
}

void TestCiReports::tally_lines() {
  QFETCH(QString, verdicts);
  QFETCH(int, planned);
  QFETCH(QString, line);
  std::vector<msmireport::CiRun> runs;
  for (QChar v : verdicts) {
    msmireport::CiRun run;
    run.verdict = v == 'P'   ? msmireport::CiVerdict::kPass
                  : v == 'F' ? msmireport::CiVerdict::kFail
                  : v == 'E' ? msmireport::CiVerdict::kError
                  : v == 'N' ? msmireport::CiVerdict::kNoExpectations
                             : msmireport::CiVerdict::kInterrupted;
    runs.push_back(run);
  }
  std::ostringstream out;
  msmireport::render_ci_tally(msmireport::ci_tally(runs, planned, 1.0, ""), out);
  QCOMPARE(QString::fromStdString(out.str()), line + "\n");
}

QTEST_APPLESS_MAIN(TestCiReports)
#include "tst_ci_reports.moc"
