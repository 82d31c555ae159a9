// The HTML reports as a person sees them: opened from disk in a real browser (headless
// Chromium, Debian's `chromium` package), they render without a console message, every chart
// has its data, and a screenshot is a picture rather than a blank page. Skipped, saying why,
// only where no Chromium is installed (scripts/install-deps.sh installs it when it can).
#include <QImage>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QUrl>
#include <QtTest>

#include "cli_process.h"

namespace {

// MSMISIM_CHROMIUM names the browser to use; otherwise the first of Debian's and others' names.
QString find_chromium() {
  const QString chosen = qEnvironmentVariable("MSMISIM_CHROMIUM");
  if (!chosen.isEmpty()) return QStandardPaths::findExecutable(chosen);
  for (const char* name : {"chromium", "chromium-browser", "google-chrome", "chrome"}) {
    const QString path = QStandardPaths::findExecutable(name);
    if (!path.isEmpty()) return path;
  }
  return {};
}

struct Browsed {
  bool finished = false;
  QString dom;      // the document after its scripts ran (--dump-dom)
  QString console;  // every console message the page produced
  QImage screenshot;
  QString log;  // the browser's own stderr, for a failure message
};

}  // namespace

class TstBrowserReport : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void reports_render_data();
  void reports_render();

 private:
  CliResult cli(const QStringList& args) { return run_msmisim(args, dir_.path()); }
  Browsed browse(const QString& file);
  QStringList chromium_args() const;

  QTemporaryDir dir_;
  QString chromium_;
  QString db_;
};

QStringList TstBrowserReport::chromium_args() const {
  // A private profile per test run, no sandbox (CI containers run as root), no GPU, and every
  // console message of the page on stderr.
  return {"--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--no-first-run",
          "--disable-extensions",
          "--hide-scrollbars",
          "--user-data-dir=" + dir_.filePath("chromium-profile"),
          "--enable-logging=stderr",
          "--v=0",
          "--virtual-time-budget=5000"};
}

Browsed TstBrowserReport::browse(const QString& file) {
  Browsed b;
  const QString url = QUrl::fromLocalFile(file).toString();
  const auto console_of = [](const QString& log) {
    QStringList lines;
    for (const QString& line : log.split('\n')) {
      if (line.contains(":CONSOLE")) lines << line;
    }
    return lines.join('\n');
  };
  {
    QProcess p;
    p.start(chromium_, chromium_args() << "--dump-dom" << url);
    b.finished =
        p.waitForFinished(120'000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    b.dom = QString::fromUtf8(p.readAllStandardOutput());
    b.log = QString::fromUtf8(p.readAllStandardError());
    b.console = console_of(b.log);
  }
  const QString png = file + ".png";
  QProcess p;
  p.start(chromium_, chromium_args() << "--window-size=1280,2000"
                                     << "--screenshot=" + png << url);
  b.finished = b.finished && p.waitForFinished(120'000) && p.exitCode() == 0;
  const QString log = QString::fromUtf8(p.readAllStandardError());
  b.log += log;
  if (!console_of(log).isEmpty()) b.console += "\n" + console_of(log);
  b.screenshot.load(png);
  return b;
}

void TstBrowserReport::initTestCase() {
  QVERIFY(dir_.isValid());
  chromium_ = find_chromium();
  if (chromium_.isEmpty()) {
    QSKIP(
        "no Chromium found (install Debian's 'chromium' package, or set MSMISIM_CHROMIUM): "
        "the HTML reports were not rendered in a browser");
  }
  db_ = dir_.filePath("reports.db");
  // Run 1: Q151791 as Exchange 5.0 shipped (the bug); run 2: with the fix (5.0 SP1).
  for (const char* profile : {"exchange-5.0", "exchange-5.0-sp1"}) {
    const CliResult r = cli({"run", MSMISIM_SOURCE_DIR "/scenarios/kb/Q151791.json", "--profile",
                             profile, "--db", db_, "--quiet"});
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
  }
  // Run 3: run 1 exported as an NT event log and imported back, as a customer's log comes.
  const QString evt = dir_.filePath("customer.evt");
  CliResult r = cli({"export", "--run", "1", "--db", db_, "--format", "evt", "-o", evt});
  QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
  r = cli({"import", evt, "--db", db_, "--name", "customer"});
  QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
  // A sweep whose every seed breaks an invariant (a planted bug).
  r = cli({"sweep", MSMISIM_SOURCE_DIR "/scenarios/regression/swarm-hardened.json", "--seeds",
           "1..8", "--swarm", "--defect", "TestDeliverTwice=on", "--db", db_});
  QVERIFY2(r.code == 1, qPrintable(r.out + r.err));
}

void TstBrowserReport::reports_render_data() {
  QTest::addColumn<QStringList>("args");
  QTest::addColumn<QStringList>("charts");  // the ids of the <svg> charts the page must draw
  const QStringList run_charts = {"thread-activity", "backlog", "events-over-time"};
  QTest::newRow("Q151791 legacy") << QStringList{"--run", "1"} << run_charts;
  QTest::newRow("Q151791 fixed") << QStringList{"--run", "2"} << run_charts;
  QTest::newRow("imported log") << QStringList{"--import", "customer"}
                                << QStringList{"events-over-time"};
  QTest::newRow("Q151791 legacy vs fixed") << QStringList{"--compare", "1", "2"} << run_charts;
  QTest::newRow("run vs imported log") << QStringList{"--compare", "1", "customer"} << run_charts;
  QTest::newRow("sweep") << QStringList{"--sweep"}
                         << QStringList{"seed-verdicts", "failures", "rule-coverage"};
}

void TstBrowserReport::reports_render() {
  QFETCH(QStringList, args);
  QFETCH(QStringList, charts);
  const QString html = dir_.filePath(QString(QTest::currentDataTag()).replace(' ', '-') + ".html");
  const CliResult r = cli(QStringList{"report", "--db", db_, "-o", html} + args);
  QVERIFY2(r.code == 0, qPrintable(r.out + r.err));

  const Browsed b = browse(html);
  QVERIFY2(b.finished, qPrintable(b.log.right(2000)));
  // The page says nothing on the console: no script error, no resource it failed to fetch.
  QVERIFY2(b.console.isEmpty(), qPrintable(b.console));
  QVERIFY2(b.dom.contains("</html>"), qPrintable(b.dom.left(500)));

  // The page's script ran: it shows the filter box that stays hidden without script (pages
  // with a table to filter: all but a comparison).
  QCOMPARE(b.dom.contains("id=\"event-filter\""), args.front() != "--compare");
  QVERIFY2(!b.dom.contains(QRegularExpression("<input[^>]*id=\"event-filter\"[^>]*hidden")),
           "the filter box is still hidden: the page's script did not run");

  // Every chart is there as SVG, with data points.
  for (const QString& chart : charts) {
    const QRegularExpression svg("<svg[^>]*id=\"" + QRegularExpression::escape(chart) + "\"[^>]*>");
    QRegularExpressionMatchIterator it = svg.globalMatch(b.dom);
    QVERIFY2(it.hasNext(), qPrintable("no chart '" + chart + "' in the rendered page"));
    while (it.hasNext()) {
      const QString tag = it.next().captured(0);
      const QRegularExpressionMatch points =
          QRegularExpression("data-points=\"(\\d+)\"").match(tag);
      QVERIFY2(points.hasMatch() && points.captured(1).toLongLong() > 0, qPrintable(tag));
    }
  }

  // The screenshot is a picture: many pixels differ from the background, in several colours.
  QVERIFY2(!b.screenshot.isNull(), "no screenshot was written");
  const QImage image = b.screenshot.convertToFormat(QImage::Format_RGB32);
  const QRgb background = image.pixel(0, 0);
  qint64 differing = 0;
  QSet<QRgb> colours;
  for (int y = 0; y < image.height(); y += 2) {
    for (int x = 0; x < image.width(); x += 2) {
      const QRgb p = image.pixel(x, y);
      if (p != background) ++differing;
      if (colours.size() < 64) colours.insert(p);
    }
  }
  const qint64 sampled = qint64(image.width() / 2) * (image.height() / 2);
  QVERIFY2(differing * 50 > sampled,
           qPrintable(QString("only %1 of %2 pixels drawn").arg(differing).arg(sampled)));
  QVERIFY2(colours.size() >= 8, qPrintable(QString("%1 colours").arg(colours.size())));
}

QTEST_APPLESS_MAIN(TstBrowserReport)
#include "tst_browser_report.moc"
