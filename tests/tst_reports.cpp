// What reports/ renders from a hand-built run and hand-built event rows: the summary a QA engineer
// reads after `msmisim run`, and the table / CSV / JSON a support engineer gets from a query.
#include <QtTest>

#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "msmireport/event_listing.h"
#include "msmireport/format.h"
#include "msmireport/run_listing.h"
#include "msmireport/run_report.h"
#include "msmisim/event_tally.h"

namespace {

msmi::Event event(int id, msmi::EventType type, std::string description) {
  msmi::Event e;
  e.event_id = id;
  e.type = type;
  e.thread = 5;
  e.description = std::move(description);
  return e;
}

const std::string kLongText =
    "The thread in MS Mail Connector that delivers to Exchange has failed writing out data to the "
    "MTA.";

// A run with a little of everything the summary shows.
msmisim::RunResult busy_run() {
  msmisim::RunResult r;
  r.profile = "exchange-5.0";
  r.suppressed_events = 2;
  for (int i = 0; i < 3; ++i) {
    r.events.push_back(event(2342, msmi::EventType::kError,
                             "MS Mail Connector Interchange failed to put into XOM stream."));
  }
  r.events.push_back(event(2553, msmi::EventType::kError, kLongText));
  r.events.push_back(event(2384, msmi::EventType::kInformation, "session"));
  // One ID, two texts that differ by the service; two that differ only by a message number.
  for (const char* text :
       {"The MTA service entered the stopped state.", "The MSMI service entered the running state.",
        "The MSMI service entered the running state."}) {
    r.events.push_back(event(7036, msmi::EventType::kInformation, text));
  }
  r.events.push_back(event(2444, msmi::EventType::kInformation, "Message ID <0000002A> processed"));
  r.events.push_back(event(2444, msmi::EventType::kInformation, "Message ID <0000002B> processed"));
  // The summary reads the tally a run keeps as its events are written.
  for (const msmi::Event& e : r.events) r.event_tally.add(e);

  msmisim::LedgerEntry delivered;
  delivered.message_id = "MSNET/SALES/00000001";
  delivered.fate = msmi::Fate::kDelivered;
  msmisim::LedgerEntry bad = delivered;
  bad.message_id = "MSNET/SALES/00000026";
  bad.label = "bad-address";
  bad.fate = msmi::Fate::kLost;
  bad.detail = "INQUEUE3 was reset";
  msmisim::LedgerEntry ndr = delivered;
  ndr.message_id = "MSNET/SALES/00000027";
  ndr.fate = msmi::Fate::kNdr;
  r.ledger = {delivered, bad, ndr};

  r.threads = {{0, "housekeeping", msmi::ThreadState::kIdle, 0.0, 0.0},
               {5, "inbound", msmi::ThreadState::kLooping, 100.0, 75.5},
               {6, "outbound", msmi::ThreadState::kIdle, 0.2, 0.25}};
  for (int minute = 1; minute <= 24; ++minute) {
    msmisim::QueueSample q;
    q.time_us = minute * 60'000'000LL;
    q.p1_files = minute;
    q.inqueue3 = minute == 12 ? -1 : minute;
    q.mta_queue = minute == 1 ? 7 : 0;  // a backlog seen only in a sample the table skips
    r.queue_samples.push_back(q);
  }
  r.backlog.p1_files = 62;
  r.backlog.inqueue3 = 61;
  r.backlog.mta_queue = 3;
  r.backlog.held = 4;
  r.crashes = 2;
  r.expectation_sets = {"exchange-5.0"};
  r.expectations = {{true, "event 2342 count ≥ 1", "3"}, {false, "ledger lost = 0", "1"}};
  return r;
}

// busy_run() whose oracle found a duplicate delivery.
msmisim::RunResult run_with_invariants() {
  msmisim::RunResult r = busy_run();
  r.invariants = {
      {"no message delivered twice", false, "MSNET/SALES/00000001: the MTA accepted it 2 times"},
      {"no NDR lost", true, "every NDR the engine reported arrived"}};
  return r;
}

msmilog::EventRow row(std::int64_t seq, std::string description) {
  msmilog::EventRow e;
  e.run_id = 7;
  e.seq = seq;
  e.time_us = seq * 1000;
  e.time = "1997-05-22T09:20:01.457Z";
  e.computer = "EXCHSRV1";
  e.source = "MSExchangeMSMI";
  e.event_id = 2342;
  e.type = "Error";
  e.category = "Session Error";
  e.level = 1;
  e.thread = 5;
  e.message_id = "MSNET/SALES/00000026";
  e.description = std::move(description);
  return e;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Splits one CSV record the way a spreadsheet reads it (RFC 4180). Returns false if malformed.
bool parse_csv_record(const std::string& text, std::vector<std::string>* fields) {
  fields->assign(1, "");
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '"' && fields->back().empty()) {
      for (++i;; ++i) {
        if (i >= text.size()) return false;
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            fields->back() += '"';
            ++i;
          } else {
            ++i;
            break;
          }
        } else {
          fields->back() += text[i];
        }
      }
      if (i < text.size() && text[i] != ',' && text[i] != '\n') return false;
    } else if (text[i] == ',') {
      fields->emplace_back();
      ++i;
    } else if (text[i] == '\n') {
      return i + 1 == text.size();
    } else if (text[i] == '"') {
      return false;  // a quote inside an unquoted field
    } else {
      fields->back() += text[i++];
    }
  }
  return true;
}

std::string summary_of(const msmisim::RunResult& r) {
  msmisim::Scenario scenario;
  scenario.path = "scenarios/kb/Q151791.json";
  std::ostringstream out;
  msmireport::render_run_summary(scenario, r, out);
  return out.str();
}

}  // namespace

class TestReports : public QObject {
  Q_OBJECT

 private slots:
  void run_summary_shows_data();
  void run_summary_shows();
  void invariants_that_held_are_one_line();
  void run_summary_lines_up_and_cuts_long_text();
  void empty_run_says_so();
  void header_and_verdict_data();
  void header_and_verdict();
  void event_table_has_columns();
  void csv_round_trips_data();
  void csv_round_trips();
  void json_parses_back();
  void empty_listings_say_so_data();
  void empty_listings_say_so();
  void runs_listing();
  void format_names();
  void text_shape_blanks_long_numbers_data();
  void text_shape_blanks_long_numbers();
};

void TestReports::run_summary_shows_data() {
  QTest::addColumn<QString>("text");
  QTest::newRow("event counts") << "Events by ID (10 written, 2 below the logging level):";
  QTest::newRow("an ID's texts, most frequent first")
      << "  7036  Information 3      (2 different texts)\n"
         "                    2      The MSMI service entered the running state.\n"
         "                    1      The MTA service entered the stopped state.\n";
  QTest::newRow("texts differing by a message number are one")
      << "  2444  Information 2      Message ID <0000002A> processed\n";
  QTest::newRow("ID, type, count") << "  2342  Error       3      MS Mail Connector Interchange";
  QTest::newRow("ledger fates")
      << "Ledger: 3 messages — delivered 1, ndr 1, quarantined 0, pending 0, lost 1";
  QTest::newRow("scripted message")
      << "  'bad-address' MSNET/SALES/00000026: lost — INQUEUE3 was reset";
  QTest::newRow("looping thread") << "  5   inbound   looping  100.0%  75.5%";
  QTest::newRow("queue times") << "  time        2m    4m    6m";
  QTest::newRow("MTA queue row when it ever held mail") << "  MTA queue   0     0     0";
  QTest::newRow("queue unreadable") << "  (-: INQUEUE3 could not be read, e.g. locked)";
  QTest::newRow("end state") << "At the end: MSMI service stopped (2 crashes); backlog: P1 files "
                                "62, INQUEUE3 61, MTA queue 3, held by MS Mail 4";
  QTest::newRow("expectation set") << "Expectations (exchange-5.0):";
  QTest::newRow("passed") << "  PASS event 2342 count ≥ 1: 3";
  QTest::newRow("failed") << "  FAIL ledger lost = 0: 1";
  QTest::newRow("invariants broken") << "Invariants: 1 of 2 broken:";
  QTest::newRow("broken invariant")
      << "  BROKEN no message delivered twice: MSNET/SALES/00000001: the MTA accepted it 2 times";
}

void TestReports::run_summary_shows() {
  QFETCH(QString, text);
  const std::string summary = summary_of(run_with_invariants());
  QVERIFY2(summary.find(text.toStdString()) != std::string::npos, summary.c_str());
}

void TestReports::invariants_that_held_are_one_line() {
  msmisim::RunResult r = run_with_invariants();
  r.invariants[0].passed = true;
  const std::string summary = summary_of(r);
  QVERIFY2(summary.find("\nInvariants: all 2 held\n") != std::string::npos, summary.c_str());
  QVERIFY(summary.find("BROKEN") == std::string::npos);
  // Quiet mode names the broken invariant beside the failed expectations.
  std::ostringstream quiet;
  msmireport::render_failed_expectations(run_with_invariants(), quiet);
  // The verdict line counts broken invariants.
  std::ostringstream verdict;
  msmireport::render_run_verdict({"a.json", 1, "exchange-5.0", "replay"}, run_with_invariants(),
                                 {"fail", 1.0, std::nullopt, ""}, verdict);
  QVERIFY2(
      verdict.str().find("FAIL: 1/2 expectations held, 1 invariant broken;") != std::string::npos,
      verdict.str().c_str());
  QVERIFY2(quiet.str().find("  BROKEN invariant no message delivered twice: ") != std::string::npos,
           quiet.str().c_str());
  // Warnings are printed with the fault rule warnings.
  r.warnings = {"$.expect.*.events[1]: cannot fail"};
  std::ostringstream warnings;
  msmireport::render_fault_warnings(r, warnings);
  QCOMPARE(warnings.str(), std::string("warning: $.expect.*.events[1]: cannot fail\n"));
}

void TestReports::run_summary_lines_up_and_cuts_long_text() {
  const std::string summary = summary_of(busy_run());
  // A housekeeping thread that did nothing is folded into one line, not listed.
  QVERIFY(summary.find("  0   housekeeping") == std::string::npos);
  QVERIFY(summary.find("(threads 0-3, housekeeping: idle)") != std::string::npos);
  for (const std::string& line : lines_of(summary)) {
    if (line.starts_with("  2553 ")) {
      QVERIFY2(line.ends_with("..."), line.c_str());
      QCOMPARE(line.size(), std::size_t(2 + 6 + 12 + 7 + 78));
      QVERIFY(line.find(kLongText.substr(0, 60)) != std::string::npos);
    }
  }
  // A dozen points at most, however many samples: 24 samples show every second one.
  for (const std::string& line : lines_of(summary)) {
    if (line.starts_with("  P1 files"))
      QCOMPARE(line,
               "  P1 files    2     4     6     8     "
               "10    12    14    16    18    20    22  "
               "  24    ");
  }
}

void TestReports::empty_run_says_so() {
  msmisim::RunResult empty;
  empty.profile = "hardened";
  const std::string summary = summary_of(empty);
  QVERIFY(summary.find("Events by ID (0 written, 0 below the logging level):\n") !=
          std::string::npos);
  QVERIFY(summary.find("Ledger: 0 messages — delivered 0") != std::string::npos);
  QVERIFY(summary.find("Queues over time") == std::string::npos);
  QVERIFY2(
      summary.ends_with("\nExpectations: none for profile hardened in scenarios/kb/Q151791.json\n"),
      summary.c_str());
}

void TestReports::header_and_verdict_data() {
  QTest::addColumn<QString>("verdict");
  QTest::addColumn<bool>("recorded");
  QTest::addColumn<QString>("expected");
  const QString replay = "replay: msmisim run a,b.json --seed 42 --profile exchange-5.0\n";
  QTest::newRow("pass, recorded")
      << "pass" << true
      << "\nPASS: 1/2 expectations held; 10 events in 1.250 s wall time (8 events/s); "
         "recorded as run 9 in qa.db\n";
  QTest::newRow("fail repeats the replay command")
      << "fail" << false
      << "\nFAIL: 1/2 expectations held; 10 events in 1.250 s wall time (8 events/s)\n" + replay;
  QTest::newRow("no expectations")
      << "no-expectations" << false
      << "\nDONE: no expectations for profile exchange-5.0; 10 events in 1.250 s wall time "
         "(8 events/s)\n";
  QTest::newRow("interrupted") << "interrupted" << true
                               << "\nINTERRUPTED at 10m of virtual time; 10 events recorded as "
                                  "run 9 in qa.db\n";
}

void TestReports::header_and_verdict() {
  QFETCH(QString, verdict);
  QFETCH(bool, recorded);
  QFETCH(QString, expected);
  msmisim::Scenario scenario;
  scenario.kb = "Q151791";
  scenario.description = "XFOR: MSMI Stops Processing When Submitting Bad Address.";
  scenario.duration_us = 3'600'000'000;
  const msmireport::RunHeader header{"a,b.json", 42, "exchange-5.0",
                                     "msmisim run a,b.json --seed 42 --profile exchange-5.0"};
  std::ostringstream head, quiet;
  msmireport::render_run_header(scenario, header, false, head);
  msmireport::render_run_header(scenario, header, true, quiet);
  QVERIFY(head.str().find(": a,b.json (KB Q151791)\nXFOR: MSMI Stops") != std::string::npos);
  QVERIFY(head.str().ends_with(
      "seed 42, profile exchange-5.0, 1h of virtual time\nreplay: " + header.replay + "\n"));
  QVERIFY(quiet.str().find("XFOR") == std::string::npos);  // --quiet leaves the description out

  msmisim::RunResult result = busy_run();
  result.virtual_duration_us = 600'000'000;
  msmireport::RunOutcome outcome{verdict.toStdString(), 1.25, std::nullopt, "qa.db"};
  if (recorded) outcome.run_id = 9;
  std::ostringstream out;
  msmireport::render_run_verdict(header, result, outcome, out);
  QCOMPARE(QString::fromStdString(out.str()), expected);
}

void TestReports::event_table_has_columns() {
  msmilog::EventRow no_thread = row(2, "Operator: restart all");
  no_thread.thread = -1;
  no_thread.message_id.clear();
  std::ostringstream out, notes;
  msmireport::render_events({row(1, "failed to put into XOM stream"), no_thread},
                            msmireport::Format::kTable, out, notes);
  const auto lines = lines_of(out.str());
  QCOMPARE(lines.size(), std::size_t(3));
  const std::size_t description = lines[0].find("DESCRIPTION");
  for (const char* column : {"RUN", "TIME", "ID", "TYPE", "THR", "MESSAGE"}) {
    QVERIFY2(lines[0].find(column) < description, column);
  }
  // Every description starts under its heading, with or without a thread and message ID.
  QCOMPARE(lines[1].substr(description), std::string("failed to put into XOM stream"));
  QCOMPARE(lines[2].substr(description), std::string("Operator: restart all"));
  QVERIFY(lines[1].find("MSNET/SALES/00000026") != std::string::npos);
  QVERIFY(lines[1].starts_with("7    1997-05-22T09:20:01.457Z 2342   Error       5    "));
  QVERIFY(notes.str().empty());
}

void TestReports::csv_round_trips_data() {
  QTest::addColumn<QString>("description");
  QTest::newRow("plain") << "Message ID <00000001> processed from INQUEUE";
  QTest::newRow("comma") << "Non delivery report generated. From: A, B Subject: x";
  QTest::newRow("quotes") << "event 2342 containing \"0x15\"";
  QTest::newRow("comma and quotes") << "\"a\",\"b\"";
  QTest::newRow("line break") << "first line\nsecond line";
  QTest::newRow("empty") << "";
}

void TestReports::csv_round_trips() {
  QFETCH(QString, description);
  msmilog::EventRow e = row(3, description.toStdString());
  e.computer = "EXCH,SRV1";
  std::ostringstream out, notes;
  msmireport::render_events({e}, msmireport::Format::kCsv, out, notes);
  const std::string text = out.str();
  const std::size_t header_end = text.find('\n');
  QCOMPARE(text.substr(0, header_end),
           std::string("run_id,seq,time,time_us,computer,source,event_id,type,category,level,"
                       "thread,message_id,description,strings,data"));
  std::vector<std::string> fields;
  QVERIFY2(parse_csv_record(text.substr(header_end + 1), &fields), text.c_str());
  QCOMPARE(fields.size(), std::size_t(15));
  QCOMPARE(fields[4], std::string("EXCH,SRV1"));
  QCOMPARE(fields[6], std::string("2342"));
  QCOMPARE(fields[10], std::string("5"));
  QCOMPARE(fields[12], description.toStdString());
  QCOMPARE(fields[13], std::string("[]"));  // no insertion strings: an empty JSON array
}

void TestReports::json_parses_back() {
  msmilog::EventRow no_thread = row(2, "Quotes \"0x15\", a backslash \\ and a dash —");
  no_thread.thread = -1;
  no_thread.message_id.clear();
  std::ostringstream out, notes;
  msmireport::render_events({row(1, "first"), no_thread}, msmireport::Format::kJson, out, notes);
  const nlohmann::json parsed = nlohmann::json::parse(out.str(), nullptr, false);
  QVERIFY2(!parsed.is_discarded(), out.str().c_str());
  QVERIFY(parsed.is_array());
  QCOMPARE(parsed.size(), std::size_t(2));
  QCOMPARE(parsed[0]["run_id"].get<std::int64_t>(), std::int64_t(7));
  QCOMPARE(parsed[0]["event_id"].get<int>(), 2342);
  QCOMPARE(parsed[0]["thread"].get<int>(), 5);
  QCOMPARE(parsed[0]["message_id"].get<std::string>(), std::string("MSNET/SALES/00000026"));
  QCOMPARE(parsed[0]["time"].get<std::string>(), std::string("1997-05-22T09:20:01.457Z"));
  QVERIFY(parsed[1]["thread"].is_null());
  QVERIFY(parsed[1]["message_id"].is_null());
  QCOMPARE(parsed[1]["description"].get<std::string>(), no_thread.description);
  // One object per line, so `grep` works on it too.
  QCOMPARE(lines_of(out.str()).size(), std::size_t(4));
}

void TestReports::empty_listings_say_so_data() {
  QTest::addColumn<QString>("format");
  QTest::addColumn<QString>("out");
  QTest::addColumn<QString>("notes");
  QTest::newRow("table") << "table"
                         << ""
                         << "(no events match)\n";
  QTest::newRow("csv") << "csv"
                       << "run_id,seq,time,time_us,computer,source,event_id,type,category,"
                          "level,thread,message_id,description,strings,data\n"
                       << "";
  QTest::newRow("json") << "json"
                        << "[]\n"
                        << "";
}

void TestReports::empty_listings_say_so() {
  QFETCH(QString, format);
  QFETCH(QString, out);
  QFETCH(QString, notes);
  msmireport::Format f;
  QVERIFY(msmireport::parse_format(format.toStdString(), &f));
  std::ostringstream o, n;
  msmireport::render_events({}, f, o, n);
  QCOMPARE(QString::fromStdString(o.str()), out);
  QCOMPARE(QString::fromStdString(n.str()), notes);
  if (f == msmireport::Format::kJson) QVERIFY(nlohmann::json::parse(o.str()).empty());
  // A failed query has its own error to show: no "(no events match)" then.
  std::ostringstream failed_out;
  msmireport::EventListing failed(f, failed_out);
  failed.finish(nullptr);
  QCOMPARE(QString::fromStdString(failed_out.str()), out);
}

void TestReports::runs_listing() {
  msmilog::RunSummary finished;
  finished.run_id = 1;
  finished.scenario = "scenarios/regression/Q151791-logging-none.json";
  finished.seed = 151791;
  finished.profile = "exchange-5.0-sp1";
  finished.defects = "Q151791,Q175965";
  finished.verdict = "pass";
  finished.event_count = 4904;
  finished.started_at = "2026-11-21T17:50:46.928Z";
  finished.command = "msmisim run 'a, b.json' --seed 151791";
  msmilog::RunSummary unfinished;
  unfinished.run_id = 2;
  unfinished.scenario = "q.json";
  unfinished.profile = "hardened";

  std::ostringstream table, notes;
  msmireport::render_runs({finished, unfinished}, msmireport::Format::kTable, table, notes);
  const auto lines = lines_of(table.str());
  QCOMPARE(lines.size(), std::size_t(3));
  // The SCENARIO column is as wide as the longest scenario, so the next columns line up.
  const std::size_t profile = lines[0].find("PROFILE");
  QCOMPARE(profile, std::size_t(5 + finished.scenario.size() + 2));
  QCOMPARE(lines[1].substr(profile, 16), std::string("exchange-5.0-sp1"));
  QCOMPARE(lines[2].substr(profile, 8), std::string("hardened"));
  QVERIFY(lines[2].find("(unfinished)") != std::string::npos);
  QVERIFY(notes.str().empty());

  std::ostringstream csv;
  msmireport::render_runs({finished}, msmireport::Format::kCsv, csv, notes);
  std::vector<std::string> fields;
  QVERIFY(parse_csv_record(csv.str().substr(csv.str().find('\n') + 1), &fields));
  QCOMPARE(fields.size(), std::size_t(12));
  QCOMPARE(fields[4], finished.defects);
  QCOMPARE(fields[8], finished.command);
  QCOMPARE(fields[9], std::string("run"));

  std::ostringstream json;
  msmireport::render_runs({finished, unfinished}, msmireport::Format::kJson, json, notes);
  const nlohmann::json parsed = nlohmann::json::parse(json.str());
  QCOMPARE(parsed.size(), std::size_t(2));
  QCOMPARE(parsed[0]["seed"].get<std::uint64_t>(), std::uint64_t(151791));
  QCOMPARE(parsed[0]["command"].get<std::string>(), finished.command);
  QCOMPARE(parsed[1]["verdict"].get<std::string>(), std::string());

  // An imported log is listed by its import name, without a profile or seed.
  msmilog::RunSummary imported;
  imported.run_id = 3;
  imported.kind = "import";
  imported.import_name = "contoso-AppEvent";
  imported.scenario = "AppEvent.Evt";
  imported.event_count = 1000;
  std::ostringstream import_table;
  msmireport::render_runs({imported}, msmireport::Format::kTable, import_table, notes);
  const auto import_lines = lines_of(import_table.str());
  QCOMPARE(import_lines.size(), std::size_t(2));
  QVERIFY(import_lines[1].starts_with("3    import 'contoso-AppEvent'  -"));
  std::ostringstream import_json;
  msmireport::render_runs({imported}, msmireport::Format::kJson, import_json, notes);
  const nlohmann::json import_parsed = nlohmann::json::parse(import_json.str());
  QCOMPARE(import_parsed[0]["kind"].get<std::string>(), std::string("import"));
  QCOMPARE(import_parsed[0]["import_name"].get<std::string>(), imported.import_name);

  std::ostringstream none, none_notes;
  msmireport::render_runs({}, msmireport::Format::kTable, none, none_notes);
  QVERIFY(none.str().starts_with("RUN  SCENARIO  PROFILE"));
  QCOMPARE(none_notes.str(), std::string("(no runs recorded)\n"));
}

void TestReports::format_names() {
  msmireport::Format f = msmireport::Format::kTable;
  QVERIFY(msmireport::parse_format("JSON", &f));
  QCOMPARE(f, msmireport::Format::kJson);
  QVERIFY(msmireport::parse_format("Csv", &f));
  QCOMPARE(f, msmireport::Format::kCsv);
  QVERIFY(!msmireport::parse_format("xml", &f));
  QVERIFY(!msmireport::parse_format("", &f));
  QCOMPARE(f, msmireport::Format::kCsv);  // unchanged by a refused name
  QCOMPARE(msmireport::to_string(msmireport::Format::kTable), std::string_view("table"));
}

// The summary counts an ID's texts by shape: message numbers and other long runs of hex digits
// blanked, everything else kept as written.
void TestReports::text_shape_blanks_long_numbers_data() {
  QTest::addColumn<QString>("text");
  QTest::addColumn<QString>("shape");
  QTest::newRow("empty") << ""
                         << "";
  QTest::newRow("no digits") << "The MTA service entered the stopped state."
                             << "The MTA service entered the stopped state.";
  QTest::newRow("message number") << "Message ID <0000002A> processed"
                                  << "Message ID <#> processed";
  QTest::newRow("short return code kept") << "Return code is 0x15."
                                          << "Return code is 0x15.";
  QTest::newRow("four digits kept") << "record 1234 of 4096"
                                    << "record 1234 of 4096";
  QTest::newRow("five digits blanked") << "record 12345 of 4096"
                                       << "record # of 4096";
  QTest::newRow("hex word without a digit kept") << "faced decade"
                                                 << "faced decade";
  QTest::newRow("at both ends") << "0000002A then 0000002B"
                                << "# then #";
  QTest::newRow("a letter run joins the number") << "abcde1"
                                                 << "#";
  QTest::newRow("path and date") << "SALES\\MAI\\MAB\\0000003B.MAI on 12/03/26 at 08:58"
                                 << "SALES\\MAI\\MAB\\#.MAI on 12/03/26 at 08:58";
}

void TestReports::text_shape_blanks_long_numbers() {
  QFETCH(QString, text);
  QFETCH(QString, shape);
  QCOMPARE(QString::fromStdString(msmisim::text_shape(text.toStdString())), shape);
}

QTEST_APPLESS_MAIN(TestReports)
#include "tst_reports.moc"
