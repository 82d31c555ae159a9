// KB signature rules: the loader's errors, the evaluator on hand-built event streams (one test
// per condition kind), and `msmisim diagnose` end to end on a recorded Q151791 run.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include "cli_process.h"
#include "msmilog/diagnosis.h"
#include "msmilog/signature.h"

namespace {

constexpr std::int64_t kSecond = 1'000'000;

// An event at `seconds` since the start, with the fields the selectors look at.
msmilog::EventRow row(std::int64_t seconds, int id, int thread = -1, std::string description = "",
                      std::vector<std::string> strings = {}, std::string message_id = "") {
  static std::int64_t seq = 0;
  msmilog::EventRow r;
  r.id = ++seq;
  r.seq = r.id;
  r.run_id = 1;
  r.time_us = seconds * kSecond;
  r.time = std::to_string(seconds) + "s";
  r.computer = "EXCHSRV1";
  r.source = "MSExchangeMSMI";
  r.event_id = id;
  r.type = "Error";
  r.category = "Session Error";
  r.thread = thread;
  r.message_id = std::move(message_id);
  r.description = std::move(description);
  r.strings = std::move(strings);
  return r;
}

// A signature "QTEST" made of the given "match" conditions (a JSON array's text).
msmilog::Signature signature(const std::string& match) {
  const std::string text = R"({"kb": "Q1", "title": "t", "cause": "c", "workaround": "w",
                               "fix": "f", "confidence": "high", "match": )" +
                           match + "}";
  msmilog::Signature s;
  const msmi::Status status = msmilog::parse_signature(text, "Q1.json", &s);
  if (!status.ok()) qFatal("%s", status.to_string().c_str());
  return s;
}

// The diagnoses of one signature over `rows`.
std::vector<msmilog::Diagnosis> diagnose(const std::string& match,
                                         const std::vector<msmilog::EventRow>& rows) {
  return msmilog::diagnose_rows({signature(match)}, rows);
}

bool matches(const std::string& match, const std::vector<msmilog::EventRow>& rows) {
  return !diagnose(match, rows).empty();
}

QString source(const QString& relative) {
  return QString(MSMISIM_SOURCE_DIR) + "/" + relative;
}

}  // namespace

class TestDiagnose : public QObject {
  Q_OBJECT

 private slots:
  void event_condition_data();
  void event_condition();
  void count_condition_data();
  void count_condition();
  void sequence_condition_data();
  void sequence_condition();
  void absent_and_any();
  void diagnosis_fields_and_order();
  void evidence_is_capped();
  void rules_by_event_id_and_any_id();
  void rule_errors_name_file_and_key_data();
  void rule_errors_name_file_and_key();
  void folder_loading();
  void shipped_signatures_load();
  void cli_on_recorded_q151791();
  void cli_bad_input();
};

void TestDiagnose::event_condition_data() {
  QTest::addColumn<QString>("select");
  QTest::addColumn<bool>("expected");
  // The stream: one 2342 "Return code is 0x15." with strings ["0x15", "SMTP:x@y"] on thread 5.
  QTest::newRow("id") << R"({"event_id": 2342})" << true;
  QTest::newRow("id list") << R"({"event_id": [1, 2342]})" << true;
  QTest::newRow("other id") << R"({"event_id": 2553})" << false;
  QTest::newRow("text any case") << R"({"text": "RETURN CODE IS 0X15"})" << true;
  QTest::newRow("text missing") << R"({"text": "0x16"})" << false;
  QTest::newRow("texts all") << R"({"text": ["XOM", "0x15"]})" << true;
  QTest::newRow("texts one missing") << R"({"text": ["XOM", "0x16"]})" << false;
  QTest::newRow("regex") << R"({"regex": "code is 0x1[0-9]\\."})" << true;
  QTest::newRow("regex case") << R"({"regex": "CODE"})" << false;
  QTest::newRow("regex icase") << R"({"regex": "CODE", "icase": true})" << true;
  // A regex is tried where its literal start occurs: every occurrence, the text before it seen.
  QTest::newRow("regex at second start") << R"({"regex": "o [X]OM"})" << true;
  QTest::newRow("regex escaped start") << R"({"regex": "stream\\. Return"})" << true;
  QTest::newRow("regex start optional tail") << R"({"regex": "XOMZ*"})" << true;
  QTest::newRow("regex start icase")
      << R"({"regex": "return CODE is 0x1[0-9]", "icase": true})" << true;
  QTest::newRow("regex start word boundary") << R"({"regex": "ut\\b"})" << true;
  QTest::newRow("regex start inside word") << R"({"regex": "ut\\B"})" << false;
  QTest::newRow("regex start missing") << R"({"regex": "XOM stream\\. Z"})" << false;
  QTest::newRow("regex alternatives") << R"({"regex": "ZZ|XOM"})" << true;
  QTest::newRow("string equal") << R"({"strings": {"1": "0X15"}})" << true;
  QTest::newRow("string differs") << R"({"strings": {"1": "0x16"}})" << false;
  QTest::newRow("string absent") << R"({"strings": {"3": ""}})" << false;
  QTest::newRow("strings_regex") << R"({"strings_regex": {"2": "^SMTP:"}})" << true;
  QTest::newRow("strings_regex no") << R"({"strings_regex": {"2": "^X400:"}})" << false;
  QTest::newRow("source type category")
      << R"({"source": "msexchangemsmi", "type": "error", "category": "session error"})" << true;
  QTest::newRow("type differs") << R"({"type": "Warning"})" << false;
  QTest::newRow("computer") << R"({"computer": "exchsrv1"})" << true;
  QTest::newRow("has_message false") << R"({"has_message": false})" << true;
  QTest::newRow("has_message true") << R"({"has_message": true})" << false;
  QTest::newRow("not excludes") << R"({"event_id": 2342, "not": {"strings": {"1": "0x15"}}})"
                                << false;
  QTest::newRow("not keeps") << R"({"event_id": 2342, "not": {"strings": {"1": "0x0"}}})" << true;
  QTest::newRow("empty selects all") << R"({})" << true;
}

void TestDiagnose::event_condition() {
  QFETCH(QString, select);
  QFETCH(bool, expected);
  const std::vector<msmilog::EventRow> rows = {
      row(60, 2342, 5,
          "MS Mail Connector Interchange failed to put into XOM stream. Return code "
          "is 0x15.",
          {"0x15", "SMTP:x@y"})};
  const std::string match = R"([{"kind": "event", "select": )" + select.toStdString() + "}]";
  QCOMPARE(matches(match, rows), expected);
}

void TestDiagnose::count_condition_data() {
  QTest::addColumn<QString>("condition");
  QTest::addColumn<bool>("expected");
  // The stream: 2342 at 0, 60, 120, 180, 240 s on thread 5; at 30, 90 s on thread 4; one at
  // 1000 s on thread 5; message ids alternate A/B on thread 5.
  QTest::newRow("total") << R"({"kind": "count", "select": {"event_id": 2342}, "min": 8})" << true;
  QTest::newRow("total too few") << R"({"kind": "count", "select": {"event_id": 2342}, "min": 9})"
                                 << false;
  QTest::newRow("max holds") << R"({"kind": "count", "select": {"event_id": 2342}, "min": 1,
                                    "max": 8})"
                             << true;
  QTest::newRow("max exceeded") << R"({"kind": "count", "select": {"event_id": 2342}, "min": 1,
                                       "max": 7})"
                                << false;
  QTest::newRow("window 5 min holds 7")
      << R"({"kind": "count", "select": {"event_id": 2342}, "min": 7, "window": "5m"})" << true;
  QTest::newRow("window 5 min not 8")
      << R"({"kind": "count", "select": {"event_id": 2342}, "min": 8, "window": "5m"})" << false;
  QTest::newRow("window 2 min")
      << R"({"kind": "count", "select": {"event_id": 2342}, "min": 4, "window": "2m"})" << true;
  QTest::newRow("window 2 min not 5")
      << R"({"kind": "count", "select": {"event_id": 2342}, "min": 5, "window": "2m"})" << false;
  QTest::newRow("window end exclusive of start")
      << R"({"kind": "count", "select": {"event_id": 2342}, "min": 3, "window": "60s",
            "group_by": "thread"})"
      << false;
  QTest::newRow("group thread 6 of thread 5")
      << R"({"kind": "count", "select": {"event_id": 2342}, "min": 6, "group_by": "thread"})"
      << true;
  QTest::newRow("group thread not 7")
      << R"({"kind": "count", "select": {"event_id": 2342}, "min": 7, "group_by": "thread"})"
      << false;
  QTest::newRow("group thread windowed")
      << R"({"kind": "count", "select": {"event_id": 2342}, "min": 5, "window": "5m",
            "group_by": "thread"})"
      << true;
  QTest::newRow("group message")
      << R"({"kind": "count", "select": {"event_id": 2342}, "min": 3, "group_by": "message"})"
      << true;
  QTest::newRow("group message not 4 (rows without one skipped)")
      << R"({"kind": "count", "select": {"event_id": 2342}, "min": 4, "group_by": "message"})"
      << false;
  QTest::newRow("group computer")
      << R"({"kind": "count", "select": {"event_id": 2342}, "min": 8, "group_by": "computer"})"
      << true;
  QTest::newRow("group run") << R"({"kind": "count", "select": {"event_id": 2342}, "min": 8,
                                    "group_by": "run"})"
                             << true;
  QTest::newRow("peak within max")
      << R"({"kind": "count", "select": {"event_id": 2342}, "min": 2, "max": 2, "window": "5m",
            "group_by": "thread"})"
      << true;  // thread 4's peak is 2
}

void TestDiagnose::count_condition() {
  QFETCH(QString, condition);
  QFETCH(bool, expected);
  const std::vector<msmilog::EventRow> rows = {row(0, 2342, 5, "", {}, "A"),
                                               row(30, 2342, 4),
                                               row(60, 2342, 5, "", {}, "B"),
                                               row(90, 2342, 4),
                                               row(120, 2342, 5, "", {}, "A"),
                                               row(180, 2342, 5, "", {}, "B"),
                                               row(200, 2553, 5),
                                               row(240, 2342, 5, "", {}, "A"),
                                               row(1000, 2342, 5)};
  QCOMPARE(matches("[" + condition.toStdString() + "]", rows), expected);
}

void TestDiagnose::sequence_condition_data() {
  QTest::addColumn<QString>("condition");
  QTest::addColumn<bool>("expected");
  // The stream: thread 5: 2384 @0, 2342 @10, 2553 @20; thread 6: 2553 @30, 2342 @40;
  // thread 7: 2384 @100, 2342 @500; messages: M1 on 2384 @0 and 2553 @30.
  const QString steps = R"("steps": [{"event_id": 2384}, {"event_id": 2342}, {"event_id": 2553}])";
  QTest::newRow("in order") << R"({"kind": "sequence", )" + steps + "}" << true;
  QTest::newRow("in order within")
      << R"({"kind": "sequence", )" + steps + R"(, "within": "20s", "group_by": "thread"})" << true;
  QTest::newRow("outside window") << R"({"kind": "sequence", )" + steps +
                                         R"(, "within": "19s", "group_by": "thread"})"
                                  << false;
  QTest::newRow("reversed on a thread")
      << R"({"kind": "sequence", "steps": [{"event_id": 2553}, {"event_id": 2384}],
            "group_by": "thread"})"
      << false;
  QTest::newRow("reversed, but across threads")
      << R"({"kind": "sequence", "steps": [{"event_id": 2553}, {"event_id": 2384}]})"
      << true;  // 2553 on thread 5 at 20 s, 2384 on thread 7 at 100 s
  QTest::newRow("in order on thread 6")
      << R"({"kind": "sequence", "steps": [{"event_id": 2553}, {"event_id": 2342}],
            "group_by": "thread"})"
      << true;
  QTest::newRow("gap too long on thread 7")
      << R"({"kind": "sequence", "steps": [{"event_id": 2384}, {"event_id": 2342}],
            "within": "5m", "group_by": "thread"})"
      << true;  // thread 5 does it in 10 s
  QTest::newRow("only the long one")
      << R"({"kind": "sequence", "steps": [{"event_id": 2384}, {"event_id": 2342,
            "text": "late"}], "within": "5m", "group_by": "thread"})"
      << false;
  QTest::newRow("the long one within 7 min")
      << R"({"kind": "sequence", "steps": [{"event_id": 2384}, {"event_id": 2342,
            "text": "late"}], "within": "7m", "group_by": "thread"})"
      << true;
  QTest::newRow("by message")
      << R"({"kind": "sequence", "steps": [{"event_id": 2384}, {"event_id": 2553}],
            "group_by": "message"})"
      << true;
  QTest::newRow("by message needs both")
      << R"({"kind": "sequence", "steps": [{"event_id": 2384}, {"event_id": 2342}],
            "group_by": "message"})"
      << false;
  QTest::newRow("one event fills one step")
      << R"({"kind": "sequence", "steps": [{"event_id": 2342}, {"event_id": 2342},
            {"event_id": 2342}]})"
      << true;  // three 2342 events: 10, 40, 500
  QTest::newRow("not four times")
      << R"({"kind": "sequence", "steps": [{"event_id": 2342}, {"event_id": 2342},
            {"event_id": 2342}, {"event_id": 2342}]})"
      << false;
}

void TestDiagnose::sequence_condition() {
  QFETCH(QString, condition);
  QFETCH(bool, expected);
  const std::vector<msmilog::EventRow> rows = {
      row(0, 2384, 5, "", {}, "M1"),  row(10, 2342, 5), row(20, 2553, 5),
      row(30, 2553, 6, "", {}, "M1"), row(40, 2342, 6), row(100, 2384, 7),
      row(500, 2342, 7, "late")};
  QCOMPARE(matches("[" + condition.toStdString() + "]", rows), expected);
}

void TestDiagnose::absent_and_any() {
  const std::vector<msmilog::EventRow> rows = {row(0, 2380, 6), row(1, 2450, 6)};
  QVERIFY(matches(R"([{"kind": "event", "select": {"event_id": 2380}},
                      {"kind": "absent", "select": {"event_id": 10003}}])",
                  rows));
  QVERIFY(!matches(R"([{"kind": "event", "select": {"event_id": 2380}},
                       {"kind": "absent", "select": {"event_id": 2450}}])",
                   rows));
  QVERIFY(matches(R"([{"kind": "any", "of": [{"kind": "event", "select": {"event_id": 1}},
                                             {"kind": "event", "select": {"event_id": 2450}}]}])",
                  rows));
  QVERIFY(!matches(R"([{"kind": "any", "of": [{"kind": "event", "select": {"event_id": 1}},
                                              {"kind": "absent", "select": {"event_id": 2450}}]}])",
                   rows));
  // An empty log: only absence holds.
  QVERIFY(matches(R"([{"kind": "absent", "select": {"event_id": 2450}}])", {}));
  QVERIFY(!matches(R"([{"kind": "event", "select": {}}])", {}));
  // min on an event condition.
  QVERIFY(!matches(R"([{"kind": "event", "select": {"event_id": 2380}, "min": 2}])", rows));
}

void TestDiagnose::diagnosis_fields_and_order() {
  auto make = [](const std::string& kb, const std::string& confidence, int id) {
    const std::string text = R"({"kb": ")" + kb + R"(", "title": "T )" + kb +
                             R"(", "applies_to": "4.0", "cause": "C", "workaround": "W",
        "fix": "F", "confidence": ")" +
                             confidence +
                             R"(", "match": [{"kind": "event", "name": "the id",
        "select": {"event_id": )" +
                             std::to_string(id) +
                             R"(}}, {"kind": "absent", "select": {"event_id": 9}}],
        "boost": [{"kind": "event", "name": "extra", "select": {"event_id": 7}},
                  {"kind": "event", "name": "missing", "select": {"event_id": 8}}]})";
    msmilog::Signature s;
    const msmi::Status status = msmilog::parse_signature(text, kb + ".json", &s);
    if (!status.ok()) qFatal("%s", status.to_string().c_str());
    return s;
  };
  const std::vector<msmilog::Signature> signatures = {
      make("Q3", "low", 100), make("Q2", "high", 200), make("Q1", "high", 300),
      make("Q4", "high", 400)};
  const std::vector<msmilog::EventRow> rows = {row(5, 300),  row(6, 7),    row(10, 200),
                                               row(20, 200), row(30, 300), row(40, 100)};
  const std::vector<msmilog::Diagnosis> d = msmilog::diagnose_rows(signatures, rows);
  QCOMPARE(d.size(), std::size_t{3});
  // High first, then by first time: Q1 (5 s) before Q2 (10 s); low last.
  QCOMPARE(d[0].kb, std::string("Q1"));
  QCOMPARE(d[1].kb, std::string("Q2"));
  QCOMPARE(d[2].kb, std::string("Q3"));
  QCOMPARE(d[1].title, std::string("T Q2"));
  QCOMPARE(d[1].cause, std::string("C"));
  QCOMPARE(d[1].workaround, std::string("W"));
  QCOMPARE(d[1].fix, std::string("F"));
  QCOMPARE(d[1].applies_to, std::string("4.0"));
  QCOMPARE(d[1].confidence, msmilog::Confidence::kHigh);
  QCOMPARE(d[1].count, std::int64_t{2});
  QCOMPARE(d[1].first_us, 10 * kSecond);
  QCOMPARE(d[1].last_us, 20 * kSecond);
  QCOMPARE(d[1].first_time, std::string("10s"));
  QCOMPARE(d[1].last_time, std::string("20s"));
  // The match conditions (the absent one without rows), then the boost that held.
  QCOMPARE(d[1].evidence.size(), std::size_t{3});
  QCOMPARE(d[1].evidence[0].condition, std::string("the id"));
  QCOMPARE(d[1].evidence[0].rows.size(), std::size_t{2});
  QCOMPARE(d[1].evidence[1].condition, std::string("match[1] absent"));
  QVERIFY(d[1].evidence[1].rows.empty());
  QCOMPARE(d[1].evidence[2].condition, std::string("extra"));
  QVERIFY(d[1].evidence[2].boost);
}

void TestDiagnose::evidence_is_capped() {
  // Ten events 30 s apart, then a burst of 1000 one second apart.
  std::vector<msmilog::EventRow> rows;
  for (int i = 0; i < 10; ++i) rows.push_back(row(i * 30, 2342, 5));
  for (int i = 0; i < 1000; ++i) rows.push_back(row(1000 + i, 2342, 5));
  msmilog::DiagnoseOptions options;
  options.evidence_rows = 2;
  const auto d = msmilog::diagnose_rows(
      {signature(R"([{"kind": "count", "select": {"event_id": 2342}, "min": 50, "window": "1m",
                      "group_by": "thread"},
                     {"kind": "event", "select": {"event_id": 2342}},
                     {"kind": "sequence", "steps": [{"event_id": 2342}, {"event_id": 2342},
                                                    {"event_id": 2342}], "within": "2s"}])")},
      rows, options);
  QCOMPARE(d.size(), std::size_t{1});
  QCOMPARE(d[0].count, std::int64_t{1010});
  QCOMPARE(d[0].first_us, 0 * kSecond);
  QCOMPARE(d[0].last_us, 1999 * kSecond);
  for (const auto& e : d[0].evidence) QCOMPARE(e.rows.size(), std::size_t{2});
  // The count's evidence starts where the window that first reached min starts: the burst.
  QCOMPARE(d[0].evidence[0].rows[0].time_us, 1000 * kSecond);
  QCOMPARE(d[0].evidence[0].rows[1].time_us, 1001 * kSecond);
  // The event's: the first events; the sequence's: the first complete one, in the burst.
  QCOMPARE(d[0].evidence[1].rows[0].time_us, 0 * kSecond);
  QCOMPARE(d[0].evidence[1].rows[1].time_us, 30 * kSecond);
  QCOMPARE(d[0].evidence[2].rows[0].time_us, 1000 * kSecond);

  // With no evidence asked for, the diagnosis still stands.
  options.evidence_rows = 0;
  const auto bare = msmilog::diagnose_rows(
      {signature(R"([{"kind": "count", "select": {}, "min": 3}])")}, rows, options);
  QCOMPARE(bare.size(), std::size_t{1});
  QVERIFY(bare[0].evidence[0].rows.empty());
}

// Several signatures at once, some naming event IDs and some accepting any: each sees every row
// it can match, whatever the others name, and a text matches in any case at any place.
void TestDiagnose::rules_by_event_id_and_any_id() {
  const auto make = [](const std::string& kb, const std::string& match, const std::string& boost) {
    const std::string text = R"({"kb": ")" + kb + R"(", "title": "t", "cause": "c",
        "workaround": "w", "fix": "f", "confidence": "high", "match": )" +
                             match + R"(, "boost": )" + boost + "}";
    msmilog::Signature s;
    const msmi::Status status = msmilog::parse_signature(text, kb + ".json", &s);
    if (!status.ok()) qFatal("%s", status.to_string().c_str());
    return s;
  };
  const std::vector<msmilog::Signature> signatures = {
      make("Q1", R"([{"kind": "event", "select": {"event_id": 1}}])",
           R"([{"kind": "event", "name": "boom", "select": {"text": "boom"}}])"),
      make("Q2", R"([{"kind": "event", "select": {"text": "boom"}},
                     {"kind": "absent", "select": {"event_id": 9}}])",
           "[]"),
      make("Q3", R"([{"kind": "sequence", "steps": [{"event_id": 1}, {"event_id": 2}],
                      "within": "10s"}])",
           "[]"),
      make("Q4", R"([{"kind": "event", "select": {"event_id": 3, "text": "boom"}}])", "[]")};
  const std::vector<msmilog::EventRow> rows = {
      row(0, 5, -1, "a BOOM here"),  row(1, 1),
      row(2, 4, -1, "boo m, bo om"), row(3, 2, -1, "ka-bOoM"),
      row(4, 3, -1, "Boom"),         row(5, 6, -1, "boo")};
  msmilog::SignatureEvaluator evaluator(signatures);
  for (const auto& r : rows) evaluator.add(r);
  QCOMPARE(evaluator.rows(), std::int64_t{6});
  const std::vector<msmilog::Diagnosis> d = evaluator.finish();
  QCOMPARE(d.size(), std::size_t{4});
  // Same confidence: by first time, then kb.
  QCOMPARE(d[0].kb, std::string("Q2"));
  QCOMPARE(d[0].count, std::int64_t{3});  // rows 0, 3, 4: of IDs 5, 2 and 3
  QCOMPARE(d[0].last_us, 4 * kSecond);
  QCOMPARE(d[1].kb, std::string("Q1"));
  QCOMPARE(d[1].count, std::int64_t{1});  // the boost's rows do not count
  QCOMPARE(d[1].evidence.size(), std::size_t{2});
  QCOMPARE(d[1].evidence[1].rows.size(), std::size_t{3});
  QCOMPARE(d[1].evidence[1].rows[2].time_us, 4 * kSecond);
  QCOMPARE(d[2].kb, std::string("Q3"));
  QCOMPARE(d[2].count, std::int64_t{2});
  QCOMPARE(d[2].evidence[0].rows.size(), std::size_t{2});
  QCOMPARE(d[2].evidence[0].rows[1].time_us, 3 * kSecond);
  QCOMPARE(d[3].kb, std::string("Q4"));
  QCOMPARE(d[3].first_us, 4 * kSecond);
}

void TestDiagnose::rule_errors_name_file_and_key_data() {
  QTest::addColumn<QString>("rule");
  QTest::addColumn<QString>("expected");  // in the message, after "Q9.json: "
  const QString head = R"("kb": "Q9", "title": "t", "cause": "c", "workaround": "w", "fix": "f",
                          "confidence": "high", )";
  QTest::newRow("not json") << "{"
                            << "not valid JSON";
  QTest::newRow("top level array") << "[]"
                                   << "(top level): expected an object";
  QTest::newRow("unknown top key") << "{" + head + R"("match": [], "colour": 1})"
                                   << "colour: unknown key";
  QTest::newRow("missing title")
      << R"({"kb": "Q9", "cause": "c", "workaround": "w", "fix": "f", "confidence": "high",
            "match": [{"kind": "event", "select": {}}]})"
      << "title: missing";
  QTest::newRow("empty match") << "{" + head + R"("match": []})"
                               << "match: expected at least one condition";
  QTest::newRow("bad kb") << R"({"kb": "151791", "title": "t", "cause": "c", "workaround": "w",
                                "fix": "f", "confidence": "high", "match": []})"
                          << "kb: expected Q and digits";
  QTest::newRow("bad confidence")
      << R"({"kb": "Q9", "title": "t", "cause": "c", "workaround": "w", "fix": "f",
            "confidence": "certain", "match": []})"
      << "confidence: expected high, medium or low";
  QTest::newRow("wrong type title")
      << R"({"kb": "Q9", "title": 5, "cause": "c", "workaround": "w", "fix": "f",
            "confidence": "high", "match": []})"
      << "title: expected a string, got number";
  QTest::newRow("unknown condition key")
      << "{" + head + R"("match": [{"kind": "event", "select": {}, "window": "5m"}]})"
      << "match[0].window: unknown key";
  QTest::newRow("unknown selector key")
      << "{" + head + R"("match": [{"kind": "event", "select": {"event": 2342}}]})"
      << "match[0].select.event: unknown key";
  QTest::newRow("unknown kind") << "{" + head + R"("match": [{"kind": "often", "select": {}}]})"
                                << "match[0].kind: unknown kind 'often'";
  QTest::newRow("missing kind") << "{" + head + R"("match": [{"select": {}}]})"
                                << "match[0].kind: missing";
  QTest::newRow("missing select") << "{" + head + R"("match": [{"kind": "count"}]})"
                                  << "match[0].select: missing";
  QTest::newRow("wrong type event_id")
      << "{" + head + R"("match": [{"kind": "event", "select": {"event_id": "2342"}}]})"
      << "match[0].select.event_id: expected an event ID";
  QTest::newRow("wrong type in id list")
      << "{" + head + R"("match": [{"kind": "event", "select": {"event_id": [1, true]}}]})"
      << "match[0].select.event_id[1]: expected an event ID";
  QTest::newRow("wrong type min")
      << "{" + head + R"("match": [{"kind": "count", "select": {}, "min": "5"}]})"
      << "match[0].min: expected a non-negative integer";
  QTest::newRow("min zero") << "{" + head +
                                   R"("match": [{"kind": "event", "select": {}, "min": 0}]})"
                            << "match[0].min: must be 1 or more";
  QTest::newRow("max below min")
      << "{" + head + R"("match": [{"kind": "count", "select": {}, "min": 5, "max": 2}]})"
      << "match[0].max: is smaller than min";
  QTest::newRow("bad regex") << "{" + head +
                                    R"("match": [{"kind": "event", "select": {"regex": "(0x15"}}]})"
                             << "match[0].select.regex: bad regex '(0x15'";
  QTest::newRow("bad strings_regex")
      << "{" + head + R"("match": [{"kind": "event", "select": {"strings_regex": {"2": "[a"}}}]})"
      << "match[0].select.strings_regex.2: bad regex";
  QTest::newRow("bad string position")
      << "{" + head + R"("match": [{"kind": "event", "select": {"strings": {"first": "x"}}}]})"
      << "match[0].select.strings.first: expected an insertion string position";
  QTest::newRow("bad duration")
      << "{" + head + R"("match": [{"kind": "count", "select": {}, "window": "10 minutes"}]})"
      << "match[0].window: bad duration '10 minutes'";
  QTest::newRow("bad within")
      << "{" + head + R"("match": [{"kind": "sequence", "steps": [{}, {}], "within": "-5s"}]})"
      << "match[0].within: bad duration '-5s'";
  QTest::newRow("one step") << "{" + head + R"("match": [{"kind": "sequence", "steps": [{}]}]})"
                            << "match[0].steps: expected an array of at least two selectors";
  QTest::newRow("bad group_by")
      << "{" + head + R"("match": [{"kind": "count", "select": {}, "group_by": "user"}]})"
      << "match[0].group_by: expected thread, computer, message, run or null";
  QTest::newRow("bad nested in any")
      << "{" + head +
             R"("match": [{"kind": "any", "of": [{"kind": "event", "select": {"typ": "Error"}}]}]})"
      << "match[0].of[0].select.typ: unknown key";
  QTest::newRow("empty any") << "{" + head + R"("match": [{"kind": "any", "of": []}]})"
                             << "match[0].of: expected a non-empty array";
  QTest::newRow("bad not") << "{" + head +
                                  R"("match": [{"kind": "event", "select": {"not": {"id": 1}}}]})"
                           << "match[0].select.not.id: unknown key";
  QTest::newRow("nested too deeply")
      << "{" + head + R"("match": )" + QString(100000, '[') + QString(100000, ']') + "}"
      << "not valid JSON: nested too deeply (more than 256 levels of [ and {) at line 2, column";
  QTest::newRow("number too large")
      << "{" + head + R"("match": [{"kind": "count", "select": {}, "min": 1E400}]})"
      << "not valid JSON: the number 1E400 is too large (past the range of a double) at line";
  QTest::newRow("bad boost") << "{" + head +
                                    R"("match": [{"kind": "event", "select": {}}],
                                       "boost": [{"kind": "event", "select": {"icase": 1}}]})"
                             << "boost[0].select.icase: expected true or false";
}

void TestDiagnose::rule_errors_name_file_and_key() {
  QFETCH(QString, rule);
  QFETCH(QString, expected);
  QTemporaryDir dir;
  QVERIFY(dir.isValid());
  const QString path = dir.filePath("Q9.json");
  QFile file(path);
  QVERIFY(file.open(QIODevice::WriteOnly));
  file.write(rule.toUtf8());
  file.close();
  msmilog::Signature s;
  const msmi::Status status = msmilog::load_signature_file(path.toStdString(), &s);
  QVERIFY(status.is_invalid_argument());
  const QString message = QString::fromStdString(status.message());
  QVERIFY2(message.startsWith(path + ": "), qPrintable(message));
  QVERIFY2(message.contains(path + ": " + expected), qPrintable(message));
  // The command refuses the folder with exit 2 and the same words.
  const CliResult r = run_msmisim(
      {"diagnose", "--db", dir.filePath("none.db"), "--signatures", dir.path()}, dir.path());
  QCOMPARE(r.code, 2);
  QVERIFY2(r.err.contains(expected), qPrintable(r.err));
}

void TestDiagnose::folder_loading() {
  QTemporaryDir dir;
  QVERIFY(dir.isValid());
  auto write = [&](const QString& name, const QString& kb) {
    QFile file(dir.filePath(name));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QString(R"({"kb": "%1", "title": "t", "cause": "c", "workaround": "w",
      "fix": "f", "confidence": "low", // comments are allowed
      "match": [{"kind": "event", "select": {"event_id": 1}}]})")
                   .arg(kb)
                   .toUtf8());
  };
  write("Q2.json", "Q2");
  write("Q1.json", "Q1");
  write("README.md", "not a rule");
  std::vector<msmilog::Signature> signatures;
  QVERIFY(msmilog::load_signatures(dir.path().toStdString(), &signatures).ok());
  QCOMPARE(signatures.size(), std::size_t{2});
  QCOMPARE(signatures[0].kb, std::string("Q1"));
  QCOMPARE(signatures[1].kb, std::string("Q2"));
  std::vector<int> ids;
  QVERIFY(msmilog::signature_event_ids(signatures, &ids));
  QCOMPARE(ids, std::vector<int>{1});

  write("Q3.json", "Q4");
  const msmi::Status mismatch = msmilog::load_signatures(dir.path().toStdString(), &signatures);
  QVERIFY(mismatch.is_invalid_argument());
  QVERIFY2(
      mismatch.message().find("Q3.json: kb: 'Q4' differs from the file name") != std::string::npos,
      mismatch.message().c_str());
  QCOMPARE(signatures.size(), std::size_t{2});  // unchanged on error
  QVERIFY(
      msmilog::load_signatures(dir.filePath("nothing").toStdString(), &signatures).is_not_found());
}

void TestDiagnose::shipped_signatures_load() {
  std::vector<msmilog::Signature> signatures;
  const msmi::Status s = msmilog::load_signatures(MSMISIM_SIGNATURES_DIR, &signatures);
  QVERIFY2(s.ok(), s.to_string().c_str());
  QVERIFY(signatures.size() >= 7);
  for (const msmilog::Signature& signature : signatures) {
    QVERIFY2(
        QFile::exists(source("scenarios/kb/" + QString::fromStdString(signature.kb) + ".json")),
        signature.kb.c_str());
  }
}

void TestDiagnose::cli_on_recorded_q151791() {
  QTemporaryDir dir;
  QVERIFY(dir.isValid());
  const QString db = dir.filePath("x.db");
  const QString scenario = source("scenarios/kb/Q151791.json");
  QCOMPARE(run_msmisim({"run", scenario, "--db", db}, dir.path()).code, 0);
  QCOMPARE(
      run_msmisim({"run", scenario, "--profile", "exchange-5.0-sp1", "--db", db}, dir.path()).code,
      0);

  // The legacy run (run 1): Q151791 named, with its evidence and the article's words.
  CliResult r = run_msmisim({"diagnose", "--db", db, "--run", "1"}, dir.path());
  QCOMPARE(r.code, 0);
  QVERIFY2(r.out.contains("Q151791  XFOR: MSMI Stops Processing When Submitting Bad Address"),
           qPrintable(r.out));
  QVERIFY(r.out.contains("confidence  high"));
  QVERIFY(r.out.contains("2342  thr 5  MS Mail Connector Interchange failed to put into XOM"));
  QVERIFY(r.out.contains("cause"));
  QVERIFY(r.out.contains("workaround"));
  QVERIFY(r.out.contains("fix"));
  QVERIFY(!r.out.contains("no known KB matches"));
  r = run_msmisim({"diagnose", "--db", db, "--run", "1", "--fail-on-match"}, dir.path());
  QCOMPARE(r.code, 1);

  // JSON: exactly Q151791, its count and its evidence rows capped by --evidence.
  r = run_msmisim({"diagnose", "--db", db, "--run", "1", "--format", "json", "--evidence", "2"},
                  dir.path());
  QCOMPARE(r.code, 0);
  const QJsonObject doc = QJsonDocument::fromJson(r.out.toUtf8()).object();
  const QJsonArray found = doc["matches"].toArray();
  QCOMPARE(found.size(), 1);
  const QJsonObject q = found[0].toObject();
  QCOMPARE(q["kb"].toString(), QString("Q151791"));
  QCOMPARE(q["confidence"].toString(), QString("high"));
  QVERIFY(q["count"].toInteger() >= 100);
  QVERIFY(q["first_time"].toString().startsWith("1997-05-22T09:"));
  QVERIFY(q["first_time"].toString() < q["last_time"].toString());
  const QJsonArray evidence = q["evidence"].toArray();
  QVERIFY(!evidence.isEmpty());
  const QJsonArray rows = evidence[0].toObject()["rows"].toArray();
  QCOMPARE(rows.size(), 2);
  QCOMPARE(rows[0].toObject()["event_id"].toInt(), 2342);
  QCOMPARE(doc["subject"].toObject()["run_id"].toInt(), 1);

  // The fixed build (run 2, also "latest"): nothing matches, not even with --fail-on-match.
  for (const QString& run : {QString("2"), QString("latest")}) {
    r = run_msmisim({"diagnose", "--db", db, "--run", run, "--fail-on-match"}, dir.path());
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains("no known KB matches"), qPrintable(r.out));
  }
  r = run_msmisim({"diagnose", "--db", db, "--format", "json"}, dir.path());
  QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8()).object()["matches"].toArray().size(), 0);

  // A time range before the bad message (sent at 10m) sees nothing of it.
  r = run_msmisim({"diagnose", "--db", db, "--run", "1", "--until", "9m"}, dir.path());
  QCOMPARE(r.code, 0);
  QVERIFY2(r.out.contains("no known KB matches"), qPrintable(r.out));
}

void TestDiagnose::cli_bad_input() {
  QTemporaryDir dir;
  QVERIFY(dir.isValid());
  const QString db = dir.filePath("x.db");
  QCOMPARE(run_msmisim({"run", source("scenarios/kb/Q151791.json"), "--db", db, "--profile",
                        "exchange-5.0-sp1"},
                       dir.path())
               .code,
           0);
  struct Case {
    QStringList args;
    int code;
    QString words;
  };
  const QList<Case> cases = {
      {{"--format", "yaml"}, 2, "--format yaml: expected text or json"},
      {{"--run", "x"}, 2, "--run x: expected a run ID or 'latest'"},
      {{"--run", "99"}, 2, "--run 99"},
      {{"--since", "yesterday"}, 2, "--since yesterday"},
      {{"--evidence", "-1"}, 2, "--evidence must be 0 or more"},
      {{"--signatures", dir.filePath("none")}, 2, "no such signature folder"},
      {{"--bogus"}, 2, "bogus"},
      {{"3"}, 2, "too many positional options"},  // a run is --run 3, not ignored
  };
  for (const Case& c : cases) {
    const CliResult r = run_msmisim(QStringList{"diagnose", "--db", db} + c.args, dir.path());
    QVERIFY2(r.code == c.code, qPrintable(c.args.join(' ') + ": " + r.err));
    QVERIFY2(r.err.contains(c.words), qPrintable(r.err));
  }
  // A store that is not one: exit 3.
  QFile junk(dir.filePath("junk.db"));
  QVERIFY(junk.open(QIODevice::WriteOnly));
  junk.write(QByteArray(4096, 'x'));
  junk.close();
  CliResult r = run_msmisim({"diagnose", "--db", dir.filePath("junk.db")}, dir.path());
  QCOMPARE(r.code, 3);
  r = run_msmisim({"diagnose", "--db", dir.filePath("missing.db")}, dir.path());
  QCOMPARE(r.code, 3);
  r = run_msmisim({"diagnose", "--help"}, dir.path());
  QCOMPARE(r.code, 0);
  QVERIFY(r.out.contains("exit codes"));
}

QTEST_APPLESS_MAIN(TestDiagnose)
#include "tst_diagnose.moc"
