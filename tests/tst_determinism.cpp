// A run is a function of (scenario, seed, profile, version): the same inputs give the same
// events, byte for byte; another seed gives another run.
#include <QtTest>

#include "msmisim/scheduler.h"
#include "test_support.h"

using namespace testsupport;

namespace {
const std::string kJittery = R"({
  "duration": "20m", "engine": {"logging": "maximum", "cpus": 2},
  "traffic": [{"from": ["MS:MSNET/SALES/A", "MS:MSNET/SALES/B"], "to": "MS:EXCHANGE/HQ/BOB", "every": "15s", "jitter": 0.5},
              {"direction": "outbound", "from": "MS:EXCHANGE/HQ/BOB", "to": "MS:MSNET/SALES/A", "every": "40s", "jitter": 0.5}],
  "messages": [{"at": "5m", "from": "MS:MSNET/SALES/D", "to": "X400:c=US;s=Nobody;"}],
  "faults": [{"type": "mta_return_code", "recipient": "*Nobody*"}],
  "operator": [{"at": "12m", "action": "restart", "service": "all"}]
})";
}

class TestDeterminism : public QObject {
  Q_OBJECT

 private slots:
  void same_seed_same_events_data();
  void same_seed_same_events();
  void other_seed_other_run();
  void scheduler_orders_ties();
};

void TestDeterminism::same_seed_same_events_data() {
  QTest::addColumn<QString>("profile");
  QTest::newRow("exchange-5.0") << "exchange-5.0";
  QTest::newRow("hardened") << "hardened";
}

void TestDeterminism::same_seed_same_events() {
  QFETCH(QString, profile);
  const auto scenario = scenario_from(kJittery);
  const auto a = run(scenario, profile.toStdString(), 42);
  const auto b = run(scenario, profile.toStdString(), 42);
  QVERIFY(a.events.size() > 100);
  QCOMPARE(a.events.size(), b.events.size());
  for (std::size_t i = 0; i < a.events.size(); ++i) {
    QVERIFY2(a.events[i] == b.events[i],
             qPrintable(QString("event %1 differs: %2 vs %3")
                            .arg(i)
                            .arg(QString::fromStdString(a.events[i].description))
                            .arg(QString::fromStdString(b.events[i].description))));
  }
  QCOMPARE(a.ledger.size(), b.ledger.size());
  for (std::size_t i = 0; i < a.ledger.size(); ++i) {
    QCOMPARE(a.ledger[i].fate, b.ledger[i].fate);
    QCOMPARE(a.ledger[i].settled_us, b.ledger[i].settled_us);
  }
  QCOMPARE(a.samples.size(), b.samples.size());
  for (std::size_t i = 0; i < a.samples.size(); ++i)
    QCOMPARE(a.samples[i].busy_pct, b.samples[i].busy_pct);
}

void TestDeterminism::other_seed_other_run() {
  const auto scenario = scenario_from(kJittery);
  const auto a = run(scenario, "", 1);
  const auto b = run(scenario, "", 2);
  bool differs = a.events.size() != b.events.size();
  for (std::size_t i = 0; !differs && i < a.events.size(); ++i)
    differs = !(a.events[i] == b.events[i]);
  QVERIFY(differs);
}

void TestDeterminism::scheduler_orders_ties() {
  msmisim::VirtualClock clock;
  msmisim::Scheduler scheduler(clock);
  std::vector<std::string> order;
  scheduler.at(10, msmisim::Priority::kSampler, [&] { order.push_back("sampler"); });
  scheduler.at(10, msmisim::Priority::kWorld, [&] { order.push_back("world-1"); });
  scheduler.at(10, msmisim::Priority::kOperator, [&] { order.push_back("operator"); });
  scheduler.at(10, msmisim::Priority::kWorld, [&] { order.push_back("world-2"); });
  scheduler.at(5, msmisim::Priority::kSampler, [&] { order.push_back("early"); });
  scheduler.at(20, msmisim::Priority::kOperator, [&] { order.push_back("too late"); });
  scheduler.run_until(20);
  QCOMPARE(order, (std::vector<std::string>{"early", "operator", "world-1", "world-2", "sampler"}));
  QCOMPARE(clock.now_us(), std::int64_t(20));
}

QTEST_APPLESS_MAIN(TestDeterminism)
#include "tst_determinism.moc"
