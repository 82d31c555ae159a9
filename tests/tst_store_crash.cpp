// The event store under kill -9, a full disk and two writers at once (issue 10): msmisim run,
// sweep and import run as real processes on one store and are killed with SIGKILL at seeded
// moments; after each kill the store opens, passes PRAGMA integrity_check, every run and sweep
// is finished or marked 'interrupted', and every import is whole. A run recorded under a file
// size limit (a full disk) exits 3 with the reason and leaves a valid store with the run marked;
// a sweep and an import writing one store at once both succeed with nothing lost.
//
// The number of kills: MSMISIM_STORE_CRASH_KILLS (default 30, spread over the three commands;
// the long form is 200), the seed of their moments: MSMISIM_STORE_CRASH_SEED (default 10). The
// moment a kill lands is racy by nature (wall clock); every assertion holds wherever it lands.
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <array>
#include <csignal>
#include <map>
#include <random>

#include <sqlite3.h>
#include <sys/resource.h>
#include "cli_process.h"

#include "msmilog/event_store.h"

namespace {

int env_int(const char* name, int fallback) {
  bool ok = false;
  const int value = qEnvironmentVariableIntValue(name, &ok);
  return ok && value > 0 ? value : fallback;
}

// The first column of the first row of `sql` on `path`, read with the plain sqlite3 API as a
// support engineer would; "(error …)" when it cannot be read.
QString raw_text(const QString& path, const char* sql) {
  sqlite3* db = nullptr;
  QString out = "(error)";
  if (sqlite3_open_v2(path.toUtf8().constData(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK) {
      const int rc = sqlite3_step(stmt);
      if (rc == SQLITE_ROW) {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
        out = text == nullptr ? QString("NULL") : QString::fromUtf8(text);
      } else {
        out = QString("(error %1: %2)").arg(rc).arg(sqlite3_errmsg(db));
      }
    } else {
      out = QString("(error: %1)").arg(sqlite3_errmsg(db));
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return out;
}

qint64 raw_int(const QString& path, const char* sql) {
  bool ok = false;
  const qint64 value = raw_text(path, sql).toLongLong(&ok);
  return ok ? value : -1;
}

// Every run's event_count, event_counts and run_spans agree with its events (the writer keeps
// them in one transaction per batch), whatever moment a process died at.
constexpr const char* kRunsAtOddsSql =
    "SELECT count(*) FROM runs r WHERE r.event_count <> (SELECT count(*) FROM events WHERE id "
    "BETWEEN r.run_id << 32 AND (r.run_id << 32) | 4294967295) OR r.event_count <> (SELECT "
    "coalesce(sum(count), 0) FROM event_counts c WHERE c.run_id = r.run_id)";
// An import is whole: its files' rows, its verdict and its events all there, or none of it.
constexpr const char* kImportsNotWholeSql =
    "SELECT count(*) FROM runs r WHERE r.kind = 'import' AND (r.verdict IS NOT 'imported' OR NOT "
    "EXISTS (SELECT 1 FROM imports i WHERE i.run_id = r.run_id) OR r.event_count <> (SELECT "
    "sum(imported) FROM imports i WHERE i.run_id = r.run_id))";
// A sweep's runs are each recorded whole; a sweep that closed normally has all it planned.
constexpr const char* kSweepsNotWholeSql =
    "SELECT (SELECT count(*) FROM runs WHERE sweep_id IS NOT NULL AND (verdict IS NULL OR "
    "verdict = 'interrupted')) + (SELECT count(*) FROM sweeps s WHERE verdict <> 'interrupted' "
    "AND planned <> (SELECT count(*) FROM runs r WHERE r.sweep_id = s.sweep_id))";

bool raw_exec(const QString& path, const char* sql) {
  sqlite3* db = nullptr;
  const bool ok = sqlite3_open(path.toUtf8().constData(), &db) == SQLITE_OK &&
                  sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
  sqlite3_close(db);
  return ok;
}

msmilog::RunRecord a_run() {
  msmilog::RunRecord run;
  run.scenario = "a.json";
  run.scenario_text = "{}";
  run.profile = "hardened";
  run.started_at = "2026-12-02T00:00:00.000Z";
  return run;
}

std::string verdict_of(const msmilog::EventStore& store, std::int64_t run_id) {
  msmilog::RunSummary run;
  if (!store.get_run(run_id, &run).ok()) return "(no run)";
  return run.verdict;
}

enum Command { kRun, kSweep, kImport };
constexpr std::array<const char*, 3> kCommandNames = {"run", "sweep", "import"};

}  // namespace

class TstStoreCrash : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void storeClosedUnfinishedInterruptsItsRows();
  void rolledBackRunLetsGoOfItsLock();
  void version8RunsAreNeverTakenForInterrupted();
  void liveRunIsNotMarkedKilledRunIs();
  void killedCommandsLeaveAValidStore();
  void fullDiskWhileRecording_data();
  void fullDiskWhileRecording();
  void sweepAndImportAtOnce();

 private:
  QString path(const QString& name) const { return dir_.filePath(name); }
  // `msmisim COMMAND …` on `db`; the import gets its own name.
  QStringList arguments(Command command, const QString& db, int serial) const;
  // What must hold of `db` after any kill, once no process writes it; false (with the reason
  // in *why) otherwise.
  bool store_is_sound(const QString& db, QString* why) const;

  QTemporaryDir dir_;
  qint64 log_records_ = 0;  // events in log.evt
};

QStringList TstStoreCrash::arguments(Command command, const QString& db, int serial) const {
  switch (command) {
    case kRun:
      return {"run", path("long.json"), "--db", db, "-q"};
    case kSweep:
      return {"sweep", path("short.json"), "--seeds", "1..6", "--db", db};
    case kImport:
      return {"import", path("log.evt"), "--db", db, "--name", QString("log-%1").arg(serial),
              "--force"};
  }
  return {};
}

bool TstStoreCrash::store_is_sound(const QString& db, QString* why) const {
  // A reader sees a dead run as interrupted before anything marked it.
  {
    std::unique_ptr<msmilog::EventStore> store;
    const msmi::Status s = msmilog::EventStore::open_read_only(db.toStdString(), &store);
    std::vector<msmilog::RunSummary> runs;
    if (s.ok() && store->list_runs(&runs).ok()) {
      for (const msmilog::RunSummary& run : runs) {
        if (run.verdict.empty()) {
          *why = QString("run %1 reads as unfinished though no process records it").arg(run.run_id);
          return false;
        }
      }
    } else if (!s.is_not_found()) {  // killed before the store was made
      *why = "read-only open: " + QString::fromStdString(s.to_string());
      return false;
    }
  }
  std::unique_ptr<msmilog::EventStore> store;
  const msmi::Status s = msmilog::EventStore::open(db.toStdString(), &store);
  if (!s.ok()) {
    *why = "open: " + QString::fromStdString(s.to_string());
    return false;
  }
  store.reset();
  const QString integrity = raw_text(db, "PRAGMA integrity_check");
  const std::map<QString, qint64> counts = {
      {"unfinished runs", raw_int(db, "SELECT count(*) FROM runs WHERE verdict IS NULL")},
      {"unfinished sweeps", raw_int(db, "SELECT count(*) FROM sweeps WHERE verdict IS NULL")},
      {"runs at odds with their events", raw_int(db, kRunsAtOddsSql)},
      {"imports not whole", raw_int(db, kImportsNotWholeSql)},
      {"sweeps not whole", raw_int(db, kSweepsNotWholeSql)},
  };
  QStringList wrong;
  if (integrity != "ok") wrong << "integrity_check: " + integrity;
  for (const auto& [what, count] : counts) {
    if (count != 0) wrong << QString("%1: %2").arg(what).arg(count);
  }
  const qint64 partial_imports =
      raw_int(db, QString("SELECT count(*) FROM runs WHERE kind = 'import' AND event_count <> %1")
                      .arg(log_records_)
                      .toUtf8()
                      .constData());
  if (partial_imports != 0)
    wrong << QString("imports not of every record: %1").arg(partial_imports);
  *why = wrong.join("; ");
  return wrong.isEmpty();
}

void TstStoreCrash::initTestCase() {
  QVERIFY(dir_.isValid());
  // A run long enough to be killed while it records (39,000 events: a batch of 32,768 commits
  // on the way; the ledger 4,096 rows at a time), a short one for sweeps, and an NT event log to
  // import (a day's events: 8,700).
  QFile steady(QString(MSMISIM_SOURCE_DIR) + "/scenarios/examples/steady-traffic.json");
  QVERIFY(steady.open(QIODevice::ReadOnly));
  const QByteArray text = steady.readAll();
  QByteArray long_text = text;
  long_text.replace("\"duration\": \"2h\"", "\"duration\": \"36h\"");
  long_text.replace("\"default\": \"minimum\"", "\"default\": \"maximum\"");
  QVERIFY(long_text != text);
  QByteArray short_text = text;
  short_text.replace("\"duration\": \"2h\"", "\"duration\": \"20m\"");
  QByteArray live_text = long_text;  // 78,000 events: batches commit at 42 % and 84 %
  live_text.replace("\"duration\": \"36h\"", "\"duration\": \"72h\"");
  QByteArray day_text = text;
  day_text.replace("\"duration\": \"2h\"", "\"duration\": \"24h\"");
  for (const auto& [name, content] : {std::pair{"long.json", long_text},
                                      {"short.json", short_text},
                                      {"day.json", day_text},
                                      {"live.json", live_text}}) {
    QFile out(path(name));
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(content);
  }
  const QString seed_db = path("seed.db");
  CliResult r = run_msmisim({"run", path("day.json"), "--db", seed_db, "-q"}, dir_.path());
  QVERIFY2(r.code == 0, qPrintable(r.err));
  r = run_msmisim(
      {"export", "--db", seed_db, "--run", "latest", "--format", "evt", "-o", path("log.evt")},
      dir_.path());
  QVERIFY2(r.code == 0, qPrintable(r.err));
  log_records_ = raw_int(seed_db, "SELECT event_count FROM runs WHERE run_id = 1");
  QVERIFY(log_records_ > 100);
}

// A store closed with a run and a sweep it began and did not finish (as when its write failed)
// closes them as interrupted. Until then another store of the same process, read-write or
// read-only, sees them as being recorded: the locks belong to the open file, not the process.
void TstStoreCrash::storeClosedUnfinishedInterruptsItsRows() {
  const std::string db = path("closed.db").toStdString();
  std::unique_ptr<msmilog::EventStore> recorder;
  QVERIFY(msmilog::EventStore::open(db, &recorder).ok());
  std::int64_t run_id = 0;
  std::int64_t sweep_id = 0;
  QVERIFY(recorder->begin_run(a_run(), &run_id).ok());
  QVERIFY(recorder->begin_sweep(msmilog::SweepRecord(), &sweep_id).ok());
  QCOMPARE(raw_int(path("closed.db"), "SELECT writer_lock FROM runs"), run_id);
  QCOMPARE(raw_int(path("closed.db"), "SELECT writer_lock FROM sweeps"),
           msmilog::EventStore::kSweepLockBase + sweep_id);
  {
    std::unique_ptr<msmilog::EventStore> other;
    std::unique_ptr<msmilog::EventStore> reader;
    QVERIFY(msmilog::EventStore::open(db, &other).ok());
    QVERIFY(msmilog::EventStore::open_read_only(db, &reader).ok());
    QCOMPARE(verdict_of(*other, run_id), std::string());
    QCOMPARE(verdict_of(*reader, run_id), std::string());
    std::vector<msmilog::SweepRecord> sweeps;
    QVERIFY(reader->list_sweeps(&sweeps).ok());
    QCOMPARE(sweeps.at(0).verdict, std::string());
  }
  QCOMPARE(raw_text(path("closed.db"), "SELECT verdict FROM runs"), QString("NULL"));
  recorder.reset();
  QCOMPARE(raw_text(path("closed.db"), "SELECT verdict FROM runs"), QString("interrupted"));
  QCOMPARE(raw_text(path("closed.db"), "SELECT verdict FROM sweeps"), QString("interrupted"));
  // A finished run is left as it ended.
  QVERIFY(msmilog::EventStore::open(db, &recorder).ok());
  QVERIFY(recorder->begin_run(a_run(), &run_id).ok());
  QVERIFY(recorder->finish_run(run_id, "pass", "2026-12-02T00:00:01.000Z", 1).ok());
  recorder.reset();
  QCOMPARE(raw_text(path("closed.db"), "SELECT verdict FROM runs WHERE run_id = 2"),
           QString("pass"));
}

// A run begun in a transaction that rolls back lets go of its lock: the next run takes the same
// id, and its lock, in another store; that run is not taken for interrupted while it records.
void TstStoreCrash::rolledBackRunLetsGoOfItsLock() {
  const std::string db = path("rolled-back.db").toStdString();
  std::unique_ptr<msmilog::EventStore> first;
  std::unique_ptr<msmilog::EventStore> second;
  QVERIFY(msmilog::EventStore::open(db, &first).ok());
  QVERIFY(msmilog::EventStore::open(db, &second).ok());
  std::int64_t undone = 0;
  QVERIFY(first->begin_transaction().ok());
  QVERIFY(first->begin_run(a_run(), &undone).ok());
  first->rollback_transaction();
  std::int64_t run_id = 0;
  QVERIFY(second->begin_run(a_run(), &run_id).ok());
  QCOMPARE(run_id, undone);
  QCOMPARE(raw_int(path("rolled-back.db"), "SELECT writer_lock FROM runs"), run_id);
  std::unique_ptr<msmilog::EventStore> third;
  QVERIFY(msmilog::EventStore::open(db, &third).ok());
  QCOMPARE(verdict_of(*third, run_id), std::string());
  // Committed inside a transaction: held from the commit on, let go when it finishes there.
  std::int64_t in_transaction = 0;
  QVERIFY(first->begin_transaction().ok());
  QVERIFY(first->begin_run(a_run(), &in_transaction).ok());
  QVERIFY(first->commit_transaction().ok());
  third.reset();
  QVERIFY(msmilog::EventStore::open(db, &third).ok());
  QCOMPARE(verdict_of(*third, in_transaction), std::string());
  QVERIFY(first->begin_transaction().ok());
  QVERIFY(first->finish_run(in_transaction, "fail", "2026-12-02T00:00:01.000Z", 1).ok());
  QVERIFY(first->commit_transaction().ok());
  QCOMPARE(verdict_of(*third, in_transaction), std::string("fail"));
  second.reset();  // closed without finishing its run
  QCOMPARE(verdict_of(*third, run_id), std::string("interrupted"));
}

// A store of version 8 is migrated to 9 on its first read-write open; its unfinished runs have no
// writer lock (an older msmisim may still be recording them) and stay unfinished.
void TstStoreCrash::version8RunsAreNeverTakenForInterrupted() {
  const QString file = path("v8.db");
  {
    std::unique_ptr<msmilog::EventStore> store;
    QVERIFY(msmilog::EventStore::open(file.toStdString(), &store).ok());
  }
  QVERIFY(raw_exec(file,
                   "DROP INDEX runs_unfinished; DROP INDEX sweeps_unfinished; "
                   "ALTER TABLE runs DROP COLUMN writer_lock; ALTER TABLE sweeps DROP COLUMN "
                   "writer_lock; INSERT INTO runs(run_id, scenario) VALUES(1, 'old.json'); "
                   "PRAGMA user_version = 8;"));
  std::unique_ptr<msmilog::EventStore> store;
  QVERIFY(msmilog::EventStore::open_read_only(file.toStdString(), &store).ok());
  QCOMPARE(store->schema_version(), 8);
  QCOMPARE(verdict_of(*store, 1), std::string());
  QVERIFY(msmilog::EventStore::open(file.toStdString(), &store).ok());
  QCOMPARE(store->schema_version(), 9);
  QCOMPARE(verdict_of(*store, 1), std::string());
  QCOMPARE(raw_text(file, "SELECT writer_lock FROM runs"), QString("NULL"));
  store.reset();
  QVERIFY(msmilog::EventStore::open_read_only(file.toStdString(), &store).ok());
  QCOMPARE(verdict_of(*store, 1), std::string());
}

// A run another process is still recording is left alone by every open, read-write or not;
// once that process is killed, a reader reads it as interrupted, the next read-write open marks
// it so, and what it recorded is the exact start of the run (replay compares them).
void TstStoreCrash::liveRunIsNotMarkedKilledRunIs() {
  const QString db = path("live.db");
  QProcess run;
  run.start(MSMISIM_BINARY, {"run", path("live.json"), "--db", db, "-q"});
  QVERIFY(run.waitForStarted());
  // Until its first batch of events is in.
  QElapsedTimer waited;
  waited.start();
  while (raw_int(db, "SELECT count(*) FROM events") <= 0 && waited.elapsed() < 60'000) {
    QVERIFY2(run.state() == QProcess::Running, "the run ended before it could be looked at");
    QThread::msleep(20);
  }
  QVERIFY(run.state() == QProcess::Running);
  {
    std::unique_ptr<msmilog::EventStore> writer;
    std::unique_ptr<msmilog::EventStore> reader;
    QVERIFY(msmilog::EventStore::open(db.toStdString(), &writer).ok());
    QVERIFY(msmilog::EventStore::open_read_only(db.toStdString(), &reader).ok());
    msmilog::RunSummary summary;
    QVERIFY(writer->get_run(1, &summary).ok());
    QCOMPARE(summary.verdict, std::string());
    QVERIFY(reader->get_run(1, &summary).ok());
    QCOMPARE(summary.verdict, std::string());
  }
  QCOMPARE(raw_text(db, "SELECT verdict FROM runs WHERE run_id = 1"), QString("NULL"));
  const CliResult listed = run_msmisim({"runs", "--db", db, "--format", "csv"}, dir_.path());
  QVERIFY2(listed.out.contains("\n1,") && !listed.out.contains("interrupted"),
           qPrintable(listed.out));
  QVERIFY(run.state() == QProcess::Running);

  run.kill();  // SIGKILL
  QVERIFY(run.waitForFinished());
  QCOMPARE(run.exitStatus(), QProcess::CrashExit);
  QCOMPARE(raw_text(db, "SELECT verdict FROM runs WHERE run_id = 1"), QString("NULL"));
  // Read-only: shown as interrupted, nothing written.
  const CliResult after = run_msmisim({"runs", "--db", db, "--format", "csv"}, dir_.path());
  QVERIFY2(after.out.contains("interrupted"), qPrintable(after.out));
  QCOMPARE(raw_text(db, "SELECT verdict FROM runs WHERE run_id = 1"), QString("NULL"));
  // Read-write: marked.
  {
    std::unique_ptr<msmilog::EventStore> store;
    QVERIFY(msmilog::EventStore::open(db.toStdString(), &store).ok());
  }
  QCOMPARE(raw_text(db, "SELECT verdict FROM runs WHERE run_id = 1"), QString("interrupted"));
  QCOMPARE(raw_int(db, kRunsAtOddsSql), 0);
  QVERIFY(raw_int(db, "SELECT event_count FROM runs WHERE run_id = 1") > 0);
  const CliResult replay = run_msmisim({"replay", "1", "--db", db}, dir_.path());
  QVERIFY2(replay.code == 0, qPrintable(replay.out + replay.err));
  QVERIFY2(replay.out.contains("run 1 was interrupted"), qPrintable(replay.out));
}

// Rounds of run, sweep and import started together on one store, each killed with SIGKILL at
// its own seeded moment (or left to finish when the moment comes after its end); after each
// round the store is sound (store_is_sound). Every third round starts a new store, so that the
// checks stay quick.
void TstStoreCrash::killedCommandsLeaveAValidStore() {
  const int attempts = env_int("MSMISIM_STORE_CRASH_KILLS", 30);
  const int seed = env_int("MSMISIM_STORE_CRASH_SEED", 10);
  QElapsedTimer wall;
  wall.start();
  // Starts the three commands on `db`; calls on_tick(elapsed ms, processes) until all ended.
  const auto round = [&](const QString& db, int serial, const auto& on_tick) {
    std::array<std::unique_ptr<QProcess>, 3> processes;
    for (const Command command : {kRun, kSweep, kImport}) {
      processes[command] = std::make_unique<QProcess>();
      processes[command]->start(MSMISIM_BINARY, arguments(command, db, serial));
      processes[command]->waitForStarted();
    }
    QElapsedTimer timer;
    timer.start();
    for (;;) {
      bool running = false;
      for (auto& process : processes) {
        if (process->state() != QProcess::NotRunning) {
          running = !process->waitForFinished(2) || running;
        }
      }
      on_tick(timer.elapsed(), processes);
      if (!running) break;
    }
  };
  // How long each command takes beside the others when left alone: the kills fall anywhere in
  // 0 … 110 % of it.
  std::array<qint64, 3> duration_ms{};
  round(path("killed-0.db"), 0, [&](qint64 elapsed, auto& processes) {
    for (const Command command : {kRun, kSweep, kImport}) {
      if (processes[command]->state() != QProcess::NotRunning) duration_ms[command] = elapsed;
    }
  });
  QString why;
  QVERIFY2(store_is_sound(path("killed-0.db"), &why), qPrintable(why));
  qInfo("undisturbed, side by side: run %lld ms, sweep %lld ms, import %lld ms", duration_ms[kRun],
        duration_ms[kSweep], duration_ms[kImport]);

  // What the stores held after their rounds: runs, of which interrupted, sweeps, of which
  // interrupted, imports, events.
  std::array<qint64, 6> held{};
  const auto tally = [&held](const QString& store) {
    const std::array<const char*, 6> sql = {
        "SELECT count(*) FROM runs WHERE kind = 'run'",
        "SELECT count(*) FROM runs WHERE verdict = 'interrupted'",
        "SELECT count(*) FROM sweeps",
        "SELECT count(*) FROM sweeps WHERE verdict = 'interrupted'",
        "SELECT count(*) FROM runs WHERE kind = 'import'",
        "SELECT count(*) FROM events"};
    for (std::size_t i = 0; i < sql.size(); ++i) held[i] += raw_int(store, sql[i]);
  };
  std::mt19937_64 random(static_cast<std::uint64_t>(seed));
  std::array<int, 3> killed{};
  std::array<int, 3> ended_first{};  // finished before their kill came
  int checks = 0;
  QString db;
  for (int serial = 1; serial * 3 <= attempts; ++serial) {
    if (serial % 3 == 1) {
      if (!db.isEmpty()) {
        tally(db);
        for (const char* suffix : {"", "-wal", "-shm", "-writers"}) QFile::remove(db + suffix);
      }
      db = path(QString("killed-%1.db").arg(serial));
    }
    std::array<qint64, 3> moment_ms{};
    for (const Command command : {kRun, kSweep, kImport}) {
      moment_ms[command] = std::uniform_int_distribution<qint64>(
          0, std::max<qint64>(duration_ms[command], 1) * 11 / 10)(random);
    }
    std::array<bool, 3> sent{};
    round(db, serial, [&](qint64 elapsed, auto& processes) {
      for (const Command command : {kRun, kSweep, kImport}) {
        if (sent[command] || elapsed < moment_ms[command]) continue;
        sent[command] = true;
        if (processes[command]->state() == QProcess::NotRunning) {
          ++ended_first[command];
        } else {
          processes[command]->kill();  // SIGKILL
          ++killed[command];
        }
      }
    });
    for (const Command command : {kRun, kSweep, kImport}) {
      if (!sent[command]) ++ended_first[command];
    }
    QVERIFY2(store_is_sound(db, &why),
             qPrintable(QString("round %1 (kills at run %2 ms, sweep %3 ms, import %4 ms): %5")
                            .arg(serial)
                            .arg(moment_ms[kRun])
                            .arg(moment_ms[kSweep])
                            .arg(moment_ms[kImport])
                            .arg(why)));
    ++checks;
  }
  qInfo(
      "kill -9: %d processes killed (run %d, sweep %d, import %d) of %d started, %d ended "
      "before their kill; %d rounds checked sound; seed %d; %lld ms",
      killed[kRun] + killed[kSweep] + killed[kImport], killed[kRun], killed[kSweep],
      killed[kImport], attempts / 3 * 3,
      ended_first[kRun] + ended_first[kSweep] + ended_first[kImport], checks, seed, wall.elapsed());
  if (!db.isEmpty()) tally(db);
  qInfo(
      "the stores held: %lld runs (%lld interrupted), %lld sweeps (%lld interrupted), %lld "
      "whole imports, %lld events",
      held[0], held[1], held[2], held[3], held[4], held[5]);
  // Some kill of each command landed while it worked (the moments are seeded, the timing is
  // not: the bound is loose).
  for (const Command command : {kRun, kSweep, kImport}) {
    QVERIFY2(killed[command] > 0 || attempts < 15, kCommandNames[command]);
  }
}

void TstStoreCrash::fullDiskWhileRecording_data() {
  QTest::addColumn<int>("command");
  QTest::newRow("run") << int{kRun};
  QTest::newRow("sweep") << int{kSweep};
  QTest::newRow("import") << int{kImport};
}

// Under a file size limit of 256 KiB (RLIMIT_FSIZE, SIGXFSZ ignored, so a write past it fails
// as on a full disk): exit 3 naming the failed write, and the store valid,
// with the run or sweep marked interrupted and no import.
void TstStoreCrash::fullDiskWhileRecording() {
  QFETCH(int, command);
  const QString db = path(QString("full-%1.db").arg(kCommandNames[command]));
  const CliResult first = run_msmisim({"run", path("short.json"), "--db", db, "-q"}, dir_.path());
  QVERIFY2(first.code == 0, qPrintable(first.err));
  // Smaller than the store: no file may grow past it (the WAL, the store when checkpointed).
  constexpr qint64 limit = 256 * 1024;
  QProcess process;
  process.setChildProcessModifier([] {
    const struct rlimit size { static_cast<rlim_t>(limit), static_cast<rlim_t>(limit) };
    ::setrlimit(RLIMIT_FSIZE, &size);
    std::signal(SIGXFSZ, SIG_IGN);
  });
  // The sweep's runs are long enough that one of them fills the limit.
  QStringList args = arguments(static_cast<Command>(command), db, 1);
  if (command == kSweep) args[1] = path("long.json");
  process.start(MSMISIM_BINARY, args);
  QVERIFY(process.waitForFinished(120'000));
  const QString err = QString::fromUtf8(process.readAllStandardError());
  QCOMPARE(process.exitStatus(), QProcess::NormalExit);
  QVERIFY2(process.exitCode() == 3,
           qPrintable(QString("exit %1: %2").arg(process.exitCode()).arg(err)));
  QVERIFY2(err.contains("event store") || err.contains(db), qPrintable(err));
  // SQLite's "disk I/O error" comes with the system's reason where SQLite kept it.
  QVERIFY2(err.contains("disk I/O error") || err.contains("disk is full"), qPrintable(err));
  // Marked at once where that could still be written; otherwise by the next open.
  const QString verdict_then =
      command == kSweep ? raw_text(db, "SELECT verdict FROM sweeps ORDER BY sweep_id DESC")
                        : raw_text(db, "SELECT verdict FROM runs ORDER BY run_id DESC");
  QString why;
  QVERIFY2(store_is_sound(db, &why), qPrintable(why));
  if (command == kImport) {
    QCOMPARE(raw_int(db, "SELECT count(*) FROM runs WHERE kind = 'import'"), 0);
  } else {
    QCOMPARE(command == kSweep ? raw_text(db, "SELECT verdict FROM sweeps ORDER BY sweep_id DESC")
                               : raw_text(db, "SELECT verdict FROM runs ORDER BY run_id DESC"),
             QString("interrupted"));
  }
  qInfo("full disk (%s): exit 3%s; %s", kCommandNames[command],
        command == kImport ? "" : qPrintable(", marked " + verdict_then + " by the process itself"),
        qPrintable(err.trimmed().section('\n', -1)));
}

// A sweep and an import writing one store at once (WAL; each waits while the other writes) both
// succeed, and nothing of either is lost.
void TstStoreCrash::sweepAndImportAtOnce() {
  const QString db = path("both.db");
  const CliResult first =
      run_msmisim({"run", path("short.json"), "--db", db, "-q"}, dir_.path());  // the store exists
  QVERIFY2(first.code == 0, qPrintable(first.err));
  QProcess sweep;
  QProcess import;
  QStringList sweep_args = arguments(kSweep, db, 0);
  sweep_args[3] = "1..12";
  sweep.start(MSMISIM_BINARY, sweep_args);
  import.start(MSMISIM_BINARY, arguments(kImport, db, 1));
  QVERIFY(sweep.waitForFinished(120'000));
  QVERIFY(import.waitForFinished(120'000));
  QVERIFY2(sweep.exitStatus() == QProcess::NormalExit && sweep.exitCode() == 0,
           sweep.readAllStandardError().constData());
  QVERIFY2(import.exitStatus() == QProcess::NormalExit && import.exitCode() == 0,
           import.readAllStandardError().constData());
  QCOMPARE(raw_int(db, "SELECT count(*) FROM runs WHERE sweep_id = 1"), 12);
  QCOMPARE(raw_text(db, "SELECT verdict FROM sweeps WHERE sweep_id = 1"), QString("pass"));
  QCOMPARE(raw_int(db, "SELECT count(*) FROM runs WHERE kind = 'import'"), 1);
  QCOMPARE(raw_int(db, "SELECT event_count FROM runs WHERE kind = 'import'"), log_records_);
  QCOMPARE(raw_int(db, "SELECT count(*) FROM runs"), 14);
  QCOMPARE(raw_int(db, "SELECT count(*) FROM events"),
           raw_int(db, "SELECT sum(event_count) FROM runs"));
  QString why;
  QVERIFY2(store_is_sound(db, &why), qPrintable(why));
}

QTEST_APPLESS_MAIN(TstStoreCrash)
#include "tst_store_crash.moc"
