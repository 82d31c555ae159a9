// The HTML comparison report: `msmisim report --compare A B` on the Q151791 and Q175965 runs
// (legacy and fixed build) and on a legacy run beside the same events imported back as a
// customer's log, checked for what a reader of the page would notice — the event-ID counts that
// differ, which run each KB signature matches, both runs on each chart — plus the time shift of
// an import, determinism and exit codes.
#include <sys/stat.h>

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <QtTest>

#include <cstdlib>
#include <sstream>

#include "cli_process.h"
#include "html_page_support.h"
#include "msmireport/html_compare_report.h"

namespace {

using htmltest::attribute;
using htmltest::read_text;
using htmltest::svg_element;
using htmltest::tag_with_id;

// The opening tags matching `pattern` in `text`, in order.
QStringList tags(const QString& text, const QString& pattern) {
  QStringList found;
  const QRegularExpression re(pattern);
  for (auto it = re.globalMatch(text); it.hasNext();) found << it.next().captured(0);
  return found;
}

QStringList series_tags(const QString& svg) {
  return tags(svg, "<g class=\"series[^\"]*\"[^>]*>");
}

// The rows of the differing-count table.
QStringList difference_rows(const QString& html) {
  return tags(html, "<tr class=\"[^\"]*\"[^>]*data-count-a=[^>]*>");
}

// The row of `event_id` in the differing-count table ("" when the ID's counts are equal).
QString difference_row(const QString& html, int event_id) {
  for (const QString& row : difference_rows(html)) {
    if (attribute(row, "data-event-id") == QString::number(event_id)) return row;
  }
  return {};
}

QString xml_error(const QString& svg) {
  QXmlStreamReader reader(svg);
  while (!reader.atEnd()) reader.readNext();
  return reader.hasError() ? reader.errorString() : QString();
}

}  // namespace

class TestHtmlCompare : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  QString q151791_;   // --compare 1 2: Q151791 under exchange-5.0 (A) and exchange-5.0-sp1 (B)
  QString q175965_;   // --compare 3 4: Q175965 likewise
  QString imported_;  // --compare 1 customer-1234: run 1 beside its own events imported back

  CliResult msmisim(const QStringList& args) { return run_msmisim(args, dir_.path()); }

  QString compare(const QString& a, const QString& b, const QString& file) {
    const CliResult r = msmisim({"report", "--db", "kb.db", "--compare", a, b, "-o", file});
    if (r.code != 0) qWarning("%s", qPrintable(r.err));
    return r.code == 0 ? read_text(dir_.filePath(file)) : QString();
  }

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    for (const char* kb : {"Q151791", "Q175965"}) {
      const QString scenario = QString(MSMISIM_SOURCE_DIR) + "/scenarios/kb/" + kb + ".json";
      CliResult r = msmisim({"run", scenario, "--db", "kb.db"});
      QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
      r = msmisim({"run", scenario, "--db", "kb.db", "--profile", "exchange-5.0-sp1"});
      QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    }
    CliResult r =
        msmisim({"export", "--db", "kb.db", "--run", "1", "--format", "evt", "-o", "legacy.evt"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    r = msmisim({"import", "legacy.evt", "--db", "kb.db", "--name", "customer-1234"});
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));

    r = msmisim({"report", "--db", "kb.db", "--compare", "1", "2", "-o", "q151791.html"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY2(
        r.err.contains("report: q151791.html (") && r.err.contains("run 1 compared with run 2"),
        qPrintable(r.err));
    q151791_ = read_text(dir_.filePath("q151791.html"));
    q175965_ = compare("3", "4", "q175965.html");
    imported_ = compare("1", "customer-1234", "imported.html");
    for (const QString* page : {&q151791_, &q175965_, &imported_}) {
      QVERIFY(page->startsWith("<!DOCTYPE html>"));
      QVERIFY(page->trimmed().endsWith("</html>"));
    }
  }

  // The heart of the page: 2342 (XOM put failed) floods the legacy run only.
  void differing_counts_show_2342_in_the_legacy_run() {
    const QString row = difference_row(q151791_, 2342);
    QVERIFY2(!row.isEmpty(), "no row for 2342");
    QVERIFY2(attribute(row, "data-count-a").toInt() >= 100, qPrintable(row));
    QVERIFY2(attribute(row, "data-count-b").toInt() <= 10, qPrintable(row));
    QVERIFY(row.contains("class=\"Error"));
    // The largest differences come first.
    const QStringList rows = difference_rows(q151791_);
    QVERIFY(rows.size() >= 3);
    qint64 previous = -1;
    for (const QString& r : rows) {
      const qint64 d = std::llabs(attribute(r, "data-difference").toLongLong());
      QVERIFY2(d > 0, qPrintable(r));
      if (previous >= 0) QVERIFY2(d <= previous, qPrintable(r));
      previous = d;
      QCOMPARE(
          attribute(r, "data-difference").toLongLong(),
          attribute(r, "data-count-b").toLongLong() - attribute(r, "data-count-a").toLongLong());
    }
    QVERIFY(rows.indexOf(row) < 4);
    // IDs only one run has are highlighted: the fixed build's NDR (2117) for the bad message.
    const QString ndr = difference_row(q151791_, 2117);
    QCOMPARE(attribute(ndr, "data-count-a"), QString("0"));
    QVERIFY2(ndr.contains("only-b") && ndr.contains("style=\"background:"), qPrintable(ndr));
    QVERIFY(!row.contains("only-"));
    const QString section = tag_with_id(q151791_, "event-id-differences");
    QCOMPARE(attribute(section, "data-differing").toInt(), rows.size());
    QVERIFY(attribute(section, "data-only-b").toInt() >= 1);
  }

  void diagnosis_matches_q151791_for_the_legacy_run_only() {
    const QString section = tag_with_id(q151791_, "diagnosis");
    QVERIFY2(attribute(section, "data-kbs-a").split(' ').contains("Q151791"), qPrintable(section));
    QCOMPARE(attribute(section, "data-kbs-b"), QString());
    QCOMPARE(attribute(section, "data-matches-b"), QString("0"));
    QVERIFY(q151791_.contains("<tr data-kb=\"Q151791\""));
    const QString kb175965 = tag_with_id(q175965_, "diagnosis");
    QVERIFY(attribute(kb175965, "data-kbs-a").split(' ').contains("Q175965"));
    QCOMPARE(attribute(kb175965, "data-kbs-b"), QString());
  }

  void each_chart_holds_both_runs_data() {
    QTest::addColumn<QString>("id");
    QTest::newRow("thread activity") << "thread-activity";
    QTest::newRow("backlog") << "backlog";
    QTest::newRow("events over time") << "events-over-time";
  }
  void each_chart_holds_both_runs() {
    QFETCH(QString, id);
    const QString svg = svg_element(q151791_, id);
    QVERIFY2(!svg.isEmpty(), qPrintable("no <svg id=" + id + ">"));
    QVERIFY2(xml_error(svg).isEmpty(), qPrintable(id + ": " + xml_error(svg)));
    const QString open = tag_with_id(svg, id);
    QVERIFY2(attribute(open, "data-points").toInt() > 0, qPrintable(open));
    int runs[2] = {0, 0};
    for (const QString& tag : series_tags(svg)) {
      const int run = attribute(tag, "data-run").toInt();
      QVERIFY2(run == 0 || run == 1, qPrintable(tag));
      ++runs[run];
      if (run == 1) QVERIFY2(tag.contains(" B\""), qPrintable(tag));  // its legend says B
    }
    QVERIFY2(runs[0] > 0 && runs[1] > 0, qPrintable(id));
    QCOMPARE(runs[0] + runs[1], attribute(open, "data-series").toInt());
    // Both runs' service start, and the legacy run's operator restart at 35m.
    QVERIFY(svg.contains("data-time-us=\"0\" data-run=\"1\""));
    QVERIFY(
        svg.contains("class=\"marker marker-restart\" data-time-us=\"2100000000\" "
                     "data-run=\"0\""));
  }

  // "All threads idle but 5" in the legacy build; the fixed build gives up on the bad message.
  void thread_5_is_pegged_in_the_legacy_run_only() {
    bool saw[2] = {false, false};
    for (const QString& tag : series_tags(svg_element(q151791_, "thread-activity"))) {
      if (attribute(tag, "data-thread") != "5") continue;
      const int run = attribute(tag, "data-run").toInt();
      const double mean = attribute(tag, "data-mean-busy-pct").toDouble();
      saw[run] = true;
      QVERIFY2(run == 0 ? mean > 60.0 : mean < 20.0, qPrintable(tag));
    }
    QVERIFY(saw[0] && saw[1]);
    // The table beside the chart: thread, role, mean % busy of A, of B.
    const QString row = tags(q151791_, "<tr data-thread=\"5\">.*?</tr>").value(0);
    const QStringList cells = tags(row, "<td class=\"num\">[^<]*</td>");
    QCOMPARE(cells.size(), 3);
    const auto value = [](const QString& cell) { return cell.section('>', 1).section('<', 0, 0); };
    QVERIFY2(value(cells[1]).toDouble() > 60.0, qPrintable(row));
    QVERIFY2(value(cells[2]).toDouble() < 20.0, qPrintable(row));
  }

  // Each ID's strip of B sits right under A's, with its own total.
  void events_chart_pairs_the_strips_of_an_id() {
    const QStringList strips = series_tags(svg_element(q151791_, "events-over-time"));
    int pairs = 0;
    for (int i = 0; i + 1 < strips.size(); ++i) {
      const QString id = attribute(strips[i], "data-event-id");
      if (attribute(strips[i], "data-run") == "0" && attribute(strips[i + 1], "data-run") == "1" &&
          attribute(strips[i + 1], "data-event-id") == id) {
        ++pairs;
        if (id == "2342") {
          QCOMPARE(attribute(strips[i], "data-total"),
                   attribute(difference_row(q151791_, 2342), "data-count-a"));
          QCOMPARE(attribute(strips[i + 1], "data-total"),
                   attribute(difference_row(q151791_, 2342), "data-count-b"));
        }
      }
      QVERIFY2(attribute(strips[i + 1], "data-event-id").toInt() >= id.toInt(),
               qPrintable(strips[i + 1]));
    }
    QVERIFY(pairs >= 5);
  }

  void header_shows_both_runs_side_by_side() {
    const QString header = tag_with_id(q151791_, "compare-header");
    QCOMPARE(attribute(header, "data-run-a"), QString("1"));
    QCOMPARE(attribute(header, "data-run-b"), QString("2"));
    QVERIFY(q151791_.contains(
        "<tr data-field=\"profile\" class=\"differs\"><th>profile</th><td class=\"run-a\">"
        "<strong>exchange-5.0</strong></td><td class=\"run-b\"><strong>exchange-5.0-sp1"));
    QVERIFY(q151791_.contains("<tr data-field=\"seed\"><th>seed</th><td class=\"run-a\">151791"));
    QVERIFY(
        q151791_.contains("<title>Compare Q151791 (exchange-5.0) with Q151791 "
                          "(exchange-5.0-sp1) — msmisim</title>"));
    const QString replay_a = q151791_.section("<pre id=\"replay-a\"><code>", 1).section("<", 0, 0);
    const QString replay_b = q151791_.section("<pre id=\"replay-b\"><code>", 1).section("<", 0, 0);
    QVERIFY2(replay_a.startsWith("msmisim run ") && replay_a.contains("--profile exchange-5.0 "),
             qPrintable(replay_a));
    QVERIFY2(replay_b.contains("--profile exchange-5.0-sp1"), qPrintable(replay_b));
    // Each run's expectations, ledger tallies and invariants.
    for (const char* run : {"0", "1"}) {
      const QString row =
          tags(q151791_, QString("<tr data-run=\"%1\" data-total=[^>]*>").arg(run)).value(0);
      QVERIFY2(attribute(row, "data-total").toInt() >= 5, qPrintable(row));
      QCOMPARE(attribute(row, "data-failed"), QString("0"));
    }
    const QString pending = tags(q151791_, "<tr data-fate=\"pending\"[^>]*>").value(0);
    QVERIFY2(attribute(pending, "data-a").toInt() >= 1, qPrintable(pending));
    QCOMPARE(attribute(pending, "data-b"), QString("0"));
    QVERIFY(q151791_.contains("<table id=\"invariant-compare\">"));
    // No event table: the commands that render each run's own report instead.
    QVERIFY(tag_with_id(q151791_, "event-table").isEmpty());
    QVERIFY(q151791_.contains("msmisim report --db kb.db --run 1 -o run-1.html"));
    QVERIFY(q151791_.contains("msmisim report --db kb.db --run 2 -o run-2.html"));
    // Self-contained and printable.
    QVERIFY(!q151791_.contains("https://"));
    QCOMPARE(q151791_.count("http://"), q151791_.count("xmlns=\"http://www.w3.org/2000/svg\""));
    QVERIFY(q151791_.contains("@media print"));
    QCOMPARE(q151791_.count("<script"), 1);  // the shared page's filter script, idle here
  }

  // Q175965: the legacy build crashes and INQUEUE3 grows; the fixed build neither.
  void q175965_crashes_and_backs_up_in_the_legacy_run_only() {
    const QString svg = svg_element(q175965_, "backlog");
    QVERIFY(svg.count("class=\"marker marker-crash\"") >= 1);
    QCOMPARE(
        tags(svg, "class=\"marker marker-crash\" data-time-us=\"[0-9]+\" data-run=\"1\"").size(),
        0);
    for (const QString& tag : series_tags(svg)) {
      if (attribute(tag, "data-queue") != "inqueue3") continue;
      const double max = attribute(tag, "data-max").toDouble();
      QVERIFY2(attribute(tag, "data-run") == "0" ? max >= 20 : max <= 5, qPrintable(tag));
    }
    QVERIFY(q175965_.contains(
        "<tr data-field=\"crashes\" class=\"differs\"><th>crashes</th><td class=\"run-a\">"
        "<strong>2</strong>"));
    const QString av = difference_row(q175965_, 2380);
    QVERIFY2(av.contains("only-a"), qPrintable(av));
  }

  // The same events imported back as a customer's log: nothing differs, the import is drawn on
  // its own clock shifted to 0, and says so.
  void a_run_beside_its_imported_log() {
    const QString section = tag_with_id(imported_, "event-id-differences");
    QCOMPARE(attribute(section, "data-differing"), QString("0"));
    QVERIFY(attribute(section, "data-equal").toInt() >= 5);
    QVERIFY(imported_.contains("Every event ID occurs as often in A as in B"));
    const QString note =
        imported_.section("<p class=\"note\" id=\"time-axis-note\">", 1).section("</p>", 0, 0);
    QVERIFY2(note.contains("B is an imported log on its own clock, shifted so that its first "
                           "event (1997-05-22T09:00:00"),
             qPrintable(note));
    QVERIFY(imported_.contains("<td class=\"run-b\"><strong>customer-1234</strong></td>"));
    // Both runs' strips of 2342 hold the same count, and the import's starts where the run's
    // does on the shared axis (its clock shifted, not 1997 in µs).
    QStringList firsts;
    for (const QString& tag : series_tags(svg_element(imported_, "events-over-time"))) {
      if (attribute(tag, "data-event-id") != "2342") continue;
      QCOMPARE(attribute(tag, "data-total"), QString("1147"));
      firsts << attribute(tag, "data-first-us");
    }
    QCOMPARE(firsts.size(), 2);
    QVERIFY2(std::llabs(firsts[0].toLongLong() - firsts[1].toLongLong()) < 1'000'000,
             qPrintable(firsts.join(' ')));
    // An import has no thread samples: the thread chart is the run's alone.
    for (const QString& tag : series_tags(svg_element(imported_, "thread-activity"))) {
      QCOMPARE(attribute(tag, "data-run"), QString("0"));
    }
    const QString diagnosis = tag_with_id(imported_, "diagnosis");
    QVERIFY(attribute(diagnosis, "data-kbs-b").split(' ').contains("Q151791"));
    QVERIFY(
        imported_.contains("msmisim report --db kb.db --import customer-1234 -o "
                           "import-customer-1234.html"));
    // import:NAME names the same log.
    QVERIFY(compare("1", "import:customer-1234", "imported-again.html") == imported_);
  }

  void the_same_runs_render_the_same_bytes() {
    QVERIFY(compare("1", "2", "again.html") == q151791_);
    const CliResult r = msmisim({"report", "--db", "kb.db", "--compare", "1", "2", "-o", "-"});
    QCOMPARE(r.code, 0);
    QVERIFY(r.out == q151791_);
    QVERIFY2(r.err.contains("to standard output"), qPrintable(r.err));
  }

  // -o names a pipe (or /dev/null): the page goes into it, and the pipe stays a pipe.
  void an_output_that_is_a_pipe_is_written_not_replaced() {
    const QString fifo = dir_.filePath("page.fifo");
    QVERIFY(::mkfifo(QFile::encodeName(fifo).constData(), 0600) == 0);
    QProcess reader;
    reader.start("cat", {fifo});
    QVERIFY(reader.waitForStarted());
    const CliResult r =
        msmisim({"report", "--db", "kb.db", "--compare", "1", "2", "-o", "page.fifo"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    if (!reader.waitForFinished(5000)) reader.kill();  // nobody wrote into the pipe
    struct stat st {};
    QVERIFY(::stat(QFile::encodeName(fifo).constData(), &st) == 0);
    QVERIFY2(S_ISFIFO(st.st_mode), "the pipe was replaced by a file");
    QVERIFY(reader.readAllStandardOutput() == q151791_.toUtf8());
  }

  void the_same_run_twice_is_a_dull_comparison() {
    const QString page = compare("2", "2", "same.html");
    QCOMPARE(attribute(tag_with_id(page, "event-id-differences"), "data-differing"), QString("0"));
    QVERIFY(page.contains("the same run twice"));
  }

  void bad_arguments_give_the_documented_exit_codes_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown run") << QStringList{"--db", "kb.db", "--compare", "1", "99"} << 2
                                 << "--compare 99: kb.db: no run 99";
    QTest::newRow("unknown import") << QStringList{"--db", "kb.db", "--compare", "nobody", "1"} << 2
                                    << "--compare nobody: kb.db: no import named 'nobody'";
    QTest::newRow("empty import name")
        << QStringList{"--db", "kb.db", "--compare", "1", "import:"} << 2 << "import:";
    QTest::newRow("one run") << QStringList{"--db", "kb.db", "--compare", "1"} << 2 << "got 1";
    QTest::newRow("three runs") << QStringList{"--db", "kb.db", "--compare", "1", "2", "3"} << 2
                                << "got 3";
    QTest::newRow("with --run") << QStringList{"--db", "kb.db", "--compare", "1", "2", "--run", "1"}
                                << 2 << "not both";
    QTest::newRow("with --import")
        << QStringList{"--db", "kb.db", "--compare", "1", "2", "--import", "customer-1234"} << 2
        << "not both";
    QTest::newRow("with --sweep") << QStringList{"--db", "kb.db", "--compare", "1", "2", "--sweep"}
                                  << 2 << "not both";
    QTest::newRow("missing store")
        << QStringList{"--db", "missing.db", "--compare", "1", "2"} << 3 << "missing.db";
    QTest::newRow("folder not there")
        << QStringList{"--db", "kb.db", "--compare", "1", "2", "-o", "no/such/dir/x.html"} << 3
        << "no/such/dir/x.html";
  }
  void bad_arguments_give_the_documented_exit_codes() {
    QFETCH(QStringList, args);
    QFETCH(int, code);
    QFETCH(QString, message);
    if (!args.contains("-o"))
      args << "-o"
           << "x.html";
    const CliResult r = msmisim(QStringList{"report"} + args);
    QVERIFY2(r.code == code, qPrintable(QString::number(r.code) + ": " + r.err));
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
    QVERIFY(!QFile::exists(dir_.filePath("x.html")));
    QVERIFY(QDir(dir_.path()).entryList({"*.tmp"}, QDir::Files).isEmpty());
  }

  void help_describes_compare() {
    const CliResult r = msmisim({"report", "--help"});
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains("msmisim report --compare A B"));
    QVERIFY(r.out.contains("import:NAME"));
  }

  // The API on its own: the order of the differences and the shift of an imported log.
  void differences_come_largest_first_then_by_id() {
    msmireport::RunReportData a;
    msmireport::RunReportData b;
    const auto id = [](int event_id, const char* type, std::int64_t total) {
      msmireport::EventIdActivity e;
      e.event_id = event_id;
      e.type = type;
      e.total = total;
      return e;
    };
    a.events_by_id = {id(2117, "Warning", 4), id(2342, "Error", 10), id(2384, "Information", 7),
                      id(2553, "Error", 10)};
    b.events_by_id = {id(2117, "Warning", 4), id(2342, "Error", 1), id(2444, "Information", 9),
                      id(2553, "Error", 1)};
    std::vector<msmireport::EventIdCountDifference> equal;
    const auto d = msmireport::event_id_count_differences(a, b, &equal);
    QCOMPARE(d.size(), std::size_t{4});
    QCOMPARE(d[0].event_id, 2342);  // -9
    QCOMPARE(d[1].event_id, 2444);  // +9, only in B
    QCOMPARE(d[2].event_id, 2553);  // -9
    QCOMPARE(d[3].event_id, 2384);  // -7, only in A
    QCOMPARE(d[1].count_a, std::int64_t{0});
    QCOMPARE(d[1].difference(), std::int64_t{9});
    QCOMPARE(d[3].type, std::string("Information"));
    QCOMPARE(equal.size(), std::size_t{1});
    QCOMPARE(equal[0].event_id, 2117);
  }

  void an_import_is_shifted_to_start_at_zero_and_escaped() {
    constexpr std::int64_t kStart = 864'291'600'000'000LL;  // 1997-05-22T09:00:00Z
    msmireport::RunReportData run;
    run.run.run_id = 1;
    run.run.scenario = "scenarios/kb/Q151791.json";
    run.run.profile = "exchange-5.0";
    run.start_us = 0;
    run.end_us = 600'000'000LL;  // 10 minutes
    run.bucket_us = 15'000'000LL;
    msmireport::EventIdActivity e;
    e.event_id = 2342;
    e.type = "Error";
    e.total = 2;
    e.buckets = {{60'000'000LL, 2.0}};
    e.first_us = 60'000'000LL;
    run.events_by_id = {e};
    run.event_count = 2;
    msmireport::RunReportData log;
    log.run.run_id = 2;
    log.run.kind = "import";
    log.run.import_name = "case <1> & \"x\"";
    log.is_import = log.absolute_time = true;
    log.start_us = kStart;
    log.end_us = kStart + 1'200'000'000LL;  // 20 minutes
    log.bucket_us = 15'000'000LL;
    e.total = 3;
    e.buckets = {{kStart + 120'000'000LL, 3.0}};
    e.first_us = kStart + 125'000'000LL;
    e.first_description = "<script>alert(1)</script>";
    log.events_by_id = {e};
    log.event_count = 3;
    std::ostringstream out;
    msmireport::render_html_compare_report(run, log, out);
    const QString page = QString::fromStdString(out.str());
    QVERIFY(!page.contains("<script>alert"));
    QVERIFY(page.contains("case &lt;1&gt; &amp; &quot;x&quot;"));
    QVERIFY(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    const QStringList strips = series_tags(svg_element(page, "events-over-time"));
    QCOMPARE(strips.size(), 2);
    QCOMPARE(attribute(strips[1], "data-run"), QString("1"));
    QCOMPARE(attribute(strips[1], "data-first-us"), QString("125000000"));
    // The axis covers the longer (the import's 20 minutes), labelled from 0.
    const QString svg = svg_element(page, "events-over-time");
    QVERIFY2(svg.contains(">20m<") && svg.contains(">0s<"), qPrintable(svg));
    QVERIFY(!svg.contains("09:00<"));
    QVERIFY(page.contains("shifted so that its first event (1997-05-22T09:00:00"));
    QVERIFY(svg_element(page, "thread-activity").isEmpty());  // neither has samples
    std::ostringstream again;
    msmireport::render_html_compare_report(run, log, again);
    QCOMPARE(again.str(), out.str());
  }
};

QTEST_APPLESS_MAIN(TestHtmlCompare)
#include "tst_html_compare.moc"
