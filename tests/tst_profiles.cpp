// Profiles stand for builds: which defects they keep and which protections they add; and each
// KB scenario meets its expectations under every profile.
#include <QDirIterator>
#include <QtTest>

#include "msmi/defects.h"
#include "test_support.h"

using namespace testsupport;

class TestProfiles : public QObject {
  Q_OBJECT

 private slots:
  void profile_contents_data();
  void profile_contents();
  void unknown_profile_is_refused();
  void kb_scenarios_under_every_profile_data();
  void kb_scenarios_under_every_profile();
  void every_scenario_meets_its_expectations_data();
  void every_scenario_meets_its_expectations();
  void busy_window_without_samples_fails();
};

void TestProfiles::profile_contents_data() {
  QTest::addColumn<QString>("name");
  QTest::addColumn<bool>("q151791");
  QTest::addColumn<bool>("q175965");
  QTest::addColumn<bool>("protected_");
  QTest::newRow("exchange-4.0") << "exchange-4.0" << true << true << false;
  QTest::newRow("exchange-4.0-sp") << "exchange-4.0-sp" << false << true << false;
  QTest::newRow("exchange-5.0") << "exchange-5.0" << true << true << false;
  QTest::newRow("exchange-5.0-sp1") << "exchange-5.0-sp1" << false << false << false;
  QTest::newRow("exchange-5.5") << "exchange-5.5" << false << false << false;
  QTest::newRow("exchange-5.5-sp3") << "exchange-5.5-sp3" << false << false << false;
  QTest::newRow("hardened") << "hardened" << false << false << true;
}

void TestProfiles::profile_contents() {
  QFETCH(QString, name);
  QFETCH(bool, q151791);
  QFETCH(bool, q175965);
  QFETCH(bool, protected_);
  const auto profile = msmi::find_profile(name.toStdString());
  QVERIFY(profile);
  QCOMPARE(profile->defects.on(msmi::Defect::kQ151791), q151791);
  QCOMPARE(profile->defects.on(msmi::Defect::kQ175965), q175965);
  QVERIFY(!profile->defects.on(msmi::Defect::kTestDeliverTwice));  // never in a build
  QCOMPARE(profile->protections.backoff, protected_);
  QCOMPARE(profile->protections.quarantine, protected_);
  QCOMPARE(profile->protections.recover_orphans, protected_);
}

void TestProfiles::unknown_profile_is_refused() {
  QVERIFY(!msmi::find_profile("exchange-6.0"));
  msmisim::RunOptions options;
  options.profile = "exchange-6.0";
  QTemporaryDir dir;
  options.postoffice_dir = dir.path().toStdString();
  msmisim::RunResult result;
  const msmi::Status s = msmisim::run_scenario(scenario_from("{}"), options, &result);
  QVERIFY(s.is_invalid_argument());
  QVERIFY(s.message().find("exchange-5.0-sp1") != std::string::npos);
}

void TestProfiles::kb_scenarios_under_every_profile_data() {
  QTest::addColumn<QString>("scenario");
  QTest::addColumn<QString>("profile");
  QTest::addColumn<bool>("fixed");
  for (const char* kb : {"Q151791", "Q175965"}) {
    for (const char* profile : {"exchange-4.0", "exchange-5.0", "exchange-5.0-sp1", "hardened"}) {
      const bool fixed =
          std::string(profile) == "exchange-5.0-sp1" || std::string(profile) == "hardened";
      QTest::addRow("%s %s", kb, profile)
          << QString("scenarios/kb/%1.json").arg(kb) << profile << fixed;
    }
  }
}

void TestProfiles::kb_scenarios_under_every_profile() {
  QFETCH(QString, scenario);
  QFETCH(QString, profile);
  QFETCH(bool, fixed);
  const auto r = run(scenario_file(scenario.toStdString()), profile.toStdString());
  QVERIFY(!r.expectations.empty());
  for (const auto& e : r.expectations) {
    QVERIFY2(e.passed, (e.what + ": " + e.actual).c_str());
  }
  for (const auto& i : r.invariants) QVERIFY2(i.passed, (i.name + ": " + i.detail).c_str());
  const auto& bad = r.ledger;
  for (const auto& entry : bad) {
    if (!entry.label.empty() && fixed) {
      // On a fixed build the bad message is dealt with: NDR'd or quarantined, never stuck.
      QVERIFY2(entry.fate == msmi::Fate::kNdr || entry.fate == msmi::Fate::kQuarantined,
               entry.detail.c_str());
    }
  }
  if (fixed) QCOMPARE(fate_count(r, msmi::Fate::kLost), 0);
}

void TestProfiles::every_scenario_meets_its_expectations_data() {
  QTest::addColumn<QString>("scenario");
  QTest::addColumn<QString>("profile");
  QDirIterator it(QString(MSMISIM_SOURCE_DIR) + "/scenarios", {"*.json"}, QDir::Files,
                  QDirIterator::Subdirectories);
  QStringList files;
  while (it.hasNext()) files << it.next();
  files.sort();
  QVERIFY(files.size() >= 5);
  for (const QString& file : files) {
    const QString relative = QDir(MSMISIM_SOURCE_DIR).relativeFilePath(file);
    const auto scenario = scenario_file(relative.toStdString());
    for (const auto& [profile, unused] : scenario.expectations) {
      const std::string name = profile == "*" ? scenario.profile : profile;
      QTest::addRow("%s %s", qPrintable(relative), name.c_str())
          << relative << QString::fromStdString(name);
    }
  }
}

void TestProfiles::every_scenario_meets_its_expectations() {
  QFETCH(QString, scenario);
  QFETCH(QString, profile);
  const auto r = run(scenario_file(scenario.toStdString()), profile.toStdString());
  QVERIFY(!r.expectations.empty());
  for (const auto& e : r.expectations) QVERIFY2(e.passed, (e.what + ": " + e.actual).c_str());
  QVERIFY(r.invariants.size() >= 4);
  for (const auto& i : r.invariants) QVERIFY2(i.passed, (i.name + ": " + i.detail).c_str());
}

void TestProfiles::busy_window_without_samples_fails() {
  // Samples end every minute; a window between two of them has nothing to judge.
  const auto r = run(scenario_from(R"({"duration": "5m", "expect": {"*": {"threads": [
      {"thread": 5, "busy_pct": {"max": 1}, "from": "2m10s", "until": "2m40s"},
      {"thread": 5, "busy_pct": {"max": 1}, "from": "2m", "until": "3m"}]}}})"));
  QCOMPARE(r.expectations.size(), std::size_t(2));
  QVERIFY(!r.expectations[0].passed);
  QVERIFY(r.expectations[0].actual.find("no sample ends in that window") != std::string::npos);
  QVERIFY(r.expectations[1].passed);
}

QTEST_APPLESS_MAIN(TestProfiles)
#include "tst_profiles.moc"
