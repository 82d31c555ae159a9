// msmisim sweep and merge end to end: a swarm sweep of a hardened scenario holds its invariants,
// a planted bug is found and each failing seed replays the same failure, shards merged equal one
// sweep, -j does not change the output, and bad arguments are refused with the option named.
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <csignal>
#include <set>
#include <tuple>

#include <sqlite3.h>
#include "cli_process.h"

#include "msmilog/event_filter.h"
#include "msmilog/event_store.h"
#include "msmireport/sweep_summary.h"
#include "msmisim/seed_list.h"
#include "msmisim/swarm.h"

namespace {

const QString kSwarmScenario = "scenarios/regression/swarm-hardened.json";

CliResult cli(const QStringList& args) {
  return run_msmisim(args, MSMISIM_SOURCE_DIR);
}

std::vector<msmilog::RunSummary> runs_of(const QString& db) {
  std::unique_ptr<msmilog::EventStore> store;
  std::vector<msmilog::RunSummary> runs;
  if (!msmilog::EventStore::open_read_only(db.toStdString(), &store).ok()) return runs;
  if (!store->list_runs(&runs).ok()) runs.clear();
  return runs;
}

// Every event row of run `run_id` in `db`, in store order.
std::vector<msmilog::EventRow> events_of(const QString& db, std::int64_t run_id) {
  std::unique_ptr<msmilog::EventStore> store;
  std::vector<msmilog::EventRow> rows;
  if (!msmilog::EventStore::open_read_only(db.toStdString(), &store).ok()) return rows;
  msmilog::EventFilter filter;
  filter.run_id = run_id;
  const msmi::Status s = store->query_events(filter, [&](const msmilog::EventRow& row) {
    rows.push_back(row);
    return true;
  });
  if (!s.ok()) rows.clear();
  return rows;
}

// What must be the same in two stores of the same sweep: each run by scenario and seed, with its
// verdict, event count and scenario text.
using RunKey = std::tuple<std::string, std::uint64_t, std::string, std::int64_t, std::string>;
std::vector<RunKey> run_keys(const QString& db) {
  std::vector<RunKey> keys;
  for (const msmilog::RunSummary& r : runs_of(db)) {
    keys.emplace_back(r.scenario, r.seed, r.verdict, r.event_count, r.scenario_sha256);
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

// The "  BROKEN …" and "  FAIL …" lines of a failing seed's block in the sweep's table, and its
// replay command.
struct FailureBlock {
  QStringList broken;
  QString replay;
};
QList<FailureBlock> failure_blocks(const QString& out) {
  QList<FailureBlock> blocks;
  for (const QString& line : out.split('\n')) {
    if (line.startsWith("FAILED ")) blocks.append(FailureBlock{});
    if (blocks.isEmpty()) continue;
    if (line.startsWith("  BROKEN ") || line.startsWith("  FAIL ")) blocks.back().broken << line;
    if (line.startsWith("  replay: ")) blocks.back().replay = line.mid(10);
  }
  return blocks;
}

}  // namespace

class TestSweep : public QObject {
  Q_OBJECT

 private slots:
  void seed_lists_and_shards();
  void swarm_variant_is_deterministic();
  void swarm_sweep_of_hardened_holds_invariants();
  void planted_bug_is_found_and_replays_data();
  void planted_bug_is_found_and_replays();
  void shards_merged_equal_one_sweep();
  void sweep_summary_groups_failures_and_rules();
  void sweep_report_is_one_page_data();
  void sweep_report_is_one_page();
  void sweep_report_escapes_the_store();
  void merge_reads_a_store_being_written();
  void ctrl_c_ends_a_wait_for_the_store();
  void merge_refuses_bad_inputs();
  void output_does_not_depend_on_jobs();
  void sweep_records_the_events_run_records();
  void bad_arguments_exit_2_data();
  void bad_arguments_exit_2();
  void sweep_that_tests_nothing_exits_5();
  void shard_without_seeds_warns();
};

void TestSweep::seed_lists_and_shards() {
  std::vector<std::uint64_t> seeds;
  QVERIFY(msmisim::parse_seed_list("7..9,1,8,20", &seeds).ok());
  QCOMPARE(seeds, (std::vector<std::uint64_t>{1, 7, 8, 9, 20}));
  msmisim::Shard shard;
  QVERIFY(msmisim::parse_shard("2/2", &shard).ok());
  QCOMPARE(msmisim::shard_seeds(seeds, shard), (std::vector<std::uint64_t>{7, 9}));
  // Every seed in exactly one of three shards.
  std::multiset<std::uint64_t> all;
  for (int i = 1; i <= 3; ++i) {
    for (std::uint64_t s : msmisim::shard_seeds(seeds, {i, 3})) all.insert(s);
  }
  QCOMPARE(std::vector<std::uint64_t>(all.begin(), all.end()), seeds);
}

void TestSweep::swarm_variant_is_deterministic() {
  QFile file(QString(MSMISIM_SOURCE_DIR) + "/" + kSwarmScenario);
  QVERIFY(file.open(QIODevice::ReadOnly));
  const std::string text = file.readAll().toStdString();
  std::string a, b, c;
  msmisim::SwarmChoices choices;
  QVERIFY(msmisim::swarm_variant(text, 17, &a, &choices).ok());
  QVERIFY(msmisim::swarm_variant(text, 17, &b, nullptr).ok());
  QCOMPARE(a, b);
  QVERIFY(a.find("\"swarm\"") != std::string::npos);
  QVERIFY(a.find("\"expect\"") == std::string::npos);  // judged by the invariants only
  QCOMPARE(choices.rules_on.size() + choices.rules_off.size(), std::size_t{6});
  // Some seed among a few makes another variant.
  bool differs = false;
  for (std::uint64_t seed = 18; seed < 24 && !differs; ++seed) {
    QVERIFY(msmisim::swarm_variant(text, seed, &c, nullptr).ok());
    differs = c != a;
  }
  QVERIFY(differs);
  QVERIFY(!msmisim::swarm_variant("[1, 2]", 1, &c, nullptr).ok());
}

void TestSweep::swarm_sweep_of_hardened_holds_invariants() {
  QTemporaryDir dir;
  const QString db = dir.filePath("swarm.db");
  const CliResult r =
      cli({"sweep", kSwarmScenario, "--seeds", "1..200", "--swarm", "-j", "2", "--db", db});
  QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
  QVERIFY2(r.out.contains("SWEEP PASS: 200 runs, none failed"), qPrintable(r.out));
  const std::vector<msmilog::RunSummary> runs = runs_of(db);
  QCOMPARE(runs.size(), std::size_t{200});
  std::set<std::string> variants;
  for (const msmilog::RunSummary& run : runs) {
    // A broken invariant would make the verdict "fail".
    QCOMPARE(QString::fromStdString(run.verdict), QString("no-expectations"));
    QVERIFY(QString::fromStdString(run.command).contains("--swarm"));
    variants.insert(run.scenario_sha256);
  }
  QVERIFY2(variants.size() > 50, "the swarm hardly varied the scenario");
}

void TestSweep::planted_bug_is_found_and_replays_data() {
  QTest::addColumn<bool>("swarm");
  QTest::newRow("plain") << false;
  QTest::newRow("swarm") << true;
}

void TestSweep::planted_bug_is_found_and_replays() {
  QFETCH(bool, swarm);
  QTemporaryDir dir;
  const QString db = dir.filePath("bug.db");
  QStringList args = {"sweep",    kSwarmScenario,       "--seeds", "1..4", "--db", db,
                      "--defect", "TestDeliverTwice=on"};
  if (swarm) args << "--swarm";
  const CliResult r = cli(args);
  QVERIFY2(r.code == 1, qPrintable(r.out + r.err));
  QVERIFY2(r.out.contains("SWEEP FAIL: 4 of 4 runs failed"), qPrintable(r.out));
  const QList<FailureBlock> blocks = failure_blocks(r.out);
  QCOMPARE(blocks.size(), 4);
  for (const FailureBlock& block : blocks) {
    QVERIFY2(!block.broken.isEmpty(), qPrintable(r.out));
    QVERIFY(block.broken.join('\n').contains("BROKEN invariant no message delivered twice"));
    QVERIFY(block.replay.startsWith(swarm ? "msmisim sweep " : "msmisim run "));
  }
  // The last one's replay command fails the same way.
  QStringList replay = QProcess::splitCommand(blocks.back().replay);
  replay.removeFirst();  // "msmisim"
  const CliResult again = cli(replay);
  QVERIFY2(again.code == 1, qPrintable(again.out + again.err));
  // The run's summary words a broken invariant "BROKEN name: detail", the sweep's table (as
  // run --quiet) "BROKEN invariant name: detail": the name and detail must be the same.
  for (QString line : blocks.back().broken) {
    line.remove(QRegularExpression("^  (BROKEN invariant |BROKEN |FAIL )"));
    QVERIFY2(again.out.contains(line), qPrintable(line + "\n---\n" + again.out));
  }
}

void TestSweep::shards_merged_equal_one_sweep() {
  QTemporaryDir dir;
  const QString whole = dir.filePath("whole.db");
  const QString one = dir.filePath("shard1.db");
  const QString two = dir.filePath("shard2.db");
  const QString merged = dir.filePath("merged.db");
  const QStringList sweep = {"sweep", kSwarmScenario, "--seeds", "1..15,40", "--swarm"};
  QCOMPARE(cli(sweep + QStringList{"--db", whole}).code, 0);
  QCOMPARE(cli(sweep + QStringList{"--db", one, "--shard", "1/2"}).code, 0);
  QCOMPARE(cli(sweep + QStringList{"--db", two, "--shard", "2/2"}).code, 0);
  QCOMPARE(runs_of(one).size(), std::size_t{8});
  const CliResult m = cli({"merge", one, two, "-o", merged});
  QVERIFY2(m.code == 0, qPrintable(m.out + m.err));
  QVERIFY2(m.out.contains("16 runs"), qPrintable(m.out));
  QCOMPARE(run_keys(merged), run_keys(whole));
  // Runs keep their inputs' order under new ids: shard 1's first.
  const std::vector<msmilog::RunSummary> runs = runs_of(merged);
  QCOMPARE(runs.front().run_id, std::int64_t{1});
  QCOMPARE(runs.front().seed, std::uint64_t{1});
  QCOMPARE(runs[8].seed, std::uint64_t{2});
  // The events came along with their run.
  std::unique_ptr<msmilog::EventStore> store;
  QVERIFY(msmilog::EventStore::open_read_only(merged.toStdString(), &store).ok());
  std::int64_t events = 0;
  QVERIFY(store->count_events({}, &events).ok());
  std::int64_t counted = 0;
  for (const msmilog::RunSummary& run : runs) counted += run.event_count;
  QCOMPARE(events, counted);
  QVERIFY(events > 0);
  // Each shard was a sweep of its own; merged, both keep their runs under new sweep ids.
  std::vector<msmilog::SweepRecord> sweeps;
  QVERIFY(store->list_sweeps(&sweeps).ok());
  QCOMPARE(sweeps.size(), std::size_t{2});
  QCOMPARE(QString::fromStdString(sweeps[0].shard), QString("1/2"));
  QCOMPARE(QString::fromStdString(sweeps[1].shard), QString("2/2"));
  QCOMPARE(sweeps[0].runs + sweeps[1].runs, std::int64_t{16});
  // Reported without an ID, the latest sweep comes with its sibling shard.
  const CliResult report =
      cli({"report", "--db", merged, "--sweep", "-o", dir.filePath("shards.html")});
  QVERIFY2(report.code == 0, qPrintable(report.out + report.err));
  QVERIFY2(report.err.contains("sweep 1 2, 16 runs"), qPrintable(report.err));
  QCOMPARE(QString::fromStdString(sweeps[0].verdict), QString("pass"));
  QCOMPARE(sweeps[0].planned, std::int64_t{8});
  QVERIFY(QString::fromStdString(sweeps[0].command).contains("--shard 1/2"));
  std::vector<std::int64_t> ids;
  QVERIFY(store->sweep_run_ids(sweeps[1].sweep_id, &ids).ok());
  QCOMPARE(ids.size(), std::size_t{8});
  QCOMPARE(ids.front(), std::int64_t{9});
  for (const msmilog::RunSummary& run : runs) {
    QCOMPARE(run.sweep_id, run.run_id <= 8 ? sweeps[0].sweep_id : sweeps[1].sweep_id);
  }
  QVERIFY(store->sweep_run_ids(99, &ids).code() == msmi::Status::Code::kNotFound);
}

// A sweep read back as a whole: one finding per broken invariant however many seeds broke it,
// and each optional fault rule with the number of runs that armed it and that it fired in.
void TestSweep::sweep_summary_groups_failures_and_rules() {
  QTemporaryDir dir;
  const QString db = dir.filePath("bug.db");
  const CliResult r = cli({"sweep", kSwarmScenario, "--seeds", "1..12", "--swarm", "--db", db,
                           "--defect", "TestDeliverTwice=on"});
  QVERIFY2(r.code == 1, qPrintable(r.out + r.err));
  std::unique_ptr<msmilog::EventStore> store;
  QVERIFY(msmilog::EventStore::open_read_only(db.toStdString(), &store).ok());
  msmireport::SweepSummary summary;
  QVERIFY(msmireport::load_sweep_summary(*store, {1}, &summary).ok());
  QCOMPARE(summary.sweeps.size(), std::size_t{1});
  QCOMPARE(QString::fromStdString(summary.sweeps[0].verdict), QString("fail"));
  QCOMPARE(summary.runs.size(), std::size_t{12});
  QCOMPARE(summary.planned, std::int64_t{12});
  QCOMPARE(summary.failed, std::int64_t{12});
  QCOMPARE(summary.runs[3].seed, std::uint64_t{4});
  QVERIFY(QString::fromStdString(summary.runs[3].command).contains("--seeds 4 --swarm"));
  // Every seed broke the same invariant: one finding naming all twelve runs, first.
  QVERIFY(!summary.failures.empty());
  const msmireport::SweepFailureGroup& first = summary.failures.front();
  QCOMPARE(QString::fromStdString(first.kind), QString("invariant"));
  QCOMPARE(QString::fromStdString(first.what), QString("no message delivered twice"));
  QCOMPARE(first.run_ids.size(), std::size_t{12});
  QVERIFY(!first.first_detail.empty());
  // The six optional rules, in the scenario's order; the swarm armed each in some runs only.
  QCOMPARE(summary.coverage.size(), std::size_t{6});
  std::int64_t armed = 0;
  for (const msmireport::FaultRuleCoverage& c : summary.coverage) {
    QVERIFY(c.armed_runs > 0 && c.armed_runs <= 12);
    QVERIFY(c.fired_runs <= c.armed_runs);
    QVERIFY(c.fired <= c.matches);
    armed += c.armed_runs;
  }
  QVERIFY2(armed < 6 * 12, "the swarm armed every rule in every run");
  QVERIFY(QString::fromStdString(summary.coverage[0].rule).startsWith("mta.put"));
  QVERIFY(QString::fromStdString(summary.coverage[5].rule).startsWith("disk.write"));
  // A sweep the store does not have is named.
  const msmi::Status missing = msmireport::load_sweep_summary(*store, {1, 7}, &summary);
  QVERIFY(missing.code() == msmi::Status::Code::kNotFound);
  QVERIFY(missing.message().find("no sweep 7") != std::string::npos);
}

void TestSweep::sweep_report_is_one_page_data() {
  QTest::addColumn<QStringList>("args");
  QTest::addColumn<int>("code");
  QTest::addColumn<QString>("says");  // on stderr, or in the page when code is 0
  QTest::newRow("latest") << QStringList{"--sweep"} << 0 << "data-sweep-id=\"2\"";
  QTest::newRow("by id") << QStringList{"--sweep", "1"} << 0 << "data-sweep-id=\"1\"";
  QTest::newRow("two shards") << QStringList{"--sweep", "1,2"} << 0 << "Sweeps 1 2";
  QTest::newRow("no such sweep") << QStringList{"--sweep", "9"} << 2 << "no sweep 9";
  QTest::newRow("not an id") << QStringList{"--sweep", "1,x"} << 2 << "'x' is not a sweep ID";
  QTest::newRow("with --run") << QStringList{"--sweep", "1", "--run", "1"} << 2 << "drop --run";
}

// msmisim report --sweep: the seeds' verdicts, what broke and the rule coverage as charts with
// data, every run listed with its replay command.
void TestSweep::sweep_report_is_one_page() {
  QFETCH(QStringList, args);
  QFETCH(int, code);
  QFETCH(QString, says);
  static QTemporaryDir dir;
  const QString db = dir.filePath("sweeps.db");
  if (!QFile::exists(db)) {
    // Sweep 1 plants a bug in every seed; sweep 2 runs the same seeds clean.
    const QStringList sweep = {"sweep", kSwarmScenario, "--seeds", "1..6", "--swarm", "--db", db};
    QCOMPARE(cli(sweep + QStringList{"--defect", "TestDeliverTwice=on"}).code, 1);
    QCOMPARE(cli(sweep).code, 0);
  }
  const QString html = dir.filePath("sweep.html");
  QFile::remove(html);
  const CliResult r = cli(QStringList{"report", "--db", db, "-o", html} + args);
  QVERIFY2(r.code == code, qPrintable(r.out + r.err));
  if (code != 0) {
    QVERIFY2(r.err.contains(says), qPrintable(r.err));
    QVERIFY(!QFile::exists(html));
    return;
  }
  QFile file(html);
  QVERIFY(file.open(QIODevice::ReadOnly));
  const QString page = QString::fromUtf8(file.readAll());
  QVERIFY2(page.contains(says), qPrintable(says));
  for (const char* chart : {"seed-verdicts", "failures", "rule-coverage"}) {
    const QRegularExpression svg(
        QString("<svg[^>]*id=\"%1\"[^>]*data-points=\"(\\d+)\"").arg(chart));
    const QRegularExpressionMatch m = svg.match(page);
    QVERIFY2(m.hasMatch(), chart);
    // The clean sweep broke nothing: its "failures" chart is empty, the others are not.
    const bool empty = QString(chart) == "failures" && args == QStringList{"--sweep"};
    QCOMPARE(m.captured(1).toInt() == 0, empty);
  }
  const bool planted = args != QStringList{"--sweep"};
  QCOMPARE(page.contains("BROKEN invariant no message delivered twice"), planted);
  QCOMPARE(page.count(QRegularExpression("<rect class=\"run fail\"")), planted ? 6 : 0);
  QVERIFY(page.contains("--seeds 4 --swarm --profile hardened"));
  QCOMPARE(
      page.count("<g class=\"series\" data-name=\"mta.put[from=1m,until=3m]=20%return(0x15)\""), 1);
}

// A store is a file people hand around (CI shards): whatever its rows hold stays text.
void TestSweep::sweep_report_escapes_the_store() {
  QTemporaryDir dir;
  const QString db = dir.filePath("hostile.db");
  QCOMPARE(cli({"sweep", kSwarmScenario, "--seeds", "1..2", "--swarm", "--db", db}).code, 0);
  sqlite3* raw = nullptr;
  QCOMPARE(sqlite3_open(db.toUtf8().constData(), &raw), SQLITE_OK);
  const char* hostile =
      "UPDATE sweeps SET verdict = 'pass\"><script>alert(1)</script>', command = '<b>x</b>';"
      "UPDATE runs SET verdict = 'x\" onmouseover=\"alert(2)', scenario = '<i>s</i>';";
  QCOMPARE(sqlite3_exec(raw, hostile, nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(raw);
  const QString html = dir.filePath("hostile.html");
  const CliResult r = cli({"report", "--db", db, "--sweep", "-o", html});
  QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
  QFile file(html);
  QVERIFY(file.open(QIODevice::ReadOnly));
  const QString page = QString::fromUtf8(file.readAll());
  for (const char* planted : {"<script>alert", "x\" onmouseover", "<b>x", "<i>s"}) {
    QVERIFY2(!page.contains(planted), planted);
  }
  QVERIFY(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
  QCOMPARE(page.count("<script>"), 1);  // the page's own filter script
}

// An input another process is still writing (its write transaction open) is read as it stood
// at its last commit; the merge neither waits for the writer nor fails.
void TestSweep::merge_reads_a_store_being_written() {
  QTemporaryDir dir;
  const QString store = dir.filePath("busy.db");
  QCOMPARE(cli({"sweep", kSwarmScenario, "--seeds", "1", "--db", store}).code, 0);
  sqlite3* writer = nullptr;
  QCOMPARE(sqlite3_open(store.toUtf8().constData(), &writer), SQLITE_OK);
  QCOMPARE(sqlite3_exec(writer, "BEGIN IMMEDIATE; UPDATE runs SET seed = seed", nullptr, nullptr,
                        nullptr),
           SQLITE_OK);
  const CliResult r = cli({"merge", store, "-o", dir.filePath("copy.db")});
  sqlite3_exec(writer, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(writer);
  QVERIFY2(r.code == 0, qPrintable(r.err));
  QCOMPARE(runs_of(dir.filePath("copy.db")).size(), std::size_t{1});
  // An output whose folder is missing is refused before anything is read or written.
  const CliResult nowhere = cli({"merge", store, "-o", dir.filePath("no-folder/out.db")});
  QCOMPARE(nowhere.code, 2);
  QVERIFY2(nowhere.err.contains("no-folder does not exist"), qPrintable(nowhere.err));
}

// A sweep waiting for another process writing its store stops at Ctrl-C, at once, as an
// interrupted sweep: the runs recorded before the wait stay.
void TestSweep::ctrl_c_ends_a_wait_for_the_store() {
  QTemporaryDir dir;
  const QString store = dir.filePath("wait.db");
  QProcess process;
  process.setWorkingDirectory(MSMISIM_SOURCE_DIR);
  QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
  environment.insert("MSMISIM_STORE_WAIT", "600");
  process.setProcessEnvironment(environment);
  process.start(MSMISIM_BINARY,
                {"sweep", "scenarios/kb/Q151791.json", "--seeds", "1..400", "--db", store});
  QVERIFY(process.waitForStarted());
  // Its first progress line (after 5% of the runs) says runs are being recorded.
  QString err;
  const auto read_until = [&](const QString& text) {
    while (!err.contains(text) && process.state() == QProcess::Running) {
      process.waitForReadyRead(1000);
      err += QString::fromUtf8(process.readAllStandardError());
    }
    return err.contains(text);
  };
  QVERIFY2(read_until("sweep: 20/400 runs"), qPrintable(err));
  sqlite3* holder = nullptr;  // another writer takes the store and keeps it
  QCOMPARE(sqlite3_open(store.toUtf8().constData(), &holder), SQLITE_OK);
  sqlite3_busy_timeout(holder, 30'000);
  QCOMPARE(sqlite3_exec(holder, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  QVERIFY2(read_until("is being written by another process; waiting for it (up to 600 s"),
           qPrintable(err));
  ::kill(static_cast<pid_t>(process.processId()), SIGINT);
  QVERIFY(process.waitForFinished(30'000));  // not the 600 s it was allowed
  sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(holder);
  err += QString::fromUtf8(process.readAllStandardError());
  QCOMPARE(process.exitCode(), 130);
  QVERIFY2(err.contains("msmisim sweep: interrupted while waiting for another process writing "),
           qPrintable(err));
  // The next open closes the sweep as interrupted; the runs recorded before the wait are whole.
  const std::vector<msmilog::RunSummary> runs = runs_of(store);
  QVERIFY(runs.size() >= 20);
  for (const msmilog::RunSummary& run : runs) QCOMPARE(run.verdict, std::string("pass"));
  std::unique_ptr<msmilog::EventStore> reader;
  QVERIFY(msmilog::EventStore::open_read_only(store.toStdString(), &reader).ok());
  std::vector<msmilog::SweepRecord> sweeps;
  QVERIFY(reader->list_sweeps(&sweeps).ok());
  QCOMPARE(sweeps.size(), std::size_t{1});
  QCOMPARE(sweeps[0].verdict, std::string("interrupted"));
}

void TestSweep::merge_refuses_bad_inputs() {
  QTemporaryDir dir;
  const QString store = dir.filePath("a.db");
  const QString out = dir.filePath("out.db");
  QCOMPARE(cli({"sweep", kSwarmScenario, "--seeds", "1", "--db", store}).code, 0);
  CliResult r = cli({"merge", store, dir.filePath("missing.db"), "-o", out});
  QCOMPARE(r.code, 2);
  QVERIFY(r.err.contains("missing.db"));
  QVERIFY(!QFile::exists(out));
  QFile garbage(dir.filePath("garbage.db"));
  QVERIFY(garbage.open(QIODevice::WriteOnly));
  garbage.write(QByteArray(8192, 'x'));
  garbage.close();
  r = cli({"merge", store, garbage.fileName(), "-o", out});
  QCOMPARE(r.code, 3);
  QVERIFY(r.err.contains("garbage.db"));
  QVERIFY(!QFile::exists(out));
  QCOMPARE(QDir(dir.path()).entryList({"out.db*"}, QDir::Files), QStringList());
  QCOMPARE(cli({"merge", store, "-o", out}).code, 0);
  r = cli({"merge", store, "-o", out});
  QCOMPARE(r.code, 2);
  QVERIFY(r.err.contains("--force"));
  r = cli({"merge", store, "-o", out, "--force"});
  QCOMPARE(r.code, 0);
  QCOMPARE(runs_of(out).size(), std::size_t{1});
  // The same store twice would copy its runs twice; an input as the output is refused too.
  r = cli({"merge", store, dir.filePath("./a.db"), "-o", dir.filePath("twice.db")});
  QCOMPARE(r.code, 2);
  QVERIFY2(r.err.contains("given more than once"), qPrintable(r.err));
  r = cli({"merge", store, out, "-o", out, "--force"});
  QCOMPARE(r.code, 2);
  QVERIFY2(r.err.contains("is one of the inputs"), qPrintable(r.err));
  QCOMPARE(runs_of(out).size(), std::size_t{1});
}

void TestSweep::output_does_not_depend_on_jobs() {
  QTemporaryDir dir;
  QString outputs[2];
  std::vector<msmilog::RunSummary> runs[2];
  for (int j = 1; j <= 2; ++j) {
    const QString db = dir.filePath(QString("j%1.db").arg(j));
    const CliResult r = cli({"sweep", kSwarmScenario, "scenarios/kb/Q151791.json", "--seeds",
                             "3..8", "-j", QString::number(j), "--profile", "hardened", "--defect",
                             "TestDeliverTwice=on", "--db", db});
    QCOMPARE(r.code, 1);
    outputs[j - 1] = QString(r.out).replace(db, "DB");
    runs[j - 1] = runs_of(db);
  }
  QVERIFY(outputs[0].contains("SWEEP FAIL: 12 of 12 runs failed"));
  QCOMPARE(outputs[1], outputs[0]);
  // Sorted by scenario, then seed.
  const int kb = outputs[0].indexOf("FAILED scenarios/kb/Q151791.json seed 3 ");
  const int regression = outputs[0].indexOf("FAILED " + kSwarmScenario + " seed 3 ");
  QVERIFY(kb >= 0 && regression > kb);
  // Recorded in job order whatever -j: the same run ids for the same (scenario, seed).
  QCOMPARE(runs[1].size(), runs[0].size());
  for (std::size_t i = 0; i < runs[0].size(); ++i) {
    QCOMPARE(runs[1][i].scenario, runs[0][i].scenario);
    QCOMPARE(runs[1][i].seed, runs[0][i].seed);
    QCOMPARE(runs[1][i].event_count, runs[0][i].event_count);
  }
}

// The workers of a sweep make its runs' event rows and one thread stores them; each run's
// events are stored exactly as `msmisim run --db` stores the same seed.
void TestSweep::sweep_records_the_events_run_records() {
  QTemporaryDir dir;
  const QString run_db = dir.filePath("run.db");
  const QString sweep_db = dir.filePath("sweep.db");
  QCOMPARE(cli({"run", "scenarios/kb/Q151791.json", "--seed", "7", "--db", run_db}).code, 0);
  QCOMPARE(
      cli({"sweep", "scenarios/kb/Q151791.json", "--seeds", "6..8", "-j", "2", "--db", sweep_db})
          .code,
      0);
  const std::vector<msmilog::EventRow> alone = events_of(run_db, 1);
  const std::vector<msmilog::EventRow> swept = events_of(sweep_db, 2);  // seed 7: the second
  QVERIFY(alone.size() > 1000);
  QCOMPARE(swept.size(), alone.size());
  for (std::size_t i = 0; i < alone.size(); ++i) {
    msmilog::EventRow a = alone[i];
    msmilog::EventRow b = swept[i];
    a.id = b.id = 0;  // the run ids differ
    a.run_id = b.run_id = 0;
    QVERIFY2(a == b, qPrintable(QString("event %1 differs: %2 / %3")
                                    .arg(i)
                                    .arg(QString::fromStdString(alone[i].description))
                                    .arg(QString::fromStdString(swept[i].description))));
  }
}

// A wrong --profile leaves every run without expectations: like `msmisim run`, exit 5, and the
// last line says so rather than PASS.
void TestSweep::sweep_that_tests_nothing_exits_5() {
  const CliResult r = cli({"sweep", "scenarios/kb/Q151791.json", "--seeds", "1..3", "--profile",
                           "exchange-5.5", "--no-db"});
  QCOMPARE(r.code, 5);
  QVERIFY2(r.out.contains("SWEEP TESTED NOTHING: 3 runs"), qPrintable(r.out));
  QVERIFY(!r.out.contains("SWEEP PASS"));
  // The same scenario under a profile it expects something of passes.
  const CliResult ok = cli({"sweep", "scenarios/kb/Q151791.json", "--seeds", "1..3", "--profile",
                            "exchange-5.0-sp1", "--no-db"});
  QCOMPARE(ok.code, 0);
  QVERIFY2(ok.out.contains("SWEEP PASS: 3 runs"), qPrintable(ok.out));
}

void TestSweep::shard_without_seeds_warns() {
  const CliResult r =
      cli({"sweep", "scenarios/kb/Q151791.json", "--seeds", "1..2", "--shard", "3/4", "--no-db"});
  QVERIFY2(r.err.contains("more shards than seeds"), qPrintable(r.err));
}

void TestSweep::bad_arguments_exit_2_data() {
  QTest::addColumn<QStringList>("args");
  QTest::addColumn<QString>("named");
  QTest::newRow("no seeds") << QStringList{} << "--seeds";
  QTest::newRow("empty seeds") << QStringList{"--seeds", ""} << "--seeds";
  QTest::newRow("reversed range") << QStringList{"--seeds", "9..1"} << "--seeds 9..1";
  QTest::newRow("not a number") << QStringList{"--seeds", "1..x"} << "--seeds 1..x";
  QTest::newRow("empty part") << QStringList{"--seeds", "1,,2"} << "--seeds 1,,2";
  QTest::newRow("negative") << QStringList{"--seeds=-3"} << "--seeds -3";
  QTest::newRow("shard 0") << QStringList{"--seeds", "1..4", "--shard", "0/2"} << "--shard 0/2";
  QTest::newRow("shard beyond") << QStringList{"--seeds", "1..4", "--shard", "3/2"}
                                << "--shard 3/2";
  QTest::newRow("shard text") << QStringList{"--seeds", "1..4", "--shard", "half"}
                              << "--shard half";
  QTest::newRow("jobs 0") << QStringList{"--seeds", "1", "-j", "0"} << "--jobs";
}

void TestSweep::bad_arguments_exit_2() {
  QFETCH(QStringList, args);
  QFETCH(QString, named);
  const CliResult r = cli(QStringList{"sweep", kSwarmScenario, "--no-db"} + args);
  QCOMPARE(r.code, 2);
  QVERIFY2(r.err.contains(named), qPrintable(r.err));
  QVERIFY(r.out.isEmpty());
}

QTEST_APPLESS_MAIN(TestSweep)
#include "tst_sweep.moc"
