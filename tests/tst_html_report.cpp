// The HTML run report: `msmisim report` on recorded Q151791 runs (legacy and fixed build) and on
// imported logs, checked for what a person opening the page would notice — the charts hold data,
// thread 5 alone is busy in the legacy run, the expectations and the diagnosis are there, text
// from a customer's log is escaped — plus the chart API on its own, determinism and exit codes.
#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <QtTest>

#include <sstream>

#include "cli_process.h"
#include "html_page_support.h"
#include "msmireport/svg_chart.h"

namespace {

using htmltest::attribute;
using htmltest::read_text;
using htmltest::svg_element;
using htmltest::tag_with_id;

using htmltest::series_tags;

// An error message when `svg` is not well-formed XML, else "".
QString xml_error(const QString& svg) {
  QXmlStreamReader reader(svg);
  while (!reader.atEnd()) reader.readNext();
  return reader.hasError()
             ? reader.errorString() + " at column " + QString::number(reader.columnNumber())
             : QString();
}

}  // namespace

class TestHtmlReport : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  QString legacy_;  // the report of the legacy (exchange-5.0) Q151791 run
  QString fixed_;   // … of the fixed (exchange-5.0-sp1) run

  CliResult msmisim(const QStringList& args) { return run_msmisim(args, dir_.path()); }

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    const QString scenario = QString(MSMISIM_SOURCE_DIR) + "/scenarios/kb/Q151791.json";
    CliResult r = msmisim({"run", scenario, "--db", "kb.db"});
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    r = msmisim({"run", scenario, "--db", "kb.db", "--profile", "exchange-5.0-sp1"});
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    r = msmisim({"report", "--db", "kb.db", "--run", "1", "-o", "legacy.html"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY2(r.err.contains("report: legacy.html ("), qPrintable(r.err));
    legacy_ = read_text(dir_.filePath("legacy.html"));
    r = msmisim({"report", "--db", "kb.db", "-o", "fixed.html"});  // the latest run: 2
    QVERIFY2(r.code == 0, qPrintable(r.err));
    fixed_ = read_text(dir_.filePath("fixed.html"));
    QVERIFY(legacy_.startsWith("<!DOCTYPE html>"));
    QVERIFY(legacy_.trimmed().endsWith("</html>"));
    QVERIFY(fixed_.contains("exchange-5.0-sp1"));
  }

  void each_chart_is_present_with_data_data() {
    QTest::addColumn<QString>("id");
    QTest::addColumn<int>("min_series");
    QTest::newRow("thread activity") << "thread-activity" << 5;
    QTest::newRow("backlog") << "backlog" << 4;
    QTest::newRow("events over time") << "events-over-time" << 5;
  }
  void each_chart_is_present_with_data() {
    QFETCH(QString, id);
    QFETCH(int, min_series);
    for (const QString* page : {&legacy_, &fixed_}) {
      const QString svg = svg_element(*page, id);
      QVERIFY2(!svg.isEmpty(), qPrintable("no <svg id=" + id + ">"));
      const QString open = tag_with_id(svg, id);
      QVERIFY2(attribute(open, "data-series").toInt() >= min_series, qPrintable(open));
      QVERIFY2(attribute(open, "data-points").toInt() > 10, qPrintable(open));
      QCOMPARE(series_tags(svg).size(), attribute(open, "data-series").toInt());
      QVERIFY2(!svg.contains("class=\"no-data\""), qPrintable(id));
      const QString error = xml_error(svg);
      QVERIFY2(error.isEmpty(), qPrintable(id + ": " + error));
      // The operator's restart at 35m is marked on every chart.
      QVERIFY2(svg.contains("class=\"marker marker-restart\" data-time-us=\"2100000000\""),
               qPrintable(id));
    }
  }

  // Q151791: "all threads idle but 5" — the page's thread chart says so in its data.
  void legacy_thread_chart_shows_thread_5_pegged_and_the_rest_idle() {
    const QStringList series = series_tags(svg_element(legacy_, "thread-activity"));
    bool saw_5 = false;
    for (const QString& tag : series) {
      const int thread = attribute(tag, "data-thread").toInt();
      const double mean = attribute(tag, "data-mean-busy-pct").toDouble();
      const double max = attribute(tag, "data-max").toDouble();
      if (thread == 5) {
        saw_5 = true;
        QVERIFY2(mean > 60.0, qPrintable(tag));
        QCOMPARE(max, 100.0);
      } else {
        QVERIFY2(mean < 5.0, qPrintable(tag));
      }
    }
    QVERIFY(saw_5);
    // The fixed build gives up on the bad message: thread 5 is no longer pegged.
    for (const QString& tag : series_tags(svg_element(fixed_, "thread-activity"))) {
      QVERIFY2(attribute(tag, "data-mean-busy-pct").toDouble() < 20.0, qPrintable(tag));
    }
  }

  void events_chart_marks_the_first_occurrence_of_each_id() {
    const QString svg = svg_element(legacy_, "events-over-time");
    const QStringList strips = series_tags(svg);
    bool saw_2342 = false;
    for (const QString& tag : strips) {
      QVERIFY2(!attribute(tag, "data-first-us").isEmpty(), qPrintable(tag));
      if (attribute(tag, "data-event-id") == "2342") {
        saw_2342 = true;
        // The bad message arrives at 10m: no 2342 before it.
        QVERIFY2(attribute(tag, "data-first-us").toLongLong() >= 600'000'000LL, qPrintable(tag));
        QVERIFY2(attribute(tag, "data-total").toInt() >= 100, qPrintable(tag));
      }
    }
    QVERIFY(saw_2342);
    QCOMPARE(svg.count("class=\"first\""), strips.size());
    // Every event of each run is counted once in its strips (the legacy run's are counted
    // through the (event_id, at_us) index, the fixed run's, whose IDs are mostly the legacy
    // run's, over its own rows).
    for (const auto& [page, run] : {std::pair{&legacy_, 1}, std::pair{&fixed_, 2}}) {
      qint64 sum = 0;
      for (const QString& tag : series_tags(svg_element(*page, "events-over-time"))) {
        sum += attribute(tag, "data-total").toLongLong();
      }
      const CliResult r =
          msmisim({"sql", "--db", "kb.db", "--format", "csv",
                   QString("SELECT count(*) FROM events WHERE run_id = %1").arg(run)});
      QVERIFY2(r.code == 0, qPrintable(r.err));
      QCOMPARE(sum, r.out.split('\n').value(1).trimmed().toLongLong());
      QVERIFY(sum > 100);
    }
    QVERIFY(legacy_.contains("<table id=\"event-id-table\">"));
  }

  void expectations_are_listed_with_their_verdicts() {
    for (const QString* page : {&legacy_, &fixed_}) {
      const QString section = tag_with_id(*page, "expectations");
      const int total = attribute(section, "data-total").toInt();
      QVERIFY2(total >= 5, qPrintable(section));
      QCOMPARE(attribute(section, "data-passed").toInt(), total);
      QCOMPARE(attribute(section, "data-failed").toInt(), 0);
      QCOMPARE(page->count("<tr data-verdict=\"pass\">"), total);
      QCOMPARE(page->count("<td class=\"pass\">PASS</td>"), total);
      // The other profiles' expectations are there too, marked as not checked by this run.
      QVERIFY2(attribute(section, "data-skipped").toInt() > 0, qPrintable(section));
    }
    QCOMPARE(attribute(tag_with_id(legacy_, "expectations"), "data-total"), QString("12"));
    QVERIFY(legacy_.contains("event 2553 on thread 5 count ≥ 100"));
  }

  void diagnosis_names_q151791_for_the_legacy_run_only() {
    const QString legacy = tag_with_id(legacy_, "diagnosis");
    QVERIFY2(attribute(legacy, "data-kbs").split(' ').contains("Q151791"), qPrintable(legacy));
    QVERIFY(legacy_.contains("<article class=\"diagnosis\" data-kb=\"Q151791\">"));
    const QString fixed = tag_with_id(fixed_, "diagnosis");
    QCOMPARE(attribute(fixed, "data-matches"), QString("0"));
    QVERIFY(fixed_.contains("no known KB matches."));
  }

  void header_ledger_and_event_table() {
    QCOMPARE(attribute(tag_with_id(legacy_, "run-header"), "data-verdict"), QString("pass"));
    QVERIFY(legacy_.contains("msmisim run "));  // the replay command
    QVERIFY(legacy_.contains("<td id=\"profile\">exchange-5.0</td>"));
    QVERIFY(legacy_.contains("<td id=\"kb\">Q151791</td>"));
    QVERIFY(legacy_.contains("<td id=\"computer\">EXCHSRV1</td>"));
    // Ledger: the bad message stays pending in the legacy run, gets an NDR in the fixed one.
    const QString legacy_tally = tag_with_id(legacy_, "ledger-tally");
    QVERIFY2(attribute(legacy_tally, "data-pending").toInt() >= 1, qPrintable(legacy_tally));
    QCOMPARE(attribute(legacy_tally, "data-lost"), QString("0"));
    QVERIFY(attribute(tag_with_id(fixed_, "ledger-tally"), "data-ndr").toInt() >= 1);
    // The event table is bounded and says how to list the rest.
    const QString table = tag_with_id(legacy_, "event-table");
    QCOMPARE(attribute(table, "data-rows"), QString("2000"));
    QVERIFY(attribute(table, "data-total").toInt() > 2000);
    QVERIFY(legacy_.contains("msmisim query --db kb.db --run 1</code>"));
    // Page furniture: one script of ours, no network.
    QCOMPARE(legacy_.count("<script"), 1);
    QVERIFY(!legacy_.contains("http://") ||
            legacy_.count("http://") == legacy_.count("xmlns=\"http://www.w3.org/2000/svg\""));
    QVERIFY(!legacy_.contains("https://"));
    QVERIFY(legacy_.contains("@media print"));
  }

  void max_events_bounds_the_event_table() {
    const CliResult r = msmisim(
        {"report", "--db", "kb.db", "--run", "1", "--max-events", "10", "-o", "small.html"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const QString page = read_text(dir_.filePath("small.html"));
    QCOMPARE(attribute(tag_with_id(page, "event-table"), "data-rows"), QString("10"));
    QVERIFY(page.size() < legacy_.size() / 2);
  }

  void the_same_run_renders_the_same_bytes() {
    CliResult r = msmisim({"report", "--db", "kb.db", "--run", "1", "-o", "again.html"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY(read_text(dir_.filePath("again.html")) == legacy_);
    // Without -o and with standard output not a terminal, the page goes there.
    r = msmisim({"report", "--db", "kb.db", "--run", "1"});
    QCOMPARE(r.code, 0);
    QVERIFY(r.out == legacy_);
    QVERIFY2(r.err.contains("to standard output"), qPrintable(r.err));
  }

  void an_imported_log_with_a_hostile_description_is_escaped() {
    QFile csv(dir_.filePath("hostile.csv"));
    QVERIFY(csv.open(QIODevice::WriteOnly));
    csv.write(
        "Type,Date,Time,Source,Category,Event,User,Computer,Description\r\n"
        "Error,1997-05-22,13:05:09,MSExchangeMSMI,Session Error,2342,N/A,CUSTSRV,"
        "\"<script>alert('owned')</script> MS Mail Connector Interchange failed to put into "
        "XOM stream. Return code is 0x15.\"\r\n"
        "Information,1997-05-22,13:07:00,MSExchangeMSMI,Routing,2444,N/A,CUSTSRV,"
        "\"Message ID <img src=x onerror=alert(1)> & \"\"quoted\"\" processed from INQUEUE\"\r\n");
    csv.close();
    CliResult r = msmisim({"import", "hostile.csv", "--db", "import.db", "--name", "case<1>"});
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    r = msmisim({"report", "--db", "import.db", "--import", "case<1>", "-o", "hostile.html"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const QString page = read_text(dir_.filePath("hostile.html"));
    QVERIFY(!page.contains("<script>alert"));
    QVERIFY(!page.contains("<img"));
    QVERIFY(!page.contains("case<1>"));
    QVERIFY(page.contains("&lt;script&gt;alert(&#39;owned&#39;)&lt;/script&gt;"));
    QVERIFY(page.contains("&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quoted&quot;"));
    QVERIFY(page.contains("Imported log case&lt;1&gt;"));
    QCOMPARE(page.count("<script"), 1);
    QVERIFY(page.contains("<table id=\"import-table\">"));
    QVERIFY(page.contains("hostile.csv"));
    // Events over time on the log's own clock; no thread or backlog charts for an import.
    const QString svg = svg_element(page, "events-over-time");
    QCOMPARE(attribute(tag_with_id(svg, "events-over-time"), "data-series"), QString("2"));
    QVERIFY2(svg.contains(QRegularExpression(">05-22 13:0[5-7][:0-9]*<")), qPrintable(svg));
    QVERIFY(svg_element(page, "thread-activity").isEmpty());
    QVERIFY2(xml_error(svg).isEmpty(), qPrintable(xml_error(svg)));
  }

  // A legacy run exported as an NT event log and imported back reads like a customer's log:
  // the report still shows the events over time and names Q151791.
  void an_imported_kb_log_is_diagnosed() {
    CliResult r =
        msmisim({"export", "--db", "kb.db", "--run", "1", "--format", "evt", "-o", "legacy.evt"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    r = msmisim({"import", "legacy.evt", "--db", "import.db", "--name", "customer-1234"});
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    r = msmisim({"report", "--db", "import.db", "--import", "customer-1234", "-o", "case.html"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const QString page = read_text(dir_.filePath("case.html"));
    QCOMPARE(attribute(tag_with_id(page, "run-header"), "data-kind"), QString("import"));
    QVERIFY(attribute(tag_with_id(page, "diagnosis"), "data-kbs").split(' ').contains("Q151791"));
    const QString svg = svg_element(page, "events-over-time");
    QVERIFY(attribute(tag_with_id(svg, "events-over-time"), "data-points").toInt() > 10);
    QVERIFY(page.contains("legacy.evt"));
    QVERIFY(tag_with_id(page, "expectations").isEmpty());
  }

  void bad_arguments_give_the_documented_exit_codes_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown run") << QStringList{"--db", "kb.db", "--run", "99", "-o", "x.html"} << 2
                                 << "--run 99";
    QTest::newRow("run not a number")
        << QStringList{"--db", "kb.db", "--run", "abc", "-o", "x.html"} << 2 << "--run abc";
    QTest::newRow("unknown import")
        << QStringList{"--db", "kb.db", "--import", "nobody", "-o", "x.html"} << 2
        << "--import nobody";
    QTest::newRow("run and import")
        << QStringList{"--db", "kb.db", "--run", "1", "--import", "x", "-o", "x.html"} << 2
        << "not both";
    QTest::newRow("negative max-events")
        << QStringList{"--db", "kb.db", "--max-events", "-1", "-o", "x.html"} << 2
        << "--max-events";
    QTest::newRow("unknown option")
        << QStringList{"--db", "kb.db", "--colour", "-o", "x.html"} << 2 << "colour";
    QTest::newRow("empty output") << QStringList{"--db", "kb.db", "-o", ""} << 2 << "-o FILE";
    QTest::newRow("missing store")
        << QStringList{"--db", "missing.db", "-o", "x.html"} << 3 << "missing.db";
    QTest::newRow("folder not there")
        << QStringList{"--db", "kb.db", "-o", "no/such/dir/x.html"} << 3 << "no/such/dir/x.html";
  }
  void bad_arguments_give_the_documented_exit_codes() {
    QFETCH(QStringList, args);
    QFETCH(int, code);
    QFETCH(QString, message);
    const CliResult r = msmisim(QStringList{"report"} + args);
    QVERIFY2(r.code == code, qPrintable(QString::number(r.code) + ": " + r.err));
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
    QVERIFY(!QFile::exists(dir_.filePath("x.html")));
    QVERIFY(QDir(dir_.path()).entryList({"*.tmp"}, QDir::Files).isEmpty());
  }

  void help_names_the_command() {
    const CliResult r = msmisim({"report", "--help"});
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains("usage: msmisim report"));
    QVERIFY(r.out.contains("exit codes:"));
    QVERIFY(msmisim({"--help"}).out.contains("report "));
  }

  // The chart API on its own: two runs on one axis, escaping, fixed formatting.
  void a_line_chart_takes_series_of_two_runs() {
    msmireport::LineChart chart;
    chart.id = "cmp";
    chart.title = "busy <legacy> & fixed";
    chart.y_max = 100.0;
    chart.y_unit = "%";
    chart.axis.end_us = 3'600'000'000LL;
    msmireport::ChartSeries legacy;
    legacy.name = "thread 5 \"legacy\"";
    legacy.points = {{0, 10.0}, {1'800'000'000LL, 100.0}};
    msmireport::ChartSeries fixed = legacy;
    fixed.name = "thread 5 fixed";
    fixed.points.back().value = 2.5;
    fixed.run = 1;
    chart.series = {legacy, fixed};
    chart.markers.push_back({2'100'000'000LL, "restart", "35m restart", "restart", 0});
    std::ostringstream out;
    msmireport::render_line_chart(chart, out);
    const QString svg = QString::fromStdString(out.str());
    QVERIFY2(xml_error(svg).isEmpty(), qPrintable(xml_error(svg)));
    QCOMPARE(attribute(tag_with_id(svg, "cmp"), "data-series"), QString("2"));
    QCOMPARE(attribute(tag_with_id(svg, "cmp"), "data-points"), QString("4"));
    const QStringList series = series_tags(svg);
    QCOMPARE(series.size(), 2);
    QCOMPARE(attribute(series[0], "data-run"), QString("0"));
    QCOMPARE(attribute(series[0], "data-mean"), QString("55.0"));
    QCOMPARE(attribute(series[1], "data-run"), QString("1"));
    QVERIFY(series[1].contains("stroke-dasharray"));
    QVERIFY(svg.contains("busy &lt;legacy&gt; &amp; fixed"));
    QVERIFY(svg.contains("thread 5 &quot;legacy&quot;"));
    for (const char* tick : {">0s<", ">10m<", ">30m<", ">50m<", ">1h<"}) {
      QVERIFY2(svg.contains(tick), tick);
    }
    std::ostringstream again;
    msmireport::render_line_chart(chart, again);
    QCOMPARE(again.str(), out.str());
  }

  void clock_axes_label_the_time_of_day() {
    msmireport::TimeAxis axis;
    axis.labels = msmireport::TimeLabels::kClock;
    axis.start_us = 864'291'600'000'000LL;  // 1997-05-22T09:00:00Z
    axis.end_us = axis.start_us + 7'200'000'000LL;
    QCOMPARE(msmireport::time_label(axis, axis.start_us + 900'000'000LL), std::string("09:15"));
    msmireport::StripChart chart;
    chart.id = "strip";
    chart.axis = axis;
    chart.bucket_us = 60'000'000LL;
    msmireport::EventStrip strip;
    strip.event_id = 2342;
    strip.label = "2342 Error";
    strip.type = "Error";
    strip.buckets = {{axis.start_us, 3.0}, {axis.start_us + 60'000'000LL, 3.0}};
    strip.first_us = axis.start_us;
    strip.total = 6;
    chart.strips.push_back(strip);
    std::ostringstream out;
    msmireport::render_strip_chart(chart, out);
    const QString svg = QString::fromStdString(out.str());
    QVERIFY2(xml_error(svg).isEmpty(), qPrintable(xml_error(svg)));
    QVERIFY(svg.contains(">05-22 09:00<"));
    QVERIFY(svg.contains(">10:00<"));
    // Two neighbouring buckets alike are one bar whose tooltip sums them.
    QCOMPARE(svg.count("<rect x=") - svg.count("fill=\"#f4f4f4\"") - 1, 1);
    QVERIFY(svg.contains("2342 Error: 6 events"));
  }
};

QTEST_APPLESS_MAIN(TestHtmlReport)
#include "tst_html_report.moc"
