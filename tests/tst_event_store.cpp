// The SQLite event store: round trips (insertion strings and binary data included), filters, the
// batched writer, refusing files that are not ours (without touching them), migrating stores of
// the first schema version, and the time / duration / SHA-256 helpers it relies on.

#include <sqlite3.h>

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "msmi/event.h"
#include "msmi/status.h"
#include "msmilog/event_store.h"
#include "msmilog/sha256.h"
#include "msmilog/time_format.h"

using msmi::Status;
using msmilog::EventFilter;
using msmilog::EventRow;
using msmilog::EventStore;
using msmilog::EventWriter;

Q_DECLARE_METATYPE(msmilog::EventFilter)
Q_DECLARE_METATYPE(msmi::Status::Code)

namespace {

constexpr std::int64_t kEpoch1997 = 864305753000000;  // 1997-05-22T12:55:53Z
constexpr std::int64_t kEpoch2000 = 951782400000000;  // 2000-02-29T00:00:00Z
constexpr int kBigRunEvents = 10000;

// An event as the test wrote it, with where it should end up.
struct Stored {
  std::int64_t run_id;
  std::int64_t seq;
  std::int64_t epoch_us;
  msmi::Event event;
};

qint64 key_of(std::int64_t run_id, std::int64_t seq) {
  return run_id * 1'000'000 + seq;
}

// A deterministic mix: six event IDs, every 5th event without a thread, every 4th without a
// message ID, every 50th from the simulator, and a few descriptions that tell a literal
// '%' / '_' / '\' apart from a LIKE wildcard.
msmi::Event big_run_event(int i) {
  static constexpr int kIds[] = {2384, 2342, 2553, 2444, 10000, 2117};
  msmi::Event e;
  e.event_id = kIds[i % 6];
  switch (e.event_id) {
    case 2342:
    case 2553:
      e.type = msmi::EventType::kError;
      e.category = msmi::Category::kSessionError;
      e.level = 0;
      break;
    case 2117:
      e.type = msmi::EventType::kWarning;
      e.category = msmi::Category::kNdr;
      e.level = 1;
      break;
    case 10000:
      e.category = msmi::Category::kDebugData;
      e.level = 5;
      break;
    case 2444:
      e.category = msmi::Category::kRouting;
      e.level = 3;
      break;
    default:
      e.category = msmi::Category::kSessionData;
      e.level = 1;
  }
  e.time_us = static_cast<std::int64_t>(i) * 1500;
  e.thread = i % 5 == 0 ? -1 : (i % 2 == 0 ? 5 : 6);
  e.message_id = i % 4 == 0 ? std::string() : QString::asprintf("NET/PO/%08X", i / 4).toStdString();
  if (i % 50 == 0) e.source = std::string(msmi::kSourceSimulator);
  if (i % 3 == 0) e.strings = {e.message_id, "0x15", std::to_string(i)};
  if (i % 7 == 0) e.data = std::string("\x00\x15\xff", 3) + std::to_string(i);
  switch (i % 1000) {
    case 10:
      e.description = "queue at 50%_of limit";
      break;
    case 20:
      e.description = "queue at 50%Xof limit";
      break;  // '_' as a wildcard
    case 30:
      e.description = "queue at 50 percent _of limit";
      break;  // '%' as a wildcard
    case 40:
      e.description = "QUEUE AT 50%_OF LIMIT";
      break;  // other case
    case 50:
      e.description = "file C:\\EXCHSRVR\\CONNECT\\MSMCON\\MAILDATA\\P1";
      break;
    case 60:
      e.description = "file C:/EXCHSRVR/CONNECT";
      break;
    default:
      e.description = "event " + std::to_string(e.event_id) + " number " + std::to_string(i);
  }
  return e;
}

std::string read_file_bytes(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) return {};
  const QByteArray bytes = file.readAll();
  return std::string(bytes.constData(), static_cast<std::size_t>(bytes.size()));
}

void write_file_bytes(const QString& path, const std::string& bytes) {
  QFile file(path);
  QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
  QCOMPARE(file.write(bytes.data(), static_cast<qint64>(bytes.size())),
           static_cast<qint64>(bytes.size()));
}

// Runs SQL on a file with the plain sqlite3 API, as a support engineer (or another program) would.
bool raw_exec(const QString& path, const char* sql) {
  sqlite3* db = nullptr;
  bool ok = sqlite3_open(path.toUtf8().constData(), &db) == SQLITE_OK &&
            sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
  sqlite3_close(db);
  return ok;
}

// First column of the first row of `sql` as int64 (-999 on error), through a read-only connection.
std::int64_t raw_int(const QString& path, const char* sql) {
  sqlite3* db = nullptr;
  std::int64_t value = -999;
  if (sqlite3_open_v2(path.toUtf8().constData(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      value = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return value;
}

std::string raw_text(const QString& path, const char* sql) {
  sqlite3* db = nullptr;
  std::string value = "<error>";
  if (sqlite3_open_v2(path.toUtf8().constData(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(stmt, 0);
      value = text == nullptr ? "<null>" : reinterpret_cast<const char*>(text);
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return value;
}

msmilog::RunRecord make_run(const std::string& scenario, std::uint64_t seed, std::int64_t epoch) {
  msmilog::RunRecord run;
  run.scenario = scenario;
  run.scenario_text = "{\"name\": \"" + scenario + "\"}";
  run.seed = seed;
  run.profile = "exchange-5.0";
  run.defects = "Q151791,Q175965";
  run.started_at = "2024-01-02T03:04:05.000Z";
  run.computer = "EXCH01";
  run.epoch_us = epoch;
  run.msmisim_version = "0.1.0";
  run.command = "msmisim run " + scenario + " --seed " + std::to_string(seed);
  return run;
}

// Creates a store with one run of `events` events at `path`, closed again.
void make_real_store(const QString& path, int events) {
  std::unique_ptr<EventStore> store;
  QVERIFY(EventStore::open(path.toStdString(), &store).ok());
  std::int64_t run_id = 0;
  QVERIFY(store->begin_run(make_run("real", 7, kEpoch1997), &run_id).ok());
  auto writer = store->open_writer(run_id, "EXCH01", kEpoch1997);
  for (int i = 0; i < events; ++i) writer->write(big_run_event(i));
  QVERIFY(writer->flush().ok());
}

}  // namespace

class TstEventStore : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();

  // The big store: 10,000 events in run 1, 3 in run 2.
  void roundTripKeepsOrderTimeAndFields();
  void nullsFollowThePublicContract();
  void schemaHasContractColumnsAndIndexes();
  void eventIdCountsMatchWhatWasWritten();
  void filters_data();
  void filters();
  void callbackCanStopEarly();
  void badFiltersAreInvalidArgument_data();
  void badFiltersAreInvalidArgument();

  // Runs, ledger, samples.
  void runsListGetAndFinish();
  void emptyStoreHasNoLatestRun();
  void ledgerAndSamplesRoundTrip();
  void ledgerWriteIsAllOrNothing();
  void readOnlyStoreRefusesWrites();

  // The writer.
  void writerCommitsOnlyWholeBatches();
  void writerInTransactionFailsItWhole();
  void writerToUnknownRunDropsAndCounts();
  void writerDestructorFlushes();
  void secondWriterContinuesSeq();
  void finishRunFlushesLiveWriters();
  void storeClosedBeforeWriterKeepsEventsAndStopsWriter();

  // Opening files.
  void openRefusesWhatIsNotOurs_data();
  void openRefusesWhatIsNotOurs();
  void openReadOnly_data();
  void openReadOnly();
  void version1StoreReadsAsItIsWhenReadOnly();
  void version1StoreIsMigratedWhenOpenedForWriting();
  void version4StoreIsMigratedWithFullTextIndex();
  void version4StoreReadsAsItIsWhenReadOnly();
  void version5StoreIsRekeyed();
  void timeWindowPagesMatchTheWholeAnswer();
  void timeWindowOverManyRunsPagesMatchTheWholeAnswer();
  void version5OddRowsMigrate();
  void version5RunIdsTooLargeStayAtVersion5();
  void version6StoreGainsSweeps();
  void version7StoreIsMigratedWithTheSameAnswers();
  void version7StoreWithOtherTimesStaysAtVersion7();
  void generatedTimeIsTheFormattersText_data();
  void generatedTimeIsTheFormattersText();
  void fullTextIndexMergesSixteenSegmentsAtATime();
  void cursorsBeyondAnyEventKeepRunOrder();
  void stringsAndDataRoundTrip_data();
  void stringsAndDataRoundTrip();
  void stringsColumnIsJsonForSqlite();
  void damagedStringsColumnIsCorruption();

  // Helpers.
  void formatIso8601_data();
  void formatIso8601();
  void formatOutsideYear9999DoesNotBreak();
  void parseIso8601_data();
  void parseIso8601();
  void parseIso8601Rejects_data();
  void parseIso8601Rejects();
  void formatParseRoundTrip();
  void parseDuration_data();
  void parseDuration();
  void sha256Vectors_data();
  void sha256Vectors();

 private:
  QList<qint64> expected_keys(const std::function<bool(const Stored&)>& keep, bool newest_first,
                              qint64 limit) const;
  QString temp_path(const QString& name) const { return dir_.filePath(name); }

  QTemporaryDir dir_;
  QString big_path_;
  std::unique_ptr<EventStore> big_;
  std::int64_t big_run_ = 0;
  std::int64_t small_run_ = 0;
  std::vector<Stored> stored_;
};

void TstEventStore::initTestCase() {
  QVERIFY(dir_.isValid());
  big_path_ = temp_path("big.db");
  const Status status = EventStore::open(big_path_.toStdString(), &big_);
  QVERIFY2(status.ok(), status.to_string().c_str());

  QVERIFY(big_->begin_run(make_run("scenarios/kb/Q151791.json", 42, kEpoch1997), &big_run_).ok());
  {
    auto writer = big_->open_writer(big_run_, "EXCH01", kEpoch1997);
    for (int i = 0; i < kBigRunEvents; ++i) {
      const msmi::Event event = big_run_event(i);
      writer->write(event);
      stored_.push_back({big_run_, i + 1, kEpoch1997, event});
    }
    QVERIFY(writer->flush().ok());
    QCOMPARE(writer->written(), std::int64_t{kBigRunEvents});
  }
  QVERIFY(big_->finish_run(big_run_, "reproduced", "2024-01-02T03:05:00.000Z", 15'000'000).ok());

  QVERIFY(big_->begin_run(make_run("scenarios/examples/restart.json", 1, kEpoch2000), &small_run_)
              .ok());
  auto writer = big_->open_writer(small_run_, "EXCH02", kEpoch2000);
  for (int i = 0; i < 3; ++i) {
    msmi::Event event;
    event.time_us = i * 1'000'000;
    event.source = std::string(msmi::kSourceServiceControl);
    event.event_id = 2302;
    event.type = msmi::EventType::kError;
    event.category = msmi::Category::kServiceControl;
    event.thread = 0;
    event.description = "MS Mail Connector Interchange has failed to start the mailer component.";
    writer->write(event);
    stored_.push_back({small_run_, i + 1, kEpoch2000, event});
  }
  QVERIFY(writer->flush().ok());
}

QList<qint64> TstEventStore::expected_keys(const std::function<bool(const Stored&)>& keep,
                                           bool newest_first, qint64 limit) const {
  QList<qint64> keys;
  for (const Stored& s : stored_) {
    if (keep(s)) keys.push_back(key_of(s.run_id, s.seq));
  }
  if (newest_first) std::reverse(keys.begin(), keys.end());
  if (limit >= 0 && keys.size() > limit) keys.resize(limit);
  return keys;
}

void TstEventStore::roundTripKeepsOrderTimeAndFields() {
  EventFilter filter;
  filter.run_id = big_run_;
  std::vector<EventRow> rows;
  QVERIFY(big_->query_events(filter,
                             [&](const EventRow& row) {
                               rows.push_back(row);
                               return true;
                             })
              .ok());
  QCOMPARE(rows.size(), std::size_t{kBigRunEvents});
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const EventRow& row = rows[i];
    const msmi::Event& event = stored_[i].event;
    QCOMPARE(row.run_id, big_run_);
    QCOMPARE(row.seq, static_cast<std::int64_t>(i + 1));
    QCOMPARE(row.time_us, event.time_us);
    QCOMPARE(row.time, msmilog::format_iso8601_utc(kEpoch1997 + event.time_us));
    QCOMPARE(row.computer, std::string("EXCH01"));
    QCOMPARE(row.source, event.source);
    QCOMPARE(row.event_id, event.event_id);
    QCOMPARE(row.type, std::string(msmi::to_string(event.type)));
    QCOMPARE(row.category, std::string(msmi::to_string(event.category)));
    QCOMPARE(row.level, event.level);
    QCOMPARE(row.thread, event.thread);
    QCOMPARE(row.message_id, event.message_id);
    QCOMPARE(row.description, event.description);
    QCOMPARE(row.strings, event.strings);
    QCOMPARE(row.data, event.data);
  }
  QCOMPARE(rows[3].strings, (std::vector<std::string>{"NET/PO/00000000", "0x15", "3"}));
  QCOMPARE(rows[0].time, std::string("1997-05-22T12:55:53.000Z"));
  QCOMPARE(rows[1].time, std::string("1997-05-22T12:55:53.001Z"));  // 1.5 ms truncates
  QCOMPARE(rows[9999].time, std::string("1997-05-22T12:56:07.998Z"));
  QCOMPARE(rows[0].thread, -1);
  QCOMPARE(rows[0].message_id, std::string());
  QCOMPARE(rows[1].message_id, std::string("NET/PO/00000000"));
}

void TstEventStore::nullsFollowThePublicContract() {
  // thread -1 and an empty message ID are NULL in the file, never -1 or ''.
  std::int64_t no_thread = 0, no_message = 0;
  for (const Stored& s : stored_) {
    no_thread += s.event.thread == -1;
    no_message += s.event.message_id.empty();
  }
  QCOMPARE(raw_int(big_path_, "SELECT count(*) FROM events WHERE thread IS NULL"), no_thread);
  QCOMPARE(raw_int(big_path_, "SELECT count(*) FROM events WHERE thread = -1"), std::int64_t{0});
  QCOMPARE(raw_int(big_path_, "SELECT count(*) FROM events WHERE message_id IS NULL"), no_message);
  QCOMPARE(raw_int(big_path_, "SELECT count(*) FROM events WHERE message_id = ''"),
           std::int64_t{0});
  QCOMPARE(raw_text(big_path_, "SELECT time FROM events WHERE run_id = 2 AND seq = 2"),
           std::string("2000-02-29T00:00:01.000Z"));
}

void TstEventStore::schemaHasContractColumnsAndIndexes() {
  QCOMPARE(raw_int(big_path_, "PRAGMA user_version"), std::int64_t{EventStore::kSchemaVersion});
  QCOMPARE(raw_text(big_path_, "PRAGMA journal_mode"), std::string("wal"));
  QCOMPARE(raw_text(big_path_,
                    "SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_table_xinfo("
                    "'events') ORDER BY cid)"),
           std::string("id,run_id,seq,time_us,time,computer,source,event_id,type,category,level,"
                       "thread,message_id,description,strings,data,record_number,"
                       "event_identifier,category_number,user,written_us,at_us"));
  // Version 8: run_id, seq and time are computed from id and at_us, not stored (hidden 2:
  // a VIRTUAL generated column), yet `SELECT *` shows them in their place.
  QCOMPARE(raw_text(big_path_,
                    "SELECT group_concat(name, ',') FROM pragma_table_xinfo('events') "
                    "WHERE hidden = 2"),
           std::string("run_id,seq,time"));
  QCOMPARE(raw_int(big_path_,
                   "SELECT count(*) FROM (SELECT * FROM events) WHERE seq IS NULL OR time IS NULL"),
           std::int64_t{0});
  QCOMPARE(raw_text(big_path_,
                    "SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_table_info("
                    "'runs') ORDER BY cid)"),
           std::string("run_id,scenario,scenario_sha256,scenario_text,seed,profile,defects,"
                       "started_at,finished_at,verdict,computer,epoch_us,msmisim_version,command,"
                       "event_count,virtual_duration_us,options,file_sha256,kind,kb,import_name,"
                       "sweep_id,writer_lock"));
  QCOMPARE(raw_text(big_path_,
                    "SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_table_info("
                    "'messages') ORDER BY cid)"),
           std::string("run_id,message_id,sender,recipients,fate,attempts,detail,injected_us,"
                       "settled_us"));
  // The four lookups support engineers make on millions of rows each have an index, kept per
  // run (schema version 8); a run in order is a range of the primary key, id = run_id << 32 |
  // seq.
  const std::string indexed =
      raw_text(big_path_,
               "SELECT group_concat(cols, ';') FROM (SELECT (SELECT group_concat(name, ',') FROM "
               "(SELECT name FROM pragma_index_info(il.name) ORDER BY seqno)) AS cols FROM "
               "pragma_index_list('events') AS il ORDER BY cols)");
  for (const char* columns : {"run_id,event_id,at_us", "run_id,at_us", "run_id,message_id"}) {
    QVERIFY2((";" + indexed + ";").find(std::string(";") + columns + ";") != std::string::npos,
             (std::string(columns) + " not indexed: " + indexed).c_str());
  }
  QCOMPARE(raw_int(big_path_, "SELECT count(*) FROM events WHERE id != (run_id << 32 | seq)"),
           std::int64_t{0});
  // event_counts agrees with the rows it counts.
  QCOMPARE(raw_int(big_path_,
                   "SELECT count(*) FROM (SELECT run_id, event_id, count(*) AS n FROM events "
                   "GROUP BY 1, 2) e FULL JOIN event_counts c USING(run_id, event_id) "
                   "WHERE c.count IS NOT e.n"),
           std::int64_t{0});
}

void TstEventStore::eventIdCountsMatchWhatWasWritten() {
  std::map<int, std::int64_t> expected;
  for (int i = 0; i < kBigRunEvents; ++i) ++expected[big_run_event(i).event_id];
  std::vector<std::pair<int, std::int64_t>> counts;
  QVERIFY(big_->event_id_counts(big_run_, &counts).ok());
  QCOMPARE(counts.size(), expected.size());
  auto it = expected.begin();
  for (const auto& [id, count] : counts) {
    QCOMPARE(id, it->first);
    QCOMPARE(count, it->second);
    ++it;
  }
  QVERIFY(big_->event_id_counts(12345, &counts).ok());
  QVERIFY(counts.empty());
}

void TstEventStore::filters_data() {
  QTest::addColumn<EventFilter>("filter");
  QTest::addColumn<QList<qint64>>("expected");

  const auto add = [this](const char* name, EventFilter filter,
                          const std::function<bool(const Stored&)>& keep) {
    QTest::newRow(name) << filter << expected_keys(keep, filter.newest_first, filter.limit);
  };
  const auto ms_floor = [](std::int64_t us) { return us - ((us % 1000) + 1000) % 1000; };

  add("everything", EventFilter{}, [](const Stored&) { return true; });
  {
    EventFilter f;
    f.run_id = small_run_;
    add("run 2", f, [this](const Stored& s) { return s.run_id == small_run_; });
  }
  {
    EventFilter f;
    f.event_ids = {2342, 2553};
    add("ids 2342 2553", f,
        [](const Stored& s) { return s.event.event_id == 2342 || s.event.event_id == 2553; });
  }
  {
    EventFilter f;
    f.event_ids = {2302};
    add("id 2302 only in run 2", f, [](const Stored& s) { return s.event.event_id == 2302; });
  }
  {
    EventFilter f;
    f.event_ids = {4242};
    add("unknown id", f, [](const Stored&) { return false; });
  }
  {
    EventFilter f;
    f.since_us = 3'000'000;
    f.until_us = 6'000'000;
    add("since/until us inclusive", f, [](const Stored& s) {
      return s.event.time_us >= 3'000'000 && s.event.time_us <= 6'000'000;
    });
  }
  {
    EventFilter f;
    f.run_id = big_run_;
    f.since_time = "1997-05-22T12:55:55";
    f.until_time = "1997-05-22 12:55:58.5Z";
    add("since/until time text", f, [&](const Stored& s) {
      const std::int64_t t = ms_floor(s.epoch_us + s.event.time_us);
      return s.run_id == big_run_ && t >= kEpoch1997 + 2'000'000 && t <= kEpoch1997 + 5'500'000;
    });
  }
  {
    EventFilter f;
    f.since_time = "1999-01-01";
    add("since a date reaches run 2 only", f,
        [](const Stored& s) { return s.epoch_us == kEpoch2000; });
  }
  {
    EventFilter f;
    f.until_time = "1997-05-22T12:55:53.004Z";
    // The `time` column has millisecond precision: 4.5 ms is "…53.004Z", still included.
    add("until time exact millisecond", f, [](const Stored& s) {
      return s.epoch_us == kEpoch1997 && s.event.time_us < 5'000;  // 0, 1.5, 3, 4.5 ms
    });
  }
  {
    EventFilter f;
    f.text = "50%_of";
    add("text with % and _ literal", f, [](const Stored& s) {
      return QString::fromStdString(s.event.description).contains("50%_of", Qt::CaseInsensitive);
    });
  }
  {
    EventFilter f;
    f.text = "\\EXCHSRVR\\";
    add("text with backslash literal", f, [](const Stored& s) {
      return s.event.description.find("\\EXCHSRVR\\") != std::string::npos;
    });
  }
  {
    EventFilter f;
    f.text = "MAILER COMPONENT";
    add("text case-insensitive", f, [](const Stored& s) { return s.event.event_id == 2302; });
  }
  {
    EventFilter f;
    f.message_id = "NET/PO/0000002A";
    add("message id", f, [](const Stored& s) { return s.event.message_id == "NET/PO/0000002A"; });
  }
  {
    EventFilter f;
    f.source = "MSMISIM";
    add("source any case", f,
        [](const Stored& s) { return s.event.source == msmi::kSourceSimulator; });
  }
  {
    EventFilter f;
    f.type = "error";
    add("type error", f, [](const Stored& s) { return s.event.type == msmi::EventType::kError; });
  }
  {
    EventFilter f;
    f.thread = -1;
    add("thread -1 is NULL", f, [](const Stored& s) { return s.event.thread == -1; });
  }
  {
    EventFilter f;
    f.thread = 5;
    add("thread 5", f, [](const Stored& s) { return s.event.thread == 5; });
  }
  {
    EventFilter f;
    f.limit = 25;
    add("limit", f, [](const Stored&) { return true; });
  }
  {
    EventFilter f;
    f.limit = 0;
    add("limit 0", f, [](const Stored&) { return true; });
  }
  {
    EventFilter f;
    f.newest_first = true;
    f.limit = 10;
    add("newest first", f, [](const Stored&) { return true; });
  }
  {
    EventFilter f;
    f.run_id = big_run_;
    f.event_ids = {2342, 2117};
    f.thread = 6;
    f.since_us = 1'000'000;
    f.newest_first = true;
    f.limit = 7;
    add("combined", f, [this](const Stored& s) {
      return s.run_id == big_run_ && (s.event.event_id == 2342 || s.event.event_id == 2117) &&
             s.event.thread == 6 && s.event.time_us >= 1'000'000;
    });
  }
}

void TstEventStore::filters() {
  QFETCH(EventFilter, filter);
  QFETCH(QList<qint64>, expected);

  QList<qint64> got;
  const Status status = big_->query_events(filter, [&](const EventRow& row) {
    got.push_back(key_of(row.run_id, row.seq));
    return true;
  });
  QVERIFY2(status.ok(), status.to_string().c_str());
  QCOMPARE(got, expected);

  std::int64_t count = -1;
  QVERIFY(big_->count_events(filter, &count).ok());
  QCOMPARE(count, static_cast<std::int64_t>(expected.size()));

  // The same answer through a second, read-only connection.
  std::unique_ptr<EventStore> reader;
  QVERIFY(EventStore::open_read_only(big_path_.toStdString(), &reader).ok());
  QVERIFY(reader->count_events(filter, &count).ok());
  QCOMPARE(count, static_cast<std::int64_t>(expected.size()));
}

void TstEventStore::callbackCanStopEarly() {
  int calls = 0;
  QVERIFY(big_->query_events(EventFilter{}, [&](const EventRow&) { return ++calls < 3; }).ok());
  QCOMPARE(calls, 3);
}

void TstEventStore::badFiltersAreInvalidArgument_data() {
  QTest::addColumn<EventFilter>("filter");
  QTest::addColumn<QString>("mentions");
  EventFilter f;
  f.since_time = "yesterday";
  QTest::newRow("since_time garbage") << f << "yesterday";
  f = EventFilter{};
  f.until_time = "1997-02-30";
  QTest::newRow("until_time no such day") << f << "1997-02-30";
  f = EventFilter{};
  f.type = "Critical";
  QTest::newRow("unknown type") << f << "Critical";
  f = EventFilter{};
  f.event_ids.assign(EventFilter::kMaxEventIds + 1, 2342);
  QTest::newRow("too many ids") << f << "too many";
}

void TstEventStore::badFiltersAreInvalidArgument() {
  QFETCH(EventFilter, filter);
  QFETCH(QString, mentions);
  int calls = 0;
  const Status status = big_->query_events(filter, [&](const EventRow&) { return ++calls > 0; });
  QVERIFY2(status.is_invalid_argument(), status.to_string().c_str());
  QVERIFY2(QString::fromStdString(status.message()).contains(mentions), status.message().c_str());
  QCOMPARE(calls, 0);
  std::int64_t count = 0;
  QVERIFY(big_->count_events(filter, &count).is_invalid_argument());
}

void TstEventStore::runsListGetAndFinish() {
  std::unique_ptr<EventStore> store;
  const QString path = temp_path("runs.db");
  QVERIFY(EventStore::open(path.toStdString(), &store).ok());
  std::int64_t first = 0, second = 0;
  msmilog::RunRecord record = make_run("a.json", std::numeric_limits<std::uint64_t>::max(), 5);
  QVERIFY(store->begin_run(record, &first).ok());
  QVERIFY(store->begin_run(make_run("b.json", 2, 6), &second).ok());
  QVERIFY(second > first);

  msmilog::RunSummary run;
  QVERIFY(store->get_run(first, &run).ok());
  QCOMPARE(run.run_id, first);
  QCOMPARE(run.scenario, std::string("a.json"));
  QCOMPARE(run.seed, std::numeric_limits<std::uint64_t>::max());  // all 64 bits survive
  QCOMPARE(run.scenario_sha256, msmilog::sha256_hex(record.scenario_text));
  QCOMPARE(run.profile, record.profile);
  QCOMPARE(run.defects, record.defects);
  QCOMPARE(run.started_at, record.started_at);
  QCOMPARE(run.computer, record.computer);
  QCOMPARE(run.epoch_us, std::int64_t{5});
  QCOMPARE(run.msmisim_version, record.msmisim_version);
  QCOMPARE(run.command, record.command);
  QCOMPARE(run.verdict, std::string());  // not finished yet
  QCOMPARE(run.finished_at, std::string());
  QCOMPARE(run.event_count, std::int64_t{0});
  QCOMPARE(run.virtual_duration_us, std::int64_t{-1});
  QCOMPARE(raw_text(path, "SELECT scenario_text FROM runs WHERE run_id = 1"), record.scenario_text);

  // What the run was made from reads back whole, for replay; options default to "{}".
  msmilog::RunRecord inputs;
  QVERIFY(store->read_run_record(first, &inputs).ok());
  QCOMPARE(inputs.scenario_text, record.scenario_text);
  QCOMPARE(inputs.seed, record.seed);
  QCOMPARE(inputs.defects, record.defects);
  QCOMPARE(inputs.command, record.command);
  QCOMPARE(inputs.options, std::string("{}"));
  QCOMPARE(inputs.file_sha256, std::string());
  QCOMPARE(store->read_run_record(99, &inputs).code(), msmi::Status::Code::kNotFound);
  {
    std::unique_ptr<EventStore> other;
    QVERIFY(EventStore::open(temp_path("options.db").toStdString(), &other).ok());
    msmilog::RunRecord with_options = make_run("c.json", 3, 7);
    with_options.options = R"({"defect":["Q151791=off"]})";
    with_options.file_sha256 = msmilog::sha256_hex("file bytes");
    std::int64_t id = 0;
    QVERIFY(other->begin_run(with_options, &id).ok());
    QVERIFY(other->read_run_record(id, &inputs).ok());
    QCOMPARE(inputs.options, with_options.options);
    QCOMPARE(inputs.file_sha256, with_options.file_sha256);
  }

  {
    auto writer = store->open_writer(second, "EXCH01", 6);
    for (int i = 0; i < 17; ++i) writer->write(big_run_event(i));
  }
  QVERIFY(store->finish_run(second, "passed", "2024-01-02T03:04:06.000Z", 1'234'567).ok());
  QVERIFY(store->get_run(second, &run).ok());
  QCOMPARE(run.verdict, std::string("passed"));
  QCOMPARE(run.finished_at, std::string("2024-01-02T03:04:06.000Z"));
  QCOMPARE(run.event_count, std::int64_t{17});
  QCOMPARE(run.virtual_duration_us, std::int64_t{1'234'567});

  std::vector<msmilog::RunSummary> runs;
  QVERIFY(store->list_runs(&runs).ok());
  QCOMPARE(runs.size(), std::size_t{2});
  QCOMPARE(runs[0].run_id, first);
  QCOMPARE(runs[1].run_id, second);
  QCOMPARE(runs[1].event_count, std::int64_t{17});

  std::int64_t latest = 0;
  QVERIFY(store->latest_run_id(&latest).ok());
  QCOMPARE(latest, second);

  Status status = store->get_run(999, &run);
  QVERIFY(status.is_not_found());
  QVERIFY(QString::fromStdString(status.message()).contains("999"));
  QVERIFY(QString::fromStdString(status.message()).contains(path));
  status = store->finish_run(999, "passed", "", 0);
  QVERIFY2(status.is_not_found(), status.to_string().c_str());
}

void TstEventStore::emptyStoreHasNoLatestRun() {
  std::unique_ptr<EventStore> store;
  QVERIFY(EventStore::open(temp_path("empty-runs.db").toStdString(), &store).ok());
  std::int64_t latest = 77;
  const Status status = store->latest_run_id(&latest);
  QVERIFY(status.is_not_found());
  QCOMPARE(latest, std::int64_t{77});
  std::vector<msmilog::RunSummary> runs(3);
  QVERIFY(store->list_runs(&runs).ok());
  QVERIFY(runs.empty());
}

void TstEventStore::ledgerAndSamplesRoundTrip() {
  const QString path = temp_path("ledger.db");
  std::unique_ptr<EventStore> store;
  QVERIFY(EventStore::open(path.toStdString(), &store).ok());
  std::int64_t run_id = 0;
  QVERIFY(store->begin_run(make_run("ledger.json", 3, 0), &run_id).ok());

  const std::vector<msmilog::LedgerRow> ledger = {
      {"NET/PO/00000003", "MS:NET/PO/ALICE", "SMTP:bob@example.com", "ndr", 2,
       "[002] unknown address", 1000, 5000},
      {"NET/PO/00000001", "MS:NET/PO/ALICE", "X400:c=US;a= ;p=EX;o=HQ;s=Smith", "delivered", 1, "",
       10, 20},
      {"NET/PO/00000002", "MS:NET/PO/CAROL", "MS:NET/PO/DAVE", "pending", 7, "still queued", 30,
       -1},
  };
  QVERIFY(store->write_ledger(run_id, ledger).ok());
  std::vector<msmilog::LedgerRow> ledger_back;
  QVERIFY(store->read_ledger(run_id, &ledger_back).ok());
  QCOMPARE(ledger_back.size(), std::size_t{3});
  QVERIFY(ledger_back[0] == ledger[1]);  // ordered by message_id
  QVERIFY(ledger_back[1] == ledger[2]);
  QVERIFY(ledger_back[2] == ledger[0]);
  QCOMPARE(raw_int(path, "SELECT count(*) FROM messages WHERE settled_us IS NULL"),
           std::int64_t{1});

  const std::vector<msmilog::SampleRow> samples = {
      {0, 5, "inbound", 0.0}, {0, 6, "outbound", 12.5}, {1'000'000, 5, "inbound", 99.999}};
  QVERIFY(store->write_samples(run_id, samples).ok());
  std::vector<msmilog::SampleRow> samples_back;
  QVERIFY(store->read_samples(run_id, &samples_back).ok());
  QVERIFY(samples_back == samples);

  const std::vector<msmilog::QueueSampleRow> queues = {{0, 1, 2, 3, 4}, {500, 4096, 10, 0, 7}};
  QVERIFY(store->write_queue_samples(run_id, queues).ok());
  std::vector<msmilog::QueueSampleRow> queues_back;
  QVERIFY(store->read_queue_samples(run_id, &queues_back).ok());
  QVERIFY(queues_back == queues);

  // Another run's rows stay apart.
  QVERIFY(store->read_ledger(run_id + 1, &ledger_back).ok());
  QVERIFY(ledger_back.empty());
  // Unknown run.
  const Status status = store->write_samples(run_id + 1, samples);
  QVERIFY2(status.is_not_found(), status.to_string().c_str());
}

void TstEventStore::ledgerWriteIsAllOrNothing() {
  std::unique_ptr<EventStore> store;
  QVERIFY(EventStore::open(temp_path("ledger-dup.db").toStdString(), &store).ok());
  std::int64_t run_id = 0;
  QVERIFY(store->begin_run(make_run("dup.json", 3, 0), &run_id).ok());
  QVERIFY(store->write_ledger(run_id, {{"A", "", "", "delivered", 1, "", 0, 1}}).ok());
  // The second batch repeats "A" in its last row: nothing of it may stay.
  const Status status = store->write_ledger(
      run_id, {{"B", "", "", "delivered", 1, "", 0, 1}, {"A", "", "", "lost", 1, "", 0, -1}});
  QVERIFY2(status.is_invalid_argument(), status.to_string().c_str());
  std::vector<msmilog::LedgerRow> back;
  QVERIFY(store->read_ledger(run_id, &back).ok());
  QCOMPARE(back.size(), std::size_t{1});
  QCOMPARE(back[0].fate, std::string("delivered"));
  // And the store is still usable afterwards (the transaction was rolled back).
  QVERIFY(store->write_ledger(run_id, {{"C", "", "", "ndr", 1, "", 0, 1}}).ok());
}

void TstEventStore::readOnlyStoreRefusesWrites() {
  std::unique_ptr<EventStore> reader;
  QVERIFY(EventStore::open_read_only(big_path_.toStdString(), &reader).ok());
  QVERIFY(reader->read_only());
  std::int64_t run_id = 0;
  QVERIFY(reader->begin_run(make_run("x.json", 1, 0), &run_id).is_io_error());
  QVERIFY(reader->write_samples(big_run_, {{0, 5, "inbound", 1.0}}).is_io_error());
  auto writer = reader->open_writer(big_run_, "EXCH01", 0);
  QVERIFY(writer->status().is_io_error());
  writer->write(big_run_event(1));
  QCOMPARE(writer->dropped(), std::int64_t{1});
  std::int64_t latest = 0;
  QVERIFY(reader->latest_run_id(&latest).ok());
  QCOMPARE(latest, small_run_);
}

void TstEventStore::writerCommitsOnlyWholeBatches() {
  // If every event were committed on its own, the reader would see them one by one.
  const QString path = temp_path("batches.db");
  std::unique_ptr<EventStore> store, reader;
  QVERIFY(EventStore::open(path.toStdString(), &store).ok());
  std::int64_t run_id = 0;
  QVERIFY(store->begin_run(make_run("batch.json", 1, 0), &run_id).ok());
  QVERIFY(EventStore::open_read_only(path.toStdString(), &reader).ok());
  const auto visible = [&] {
    std::int64_t count = -1;
    EventFilter filter;
    filter.run_id = run_id;
    return reader->count_events(filter, &count).ok() ? count : -1;
  };

  auto writer = store->open_writer(run_id, "EXCH01", 0);
  const int batch = static_cast<int>(EventWriter::kBatchSize);
  for (int i = 0; i < batch - 1; ++i) writer->write(big_run_event(i));
  QCOMPARE(visible(), std::int64_t{0});
  QCOMPARE(writer->pending(), std::int64_t{batch - 1});
  QCOMPARE(writer->written(), std::int64_t{0});

  writer->write(big_run_event(batch - 1));  // the batch is full: one commit
  QCOMPARE(visible(), std::int64_t{batch});
  QCOMPARE(writer->written(), std::int64_t{batch});
  QCOMPARE(writer->pending(), std::int64_t{0});

  const int total = 2 * batch + 1808;  // 2 full batches + 1808 pending
  for (int i = batch; i < total; ++i) writer->write(big_run_event(i));
  QCOMPARE(visible(), std::int64_t{2 * batch});
  QVERIFY(writer->flush().ok());
  QCOMPARE(visible(), std::int64_t{total});
  QCOMPARE(writer->written(), std::int64_t{total});
  QCOMPARE(writer->dropped(), std::int64_t{0});
  QVERIFY(writer->flush().ok());  // nothing buffered: a no-op
}

// Inside the caller's transaction (an import's file, a sweep's run) a writer's batches join it
// without a savepoint of their own: when a later batch fails, the commit refuses (even with the
// writer gone) and the batches written before it go too, with the run, so the store is as it was.
void TstEventStore::writerInTransactionFailsItWhole() {
  const QString path = temp_path("transaction.db");
  {
    std::unique_ptr<EventStore> store;
    QVERIFY(EventStore::open(path.toStdString(), &store).ok());
  }
  // What makes the second batch fail: an event row SQLite refuses.
  QVERIFY(raw_exec(path,
                   "CREATE TRIGGER refuse_9999 BEFORE INSERT ON events WHEN NEW.event_id = 9999 "
                   "BEGIN SELECT RAISE(ABORT, 'refused'); END"));
  std::unique_ptr<EventStore> store;
  QVERIFY(EventStore::open(path.toStdString(), &store).ok());
  QVERIFY(store->begin_transaction().ok());
  std::int64_t run_id = 0;
  QVERIFY(store->begin_run(make_run("whole.json", 1, 0), &run_id).ok());
  auto writer = store->open_writer(run_id, "EXCH01", 0);
  const int batch = static_cast<int>(EventWriter::kBatchSize);
  for (int i = 0; i < batch; ++i) writer->write(big_run_event(i));  // one batch, written
  QCOMPARE(writer->written(), std::int64_t{batch});
  for (int i = 0; i < 100; ++i) {
    msmi::Event e = big_run_event(i);
    if (i == 50) e.event_id = 9999;
    writer->write(e);
  }
  QVERIFY(!writer->flush().ok());
  QCOMPARE(writer->dropped(), std::int64_t{100});
  writer.reset();  // gone before the commit: the store still knows
  const msmi::Status committed = store->commit_transaction();
  QVERIFY(!committed.ok());
  QVERIFY2(QString::fromStdString(committed.message()).contains("refused"),
           committed.message().c_str());
  // The next transaction starts clean.
  QVERIFY(store->begin_transaction().ok());
  QVERIFY(store->begin_run(make_run("next.json", 1, 0), &run_id).ok());
  QVERIFY(store->commit_transaction().ok());
  store.reset();
  QCOMPARE(raw_int(path, "SELECT count(*) FROM events"), std::int64_t{0});
  QCOMPARE(raw_int(path, "SELECT count(*) FROM runs"), std::int64_t{1});  // next.json alone
  QCOMPARE(raw_int(path, "SELECT count(*) FROM event_counts"), std::int64_t{0});
  // The full-text index holds no row of the undone batches either.
  QCOMPARE(raw_int(path, "SELECT count(*) FROM events_fts WHERE events_fts MATCH 'queue'"),
           std::int64_t{0});
  QVERIFY(raw_exec(path, "INSERT INTO events_fts(events_fts) VALUES('integrity-check')"));
}

void TstEventStore::writerToUnknownRunDropsAndCounts() {
  const QString path = temp_path("unknown-run.db");
  std::unique_ptr<EventStore> store;
  QVERIFY(EventStore::open(path.toStdString(), &store).ok());
  auto writer = store->open_writer(31337, "EXCH01", 0);
  QVERIFY(writer->status().is_not_found());
  QVERIFY(QString::fromStdString(writer->status().message()).contains(path));
  for (int i = 0; i < 5; ++i) writer->write(big_run_event(i));
  QVERIFY(writer->flush().is_not_found());
  QCOMPARE(writer->written(), std::int64_t{0});
  QCOMPARE(writer->dropped(), std::int64_t{5});
  QCOMPARE(raw_int(path, "SELECT count(*) FROM events"), std::int64_t{0});
}

void TstEventStore::writerDestructorFlushes() {
  const QString path = temp_path("dtor.db");
  std::unique_ptr<EventStore> store;
  QVERIFY(EventStore::open(path.toStdString(), &store).ok());
  std::int64_t run_id = 0;
  QVERIFY(store->begin_run(make_run("dtor.json", 1, 0), &run_id).ok());
  {
    auto writer = store->open_writer(run_id, "EXCH01", 0);
    for (int i = 0; i < 100; ++i) writer->write(big_run_event(i));
    QCOMPARE(raw_int(path, "SELECT count(*) FROM events"), std::int64_t{0});
  }
  QCOMPARE(raw_int(path, "SELECT count(*) FROM events"), std::int64_t{100});
}

void TstEventStore::secondWriterContinuesSeq() {
  std::unique_ptr<EventStore> store;
  QVERIFY(EventStore::open(temp_path("seq.db").toStdString(), &store).ok());
  std::int64_t run_id = 0;
  QVERIFY(store->begin_run(make_run("seq.json", 1, 0), &run_id).ok());
  {
    auto writer = store->open_writer(run_id, "EXCH01", 0);
    for (int i = 0; i < 3; ++i) writer->write(big_run_event(i));
  }
  {
    auto writer = store->open_writer(run_id, "EXCH01", 0);
    for (int i = 3; i < 5; ++i) writer->write(big_run_event(i));
    QVERIFY(writer->flush().ok());
  }
  std::vector<std::int64_t> seqs;
  EventFilter filter;
  filter.run_id = run_id;
  QVERIFY(store
              ->query_events(filter,
                             [&](const EventRow& row) {
                               seqs.push_back(row.seq);
                               return true;
                             })
              .ok());
  QCOMPARE(seqs, (std::vector<std::int64_t>{1, 2, 3, 4, 5}));
}

void TstEventStore::finishRunFlushesLiveWriters() {
  std::unique_ptr<EventStore> store;
  QVERIFY(EventStore::open(temp_path("finish.db").toStdString(), &store).ok());
  std::int64_t run_id = 0;
  QVERIFY(store->begin_run(make_run("finish.json", 1, 0), &run_id).ok());
  auto writer = store->open_writer(run_id, "EXCH01", 0);
  for (int i = 0; i < 10; ++i) writer->write(big_run_event(i));
  QVERIFY(store->finish_run(run_id, "passed", "2024-01-01T00:00:00.000Z", 10).ok());
  msmilog::RunSummary run;
  QVERIFY(store->get_run(run_id, &run).ok());
  QCOMPARE(run.event_count, std::int64_t{10});
  QCOMPARE(writer->pending(), std::int64_t{0});
}

void TstEventStore::storeClosedBeforeWriterKeepsEventsAndStopsWriter() {
  const QString path = temp_path("closed-first.db");
  std::unique_ptr<EventStore> store;
  QVERIFY(EventStore::open(path.toStdString(), &store).ok());
  std::int64_t run_id = 0;
  QVERIFY(store->begin_run(make_run("closed.json", 1, 0), &run_id).ok());
  auto writer = store->open_writer(run_id, "EXCH01", 0);
  for (int i = 0; i < 10; ++i) writer->write(big_run_event(i));
  store.reset();  // contract violation; the store still saves what was buffered
  QVERIFY(writer->status().ok());
  QCOMPARE(writer->written(), std::int64_t{10});
  writer->write(big_run_event(10));
  QVERIFY(writer->status().is_io_error());
  QCOMPARE(writer->dropped(), std::int64_t{1});
  writer.reset();
  QCOMPARE(raw_int(path, "SELECT count(*) FROM events"), std::int64_t{10});
}

// --- opening files -----------------------------------------------------------------------------

namespace {
enum class FileKind {
  kGoodStore,
  kMissing,
  kEmpty,
  kBlankSqlite,
  kText,
  kRandomBytes,
  kTruncatedHalf,
  kTruncatedHeader,
  kForeignSchema,
  kForeignApplicationId,
  kNewerSchemaVersion,
  kMissingTable,
  kMissingColumn,
  kDirectory,
  kMissingParent,
};

// Puts a file of `kind` at `path` (which may be changed, for kMissingParent).
void make_file(FileKind kind, QString* path) {
  switch (kind) {
    case FileKind::kGoodStore:
      make_real_store(*path, 10);
      break;
    case FileKind::kMissing:
      break;
    case FileKind::kEmpty:
      write_file_bytes(*path, "");
      break;
    case FileKind::kBlankSqlite:
      QVERIFY(raw_exec(*path, "CREATE TABLE t(x); DROP TABLE t;"));
      break;
    case FileKind::kText:
      write_file_bytes(*path, "This is the operator's notes file, not a database.\n");
      break;
    case FileKind::kRandomBytes: {
      std::mt19937 random(42);
      std::string bytes(8192, '\0');
      for (char& c : bytes) c = static_cast<char>(random() & 0xff);
      write_file_bytes(*path, bytes);
      break;
    }
    case FileKind::kTruncatedHalf:
    case FileKind::kTruncatedHeader: {
      make_real_store(*path, 3000);
      const std::string bytes = read_file_bytes(*path);
      QVERIFY(bytes.size() > 64 * 1024);
      write_file_bytes(*path, bytes.substr(0, kind == FileKind::kTruncatedHalf ? bytes.size() / 2
                                                                               : std::size_t{50}));
      break;
    }
    case FileKind::kForeignSchema:
      QVERIFY(raw_exec(*path,
                       "CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT);"
                       "INSERT INTO customers(name) VALUES('Contoso'), ('Fabrikam');"));
      break;
    case FileKind::kForeignApplicationId:
      QVERIFY(
          raw_exec(*path, "PRAGMA application_id = 305419896; CREATE TABLE t(x); DROP TABLE t;"));
      break;
    case FileKind::kNewerSchemaVersion:
      make_real_store(*path, 10);
      QVERIFY(raw_exec(
          *path,
          ("PRAGMA user_version = " + std::to_string(EventStore::kSchemaVersion + 1)).c_str()));
      break;
    case FileKind::kMissingTable:
      make_real_store(*path, 10);
      QVERIFY(raw_exec(*path, "DROP TABLE queue_samples;"));
      break;
    case FileKind::kMissingColumn:
      make_real_store(*path, 10);
      QVERIFY(raw_exec(*path, "ALTER TABLE samples DROP COLUMN role;"));
      break;
    case FileKind::kDirectory:
      QVERIFY(QDir().mkpath(*path));
      break;
    case FileKind::kMissingParent:
      *path += "/no-such-dir/events.db";
      break;
  }
}
}  // namespace

Q_DECLARE_METATYPE(FileKind)

void TstEventStore::openRefusesWhatIsNotOurs_data() {
  QTest::addColumn<FileKind>("kind");
  QTest::addColumn<Status::Code>("code");
  QTest::addColumn<QString>("mentions");  // besides the path

  using C = Status::Code;
  QTest::newRow("our store: opens") << FileKind::kGoodStore << C::kOk << "";
  QTest::newRow("missing file: created") << FileKind::kMissing << C::kOk << "";
  QTest::newRow("empty file: new store") << FileKind::kEmpty << C::kOk << "";
  QTest::newRow("sqlite without tables") << FileKind::kBlankSqlite << C::kOk << "";
  QTest::newRow("text file") << FileKind::kText << C::kCorruption << "not a database";
  QTest::newRow("random bytes") << FileKind::kRandomBytes << C::kCorruption << "not a database";
  QTest::newRow("truncated real db") << FileKind::kTruncatedHalf << C::kCorruption << "malformed";
  QTest::newRow("truncated to 50 bytes")
      << FileKind::kTruncatedHeader << C::kCorruption << "database";
  QTest::newRow("someone else's schema")
      << FileKind::kForeignSchema << C::kCorruption << "customers";
  QTest::newRow("another application_id")
      << FileKind::kForeignApplicationId << C::kCorruption << "0x12345678";
  QTest::newRow("newer schema version")
      << FileKind::kNewerSchemaVersion << C::kCorruption << "is newer than";
  QTest::newRow("table missing") << FileKind::kMissingTable << C::kCorruption << "queue_samples";
  QTest::newRow("column missing") << FileKind::kMissingColumn << C::kCorruption << "role";
  QTest::newRow("directory") << FileKind::kDirectory << C::kIoError << "directory";
  QTest::newRow("parent missing") << FileKind::kMissingParent << C::kIoError << "unable to open";
}

void TstEventStore::openRefusesWhatIsNotOurs() {
  QFETCH(FileKind, kind);
  QFETCH(Status::Code, code);
  QFETCH(QString, mentions);

  QTemporaryDir dir;
  QVERIFY(dir.isValid());
  QString path = dir.filePath("events.db");
  make_file(kind, &path);
  const std::string before = read_file_bytes(path);

  std::unique_ptr<EventStore> store;
  const Status status = EventStore::open(path.toStdString(), &store);
  QVERIFY2(status.code() == code, status.to_string().c_str());
  if (code == Status::Code::kOk) {
    QVERIFY(store != nullptr);
    std::int64_t run_id = 0;
    QVERIFY(store->begin_run(make_run("x.json", 1, 0), &run_id).ok());
    store.reset();
    QCOMPARE(raw_int(path, "PRAGMA user_version"), std::int64_t{EventStore::kSchemaVersion});
    QVERIFY(EventStore::open(path.toStdString(), &store).ok());  // and it opens again
    return;
  }
  QVERIFY(store == nullptr);
  const QString message = QString::fromStdString(status.message());
  QVERIFY2(message.contains(path), status.message().c_str());
  QVERIFY2(message.contains(mentions), status.message().c_str());
  // Never modified: not a byte, and no journal left beside it.
  QVERIFY(read_file_bytes(path) == before);
  QVERIFY(!QFile::exists(path + "-journal"));

  // Read-only opening refuses the same files the same way (a missing file is NotFound).
  std::unique_ptr<EventStore> reader;
  const Status read_status = EventStore::open_read_only(path.toStdString(), &reader);
  const Status::Code read_code = kind == FileKind::kMissingParent ? Status::Code::kNotFound : code;
  QVERIFY2(read_status.code() == read_code, read_status.to_string().c_str());
  QVERIFY2(QString::fromStdString(read_status.message()).contains(path),
           read_status.message().c_str());
  QVERIFY(read_file_bytes(path) == before);
}

void TstEventStore::openReadOnly_data() {
  QTest::addColumn<FileKind>("kind");
  QTest::addColumn<Status::Code>("code");
  using C = Status::Code;
  QTest::newRow("missing") << FileKind::kMissing << C::kNotFound;
  QTest::newRow("empty file") << FileKind::kEmpty << C::kNotFound;
  QTest::newRow("text file") << FileKind::kText << C::kCorruption;
  QTest::newRow("our store") << FileKind::kGoodStore << C::kOk;
}

void TstEventStore::openReadOnly() {
  QFETCH(FileKind, kind);
  QFETCH(Status::Code, code);
  QTemporaryDir dir;
  QString path = dir.filePath("events.db");
  make_file(kind, &path);
  const bool existed = QFile::exists(path);
  std::unique_ptr<EventStore> store;
  const Status status = EventStore::open_read_only(path.toStdString(), &store);
  QVERIFY2(status.code() == code, status.to_string().c_str());
  QCOMPARE(QFile::exists(path), existed);  // never creates the file
  if (!status.ok()) {
    QVERIFY2(QString::fromStdString(status.message()).contains(path), status.message().c_str());
    return;
  }
  std::int64_t count = 0;
  QVERIFY(store->count_events(EventFilter{}, &count).ok());
  QCOMPARE(count, std::int64_t{10});
}

// --- schema version 1, insertion strings ------------------------------------------------------

namespace {

// The schema of the first release (user_version 1), verbatim: events had no strings or data.
constexpr const char* kVersion1SchemaSql = R"sql(
CREATE TABLE runs(
  run_id INTEGER PRIMARY KEY, scenario TEXT, scenario_sha256 TEXT, scenario_text TEXT,
  seed INTEGER, profile TEXT, defects TEXT, started_at TEXT, finished_at TEXT, verdict TEXT,
  computer TEXT, epoch_us INTEGER, msmisim_version TEXT, command TEXT,
  event_count INTEGER NOT NULL DEFAULT 0, virtual_duration_us INTEGER
);
CREATE TABLE events(
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(run_id),
  seq INTEGER NOT NULL, time_us INTEGER NOT NULL, time TEXT NOT NULL, computer TEXT,
  source TEXT NOT NULL, event_id INTEGER NOT NULL, type TEXT NOT NULL, category TEXT,
  level INTEGER, thread INTEGER, message_id TEXT, description TEXT NOT NULL
);
CREATE UNIQUE INDEX events_by_run_seq ON events(run_id, seq);
CREATE INDEX events_by_event_id_time ON events(event_id, time_us);
CREATE INDEX events_by_time ON events(time_us);
CREATE INDEX events_by_message_id ON events(message_id) WHERE message_id IS NOT NULL;
CREATE TABLE messages(
  run_id INTEGER NOT NULL REFERENCES runs(run_id), message_id TEXT NOT NULL, sender TEXT,
  recipients TEXT, fate TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, detail TEXT,
  injected_us INTEGER, settled_us INTEGER, PRIMARY KEY(run_id, message_id)
);
CREATE TABLE samples(
  run_id INTEGER NOT NULL REFERENCES runs(run_id), time_us INTEGER NOT NULL, thread INTEGER,
  role TEXT, busy_pct REAL
);
CREATE INDEX samples_by_run_time ON samples(run_id, time_us);
CREATE TABLE queue_samples(
  run_id INTEGER NOT NULL REFERENCES runs(run_id), time_us INTEGER NOT NULL, inqueue3 INTEGER,
  p1_files INTEGER, mta_queue INTEGER, outbound_records INTEGER
);
CREATE INDEX queue_samples_by_run_time ON queue_samples(run_id, time_us);
INSERT INTO runs(run_id, scenario, seed, profile, computer, epoch_us)
  VALUES(1, 'scenarios/kb/Q151791.json', 42, 'exchange-5.0', 'EXCH01', 864305753000000);
INSERT INTO events(run_id, seq, time_us, time, computer, source, event_id, type, category, level,
                   thread, message_id, description)
  VALUES(1, 1, 0, '1997-05-22T12:55:53.000Z', 'EXCH01', 'MSExchangeMSMI', 2342, 'Error',
         'Session Error', 1, 5, 'NET/PO/0000002A',
         'MS Mail Connector Interchange failed to put into XOM stream. Return code is 0x15.'),
        (1, 2, 1000, '1997-05-22T12:55:53.001Z', 'EXCH01', 'MSExchangeMSMI', 2553, 'Error',
         'Session Error', 0, 5, NULL,
         'The thread in MS Mail Connector that delivers to Exchange has failed writing out data to the MTA.');
PRAGMA application_id = 1297304905;
PRAGMA user_version = 1;
)sql";

std::vector<EventRow> all_events(const EventStore& store) {
  std::vector<EventRow> rows;
  const Status status = store.query_events(EventFilter{}, [&](const EventRow& row) {
    rows.push_back(row);
    return true;
  });
  if (!status.ok()) qWarning("%s", status.to_string().c_str());
  return rows;
}

// Writes one event with `strings` and `data` to a new store at `path`; returns what was written.
msmi::Event write_one(const QString& path, std::vector<std::string> strings, std::string data) {
  std::unique_ptr<EventStore> store;
  if (!EventStore::open(path.toStdString(), &store).ok()) return {};
  std::int64_t run_id = 0;
  if (!store->begin_run(make_run("strings.json", 1, kEpoch1997), &run_id).ok()) return {};
  msmi::Event event;
  event.event_id = 7036;
  event.source = std::string(msmi::kSourceServiceControl);
  event.category = msmi::Category::kNone;
  event.strings = std::move(strings);
  event.data = std::move(data);
  event.description = "The " + (event.strings.empty() ? std::string() : event.strings[0]) +
                      " service entered the stopped state.";
  auto writer = store->open_writer(run_id, "EXCH01", kEpoch1997);
  writer->write(event);
  if (!writer->flush().ok()) return {};
  return event;
}

}  // namespace

Q_DECLARE_METATYPE(std::vector<std::string>)

void TstEventStore::version1StoreReadsAsItIsWhenReadOnly() {
  QTemporaryDir dir;
  const QString path = dir.filePath("v1.db");
  QVERIFY(raw_exec(path, kVersion1SchemaSql));
  const std::string before = read_file_bytes(path);

  std::unique_ptr<EventStore> reader;
  const Status status = EventStore::open_read_only(path.toStdString(), &reader);
  QVERIFY2(status.ok(), status.to_string().c_str());
  QCOMPARE(reader->schema_version(), 1);
  const std::vector<EventRow> rows = all_events(*reader);
  QCOMPARE(rows.size(), std::size_t{2});
  QCOMPARE(rows[0].event_id, 2342);
  QCOMPARE(rows[0].description,
           std::string("MS Mail Connector Interchange failed to put into XOM stream. Return code "
                       "is 0x15."));
  QVERIFY(rows[0].strings.empty());
  QVERIFY(rows[1].data.empty());
  QCOMPARE(rows[1].message_id, std::string());
  msmilog::RunRecord inputs;
  QVERIFY(reader->read_run_record(1, &inputs).ok());  // no options column: read as none
  QCOMPARE(inputs.options, std::string());
  reader.reset();
  QVERIFY(read_file_bytes(path) == before);  // a reader never migrates
}

void TstEventStore::version1StoreIsMigratedWhenOpenedForWriting() {
  QTemporaryDir dir;
  const QString path = dir.filePath("v1.db");
  QVERIFY(raw_exec(path, kVersion1SchemaSql));

  std::unique_ptr<EventStore> store;
  const Status status = EventStore::open(path.toStdString(), &store);
  QVERIFY2(status.ok(), status.to_string().c_str());
  QCOMPARE(store->schema_version(), EventStore::kSchemaVersion);
  QCOMPARE(raw_int(path, "PRAGMA user_version"), std::int64_t{EventStore::kSchemaVersion});
  QCOMPARE(raw_int(path,
                   "SELECT count(*) FROM pragma_table_info('events') WHERE name IN "
                   "('strings', 'data')"),
           std::int64_t{2});
  // Version 4's runs columns exist; the old run has none of them.
  QCOMPARE(raw_int(path, "SELECT count(*) FROM runs WHERE options IS NULL AND file_sha256 IS NULL"),
           std::int64_t{1});
  // Version 3's tables exist, empty: the old runs had no fault rules or invariants.
  QCOMPARE(raw_int(path, "SELECT count(*) FROM fault_rules"), std::int64_t{0});
  QCOMPARE(raw_int(path, "SELECT count(*) FROM invariants"), std::int64_t{0});
  // The old rows are kept, with NULL strings and data.
  QCOMPARE(raw_int(path, "SELECT count(*) FROM events WHERE strings IS NULL AND data IS NULL"),
           std::int64_t{2});

  // The first run goes on: a new writer continues its seq and stores strings.
  {
    auto writer = store->open_writer(1, "EXCH01", kEpoch1997);
    msmi::Event event;
    event.event_id = 2342;
    event.strings = {"0x15"};
    event.description =
        "MS Mail Connector Interchange failed to put into XOM stream. Return code "
        "is 0x15.";
    writer->write(event);
    QVERIFY(writer->flush().ok());
  }
  std::vector<EventRow> rows = all_events(*store);
  QCOMPARE(rows.size(), std::size_t{3});
  QVERIFY(rows[0].strings.empty());
  QCOMPARE(rows[2].seq, std::int64_t{3});
  QCOMPARE(rows[2].strings, std::vector<std::string>{"0x15"});
  store.reset();

  // Opening the migrated file again (read-write and read-only) changes nothing more.
  QVERIFY(EventStore::open(path.toStdString(), &store).ok());
  QCOMPARE(all_events(*store), rows);
  store.reset();
  QVERIFY(EventStore::open_read_only(path.toStdString(), &store).ok());
  QCOMPARE(store->schema_version(), EventStore::kSchemaVersion);
  QCOMPARE(all_events(*store), rows);
}

namespace {

// A store of schema version 4 as that release made it: the version 1 schema, then versions 2 to 4.
std::string version4_schema_sql() {
  std::string sql = kVersion1SchemaSql;
  sql += R"sql(
ALTER TABLE events ADD COLUMN strings TEXT; ALTER TABLE events ADD COLUMN data BLOB;
CREATE TABLE fault_rules(run_id INTEGER NOT NULL REFERENCES runs(run_id), position INTEGER NOT NULL,
  rule TEXT NOT NULL, matches INTEGER NOT NULL, fired INTEGER NOT NULL,
  PRIMARY KEY(run_id, position));
CREATE TABLE invariants(run_id INTEGER NOT NULL REFERENCES runs(run_id), name TEXT NOT NULL,
  passed INTEGER NOT NULL, detail TEXT);
CREATE INDEX invariants_by_run ON invariants(run_id);
ALTER TABLE runs ADD COLUMN options TEXT; ALTER TABLE runs ADD COLUMN file_sha256 TEXT;
UPDATE events SET strings = '["0x15"]' WHERE seq = 1;
PRAGMA user_version = 4;
)sql";
  return sql;
}

}  // namespace

void TstEventStore::version4StoreIsMigratedWithFullTextIndex() {
  QTemporaryDir dir;
  const QString path = dir.filePath("v4.db");
  QVERIFY(raw_exec(path, version4_schema_sql().c_str()));

  std::unique_ptr<EventStore> store;
  const Status status = EventStore::open(path.toStdString(), &store);
  QVERIFY2(status.ok(), status.to_string().c_str());
  QCOMPARE(store->schema_version(), EventStore::kSchemaVersion);
  QVERIFY(store->has_full_text_search());
  QCOMPARE(raw_int(path, "PRAGMA user_version"), std::int64_t{EventStore::kSchemaVersion});
  // Version 6 keyed the rows by run and seq, gave them their absolute time, and counted them.
  QCOMPARE(raw_int(path,
                   "SELECT count(*) FROM events WHERE id = (run_id << 32 | seq) AND "
                   "at_us = (SELECT epoch_us FROM runs) + time_us"),
           std::int64_t{2});
  QCOMPARE(raw_int(path, "SELECT sum(count) FROM event_counts WHERE run_id = 1"), std::int64_t{2});
  // The rows already there were indexed by the migration ('rebuild'), strings included.
  QCOMPARE(raw_int(path, "SELECT count(*) FROM events_fts WHERE events_fts MATCH '\"XOM stream\"'"),
           std::int64_t{1});
  QCOMPARE(raw_int(path, "SELECT rowid FROM events_fts WHERE events_fts MATCH 'strings:0x15'"),
           raw_int(path, "SELECT id FROM events WHERE seq = 1"));
  QCOMPARE(raw_int(path, "SELECT count(*) FROM events_fts WHERE events_fts MATCH 'MTA'"),
           std::int64_t{1});
  // Old rows: a simulated run, no KB, NULL in every new events column; the new tables are empty.
  QCOMPARE(raw_text(path, "SELECT kind FROM runs"), std::string("run"));
  QCOMPARE(
      raw_int(path,
              "SELECT count(*) FROM events WHERE record_number IS NULL AND event_identifier IS "
              "NULL AND category_number IS NULL AND user IS NULL AND written_us IS NULL"),
      std::int64_t{2});
  for (const char* table : {"imports", "expectations", "labels", "lifecycle", "thread_states"}) {
    QCOMPARE(raw_int(path, ("SELECT count(*) FROM " + std::string(table)).c_str()),
             std::int64_t{0});
  }
  msmilog::RunSummary run;
  QVERIFY(store->get_run(1, &run).ok());
  QCOMPARE(run.kind, std::string("run"));
  QCOMPARE(run.kb, std::string());

  // A new event is indexed by the writer, and gets its full identifier and category number.
  {
    auto writer = store->open_writer(1, "EXCH01", kEpoch1997);
    msmi::Event event;
    event.event_id = 2380;
    event.type = msmi::EventType::kError;
    event.category = msmi::Category::kSessionError;
    event.description = "A memory access violation has occurred.";
    writer->write(event);
    QVERIFY(writer->flush().ok());
  }
  QCOMPARE(raw_int(path, "SELECT count(*) FROM events_fts WHERE events_fts MATCH 'violation'"),
           std::int64_t{1});
  QCOMPARE(raw_int(path, "SELECT event_identifier FROM events WHERE seq = 3"),
           std::int64_t{0xC000094C});
  QCOMPARE(raw_int(path, "SELECT category_number FROM events WHERE seq = 3"),
           std::int64_t{static_cast<int>(msmi::Category::kSessionError) + 1});
  // A deleted event leaves the index too.
  QVERIFY(raw_exec(path, "DELETE FROM events WHERE seq = 3"));
  QCOMPARE(raw_int(path, "SELECT count(*) FROM events_fts WHERE events_fts MATCH 'violation'"),
           std::int64_t{0});
  QCOMPARE(raw_text(path, "PRAGMA integrity_check"), std::string("ok"));
  QCOMPARE(raw_int(path, "SELECT count(*) FROM pragma_quick_check"), std::int64_t{1});
}

void TstEventStore::version4StoreReadsAsItIsWhenReadOnly() {
  QTemporaryDir dir;
  const QString path = dir.filePath("v4.db");
  QVERIFY(raw_exec(path, version4_schema_sql().c_str()));
  const std::string before = read_file_bytes(path);

  std::unique_ptr<EventStore> reader;
  const Status status = EventStore::open_read_only(path.toStdString(), &reader);
  QVERIFY2(status.ok(), status.to_string().c_str());
  QCOMPARE(reader->schema_version(), 4);
  QVERIFY(!reader->has_full_text_search());
  const std::vector<EventRow> rows = all_events(*reader);
  QCOMPARE(rows.size(), std::size_t{2});
  QCOMPARE(rows[0].strings, std::vector<std::string>{"0x15"});
  QCOMPARE(rows[0].event_identifier, std::int64_t{-1});
  QCOMPARE(rows[0].category_number, -1);
  std::vector<msmilog::RunSummary> runs;
  QVERIFY(reader->list_runs(&runs).ok());
  QCOMPARE(runs.size(), std::size_t{1});
  QCOMPARE(runs[0].kind, std::string("run"));
  std::vector<msmilog::ExpectationRow> expectations;
  QVERIFY(reader->read_expectations(1, &expectations).ok());
  QVERIFY(expectations.empty());
  std::int64_t run_id = 0;
  QCOMPARE(reader->find_import("customer", &run_id).code(), Status::Code::kNotFound);
  reader.reset();
  QVERIFY(read_file_bytes(path) == before);  // a reader never migrates
}

void TstEventStore::stringsAndDataRoundTrip_data() {
  QTest::addColumn<std::vector<std::string>>("strings");
  QTest::addColumn<QByteArray>("data");
  using V = std::vector<std::string>;
  QTest::newRow("none") << V{} << QByteArray();
  QTest::newRow("service state") << V{"MSExchangeMTA", "stopped"} << QByteArray();
  QTest::newRow("empty inserts") << V{"", "", "x", ""} << QByteArray();
  QTest::newRow("quotes and backslashes")
      << V{"\\\\MAILSRV\\maildata\\P1\\0000002A.P1", "say \"hi\"", "\\\"", "\\u0041"}
      << QByteArray();
  QTest::newRow("control characters")
      << V{"line 1\nline 2\r\n", "tab\there", std::string("nul\0byte", 8), "\x01\x1f\x7f"}
      << QByteArray();
  QTest::newRow("utf-8 and raw bytes")
      << V{"Z\xc3\xbcrich", "\xe6\x97\xa5\xe6\x9c\xac", "\xf0\x9f\x93\xa7", "\xff\xfe not utf-8"}
      << QByteArray();
  QTest::newRow("JSON look-alikes") << V{"[\"a\",\"b\"]", ",", "]", "null"} << QByteArray();
  QTest::newRow("binary data") << V{"0x15"} << QByteArray("\x00\x15\x00\x00\xff", 5);
  QTest::newRow("nine inserts") << V{"1", "2", "3", "4", "5", "6", "7", "8", "9"}
                                << QByteArray("data");
}

void TstEventStore::stringsAndDataRoundTrip() {
  QFETCH(std::vector<std::string>, strings);
  QFETCH(QByteArray, data);
  QTemporaryDir dir;
  const QString path = dir.filePath("strings.db");
  const msmi::Event written = write_one(
      path, strings, std::string(data.constData(), static_cast<std::size_t>(data.size())));
  QCOMPARE(written.strings, strings);

  for (bool read_only : {false, true}) {
    std::unique_ptr<EventStore> store;
    QVERIFY(read_only ? EventStore::open_read_only(path.toStdString(), &store).ok()
                      : EventStore::open(path.toStdString(), &store).ok());
    const std::vector<EventRow> rows = all_events(*store);
    QCOMPARE(rows.size(), std::size_t{1});
    QCOMPARE(rows[0].strings, strings);
    QCOMPARE(rows[0].data, written.data);
    QCOMPARE(rows[0].description, written.description);
  }
  // No data is NULL, not an empty BLOB; data is a BLOB, not text.
  QCOMPARE(raw_text(path, "SELECT typeof(data) FROM events"),
           std::string(data.isEmpty() ? "null" : "blob"));
  QCOMPARE(raw_text(path, "SELECT typeof(strings) FROM events"), std::string("text"));
}

void TstEventStore::stringsColumnIsJsonForSqlite() {
  // Support engineers unpack the column with sqlite3's JSON functions.
  QTemporaryDir dir;
  const QString path = dir.filePath("json.db");
  write_one(path, {"MSExchangeMTA", "say \"hi\"\n", "C:\\EXCHSRVR"}, "");
  QCOMPARE(raw_text(path, "SELECT strings FROM events"),
           std::string(R"(["MSExchangeMTA","say \"hi\"\u000a","C:\\EXCHSRVR"])"));
  QCOMPARE(raw_int(path, "SELECT json_valid(strings) FROM events"), std::int64_t{1});
  QCOMPARE(raw_int(path, "SELECT json_array_length(strings) FROM events"), std::int64_t{3});
  QCOMPARE(raw_text(path, "SELECT value FROM events, json_each(events.strings) WHERE key = 1"),
           std::string("say \"hi\"\n"));
  write_one(dir.filePath("empty.db"), {}, "");
  QCOMPARE(raw_text(dir.filePath("empty.db"), "SELECT strings FROM events"), std::string("[]"));
}

void TstEventStore::damagedStringsColumnIsCorruption() {
  QTemporaryDir dir;
  const QString path = dir.filePath("damaged.db");
  write_one(path, {"MSExchangeMTA"}, "");
  for (const char* bad : {"'not json'", "'[\"unterminated]'", "'[1, 2]'", "'[\"a\"] x'",
                          "'{\"a\": \"b\"}'", "'[\"\\ud800\"]'"}) {
    QVERIFY(raw_exec(path, (std::string("UPDATE events SET strings = ") + bad).c_str()));
    std::unique_ptr<EventStore> store;
    QVERIFY(EventStore::open_read_only(path.toStdString(), &store).ok());
    const Status status = store->query_events(EventFilter{}, [](const EventRow&) { return true; });
    QVERIFY2(status.is_corruption(), (std::string(bad) + ": " + status.to_string()).c_str());
    QVERIFY2(QString::fromStdString(status.message()).contains(path), status.message().c_str());
    QVERIFY2(status.message().find("strings") != std::string::npos, status.message().c_str());
  }
}

// --- time, duration, SHA-256 --------------------------------------------------------------------

void TstEventStore::formatIso8601_data() {
  QTest::addColumn<qint64>("epoch_us");
  QTest::addColumn<QString>("text");
  QTest::newRow("epoch") << qint64{0} << "1970-01-01T00:00:00.000Z";
  QTest::newRow("Q151791 day") << qint64{kEpoch1997} << "1997-05-22T12:55:53.000Z";
  QTest::newRow("microseconds truncate") << qint64{864305753123999} << "1997-05-22T12:55:53.123Z";
  QTest::newRow("-1 us") << qint64{-1} << "1969-12-31T23:59:59.999Z";
  QTest::newRow("-1 ms") << qint64{-1000} << "1969-12-31T23:59:59.999Z";
  QTest::newRow("-1001 us") << qint64{-1001} << "1969-12-31T23:59:59.998Z";
  QTest::newRow("-1 day") << qint64{-86'400'000'000} << "1969-12-31T00:00:00.000Z";
  QTest::newRow("leap day 2000") << qint64{kEpoch2000} << "2000-02-29T00:00:00.000Z";
  QTest::newRow("2100 is no leap year") << qint64{4107542400000000} << "2100-03-01T00:00:00.000Z";
  QTest::newRow("1900") << qint64{-2208988800000000} << "1900-01-01T00:00:00.000Z";
  QTest::newRow("FILETIME epoch 1601") << qint64{-11644473600000000} << "1601-01-01T00:00:00.000Z";
  QTest::newRow("year 0") << qint64{-62167219200000000} << "0000-01-01T00:00:00.000Z";
  QTest::newRow("last of 9999") << qint64{253402300799999999} << "9999-12-31T23:59:59.999Z";
  QTest::newRow("year 10000") << qint64{253402300800000000} << "10000-01-01T00:00:00.000Z";
  QTest::newRow("year -1") << qint64{-62167219200000001} << "-0001-12-31T23:59:59.999Z";
}

void TstEventStore::formatIso8601() {
  QFETCH(qint64, epoch_us);
  QFETCH(QString, text);
  QCOMPARE(QString::fromStdString(msmilog::format_iso8601_utc(epoch_us)), text);
}

void TstEventStore::formatOutsideYear9999DoesNotBreak() {
  for (std::int64_t us :
       {std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::min()}) {
    const std::string text = msmilog::format_iso8601_utc(us);
    QVERIFY2(text.size() >= 24 && text.back() == 'Z' && text.find('T') != std::string::npos,
             text.c_str());
  }
}

void TstEventStore::parseIso8601_data() {
  QTest::addColumn<QString>("text");
  QTest::addColumn<qint64>("epoch_us");
  QTest::newRow("date") << "1997-05-22" << qint64{864259200000000};
  QTest::newRow("minutes") << "1997-05-22T12:55" << qint64{864305700000000};
  QTest::newRow("seconds") << "1997-05-22T12:55:53" << qint64{kEpoch1997};
  QTest::newRow("space and Z") << "1997-05-22 12:55:53Z" << qint64{kEpoch1997};
  QTest::newRow("lower z") << "1970-01-01z" << qint64{0};
  QTest::newRow("tenths") << "1997-05-22T12:55:53.5" << qint64{kEpoch1997 + 500000};
  QTest::newRow("millis Z") << "1997-05-22T12:55:53.123Z" << qint64{kEpoch1997 + 123000};
  QTest::newRow("nanoseconds (Event Viewer XML)")
      << "1997-05-22T12:55:53.123456789Z" << qint64{kEpoch1997 + 123456};
  QTest::newRow("before 1970") << "1969-12-31T23:59:59.999Z" << qint64{-1000};
  QTest::newRow("leap day") << "2000-02-29" << qint64{kEpoch2000};
  QTest::newRow("year 0") << "0000-01-01" << qint64{-62167219200000000};
  QTest::newRow("last microsecond of 9999")
      << "9999-12-31T23:59:59.999999" << qint64{253402300799999999};
}

void TstEventStore::parseIso8601() {
  QFETCH(QString, text);
  QFETCH(qint64, epoch_us);
  std::int64_t parsed = 42;
  QVERIFY(msmilog::parse_iso8601_utc(text.toStdString(), &parsed));
  QCOMPARE(static_cast<qint64>(parsed), epoch_us);
}

void TstEventStore::parseIso8601Rejects_data() {
  QTest::addColumn<QString>("text");
  for (const char* bad : {"",
                          "1997",
                          "1997-5-22",
                          "1997-05-2",
                          "97-05-22",
                          "1997/05/22",
                          "+1997-05-22",
                          "-001-01-01",
                          "1997-13-01",
                          "1997-00-10",
                          "1997-05-00",
                          "1997-02-29",
                          "1900-02-29",
                          "2000-02-30",
                          "1997-04-31",
                          "1997-05-22T",
                          "1997-05-22T12",
                          "1997-05-22T12:5",
                          "1997-05-22T24:00",
                          "1997-05-22T12:60",
                          "1997-05-22T12:55:60",
                          "1997-05-22T12:55:5",
                          "1997-05-22T12:55:53.",
                          "1997-05-22T12:55:53.1234567890",
                          "1997-05-22T12:55:53+01:00",
                          "1997-05-22T12:55:53ZZ",
                          " 1997-05-22",
                          "1997-05-22 ",
                          "1997-05-22x",
                          "1997-05-22Tab:cd",
                          "1997-05-22T12:55:53.12a"}) {
    QTest::newRow(*bad ? bad : "(empty)") << QString(bad);
  }
}

void TstEventStore::parseIso8601Rejects() {
  QFETCH(QString, text);
  std::int64_t parsed = 42;
  QVERIFY(!msmilog::parse_iso8601_utc(text.toStdString(), &parsed));
  QCOMPARE(parsed, std::int64_t{42});  // untouched on failure
}

void TstEventStore::formatParseRoundTrip() {
  // parse(format(x)) is x truncated to the millisecond, toward the past, over 0000..9999.
  std::mt19937_64 random(1997);
  std::uniform_int_distribution<std::int64_t> any(-62167219200000000, 253402300799999999);
  for (int i = 0; i < 20000; ++i) {
    const std::int64_t us = i < 2000 ? (i - 1000) * 997 : any(random);
    const std::int64_t floored = us - ((us % 1000) + 1000) % 1000;
    std::int64_t parsed = 0;
    const std::string text = msmilog::format_iso8601_utc(us);
    QVERIFY2(msmilog::parse_iso8601_utc(text, &parsed), text.c_str());
    QCOMPARE(parsed, floored);
    QCOMPARE(text.size(), std::size_t{24});
  }
}

void TstEventStore::parseDuration_data() {
  QTest::addColumn<QString>("text");
  QTest::addColumn<bool>("ok");
  QTest::addColumn<qint64>("us");
  const auto good = [](const char* text, qint64 us) { QTest::newRow(text) << text << true << us; };
  const auto bad = [](const char* text, const char* name) {
    QTest::newRow(name) << text << false << qint64{0};
  };
  good("250ms", 250'000);
  good("90s", 90'000'000);
  good("5m", 300'000'000);
  good("2h", 7'200'000'000);
  good("1h30m", 5'400'000'000);
  good("1d", 86'400'000'000);
  good("90", 90'000'000);
  good("0", 0);
  good("0s", 0);
  good("500us", 500);
  good("1m30s", 90'000'000);
  good("2m500ms", 120'500'000);
  good("1d2h3m4s5ms6us", 93'784'005'006);
  good("106751991d", 106751991LL * 86'400'000'000LL);
  good("9223372036854775807us", std::numeric_limits<qint64>::max());
  bad("", "empty");
  bad("-5s", "negative");
  bad("+5s", "plus sign");
  bad("5x", "unknown unit");
  bad("s", "unit without number");
  bad("ms", "ms without number");
  bad("1.5h", "fraction");
  bad("5 s", "inner space");
  bad(" 5s", "leading space");
  bad("5s ", "trailing space");
  bad("1m1h", "out of order");
  bad("1s1s", "repeated unit");
  bad("1m30", "bare number after unit");
  bad("5S", "upper-case unit");
  bad("106751992d", "days overflow");
  bad("9223372036854775807s", "multiply overflow");
  bad("9223372036854775808", "digits overflow");
  bad("9223372036854775807us1d", "out of order and overflow");
  bad("1h-5m", "negative part");
}

void TstEventStore::parseDuration() {
  QFETCH(QString, text);
  QFETCH(bool, ok);
  QFETCH(qint64, us);
  std::int64_t parsed = -42;
  QCOMPARE(msmilog::parse_duration_us(text.toStdString(), &parsed), ok);
  QCOMPARE(static_cast<qint64>(parsed), ok ? us : qint64{-42});
}

void TstEventStore::sha256Vectors_data() {
  QTest::addColumn<QByteArray>("data");
  QTest::addColumn<QString>("digest");
  // FIPS 180-2 / NIST CSRC examples.
  QTest::newRow("empty") << QByteArray()
                         << "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  QTest::newRow("abc") << QByteArray("abc")
                       << "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  QTest::newRow("448 bits") << QByteArray(
                                   "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                            << "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
  QTest::newRow("896 bits")
      << QByteArray(
             "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnop"
             "qklmnopqrlmnopqrsmnopqrstnopqrstu")
      << "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1";
  QTest::newRow("million a") << QByteArray(1'000'000, 'a')
                             << "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
  // Padding boundaries (one or two final blocks).
  QTest::newRow("55 a") << QByteArray(55, 'a')
                        << "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318";
  QTest::newRow("56 a") << QByteArray(56, 'a')
                        << "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a";
  QTest::newRow("63 a") << QByteArray(63, 'a')
                        << "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34";
  QTest::newRow("64 a") << QByteArray(64, 'a')
                        << "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb";
  QTest::newRow("119 a") << QByteArray(119, 'a')
                         << "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb";
}

void TstEventStore::sha256Vectors() {
  QFETCH(QByteArray, data);
  QFETCH(QString, digest);
  const std::string_view view(data.constData(), static_cast<std::size_t>(data.size()));
  QCOMPARE(QString::fromStdString(msmilog::sha256_hex(view)), digest);
  // Fed in uneven pieces (as an imported file is read), the digest is the same.
  msmilog::Sha256 pieces;
  for (std::size_t at = 0, step = 1; at < view.size(); at += step, step = step * 3 + 1)
    pieces.update(view.substr(at, step));
  QCOMPARE(QString::fromStdString(pieces.hex_digest()), digest);
}

namespace {

// A store of schema version 5 as that release made it: version 4, then version 5's columns,
// tables and full-text index kept in step by triggers.
std::string version5_schema_sql() {
  std::string sql = version4_schema_sql();
  sql += R"sql(
ALTER TABLE events ADD COLUMN record_number INTEGER;
ALTER TABLE events ADD COLUMN event_identifier INTEGER;
ALTER TABLE events ADD COLUMN category_number INTEGER;
ALTER TABLE events ADD COLUMN user TEXT;
ALTER TABLE events ADD COLUMN written_us INTEGER;
ALTER TABLE runs ADD COLUMN kind TEXT NOT NULL DEFAULT 'run';
ALTER TABLE runs ADD COLUMN kb TEXT;
ALTER TABLE runs ADD COLUMN import_name TEXT;
CREATE TABLE imports(run_id INTEGER NOT NULL REFERENCES runs(run_id), position INTEGER NOT NULL,
  path TEXT, format TEXT, size INTEGER, sha256 TEXT, records_read INTEGER, imported INTEGER,
  skipped INTEGER, recovered INTEGER, notes TEXT, PRIMARY KEY(run_id, position));
CREATE TABLE expectations(run_id INTEGER NOT NULL REFERENCES runs(run_id),
  position INTEGER NOT NULL, profile TEXT, text TEXT NOT NULL, verdict TEXT NOT NULL,
  evidence TEXT, PRIMARY KEY(run_id, position));
CREATE TABLE labels(run_id INTEGER NOT NULL REFERENCES runs(run_id), message_id TEXT NOT NULL,
  label TEXT NOT NULL, PRIMARY KEY(run_id, message_id));
CREATE TABLE lifecycle(run_id INTEGER NOT NULL REFERENCES runs(run_id), time_us INTEGER NOT NULL,
  what TEXT NOT NULL, service TEXT, detail TEXT);
CREATE TABLE thread_states(run_id INTEGER NOT NULL REFERENCES runs(run_id),
  time_us INTEGER NOT NULL, thread INTEGER, role TEXT, state TEXT NOT NULL);
CREATE VIRTUAL TABLE events_fts USING fts5(description, strings, content='events',
                                           content_rowid='id');
CREATE TRIGGER events_fts_ai AFTER INSERT ON events BEGIN
  INSERT INTO events_fts(rowid, description, strings)
    VALUES(new.id, new.description, new.strings);
END;
CREATE TRIGGER events_fts_ad AFTER DELETE ON events BEGIN
  INSERT INTO events_fts(events_fts, rowid, description, strings)
    VALUES('delete', old.id, old.description, old.strings);
END;
INSERT INTO events_fts(events_fts) VALUES('rebuild');
PRAGMA user_version = 5;
)sql";
  return sql;
}

}  // namespace

void TstEventStore::version5StoreIsRekeyed() {
  QTemporaryDir dir;
  const QString path = dir.filePath("v5.db");
  QVERIFY(raw_exec(path, version5_schema_sql().c_str()));
  // Read-only, a version 5 store is queried as it is, in run order, with its own index.
  std::unique_ptr<EventStore> store;
  QVERIFY(EventStore::open_read_only(path.toStdString(), &store).ok());
  QCOMPARE(store->schema_version(), 5);
  const std::vector<EventRow> before = all_events(*store);
  QCOMPARE(before.size(), std::size_t{2});
  msmilog::EventFilter search;
  search.search = "strings:0x15";
  std::int64_t found = 0;
  QVERIFY(store->count_events(search, &found).ok());
  QCOMPARE(found, std::int64_t{1});
  store.reset();

  Status status = EventStore::open(path.toStdString(), &store);
  QVERIFY2(status.ok(), status.to_string().c_str());
  QCOMPARE(store->schema_version(), EventStore::kSchemaVersion);
  QCOMPARE(raw_int(path, "SELECT count(*) FROM events WHERE id = (run_id << 32 | seq)"),
           std::int64_t{2});
  // The old triggers are gone; the writer indexes each new event exactly once.
  QCOMPARE(raw_int(path, "SELECT count(*) FROM sqlite_master WHERE name = 'events_fts_ai'"),
           std::int64_t{0});
  {
    auto writer = store->open_writer(1, "EXCH01", kEpoch1997);
    msmi::Event event;
    event.event_id = 2380;
    event.description = "A memory access violation has occurred.";
    writer->write(event);
    QVERIFY(writer->flush().ok());
  }
  QCOMPARE(raw_int(path, "SELECT count(*) FROM events_fts WHERE events_fts MATCH 'violation'"),
           std::int64_t{1});
  QVERIFY(store->count_events(search, &found).ok());
  QCOMPARE(found, std::int64_t{1});
  // The same rows as before, but for their ids, and the new one after them.
  std::vector<EventRow> after = all_events(*store);
  QCOMPARE(after.size(), std::size_t{3});
  for (std::size_t i = 0; i < before.size(); ++i) {
    after[i].id = before[i].id;
    QCOMPARE(after[i], before[i]);
  }
  QCOMPARE(after[2].seq, std::int64_t{3});
  QCOMPARE(raw_text(path, "PRAGMA integrity_check"), std::string("ok"));
  QVERIFY(raw_exec(path, "INSERT INTO events_fts(events_fts) VALUES('integrity-check')"));
}

namespace {

// The (run, seq) of every event a query delivers, in its order.
std::vector<std::pair<std::int64_t, std::int64_t>> event_keys(const EventStore& store,
                                                              const EventFilter& filter) {
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  const Status s = store.query_events(filter, [&](const EventRow& row) {
    out.emplace_back(row.run_id, row.seq);
    return true;
  });
  if (!s.ok()) qWarning("%s", s.to_string().c_str());
  return out;
}

}  // namespace

// A page of a wide time window over several runs (read run by run once the window holds more
// than a few thousand events) is the same page as the whole answer's head or tail.
void TstEventStore::timeWindowPagesMatchTheWholeAnswer() {
  QTemporaryDir dir;
  const std::string path = dir.filePath("window.db").toStdString();
  std::unique_ptr<EventStore> store;
  QVERIFY(EventStore::open(path, &store).ok());
  constexpr std::int64_t kDay = 86'400'000'000;
  // Run 1 on day 0, run 2 on day 2, run 3 on day 1: run order is not time order.
  const std::int64_t epochs[] = {kEpoch1997, kEpoch1997 + 2 * kDay, kEpoch1997 + kDay};
  for (const std::int64_t epoch : epochs) {
    std::int64_t run = 0;
    QVERIFY(store->begin_run(make_run("window.json", 1, epoch), &run).ok());
    auto writer = store->open_writer(run, "EXCH01", epoch);
    for (int i = 0; i < 12000; ++i) {
      msmi::Event event;
      event.time_us = std::int64_t{i} * 1'000'000;  // one a second: 3 h 20 min per run
      event.event_id = 2342 + i % 3;
      event.description = "event " + std::to_string(i);
      writer->write(event);
    }
    QVERIFY(writer->flush().ok());
  }
  const auto keys = [&](const EventFilter& filter) { return event_keys(*store, filter); };
  const std::string day1 = msmilog::format_iso8601_utc(kEpoch1997 + kDay);
  for (const bool newest_first : {false, true}) {
    EventFilter window;
    window.since_time = day1;  // runs 2 and 3: 24,000 events
    window.newest_first = newest_first;
    const auto all = keys(window);
    QCOMPARE(all.size(), std::size_t{24000});
    window.limit = 100;
    const auto page = keys(window);
    QCOMPARE(page, decltype(all)(all.begin(), all.begin() + 100));
    QCOMPARE(page.front().first, newest_first ? std::int64_t{3} : std::int64_t{2});
    // The next page after a cursor, crossing from one run into the next.
    window.after = msmilog::EventCursor{all[11990].first, all[11990].second};
    window.limit = 20;
    QCOMPARE(keys(window), decltype(all)(all.begin() + 11991, all.begin() + 12011));
    // Relative to the store's last event: the last hour of run 2 (day 2) only.
    EventFilter last_hour;
    last_hour.since_relative =
        msmilog::RelativeTime{msmilog::RelativeTime::Anchor::kBeforeLast, 3'600'000'000};
    last_hour.newest_first = newest_first;
    const auto hour = keys(last_hour);
    QCOMPARE(hour.size(), std::size_t{3601});
    last_hour.limit = 50;
    QCOMPARE(keys(last_hour), decltype(hour)(hour.begin(), hour.begin() + 50));
  }
}

// A window over many short runs (a page read through the time index, each run's events sorted
// by id as the next run is reached) and over one long run as well (read run by run) gives the
// pages of the whole answer, forwards, backwards and after a cursor.
void TstEventStore::timeWindowOverManyRunsPagesMatchTheWholeAnswer() {
  QTemporaryDir dir;
  const std::string path = dir.filePath("many.db").toStdString();
  std::unique_ptr<EventStore> store;
  QVERIFY(EventStore::open(path, &store).ok());
  constexpr std::int64_t kHour = 3'600'000'000;
  const auto record = [&](std::int64_t epoch, int events, int step_s) {
    std::int64_t run = 0;
    QVERIFY(store->begin_run(make_run("many.json", 1, epoch), &run).ok());
    auto writer = store->open_writer(run, "EXCH01", epoch);
    for (int i = 0; i < events; ++i) {
      msmi::Event event;
      // Times go back and forth within a run: run order is neither time order in the store nor
      // within a run.
      event.time_us = std::int64_t{(i * 7) % events} * step_s * 1'000'000;
      event.event_id = 2342 + i % 3;
      event.description = "event " + std::to_string(i);
      writer->write(event);
    }
    QVERIFY(writer->flush().ok());
  };
  // 60 runs of 13 events, an hour apart out of order (epochs 0, 37, 14, … hours), then one run
  // of 20,001 events (more than a window is read through the index for) a week later.
  for (int i = 0; i < 60; ++i) record(kEpoch1997 + (i * 37 % 60) * kHour, 13, 60);
  record(kEpoch1997 + 24 * 7 * kHour, 20001, 1);
  const auto keys = [&](const EventFilter& filter) { return event_keys(*store, filter); };
  const auto at = [](std::int64_t us) { return msmilog::format_iso8601_utc(us); };
  struct Window {
    std::optional<std::string> since, until;
    std::size_t expected;
  };
  const Window windows[] = {
      {at(kEpoch1997 + 20 * kHour + 360'000'000), std::nullopt, 39 * 13 + 7 + 20001},
      {at(kEpoch1997 + 20 * kHour + 360'000'000), at(kEpoch1997 + 100 * kHour), 39 * 13 + 7},
      {std::nullopt, at(kEpoch1997 + 30 * kHour), 30 * 13 + 1},
  };
  for (const Window& w : windows) {
    for (const bool newest_first : {false, true}) {
      EventFilter window;
      window.since_time = w.since;
      window.until_time = w.until;
      window.newest_first = newest_first;
      const auto all = keys(window);
      QCOMPARE(all.size(), w.expected);
      QVERIFY(std::is_sorted(all.begin(), all.end()) != newest_first);
      for (const std::size_t limit : {1, 100, 500}) {
        window.limit = static_cast<std::int64_t>(limit);
        window.after.reset();
        QCOMPARE(keys(window),
                 decltype(all)(all.begin(), all.begin() + std::min(all.size(), limit)));
        window.after = msmilog::EventCursor{all[200].first, all[200].second};
        QCOMPARE(keys(window),
                 decltype(all)(all.begin() + 201, all.begin() + std::min(all.size(), 201 + limit)));
      }
    }
  }
}

// Rows a version 5 store may hold that version 6 must not lose: events whose run row was
// deleted (with foreign keys off, as the sqlite3 shell has them), a run without epoch_us.
void TstEventStore::version5OddRowsMigrate() {
  QTemporaryDir dir;
  const QString path = dir.filePath("v5odd.db");
  QVERIFY(raw_exec(path, version5_schema_sql().c_str()));
  QVERIFY(raw_exec(path,
                   "PRAGMA foreign_keys = OFF;"
                   "INSERT INTO events(run_id, seq, time_us, time, source, event_id, type, "
                   "description) VALUES(9, 1, 0, '1997-05-22T12:00:00.000Z', 'MSExchangeMSMI', "
                   "2342, 'Error', 'orphan');"
                   "INSERT INTO runs(run_id, scenario) VALUES(10, 'no epoch');"
                   "INSERT INTO events(run_id, seq, time_us, time, source, event_id, type, "
                   "description) VALUES(10, 1, 5000000, '1997-05-22T12:00:05.250Z', "
                   "'MSExchangeMSMI', 2380, 'Error', 'no epoch');"));
  std::unique_ptr<EventStore> store;
  const Status status = EventStore::open(path.toStdString(), &store);
  QVERIFY2(status.ok(), status.to_string().c_str());
  QCOMPARE(raw_int(path, "SELECT count(*) FROM events"), std::int64_t{4});
  QCOMPARE(raw_int(path, "SELECT count(*) FROM runs WHERE run_id = 9"), std::int64_t{1});
  // Without an epoch the absolute time comes from the time column.
  std::int64_t at = 0;
  QVERIFY(msmilog::parse_iso8601_utc("1997-05-22T12:00:05.250Z", &at));
  QCOMPARE(raw_int(path, "SELECT at_us FROM events WHERE run_id = 10"), at);
  EventFilter window;
  window.since_time = "1997-05-22T12:00:05";
  window.until_time = "1997-05-22T12:00:06";
  std::int64_t count = 0;
  QVERIFY(store->count_events(window, &count).ok());
  QCOMPARE(count, std::int64_t{1});
  QCOMPARE(raw_int(path, "SELECT count(*) FROM pragma_foreign_key_check"), std::int64_t{0});
}

// id = run_id << 32 | seq cannot hold a run id of 2^31 or more: such a store is not upgraded
// (nor damaged) and still reads.
void TstEventStore::version5RunIdsTooLargeStayAtVersion5() {
  QTemporaryDir dir;
  const QString path = dir.filePath("v5big.db");
  QVERIFY(raw_exec(path, version5_schema_sql().c_str()));
  QVERIFY(raw_exec(path, "INSERT INTO runs(run_id, scenario) VALUES(3000000000, 'big');"));
  std::unique_ptr<EventStore> store;
  const Status status = EventStore::open(path.toStdString(), &store);
  QVERIFY(!status.ok());
  QVERIFY2(status.to_string().find("cannot be brought to schema version 6") != std::string::npos,
           status.to_string().c_str());
  QCOMPARE(raw_int(path, "PRAGMA user_version"), std::int64_t{5});
  QVERIFY(EventStore::open_read_only(path.toStdString(), &store).ok());
  std::vector<msmilog::RunSummary> runs;
  QVERIFY(store->list_runs(&runs).ok());
  QCOMPARE(runs.back().run_id, std::int64_t{3000000000});
}

// A version 6 store (no sweeps) is read as it is read-only, and gains the sweeps on its first
// read-write open, its runs belonging to none.
void TstEventStore::fullTextIndexMergesSixteenSegmentsAtATime() {
  // A new store, and a store made before the setting existed, merge the full-text index's
  // segments 16 at a time once opened for writing (FTS5's default is 4); searches still work.
  const QString path = temp_path("automerge.db");
  const char* kSetting = "SELECT v FROM events_fts_config WHERE k = 'automerge'";
  {
    std::unique_ptr<EventStore> store;
    QVERIFY(EventStore::open(path.toStdString(), &store).ok());
  }
  QCOMPARE(raw_int(path, kSetting), std::int64_t{16});
  QVERIFY(raw_exec(path, "DELETE FROM events_fts_config WHERE k = 'automerge'"));
  QCOMPARE(raw_int(path, kSetting), std::int64_t{-999});
  {
    std::unique_ptr<EventStore> reader;
    QVERIFY(EventStore::open_read_only(path.toStdString(), &reader).ok());
  }
  QCOMPARE(raw_int(path, kSetting), std::int64_t{-999});  // a reader changes nothing
  std::unique_ptr<EventStore> store;
  QVERIFY(EventStore::open(path.toStdString(), &store).ok());
  QCOMPARE(raw_int(path, kSetting), std::int64_t{16});
  std::int64_t run_id = 0;
  QVERIFY(store->begin_run(make_run("automerge.json", 1, 0), &run_id).ok());
  {
    auto writer = store->open_writer(run_id, "EXCH01", 0);
    for (int i = 0; i < 40; ++i) writer->write(big_run_event(i));
    QVERIFY(writer->flush().ok());
  }
  EventFilter filter;
  filter.search = "number";
  std::int64_t found = 0;
  QVERIFY(store->count_events(filter, &found).ok());
  QCOMPARE(found, std::int64_t{37});  // events 10, 20 and 30 say "queue at …"
}

void TstEventStore::version6StoreGainsSweeps() {
  QTemporaryDir dir;
  const QString path = dir.filePath("v6.db");
  make_real_store(path, 10);
  QVERIFY(raw_exec(path,
                   "DROP INDEX runs_by_sweep; DROP INDEX messages_by_run_fate; "
                   "DROP INDEX runs_unfinished; ALTER TABLE runs DROP COLUMN writer_lock; "
                   "ALTER TABLE runs DROP COLUMN sweep_id; "
                   "DROP TABLE sweeps; PRAGMA user_version = 6;"));
  std::unique_ptr<EventStore> store;
  QVERIFY(EventStore::open_read_only(path.toStdString(), &store).ok());
  std::vector<msmilog::SweepRecord> sweeps;
  QVERIFY(store->list_sweeps(&sweeps).ok());
  QVERIFY(sweeps.empty());
  std::vector<msmilog::RunSummary> runs;
  QVERIFY(store->list_runs(&runs).ok());
  QVERIFY(!runs.empty());
  QCOMPARE(runs.front().sweep_id, std::int64_t{0});
  store.reset();
  QCOMPARE(raw_int(path, "PRAGMA user_version"), std::int64_t{6});

  QVERIFY(EventStore::open(path.toStdString(), &store).ok());
  QCOMPARE(raw_int(path, "PRAGMA user_version"), std::int64_t{EventStore::kSchemaVersion});
  QCOMPARE(raw_int(path, "SELECT count(*) FROM sqlite_schema WHERE name = 'messages_by_run_fate'"),
           std::int64_t{1});
  msmilog::SweepRecord sweep;
  sweep.command = "msmisim sweep a.json --seeds 1..2";
  sweep.scenarios = "a.json\n";
  sweep.seeds = "1..2";
  sweep.planned = 2;
  std::int64_t sweep_id = 0;
  QVERIFY(store->begin_sweep(sweep, &sweep_id).ok());
  msmilog::RunRecord run;
  run.scenario = "a.json";
  run.sweep_id = sweep_id;
  std::int64_t run_id = 0;
  QVERIFY(store->begin_run(run, &run_id).ok());
  QVERIFY(store->finish_sweep(sweep_id, "pass", "2026-12-02T00:00:00.000Z").ok());
  QVERIFY(!store->finish_sweep(sweep_id + 1, "pass", "").ok());
  QVERIFY(store->list_sweeps(&sweeps).ok());
  QCOMPARE(sweeps.size(), std::size_t{1});
  QCOMPARE(sweeps[0].runs, std::int64_t{1});
  QCOMPARE(QString::fromStdString(sweeps[0].verdict), QString("pass"));
  QVERIFY(sweeps[0].profile.empty());  // NULL: each scenario's own
  std::vector<std::int64_t> ids;
  QVERIFY(store->sweep_run_ids(sweep_id, &ids).ok());
  QCOMPARE(ids, std::vector<std::int64_t>{run_id});
  QVERIFY(store->list_runs(&runs).ok());
  QCOMPARE(runs.back().sweep_id, sweep_id);
  QCOMPARE(runs.front().sweep_id, std::int64_t{0});
}

namespace {

// Turns a store of schema version 9 into the version 7 that release wrote: no writer locks,
// run_id, seq and time stored in every row, the indexes over every run at once.
constexpr const char* kBackToVersion7Sql = R"sql(
DROP INDEX runs_unfinished;
DROP INDEX sweeps_unfinished;
ALTER TABLE runs DROP COLUMN writer_lock;
ALTER TABLE sweeps DROP COLUMN writer_lock;
DROP TRIGGER events_fts_ad;
CREATE TABLE events_v7(
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(run_id),
  seq INTEGER NOT NULL,
  time_us INTEGER NOT NULL,
  time TEXT NOT NULL,
  computer TEXT,
  source TEXT NOT NULL,
  event_id INTEGER NOT NULL,
  type TEXT NOT NULL,
  category TEXT,
  level INTEGER,
  thread INTEGER,
  message_id TEXT,
  description TEXT NOT NULL,
  strings TEXT,
  data BLOB,
  record_number INTEGER,
  event_identifier INTEGER,
  category_number INTEGER,
  user TEXT,
  written_us INTEGER,
  at_us INTEGER NOT NULL
);
INSERT INTO events_v7 SELECT * FROM events ORDER BY id;
DROP TABLE events;
ALTER TABLE events_v7 RENAME TO events;
CREATE INDEX events_by_event_id_time ON events(event_id, at_us);
CREATE INDEX events_by_time ON events(at_us);
CREATE INDEX events_by_message_id ON events(message_id) WHERE message_id IS NOT NULL;
CREATE TRIGGER events_fts_ad AFTER DELETE ON events BEGIN
  INSERT INTO events_fts(events_fts, rowid, description, strings)
    VALUES('delete', old.id, old.description, old.strings);
END;
PRAGMA user_version = 7;
)sql";

// Two runs of one scenario with the same epoch (their times and message IDs interleave) and an
// import whose times are µs since 1970, some before 1970 and after 9999.
void make_store_of_three_runs(const QString& path) {
  std::unique_ptr<EventStore> store;
  QVERIFY(EventStore::open(path.toStdString(), &store).ok());
  for (int copy = 0; copy < 2; ++copy) {
    std::int64_t run_id = 0;
    QVERIFY(store->begin_run(make_run("real", 7, kEpoch1997), &run_id).ok());
    auto writer = store->open_writer(run_id, "EXCH01", kEpoch1997);
    for (int i = 0; i < 3000; ++i) writer->write(big_run_event(i + copy));
    QVERIFY(writer->flush().ok());
    QVERIFY(store->finish_run(run_id, "pass", "2024-01-02T03:05:00.000Z", 5'000'000).ok());
  }
  std::int64_t import_id = 0;
  QVERIFY(store->begin_import("odd-times", make_run("odd.evt", 0, 0), &import_id).ok());
  auto writer = store->open_writer(import_id, "EXCH09", 0);
  const std::int64_t times[] = {kEpoch1997 + 1,       -1, -86'400'000'001, 253402300800000000,
                                kEpoch2000 + 999'999, 0};
  int n = 0;
  for (const std::int64_t t : times) {
    EventRow row;
    row.time_us = t;
    row.source = "Application Error";
    row.event_id = 1000 + n % 2;
    row.type = "Error";
    row.category = "(1)";
    row.description = "imported record " + std::to_string(++n) + " connector";
    row.record_number = n;
    writer->write_row(row);
  }
  QVERIFY(writer->flush().ok());
}

// What a user sees of a store: pages, counts and groups through the query API, as text.
QStringList answers(const EventStore& store) {
  std::vector<EventFilter> filters(13);
  filters[1].event_ids = {2342};
  filters[2].run_id = 2;
  filters[2].event_ids = {2553, 2117};
  filters[2].limit = 40;
  filters[3].since_time = "1997-05-22T12:55:54.5";
  filters[3].until_time = "1997-05-22T12:55:55";
  filters[4].message_id = "NET/PO/00000010";
  filters[5].search = "connector OR 0x15";
  filters[5].limit = 50;
  filters[6].newest_first = true;
  filters[6].limit = 25;
  filters[7].since_relative =
      msmilog::RelativeTime{msmilog::RelativeTime::Anchor::kBeforeLast, 2'000'000};
  filters[7].limit = 30;
  filters[8].event_id_ranges = {{2300, 2400}};
  filters[8].since_time = "1997-05-22T12:55:54";
  filters[8].limit = 30;
  filters[9].run_id = 3;
  filters[10].event_ids = {2444};
  filters[10].limit = 10;
  filters[10].after = msmilog::EventCursor{1, 2990};
  filters[11].types = {"Warning"};
  filters[11].since_time = "1997-05-22T12:55:53";
  filters[11].limit = 20;
  filters[12].run_id = 1;
  filters[12].since_time = "1997-05-22T12:55:56";
  filters[12].limit = 5;
  QStringList out;
  for (std::size_t i = 0; i < filters.size(); ++i) {
    const EventFilter& filter = filters[i];
    QString page = QString("filter %1:").arg(i);
    const Status s = store.query_events(filter, [&](const EventRow& row) {
      page += QString::fromStdString(" " + std::to_string(row.run_id) + "/" +
                                     std::to_string(row.seq) + "@" + row.time + "#" +
                                     std::to_string(row.event_id) + ":" + row.message_id);
      return true;
    });
    std::int64_t count = -1;
    EventFilter all = filter;
    all.limit = -1;
    const Status c = store.count_events(all, &count);
    std::vector<msmilog::EventCount> groups;
    const Status g = store.count_events_by(
        all, {msmilog::CountField::kEventId, msmilog::CountField::kHour}, -1, &groups);
    page += QString(" count %1 groups").arg(count);
    for (const msmilog::EventCount& group : groups) {
      page += QString::fromStdString(" " + group.values[0] + "," + group.values[1] + "=" +
                                     std::to_string(group.count));
    }
    if (!s.ok() || !c.ok() || !g.ok()) page += " error";
    out << page;
  }
  return out;
}

}  // namespace

// A store of version 7 becomes version 8 (and 9) on its first read-write open: every row reads the
// same (run_id, seq and time now computed), the full-text index is made again without per-row
// token counts, and every question answers as it did on version 7.
void TstEventStore::version7StoreIsMigratedWithTheSameAnswers() {
  QTemporaryDir dir;
  const QString path = dir.filePath("v7.db");
  make_store_of_three_runs(path);
  const std::string rows_sql =
      "SELECT group_concat(quote(id) || quote(run_id) || quote(seq) || quote(time) || "
      "quote(at_us) || quote(event_id) || quote(message_id) || quote(description) || "
      "quote(strings) || quote(data), '|') FROM (SELECT * FROM events ORDER BY id)";
  const std::string rows_v8 = raw_text(path, rows_sql.c_str());
  QVERIFY(raw_exec(path, kBackToVersion7Sql));
  QCOMPARE(raw_text(path, rows_sql.c_str()), rows_v8);

  std::unique_ptr<EventStore> store;
  QVERIFY(EventStore::open_read_only(path.toStdString(), &store).ok());
  QCOMPARE(store->schema_version(), 7);
  const QStringList before = answers(*store);
  store.reset();
  QVERIFY(!before.join("\n").contains("error"));
  QVERIFY(before[1].contains("count 1000"));  // 2342 is every sixth of 2 x 3000

  const Status status = EventStore::open(path.toStdString(), &store);
  QVERIFY2(status.ok(), status.to_string().c_str());
  QCOMPARE(store->schema_version(), EventStore::kSchemaVersion);
  QCOMPARE(raw_int(path, "PRAGMA user_version"), std::int64_t{EventStore::kSchemaVersion});
  QCOMPARE(raw_text(path, rows_sql.c_str()), rows_v8);
  QCOMPARE(raw_text(path,
                    "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_schema WHERE "
                    "type = 'index' AND tbl_name = 'events' ORDER BY name)"),
           std::string("events_by_run_event_id,events_by_run_message_id,events_by_run_time"));
  // The full-text index was made again without per-row token counts, and finds the same rows.
  QCOMPARE(raw_int(path, "SELECT count(*) FROM sqlite_schema WHERE name = 'events_fts_docsize'"),
           std::int64_t{0});
  QVERIFY(raw_int(path, "SELECT count(*) FROM events_fts_data") > 0);
  QCOMPARE(raw_text(path, "PRAGMA integrity_check"), std::string("ok"));
  QCOMPARE(answers(*store), before);
  // The writer goes on after the migrated rows, and deleting a row still leaves the index.
  auto writer = store->open_writer(3, "EXCH09", 0);
  EventRow row;
  row.time_us = kEpoch2000;
  row.source = "Application Error";
  row.event_id = 1002;
  row.type = "Error";
  row.description = "written after the migration";
  writer->write_row(row);
  QVERIFY(writer->flush().ok());
  writer.reset();
  QCOMPARE(raw_text(path, "SELECT seq || ' ' || time FROM events WHERE event_id = 1002"),
           std::string("7 2000-02-29T00:00:00.000Z"));
  QVERIFY(raw_exec(path, "DELETE FROM events WHERE event_id = 1002"));
  QCOMPARE(raw_int(path,
                   "SELECT count(*) FROM events_fts WHERE events_fts MATCH '\"after the "
                   "migration\"'"),
           std::int64_t{0});
}

// A version 7 row whose `time` is not the text of its at_us (written by another program) would
// read differently as version 8: such a store stays at version 7, readable.
void TstEventStore::version7StoreWithOtherTimesStaysAtVersion7() {
  QTemporaryDir dir;
  const QString path = dir.filePath("v7odd.db");
  make_store_of_three_runs(path);
  QVERIFY(raw_exec(path, kBackToVersion7Sql));
  QVERIFY(raw_exec(path, "UPDATE events SET time = '1997-05-22 12:55:53' WHERE id = 1 << 32 | 5"));
  std::unique_ptr<EventStore> store;
  const Status status = EventStore::open(path.toStdString(), &store);
  QCOMPARE(status.code(), Status::Code::kInvalidArgument);
  QVERIFY2(status.message().find("1 events have a `time` other than") != std::string::npos,
           status.message().c_str());
  QCOMPARE(raw_int(path, "PRAGMA user_version"), std::int64_t{7});
  QVERIFY(EventStore::open_read_only(path.toStdString(), &store).ok());
  std::int64_t count = 0;
  QVERIFY(store->count_events(EventFilter{}, &count).ok());
  QCOMPARE(count, std::int64_t{6006});
}

void TstEventStore::generatedTimeIsTheFormattersText_data() {
  QTest::addColumn<qint64>("at_us");
  const std::int64_t cycle = 12622780800000000;  // 400 Gregorian years
  const std::pair<const char*, std::int64_t> cases[] = {
      {"1970", 0},
      {"1970 + 1 us", 1},
      {"1970 + 999 us", 999},
      {"1970 + 1 ms", 1000},
      {"1997", kEpoch1997 + 123456},
      {"1 us before 1970", -1},
      {"1 ms before 1970", -1000},
      {"1001 us before 1970", -1001},
      {"a day and a us before 1970", -86'400'000'001},
      {"2369-12-31 last us", cycle - 1},
      {"2370-01-01", cycle},
      {"9999-12-31 last us", 253402300799999999},
      {"10000-01-01", 253402300800000000},
      {"0000-01-01", -62167219200000000},
      {"-0001-12-31 last us", -62167219200000001},
      {"1600-02-29", -11670912000000000},
      {"1 cycle before 1970", -cycle},
      {"1 cycle and 1 us before 1970", -cycle - 1},
      {"int64 max", std::numeric_limits<std::int64_t>::max()},
      {"int64 min", std::numeric_limits<std::int64_t>::min()},
      {"int64 min + 1", std::numeric_limits<std::int64_t>::min() + 1},
  };
  for (const auto& [name, at_us] : cases) QTest::newRow(name) << qint64{at_us};
}

// Version 8 computes `time` from at_us in SQL: the text must be the formatter's, byte for byte.
void TstEventStore::generatedTimeIsTheFormattersText() {
  QFETCH(qint64, at_us);
  const QString path = temp_path("times.db");
  {
    std::unique_ptr<EventStore> store;
    QVERIFY(EventStore::open(path.toStdString(), &store).ok());
    std::int64_t run_id = 0;
    QVERIFY(store->begin_import("times-" + std::to_string(at_us), make_run("t.evt", 0, 0), &run_id)
                .ok());
    auto writer = store->open_writer(run_id, "EXCH09", 0);
    EventRow row;
    row.time_us = at_us;
    row.source = "Application Error";
    row.event_id = 1000;
    row.type = "Error";
    row.description = "at " + std::to_string(at_us);
    writer->write_row(row);
    QVERIFY(writer->flush().ok());
  }
  const std::string sql = "SELECT time FROM events WHERE at_us = " + std::to_string(at_us);
  QCOMPARE(raw_text(path, sql.c_str()), msmilog::format_iso8601_utc(at_us));
}

// A cursor no event can have (typed by hand) keeps the rows (run_id, seq) order would.
void TstEventStore::cursorsBeyondAnyEventKeepRunOrder() {
  const auto first_after = [&](msmilog::EventCursor cursor, bool newest_first) {
    EventFilter filter;
    filter.after = cursor;
    filter.newest_first = newest_first;
    filter.limit = 1;
    std::pair<std::int64_t, std::int64_t> key{-1, -1};
    const Status s = big_->query_events(filter, [&](const EventRow& row) {
      key = {row.run_id, row.seq};
      return false;
    });
    if (!s.ok()) qWarning("%s", s.to_string().c_str());
    return key;
  };
  const std::int64_t beyond = std::int64_t{1} << 32;
  QCOMPARE(first_after({big_run_, beyond}, false), std::make_pair(small_run_, std::int64_t{1}));
  QCOMPARE(first_after({big_run_, beyond}, true),
           std::make_pair(big_run_, std::int64_t{kBigRunEvents}));
  QCOMPARE(first_after({small_run_, -5}, false), std::make_pair(small_run_, std::int64_t{1}));
  QCOMPARE(first_after({small_run_, -5}, true),
           std::make_pair(big_run_, std::int64_t{kBigRunEvents}));
}

QTEST_APPLESS_MAIN(TstEventStore)
#include "tst_event_store.moc"
