// The fuzz targets over their committed corpora (tests/fuzz/corpus/<target>) and over every input
// a fuzzer once crashed them with (tests/fuzz/regressions/<target>), with the ordinary compiler:
// each input must be taken without a crash, an exception or, in the sanitizer build, a report.
// Also that every target has a corpus and that the seeds msmisim makes reach every target.

#include <QtTest>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "fuzz_targets.h"

namespace {

namespace fs = std::filesystem;

const fs::path kFuzzDir = fs::path(MSMISIM_SOURCE_DIR) / "tests" / "fuzz";

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<fs::path> inputs_of(const fs::path& dir) {
  std::vector<fs::path> files;
  if (fs::is_directory(dir))
    for (const auto& entry : fs::directory_iterator(dir))
      if (entry.is_regular_file()) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

class TstFuzzCorpora : public QObject {
  Q_OBJECT

 private slots:
  void every_target_has_a_corpus_data() {
    QTest::addColumn<QString>("target");
    for (const fuzz::Target& t : fuzz::targets())
      QTest::newRow(std::string(t.name).c_str()) << QString::fromUtf8(t.name.data(), t.name.size());
  }
  void every_target_has_a_corpus() {
    QFETCH(QString, target);
    const fs::path dir = kFuzzDir / "corpus" / target.toStdString();
    QVERIFY2(!inputs_of(dir).empty(), qPrintable("no inputs in " + QString::fromStdString(dir)));
  }

  void input_is_taken_data() {
    QTest::addColumn<QString>("target");
    QTest::addColumn<QString>("file");
    for (const fuzz::Target& t : fuzz::targets()) {
      const std::string name(t.name);
      for (const char* kind : {"corpus", "regressions"})
        for (const fs::path& file : inputs_of(kFuzzDir / kind / name))
          QTest::newRow((name + "/" + kind + "/" + file.filename().string()).c_str())
              << QString::fromStdString(name) << QString::fromStdString(file.string());
    }
  }
  void input_is_taken() {
    QFETCH(QString, target);
    QFETCH(QString, file);
    const fuzz::Target* t = fuzz::find_target(target.toStdString());
    QVERIFY(t != nullptr);
    const std::string bytes = read_all(file.toStdString());
    try {
      t->run(bytes);
    } catch (const std::exception& e) {
      QFAIL(qPrintable(QString("exception escaped the parser: ") + e.what()));
    }
  }

  // The mailbag target splits its input into KEY and MBG the way make_seeds joins them.
  void mailbag_input_splits_into_key_and_mbg_data() {
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<QByteArray>("mbg");
    QTest::newRow("short: all KEY") << QByteArray("abc") << QByteArray("abc") << QByteArray();
    QTest::newRow("length 2") << QByteArray("\x02\x00\x00\x00KKMBG", 9) << QByteArray("KK")
                              << QByteArray("MBG");
    QTest::newRow("length past the end")
        << QByteArray("\xff\x00\x00\x00KK", 6) << QByteArray("KK") << QByteArray();
    QTest::newRow("length 0") << QByteArray("\x00\x00\x00\x00MBG", 7) << QByteArray()
                              << QByteArray("MBG");
  }
  void mailbag_input_splits_into_key_and_mbg() {
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, key);
    QFETCH(QByteArray, mbg);
    std::string_view k;
    std::string_view m;
    fuzz::split_mailbag(std::string_view(input.constData(), input.size()), &k, &m);
    QCOMPARE(QByteArray(k.data(), k.size()), key);
    QCOMPARE(QByteArray(m.data(), m.size()), mbg);
  }

  // make_seeds gives every target at least one input (a target without seeds is fuzzed blind).
  void seeds_reach_every_target() {
    QTemporaryDir out;
    QVERIFY(out.isValid());
    const std::string command = std::string("'") + MSMISIM_MAKE_SEEDS + "' '" + MSMISIM_SOURCE_DIR +
                                "' '" + out.path().toStdString() + "' >/dev/null";
    QCOMPARE(std::system(command.c_str()), 0);
    for (const fuzz::Target& t : fuzz::targets()) {
      const fs::path dir = fs::path(out.path().toStdString()) / std::string(t.name);
      QVERIFY2(!inputs_of(dir).empty(), qPrintable("no seed for " + QString::fromStdString(dir)));
    }
  }
};

QTEST_APPLESS_MAIN(TstFuzzCorpora)
#include "tst_fuzz_corpora.moc"
