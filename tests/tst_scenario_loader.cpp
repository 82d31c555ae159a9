// Scenario files: every mistake names the file, the JSON path and what was expected.
#include <QtTest>

#include "msmisim/scenario_loader.h"

class TestScenarioLoader : public QObject {
  Q_OBJECT

 private slots:
  void kb_scenarios_load_data();
  void kb_scenarios_load();
  void errors_data();
  void errors();
  void syntax_error_has_line_and_column();
  void duplicate_key_is_refused();
  void missing_file();
  void defaults();
};

void TestScenarioLoader::kb_scenarios_load_data() {
  QTest::addColumn<QString>("path");
  QTest::addColumn<QString>("kb");
  QTest::newRow("Q151791") << "scenarios/kb/Q151791.json"
                           << "Q151791";
  QTest::newRow("Q175965") << "scenarios/kb/Q175965.json"
                           << "Q175965";
}

void TestScenarioLoader::kb_scenarios_load() {
  QFETCH(QString, path);
  QFETCH(QString, kb);
  msmisim::Scenario s;
  msmisim::LoadError error;
  const std::string full = std::string(MSMISIM_SOURCE_DIR) + "/" + path.toStdString();
  QVERIFY2(msmisim::load_scenario_file(full, &s, &error), error.to_string().c_str());
  QCOMPARE(QString::fromStdString(s.kb), kb);
  // Each KB scenario states what must hold under the fixed builds too.
  for (const char* profile : {"exchange-5.0", "exchange-5.0-sp1", "hardened"}) {
    QVERIFY2(s.expectations.count(profile) == 1, profile);
    QVERIFY(s.expectations.at(profile).size() > 3);
  }
}

void TestScenarioLoader::errors_data() {
  QTest::addColumn<QString>("json");
  QTest::addColumn<QString>("path");
  QTest::addColumn<QString>("message");
  QTest::newRow("not an object") << "[1]"
                                 << "$"
                                 << "expected an object";
  QTest::newRow("unknown top-level key") << R"({"duraton": "1h"})"
                                         << "$.duraton"
                                         << "unknown key 'duraton'";
  QTest::newRow("bad duration") << R"({"duration": "an hour"})"
                                << "$.duration"
                                << "expected a duration";
  QTest::newRow("zero duration") << R"({"duration": "0s"})"
                                 << "$.duration"
                                 << "above zero";
  QTest::newRow("negative seed") << R"({"seed": -1})"
                                 << "$.seed"
                                 << "from 0 to 9223372036854775807";
  QTest::newRow("seed above 2^63") << R"({"seed": 10000000000000000000})"
                                   << "$.seed"
                                   << "from 0 to 9223372036854775807";
  QTest::newRow("unknown profile") << R"({"profile": "exchange-6.0"})"
                                   << "$.profile"
                                   << "unknown profile 'exchange-6.0'";
  QTest::newRow("bad start time") << R"({"start_time": "yesterday"})"
                                  << "$.start_time"
                                  << "ISO-8601";
  QTest::newRow("cpus wrong type") << R"({"engine": {"cpus": "two"}})"
                                   << "$.engine.cpus"
                                   << "expected a whole number";
  QTest::newRow("cpus out of range") << R"({"engine": {"cpus": 0}})"
                                     << "$.engine.cpus"
                                     << "from 1 to 8";
  QTest::newRow("bad logging level") << R"({"engine": {"logging": "loud"}})"
                                     << "$.engine.logging"
                                     << "\"maximum\"";
  QTest::newRow("unknown category") << R"({"engine": {"logging": {"Sesion Error": "maximum"}}})"
                                    << "$.engine.logging.Sesion Error"
                                    << "unknown category";
  QTest::newRow("unknown defect") << R"({"engine": {"defects": {"Q999999": true}}})"
                                  << "$.engine.defects.Q999999"
                                  << "unknown defect";
  QTest::newRow("defect not bool") << R"({"engine": {"defects": {"Q151791": "yes"}}})"
                                   << "$.engine.defects.Q151791"
                                   << "true or false";
  QTest::newRow("bad postoffice") << R"({"postoffice": {"postoffices": ["MSNET"]}})"
                                  << "$.postoffice.postoffices[0]"
                                  << "NETWORK/POSTOFFICE";
  QTest::newRow("traffic without every")
      << R"({"traffic": [{"from": "MS:A/B/C", "to": "MS:D/E/F"}]})"
      << "$.traffic[0].every"
      << "required";
  QTest::newRow("traffic bad every")
      << R"({"traffic": [{"from": "MS:A/B/C", "to": "MS:D/E/F", "every": "often"}]})"
      << "$.traffic[0].every"
      << "expected a duration";
  QTest::newRow("traffic invalid address")
      << R"({"traffic": [{"from": "MS:MSNET/SALES/ALICE", "to": ["MS:D/E/F", "MS:MSNET/SALES"], "every": "1m"}]})"
      << "$.traffic[0].to[1]"
      << "invalid address: MS: address must be NETWORK/POSTOFFICE/MAILBOX";
  QTest::newRow("traffic over-long mailbox")
      << R"({"traffic": [{"from": "MS:MSNET/SALES/ALEXANDRINA", "to": "MS:D/E/F", "every": "1m"}]})"
      << "$.traffic[0].from"
      << "at most 10";
  QTest::newRow("traffic bad direction")
      << R"({"traffic": [{"direction": "sideways", "from": "MS:A/B/C", "to": "MS:D/E/F", "every": "1m"}]})"
      << "$.traffic[0].direction"
      << "\"inbound\"";
  QTest::newRow("traffic unknown key")
      << R"({"traffic": [{"from": "MS:A/B/C", "to": "MS:D/E/F", "every": "1m", "rate": 3}]})"
      << "$.traffic[0].rate"
      << "unknown key 'rate'";
  QTest::newRow("message after the end")
      << R"({"duration": "10m", "messages": [{"at": "11m", "from": "MS:A/B/C"}]})"
      << "$.messages[0].at"
      << "after the end";
  QTest::newRow("message without from") << R"({"messages": [{"at": "1m"}]})"
                                        << "$.messages[0].from"
                                        << "required";
  QTest::newRow("fault without pattern") << R"({"faults": [{"type": "mta_return_code"}]})"
                                         << "$.faults[0]"
                                         << "\"sender\" or \"recipient\"";
  QTest::newRow("fault bad code")
      << R"({"faults": [{"type": "mta_return_code", "recipient": "*", "code": "0x99"}]})"
      << "$.faults[0].code"
      << "XOM return code";
  QTest::newRow("lock without file") << R"({"faults": [{"type": "lock_file"}]})"
                                     << "$.faults[0].file"
                                     << "required";
  QTest::newRow("lock outside the postoffice")
      << R"({"faults": [{"type": "lock_file", "file": "../etc/passwd"}]})"
      << "$.faults[0].file"
      << "a path inside the postoffice";
  QTest::newRow("lock unknown key")
      << R"({"faults": [{"type": "lock_file", "file": "KEY/INQUEUE3.KEY", "code": "0x15"}]})"
      << "$.faults[0].code"
      << "unknown key 'code'";
  QTest::newRow("fault bad type") << R"({"faults": [{"type": "disk_full", "recipient": "*"}]})"
                                  << "$.faults[0].type"
                                  << "mta_return_code";
  QTest::newRow("operator bad action") << R"({"operator": [{"at": "1m", "action": "reinstall"}]})"
                                       << "$.operator[0].action"
                                       << "\"reset_inqueue3\"";
  QTest::newRow("operator bad service")
      << R"({"operator": [{"at": "1m", "action": "stop", "service": "imc"}]})"
      << "$.operator[0].service"
      << "\"pcmta\"";
  QTest::newRow("expect unknown profile") << R"({"expect": {"exchange-6.0": {}}})"
                                          << "$.expect.exchange-6.0"
                                          << "unknown profile";
  QTest::newRow("expect unknown event")
      << R"({"expect": {"*": {"events": [{"id": 4242, "count": 1}]}}})"
      << "$.expect.*.events[0].id"
      << "not in the event catalogue; nearest known: 4254, 4188, 4304";
  QTest::newRow("expect bad count")
      << R"({"expect": {"*": {"events": [{"id": 2342, "count": "many"}]}}})"
      << "$.expect.*.events[0].count"
      << "a whole number ≥ 0, or an object";
  QTest::newRow("expect min above max")
      << R"({"expect": {"*": {"events": [{"id": 2342, "count": {"min": 5, "max": 2}}]}}})"
      << "$.expect.*.events[0].count"
      << "min is larger than max";
  QTest::newRow("expect negative count")
      << R"({"expect": {"*": {"events": [{"id": 2342, "count": -1}]}}})"
      << "$.expect.*.events[0].count"
      << "whole number ≥ 0";
  QTest::newRow("expect fractional count") << R"({"expect": {"*": {"ledger": {"lost": 1.5}}}})"
                                           << "$.expect.*.ledger.lost"
                                           << "whole number ≥ 0";
  QTest::newRow("expect busy above 100")
      << R"({"expect": {"*": {"threads": [{"thread": 5, "busy_pct": {"min": 120}}]}}})"
      << "$.expect.*.threads[0].busy_pct.min"
      << "percentage 0..100";
  QTest::newRow("expect reversed window")
      << R"({"expect": {"*": {"events": [{"id": 2342, "count": 0, "from": "9m", "until": "1m"}]}}})"
      << "$.expect.*.events[0]"
      << "later than";
  QTest::newRow("expect thread checks nothing")
      << R"({"expect": {"*": {"threads": [{"thread": 5}]}}})"
      << "$.expect.*.threads[0]"
      << "checks nothing";
  QTest::newRow("expect missing thread")
      << R"({"engine": {"cpus": 2}, "expect": {"*": {"threads": [{"thread": 9, "state": "idle"}]}}})"
      << "$.expect.*.threads[0].thread"
      << "threads are 0..7";
  QTest::newRow("expect empty block") << R"({"expect": {"hardened": {}}})"
                                      << "$.expect.hardened"
                                      << "checks nothing";
  QTest::newRow("expect unknown label")
      << R"({"expect": {"*": {"ledger": {"messages": {"nolabel": "ndr"}}}}})"
      << "$.expect.*.ledger.messages.nolabel"
      << "no message in $.messages has this label";
  QTest::newRow("duplicate label")
      << R"({"messages": [{"at": "1m", "label": "a", "from": "MS:A/B/C"}, {"at": "2m", "label": "a", "from": "MS:A/B/C"}]})"
      << "$.messages[1].label"
      << "label 'a' is used twice";
  QTest::newRow("operator after the end")
      << R"({"duration": "5m", "operator": [{"at": "10m", "action": "stop"}]})"
      << "$.operator[0].at"
      << "after the end";
  QTest::newRow("traffic stop before start")
      << R"({"traffic": [{"from": "MS:A/B/C", "to": "MS:D/E/F", "every": "1m", "start": "5m", "stop": "2m"}]})"
      << "$.traffic[0].stop"
      << "later than \"start\"";
  QTest::newRow("fault reversed window")
      << R"({"faults": [{"type": "mta_return_code", "recipient": "*", "from": "5m", "until": "1m"}]})"
      << "$.faults[0]"
      << "later than";
  QTest::newRow("connector with three parts")
      << R"({"postoffice": {"connector": "EXCHANGE/MSMCON/X"}})"
      << "$.postoffice.connector"
      << "two names and one '/'";
  QTest::newRow("expect bad fate")
      << R"({"expect": {"*": {"ledger": {"messages": {"x": "gone"}}}}})"
      << "$.expect.*.ledger.messages.x"
      << "quarantined";
  QTest::newRow("expect bad thread state")
      << R"({"expect": {"*": {"threads": [{"thread": 5, "state": "stuck"}]}}})"
      << "$.expect.*.threads[0].state"
      << "\"looping\"";
  QTest::newRow("expect unknown backlog") << R"({"expect": {"*": {"backlog": {"p2_files": 1}}}})"
                                          << "$.expect.*.backlog.p2_files"
                                          << "unknown key";
}

void TestScenarioLoader::errors() {
  QFETCH(QString, json);
  QFETCH(QString, path);
  QFETCH(QString, message);
  msmisim::Scenario s;
  msmisim::LoadError error;
  QVERIFY(!msmisim::parse_scenario(json.toStdString(), "bad.json", &s, &error));
  QCOMPARE(QString::fromStdString(error.json_path), path);
  QVERIFY2(error.message.find(message.toStdString()) != std::string::npos, error.message.c_str());
  const std::string text = error.to_string();
  QVERIFY2(text.starts_with("bad.json: " + path.toStdString() + ": "), text.c_str());
}

void TestScenarioLoader::syntax_error_has_line_and_column() {
  msmisim::Scenario s;
  msmisim::LoadError error;
  QVERIFY(!msmisim::parse_scenario("{\n  \"duration\": \"1h\",\n  \"seed\": ,\n}", "broken.json",
                                   &s, &error));
  QCOMPARE(error.line, 3);
  QCOMPARE(error.column, 11);
  QVERIFY2(error.to_string().starts_with("broken.json:3:11: invalid JSON"),
           error.to_string().c_str());
}

void TestScenarioLoader::duplicate_key_is_refused() {
  msmisim::Scenario s;
  msmisim::LoadError error;
  QVERIFY(!msmisim::parse_scenario(R"({"name": "a", "engine": {"cpus": 1, "cpus": 2}})", "dup.json",
                                   &s, &error));
  QVERIFY2(error.to_string() ==
               "dup.json: key 'cpus' appears twice in one object (the first would be ignored)",
           error.to_string().c_str());
  // The same key in two different objects is fine.
  QVERIFY(msmisim::parse_scenario(
      R"({"engine": {"cpus": 1}, "postoffice": {"pcmta_batch": 1}, "seed": 1})", "ok.json", &s,
      &error));
}

void TestScenarioLoader::missing_file() {
  msmisim::Scenario s;
  msmisim::LoadError error;
  QVERIFY(!msmisim::load_scenario_file("/nonexistent/x.json", &s, &error));
  QVERIFY(error.to_string().starts_with("/nonexistent/x.json: cannot be opened"));
}

void TestScenarioLoader::defaults() {
  msmisim::Scenario s;
  msmisim::LoadError error;
  QVERIFY(msmisim::parse_scenario("{}", "dir/empty.json", &s, &error));
  QCOMPARE(s.name, std::string("empty"));
  QCOMPARE(s.profile, std::string("exchange-5.0"));
  QCOMPARE(s.duration_us, std::int64_t(3600) * 1'000'000);
  QVERIFY(s.expectations.empty());
}

QTEST_APPLESS_MAIN(TestScenarioLoader)
#include "tst_scenario_loader.moc"
