// msmisim crashtest end to end: the hardened build loses and duplicates nothing at any crash
// point of Q151791 (power loss, EIO, ENOSPC), a legacy build's duplicates and losses are reported
// with a replay that reproduces them,
// the report does not depend on -j, and bad arguments are refused with the option named.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include "cli_process.h"

namespace {

const QString kQ151791 = "scenarios/kb/Q151791.json";

CliResult cli(const QStringList& args) {
  return run_msmisim(args, MSMISIM_SOURCE_DIR);
}

// The arguments of a printed command line, as a POSIX shell splits it (words, '…' quoting),
// without the leading "msmisim".
QStringList words_of(const QString& command) {
  QStringList words;
  QString word;
  bool quoted = false, any = false;
  for (const QChar c : command) {
    if (c == '\'') {
      quoted = !quoted;
      any = true;
    } else if (c == ' ' && !quoted) {
      if (any) words << word;
      word.clear();
      any = false;
    } else {
      word += c;
      any = true;
    }
  }
  if (any) words << word;
  return words.mid(1);
}

QJsonObject json_of(const CliResult& r) {
  return QJsonDocument::fromJson(r.out.toUtf8()).object();
}

}  // namespace

class TestCrashtest : public QObject {
  Q_OBJECT

 private slots:
  void hardened_keeps_every_message_data();
  void hardened_keeps_every_message();
  void legacy_duplicate_is_reported_and_replays();
  void legacy_kb_loss_is_reported();
  void report_does_not_depend_on_jobs();
  void quiet_lists_only_failing_points();
  void help_documents_exit_codes();
  void bad_arguments_exit_2_data();
  void bad_arguments_exit_2();
};

void TestCrashtest::hardened_keeps_every_message_data() {
  QTest::addColumn<QString>("fault");
  QTest::addColumn<QString>("points");
  QTest::newRow("power loss") << "power"
                              << "60";
  QTest::newRow("eio") << "eio"
                       << "30";
  QTest::newRow("enospc") << "enospc"
                          << "30";
}

void TestCrashtest::hardened_keeps_every_message() {
  QFETCH(QString, fault);
  QFETCH(QString, points);
  const CliResult r = cli({"crashtest", kQ151791, "--profile", "hardened", "--points", points,
                           "--fault", fault, "--json", "-j", "2"});
  QVERIFY2(r.code == 0, qPrintable(r.err + r.out.left(2000)));
  const QJsonObject report = json_of(r);
  QVERIFY(report["points_total"].toInt() > points.toInt());
  QCOMPARE(report["points_run"].toInt(), points.toInt());
  const QJsonArray list = report["points"].toArray();
  QCOMPARE(list.size(), points.toInt());
  for (const QJsonValue& v : list) {
    const QJsonObject p = v.toObject();
    const QString where =
        QString("point %1 (%2)").arg(p["point"].toInt()).arg(p["rule"].toString());
    QVERIFY2(p["fired"].toBool(), qPrintable(where));
    QVERIFY2(p["lost"].toInt() == 0, qPrintable(where));
    QVERIFY2(p["duplicated"].toInt() == 0, qPrintable(where));
  }
  QCOMPARE(report["failing"].toInt(), 0);
  QVERIFY(!r.err.contains("\x1b"));  // no progress bar when stderr is not a terminal
}

void TestCrashtest::legacy_duplicate_is_reported_and_replays() {
  const CliResult r =
      cli({"crashtest", kQ151791, "--profile", "exchange-5.0", "--points", "40", "-j", "2"});
  QVERIFY2(r.code == 1, qPrintable(r.err + r.out.left(2000)));
  QVERIFY(r.out.contains("CRASHTEST FAIL"));
  // The first failing point and its replays.
  const qsizetype at = r.out.indexOf("\nFAILED point ");
  QVERIFY(at >= 0);
  const QString block = r.out.mid(at + 1).section("\n\n", 0, 0);
  const QStringList lines = block.split('\n');
  const QString counts = lines[0].section(": ", 1);  // "lost 1, duplicated 0, …"
  QVERIFY2(counts.startsWith("lost ") && !counts.startsWith("lost 0, duplicated 0"),
           qPrintable(block));
  QString run_replay, crashtest_replay;
  for (const QString& line : lines) {
    if (line.startsWith("  replay: ")) run_replay = line.mid(10);
    if (line.trimmed().startsWith("msmisim crashtest ")) crashtest_replay = line.trimmed();
  }
  QVERIFY2(run_replay.startsWith("msmisim run ") && run_replay.contains("--fault"),
           qPrintable(block));
  QVERIFY2(!crashtest_replay.isEmpty(), qPrintable(block));

  // The crashtest replay reports the same point with the same counts.
  const CliResult again = cli(words_of(crashtest_replay));
  QCOMPARE(again.code, 1);
  QVERIFY2(again.out.contains(lines[0]), qPrintable(lines[0] + "\n---\n" + again.out));

  // The run replay crashes at the same call: the power loss by the same rule, the same ledger
  // and the same broken invariant.
  const CliResult run = cli(words_of(run_replay));
  QCOMPARE(run.code, 1);
  QVERIFY2(run.out.contains("power loss at disk."), qPrintable(run.out.left(3000)));
  const QRegularExpression number("(lost|unsettled) (\\d+)");
  QString lost, unsettled;
  for (auto it = number.globalMatch(counts); it.hasNext();) {
    const QRegularExpressionMatch m = it.next();
    (m.captured(1) == "lost" ? lost : unsettled) = m.captured(2);
  }
  QVERIFY2(run.out.contains("pending " + unsettled + ", lost " + lost),
           qPrintable(counts + "\n---\n" + run.out.left(3000)));
  for (const QString& line : lines) {
    if (line.startsWith("  broken: "))
      QVERIFY2(run.out.contains("BROKEN " + line.mid(10)), qPrintable(line));
  }
}

void TestCrashtest::legacy_kb_loss_is_reported() {
  // Q175965 on exchange-5.0: the operator's reset of INQUEUE3 loses the queued mail, crash or no
  // crash, and every point says so.
  const CliResult r = cli({"crashtest", "scenarios/kb/Q175965.json", "--profile", "exchange-5.0",
                           "--points", "10", "--json", "-j", "2"});
  QVERIFY2(r.code == 1, qPrintable(r.err));
  const QJsonObject report = json_of(r);
  QVERIFY(report["baseline"].toObject()["lost"].toInt() > 0);
  const QJsonArray list = report["points"].toArray();
  QCOMPARE(list.size(), 10);
  int losing = 0;
  for (const QJsonValue& v : list) {
    const QJsonObject p = v.toObject();
    if (p["lost"].toInt() == 0) continue;  // a crash near the end leaves the mail pending
    ++losing;
    QVERIFY(!p["clean"].toBool());
    QVERIFY(p["replay"].toString().startsWith("msmisim run "));
  }
  QVERIFY(losing >= 5);
  QVERIFY(report["failing"].toInt() >= losing);
}

void TestCrashtest::report_does_not_depend_on_jobs() {
  const QStringList args = {"crashtest", kQ151791, "--profile", "exchange-5.0", "--points", "12"};
  const CliResult one = cli(args + QStringList{"-j", "1"});
  const CliResult two = cli(args + QStringList{"-j", "2"});
  QVERIFY2(one.code == 0 || one.code == 1, qPrintable(one.err));
  QCOMPARE(two.code, one.code);
  QCOMPARE(two.out, one.out);
  const CliResult one_json = cli(args + QStringList{"-j", "1", "--json"});
  const CliResult three_json = cli(args + QStringList{"-j", "3", "--json"});
  QCOMPARE(three_json.out, one_json.out);
}

void TestCrashtest::quiet_lists_only_failing_points() {
  // 2,000 points make 2,000 lines: -q keeps the failing ones, the summary still counts them all.
  const QStringList args = {"crashtest", kQ151791, "--profile", "exchange-5.0",
                            "--points",  "40",     "-j",        "2"};
  const CliResult full = cli(args);
  const CliResult quiet = cli(args + QStringList{"-q"});
  QVERIFY2(full.code == 1, qPrintable(full.err));
  QCOMPARE(quiet.code, full.code);
  const QRegularExpression row("^ *\\d+  disk\\.", QRegularExpression::MultilineOption);
  QStringList failing_rows, quiet_rows;
  for (const QString& line : full.out.split('\n'))
    if (row.match(line).hasMatch() && line.endsWith("  FAIL")) failing_rows << line;
  int clean_rows = 0;
  for (const QString& line : quiet.out.split('\n')) {
    if (!row.match(line).hasMatch()) continue;
    quiet_rows << line;
    clean_rows += !line.endsWith("  FAIL");
  }
  QVERIFY(!failing_rows.isEmpty());
  QCOMPARE(clean_rows, 0);
  QCOMPARE(quiet_rows, failing_rows);
  const auto summary = [](const QString& out) { return out.section("CRASHTEST ", 1); };
  QVERIFY(summary(quiet.out).startsWith("FAIL: 40 points, "));
  QCOMPARE(summary(quiet.out), summary(full.out));

  const QJsonObject report = json_of(cli(args + QStringList{"-q", "--json"}));
  const QJsonArray list = report["points"].toArray();
  QCOMPARE(report["points_run"].toInt(), 40);
  QCOMPARE(list.size(), report["failing"].toInt());
  for (const QJsonValue& v : list) QVERIFY(!v.toObject()["clean"].toBool());

  // Nothing failing: no table at all, the verdict.
  const CliResult clean =
      cli({"crashtest", kQ151791, "--profile", "hardened", "--points", "8", "-q"});
  QVERIFY2(clean.code == 0, qPrintable(clean.err + clean.out));
  QVERIFY2(!clean.out.contains("point  call"), qPrintable(clean.out));
  QVERIFY2(clean.out.contains("CRASHTEST PASS: 8 points, 0 failing"), qPrintable(clean.out));
  // The run without a fault, one blank line, the verdict: no gap where the table would be.
  QVERIFY2(clean.out.contains("aside 0\n\nCRASHTEST PASS"), qPrintable(clean.out));
}

void TestCrashtest::help_documents_exit_codes() {
  const CliResult r = cli({"crashtest", "--help"});
  QCOMPARE(r.code, 0);
  QVERIFY(r.out.startsWith("usage: msmisim crashtest SCENARIO"));
  QVERIFY(
      r.out.contains("exit codes: 0 no point lost or duplicated a message, 1 some point did, 2"));
  QVERIFY(r.out.contains("--points"));
  QVERIFY(cli({"--help"}).out.contains("crashtest SCENARIO"));
}

void TestCrashtest::bad_arguments_exit_2_data() {
  QTest::addColumn<QStringList>("args");
  QTest::addColumn<QString>("message");
  QTest::newRow("no scenario") << QStringList{"crashtest"} << "missing SCENARIO";
  QTest::newRow("missing file") << QStringList{"crashtest", "no-such.json"} << "no-such.json";
  QTest::newRow("points 0") << QStringList{"crashtest", kQ151791, "--points", "0"} << "--points 0";
  QTest::newRow("points word") << QStringList{"crashtest", kQ151791, "--points", "some"}
                               << "--points some";
  QTest::newRow("point past the end")
      << QStringList{"crashtest", kQ151791, "--point", "99999999"} << "--point 99999999";
  QTest::newRow("point and points")
      << QStringList{"crashtest", kQ151791, "--point", "3", "--points", "4"} << "--point";
  QTest::newRow("fault") << QStringList{"crashtest", kQ151791, "--fault", "flood"}
                         << "--fault flood";
  QTest::newRow("jobs 0") << QStringList{"crashtest", kQ151791, "-j", "0"} << "--jobs 0";
  QTest::newRow("seed") << QStringList{"crashtest", kQ151791, "--seed", "x1"} << "--seed x1";
  QTest::newRow("profile") << QStringList{"crashtest", kQ151791, "--profile", "exchange-9"}
                           << "--profile exchange-9";
  QTest::newRow("unknown option") << QStringList{"crashtest", kQ151791, "--bogus"} << "bogus";
}

void TestCrashtest::bad_arguments_exit_2() {
  QFETCH(QStringList, args);
  QFETCH(QString, message);
  const CliResult r = cli(args);
  QCOMPARE(r.code, 2);
  QVERIFY2(r.err.contains(message), qPrintable(r.err));
  QVERIFY(r.out.isEmpty());
}

QTEST_APPLESS_MAIN(TestCrashtest)
#include "tst_crashtest.moc"
