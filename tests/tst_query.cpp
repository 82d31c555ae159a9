// msmisim query as a support engineer uses it: every filter checked against an independent SQL
// statement on the same store, full-text search, counting, the output formats, the terminal
// (width, pager), cursor paging and --follow with a second process writing.

#include <sqlite3.h>

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "cli_process.h"
#include "msmi/event.h"
#include "msmilog/event_filter.h"
#include "msmilog/event_store.h"

namespace {

QString source(const QString& relative) {
  return QString(MSMISIM_SOURCE_DIR) + "/" + relative;
}

// Rows as "run_id/seq" keys, in the order given.
using Keys = QStringList;

// Runs one SQL statement on `db` read-only and returns every row's columns joined by '|'.
QStringList sql_rows(const QString& db, const QString& sql) {
  sqlite3* handle = nullptr;
  QStringList rows;
  if (sqlite3_open_v2(db.toUtf8().constData(), &handle, SQLITE_OPEN_READONLY, nullptr) !=
      SQLITE_OK) {
    sqlite3_close(handle);
    qWarning("cannot open %s", qPrintable(db));
    return {"<cannot open>"};
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(handle, sql.toUtf8().constData(), -1, &stmt, nullptr) != SQLITE_OK) {
    qWarning("bad test SQL %s: %s", qPrintable(sql), sqlite3_errmsg(handle));
    sqlite3_close(handle);
    return {"<bad sql>"};
  }
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    QStringList columns;
    for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
      columns << (text == nullptr ? QString() : QString::fromUtf8(text));
    }
    rows << columns.join('|');
  }
  sqlite3_finalize(stmt);
  sqlite3_close(handle);
  return rows;
}

qint64 sql_count(const QString& db, const QString& where) {
  return sql_rows(db, "SELECT count(*) FROM events WHERE " + where).value(0).toLongLong();
}

Keys sql_keys(const QString& db, const QString& where, const QString& order = "run_id, seq") {
  QStringList keys =
      sql_rows(db, "SELECT run_id || '/' || seq FROM events WHERE " + where + " ORDER BY " + order);
  return keys;
}

// The keys of a jsonl listing (with --fields run_id,seq or the default fields).
Keys jsonl_keys(const QString& out) {
  Keys keys;
  for (const QString& line : out.split('\n', Qt::SkipEmptyParts)) {
    const QJsonObject row = QJsonDocument::fromJson(line.toUtf8()).object();
    keys << QString("%1/%2").arg(row["run_id"].toInteger()).arg(row["seq"].toInteger());
  }
  return keys;
}

// Reads what `process` prints into *out until it holds `lines` lines or `timeout_ms` passed.
bool read_lines(QProcess& process, QByteArray* out, qsizetype lines, int timeout_ms) {
  QElapsedTimer timer;
  timer.start();
  while (out->count('\n') < lines && timer.elapsed() < timeout_ms) {
    process.waitForReadyRead(100);
    *out += process.readAllStandardOutput();
  }
  return out->count('\n') >= lines;
}

}  // namespace

class TstQuery : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void filters_match_sql_data();
  void filters_match_sql();
  void event_id_specs_data();
  void event_id_specs();
  void cursor_and_relative_time_texts_data();
  void cursor_and_relative_time_texts();
  void full_text_search_data();
  void full_text_search();
  void count_follows_reverse_after_cursor();
  void count_by_matches_sql_data();
  void count_by_matches_sql();
  void limit_head_reverse();
  void formats_and_fields();
  void cursor_pages_cover_every_row_once_data();
  void cursor_pages_cover_every_row_once();
  void terminal_width_and_pager();
  void follow_prints_what_another_process_records();
  void bad_options_exit_2_data();
  void bad_options_exit_2();

 private:
  CliResult query(const QStringList& args, const QString& db = "q.db") {
    return run_msmisim(QStringList{"query", "--db", db} + args, dir_.path());
  }

  QTemporaryDir dir_;
  QString db_;        // two simulated runs
  QString text_db_;   // events written through the library with known descriptions
  QString computer_;  // a computer name that occurs in db_
  QString message_;   // a message ID that occurs in db_
};

void TstQuery::initTestCase() {
  QVERIFY(dir_.isValid());
  db_ = dir_.path() + "/q.db";
  for (const char* scenario : {"scenarios/kb/Q151791.json", "scenarios/kb/Q175965.json"}) {
    const CliResult r = run_msmisim({"run", source(scenario), "--db", "q.db", "-q"}, dir_.path());
    QVERIFY2(r.code == 0, qPrintable(r.err));
  }
  computer_ = sql_rows(db_, "SELECT computer FROM events WHERE run_id = 2 LIMIT 1").value(0);
  message_ = sql_rows(db_,
                      "SELECT message_id FROM events WHERE message_id IS NOT NULL "
                      "GROUP BY message_id ORDER BY count(*) DESC LIMIT 1")
                 .value(0);
  QVERIFY(!computer_.isEmpty());
  QVERIFY(!message_.isEmpty());

  // A store whose descriptions and insertion strings the full-text tests know word by word.
  text_db_ = dir_.path() + "/text.db";
  std::unique_ptr<msmilog::EventStore> store;
  QVERIFY(msmilog::EventStore::open(text_db_.toStdString(), &store).ok());
  msmilog::RunRecord run;
  run.scenario = "text.json";
  run.computer = "EXCHSRV9";
  run.epoch_us = 864305753000000;  // 1997-05-22T12:55:53Z
  std::int64_t run_id = 0;
  QVERIFY(store->begin_run(run, &run_id).ok());
  const std::vector<std::pair<std::string, std::vector<std::string>>> texts = {
      {"The mail server connection failed.", {}},                          // 1
      {"Mailbag MAIL0001 is damaged and was moved aside.", {"MAIL0001"}},  // 2
      {"The mailer thread stopped.", {}},                                  // 3
      {"The connection to the MTA failed after 3 tries.", {"3"}},          // 4
      {"failed while the queue was long and the connection slow", {}},     // 5
      {"Failed to put into XOM stream. Return code is 0x15.", {"0x15"}},   // 6
      {"Put into XOM stream succeeded.", {}},                              // 7
      {"Stream XOM reset.", {"0x15"}},                                     // 8
  };
  {
    std::unique_ptr<msmilog::EventWriter> writer =
        store->open_writer(run_id, "EXCHSRV9", run.epoch_us);
    for (std::size_t i = 0; i < texts.size(); ++i) {
      msmi::Event e;
      e.time_us = static_cast<std::int64_t>(i) * 1'000'000;
      e.event_id = 3000 + static_cast<int>(i);
      e.description = texts[i].first;
      e.strings = texts[i].second;
      writer->write(e);
    }
    QVERIFY(writer->flush().ok());
  }
}

// Each row: the query options and the WHERE clause of the same selection, written
// independently in SQL. The count, and the rows in order, must be the same.
void TstQuery::filters_match_sql_data() {
  QTest::addColumn<QStringList>("args");
  QTest::addColumn<QString>("where");
  QTest::addColumn<bool>("may_be_empty");
  const auto row = [](const char* name, QStringList args, QString where, bool empty = false) {
    QTest::newRow(name) << args << where << empty;
  };
  row("everything", {}, "1");
  row("id list", {"--event-id", "2342,2553"}, "event_id IN (2342, 2553)");
  row("id options OR", {"-e", "2342", "-e", "2384"}, "event_id IN (2342, 2384)");
  row("id range", {"-e", "2300-2399"}, "event_id BETWEEN 2300 AND 2399");
  row("id excluded only", {"--event-id", "!2342"}, "event_id <> 2342");
  row("id excluded 10000", {"--event-id", "!10000"}, "event_id <> 10000");
  row("range minus one", {"-e", "2300-2399", "-e", "!2384"},
      "event_id BETWEEN 2300 AND 2399 AND event_id <> 2384");
  row("list with range and exclusion", {"-e", "2342,2380-2389,!2384"},
      "(event_id = 2342 OR event_id BETWEEN 2380 AND 2389) AND event_id <> 2384");
  row("type list", {"--type", "Error,Warning"}, "type IN ('Error', 'Warning')");
  row("type repeated any case", {"--type", "error", "--type", "WARNING"},
      "type IN ('Error', 'Warning')");
  row("source any case", {"--source", "msexchangemsmi"}, "source = 'MSExchangeMSMI'");
  row("source list", {"--source", "MSExchangeMSMI,msmisim"},
      "source IN ('MSExchangeMSMI', 'msmisim')", true);
  row("category", {"--category", "session error"}, "category = 'Session Error'");
  row("level at most", {"--level", "1"}, "level <= 1");
  row("level range", {"--level", "2-5"}, "level BETWEEN 2 AND 5");
  row("computer", {"--computer", computer_.toLower()}, QString("computer = '%1'").arg(computer_));
  row("thread", {"--thread", "5"}, "thread = 5");
  row("no thread", {"--thread", "-1"}, "thread IS NULL");
  row("message", {"--message-id", message_}, QString("message_id = '%1'").arg(message_));
  row("run", {"--run", "1"}, "run_id = 1");
  row("run latest", {"--run", "latest"}, "run_id = 2");
  row("since until absolute", {"--since", "1997-05-22 09:10", "--until", "1997-05-22T09:20:30Z"},
      "time >= '1997-05-22T09:10:00.000Z' AND time <= '1997-05-22T09:20:30.000Z'");
  row("since a date", {"--since", "1997-05-22"}, "time >= '1997-05-22T00:00:00.000Z'");
  row("until a date (midnight)", {"--until", "1997-05-22"}, "time <= '1997-05-22T00:00:00.000Z'",
      true);
  row("since -2m: before the run's last event", {"--run", "1", "--since", "-2m"},
      "run_id = 1 AND time >= strftime('%Y-%m-%dT%H:%M:%fZ', (SELECT max(time) FROM events "
      "WHERE run_id = 1), '-2 minutes')");
  row("until +90s: after the run's first event", {"--run", "1", "--until", "+90s"},
      "run_id = 1 AND time <= strftime('%Y-%m-%dT%H:%M:%fZ', (SELECT min(time) FROM events "
      "WHERE run_id = 1), '+90 seconds')");
  row("relative window over every run", {"--since", "+5m", "--until", "-1m"},
      "time >= strftime('%Y-%m-%dT%H:%M:%fZ', (SELECT min(time) FROM events), '+5 minutes') "
      "AND time <= strftime('%Y-%m-%dT%H:%M:%fZ', (SELECT max(time) FROM events), '-1 minutes')",
      true);
  row("virtual time since the run started", {"--since", "20m", "--until", "21m"},
      "time_us BETWEEN 1200000000 AND 1260000000");
  row("text substring any case", {"--text", "RETURN CODE IS 0x15"},
      "description LIKE '%return code is 0x15%'");
  row("grep", {"--grep", "code is 0x(15|1A)\\."},
      "(description GLOB '*code is 0x15.*' OR description GLOB '*code is 0x1A.*')");
  row("grep ignoring case", {"--grep", "RETURN CODE IS 0x15", "-i"},
      "description LIKE '%return code is 0x15%'");
  row("grep is case-sensitive without -i", {"--grep", "RETURN CODE IS"},
      "description GLOB '*RETURN CODE IS*'", true);
  row("grep anchored", {"-g", "^MS Mail Connector Interchange has"},
      "description GLOB 'MS Mail Connector Interchange has*'");
  row("combined",
      {"--run", "1", "-e", "2342,2553", "--thread", "5", "--since", "20m", "--type", "error"},
      "run_id = 1 AND event_id IN (2342, 2553) AND thread = 5 AND time_us >= 1200000000 AND "
      "type = 'Error'");
}

void TstQuery::filters_match_sql() {
  QFETCH(QStringList, args);
  QFETCH(QString, where);
  QFETCH(bool, may_be_empty);
  const qint64 expected = sql_count(db_, where);
  if (!may_be_empty) QVERIFY2(expected > 0, "the test's selection should not be empty");

  CliResult r = query(args + QStringList{"--count"});
  QVERIFY2(r.code == 0, qPrintable(r.err));
  QCOMPARE(r.out.trimmed().toLongLong(), expected);

  r = query(args + QStringList{"--format", "jsonl", "--fields", "run_id,seq"});
  QVERIFY2(r.code == 0, qPrintable(r.err));
  QCOMPARE(jsonl_keys(r.out), sql_keys(db_, where));
}

void TstQuery::event_id_specs_data() {
  QTest::addColumn<QString>("spec");
  QTest::addColumn<QList<int>>("ids");
  QTest::addColumn<QList<int>>("range_bounds");     // first, last, first, last …
  QTest::addColumn<QList<int>>("excluded_bounds");  // first, last …
  QTest::newRow("one") << "2342" << QList<int>{2342} << QList<int>{} << QList<int>{};
  QTest::newRow("list") << "2342,2553" << QList<int>{2342, 2553} << QList<int>{} << QList<int>{};
  QTest::newRow("range") << "2300-2399" << QList<int>{} << QList<int>{2300, 2399} << QList<int>{};
  QTest::newRow("exclusion") << "!2444" << QList<int>{} << QList<int>{} << QList<int>{2444, 2444};
  QTest::newRow("mixed") << "1,5-9,!7,!20-30" << QList<int>{1} << QList<int>{5, 9}
                         << QList<int>{7, 7, 20, 30};
  QTest::newRow("range of one is an id")
      << "65535-65535" << QList<int>{65535} << QList<int>{} << QList<int>{};
}

void TstQuery::event_id_specs() {
  QFETCH(QString, spec);
  QFETCH(QList<int>, ids);
  QFETCH(QList<int>, range_bounds);
  QFETCH(QList<int>, excluded_bounds);
  msmilog::EventFilter filter;
  QVERIFY(msmilog::add_event_id_spec(spec.toStdString(), &filter).ok());
  QCOMPARE(QList<int>(filter.event_ids.begin(), filter.event_ids.end()), ids);
  QList<int> bounds, excluded;
  for (const auto& r : filter.event_id_ranges) bounds << r.first << r.last;
  for (const auto& r : filter.excluded_event_ids) excluded << r.first << r.last;
  QCOMPARE(bounds, range_bounds);
  QCOMPARE(excluded, excluded_bounds);
  // A bad part leaves the filter as it was.
  QVERIFY(msmilog::add_event_id_spec("2342,23x4", &filter).is_invalid_argument());
  QCOMPARE(QList<int>(filter.event_ids.begin(), filter.event_ids.end()), ids);
}

void TstQuery::cursor_and_relative_time_texts_data() {
  QTest::addColumn<QString>("text");
  QTest::addColumn<bool>("is_cursor");
  QTest::addColumn<bool>("is_relative");
  QTest::addColumn<qint64>("a");  // run_id, or offset_us (negative: before the last event)
  QTest::addColumn<qint64>("b");  // seq
  QTest::newRow("cursor") << "3/1234" << true << false << 3LL << 1234LL;
  QTest::newRow("cursor zero") << "0/0" << true << false << 0LL << 0LL;
  QTest::newRow("cursor without slash") << "31234" << false << false << 0LL << 0LL;
  QTest::newRow("cursor negative") << "-3/4" << false << false << 0LL << 0LL;
  QTest::newRow("cursor trailing junk") << "3/4x" << false << false << 0LL << 0LL;
  QTest::newRow("minus 2h") << "-2h" << false << true << -7'200'000'000LL << 0LL;
  QTest::newRow("plus 30m") << "+30m" << false << true << 1'800'000'000LL << 0LL;
  QTest::newRow("plus 1h30m") << "+1h30m" << false << true << 5'400'000'000LL << 0LL;
  QTest::newRow("no sign is not relative") << "30m" << false << false << 0LL << 0LL;
  QTest::newRow("sign alone") << "-" << false << false << 0LL << 0LL;
  QTest::newRow("double sign") << "--2h" << false << false << 0LL << 0LL;
}

void TstQuery::cursor_and_relative_time_texts() {
  QFETCH(QString, text);
  QFETCH(bool, is_cursor);
  QFETCH(bool, is_relative);
  QFETCH(qint64, a);
  QFETCH(qint64, b);
  msmilog::EventCursor cursor;
  QCOMPARE(msmilog::EventCursor::parse(text.toStdString(), &cursor), is_cursor);
  if (is_cursor) {
    QCOMPARE(cursor.run_id, a);
    QCOMPARE(cursor.seq, b);
    QCOMPARE(QString::fromStdString(cursor.to_string()), text);
  }
  msmilog::RelativeTime relative;
  QCOMPARE(msmilog::parse_relative_time(text.toStdString(), &relative), is_relative);
  if (is_relative) {
    QCOMPARE(relative.anchor, a < 0 ? msmilog::RelativeTime::Anchor::kBeforeLast
                                    : msmilog::RelativeTime::Anchor::kAfterFirst);
    QCOMPARE(relative.offset_us, a < 0 ? -a : a);
  }
}

// Expected rows are seq numbers of the text store's eight events (see initTestCase).
void TstQuery::full_text_search_data() {
  QTest::addColumn<QString>("expression");
  QTest::addColumn<QList<int>>("expected");
  QTest::newRow("word") << "connection" << QList<int>{1, 4, 5};
  QTest::newRow("words are AND") << "connection failed" << QList<int>{1, 4, 5};
  QTest::newRow("case-insensitive") << "XOM" << QList<int>{6, 7, 8};
  QTest::newRow("phrase") << "\"xom stream\"" << QList<int>{6, 7};
  QTest::newRow("phrase order matters") << "\"stream xom\"" << QList<int>{8};
  QTest::newRow("prefix") << "mail*" << QList<int>{1, 2, 3};
  QTest::newRow("prefix of a token only") << "ail*" << QList<int>{};
  // "connection failed": 0 tokens apart; "connection to the MTA failed": 3; event 5: 7.
  QTest::newRow("NEAR within 2") << "NEAR(connection failed, 2)" << QList<int>{1};
  QTest::newRow("NEAR within 3") << "NEAR(connection failed, 3)" << QList<int>{1, 4};
  QTest::newRow("NEAR within 10") << "NEAR(connection failed, 10)" << QList<int>{1, 4, 5};
  QTest::newRow("OR") << "mailer OR damaged" << QList<int>{2, 3};
  QTest::newRow("NOT") << "xom NOT succeeded" << QList<int>{6, 8};
  QTest::newRow("insertion strings are searched") << "\"0x15\"" << QList<int>{6, 8};
  QTest::newRow("strings column only") << "strings: mail0001" << QList<int>{2};
  QTest::newRow("no match") << "exchange" << QList<int>{};
}

void TstQuery::full_text_search() {
  QFETCH(QString, expression);
  QFETCH(QList<int>, expected);
  if (sql_rows(text_db_, "SELECT 1 FROM sqlite_master WHERE name = 'events_fts'").isEmpty()) {
    QSKIP("this build's store has no events_fts index (schema version 5)");
  }
  const CliResult r =
      query({"--search", expression, "--format", "jsonl", "--fields", "run_id,seq"}, "text.db");
  QVERIFY2(r.code == 0, qPrintable(r.err));
  QList<int> got;
  for (const QString& key : jsonl_keys(r.out)) got << key.section('/', 1).toInt();
  QCOMPARE(got, expected);
  const CliResult count = query({"--search", expression, "--count"}, "text.db");
  QCOMPARE(count.out.trimmed().toInt(), expected.size());
}

void TstQuery::count_by_matches_sql_data() {
  QTest::addColumn<QStringList>("args");
  QTest::addColumn<QString>("sql");
  QTest::newRow("event_id") << QStringList{"--count-by", "event_id"}
                            << "SELECT event_id, count(*) c FROM events GROUP BY 1 "
                               "ORDER BY c DESC, event_id";
  QTest::newRow("hour and id, top 5")
      << QStringList{"--count-by", "hour,event_id", "--top", "5"}
      << "SELECT substr(time, 1, 13), event_id, count(*) c FROM events GROUP BY 1, 2 "
         "ORDER BY c DESC, 1, 2 LIMIT 5";
  QTest::newRow("thread of errors in run 1")
      << QStringList{"--count-by", "thread", "--run", "1", "--type", "Error"}
      << "SELECT thread, count(*) c FROM events WHERE run_id = 1 AND type = 'Error' "
         "GROUP BY 1 ORDER BY c DESC, thread";
  QTest::newRow("run, type, day") << QStringList{"--count-by", "run,type,day"}
                                  << "SELECT run_id, type, substr(time, 1, 10), count(*) c "
                                     "FROM events GROUP BY 1, 2, 3 ORDER BY c DESC, 1, 2, 3";
  QTest::newRow("source with grep")
      << QStringList{"--count-by", "source", "--grep", "0x15"}
      << "SELECT source, count(*) c FROM events WHERE description GLOB '*0x15*' "
         "GROUP BY 1 ORDER BY c DESC, 1";
  QTest::newRow("message top 3 (limit ignored)")
      << QStringList{"--count-by", "message", "--top", "3", "-n", "1", "-e", "2342"}
      << "SELECT message_id, count(*) c FROM events WHERE event_id = 2342 GROUP BY 1 "
         "ORDER BY c DESC, 1 LIMIT 3";
}

void TstQuery::count_by_matches_sql() {
  QFETCH(QStringList, args);
  QFETCH(QString, sql);
  const CliResult r = query(args + QStringList{"--format", "csv"});
  QVERIFY2(r.code == 0, qPrintable(r.err));
  QStringList lines = r.out.trimmed().split('\n');
  QVERIFY(lines.size() > 1);
  QVERIFY(lines.takeFirst().endsWith(",count"));
  QStringList expected = sql_rows(db_, sql);
  for (QString& row : expected) row.replace('|', ',');
  QCOMPARE(lines, expected);

  // The table shows the same numbers, aligned, with a header.
  const CliResult table = query(args);
  QCOMPARE(table.code, 0);
  const QStringList table_lines = table.out.trimmed().split('\n');
  QVERIFY(table_lines[0].endsWith("COUNT"));
  QCOMPARE(table_lines.size(), expected.size() + 1);
  for (int i = 0; i < expected.size(); ++i) {
    QVERIFY(table_lines[i + 1].endsWith(" " + expected[i].section(',', -1)));
    QCOMPARE(table_lines[i + 1].size(), table_lines[0].size());
  }
}

void TstQuery::limit_head_reverse() {
  const QString where = "event_id = 2342";
  const Keys all = sql_keys(db_, where);
  QVERIFY(all.size() > 10);
  const QStringList base = {"-e", "2342", "--format", "jsonl", "--fields", "run_id,seq"};
  // -n N: the last N, oldest first (journalctl -n).
  QCOMPARE(jsonl_keys(query(base + QStringList{"-n", "5"}).out), all.mid(all.size() - 5));
  QCOMPARE(jsonl_keys(query(base + QStringList{"--limit", "5"}).out), all.mid(all.size() - 5));
  // --head N: the first N.
  QCOMPARE(jsonl_keys(query(base + QStringList{"--head", "5"}).out), all.mid(0, 5));
  // --reverse: newest first; with -n the newest N.
  Keys reversed = all;
  std::reverse(reversed.begin(), reversed.end());
  QCOMPARE(jsonl_keys(query(base + QStringList{"--reverse"}).out), reversed);
  QCOMPARE(jsonl_keys(query(base + QStringList{"-r", "-n", "3"}).out), reversed.mid(0, 3));
  QCOMPARE(jsonl_keys(query(base + QStringList{"-n", "0"}).out), Keys{});
  // --count ignores the limit.
  QCOMPARE(query({"-e", "2342", "--count", "-n", "5"}).out.trimmed().toInt(), all.size());
}

void TstQuery::formats_and_fields() {
  CliResult r = query({"-e", "2342", "--head", "3", "--format", "jsonl"});
  QCOMPARE(r.code, 0);
  const QStringList lines = r.out.trimmed().split('\n');
  QCOMPARE(lines.size(), 3);
  for (const QString& line : lines) {
    const QJsonObject row = QJsonDocument::fromJson(line.toUtf8()).object();
    QCOMPARE(row["event_id"].toInt(), 2342);
    QCOMPARE(row["strings"].toArray(), QJsonArray{"0x15"});
    QVERIFY(!row.contains("cursor"));
  }
  r = query({"-e", "2342", "--head", "2", "--format", "csv", "--fields", "time,id,description"});
  QCOMPARE(r.code, 0);
  QStringList csv = r.out.trimmed().split('\n');
  QCOMPARE(csv.size(), 3);
  QCOMPARE(csv[0], QString("time,event_id,description"));
  QVERIFY(csv[1].contains(",2342,MS Mail Connector Interchange failed to put into XOM stream"));
  r = query({"-e", "2342", "--head", "2", "--format", "json", "--fields", "seq,thread,cursor"});
  QCOMPARE(r.code, 0);
  const QJsonArray rows = QJsonDocument::fromJson(r.out.toUtf8()).array();
  QCOMPARE(rows.size(), 2);
  QCOMPARE(rows[0].toObject().keys(), (QStringList{"cursor", "seq", "thread"}));
  QCOMPARE(rows[0].toObject()["cursor"].toString(),
           QString("1/%1").arg(rows[0].toObject()["seq"].toInteger()));
  r = query({"-e", "2342", "--head", "2", "--fields", "event_id,thread,message_id"});
  QCOMPARE(r.code, 0);
  QVERIFY2(r.out.startsWith("ID     THR  MESSAGE\n"), qPrintable(r.out));
  // The table's header and a row of the default columns, as the README shows them.
  r = query({"-e", "2342", "--head", "1"});
  QVERIFY(r.out.startsWith("RUN  TIME                     ID     TYPE        THR  MESSAGE  "));
  // Nothing matches: an empty listing on stdout, the note on stderr.
  r = query({"-e", "4242"});
  QCOMPARE(r.code, 0);
  QCOMPARE(r.out, QString());
  QVERIFY(r.err.contains("(no events match)"));
  r = query({"-e", "4242", "--format", "json"});
  QCOMPARE(r.out.trimmed(), QString("[]"));
}

void TstQuery::cursor_pages_cover_every_row_once_data() {
  QTest::addColumn<QStringList>("args");
  QTest::addColumn<QString>("where");
  QTest::addColumn<QString>("order");
  QTest::addColumn<QString>("format");
  QTest::newRow("everything, pages of 997, csv") << QStringList{"--head", "997"} << "1"
                                                 << "run_id, seq"
                                                 << "csv";
  QTest::newRow("errors, pages of 50, -n after the first, jsonl")
      << QStringList{"--head", "50", "--type", "Error"} << "type = 'Error'"
      << "run_id, seq"
      << "jsonl";
  QTest::newRow("newest first, pages of 333, table")
      << QStringList{"--head", "333", "--reverse"} << "1"
      << "run_id DESC, seq DESC"
      << "table";
}

void TstQuery::cursor_pages_cover_every_row_once() {
  QFETCH(QStringList, args);
  QFETCH(QString, where);
  QFETCH(QString, order);
  QFETCH(QString, format);
  const Keys expected = sql_keys(db_, where, order);
  Keys got;
  QString cursor;
  int pages = 0;
  for (;;) {
    QStringList page_args = args + QStringList{"--format", format, "--cursor"};
    if (!cursor.isEmpty()) page_args << "--after-cursor" << cursor;
    if (format == "jsonl" && !cursor.isEmpty()) {
      page_args.removeAt(page_args.indexOf("--head"));  // -n after a cursor: the next N too
      page_args.replace(page_args.indexOf("50"), "-n");
      page_args.insert(page_args.indexOf("-n") + 1, "50");
    }
    const CliResult r = query(page_args);
    QVERIFY2(r.code == 0, qPrintable(r.err));
    Keys page;
    QString next;
    if (format == "jsonl") {
      for (const QString& line : r.out.split('\n', Qt::SkipEmptyParts)) {
        const QJsonObject row = QJsonDocument::fromJson(line.toUtf8()).object();
        page << QString("%1/%2").arg(row["run_id"].toInteger()).arg(row["seq"].toInteger());
        next = row["cursor"].toString();
        QCOMPARE(next, page.last());
      }
    } else {
      QStringList lines = r.out.split('\n', Qt::SkipEmptyParts);
      if (!lines.isEmpty()) lines.removeFirst();  // the header
      for (const QString& line : lines) {
        if (format == "csv") {
          page << line.section(',', 0, 0) + "/" + line.section(',', 1, 1);
        } else {
          page << line.section(' ', 0, 0);  // run only: compared by count below
        }
      }
      const qsizetype at = r.err.indexOf("-- cursor: ");
      if (!page.isEmpty()) {
        QVERIFY2(at >= 0, qPrintable(r.err));
        next = r.err.mid(at + 11).section('\n', 0, 0);
      }
    }
    if (page.isEmpty()) break;
    if (format == "table") {
      for (QString& key : page) key.clear();  // keys come from the cursor only
      page.last() = next;
    }
    got += page;
    cursor = next;
    QVERIFY(++pages < 1000);
  }
  QVERIFY(pages > 1);
  if (format == "table") {
    QCOMPARE(got.size(), expected.size());
    QCOMPARE(got.last(), expected.last());
  } else {
    QCOMPARE(got, expected);
    QCOMPARE(QSet<QString>(got.begin(), got.end()).size(), got.size());
  }
}

// A real terminal comes from script(1): the table is cut to $COLUMNS with "…" and sent through
// the pager; --full and --no-pager turn that off; a pipe gets whole lines and no pager.
void TstQuery::terminal_width_and_pager() {
  if (QStandardPaths::findExecutable("script").isEmpty()) QSKIP("script(1) is not installed");
  const auto on_terminal = [this](const QString& options) {
    QProcess process;
    process.setWorkingDirectory(dir_.path());
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("COLUMNS", "70");
    env.insert("MSMISIM_PAGER", "sed 's/^/PAGED:/'");
    process.setProcessEnvironment(env);
    process.start("script",
                  {"-qec", QString(MSMISIM_BINARY) + " query --db q.db " + options, "/dev/null"});
    process.waitForFinished(60'000);
    return QString::fromUtf8(process.readAllStandardOutput()).remove('\r');
  };
  QString out = on_terminal("-e 2342 --head 3");
  QStringList lines = out.trimmed().split('\n');
  QCOMPARE(lines.size(), 4);
  for (const QString& line : lines) {
    QVERIFY2(line.startsWith("PAGED:"), qPrintable(out));
    QVERIFY2(line.size() <= 6 + 70, qPrintable(line));
  }
  QVERIFY(lines[1].endsWith(QString::fromUtf8("\u2026")));
  out = on_terminal("-e 2342 --head 3 --full --no-pager");
  lines = out.trimmed().split('\n');
  QCOMPARE(lines.size(), 4);
  QVERIFY(!lines[1].startsWith("PAGED:"));
  QVERIFY(lines[1].endsWith("Return code is 0x15."));
  QVERIFY(lines[1].size() > 70);
  // A pipe: whole lines, no pager.
  const CliResult r = query({"-e", "2342", "--head", "3"});
  QVERIFY(!r.out.contains("PAGED:"));
  QVERIFY(r.out.split('\n')[1].endsWith("Return code is 0x15."));
}

// `msmisim query -f` on a store that a second `msmisim run` process is recording into prints
// exactly the new run's events, in order, and exits 0 on Ctrl-C.
void TstQuery::follow_prints_what_another_process_records() {
  const QString db = dir_.path() + "/follow.db";
  QCOMPARE(run_msmisim({"run", source("scenarios/kb/Q175965.json"), "--db", "follow.db", "-q"},
                       dir_.path())
               .code,
           0);
  const qint64 first_run = sql_count(db, "run_id = 1");
  QProcess follower;
  follower.setWorkingDirectory(dir_.path());
  follower.start(MSMISIM_BINARY, {"query", "--db", "follow.db", "-f", "-n", "2", "--format",
                                  "jsonl", "--fields", "run_id,seq"});
  QVERIFY(follower.waitForStarted());
  // The last 2 events of the first run come first.
  QByteArray out;
  QVERIFY2(read_lines(follower, &out, 2, 10'000), follower.readAllStandardError().constData());
  QCOMPARE(jsonl_keys(QString::fromUtf8(out)), sql_keys(db, "run_id = 1").mid(first_run - 2));
  out.clear();
  const CliResult writer = run_msmisim(
      {"run", source("scenarios/kb/Q151791.json"), "--db", "follow.db", "-q"}, dir_.path());
  QCOMPARE(writer.code, 0);
  const Keys second = sql_keys(db, "run_id = 2");
  QVERIFY(second.size() > 4096);  // more than one of the writer's batches
  QVERIFY(read_lines(follower, &out, second.size(), 20'000));
  // Nothing more comes (nothing was written since).
  QVERIFY(!read_lines(follower, &out, second.size() + 1, 1'000));
  QCOMPARE(follower.state(), QProcess::Running);
  QCOMPARE(jsonl_keys(QString::fromUtf8(out)), second);
  ::kill(static_cast<pid_t>(follower.processId()), SIGINT);
  QVERIFY(follower.waitForFinished(10'000));
  QCOMPARE(follower.exitStatus(), QProcess::NormalExit);
  QCOMPARE(follower.exitCode(), 0);
  QVERIFY(first_run > 2);
}

void TstQuery::bad_options_exit_2_data() {
  QTest::addColumn<QStringList>("args");
  QTest::addColumn<QString>("mentions");
  QTest::newRow("bad id") << QStringList{"-e", "23x4"} << "23x4";
  QTest::newRow("id out of range") << QStringList{"-e", "70000"} << "70000";
  QTest::newRow("backwards range") << QStringList{"-e", "2399-2300"} << "ends before it starts";
  QTest::newRow("bad type") << QStringList{"--type", "Error,Critical"} << "Critical";
  QTest::newRow("bad level") << QStringList{"--level", "3-1"} << "--level 3-1";
  QTest::newRow("bad since") << QStringList{"--since", "yesterday"} << "--since yesterday";
  QTest::newRow("relative since after until")
      << QStringList{"--since", "-1m", "--until", "-2h"} << "--since is later than --until";
  QTest::newRow("bad regex") << QStringList{"--grep", "(unclosed"} << "(unclosed";
  QTest::newRow("bad search") << QStringList{"--search", "\"unterminated"} << "unterminated";
  QTest::newRow("bad count-by") << QStringList{"--count-by", "event_id,colour"} << "colour";
  QTest::newRow("top without count-by") << QStringList{"--top", "3"} << "--count-by";
  QTest::newRow("bad field") << QStringList{"--fields", "time,colour"} << "colour";
  QTest::newRow("bad format") << QStringList{"--format", "xml"} << "xml";
  QTest::newRow("bad cursor") << QStringList{"--after-cursor", "abc"} << "abc";
  QTest::newRow("unknown import") << QStringList{"--import", "nothing"} << "nothing";
  QTest::newRow("follow reverse") << QStringList{"-f", "-r"} << "--follow";
  QTest::newRow("head and limit") << QStringList{"--head", "1", "-n", "1"} << "not both";
}

void TstQuery::bad_options_exit_2() {
  QFETCH(QStringList, args);
  QFETCH(QString, mentions);
  if (args.contains("--search") &&
      sql_rows(db_, "SELECT 1 FROM sqlite_master WHERE name = 'events_fts'").isEmpty()) {
    QSKIP("this build's store has no events_fts index (schema version 5)");
  }
  const CliResult r = query(args);
  QCOMPARE(r.code, 2);
  QVERIFY2(r.err.contains(mentions), qPrintable(r.err));
  QCOMPARE(r.out, QString());
}

// --count (and --count-by) count the rows the listing would show: after a cursor going
// backwards, those before it.
void TstQuery::count_follows_reverse_after_cursor() {
  for (const QString& direction : {QString(), QString("--reverse")}) {
    QStringList args = {"--after-cursor", "1/4"};
    if (!direction.isEmpty()) args << direction;
    const CliResult rows = query(args + QStringList{"--format", "jsonl"}, "text.db");
    QVERIFY2(rows.code == 0, qPrintable(rows.err));
    const int listed = static_cast<int>(rows.out.split('\n', Qt::SkipEmptyParts).size());
    QCOMPARE(listed, direction.isEmpty() ? 4 : 3);
    const CliResult count = query(args + QStringList{"--count"}, "text.db");
    QCOMPARE(count.out.trimmed().toInt(), listed);
  }
}

QTEST_APPLESS_MAIN(TstQuery)
#include "tst_query.moc"
