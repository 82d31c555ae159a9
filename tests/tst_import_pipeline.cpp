// The import and export pipelines, independent of any real file format: a fake line-based
// format ("FAKELOG") stands for .EVT, .evtx, XML and the text exports, so these tests say what
// every format gets from the pipeline — one transaction per file, --skip-errors counts,
// duplicate detection, rendering and category naming from the catalogue, the events row ↔
// LogRecord conversion — and the msmisim import / export commands where no format is needed.

#include <sqlite3.h>

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli_process.h"
#include "msmilog/description_rendering.h"
#include "msmilog/event_store.h"
#include "msmilog/log_export.h"
#include "msmilog/log_import.h"
#include "msmilog/sha256.h"
#include "msmisim/world_events.h"

namespace {

// The fake format. The first line is "FAKELOG"; then one line each:
//   R|record_number|identifier (hex)|type letter|category|category name|created_us|written_us|
//     source|computer|user|strings joined by ';'|description
//   BAD|why          a malformed record
//   NOTE|text        a note of the reader (a gap …)
//   RECOVERED        counts one recovered record
class FakeReader : public msmilog::LogReader {
 public:
  explicit FakeReader(std::string text) : text_(std::move(text)), in_(text_) {
    std::string first;
    std::getline(in_, first);
    line_ = 1;
  }
  std::string_view format() const override { return "fake"; }
  msmilog::ReadResult next(msmilog::LogRecord* out) override {
    std::string line;
    while (std::getline(in_, line)) {
      ++line_;
      const std::vector<std::string> f = split(line, '|');
      if (f[0] == "NOTE") {
        notes_.push_back({line_, true, f.at(1)});
        continue;
      }
      if (f[0] == "RECOVERED") {
        ++recovered_;
        continue;
      }
      if (f[0] == "BAD") {
        issue_ = {line_, true, f.at(1)};
        return msmilog::ReadResult::kMalformed;
      }
      if (f[0] != "R" || f.size() != 13) {
        issue_ = {line_, true, "not a record"};
        return msmilog::ReadResult::kMalformed;
      }
      msmilog::LogRecord r;
      r.record_number = static_cast<std::uint32_t>(std::stoul(f[1]));
      r.event_identifier = static_cast<std::uint32_t>(std::stoul(f[2], nullptr, 16));
      msmilog::parse_nt_event_type(f[3], &r.type);
      r.category = static_cast<std::uint16_t>(std::stoi(f[4]));
      r.category_name = f[5];
      r.created_us = std::stoll(f[6]);
      r.written_us = std::stoll(f[7]);
      r.source = f[8];
      r.computer = f[9];
      r.user = f[10];
      if (!f[11].empty()) r.strings = split(f[11], ';');
      r.description = f[12];
      r.position = line_;
      *out = r;
      return msmilog::ReadResult::kRecord;
    }
    return msmilog::ReadResult::kEnd;
  }
  const msmilog::ReadIssue& issue() const override { return issue_; }
  std::vector<msmilog::ReadIssue> notes() const override { return notes_; }
  std::uint64_t recovered() const override { return recovered_; }
  std::uint64_t bytes_read() const override {
    const auto at = in_.rdbuf()->pubseekoff(0, std::ios::cur, std::ios::in);
    return at < 0 ? text_.size() : static_cast<std::uint64_t>(at);
  }
  std::uint64_t total_bytes() const override { return text_.size(); }

  static std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> parts(1);
    for (char c : s) {
      if (c == sep) {
        parts.emplace_back();
      } else {
        parts.back() += c;
      }
    }
    return parts;
  }

 private:
  std::string text_;
  std::istringstream in_;
  std::uint64_t line_ = 0;
  msmilog::ReadIssue issue_;
  std::vector<msmilog::ReadIssue> notes_;
  std::uint64_t recovered_ = 0;
};

bool detect_fake(std::string_view head) {
  return head.substr(0, 8) == "FAKELOG\n";
}

msmi::Status open_fake(const std::string& path, const msmilog::ReaderOptions&,
                       std::unique_ptr<msmilog::LogReader>* out) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  *out = std::make_unique<FakeReader>(text.str());
  return msmi::Status::Ok();
}

const std::vector<msmilog::LogFormat>& fake_formats() {
  static const std::vector<msmilog::LogFormat> kFormats = {
      {"fake", "the test's line format", &detect_fake, &open_fake}};
  return kFormats;
}

// The fake export format: keeps what it is given in captured(); "finish" flips finished().
std::vector<msmilog::LogRecord>& captured() {
  static std::vector<msmilog::LogRecord> records;
  return records;
}
bool& finished() {
  static bool done = false;
  return done;
}
class CaptureWriter : public msmilog::LogWriter {
 public:
  msmi::Status write(const msmilog::LogRecord& record) override {
    if (record.source == "TooLong") return msmi::Status::InvalidArgument("string too long");
    captured().push_back(record);
    return msmi::Status::Ok();
  }
  msmi::Status finish() override {
    finished() = true;
    return msmi::Status::Ok();
  }
};
msmi::Status create_capture(const std::string&, const msmilog::WriterOptions&,
                            std::unique_ptr<msmilog::LogWriter>* out) {
  captured().clear();
  finished() = false;
  *out = std::make_unique<CaptureWriter>();
  return msmi::Status::Ok();
}
const msmilog::LogExportFormat kCaptureFormat = {"capture", "the test's", false, &create_capture};

// A record line of the fake format.
std::string rec(int number, const std::string& identifier_hex, const std::string& type,
                int category, const std::string& category_name, std::int64_t created_us,
                const std::string& source, const std::string& strings,
                const std::string& description = "", std::int64_t written_us = 0,
                const std::string& user = "") {
  return "R|" + std::to_string(number) + "|" + identifier_hex + "|" + type + "|" +
         std::to_string(category) + "|" + category_name + "|" + std::to_string(created_us) + "|" +
         std::to_string(written_us == 0 ? created_us : written_us) + "|" + source + "|EXCHSRV1|" +
         user + "|" + strings + "|" + description + "\n";
}

constexpr std::int64_t kMay22 = 864305753000000;  // 1997-05-22T12:55:53Z

// A good log of three records: a known MSMI error with its strings only, a record that carries
// its own text, and an ID no catalogue knows.
std::string good_log() {
  return "FAKELOG\n" +
         rec(41, "C0000926", "Error", 3, "", kMay22, "MSExchangeMSMI", "0x15", "", kMay22 + 2000000,
             "S-1-5-18") +
         rec(42, "40000950", "Information", 0, "", kMay22 + 1000000, "MSExchangeMSMI", "",
             "Own text from the file") +
         "NOTE|gap in the record numbers: 43 missing\n" +
         rec(44, "C0001092", "Error", 9, "", kMay22 + 3000000, "Foo Service", "a;b");
}

class Db {
 public:
  explicit Db(const std::string& path) {
    sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr);
  }
  ~Db() { sqlite3_close(db_); }
  // The first column of the first row as text ("" for NULL or no row).
  QString text(const std::string& sql) const {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      return "SQL error: " + QString::fromUtf8(sqlite3_errmsg(db_));
    }
    QString out;
    if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_type(stmt, 0) != SQLITE_NULL) {
      out = QString::fromUtf8(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
    }
    sqlite3_finalize(stmt);
    return out;
  }
  int number(const std::string& sql) const { return text(sql).toInt(); }

 private:
  sqlite3* db_ = nullptr;
};

class Recorder : public msmilog::ImportProgress {
 public:
  void file_started(const std::string&, std::size_t, std::size_t) override { ++started; }
  void advanced(std::uint64_t done, std::uint64_t total) override { last = {done, total}; }
  void file_finished(const msmilog::FileImport&) override { ++finished_files; }
  int started = 0;
  int finished_files = 0;
  std::pair<std::uint64_t, std::uint64_t> last;
};

// Progress as an import tells it: from which threads, and whether it ever went back.
class ProgressLog : public msmilog::ImportProgress {
 public:
  void file_started(const std::string&, std::size_t, std::size_t) override { note(); }
  void advanced(std::uint64_t done, std::uint64_t total) override {
    note();
    if (done < last) went_back = true;
    last = done;
    last_total = total;
    ++calls;
  }
  void file_finished(const msmilog::FileImport&) override { note(); }
  bool other_thread = false;
  bool went_back = false;
  int calls = 0;
  std::uint64_t last = 0;
  std::uint64_t last_total = 0;

 private:
  void note() {
    if (std::this_thread::get_id() != caller_) other_thread = true;
  }
  std::thread::id caller_ = std::this_thread::get_id();
};

// A fake log of `count` records numbered 1…count, with a malformed record in place of record
// `bad` (0: none).
std::string many_records(int count, int bad) {
  std::string text = "FAKELOG\n";
  for (int i = 1; i <= count; ++i) {
    text += i == bad ? std::string("BAD|damaged far into the file\n")
                     : rec(i, "C0000926", "Error", 3, "", kMay22 + i * 1000, "MSExchangeMSMI",
                           "0x" + std::to_string(i));
  }
  return text;
}

}  // namespace

class TestImportPipeline : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;

  std::string path(const std::string& name) const {
    return dir_.filePath(name.c_str()).toStdString();
  }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream out(path(name), std::ios::binary);
    out << text;
    return path(name);
  }
  msmi::Status import(const std::string& db, const std::vector<std::string>& files,
                      const msmilog::ImportOptions& options, msmilog::ImportResult* result,
                      msmilog::ImportProgress* progress = nullptr) {
    return msmilog::import_logs(db, files, options, msmisim::any_event_catalogue(), fake_formats(),
                                result, progress);
  }
  // A store `db` holding one import, exported to `csv` (to import again), and another connection
  // in *holder that holds the store as a writer (BEGIN EXCLUSIVE) until it is closed.
  void held_store_with_export(const std::string& db, const std::string& csv, sqlite3** holder) {
    msmilog::ImportResult result;
    QVERIFY(import(path(db), {write(db + ".fake", good_log())}, {}, &result).ok());
    QCOMPARE(run_msmisim({"export", "--db", QString::fromStdString(db), "--format", "csv", "-o",
                          QString::fromStdString(csv)},
                         dir_.path())
                 .code,
             0);
    QCOMPARE(sqlite3_open(path(db).c_str(), holder), SQLITE_OK);
    QCOMPARE(sqlite3_exec(*holder, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
  }

 private slots:
  void init() { QVERIFY(dir_.isValid()); }

  void imports_each_record_as_an_events_row() {
    const std::string db = path("rows.db");
    const std::string file = write("AppEvent.fake", good_log());
    msmilog::ImportResult result;
    Recorder progress;
    QVERIFY(import(db, {file}, {}, &result, &progress).ok());
    QVERIFY(result.all_imported());
    QCOMPARE(result.name, std::string("AppEvent.fake"));  // the first file's base name
    QCOMPARE(result.files.size(), std::size_t(1));
    const msmilog::FileImport& f = result.files[0];
    QCOMPARE(f.format, std::string("fake"));
    QCOMPARE(f.read, std::int64_t(3));
    QCOMPARE(f.imported, std::int64_t(3));
    QCOMPARE(f.skipped, std::int64_t(0));
    QCOMPARE(f.notes.size(), std::size_t(1));
    QCOMPARE(progress.started, 1);
    QCOMPARE(progress.finished_files, 1);
    QCOMPARE(progress.last.first, progress.last.second);

    Db sql(db);
    QCOMPARE(sql.text("SELECT kind || ' ' || import_name || ' ' || event_count FROM runs"),
             QString("import AppEvent.fake 3"));
    QCOMPARE(sql.text("SELECT format || ' ' || records_read || ' ' || imported || ' ' || skipped "
                      "|| ' ' || position FROM imports"),
             QString("fake 3 3 0 0"));
    QCOMPARE(sql.text("SELECT sha256 FROM imports"),
             QString::fromStdString(msmilog::sha256_hex(good_log())));
    QVERIFY(sql.text("SELECT notes FROM imports").contains("gap in the record numbers"));
    // The MSMI error: displayed ID from the identifier, text rendered from the catalogue.
    QCOMPARE(sql.text("SELECT seq || ' ' || event_id || ' ' || event_identifier || ' ' || "
                      "record_number || ' ' || type || ' ' || time_us || ' ' || time || ' ' || "
                      "computer || ' ' || user || ' ' || written_us || ' ' || category_number "
                      "FROM events WHERE record_number = 41"),
             QString("1 2342 3221227814 41 Error 864305753000000 1997-05-22T12:55:53.000Z "
                     "EXCHSRV1 S-1-5-18 864305755000000 3"));
    QCOMPARE(sql.text("SELECT description FROM events WHERE record_number = 41"),
             QString::fromStdString(msmilog::render_description(msmisim::any_event_catalogue(),
                                                                "MSExchangeMSMI", 2342, {"0x15"})));
    QVERIFY(sql.text("SELECT description FROM events WHERE record_number = 41").contains("0x15"));
    QCOMPARE(sql.text("SELECT strings FROM events WHERE record_number = 41"),
             QString("[\"0x15\"]"));
    QCOMPARE(sql.text("SELECT category FROM events WHERE record_number = 41"),
             QString("Session Error"));
    // Same written and created time: written_us stays NULL; no user: NULL.
    QCOMPARE(sql.text("SELECT coalesce(written_us, 'null') || coalesce(user, 'null') FROM events "
                      "WHERE record_number = 42"),
             QString("nullnull"));
    QCOMPARE(sql.text("SELECT description FROM events WHERE record_number = 42"),
             QString("Own text from the file"));
    QCOMPARE(sql.text("SELECT description FROM events WHERE record_number = 44"),
             QString("The description for Event ID ( 4242 ) in Source ( Foo Service ) could not be "
                     "found. It contains the following insertion string(s): a, b."));
    QCOMPARE(sql.text("SELECT category FROM events WHERE record_number = 44"), QString("(9)"));
    QCOMPARE(sql.number("SELECT count(*) FROM events WHERE thread IS NULL AND message_id IS NULL"),
             3);
  }

  void category_naming_data() {
    QTest::addColumn<int>("id");
    QTest::addColumn<QString>("source");
    QTest::addColumn<int>("number");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("expected");
    QTest::newRow("the file's name wins") << 2342 << "MSExchangeMSMI" << 3 << "Routing"
                                          << "Routing";
    QTest::newRow("0 is None, as Event Viewer shows it") << 2342 << "MSExchangeMSMI" << 0 << ""
                                                         << "None";
    QTest::newRow("catalogue's category") << 2342 << "MSExchangeMSMI" << 3 << ""
                                          << "Session Error";
    QTest::newRow("source compared without case") << 2444 << "msexchangemsmi" << 6 << ""
                                                  << "Routing";
    QTest::newRow("unknown ID: the number") << 4242 << "MSExchangeMSMI" << 7 << ""
                                            << "(7)";
    QTest::newRow("unknown source: the number") << 2342 << "Other" << 3 << ""
                                                << "(3)";
  }
  void category_naming() {
    QFETCH(int, id);
    QFETCH(QString, source);
    QFETCH(int, number);
    QFETCH(QString, name);
    QFETCH(QString, expected);
    msmilog::LogRecord r;
    r.event_identifier = msmilog::make_event_identifier(id, msmilog::NtEventType::kError);
    r.source = source.toStdString();
    r.category = static_cast<std::uint16_t>(number);
    r.category_name = name.toStdString();
    QCOMPARE(QString::fromStdString(msmilog::import_category(r, msmisim::any_event_catalogue())),
             expected);
  }

  void malformed_record_fails_its_file_and_leaves_nothing() {
    const std::string db = path("bad.db");
    const std::string good = write("good.fake", good_log());
    const std::string bad = write(
        "bad.fake", "FAKELOG\n" + rec(1, "40000950", "I", 0, "", kMay22, "MSExchangeMSMI", "") +
                        "BAD|record length 12 is shorter than a record header\n" +
                        rec(3, "40000950", "I", 0, "", kMay22, "MSExchangeMSMI", ""));
    const std::string after = write(
        "after.fake", "FAKELOG\n" + rec(7, "40000950", "I", 0, "", kMay22, "MSExchangeMSMI", ""));
    msmilog::ImportResult result;
    msmilog::ImportOptions options;
    options.name = "ticket-77";
    QVERIFY(import(db, {good, bad, after}, options, &result).ok());
    QVERIFY(!result.all_imported());
    QVERIFY(result.files[0].status.ok());
    QVERIFY(result.files[1].status.is_corruption());
    const QString message = QString::fromStdString(result.files[1].status.message());
    QVERIFY2(message.contains("bad.fake") && message.contains("line 3") &&
                 message.contains("shorter than a record header") &&
                 message.contains("--skip-errors"),
             qPrintable(message));
    QCOMPARE(result.files[1].imported, std::int64_t(0));
    QVERIFY(result.files[2].status.ok());  // the file after a failed one is still imported

    Db sql(db);
    QCOMPARE(sql.number("SELECT count(*) FROM runs"), 1);
    QCOMPARE(sql.number("SELECT event_count FROM runs"), 4);
    QCOMPARE(sql.number("SELECT count(*) FROM events"), 4);  // 3 + 1, none of bad.fake
    QCOMPARE(sql.number("SELECT count(*) FROM imports"), 2);
    QCOMPARE(sql.text("SELECT group_concat(position, ',') FROM imports"), QString("0,1"));
    QCOMPARE(sql.number("SELECT count(*) FROM events WHERE record_number = 1"), 0);
    QCOMPARE(sql.text("SELECT group_concat(seq, ',') FROM events"), QString("1,2,3,4"));
  }

  void a_failed_only_file_leaves_no_run() {
    const std::string db = path("none.db");
    const std::string bad = write("only-bad.fake", "FAKELOG\nBAD|bad signature\n");
    msmilog::ImportResult result;
    QVERIFY(import(db, {bad}, {}, &result).ok());
    QVERIFY(!result.all_imported());
    QCOMPARE(result.run_id, std::int64_t(0));
    Db sql(db);
    QCOMPARE(sql.number("SELECT count(*) FROM runs"), 0);
    QCOMPARE(sql.number("SELECT count(*) FROM imports"), 0);
  }

  void skip_errors_counts_and_lists_the_skipped() {
    const std::string db = path("skip.db");
    const std::string bad = write(
        "skip.fake", "FAKELOG\n" + rec(1, "40000950", "I", 0, "", kMay22, "MSExchangeMSMI", "") +
                         "BAD|truncated record\nRECOVERED\nRECOVERED\nBAD|bad size\n" +
                         rec(3, "40000950", "I", 0, "", kMay22, "MSExchangeMSMI", ""));
    msmilog::ImportResult result;
    msmilog::ImportOptions options;
    options.skip_errors = true;
    QVERIFY(import(db, {bad}, options, &result).ok());
    QVERIFY(result.all_imported());
    const msmilog::FileImport& f = result.files[0];
    QCOMPARE(f.read, std::int64_t(4));
    QCOMPARE(f.imported, std::int64_t(2));
    QCOMPARE(f.skipped, std::int64_t(2));
    QCOMPARE(f.recovered, std::int64_t(2));
    QCOMPARE(f.errors.size(), std::size_t(2));
    QCOMPARE(f.errors[0].position, std::uint64_t(3));
    Db sql(db);
    QCOMPARE(
        sql.text("SELECT records_read || ' ' || imported || ' ' || skipped || ' ' || recovered "
                 "FROM imports"),
        QString("4 2 2 2"));
    QCOMPARE(sql.text("SELECT notes FROM imports"),
             QString("[{\"position\":3,\"line\":3,\"message\":\"skipped: truncated record\"},"
                     "{\"position\":6,\"line\":6,\"message\":\"skipped: bad size\"}]"));
  }

  void the_same_file_twice_is_refused_unless_forced() {
    const std::string db = path("dup.db");
    const std::string file = write("dup.fake", good_log());
    const std::string copy = write("copy-of-dup.fake", good_log());
    msmilog::ImportResult first;
    msmilog::ImportOptions options;
    options.name = "first";
    QVERIFY(import(db, {file}, options, &first).ok());

    msmilog::ImportResult second;
    options.name = "second";
    QVERIFY(import(db, {copy}, options, &second).ok());  // another name, the same bytes
    QVERIFY(second.files[0].status.is_invalid_argument());
    const QString message = QString::fromStdString(second.files[0].status.message());
    QVERIFY2(message.contains("copy-of-dup.fake") && message.contains("already imported") &&
                 message.contains("'first'") && message.contains("--force"),
             qPrintable(message));
    QCOMPARE(second.run_id, std::int64_t(0));

    options.force = true;
    msmilog::ImportResult forced;
    QVERIFY(import(db, {copy}, options, &forced).ok());
    QVERIFY(forced.all_imported());
    Db sql(db);
    QCOMPARE(sql.number("SELECT count(*) FROM runs"), 2);
    QCOMPARE(sql.number("SELECT count(*) FROM events"), 6);
  }

  void an_existing_name_is_refused_unless_appending() {
    const std::string db = path("names.db");
    const std::string a = write("a.fake", good_log());
    const std::string b =
        write("b.fake", "FAKELOG\n" + rec(9, "40000950", "I", 0, "", kMay22, "MSExchangeMSMI", ""));
    msmilog::ImportOptions options;
    options.name = "customer";
    msmilog::ImportResult result;
    QVERIFY(import(db, {a}, options, &result).ok());
    const std::int64_t run = result.run_id;

    msmilog::ImportResult refused;
    const msmi::Status s = import(db, {b}, options, &refused);
    QVERIFY(s.is_invalid_argument());
    QVERIFY(QString::fromStdString(s.message()).contains("--append"));

    options.append = true;
    msmilog::ImportResult appended;
    QVERIFY(import(db, {b}, options, &appended).ok());
    QCOMPARE(appended.run_id, run);
    Db sql(db);
    QCOMPARE(sql.number("SELECT count(*) FROM runs"), 1);
    QCOMPARE(sql.number("SELECT event_count FROM runs"), 4);
    QCOMPARE(sql.text("SELECT group_concat(position, ',') FROM imports"), QString("0,1"));
    QCOMPARE(sql.number("SELECT seq FROM events WHERE record_number = 9"), 4);
    std::unique_ptr<msmilog::EventStore> store;
    QVERIFY(msmilog::EventStore::open_read_only(db, &store).ok());
    std::int64_t found = 0;
    QVERIFY(store->find_import("customer", &found).ok());
    QCOMPARE(found, run);
    std::vector<msmilog::ImportRow> files;
    QVERIFY(store->read_imports(run, &files).ok());
    QCOMPARE(files.size(), std::size_t(2));
    QCOMPARE(files[1].path, b);
  }

  void computer_option_replaces_the_files() {
    const std::string db = path("computer.db");
    const std::string file = write("computer.fake", good_log());
    msmilog::ImportOptions options;
    options.computer = "CUSTOMER-PDC";
    msmilog::ImportResult result;
    QVERIFY(import(db, {file}, options, &result).ok());
    Db sql(db);
    QCOMPARE(sql.text("SELECT group_concat(DISTINCT computer) FROM events"),
             QString("CUSTOMER-PDC"));
  }

  void unreadable_and_unknown_files_are_named() {
    const std::string db = path("unknown.db");
    const std::string junk = write("junk.bin", std::string("\x7f"
                                                           "ELF junk",
                                                           9));
    msmilog::ImportResult result;
    QVERIFY(import(db, {junk, path("missing.evt")}, {}, &result).ok());
    QVERIFY(result.files[0].status.is_invalid_argument());
    QVERIFY(QString::fromStdString(result.files[0].status.message()).contains("junk.bin"));
    QVERIFY(QString::fromStdString(result.files[0].status.message()).contains("tried fake"));
    QVERIFY(result.files[1].status.is_not_found());
    QVERIFY(QString::fromStdString(result.files[1].status.message()).contains("missing.evt"));
    const msmilog::LogFormat* format = nullptr;
    QVERIFY(msmilog::detect_log_format(junk, fake_formats(), &format).is_invalid_argument());
    QVERIFY(msmilog::detect_log_format(write("x.fake", good_log()), fake_formats(), &format).ok());
    QCOMPARE(format->name, std::string_view("fake"));
  }

  void simulated_row_becomes_a_log_record() {
    msmilog::EventRow row;
    row.run_id = 1;
    row.seq = 17;
    row.time_us = 5000000;
    row.computer = "EXCHSRV1";
    row.source = "MSExchangeMSMI";
    row.event_id = 2342;
    row.type = "Error";
    row.category = "Session Error";
    row.strings = {"0x15"};
    row.description = "text";
    const msmilog::LogRecord r = msmilog::log_record_from_event(row, kMay22);
    QCOMPARE(r.record_number, std::uint32_t(17));  // no stored number: the seq
    QCOMPARE(r.event_identifier,
             msmilog::make_event_identifier(2342, msmilog::NtEventType::kError));
    QVERIFY(r.type == msmilog::NtEventType::kError);
    QCOMPARE(r.category, std::uint16_t(static_cast<int>(msmi::Category::kSessionError) + 1));
    QCOMPARE(r.category_name, std::string("Session Error"));
    QCOMPARE(r.created_us, kMay22 + 5000000);
    QCOMPARE(r.written_us, r.created_us);
    QCOMPARE(r.strings, std::vector<std::string>{"0x15"});
    row.category = "None";
    QCOMPARE(msmilog::log_record_from_event(row, kMay22).category, std::uint16_t(0));
  }

  void imported_row_keeps_its_stored_fields() {
    msmilog::EventRow row;
    row.seq = 3;
    row.time_us = kMay22;
    row.event_id = 2342;
    row.type = "Warning";
    row.category = "(9)";
    row.record_number = 41;
    row.event_identifier = 0x80000926;
    row.category_number = 9;
    row.user = "S-1-5-18";
    row.written_us = kMay22 + 1;
    const msmilog::LogRecord r = msmilog::log_record_from_event(row, 0);
    QCOMPARE(r.record_number, std::uint32_t(41));
    QCOMPARE(r.event_identifier, std::uint32_t(0x80000926));
    QCOMPARE(r.category, std::uint16_t(9));
    QCOMPARE(r.created_us, kMay22);
    QCOMPARE(r.written_us, kMay22 + 1);
    QCOMPARE(r.user, std::string("S-1-5-18"));
  }

  void import_then_export_gives_the_records_back() {
    const std::string db = path("round.db");
    const std::string file = write("round.fake", good_log());
    msmilog::ImportResult result;
    QVERIFY(import(db, {file}, {}, &result).ok());
    std::unique_ptr<msmilog::EventStore> store;
    QVERIFY(msmilog::EventStore::open_read_only(db, &store).ok());
    msmilog::EventFilter filter;
    filter.run_id = result.run_id;
    std::int64_t exported = 0;
    QVERIFY(msmilog::export_events(*store, filter, kCaptureFormat, "-", {}, &exported).ok());
    QCOMPARE(exported, std::int64_t(3));
    QVERIFY(finished());
    const std::vector<msmilog::LogRecord>& out = captured();
    QCOMPARE(out.size(), std::size_t(3));
    QCOMPARE(out[0].record_number, std::uint32_t(41));
    QCOMPARE(out[0].event_identifier, std::uint32_t(0xC0000926));
    QCOMPARE(out[0].created_us, kMay22);
    QCOMPARE(out[0].written_us, kMay22 + 2000000);
    QCOMPARE(out[0].category, std::uint16_t(3));
    QCOMPARE(out[0].user, std::string("S-1-5-18"));
    QCOMPARE(out[1].description, std::string("Own text from the file"));
    QCOMPARE(out[2].source, std::string("Foo Service"));
    QCOMPARE(out[2].strings, (std::vector<std::string>{"a", "b"}));
    QCOMPARE(out[2].computer, std::string("EXCHSRV1"));
  }

  void a_record_the_format_cannot_hold_names_the_event() {
    const std::string db = path("toolong.db");
    const std::string file =
        write("toolong.fake", "FAKELOG\n" + rec(1, "40000950", "I", 0, "", kMay22, "TooLong", ""));
    msmilog::ImportResult result;
    QVERIFY(import(db, {file}, {}, &result).ok());
    std::unique_ptr<msmilog::EventStore> store;
    QVERIFY(msmilog::EventStore::open_read_only(db, &store).ok());
    std::int64_t exported = 0;
    const msmi::Status s = msmilog::export_events(*store, {}, kCaptureFormat, "-", {}, &exported);
    QVERIFY(s.is_invalid_argument());
    QVERIFY2(QString::fromStdString(s.message()).contains("seq 1"), s.message().c_str());
    QVERIFY(!finished());
  }

  // ---- the commands ---------------------------------------------------------------------------

  void cli_import_refuses_what_it_cannot_read() {
    const std::string junk = write("cli-junk.bin", std::string("\x01\x02\x03 not a log", 14));
    const CliResult r = run_msmisim(
        {"import", "--db", "cli.db", QString::fromStdString(junk), "missing.evt"}, dir_.path());
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("cli-junk.bin") && r.err.contains("missing.evt: no such file"),
             qPrintable(r.err));
    Db sql(path("cli.db"));
    QCOMPARE(sql.number("SELECT count(*) FROM runs"), 0);
  }

  void cli_import_needs_a_file() {
    const CliResult r = run_msmisim({"import", "--db", "cli2.db"}, dir_.path());
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains("missing FILE"));
    const CliResult order = run_msmisim({"import", "x.evt", "--date-order", "ymd"}, dir_.path());
    QCOMPARE(order.code, 2);
    QVERIFY(order.err.contains("--date-order ymd"));
  }

  void cli_help_has_examples() {
    for (const char* command : {"import", "export"}) {
      const CliResult r = run_msmisim({command, "--help"}, dir_.path());
      QCOMPARE(r.code, 0);
      QVERIFY(r.out.contains(QString("msmisim ") + command));
      QVERIFY(r.out.contains("exit codes"));
    }
  }

  void cli_export_refuses_an_unknown_format() {
    const CliResult r = run_msmisim(
        {"export", "--db", "x.db", "--format", "lotus-notes", "-o", "out"}, dir_.path());
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("--format lotus-notes: not a format this build writes"),
             qPrintable(r.err));
    const CliResult missing = run_msmisim({"export", "--db", "x.db"}, dir_.path());
    QCOMPARE(missing.code, 2);
    QVERIFY(missing.err.contains("missing --format"));
  }

  void cli_export_of_an_unknown_import_or_store() {
    const auto& formats = msmilog::log_export_formats();
    if (formats.empty()) QSKIP("this build writes no export format yet");
    const QString format = QString::fromUtf8(formats.front().name.data(),
                                             static_cast<int>(formats.front().name.size()));
    const CliResult none = run_msmisim(
        {"export", "--db", "nothing-here.db", "--format", format, "-o", "o1"}, dir_.path());
    QCOMPARE(none.code, 3);
    const std::string db = path("cli-export.db");
    msmilog::ImportResult result;
    QVERIFY(import(db, {write("cli-export.fake", good_log())}, {}, &result).ok());
    const CliResult unknown = run_msmisim(
        {"export", "--db", "cli-export.db", "--import", "nobody", "--format", format, "-o", "o2"},
        dir_.path());
    QCOMPARE(unknown.code, 2);
    QVERIFY(unknown.err.contains("no import named 'nobody'"));
    write("exists.out", "keep me");
    const CliResult exists = run_msmisim(
        {"export", "--db", "cli-export.db", "--format", format, "-o", "exists.out"}, dir_.path());
    QCOMPARE(exists.code, 2);
    QVERIFY(exists.err.contains("--force"));
    // A stray word (a store or a file meant for --db or -o) is refused, not ignored.
    const CliResult stray = run_msmisim(
        {"export", "cli-export.db", "--db", "cli-export.db", "--format", format, "-o", "o4"},
        dir_.path());
    QCOMPARE(stray.code, 2);
    QVERIFY2(stray.err.contains("too many positional options"), qPrintable(stray.err));
    QVERIFY(!QFile::exists(dir_.filePath("o4")));
    const CliResult ok = run_msmisim({"export", "--db", "cli-export.db", "--import",
                                      "cli-export.fake", "--format", format, "-o", "o3"},
                                     dir_.path());
    QCOMPARE(ok.code, 0);
    QVERIFY2(ok.err.contains("exported 3 events"), qPrintable(ok.err));
  }

  void cli_export_never_leaves_half_a_file() {
    msmilog::ImportResult result;
    QVERIFY(import(path("cli-half.db"), {write("cli-half.fake", good_log())}, {}, &result).ok());
    // Over the store it reads, even with --force: refused, and the store is still one.
    const CliResult self = run_msmisim(
        {"export", "--db", "cli-half.db", "--format", "csv", "-o", "./cli-half.db", "--force"},
        dir_.path());
    QCOMPARE(self.code, 2);
    QVERIFY2(self.err.contains("-o ./cli-half.db: is the event store itself"),
             qPrintable(self.err));
    QCOMPARE(Db(path("cli-half.db")).number("SELECT count(*) FROM runs"), 1);
    // An export that fails half-way (here at its first query: SQLite finds the search
    // expression malformed) leaves no file, not even the header, and a file it would have
    // replaced stays as it was.
    write("kept.csv", "keep me");
    for (const QString& output : {QString("half.csv"), QString("kept.csv")}) {
      const CliResult bad = run_msmisim({"export", "--db", "cli-half.db", "--format", "csv",
                                         "--search", "\"abc", "-o", output, "--force"},
                                        dir_.path());
      QCOMPARE(bad.code, 2);
      QVERIFY2(bad.err.contains("search expression '\"abc': unterminated string"),
               qPrintable(bad.err));
      QVERIFY(!QFile::exists(dir_.filePath(output + ".tmp")));
    }
    // A --grep that is no regular expression is refused before the store is even opened.
    const CliResult grep = run_msmisim(
        {"export", "--db", "no-such.db", "--format", "csv", "--grep", "(", "-o", "grep.csv"},
        dir_.path());
    QCOMPARE(grep.code, 2);
    QVERIFY2(grep.err.contains("msmisim export: grep expression '(': "), qPrintable(grep.err));
    QVERIFY(!QFile::exists(dir_.filePath("grep.csv")));
    QVERIFY(!QFile::exists(dir_.filePath("grep.csv.tmp")));
    QVERIFY(!QFile::exists(dir_.filePath("no-such.db")));
    QVERIFY(!QFile::exists(dir_.filePath("half.csv")));
    QFile kept(dir_.filePath("kept.csv"));
    QVERIFY(kept.open(QIODevice::ReadOnly));
    QCOMPARE(kept.readAll(), QByteArray("keep me"));
  }

  void cli_import_into_a_locked_store_claims_nothing() {
    sqlite3* holder = nullptr;  // another writer holds the store for longer than import waits
    held_store_with_export("cli-lock.db", "lock.csv", &holder);
    if (QTest::currentTestFailed()) {
      sqlite3_close(holder);
      return;
    }
    const CliResult r =
        run_msmisim({"import", "lock.csv", "--db", "cli-lock.db", "--name", "locked"}, dir_.path(),
                    {"MSMISIM_STORE_WAIT=2"});
    sqlite3_close(holder);
    QCOMPARE(r.code, 3);
    QVERIFY2(!r.out.contains("imported"), qPrintable(r.out));
    // It said why it waited, then gave up after the 2 s it was given.
    QVERIFY2(r.err.contains("msmisim import: cli-lock.db is being written by another process; "
                            "waiting for it (up to 2 s, MSMISIM_STORE_WAIT)\n"),
             qPrintable(r.err));
    QVERIFY2(r.err.contains("database is locked"), qPrintable(r.err));
  }

  // A writer that finds the store held by another (an import holds it for a whole file) waits
  // for it, says so once, and goes on when it is free.
  void cli_import_waits_for_another_writer() {
    sqlite3* holder = nullptr;
    held_store_with_export("cli-wait.db", "wait.csv", &holder);
    if (QTest::currentTestFailed()) {
      sqlite3_close(holder);
      return;
    }
    QProcess process;
    process.setWorkingDirectory(dir_.path());
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert("MSMISIM_STORE_WAIT", "60");
    process.setProcessEnvironment(environment);
    process.start(MSMISIM_BINARY, {"import", "wait.csv", "--db", "cli-wait.db", "--name", "w"});
    QVERIFY(process.waitForStarted());
    // The line it prints after a second of waiting, however slow the machine is to get there.
    const QString notice =
        "msmisim import: cli-wait.db is being written by another process; "
        "waiting for it (up to 60 s, MSMISIM_STORE_WAIT)\n";
    QString err;
    while (!err.contains(notice) && process.state() == QProcess::Running) {
      process.waitForReadyRead(1000);
      err += QString::fromUtf8(process.readAllStandardError());
    }
    QVERIFY2(err.contains(notice), qPrintable(err));
    sqlite3_close(holder);  // the other writer is done
    QVERIFY(process.waitForFinished(60'000));
    const QString out = QString::fromUtf8(process.readAllStandardOutput());
    err += QString::fromUtf8(process.readAllStandardError());
    QCOMPARE(process.exitCode(), 0);
    QVERIFY2(out.contains("into import 'w'"), qPrintable(out + err));
    QCOMPARE(err.count("is being written by another process"), 1);
    QCOMPARE(Db(path("cli-wait.db")).number("SELECT count(*) FROM runs"), 2);
  }

  void cli_store_wait_must_be_seconds_data() {
    QTest::addColumn<QString>("value");
    QTest::newRow("word") << "soon";
    QTest::newRow("negative") << "-1";
    QTest::newRow("a unit") << "30s";
    QTest::newRow("over a day") << "86401";
    QTest::newRow("empty") << "";
  }

  void cli_store_wait_must_be_seconds() {
    QFETCH(QString, value);
    const CliResult r = run_msmisim({"import", "nothing.csv", "--db", "never.db"}, dir_.path(),
                                    {"MSMISIM_STORE_WAIT=" + value});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.startsWith("msmisim import: MSMISIM_STORE_WAIT=" + value +
                              ": expected whole seconds, 0 to 86400"),
             qPrintable(r.err));
    QVERIFY(!QFile::exists(dir_.filePath("never.db")));
    // A command that only reads the store never waits, so the variable is none of its business.
    const CliResult query =
        run_msmisim({"query", "--db", "never.db"}, dir_.path(), {"MSMISIM_STORE_WAIT=" + value});
    QCOMPARE(query.code, 3);  // the missing store, not the variable
    QVERIFY2(!query.err.contains("MSMISIM_STORE_WAIT"), qPrintable(query.err));
  }

  // ---- --dry-run ------------------------------------------------------------------------------

  void dry_run_counts_as_an_import_and_stores_nothing() {
    const std::string db = path("no-such-dir/dry.db");  // the store need not exist
    const std::string skip =
        write("dry-skip.fake", "FAKELOG\n" +
                                   rec(1, "40000950", "I", 0, "", kMay22, "MSExchangeMSMI", "") +
                                   "BAD|truncated record\nRECOVERED\n" +
                                   rec(3, "40000950", "I", 0, "", kMay22, "MSExchangeMSMI", ""));
    const std::string good = write("dry-good.fake", good_log());
    msmilog::ImportOptions options;
    options.skip_errors = true;
    options.dry_run = true;
    msmilog::ImportResult dry;
    Recorder progress;
    QVERIFY(import(db, {good, skip}, options, &dry, &progress).ok());
    QVERIFY(dry.dry_run);
    QVERIFY(dry.all_imported());
    QCOMPARE(dry.run_id, std::int64_t(0));
    QVERIFY(!QFileInfo::exists(QString::fromStdString(db)));
    QCOMPARE(progress.finished_files, 2);

    options.dry_run = false;
    msmilog::ImportResult real;
    QVERIFY(import(path("real.db"), {good, skip}, options, &real).ok());
    for (std::size_t i = 0; i < 2; ++i) {
      const msmilog::FileImport& d = dry.files[i];
      const msmilog::FileImport& r = real.files[i];
      QCOMPARE(d.format, r.format);
      QCOMPARE(d.size, r.size);
      QCOMPARE(d.read, r.read);
      QCOMPARE(d.imported, r.imported);
      QCOMPARE(d.skipped, r.skipped);
      QCOMPARE(d.recovered, r.recovered);
      QCOMPARE(d.notes.size(), r.notes.size());
      QCOMPARE(d.errors.size(), r.errors.size());
      QCOMPARE(d.errors.empty() ? 0 : d.errors[0].position,
               r.errors.empty() ? 0 : r.errors[0].position);
      QVERIFY(d.sha256.empty());
    }
    QCOMPARE(dry.files[1].read, std::int64_t(3));
    QCOMPARE(dry.files[1].imported, std::int64_t(2));
    QCOMPARE(dry.files[1].skipped, std::int64_t(1));
    QCOMPARE(dry.files[1].recovered, std::int64_t(1));
  }

  void dry_run_fails_a_bad_file_as_an_import_does() {
    const std::string bad = write(
        "dry-bad.fake", "FAKELOG\n" + rec(1, "40000950", "I", 0, "", kMay22, "MSExchangeMSMI", "") +
                            "BAD|record length 12 is shorter than a record header\n");
    const std::string junk = write("dry-junk.bin", "not a log at all");
    msmilog::ImportOptions options;
    options.dry_run = true;
    msmilog::ImportResult dry;
    QVERIFY(import(path("dry-bad.db"), {bad, junk, path("dry-missing.evt")}, options, &dry).ok());
    options.dry_run = false;
    msmilog::ImportResult real;
    QVERIFY(import(path("real-bad.db"), {bad, junk, path("dry-missing.evt")}, options, &real).ok());
    QVERIFY(!dry.all_imported());
    for (std::size_t i = 0; i < 3; ++i) {
      QCOMPARE(dry.files[i].status.code(), real.files[i].status.code());
      QCOMPARE(dry.files[i].status.message(), real.files[i].status.message());
      QCOMPARE(dry.files[i].imported, std::int64_t(0));
    }
    QVERIFY(dry.files[0].status.is_corruption());
    QVERIFY(QString::fromStdString(dry.files[0].status.message()).contains("line 3"));
  }

  void cli_dry_run_prints_the_summary_and_the_same_errors() {
    // An Event Viewer CSV (a format the msmisim binary reads): one good row, then a bad type.
    const std::string header = "Type,Date,Time,Source,Category,Event,User,Computer,Description\n";
    const std::string row =
        "Error,5/22/1997,12:55:53 PM,MSExchangeMSMI,None,2342,N/A,EXCHSRV1,Own text\n";
    const std::string good = write("cli-dry.csv", header + row);
    const std::string bad = write("cli-dry-bad.csv", header + row + "Oops" + row.substr(5));
    const CliResult dry = run_msmisim(
        {"import", "--dry-run", "--db", "nowhere/cli-dry.db", QString::fromStdString(good)},
        dir_.path());
    QCOMPARE(dry.code, 0);
    QVERIFY2(dry.out.contains("would import") && dry.out.contains("(csv,") &&
                 dry.out.contains("dry run, nothing stored") &&
                 dry.out.contains("read 1, imported 1, skipped 0, recovered 0"),
             qPrintable(dry.out));
    QVERIFY(!QFileInfo::exists(dir_.filePath("nowhere/cli-dry.db")));

    const CliResult dry_bad = run_msmisim(
        {"import", "--dry-run", "--db", "nowhere/cli-dry.db", QString::fromStdString(bad)},
        dir_.path());
    const CliResult real_bad = run_msmisim(
        {"import", "--db", "cli-dry-real.db", QString::fromStdString(bad)}, dir_.path());
    QCOMPARE(real_bad.code, 2);
    QCOMPARE(dry_bad.code, real_bad.code);
    QCOMPARE(dry_bad.err, real_bad.err);
    QVERIFY2(dry_bad.err.contains("line 3") && dry_bad.err.contains("Oops"),
             qPrintable(dry_bad.err));

    const CliResult help = run_msmisim({"import", "--help"}, dir_.path());
    QVERIFY(help.out.contains("--dry-run"));
  }

  // An import reads and converts on a second thread while the calling thread stores, in batches
  // through a bounded queue: a file of many batches (more than the queue holds) is stored whole
  // and in file order, progress is told from the calling thread and never goes back, and a
  // malformed record far into the file still leaves nothing of it behind.
  void a_large_file_is_stored_in_order_while_read_on_a_second_thread() {
    constexpr int kRecords = 30000;
    const std::string db = path("large.db");
    const std::string file = write("large.fake", many_records(kRecords, 0));
    msmilog::ImportResult result;
    ProgressLog progress;
    QVERIFY(import(db, {file}, {}, &result, &progress).ok());
    QVERIFY(result.all_imported());
    QCOMPARE(result.files[0].imported, std::int64_t(kRecords));
    QVERIFY(!progress.other_thread);
    QVERIFY(!progress.went_back);
    QVERIFY(progress.calls > 10);
    QCOMPARE(progress.last, progress.last_total);
    Db sql(db);
    QCOMPARE(sql.number("SELECT count(*) FROM events"), kRecords);
    QCOMPARE(sql.number("SELECT count(*) FROM events WHERE seq != record_number"), 0);
    QCOMPARE(sql.text("SELECT strings FROM events WHERE seq = 29999"), QString("[\"0x29999\"]"));

    const std::string bad = write("large-bad.fake", many_records(kRecords, 25000));
    msmilog::ImportResult failed;
    msmilog::ImportOptions options;
    options.name = "bad";
    QVERIFY(import(db, {bad}, options, &failed).ok());
    QVERIFY(failed.files[0].status.is_corruption());
    const QString message = QString::fromStdString(failed.files[0].status.message());
    QVERIFY2(message.contains("line 25001") && message.contains("damaged far into the file"),
             qPrintable(message));
    QCOMPARE(failed.files[0].read, std::int64_t(25000));
    QCOMPARE(failed.files[0].imported, std::int64_t(0));
    QCOMPARE(sql.number("SELECT count(*) FROM events"), kRecords);  // nothing of large-bad
    QCOMPARE(sql.number("SELECT count(*) FROM runs"), 1);

    // Twice the same: the same rows.
    msmilog::ImportResult again;
    options.name = "again";
    options.force = true;
    QVERIFY(import(db, {file}, options, &again).ok());
    // (Rows of two runs pair up through the key, id = run_id << 32 | seq: seq is computed from
    // id, schema version 8, so a join on it would compare every row with every row.)
    QCOMPARE(sql.number("SELECT count(*) FROM events a JOIN events b ON b.id = (" +
                        std::to_string(again.run_id) + " << 32) | a.seq WHERE a.id BETWEEN " +
                        std::to_string(result.run_id) + " << 32 AND (" +
                        std::to_string(result.run_id) + " << 32) | 4294967295 AND" +
                        " a.description = b.description AND a.strings = b.strings AND "
                        "a.time_us = b.time_us AND a.event_identifier = b.event_identifier"),
             kRecords);
  }
};

QTEST_APPLESS_MAIN(TestImportPipeline)
#include "tst_import_pipeline.moc"
