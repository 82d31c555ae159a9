// Replay and determinism checks: the event-stream comparison on its own, then `msmisim replay`
// and `msmisim run --check-determinism` end to end.
#include <sqlite3.h>

#include <QDir>
#include <QDirIterator>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QtTest>
#include <sstream>

#include "cli_process.h"
#include "msmilog/event_store.h"
#include "msmireport/stream_diff_report.h"
#include "msmisim/event_stream_diff.h"
#include "msmisim/run_overrides.h"

using msmisim::EventStreamDiff;
using msmisim::ShownEvent;
using Stream = std::vector<ShownEvent>;

Q_DECLARE_METATYPE(Stream)
Q_DECLARE_METATYPE(std::vector<std::string>)

namespace {

QString source(const QString& relative) {
  return QString(MSMISIM_SOURCE_DIR) + "/" + relative;
}

ShownEvent make_event(std::int64_t time_us, int id, const std::string& description,
                      int thread = 5) {
  return {time_us, id,     "MSExchangeMSMI",  "Error",    "Session Error",
          0,       thread, "NET/PO/0000002A", description};
}

// Three events of a run, as a base to change one field of.
Stream three() {
  return {make_event(1'000'000, 2384, "established"), make_event(2'000'000, 2342, "0x15"),
          make_event(3'000'000, 2553, "failed writing")};
}

bool raw_exec(const QString& path, const char* sql) {
  sqlite3* db = nullptr;
  bool ok = sqlite3_open(path.toUtf8().constData(), &db) == SQLITE_OK &&
            sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
  sqlite3_close(db);
  return ok;
}

std::int64_t stored_event_count(const QString& db, std::int64_t run_id) {
  std::unique_ptr<msmilog::EventStore> store;
  if (!msmilog::EventStore::open_read_only(db.toStdString(), &store).ok()) return -1;
  msmilog::EventFilter filter;
  filter.run_id = run_id;
  std::int64_t count = -1;
  if (!store->count_events(filter, &count).ok()) return -1;
  return count;
}

std::int64_t run_count(const QString& db) {
  std::unique_ptr<msmilog::EventStore> store;
  std::vector<msmilog::RunSummary> runs;
  if (!msmilog::EventStore::open_read_only(db.toStdString(), &store).ok()) return -1;
  if (!store->list_runs(&runs).ok()) return -1;
  return static_cast<std::int64_t>(runs.size());
}

CliResult msmisim_with_env(const QStringList& args, const QString& cwd, const QString& name,
                           const QString& value) {
  QProcess process;
  process.setWorkingDirectory(cwd);
  QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
  env.insert(name, value);
  process.setProcessEnvironment(env);
  process.start(MSMISIM_BINARY, args);
  process.waitForFinished(120'000);
  return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
          QString::fromUtf8(process.readAllStandardOutput()),
          QString::fromUtf8(process.readAllStandardError())};
}

// A run finished: passed, failed an expectation, or had none for its profile.
bool finished(const CliResult& r) {
  return r.code == 0 || r.code == 1 || r.code == 5;
}

constexpr int kExitDiffers = 6;

}  // namespace

class TestReplay : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  // The comparison
  void diff_finds_the_first_difference_data();
  void diff_finds_the_first_difference();
  void render_identical_and_different();
  void stream_text_round_trips();
  void stream_text_refuses_garbage();
  void overrides_round_trip_and_refuse_unknown_keys();
  // msmisim replay
  void every_scenario_replays_identical_data();
  void every_scenario_replays_identical();
  void changed_scenario_file_replays_recorded_text();
  void tampered_event_is_the_first_difference();
  void missing_last_event_is_a_difference();
  void fault_override_is_replayed();
  void replay_bad_input_data();
  void replay_bad_input();
  void replay_record_adds_a_run();
  void interrupted_run_compares_what_it_recorded();
  // msmisim run --check-determinism
  void check_determinism_passes_on_q151791();
  void check_determinism_reports_a_planted_difference();

 private:
  QTemporaryDir dir_;
};

void TestReplay::initTestCase() {
  QVERIFY(dir_.isValid());
}

void TestReplay::diff_finds_the_first_difference_data() {
  QTest::addColumn<Stream>("left");
  QTest::addColumn<Stream>("right");
  QTest::addColumn<int>("first");  // -1: identical
  QTest::addColumn<std::vector<std::string>>("fields");
  using F = std::vector<std::string>;
  const Stream base = three();
  QTest::newRow("both empty") << Stream{} << Stream{} << -1 << F{};
  QTest::newRow("identical") << base << three() << -1 << F{};
  QTest::newRow("left empty") << Stream{} << base << 0 << F{};
  QTest::newRow("right empty") << base << Stream{} << 0 << F{};
  Stream shorter = base;
  shorter.pop_back();
  QTest::newRow("left longer") << base << shorter << 2 << F{};
  QTest::newRow("right longer") << shorter << base << 2 << F{};
  Stream first = base;
  first[0].description = "changed";
  QTest::newRow("first event") << base << first << 0 << F{"description"};
  Stream last = base;
  last[2].thread = 6;
  QTest::newRow("last event") << base << last << 2 << F{"thread"};
  Stream several = base;
  several[1].time_us += 1;
  several[1].event_id = 2553;
  several[1].message_id = "";
  QTest::newRow("several fields") << base << several << 1 << F{"time", "event id", "message id"};
  Stream every = base;
  every[1] = {0, 1, "s", "Warning", "NDR", 3, -1, "", "d"};
  QTest::newRow("every field") << base << every << 1
                               << F{"time",  "event id", "source",     "type",       "category",
                                    "level", "thread",   "message id", "description"};
  Stream later = base;
  later[1].type = "Warning";
  later[2].description = "also changed";
  QTest::newRow("only the first counts") << base << later << 1 << F{"type"};
}

void TestReplay::diff_finds_the_first_difference() {
  QFETCH(Stream, left);
  QFETCH(Stream, right);
  QFETCH(int, first);
  QFETCH(std::vector<std::string>, fields);
  const EventStreamDiff diff = msmisim::diff_event_streams(left, right);
  QCOMPARE(diff.left_count, left.size());
  QCOMPARE(diff.right_count, right.size());
  QCOMPARE(diff.identical(), first < 0);
  if (first >= 0) QCOMPARE(*diff.first_difference, static_cast<std::size_t>(first));
  QCOMPARE(diff.fields, fields);
}

void TestReplay::render_identical_and_different() {
  std::ostringstream same;
  const Stream base = three();
  msmireport::render_stream_diff(base, base, msmisim::diff_event_streams(base, base), "run 1",
                                 "replay", same);
  QCOMPARE(same.str(), std::string("identical: 3 events\n"));

  // Ten events, the seventh differs: three neighbours each side, the seventh marked.
  Stream left, right;
  for (int i = 0; i < 10; ++i)
    left.push_back(make_event(i * 1'000'000, 2342, "event " + std::to_string(i + 1)));
  right = left;
  right[6].description = "something else";
  std::ostringstream text;
  msmireport::render_stream_diff(left, right, msmisim::diff_event_streams(left, right), "run 1",
                                 "replay", text, 3);
  const QString out = QString::fromStdString(text.str());
  QVERIFY2(out.startsWith("differs at event 7: description\n"), qPrintable(out));
  QVERIFY(out.contains("run 1: 10 events, replay: 10 events"));
  QVERIFY2(out.contains(QRegularExpression("\n> 7 +00:00:06.000 +2342 ")), qPrintable(out));
  for (int shown : {4, 5, 6, 8, 9, 10}) {
    QVERIFY2(out.contains(
                 QRegularExpression(QString("\n  %1 +00:00:0%2.000 ").arg(shown).arg(shown - 1))),
             qPrintable(out));
  }
  QVERIFY(!out.contains(QRegularExpression("\n  3 +00:00:02")));
  QVERIFY(out.contains("    run 1:  event 7\n"));
  QVERIFY(out.contains("    replay: something else\n"));
  // Both sides start in the same column on every row.
  const QStringList lines = out.split('\n');
  qsizetype bar = -1;
  for (const QString& line : lines) {
    if (!line.contains("| ")) continue;
    if (bar < 0) bar = line.indexOf("| ");
    QCOMPARE(line.indexOf("| "), bar);
  }
  QVERIFY(bar > 0);

  // One stream ends early: its side shows a dash.
  Stream shorter = left;
  shorter.resize(4);
  std::ostringstream ended;
  msmireport::render_stream_diff(left, shorter, msmisim::diff_event_streams(left, shorter), "run 1",
                                 "replay", ended);
  const QString e = QString::fromStdString(ended.str());
  QVERIFY2(e.startsWith("differs at event 5: replay ends there\n"), qPrintable(e));
  QVERIFY(e.contains(QRegularExpression("\n> 5 .*\\| -")));
}

void TestReplay::stream_text_round_trips() {
  Stream stream = three();
  stream.push_back({-5, 0, "", "", "", 0, -1, "", ""});
  stream.push_back({7, 10000, "msmisim", "Information", "Debug Data", 5, 12, "A/B/C",
                    std::string("tab\there\nline\r\\n back\\slash \xff\xfe raw")});
  std::stringstream text;
  msmisim::write_event_stream(stream, text);
  const std::string written = text.str();
  QCOMPARE(std::count(written.begin(), written.end(), '\n'), std::ptrdiff_t{5});
  Stream back;
  const msmi::Status s = msmisim::read_event_stream(text, "stream", &back);
  QVERIFY2(s.ok(), s.to_string().c_str());
  QVERIFY(back == stream);
}

void TestReplay::stream_text_refuses_garbage() {
  std::stringstream text;
  msmisim::write_event_stream(three(), text);
  text.seekp(0, std::ios::end);
  text << "1\t2\tonly three\n";
  Stream back;
  const msmi::Status s = msmisim::read_event_stream(text, "child.txt", &back);
  QVERIFY(s.is_invalid_argument());
  QVERIFY2(s.message().find("child.txt: line 4") != std::string::npos, s.message().c_str());
}

void TestReplay::overrides_round_trip_and_refuse_unknown_keys() {
  msmisim::RunOverrides overrides{{"Q151791=off"}, {"mta.put=return(0x15)", "disk.write=io_error"}};
  const std::string json = msmisim::to_json(overrides);
  QCOMPARE(
      json,
      std::string(
          R"j({"defect":["Q151791=off"],"fault":["mta.put=return(0x15)","disk.write=io_error"]})j"));
  msmisim::RunOverrides back;
  QVERIFY(msmisim::parse_run_overrides(json, &back).ok());
  QVERIFY(back == overrides);
  QCOMPARE(msmisim::to_json({}), std::string("{}"));
  QVERIFY(msmisim::parse_run_overrides("", &back).ok());  // recorded before options were
  QVERIFY(back.empty());
  const msmi::Status unknown = msmisim::parse_run_overrides(R"({"swarm":[]})", &back);
  QVERIFY(unknown.is_invalid_argument());
  QVERIFY(unknown.message().find("swarm") != std::string::npos);
  QVERIFY(msmisim::parse_run_overrides(R"({"defect":"Q151791=off"})", &back).is_invalid_argument());
  QVERIFY(msmisim::parse_run_overrides("[1]", &back).is_invalid_argument());
}

void TestReplay::every_scenario_replays_identical_data() {
  QTest::addColumn<QString>("scenario");
  QDirIterator it(source("scenarios"), {"*.json"}, QDir::Files, QDirIterator::Subdirectories);
  QStringList found;
  while (it.hasNext()) found << it.next();
  found.sort();
  QVERIFY(found.size() >= 10);
  for (const QString& path : found) {
    QTest::newRow(qPrintable(QDir(source("scenarios")).relativeFilePath(path))) << path;
  }
}

void TestReplay::every_scenario_replays_identical() {
  QFETCH(QString, scenario);
  QTemporaryDir dir;
  const CliResult run = run_msmisim({"run", scenario, "--db", "r.db", "-q"}, dir.path());
  QVERIFY2(finished(run), qPrintable(run.out + run.err));
  const std::int64_t count = stored_event_count(dir.filePath("r.db"), 1);
  QVERIFY(count > 0);
  const CliResult replay = run_msmisim({"replay", "--db", "r.db", "1"}, dir.path());
  QVERIFY2(replay.code == 0, qPrintable(replay.out + replay.err));
  const QString noun = count == 1 ? "event" : "events";
  QVERIFY2(replay.out.contains(QString("\nidentical: %1 %2\n").arg(count).arg(noun)),
           qPrintable(replay.out));
  QVERIFY(!replay.out.contains("has changed"));
  QCOMPARE(run_count(dir.filePath("r.db")), std::int64_t{1});  // nothing recorded by default
}

void TestReplay::changed_scenario_file_replays_recorded_text() {
  QTemporaryDir dir;
  QVERIFY(QFile::copy(source("scenarios/kb/Q151791.json"), dir.filePath("q.json")));
  const CliResult run = run_msmisim({"run", "q.json", "--db", "r.db", "-q"}, dir.path());
  QVERIFY2(run.code == 0, qPrintable(run.out + run.err));
  // Now the file says something else entirely: a run of it would be another run.
  QFile file(dir.filePath("q.json"));
  QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
  file.write(
      R"({"duration": "5m", "traffic": [{"from": "MS:NET/PO/A", "to": "MS:EXCHANGE/HQ/B", "every": "1m"}]})");
  file.close();
  const CliResult replay = run_msmisim({"replay", "--db", "r.db", "latest"}, dir.path());
  QVERIFY2(replay.code == 0, qPrintable(replay.out + replay.err));
  QVERIFY2(replay.out.contains(
               "q.json has changed since run 1 was recorded; replaying the recorded text\n"),
           qPrintable(replay.out));
  QVERIFY(replay.out.contains(
      QString("identical: %1 events").arg(stored_event_count(dir.filePath("r.db"), 1))));
  // A file that is gone is no reason to complain: the text is in the store.
  QVERIFY(QFile::remove(dir.filePath("q.json")));
  const CliResult gone = run_msmisim({"replay", "--db", "r.db", "1"}, dir.path());
  QCOMPARE(gone.code, 0);
  QVERIFY(!gone.out.contains("has changed"));
}

void TestReplay::tampered_event_is_the_first_difference() {
  QTemporaryDir dir;
  const CliResult run =
      run_msmisim({"run", source("scenarios/kb/Q151791.json"), "--db", "r.db", "-q"}, dir.path());
  QVERIFY2(run.code == 0, qPrintable(run.out + run.err));
  QVERIFY(
      raw_exec(dir.filePath("r.db"),
               "UPDATE events SET description = 'tampered with' WHERE run_id = 1 AND seq = 10"));
  const CliResult replay = run_msmisim({"replay", "--db", "r.db", "1"}, dir.path());
  QCOMPARE(replay.code, kExitDiffers);
  const QString count = QString::number(stored_event_count(dir.filePath("r.db"), 1));
  QVERIFY2(replay.out.contains("differs at event 10: description\n"), qPrintable(replay.out));
  QVERIFY(replay.out.contains("run 1: " + count + " events, replay: " + count + " events"));
  QVERIFY2(replay.out.contains(QRegularExpression("\n> 10 +\\S+ +\\d+ .*tampered with .*\\| ")),
           qPrintable(replay.out));
  for (int neighbour : {7, 8, 9, 11, 12, 13}) {
    QVERIFY2(replay.out.contains(QRegularExpression(QString("\n  %1 +\\d\\d:").arg(neighbour))),
             qPrintable(replay.out));
  }
  QVERIFY(!replay.out.contains(QRegularExpression("\n  6 +\\d\\d:")));
  QVERIFY(replay.out.contains("    run 1:  tampered with\n"));
}

void TestReplay::missing_last_event_is_a_difference() {
  QTemporaryDir dir;
  const CliResult run =
      run_msmisim({"run", source("scenarios/kb/Q175965.json"), "--db", "r.db", "-q"}, dir.path());
  QVERIFY2(finished(run), qPrintable(run.out + run.err));
  const std::int64_t count = stored_event_count(dir.filePath("r.db"), 1);
  QVERIFY(raw_exec(dir.filePath("r.db"),
                   "DELETE FROM events WHERE run_id = 1 AND seq = (SELECT max(seq) FROM events)"));
  const CliResult replay = run_msmisim({"replay", "--db", "r.db", "1"}, dir.path());
  QCOMPARE(replay.code, kExitDiffers);
  QVERIFY2(replay.out.contains(QString("differs at event %1: run 1 ends there").arg(count)),
           qPrintable(replay.out));
  QVERIFY(replay.out.contains(
      QString("run 1: %1 events, replay: %2 events").arg(count - 1).arg(count)));
}

void TestReplay::fault_override_is_replayed() {
  QTemporaryDir dir;
  const CliResult run =
      run_msmisim({"run", source("scenarios/examples/steady-traffic.json"), "--db", "r.db", "-q",
                   "--fault", "mta.put=return(0x15)", "--defect", "Q151791=on"},
                  dir.path());
  QVERIFY2(finished(run), qPrintable(run.out + run.err));
  const CliResult replay = run_msmisim({"replay", "--db", "r.db", "1"}, dir.path());
  QVERIFY2(replay.code == 0, qPrintable(replay.out + replay.err));
  QVERIFY(replay.out.contains("--defect Q151791=on, --fault 'mta.put=return(0x15)'"));
  // Without the recorded fault the replay is another run: the options are what made it.
  QVERIFY(raw_exec(dir.filePath("r.db"),
                   R"(UPDATE runs SET options = '{"defect":["Q151791=on"]}' WHERE run_id = 1)"));
  const CliResult without = run_msmisim({"replay", "--db", "r.db", "1"}, dir.path());
  QCOMPARE(without.code, kExitDiffers);
  // Options this msmisim does not know make a run it cannot replay.
  QVERIFY(raw_exec(dir.filePath("r.db"),
                   R"(UPDATE runs SET options = '{"swarm":[]}' WHERE run_id = 1)"));
  const CliResult unknown = run_msmisim({"replay", "--db", "r.db", "1"}, dir.path());
  QCOMPARE(unknown.code, 2);
  QVERIFY2(unknown.err.contains("run 1: options: unknown key 'swarm'"), qPrintable(unknown.err));
}

void TestReplay::replay_bad_input_data() {
  QTest::addColumn<QStringList>("args");
  QTest::addColumn<int>("code");
  QTest::addColumn<QString>("message");
  QTest::newRow("no such run") << QStringList{"replay", "--db", "r.db", "99"} << 2 << "no run 99";
  QTest::newRow("not a run id") << QStringList{"replay", "--db", "r.db", "abc"} << 2
                                << "RUN abc: expected a run ID or 'latest'";
  QTest::newRow("no run given") << QStringList{"replay", "--db", "r.db"} << 2 << "missing RUN";
  QTest::newRow("unknown option") << QStringList{"replay", "--db", "r.db", "--frobnicate", "1"} << 2
                                  << "frobnicate";
  QTest::newRow("no store") << QStringList{"replay", "--db", "missing.db", "1"} << 3
                            << "missing.db";
  QTest::newRow("not a store") << QStringList{"replay", "--db", "garbage.db", "1"} << 3
                               << "garbage.db";
  QTest::newRow("imported log, no scenario")
      << QStringList{"replay", "--db", "r.db", "2"} << 2 << "run 2 has no scenario text";
}

void TestReplay::replay_bad_input() {
  QFETCH(QStringList, args);
  QFETCH(int, code);
  QFETCH(QString, message);
  if (!QFile::exists(dir_.filePath("r.db"))) {
    const CliResult run = run_msmisim(
        {"run", source("scenarios/kb/Q151791.json"), "--db", "r.db", "-q"}, dir_.path());
    QVERIFY2(run.code == 0, qPrintable(run.out + run.err));
    QVERIFY(raw_exec(dir_.filePath("r.db"),
                     "INSERT INTO runs(scenario, seed, profile) VALUES('Application.evt', 0, '')"));
    QFile garbage(dir_.filePath("garbage.db"));
    QVERIFY(garbage.open(QIODevice::WriteOnly));
    garbage.write(QByteArray(8192, 'x'));
  }
  const CliResult r = run_msmisim(args, dir_.path());
  QCOMPARE(r.code, code);
  QVERIFY2(r.err.contains(message), qPrintable(r.err));
}

void TestReplay::replay_record_adds_a_run() {
  QTemporaryDir dir;
  const CliResult run =
      run_msmisim({"run", source("scenarios/kb/Q168857.json"), "--db", "r.db", "-q"}, dir.path());
  QVERIFY2(finished(run), qPrintable(run.out + run.err));
  const CliResult replay = run_msmisim({"replay", "--db", "r.db", "--record", "1"}, dir.path());
  QVERIFY2(replay.code == 0, qPrintable(replay.out + replay.err));
  QVERIFY(replay.out.contains("recorded as run 2 in r.db"));
  QCOMPARE(run_count(dir.filePath("r.db")), std::int64_t{2});
  QCOMPARE(stored_event_count(dir.filePath("r.db"), 2),
           stored_event_count(dir.filePath("r.db"), 1));
  // The recorded replay replays too, identically.
  const CliResult again = run_msmisim({"replay", "--db", "r.db", "2"}, dir.path());
  QCOMPARE(again.code, 0);
}

void TestReplay::interrupted_run_compares_what_it_recorded() {
  QTemporaryDir dir;
  const CliResult run =
      run_msmisim({"run", source("scenarios/kb/Q151791.json"), "--db", "r.db", "-q"}, dir.path());
  QVERIFY2(run.code == 0, qPrintable(run.out + run.err));
  // As if Ctrl-C had stopped it after 100 events.
  QVERIFY(raw_exec(dir.filePath("r.db"),
                   "DELETE FROM events WHERE run_id = 1 AND seq > 100; "
                   "UPDATE runs SET verdict = 'interrupted' WHERE run_id = 1"));
  const CliResult replay = run_msmisim({"replay", "--db", "r.db", "1"}, dir.path());
  QVERIFY2(replay.code == 0, qPrintable(replay.out + replay.err));
  QVERIFY(replay.out.contains(
      "run 1 was interrupted; comparing its 100 events with the replay's first 100\n"
      "identical: 100 events\n"));
}

void TestReplay::check_determinism_passes_on_q151791() {
  QTemporaryDir dir;
  const CliResult r = run_msmisim(
      {"run", source("scenarios/kb/Q151791.json"), "--db", "r.db", "-q", "--check-determinism"},
      dir.path());
  QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
  const std::int64_t count = stored_event_count(dir.filePath("r.db"), 1);
  QVERIFY(count > 100);
  QVERIFY2(r.out.contains(QString("determinism: the run again in this process and in a child "
                                  "process\nidentical: %1 events\n")
                              .arg(count)),
           qPrintable(r.out));
  QCOMPARE(run_count(dir.filePath("r.db")), std::int64_t{1});  // only the first run is recorded
}

void TestReplay::check_determinism_reports_a_planted_difference() {
  QTemporaryDir dir;
  // Test-only: the child process changes its 5th event's description before handing it back.
  const CliResult r = msmisim_with_env(
      {"run", source("scenarios/kb/Q151791.json"), "--no-db", "-q", "--check-determinism"},
      dir.path(), "MSMISIM_TEST_PERTURB_STREAM", "5");
  QCOMPARE(r.code, kExitDiffers);
  QVERIFY2(r.out.contains("child process differs at event 5: description\n"), qPrintable(r.out));
  QVERIFY(r.out.contains(QRegularExpression("\n> 5 .*\\| .*")));
  QVERIFY(r.out.contains("[perturbed for a test]"));
  // Without the variable, the same command passes: the difference was the planted one.
  const CliResult clean = run_msmisim(
      {"run", source("scenarios/kb/Q151791.json"), "--no-db", "-q", "--check-determinism"},
      dir.path());
  QCOMPARE(clean.code, 0);
}

QTEST_APPLESS_MAIN(TestReplay)
#include "tst_replay.moc"
