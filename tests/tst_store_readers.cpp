// Reading the event store: the schema version 5 tables round-trip, a recorded run holds what its
// summary showed (KB, expectations with verdicts, labels, lifecycle, thread states), read-only
// opening works where nothing may be written, and `msmisim sql` / `msmisim salvage` behave as
// their help says.
#include <sys/stat.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cli_process.h"
#include "msmilog/event_store.h"

namespace {

QString source(const QString& relative) {
  return QString(MSMISIM_SOURCE_DIR) + "/" + relative;
}

QByteArray read_all(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) return {};
  return file.readAll();
}

bool write_all(const QString& path, const QByteArray& bytes) {
  QFile file(path);
  if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) return false;
  return file.write(bytes) == bytes.size();
}

std::unique_ptr<msmilog::EventStore> open_reader(const QString& path) {
  std::unique_ptr<msmilog::EventStore> store;
  const msmi::Status s = msmilog::EventStore::open_read_only(path.toStdString(), &store);
  if (!s.ok()) qWarning("%s", s.to_string().c_str());
  return store;
}

std::int64_t latest_run(const msmilog::EventStore& store) {
  std::int64_t id = 0;
  return store.latest_run_id(&id).ok() ? id : -1;
}

// Each thread's state at `time_us`: its last row at or before then.
std::map<int, std::string> states_at(const std::vector<msmilog::ThreadStateRow>& rows,
                                     std::int64_t time_us) {
  std::map<int, std::string> states;
  for (const auto& row : rows) {
    if (row.time_us <= time_us) states[row.thread] = row.state;
  }
  return states;
}

int page_size_of(const QByteArray& file) {
  const int size =
      (static_cast<unsigned char>(file[16]) << 8) | static_cast<unsigned char>(file[17]);
  return size == 1 ? 65536 : size;
}

// The page number (1-based) of a table's root, read from the store with SQL.
int root_page_of(const QString& db, const QString& table) {
  const CliResult r =
      run_msmisim({"sql", "SELECT rootpage FROM sqlite_master WHERE name = '" + table + "'", "--db",
                   db, "--format", "csv"},
                  QFileInfo(db).absolutePath());
  const QStringList lines = r.out.split('\n', Qt::SkipEmptyParts);
  return lines.size() == 2 ? lines[1].trimmed().toInt() : -1;
}

// The last interior (non-leaf) page of a table's b-tree, from SQLite's dbstat table.
int last_interior_page_of(const QString& db, const QString& table) {
  const CliResult r = run_msmisim(
      {"sql",
       "SELECT max(pageno) FROM dbstat WHERE name = '" + table + "' AND pagetype = 'internal'",
       "--db", db, "--format", "csv"},
      QFileInfo(db).absolutePath());
  const QStringList lines = r.out.split('\n', Qt::SkipEmptyParts);
  return lines.size() == 2 ? lines[1].trimmed().toInt() : -1;
}

constexpr std::int64_t kMinute = 60'000'000;

}  // namespace

class TestStoreReaders : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void v5_tables_round_trip();
  void repeated_keys_are_refused_data();
  void repeated_keys_are_refused();
  void q151791_records_what_the_summary_shows();
  void q151791_thread_states();
  void crashes_are_lifecycle_rows_data();
  void crashes_are_lifecycle_rows();
  void read_only_opening_data();
  void read_only_opening();
  void sql_command_data();
  void sql_command();
  void salvage_damaged_store_data();
  void salvage_damaged_store();
  void salvage_refuses_data();
  void salvage_refuses();
  void salvage_refuses_a_newer_schema();
  void salvage_without_runs_exits_3();

 private:
  QString path(const QString& name) const { return dir_.path() + "/" + name; }
  // A copy of the recorded Q151791 store under `name`, closed and checkpointed.
  QString copy_of_recorded(const QString& name);

  QTemporaryDir dir_;
  QString q151791_db_;
};

void TestStoreReaders::initTestCase() {
  QVERIFY(dir_.isValid());
  q151791_db_ = path("q151791.db");
  // --db relative to the folder: the run's row (its replay command names the store) then fits
  // its page, and salvage_damaged_store can cut the file in half without losing it (with the
  // absolute temporary path it spills onto an overflow page, written last, at the file's end).
  const CliResult r = run_msmisim(
      {"run", source("scenarios/kb/Q151791.json"), "--db", "q151791.db", "--quiet"}, dir_.path());
  QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
  QVERIFY2(!QFile::exists(q151791_db_ + "-wal"), "the writer left its WAL behind");
}

QString TestStoreReaders::copy_of_recorded(const QString& name) {
  const QString copy = path(name);
  QFile::remove(copy);
  QDir(copy + "-shm").removeRecursively();
  QFile::remove(copy + "-shm");
  QFile::remove(copy + "-wal");
  if (!QFile::copy(q151791_db_, copy)) return {};
  QFile::setPermissions(copy, QFile::ReadOwner | QFile::WriteOwner);
  return copy;
}

void TestStoreReaders::v5_tables_round_trip() {
  const std::string db = path("round-trip.db").toStdString();
  std::unique_ptr<msmilog::EventStore> store;
  QVERIFY(msmilog::EventStore::open(db, &store).ok());
  msmilog::RunRecord record;
  record.scenario = "round-trip.json";
  record.scenario_text = "{}";
  record.profile = "exchange-5.0";
  record.kb = "Q151791";
  std::int64_t run_id = 0;
  QVERIFY(store->begin_run(record, &run_id).ok());
  const std::vector<msmilog::ExpectationRow> expectations = {
      {0, "exchange-5.0", "event 2342 count ≥ 100", "pass", "157"},
      {1, "", "invariant-free block for every profile", "fail", ""},
      {2, "hardened", "event 2342 count = 0", "skipped", "not checked"}};
  const std::vector<msmilog::LabelRow> labels = {{"EXCHANGE/MSMCON/00000001", "bad-address"},
                                                 {"EXCHANGE/MSMCON/00000002", "second"}};
  const std::vector<msmilog::LifecycleRow> lifecycle = {
      {0, "service_start", "MSExchangeMSMI", ""},
      {35 * kMinute, "restart", "", "operator: restart all"},
      {35 * kMinute, "service_stop", "MSExchangeMTA", ""},
      {50 * kMinute, "power_loss", "", "operator"}};
  const std::vector<msmilog::ThreadStateRow> states = {{kMinute, 4, "mailer", "idle"},
                                                       {kMinute, 5, "inbound", "idle"},
                                                       {11 * kMinute, 5, "inbound", "busy"},
                                                       {35 * kMinute, 5, "inbound", "stopped"}};
  QVERIFY(store->write_expectations(run_id, expectations).ok());
  QVERIFY(store->write_labels(run_id, labels).ok());
  QVERIFY(store->write_lifecycle(run_id, lifecycle).ok());
  QVERIFY(store->write_thread_states(run_id, states).ok());
  QVERIFY(store->finish_run(run_id, "pass", "2026-01-01T00:00:00Z", 60 * kMinute).ok());
  store.reset();

  store = open_reader(QString::fromStdString(db));
  QVERIFY(store);
  msmilog::RunRecord read_record;
  QVERIFY(store->read_run_record(run_id, &read_record).ok());
  QCOMPARE(read_record.kb, std::string("Q151791"));
  std::vector<msmilog::ExpectationRow> read_expectations;
  std::vector<msmilog::LabelRow> read_labels;
  std::vector<msmilog::LifecycleRow> read_lifecycle;
  std::vector<msmilog::ThreadStateRow> read_states;
  QVERIFY(store->read_expectations(run_id, &read_expectations).ok());
  QVERIFY(store->read_labels(run_id, &read_labels).ok());
  QVERIFY(store->read_lifecycle(run_id, &read_lifecycle).ok());
  QVERIFY(store->read_thread_states(run_id, &read_states).ok());
  QVERIFY(read_expectations == expectations);
  QVERIFY(read_labels == labels);
  QVERIFY(read_lifecycle == lifecycle);  // equal times keep their write order
  QVERIFY(read_states == states);
  // An unknown run reads as nothing, not as an error.
  QVERIFY(store->read_lifecycle(run_id + 1, &read_lifecycle).ok());
  QVERIFY(read_lifecycle.empty());
}

void TestStoreReaders::repeated_keys_are_refused_data() {
  QTest::addColumn<QString>("table");
  QTest::newRow("expectation position") << "expectations";
  QTest::newRow("label message_id") << "labels";
}

void TestStoreReaders::repeated_keys_are_refused() {
  QFETCH(QString, table);
  const std::string db = path("repeat-" + table + ".db").toStdString();
  std::unique_ptr<msmilog::EventStore> store;
  QVERIFY(msmilog::EventStore::open(db, &store).ok());
  std::int64_t run_id = 0;
  QVERIFY(store->begin_run(msmilog::RunRecord{}, &run_id).ok());
  msmi::Status first, second;
  if (table == "expectations") {
    first = store->write_expectations(run_id, {{0, "", "a", "pass", ""}});
    second =
        store->write_expectations(run_id, {{1, "", "b", "pass", ""}, {0, "", "c", "fail", ""}});
  } else {
    first = store->write_labels(run_id, {{"ID1", "a"}});
    second = store->write_labels(run_id, {{"ID2", "b"}, {"ID1", "c"}});
  }
  QVERIFY(first.ok());
  QVERIFY2(second.is_invalid_argument(), second.to_string().c_str());
  // All or nothing: the first row of the refused batch is not there either.
  std::vector<msmilog::ExpectationRow> expectations;
  std::vector<msmilog::LabelRow> labels;
  QVERIFY(store->read_expectations(run_id, &expectations).ok());
  QVERIFY(store->read_labels(run_id, &labels).ok());
  QCOMPARE(static_cast<int>(expectations.size() + labels.size()), 1);
}

void TestStoreReaders::q151791_records_what_the_summary_shows() {
  // What the summary prints, to compare the stored texts against.
  const CliResult shown =
      run_msmisim({"run", source("scenarios/kb/Q151791.json"), "--no-db"}, dir_.path());
  QCOMPARE(shown.code, 0);

  const auto store = open_reader(q151791_db_);
  QVERIFY(store);
  const std::int64_t run_id = latest_run(*store);
  msmilog::RunRecord record;
  QVERIFY(store->read_run_record(run_id, &record).ok());
  QCOMPARE(record.kb, std::string("Q151791"));

  std::vector<msmilog::ExpectationRow> expectations;
  QVERIFY(store->read_expectations(run_id, &expectations).ok());
  int passed = 0, skipped = 0;
  for (const auto& e : expectations) {
    if (e.verdict == "pass") {
      ++passed;
      QCOMPARE(e.profile, std::string("exchange-5.0"));
      QVERIFY2(!e.evidence.empty(), e.text.c_str());
      const QString line =
          "PASS " + QString::fromStdString(e.text) + ": " + QString::fromStdString(e.evidence);
      QVERIFY2(shown.out.contains(line), qPrintable(line));
    } else {
      QCOMPARE(e.verdict, std::string("skipped"));
      QVERIFY(e.profile != "exchange-5.0");
      ++skipped;
    }
  }
  QVERIFY(shown.out.contains(QString("all %1 expectations held").arg(passed)) ||
          shown.out.contains(QString("%1 expectations held").arg(passed)));
  QVERIFY(passed >= 10);
  QVERIFY(skipped > 0);  // the blocks of exchange-4.0, exchange-5.0-sp1 …

  std::vector<msmilog::LabelRow> labels;
  QVERIFY(store->read_labels(run_id, &labels).ok());
  QCOMPARE(labels.size(), std::size_t(1));
  QCOMPARE(labels[0].label, std::string("bad-address"));
  std::vector<msmilog::LedgerRow> ledger;
  QVERIFY(store->read_ledger(run_id, &ledger).ok());
  bool found = false;
  for (const auto& row : ledger) {
    if (row.message_id == labels[0].message_id) {
      found = true;
      QCOMPARE(row.fate, std::string("pending"));
      QVERIFY(row.sender.find("DAVE") != std::string::npos);
    }
  }
  QVERIFY(found);

  // The operator's "restart all" at 35m: the restart, then each service stopped and started.
  std::vector<msmilog::LifecycleRow> lifecycle;
  QVERIFY(store->read_lifecycle(run_id, &lifecycle).ok());
  std::vector<std::string> at_35m;
  for (const auto& row : lifecycle) {
    if (row.time_us == 35 * kMinute) at_35m.push_back(row.what + " " + row.service);
  }
  const std::vector<std::string> expected = {
      "restart ", "service_stop MSExchangeMSMI", "service_stop MSExchangeMTA",
      "service_start MSExchangeMTA", "service_start MSExchangeMSMI"};
  QCOMPARE(at_35m, expected);
  QVERIFY(!lifecycle.empty());
  QCOMPARE(lifecycle.front().time_us, std::int64_t(0));
  QCOMPARE(lifecycle.front().what + " " + lifecycle.front().service,
           std::string("service_start MSExchangeMSMI"));
  for (const auto& row : lifecycle) QVERIFY(row.what != "crash");
}

void TestStoreReaders::q151791_thread_states() {
  const auto store = open_reader(q151791_db_);
  QVERIFY(store);
  std::vector<msmilog::ThreadStateRow> rows;
  QVERIFY(store->read_thread_states(latest_run(*store), &rows).ok());
  QVERIFY(!rows.empty());
  // Only changes are stored: a thread's consecutive rows differ.
  std::map<int, std::string> last;
  for (const auto& row : rows) {
    QVERIFY2(last[row.thread] != row.state, qPrintable(QString("thread %1 repeats %2 at %3")
                                                           .arg(row.thread)
                                                           .arg(row.state.c_str())
                                                           .arg(row.time_us)));
    last[row.thread] = row.state;
  }
  // At 30m the inbound thread 5 spins on the bad message; every other thread is idle.
  const auto at_30m = states_at(rows, 30 * kMinute);
  QVERIFY(at_30m.size() >= 6);
  for (const auto& [thread, state] : at_30m) {
    QCOMPARE(QString::fromStdString(state), thread == 5 ? QString("busy") : QString("idle"));
  }
  // Before the bad message arrives at 10m thread 5 was idle too.
  QCOMPARE(states_at(rows, 5 * kMinute).at(5), std::string("idle"));
}

void TestStoreReaders::crashes_are_lifecycle_rows_data() {
  QTest::addColumn<QString>("profile");
  QTest::addColumn<bool>("crashes");
  QTest::newRow("exchange-4.0 terminates") << "exchange-4.0" << true;
  QTest::newRow("exchange-4.0-sp does not") << "exchange-4.0-sp" << false;
}

void TestStoreReaders::crashes_are_lifecycle_rows() {
  QFETCH(QString, profile);
  QFETCH(bool, crashes);
  const QString db = path("q159305-" + profile + ".db");
  const CliResult r = run_msmisim(
      {"run", source("scenarios/kb/Q159305.json"), "--profile", profile, "--db", db, "--quiet"},
      dir_.path());
  QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
  const auto store = open_reader(db);
  QVERIFY(store);
  std::vector<msmilog::LifecycleRow> rows;
  QVERIFY(store->read_lifecycle(latest_run(*store), &rows).ok());
  int crash_rows = 0;
  for (const auto& row : rows) {
    if (row.what != "crash") continue;
    ++crash_rows;
    QCOMPARE(row.service, std::string("MSExchangeMSMI"));
    QVERIFY(row.time_us > 9 * kMinute);  // the corrupt message is sent at 9m30s
    QVERIFY(!row.detail.empty());
  }
  QCOMPARE(crash_rows > 0, crashes);
  // Its thread states show the service stopped after the first crash.
  if (crashes) {
    std::int64_t first_crash = -1;
    for (const auto& row : rows) {
      if (row.what == "crash" && first_crash < 0) first_crash = row.time_us;
    }
    std::vector<msmilog::ThreadStateRow> states;
    QVERIFY(store->read_thread_states(latest_run(*store), &states).ok());
    bool stopped = false;
    for (const auto& s : states)
      stopped = stopped || (s.state == "stopped" && s.time_us > first_crash);
    QVERIFY(stopped);
  }
}

void TestStoreReaders::read_only_opening_data() {
  QTest::addColumn<QString>("how");
  QTest::addColumn<bool>("immutable");
  // We run as root: file modes do not stop us. SQLite copes with a folder in the -shm's place by
  // itself (it keeps the index in memory); a -shm that can be neither opened nor created (a
  // symbolic link into a folder that does not exist) needs the immutable fallback.
  QTest::newRow("-shm a folder") << "shm-folder" << false;
  QTest::newRow("-shm cannot be created") << "shm-dangling" << true;
  QTest::newRow("file of mode 0444") << "mode-0444" << false;
}

void TestStoreReaders::read_only_opening() {
  QFETCH(QString, how);
  QFETCH(bool, immutable);
  const QString db = copy_of_recorded("read-only-" + how + ".db");
  QVERIFY(!db.isEmpty());
  if (how == "shm-folder") QVERIFY(QDir().mkpath(db + "-shm"));
  if (how == "shm-dangling") QVERIFY(QFile::link(path("no-such-folder/shm"), db + "-shm"));
  if (how == "mode-0444") QCOMPARE(::chmod(QFile::encodeName(db).constData(), 0444), 0);
  const QByteArray before = read_all(db);

  {
    const auto store = open_reader(db);
    QVERIFY(store);
    QVERIFY(store->read_only());
    QCOMPARE(store->opened_immutable(), immutable);
    std::vector<msmilog::RunSummary> runs;
    QVERIFY(store->list_runs(&runs).ok());
    QCOMPARE(runs.size(), std::size_t(1));
    std::vector<msmilog::LifecycleRow> lifecycle;
    QVERIFY(store->read_lifecycle(runs[0].run_id, &lifecycle).ok());
    QVERIFY(!lifecycle.empty());
    std::int64_t count = 0;
    QVERIFY(store->count_events(msmilog::EventFilter{}, &count).ok());
    QCOMPARE(count, runs[0].event_count);
  }
  // The readers of the command line too.
  const CliResult runs = run_msmisim({"runs", "--db", db}, dir_.path());
  QVERIFY2(runs.code == 0, qPrintable(runs.err));
  QVERIFY(runs.out.contains("Q151791"));
  const CliResult sql = run_msmisim({"sql", "SELECT kb FROM runs", "--db", db}, dir_.path());
  QVERIFY2(sql.code == 0, qPrintable(sql.err));
  QVERIFY(sql.out.contains("Q151791"));
  // SQLite may leave an empty -wal beside it (it creates one even for a read-only connection
  // when it can); the store itself is unchanged.
  QCOMPARE(read_all(db), before);
  QCOMPARE(QFileInfo(db + "-wal").size(), 0);
}

void TestStoreReaders::sql_command_data() {
  QTest::addColumn<QStringList>("args");
  QTest::addColumn<int>("code");
  QTest::addColumn<QString>("out");
  QTest::addColumn<QString>("err");
  const QString labels = "SELECT label, count(*) AS n FROM labels GROUP BY label";
  QTest::newRow("table") << QStringList{labels} << 0 << "bad-address"
                         << "";
  QTest::newRow("csv") << QStringList{labels, "--format", "csv"} << 0 << "label,n\nbad-address,1"
                       << "";
  QTest::newRow("json") << QStringList{labels, "--format", "json"} << 0 << "\"bad-address\""
                        << "";
  QTest::newRow("write refused") << QStringList{"DELETE FROM runs"} << 2 << ""
                                 << "refusing a statement that writes";
  QTest::newRow("two statements") << QStringList{"SELECT 1; SELECT 2"} << 2 << ""
                                  << "";
  QTest::newRow("bad SQL names the error") << QStringList{"SELECT x FROM nowhere"} << 2 << ""
                                           << "no such table: nowhere";
  QTest::newRow("syntax error") << QStringList{"SELEC 1"} << 2 << ""
                                << "syntax error";
  QTest::newRow("ATTACH of a missing file")
      << QStringList{"ATTACH 'not-there.db' AS other"} << 2 << ""
      << "unable to open database";
}

void TestStoreReaders::sql_command() {
  QFETCH(QStringList, args);
  QFETCH(int, code);
  QFETCH(QString, out);
  QFETCH(QString, err);
  const QString db = copy_of_recorded("sql.db");
  const QByteArray before = read_all(db);
  const CliResult r = run_msmisim(QStringList{"sql"} + args + QStringList{"--db", db}, dir_.path());
  QVERIFY2(r.code == code, qPrintable(QString::number(r.code) + r.out + r.err));
  QVERIFY2(r.out.contains(out), qPrintable(r.out));
  QVERIFY2(r.err.contains(err), qPrintable(r.err));
  if (code != 0) QVERIFY(!r.err.isEmpty());
  if (args.contains("json")) {
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(r.out.toUtf8(), &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    QCOMPARE(doc.array().size(), 1);
    QCOMPARE(doc.array()[0].toObject()["n"].toInt(), 1);
  }
  QCOMPARE(read_all(db), before);  // not even the write statement changed it
}

void TestStoreReaders::salvage_damaged_store_data() {
  QTest::addColumn<QString>("damage");
  QTest::addColumn<bool>("all_runs_saved");
  QTest::newRow("garbage over middle pages") << "garbage" << true;
  QTest::newRow("truncated to half") << "truncated" << true;
}

void TestStoreReaders::salvage_damaged_store() {
  QFETCH(QString, damage);
  QFETCH(bool, all_runs_saved);
  const QString db = copy_of_recorded("damaged-" + damage + ".db");
  QByteArray bytes = read_all(db);
  const int page = page_size_of(bytes);
  const int pages = static_cast<int>(bytes.size() / page);
  QVERIFY(pages > 20);
  if (damage == "garbage") {
    // Ten pages in the middle: the events' b-tree, far from the schema and the runs table.
    for (int p = pages / 2; p < pages / 2 + 10; ++p) {
      for (int i = 0; i < page; ++i) bytes[p * page + i] = static_cast<char>((i * 37 + p) & 0xff);
    }
  } else {
    // Half the file, but never the events' interior pages: with those gone no row of the
    // table is reachable, and the test is about saving the rows whose pages survive.
    const int interior = last_interior_page_of(db, "events");
    QVERIFY(interior > 0);
    const int kept = std::max(pages / 2, interior);
    QVERIFY2(kept < pages - 2, "the events' interior pages are at the end of the file");
    bytes.truncate(kept * page);
  }
  QVERIFY(write_all(db, bytes));
  const QString saved = path("saved-" + damage + ".db");
  QFile::remove(saved);
  const CliResult r = run_msmisim({"salvage", db, "-o", saved}, dir_.path());
  QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
  QVERIFY(r.out.contains("saved:"));
  QVERIFY(r.out.contains("could not save:"));
  const QRegularExpression events_saved("\\n  events (\\d+)\\n");
  const auto match = events_saved.match(r.out);
  QVERIFY2(match.hasMatch(), qPrintable(r.out));
  QCOMPARE(read_all(db), bytes);  // DB byte for byte as it was

  const auto store = open_reader(saved);
  QVERIFY(store);
  QCOMPARE(store->schema_version(), msmilog::EventStore::kSchemaVersion);
  std::vector<msmilog::RunSummary> runs;
  QVERIFY(store->list_runs(&runs).ok());
  QCOMPARE(!runs.empty(), all_runs_saved);
  std::int64_t count = 0;
  QVERIFY(store->count_events(msmilog::EventFilter{}, &count).ok());
  QCOMPARE(count, match.captured(1).toLongLong());
  const auto original = open_reader(q151791_db_);
  std::vector<msmilog::RunSummary> original_runs;
  QVERIFY(original->list_runs(&original_runs).ok());
  QVERIFY(count > 0);
  QVERIFY2(count < original_runs[0].event_count, "damage that lost nothing proves nothing");
  // Full-text search is rebuilt for what was saved.
  msmilog::EventFilter filter;
  filter.search = "XOM";
  QVERIFY(store->count_events(filter, &count).ok());
  QVERIFY(count > 0);
}

void TestStoreReaders::salvage_refuses_data() {
  QTest::addColumn<QString>("db");
  QTest::addColumn<QString>("output");
  QTest::addColumn<QString>("err");
  QTest::newRow("NEW exists without --force") << "q151791.db"
                                              << "exists.db"
                                              << "--force";
  QTest::newRow("DB missing") << "missing.db"
                              << "new.db"
                              << "missing.db: no such file";
  QTest::newRow("NEW is DB") << "q151791.db"
                             << "q151791.db"
                             << "is DB itself";
  QTest::newRow("DB is a folder") << "a-folder"
                                  << "new.db"
                                  << "a-folder: is a folder, not an event store file";
  QTest::newRow("NEW's folder missing") << "q151791.db"
                                        << "no-folder/new.db"
                                        << "the folder no-folder does not exist";
}

void TestStoreReaders::salvage_refuses() {
  QFETCH(QString, db);
  QFETCH(QString, output);
  QFETCH(QString, err);
  QVERIFY(write_all(path("exists.db"), "mine"));
  QVERIFY(QDir(dir_.path()).mkpath("a-folder"));
  const QByteArray before = read_all(path(output));
  const CliResult r = run_msmisim({"salvage", db, "-o", output}, dir_.path());
  QCOMPARE(r.code, 2);
  QVERIFY2(r.err.contains(err), qPrintable(r.err));
  QCOMPARE(read_all(path(output)), before);  // NEW untouched (or still absent)
}

// A store of a newer schema is left to the msmisim that wrote it: salvaging it here would drop
// what this version does not know and label the rest with this version's schema.
void TestStoreReaders::salvage_refuses_a_newer_schema() {
  const QString db = copy_of_recorded("future.db");
  QByteArray bytes = read_all(db);
  QVERIFY(bytes.size() > 72);
  bytes[60] = 0;
  bytes[61] = 0;
  bytes[62] = 0;
  bytes[63] = 99;  // user_version 99
  QVERIFY(write_all(db, bytes));
  const CliResult r = run_msmisim({"salvage", db, "-o", "future-saved.db"}, dir_.path());
  QCOMPARE(r.code, 3);
  QVERIFY2(r.err.contains("schema version 99, written by a newer msmisim"), qPrintable(r.err));
  QVERIFY(!QFile::exists(path("future-saved.db")));
}

void TestStoreReaders::salvage_without_runs_exits_3() {
  const QString db = copy_of_recorded("no-runs.db");
  const int root = root_page_of(db, "runs");
  QVERIFY(root > 1);
  QByteArray bytes = read_all(db);
  const int page = page_size_of(bytes);
  for (int i = 0; i < page; ++i) bytes[(root - 1) * page + i] = static_cast<char>(0xA5);
  QVERIFY(write_all(db, bytes));
  const QString saved = path("saved-no-runs.db");
  QFile::remove(saved);
  const CliResult r = run_msmisim({"salvage", db, "-o", saved}, dir_.path());
  QVERIFY2(r.code == 3, qPrintable(QString::number(r.code) + r.out + r.err));
  QVERIFY2(r.err.contains("nothing could be saved"), qPrintable(r.err));
  QVERIFY(!QFile::exists(saved));
  QCOMPARE(read_all(db), bytes);
}

QTEST_APPLESS_MAIN(TestStoreReaders)
#include "tst_store_readers.moc"
