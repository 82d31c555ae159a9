// The msmisim command line end to end: exit codes, what it prints, and what it leaves in the
// event store.
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "cli_process.h"
#include "msmi/defects.h"
#include "msmilog/event_store.h"

namespace {

using Result = CliResult;

Result msmisim(const QStringList& args, const QString& cwd) {
  return run_msmisim(args, cwd);
}

QString source(const QString& relative) {
  return QString(MSMISIM_SOURCE_DIR) + "/" + relative;
}

std::vector<msmilog::EventRow> events(const QString& db, int event_id) {
  std::unique_ptr<msmilog::EventStore> store;
  if (!msmilog::EventStore::open_read_only(db.toStdString(), &store).ok()) return {};
  msmilog::EventFilter filter;
  filter.event_ids = {event_id};
  std::vector<msmilog::EventRow> rows;
  (void)store->query_events(filter, [&](const msmilog::EventRow& row) {
    rows.push_back(row);
    return true;
  });
  return rows;
}

}  // namespace

class TestCli : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void q151791_reproduces_into_the_store();
  void kb_fixed_profiles_lose_nothing_data();
  void kb_fixed_profiles_lose_nothing();
  void q175965_records_crash_events();
  void bad_input_exits_2_data();
  void bad_input_exits_2();
  void failed_expectation_exits_1();
  void corrupt_store_exits_3();
  void scenario_folder_exits_2();
  void foreign_postoffice_is_refused_untouched();
  void interrupted_run_is_recorded();
  void run_writes_its_report_data();
  void run_writes_its_report();
  void query_filters_and_formats();
  void runs_lists_runs();
  void scenarios_lists_a_folder();
  void same_seed_same_stored_events_data();
  void same_seed_same_stored_events();
  void help_everywhere_data();
  void help_everywhere();

 private:
  QTemporaryDir dir_;
};

void TestCli::initTestCase() {
  QVERIFY(dir_.isValid());
}

void TestCli::q151791_reproduces_into_the_store() {
  const Result r =
      msmisim({"run", source("scenarios/kb/Q151791.json"), "--db", "kb.db"}, dir_.path());
  QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
  QVERIFY(r.out.contains("seed 151791, profile exchange-5.0"));
  QVERIFY(r.out.contains("replay: msmisim run " + source("scenarios/kb/Q151791.json") +
                         " --seed 151791 --profile exchange-5.0 --db kb.db"));
  QVERIFY(r.out.contains("PASS: "));
  const QString db = dir_.path() + "/kb.db";
  const auto sessions = events(db, 2384);
  const auto refused = events(db, 2342);
  const auto failed = events(db, 2553);
  QVERIFY(refused.size() > 100);
  QCOMPARE(sessions.front().description,
           std::string("MS Mail Connector Interchange has established an MTA session for uploading "
                       "messages to the Exchange server."));
  QCOMPARE(
      refused.front().description,
      std::string(
          "MS Mail Connector Interchange failed to put into XOM stream. Return code is 0x15."));
  QCOMPARE(failed.front().description,
           std::string(
               "The thread in MS Mail Connector that delivers to Exchange has failed writing out "
               "data to the MTA."));
  QCOMPARE(refused.front().source, std::string("MSExchangeMSMI"));
  QCOMPARE(refused.front().type, std::string("Error"));
  QCOMPARE(refused.front().category, std::string("Session Error"));
  QCOMPARE(refused.front().thread, 5);
  QCOMPARE(failed.front().level, 0);
  QVERIFY(refused.front().time.starts_with("1997-05-22T09:"));
  std::unique_ptr<msmilog::EventStore> store;
  QVERIFY(msmilog::EventStore::open_read_only(db.toStdString(), &store).ok());
  std::vector<msmilog::RunSummary> runs;
  QVERIFY(store->list_runs(&runs).ok());
  QCOMPARE(runs.back().verdict, std::string("pass"));
  QCOMPARE(runs.back().seed, std::uint64_t(151791));
  // The defects of exchange-5.0, as the registry has them (Q151791 among them).
  QCOMPARE(runs.back().defects, msmi::find_profile("exchange-5.0")->defects.to_string());
  QVERIFY(runs.back().defects.starts_with("Q151791,Q175965"));
  QVERIFY(runs.back().event_count > 1000);
  std::vector<msmilog::LedgerRow> ledger;
  QVERIFY(store->read_ledger(runs.back().run_id, &ledger).ok());
  int pending = 0;
  for (const auto& row : ledger) pending += row.fate == "pending" ? 1 : 0;
  QVERIFY(pending > 50);  // the backlog behind the bad message
  std::vector<msmilog::SampleRow> samples;
  QVERIFY(store->read_samples(runs.back().run_id, &samples).ok());
  QVERIFY(!samples.empty());
}

void TestCli::kb_fixed_profiles_lose_nothing_data() {
  QTest::addColumn<QString>("scenario");
  QTest::addColumn<QString>("profile");
  QTest::newRow("Q151791 sp1") << "scenarios/kb/Q151791.json"
                               << "exchange-5.0-sp1";
  QTest::newRow("Q151791 hardened") << "scenarios/kb/Q151791.json"
                                    << "hardened";
  QTest::newRow("Q175965 sp1") << "scenarios/kb/Q175965.json"
                               << "exchange-5.0-sp1";
  QTest::newRow("Q175965 hardened") << "scenarios/kb/Q175965.json"
                                    << "hardened";
}

void TestCli::kb_fixed_profiles_lose_nothing() {
  QFETCH(QString, scenario);
  QFETCH(QString, profile);
  const QString db = QString("fixed-%1.db").arg(QTest::currentDataTag()).replace(' ', '-');
  const Result r =
      msmisim({"run", source(scenario), "--profile", profile, "--db", db}, dir_.path());
  QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
  std::unique_ptr<msmilog::EventStore> store;
  QVERIFY(msmilog::EventStore::open_read_only((dir_.path() + "/" + db).toStdString(), &store).ok());
  std::int64_t run_id = 0;
  QVERIFY(store->latest_run_id(&run_id).ok());
  std::vector<msmilog::LedgerRow> ledger;
  QVERIFY(store->read_ledger(run_id, &ledger).ok());
  QVERIFY(ledger.size() > 50);
  for (const auto& row : ledger) {
    QVERIFY2(row.fate != "lost", row.message_id.c_str());
    if (row.detail.starts_with("[")) {  // the labelled bad message was handled
      QVERIFY2(row.fate == "ndr" || row.fate == "quarantined", row.detail.c_str());
    }
  }
  QVERIFY(events(dir_.path() + "/" + db, 10003).empty());
}

void TestCli::q175965_records_crash_events() {
  const Result r =
      msmisim({"run", source("scenarios/kb/Q175965.json"), "--db", "crash.db"}, dir_.path());
  QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
  const auto av = events(dir_.path() + "/crash.db", 2380);
  const auto fatal = events(dir_.path() + "/crash.db", 10003);
  QCOMPARE(av.size(), std::size_t(2));
  QCOMPARE(fatal.size(), std::size_t(2));
  QVERIFY(av[0].description.starts_with(
      "A memory access violation has occurred that prevents further "
      "processing of a message. The access violation that occurred is "
      "an attempt to read from 0x00000024."));
  QCOMPARE(fatal[0].description,
           std::string("Fatal Assert: File sfsems.cpp line 837. Mailer thread failed."));
  QCOMPARE(fatal[0].seq, av[0].seq + 1);
  QCOMPARE(fatal[0].thread, 4);
}

void TestCli::bad_input_exits_2_data() {
  QTest::addColumn<QString>("scenario");
  QTest::addColumn<QStringList>("extra");
  QTest::addColumn<QString>("message");
  QTest::newRow("unknown key") << R"({"duration": "1h", "trafic": []})" << QStringList{}
                               << "$.trafic: unknown key 'trafic'";
  QTest::newRow("bad duration")
      << R"({"traffic": [{"from": "MS:A/B/C", "to": "MS:D/E/F", "every": "soon"}]})"
      << QStringList{} << "$.traffic[0].every: expected a duration";
  QTest::newRow("invalid json") << "{\"seed\": 1,,}" << QStringList{}
                                << "bad.json:1:12: invalid JSON";
  QTest::newRow("unknown profile")
      << "{}" << QStringList{"--profile", "exchange-9"} << "unknown profile";
  QTest::newRow("bad defect") << "{}" << QStringList{"--defect", "Q151791=maybe"}
                              << "expected NAME=on";
  QTest::newRow("bad seed") << "{}" << QStringList{"--seed", "minus-one"} << "--seed";
  QTest::newRow("negative seed") << "{}" << QStringList{"--seed", "-1"}
                                 << "--seed -1: expected a whole number";
  QTest::newRow("duplicate key") << R"({"seed": 1, "seed": 2})" << QStringList{}
                                 << "key 'seed' appears twice";
  QTest::newRow("unknown option") << "{}" << QStringList{"--fast"}
                                  << "unrecognised option '--fast'";
  // 100000 levels would overflow the stack of whatever walks the value.
  QTest::newRow("nested too deeply")
      << R"({"name": )" + QString(100000, '[') + QString(100000, ']') + "}" << QStringList{}
      << "bad.json:1:265: invalid JSON: nested too deeply";
  // Past a double's range: nlohmann throws out_of_range, not parse_error (a fuzz finding).
  QTest::newRow("number too large") << R"({"seed": 1E400})" << QStringList{}
                                    << "bad.json:1:10: invalid JSON: the number 1E400 is too large";
  QTest::newRow("empty --junit") << "{}" << QStringList{"--junit", ""}
                                 << "--junit needs a file name";
  QTest::newRow("--db with --no-db")
      << "{}" << QStringList{"--no-db"} << "--db bad.db and --no-db contradict each other";
  QTest::newRow("empty --markdown")
      << "{}" << QStringList{"--markdown", ""} << "--markdown needs a file name";
}

void TestCli::bad_input_exits_2() {
  QFETCH(QString, scenario);
  QFETCH(QStringList, extra);
  QFETCH(QString, message);
  QFile file(dir_.path() + "/bad.json");
  QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
  file.write(scenario.toUtf8());
  file.close();
  const Result r = msmisim(QStringList{"run", "bad.json", "--db", "bad.db"} + extra, dir_.path());
  QCOMPARE(r.code, 2);
  QVERIFY2(r.err.contains(message), qPrintable(r.err));
  QVERIFY(!QFile::exists(dir_.path() + "/bad.db"));  // nothing recorded for input that never ran
}

void TestCli::failed_expectation_exits_1() {
  QFile file(dir_.path() + "/strict.json");
  QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
  file.write(
      R"({"duration": "5m", "expect": {"*": {"events": [{"id": 2553, "count": {"min": 1}}]}}})");
  file.close();
  const Result r =
      msmisim({"run", "strict.json", "--db", "strict.db", "--seed", "9", "-q"}, dir_.path());
  QCOMPARE(r.code, 1);
  QVERIFY(!r.out.contains("Events by ID"));  // quiet: no summary, but the failures are named
  QVERIFY(r.out.contains("FAIL event 2553 count ≥ 1: 0"));
  QVERIFY(r.out.contains(
      "replay: msmisim run strict.json --seed 9 --profile exchange-5.0 --db strict.db"));
  std::unique_ptr<msmilog::EventStore> store;
  QVERIFY(
      msmilog::EventStore::open_read_only((dir_.path() + "/strict.db").toStdString(), &store).ok());
  std::vector<msmilog::RunSummary> runs;
  QVERIFY(store->list_runs(&runs).ok());
  QCOMPARE(runs.back().verdict, std::string("fail"));
}

void TestCli::corrupt_store_exits_3() {
  QFile file(dir_.path() + "/notes.db");
  QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
  file.write("these are my notes, not an event store\n");
  file.close();
  const Result run =
      msmisim({"run", source("scenarios/kb/Q175965.json"), "--db", "notes.db"}, dir_.path());
  QCOMPARE(run.code, 3);
  QVERIFY2(run.err.contains("notes.db"), qPrintable(run.err));
  const Result query = msmisim({"query", "--db", "notes.db"}, dir_.path());
  QCOMPARE(query.code, 3);
  QVERIFY(file.open(QIODevice::ReadOnly));
  QCOMPARE(file.readAll(), QByteArray("these are my notes, not an event store\n"));  // untouched
  const Result missing = msmisim({"query", "--db", "nothing-here.db"}, dir_.path());
  QCOMPARE(missing.code, 3);
  QVERIFY(missing.err.contains("nothing-here.db"));
}

void TestCli::run_writes_its_report_data() {
  QTest::addColumn<QStringList>("store");  // --db or --no-db
  QTest::addColumn<QString>("failing");    // a --defect that breaks an expectation, or ""
  QTest::newRow("recorded") << QStringList{"--db", "report.db"} << "";
  QTest::newRow("not recorded") << QStringList{"--no-db"} << "";
  QTest::newRow("failing run") << QStringList{"--db", "report.db"} << "Q175965=off";
}

// run --report FILE leaves the run's HTML page, whatever the verdict; with --no-db the run goes
// through a temporary store that is gone afterwards.
void TestCli::run_writes_its_report() {
  QFETCH(QStringList, store);
  QFETCH(QString, failing);
  QTemporaryDir tmp;  // the process's TMPDIR, to see that nothing is left in it
  QTemporaryDir work;
  QStringList args = {"run", source("scenarios/kb/Q175965.json"), "--report", "q175965.html", "-q"};
  args << store;
  if (!failing.isEmpty()) args << "--defect" << failing;
  QProcess p;
  QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
  env.insert("TMPDIR", tmp.path());
  p.setProcessEnvironment(env);
  p.setWorkingDirectory(work.path());
  p.start(MSMISIM_BINARY, args);
  QVERIFY(p.waitForFinished(120'000));
  const QString out = QString::fromUtf8(p.readAllStandardOutput());
  QCOMPARE(p.exitCode(), failing.isEmpty() ? 0 : 1);
  QVERIFY2(out.contains("report: q175965.html ("), qPrintable(out));
  QFile page(work.filePath("q175965.html"));
  QVERIFY(page.open(QIODevice::ReadOnly));
  const QString html = QString::fromUtf8(page.readAll());
  QVERIFY(html.endsWith("</html>\n"));
  for (const char* chart : {"thread-activity", "backlog", "events-over-time"}) {
    QVERIFY2(html.contains(QString("id=\"%1\"").arg(chart)), chart);
  }
  QVERIFY(html.contains(failing.isEmpty() ? "class=\"badge pass\"" : "class=\"badge fail\""));
  QVERIFY(html.contains("2380"));  // the KB's event is in the page
  QCOMPARE(QDir(tmp.path()).entryList(QDir::NoDotAndDotDot | QDir::AllEntries), QStringList());
  QCOMPARE(QFile::exists(work.filePath("report.db")), store.contains("report.db"));
  QVERIFY(!QFile::exists(work.filePath("msmisim.db")));

  // One scenario file only; a report that cannot be written, or would be written over the store
  // or the scenario, is refused before anything runs.
  Result r = msmisim({"run", source("scenarios/kb"), "--no-db", "--report", "x.html"}, work.path());
  QCOMPARE(r.code, 2);
  QVERIFY2(r.err.contains("--report takes one scenario file"), qPrintable(r.err));
  r = msmisim({"run", source("scenarios/kb/Q175965.json"), "--db", "r.db", "--report",
               "no/such/folder/x.html"},
              work.path());
  QCOMPARE(r.code, 2);
  QVERIFY2(r.err.contains("no/such/folder/x.html: the folder no/such/folder does not exist"),
           qPrintable(r.err));
  QVERIFY(!QFile::exists(work.filePath("r.db")));  // nothing ran
  r = msmisim({"run", source("scenarios/kb/Q175965.json"), "--db", "r.db", "--report", "r.db"},
              work.path());
  QCOMPARE(r.code, 2);
  QVERIFY2(r.err.contains("--report r.db: is the event store itself"), qPrintable(r.err));
  QFile::copy(source("scenarios/kb/Q175965.json"), work.filePath("copy.json"));
  r = msmisim({"run", "copy.json", "--no-db", "--report", "./copy.json"}, work.path());
  QCOMPARE(r.code, 2);
  QVERIFY2(r.err.contains("is the scenario itself"), qPrintable(r.err));
  // report -o over the store it reads is refused, and the store stays a store.
  r = msmisim({"run", source("scenarios/kb/Q175965.json"), "--db", "kept.db", "-q"}, work.path());
  QCOMPARE(r.code, 0);
  r = msmisim({"report", "--db", "kept.db", "-o", "kept.db"}, work.path());
  QCOMPARE(r.code, 2);
  QVERIFY2(r.err.contains("-o kept.db: is the event store itself"), qPrintable(r.err));
  QCOMPARE(msmisim({"runs", "--db", "kept.db"}, work.path()).code, 0);
  // An existing page is replaced only with --force, as export and shrink do.
  QCOMPARE(msmisim({"report", "--db", "kept.db", "-o", "kept.html"}, work.path()).code, 0);
  r = msmisim({"report", "--db", "kept.db", "-o", "kept.html"}, work.path());
  QCOMPARE(r.code, 2);
  QVERIFY2(r.err.contains("-o kept.html: exists; give --force"), qPrintable(r.err));
  QCOMPARE(msmisim({"report", "--db", "kept.db", "-o", "kept.html", "--force"}, work.path()).code,
           0);
}

void TestCli::scenario_folder_exits_2() {
  // A folder runs every scenario in it (tst_ci_reports); one that is not there is a bad argument.
  const Result r =
      msmisim({"run", source("scenarios/kb"), source("scenarios/nowhere"), "--no-db"}, dir_.path());
  QCOMPARE(r.code, 2);
  QVERIFY2(r.err.contains("scenarios/nowhere: no such file or folder"), qPrintable(r.err));
  QVERIFY2(r.out.isEmpty(), qPrintable(r.out));  // nothing ran
}

void TestCli::foreign_postoffice_is_refused_untouched() {
  QDir(dir_.path()).mkpath("mine");
  QFile notes(dir_.path() + "/mine/notes.txt");
  QVERIFY(notes.open(QIODevice::WriteOnly));
  notes.write("keep me");
  notes.close();
  const Result r =
      msmisim({"run", source("scenarios/kb/Q175965.json"), "--db", "po.db", "--postoffice", "mine"},
              dir_.path());
  QCOMPARE(r.code, 2);
  QVERIFY2(r.err.contains("mine: folder is not empty and was not made by msmisim"),
           qPrintable(r.err));
  QVERIFY(!r.out.contains("replay:"));  // nothing ran, so there is nothing to replay
  QVERIFY(!QFile::exists(dir_.path() + "/po.db"));
  QVERIFY(notes.open(QIODevice::ReadOnly));
  QCOMPARE(notes.readAll(), QByteArray("keep me"));
  // A new folder is made into a shadow postoffice and kept.
  const Result ok =
      msmisim({"run", source("scenarios/kb/Q175965.json"), "--no-db", "-q", "--postoffice", "po"},
              dir_.path());
  QCOMPARE(ok.code, 0);
  QVERIFY(ok.out.contains("--postoffice po"));
  QVERIFY(QFile::exists(dir_.path() + "/po/GLB/NETWORK.GLB"));
  QVERIFY(QFile::exists(dir_.path() + "/po/KEY/INQUEUE3.KEY"));
  // The files the run removed and kept for reuse are gone with it.
  QVERIFY(!QFileInfo::exists(dir_.path() + "/po/.msmisim-spare"));
  // --postoffice-fsync makes the same run durable on the host, and needs a folder to do it in.
  const Result synced = msmisim({"run", source("scenarios/kb/Q175965.json"), "--no-db", "-q",
                                 "--postoffice", "po", "--postoffice-fsync"},
                                dir_.path());
  QCOMPARE(synced.code, 0);
  QVERIFY2(synced.out.contains("--postoffice po --postoffice-fsync"), qPrintable(synced.out));
  const Result alone = msmisim(
      {"run", source("scenarios/kb/Q175965.json"), "--no-db", "--postoffice-fsync"}, dir_.path());
  QCOMPARE(alone.code, 2);
  QVERIFY2(alone.err.contains("--postoffice-fsync needs --postoffice DIR"), qPrintable(alone.err));
  const Result folder =
      msmisim({"run", source("scenarios/kb"), "--no-db", "--postoffice-fsync"}, dir_.path());
  QCOMPARE(folder.code, 2);
  QVERIFY2(folder.err.contains("--postoffice-fsync needs --postoffice DIR"),
           qPrintable(folder.err));
  QVERIFY(folder.out.isEmpty());  // nothing ran
}

void TestCli::interrupted_run_is_recorded() {
  QFile file(dir_.path() + "/long.json");
  QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
  file.write(
      R"({"duration": "30d", "traffic": [{"from": "MS:MSNET/SALES/A", "to": "MS:EXCHANGE/HQ/B", "every": "2s"}]})");
  file.close();
  QProcess process;
  process.setWorkingDirectory(dir_.path());
  process.start(MSMISIM_BINARY, {"run", "long.json", "--db", "long.db"});
  QVERIFY(process.waitForStarted());
  QTest::qWait(1500);
  process.terminate();  // SIGTERM, as a CI timeout sends
  QVERIFY(process.waitForFinished(30'000));
  QCOMPARE(process.exitCode(), 130);
  QVERIFY(QString::fromUtf8(process.readAllStandardOutput()).contains("INTERRUPTED at "));
  std::unique_ptr<msmilog::EventStore> store;
  QVERIFY(
      msmilog::EventStore::open_read_only((dir_.path() + "/long.db").toStdString(), &store).ok());
  std::vector<msmilog::RunSummary> runs;
  QVERIFY(store->list_runs(&runs).ok());
  QCOMPARE(runs.back().verdict, std::string("interrupted"));
  QVERIFY(runs.back().virtual_duration_us > 0);
  QVERIFY(runs.back().virtual_duration_us < 30LL * 24 * 3600 * 1'000'000);
}

void TestCli::query_filters_and_formats() {
  const QString db = dir_.path() + "/q.db";
  QCOMPARE(
      msmisim({"run", source("scenarios/kb/Q151791.json"), "--db", "q.db", "-q"}, dir_.path()).code,
      0);
  Result r =
      msmisim({"query", "--db", "q.db", "--event-id", "2342", "--limit", "3", "--format", "json"},
              dir_.path());
  QCOMPARE(r.code, 0);
  const QJsonArray rows = QJsonDocument::fromJson(r.out.toUtf8()).array();
  QCOMPARE(rows.size(), 3);
  for (const QJsonValue& row : rows) {
    QCOMPARE(row.toObject()["event_id"].toInt(), 2342);
    QCOMPARE(row.toObject()["thread"].toInt(), 5);
    // The insertion strings the description was rendered from.
    QCOMPARE(row.toObject()["strings"].toArray(), QJsonArray{"0x15"});
  }
  r = msmisim({"query", "--db", "q.db", "--text", "RETURN CODE IS 0x15", "--count"}, dir_.path());
  QCOMPARE(r.code, 0);
  QVERIFY(r.out.trimmed().toInt() > 100);
  r = msmisim({"query", "--db", "q.db", "-e", "2384", "-e", "2553", "--since", "20m", "--until",
               "21m", "--format", "csv"},
              dir_.path());
  QCOMPARE(r.code, 0);
  const QStringList lines = r.out.trimmed().split('\n');
  QVERIFY(lines.size() > 10);
  QVERIFY(lines[0].startsWith("run_id,seq,time,time_us"));
  QVERIFY(lines[0].endsWith(",description,strings,data"));
  for (int i = 1; i < lines.size(); ++i) {
    QVERIFY(lines[i].contains(",2384,") || lines[i].contains(",2553,"));
    QVERIFY2(lines[i].endsWith(",[],"), qPrintable(lines[i]));  // no inserts, no data
    QVERIFY(lines[i].contains("1997-05-22T09:20:"));
  }
  r = msmisim({"query", "--db", "q.db", "--since", "yesterday"}, dir_.path());
  QCOMPARE(r.code, 2);
  QVERIFY(r.err.contains("--since yesterday"));
  r = msmisim({"query", "--db", "q.db", "--format", "xml"}, dir_.path());
  QCOMPARE(r.code, 2);
  r = msmisim({"query", "--db", "q.db", "--format", "JSON", "--limit", "1"}, dir_.path());
  QCOMPARE(r.code, 0);
  QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8()).array().size(), 1);
  r = msmisim({"query", "--db", "q.db", "--run", "99"}, dir_.path());
  QCOMPARE(r.code, 2);
  QVERIFY2(r.err.contains("--run 99"), qPrintable(r.err));
  r = msmisim({"query", "--db", "q.db", "--since", "10m", "--until", "5m"}, dir_.path());
  QCOMPARE(r.code, 2);
  QVERIFY(r.err.contains("--since is later than --until"));
  r = msmisim(
      {"query", "--db", "q.db", "--run", "latest", "--thread", "5", "--reverse", "--limit", "1"},
      dir_.path());
  QCOMPARE(r.code, 0);
  QVERIFY(r.out.contains("DESCRIPTION"));
  QCOMPARE(r.out.trimmed().split('\n').size(), 2);
}

void TestCli::runs_lists_runs() {
  QCOMPARE(
      msmisim({"run", source("scenarios/kb/Q151791.json"), "--db", "runs.db", "-q"}, dir_.path())
          .code,
      0);
  const Result r = msmisim({"runs", "--db", "runs.db", "--format", "json"}, dir_.path());
  QCOMPARE(r.code, 0);
  const QJsonArray runs = QJsonDocument::fromJson(r.out.toUtf8()).array();
  QVERIFY(!runs.isEmpty());
  QCOMPARE(runs[0].toObject()["profile"].toString(), QString("exchange-5.0"));
  QCOMPARE(runs[0].toObject()["verdict"].toString(), QString("pass"));
  const Result table = msmisim({"runs", "--db", "runs.db"}, dir_.path());
  QVERIFY(table.out.contains("Q151791.json"));
}

void TestCli::scenarios_lists_a_folder() {
  // The KB folder, with the last result of Q151791 from a store that recorded one run of it.
  QCOMPARE(msmisim({"run", source("scenarios/kb/Q151791.json"), "--db", "scenarios.db", "-q",
                    "--profile", "exchange-5.0-sp1"},
                   dir_.path())
               .code,
           0);
  const Result r =
      msmisim({"scenarios", source("scenarios/kb"), "--db", "scenarios.db", "--format", "json"},
              dir_.path());
  QCOMPARE(r.code, 0);
  const QJsonArray rows = QJsonDocument::fromJson(r.out.toUtf8()).array();
  // One row per scenario of the folder, sorted by path.
  const int files =
      static_cast<int>(QDir(source("scenarios/kb")).entryList({"*.json"}, QDir::Files).size());
  QCOMPARE(rows.size(), files);
  int at = -1;
  for (int i = 0; i < rows.size(); ++i) {
    if (rows[i].toObject()["kb"].toString() == "Q151791") at = i;
    if (i > 0)
      QVERIFY(rows[i - 1].toObject()["path"].toString() < rows[i].toObject()["path"].toString());
  }
  QVERIFY(at >= 0);
  const QJsonObject q151791 = rows[at].toObject();
  QCOMPARE(q151791["kb"].toString(), QString("Q151791"));
  QCOMPARE(q151791["profile"].toString(), QString("exchange-5.0"));
  QVERIFY(q151791["expects"].toArray().contains(QString("hardened")));
  QCOMPARE(q151791["last"].toObject()["profile"].toString(), QString("exchange-5.0-sp1"));
  QCOMPARE(q151791["last"].toObject()["verdict"].toString(), QString("pass"));
  QVERIFY(!rows[at + 1].toObject().contains("last"));  // never run
  // A file that does not load is listed with its error, and the listing exits 2.
  QFile bad(dir_.path() + "/broken/bad.json");
  QVERIFY(QDir(dir_.path()).mkpath("broken"));
  QVERIFY(bad.open(QIODevice::WriteOnly));
  bad.write(R"({"duration": "1h", "colour": "red"})");
  bad.close();
  const Result broken = msmisim({"scenarios", "broken", "--db", "none.db"}, dir_.path());
  QCOMPARE(broken.code, 2);
  QVERIFY2(broken.out.contains("broken/bad.json") && broken.out.contains("unknown key 'colour'"),
           qPrintable(broken.out));
  QVERIFY(!QFile::exists(dir_.path() + "/none.db"));  // listing never creates a store
  QCOMPARE(msmisim({"scenarios", "no/such/folder"}, dir_.path()).code, 2);
}

void TestCli::same_seed_same_stored_events_data() {
  QTest::addColumn<QString>("scenario");
  QTest::newRow("Q151791") << "scenarios/kb/Q151791.json";
  QTest::newRow("Q175965") << "scenarios/kb/Q175965.json";
  QTest::newRow("two CPUs, jittered traffic") << "scenarios/regression/Q151791-two-cpus.json";
}

void TestCli::same_seed_same_stored_events() {
  // Two separate processes, the same inputs: the event store must hold the same rows.
  QFETCH(QString, scenario);
  QStringList dumps;
  for (const char* db : {"det-a.db", "det-b.db"}) {
    QFile::remove(dir_.path() + "/" + db);
    QVERIFY(
        msmisim({"run", source(scenario), "--db", db, "--seed", "77", "-q"}, dir_.path()).code <=
        1);
    const Result q = msmisim({"query", "--db", db, "--format", "csv"}, dir_.path());
    QCOMPARE(q.code, 0);
    dumps << q.out;
  }
  QVERIFY(dumps[0].count('\n') > 10);
  QCOMPARE(dumps[0], dumps[1]);
}

void TestCli::help_everywhere_data() {
  QTest::addColumn<QStringList>("args");
  QTest::newRow("top") << QStringList{"--help"};
  QTest::newRow("run") << QStringList{"run", "--help"};
  QTest::newRow("query") << QStringList{"query", "--help"};
  QTest::newRow("runs") << QStringList{"runs", "--help"};
  QTest::newRow("scenarios") << QStringList{"scenarios", "--help"};
}

void TestCli::help_everywhere() {
  QFETCH(QStringList, args);
  const Result r = msmisim(args, dir_.path());
  QCOMPARE(r.code, 0);
  QVERIFY(r.out.contains("usage: msmisim"));
  QVERIFY(r.out.contains("msmisim " + (args.size() > 1 ? args[0] : QString("run"))));
}

QTEST_APPLESS_MAIN(TestCli)
#include "tst_cli.moc"
