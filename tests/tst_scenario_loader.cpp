// Scenario files: every mistake names the file, the JSON path and what was expected.
#include <QtTest>

#include "msmisim/expectations.h"
#include "msmisim/scenario_loader.h"
#include "test_support.h"

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
  void message_model_fields_load();
  void new_expectation_forms_load();
  void sequence_count_is_kmp_data();
  void sequence_count_is_kmp();
  void template_can_contain_data();
  void template_can_contain();
  void new_expectation_forms_are_checked();
  void expectation_that_cannot_fail_warns();
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
                                       << "reset_inqueue3, kill, reboot, power_loss";
  QTest::newRow("set_logging without a level")
      << R"({"operator": [{"at": "1m", "action": "set_logging"}]})"
      << "$.operator[0].level"
      << "required for set_logging";
  QTest::newRow("postoffice not NET/PO")
      << R"({"operator": [{"at": "1m", "action": "add_postoffice", "postoffice": "SALES"}]})"
      << "$.operator[0].postoffice"
      << "NETWORK/POSTOFFICE";
  QTest::newRow("set_setting unknown setting")
      << R"({"operator": [{"at": "1m", "action": "set_setting", "setting": "cpus", "value": 2}]})"
      << "$.operator[0].setting"
      << "one of max_attempts, retry_delay";
  QTest::newRow("set_setting time without a unit")
      << R"({"operator": [{"at": "1m", "action": "set_setting", "setting": "retry_delay", "value": "soon"}]})"
      << "$.operator[0].value"
      << "duration";
  QTest::newRow("set_setting without a value")
      << R"({"operator": [{"at": "1m", "action": "set_setting", "setting": "max_attempts"}]})"
      << "$.operator[0].value"
      << "required for set_setting";
  QTest::newRow("return_to_senders from another queue")
      << R"({"operator": [{"at": "1m", "action": "return_to_senders", "queue": "inqueue3"}]})"
      << "$.operator[0].queue"
      << "\"mta\"";
  QTest::newRow("burst without a message")
      << R"({"operator": [{"at": "1m", "action": "burst", "count": 3}]})"
      << "$.operator[0].message"
      << "required for burst";
  QTest::newRow("only_if unknown service")
      << R"({"operator": [{"at": "1m", "action": "start", "only_if": "dxa_running"}]})"
      << "$.operator[0].only_if"
      << "mta_running";
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
  QTest::newRow("event without id, type or source")
      << R"({"expect": {"*": {"events": [{"count": 0}]}}})"
      << "$.expect.*.events[0].id"
      << "or \"type\" and/or \"source\"";
  QTest::newRow("event bad type")
      << R"({"expect": {"*": {"events": [{"type": "Fatal", "count": 0}]}}})"
      << "$.expect.*.events[0].type"
      << "\"Error\", \"Warning\" or \"Information\"";
  QTest::newRow("event empty source")
      << R"({"expect": {"*": {"events": [{"source": "", "count": 0}]}}})"
      << "$.expect.*.events[0].source"
      << "an event source";
  QTest::newRow("event about an unknown message")
      << R"({"expect": {"*": {"events": [{"id": 2117, "message": "ghost", "count": 1}]}}})"
      << "$.expect.*.events[0].message"
      << "no message in $.messages has the label 'ghost'";
  QTest::newRow("backlog window unknown queue")
      << R"({"expect": {"*": {"backlog_over_time": [{"queue": "p2", "max": 5}]}}})"
      << "$.expect.*.backlog_over_time[0].queue"
      << "\"outbound_records\"";
  QTest::newRow("backlog window without bounds")
      << R"({"expect": {"*": {"backlog_over_time": [{"queue": "p1_files", "from": "1m"}]}}})"
      << "$.expect.*.backlog_over_time[0]"
      << "checks nothing";
  QTest::newRow("backlog window reversed")
      << R"({"expect": {"*": {"backlog_over_time": [{"queue": "held", "from": "20m", "until": "10m", "max": 1}]}}})"
      << "$.expect.*.backlog_over_time[0]"
      << "later than";
  QTest::newRow("backlog window negative max")
      << R"({"expect": {"*": {"backlog_over_time": [{"queue": "held", "max": -1}]}}})"
      << "$.expect.*.backlog_over_time[0].max"
      << "a whole number from 0";
  QTest::newRow("backlog window not an array")
      << R"({"expect": {"*": {"backlog_over_time": {"queue": "held"}}}})"
      << "$.expect.*.backlog_over_time"
      << "an array";
  QTest::newRow("allowed fates empty")
      << R"({"messages": [{"at": "1m", "label": "x", "from": "MS:A/B/C"}], "expect": {"*": {"messages": {"x": []}}}})"
      << "$.expect.*.messages.x"
      << "at least one fate";
  QTest::newRow("allowed fates bad one")
      << R"({"messages": [{"at": "1m", "label": "x", "from": "MS:A/B/C"}], "expect": {"*": {"messages": {"x": ["ndr", "bounced"]}}}})"
      << "$.expect.*.messages.x[1]"
      << "quarantined";
  QTest::newRow("allowed fates for an unknown label")
      << R"({"expect": {"*": {"messages": {"nolabel": ["ndr"]}}}})"
      << "$.expect.*.messages.nolabel"
      << "no message in $.messages has this label";
  QTest::newRow("fate given twice")
      << R"({"messages": [{"at": "1m", "label": "x", "from": "MS:A/B/C"}], "expect": {"*": {"ledger": {"messages": {"x": "ndr"}}, "messages": {"x": "lost"}}}})"
      << "$.expect.*.messages.x"
      << "given twice";
  QTest::newRow("files bad state") << R"({"expect": {"*": {"files": {"QUARANTINE/*": "there"}}}})"
                                   << "$.expect.*.files.QUARANTINE/*"
                                   << "\"present\" or \"absent\"";
  QTest::newRow("files absolute path") << R"({"expect": {"*": {"files": {"/etc/*": "absent"}}}})"
                                       << "$.expect.*.files./etc/*"
                                       << "relative to the postoffice";
  QTest::newRow("files empty") << R"({"expect": {"*": {"files": {}}}})"
                               << "$.expect.*.files"
                               << "an object of glob";
  QTest::newRow("message kind unknown")
      << R"({"messages": [{"at": "1m", "from": "MS:A/B/C", "kind": "system"}]})"
      << "$.messages[0].kind"
      << R"(expected "ipm" (mail, the default) or "dirsync")";
  QTest::newRow("message kind ndr is the engine's")
      << R"({"messages": [{"at": "1m", "from": "MS:A/B/C", "kind": "ndr"}]})"
      << "$.messages[0].kind"
      << R"("dirsync" (a directory-synchronisation message), got string "ndr")";
  QTest::newRow("message kind not a string")
      << R"({"messages": [{"at": "1m", "from": "MS:A/B/C", "kind": 1}]})"
      << "$.messages[0].kind"
      << "got number 1";
  QTest::newRow("traffic kind unknown")
      << R"({"traffic": [{"from": "MS:A/B/C", "to": "MS:D/E/F", "every": "1m", "kind": "DIRSYNC"}]})"
      << "$.traffic[0].kind"
      << R"(got string "DIRSYNC")";
  QTest::newRow("sender_name empty")
      << R"({"messages": [{"at": "1m", "from": "MS:A/B/C", "sender_name": ""}]})"
      << "$.messages[0].sender_name"
      << "the display name is empty";
  QTest::newRow("sender_name on two lines")
      << R"({"messages": [{"at": "1m", "from": "MS:A/B/C", "sender_name": "Jane\nDoe"}]})"
      << "$.messages[0].sender_name"
      << "one line of text";
  QTest::newRow("sender_name not a string")
      << R"({"traffic": [{"from": "MS:A/B/C", "to": "MS:D/E/F", "every": "1m", "sender_name": ["J"]}]})"
      << "$.traffic[0].sender_name"
      << "expected a string";
  QTest::newRow("named recipient without the closing bracket")
      << R"({"messages": [{"at": "1m", "from": "MS:A/B/C", "to": ["MS:D/E/F", "Jane Doe <MS:D/E/JANE"]}]})"
      << "$.messages[0].to[1]"
      << R"(a display name and the address in angle brackets such as "Jane Doe <MS:NET/PO/JANE>")";
  QTest::newRow("named recipient with text after the bracket")
      << R"({"messages": [{"at": "1m", "from": "MS:A/B/C", "cc": "Jane <MS:D/E/JANE> x"}]})"
      << "$.messages[0].cc"
      << "angle brackets";
  QTest::newRow("named recipient without an address")
      << R"({"messages": [{"at": "1m", "from": "MS:A/B/C", "to": "Jane Doe < >"}]})"
      << "$.messages[0].to"
      << "no address between '<' and '>'";
  QTest::newRow("traffic named recipient with an invalid address")
      << R"({"traffic": [{"from": "MS:A/B/C", "to": ["Jane <MS:D/E>"], "every": "1m"}]})"
      << "$.traffic[0].to[0]"
      << "invalid address";
  QTest::newRow("traffic reply_to invalid")
      << R"({"traffic": [{"from": "MS:A/B/C", "to": "MS:D/E/F", "every": "1m", "reply_to": "desk"}]})"
      << "$.traffic[0].reply_to"
      << "invalid address";
  QTest::newRow("reply_to not a string")
      << R"({"messages": [{"at": "1m", "from": "MS:A/B/C", "reply_to": ["MS:A/B/D"]}]})"
      << "$.messages[0].reply_to"
      << "expected a string";
  QTest::newRow("attachments not an array")
      << R"({"messages": [{"at": "1m", "from": "MS:A/B/C", "attachments": {"name": "A.TXT"}}]})"
      << "$.messages[0].attachments"
      << "an array of attachments";
  QTest::newRow("attachment kind unknown")
      << R"({"messages": [{"at": "1m", "from": "MS:A/B/C", "attachments": [{"kind": "ole3"}]}]})"
      << "$.messages[0].attachments[0].kind"
      << R"(expected "file" (the default), "ole2")";
  QTest::newRow("attachment kind ole1 is the engine's")
      << R"({"messages": [{"at": "1m", "from": "MS:A/B/C", "attachments": [{"kind": "ole1", "class": "X"}]}]})"
      << "$.messages[0].attachments[0].kind"
      << R"(got string "ole1")";
  QTest::newRow("file attachment without a name")
      << R"({"messages": [{"at": "1m", "from": "MS:A/B/C", "attachments": [{}]}]})"
      << "$.messages[0].attachments[0].name"
      << "required for a file attachment";
  QTest::newRow("attachment name on two lines")
      << R"({"messages": [{"at": "1m", "from": "MS:A/B/C", "attachments": [{"name": "A\nB.TXT"}]}]})"
      << "$.messages[0].attachments[0].name"
      << "one line";
  QTest::newRow("ole2 attachment without a class")
      << R"({"messages": [{"at": "1m", "from": "MS:A/B/C", "attachments": [{"kind": "ole2"}]}]})"
      << "$.messages[0].attachments[0].class"
      << "required for an OLE object";
  QTest::newRow("class on a file attachment")
      << R"({"messages": [{"at": "1m", "from": "MS:A/B/C", "attachments": [{"name": "A.TXT", "class": "Word.Document.6"}]}]})"
      << "$.messages[0].attachments[0].class"
      << "only for an OLE object";
  QTest::newRow("attachment unknown key")
      << R"({"messages": [{"at": "1m", "from": "MS:A/B/C", "attachments": [{"name": "A.TXT", "size": 3}]}]})"
      << "$.messages[0].attachments[0].size"
      << "unknown key 'size'";
  QTest::newRow("content without kind ndr")
      << R"({"messages": [{"at": "1m", "direction": "outbound", "from": "MS:A/B/C", "content": "unknown"}]})"
      << "$.messages[0].content"
      << R"(only for a report ("kind": "ndr"))";
  QTest::newRow("content not unknown or known")
      << R"({"messages": [{"at": "1m", "direction": "outbound", "kind": "ndr", "from": "MS:A/B/C", "content": "binary"}]})"
      << "$.messages[0].content"
      << R"(expected "unknown")";
  QTest::newRow("recipient_dn without kind ndr")
      << R"({"messages": [{"at": "1m", "direction": "outbound", "from": "MS:A/B/C", "recipient_dn": false}]})"
      << "$.messages[0].recipient_dn"
      << R"(only for a report ("kind": "ndr"))";
  QTest::newRow("recipient_dn not a boolean")
      << R"({"messages": [{"at": "1m", "direction": "outbound", "kind": "ndr", "from": "MS:A/B/C", "recipient_dn": "no"}]})"
      << "$.messages[0].recipient_dn"
      << "expected true or false";
  QTest::newRow("ole_classes not an array")
      << R"({"engine": {"ole_classes": "Word.Document.6"}})"
      << "$.engine.ole_classes"
      << "an array of OLE classes";
  QTest::newRow("ole_classes entry with a blank")
      << R"({"engine": {"ole_classes": ["Word Document"]}})"
      << "$.engine.ole_classes[0]"
      << "without blanks";
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

void TestScenarioLoader::message_model_fields_load() {
  const auto s = testsupport::scenario_from(R"({
    "traffic": [{"from": "MS:MSNET/SALES/ALICE", "sender_name": "Alice Archer",
                 "to": ["Bob Baker <MS:EXCHANGE/HQ/BOB>", "MS:EXCHANGE/HQ/DAN"], "every": "1m",
                 "reply_to": "MS:MSNET/SALES/DESK", "kind": "dirsync"}],
    "messages": [
      {"at": "1m", "from": "MS:A/B/C", "sender_name": "Jane Doe",
       "to": ["  Doe, John  <MS:D/E/JOHN>", "MS:D/E/F", "<MS:D/E/G>"], "cc": "Carol <bad address>",
       "reply_to": "not valid either", "kind": "ipm"},
      {"at": "2m", "from": "MS:A/B/C", "to": "MS:D/E/F"}]})");
  QCOMPARE(s.traffic.size(), std::size_t{1});
  const msmisim::TrafficSpec& t = s.traffic[0];
  QCOMPARE(t.sender_name, std::string("Alice Archer"));
  QCOMPARE(t.recipients, (std::vector<std::string>{"MS:EXCHANGE/HQ/BOB", "MS:EXCHANGE/HQ/DAN"}));
  QCOMPARE(t.recipient_names, (std::vector<std::string>{"Bob Baker", ""}));
  QCOMPARE(t.reply_to, std::string("MS:MSNET/SALES/DESK"));
  QVERIFY(t.kind == msmi::MessageKind::kDirSync);
  const msmisim::MessageSpec& m = s.messages[0];
  QCOMPARE(m.sender_name, std::string("Jane Doe"));
  QCOMPARE(m.to, (std::vector<std::string>{"MS:D/E/JOHN", "MS:D/E/F", "MS:D/E/G"}));
  QCOMPARE(m.to_names, (std::vector<std::string>{"Doe, John", "", ""}));
  // Scripted messages may be wrong on purpose: the address in brackets is kept as written.
  QCOMPARE(m.cc, std::vector<std::string>{"bad address"});
  QCOMPARE(m.cc_names, std::vector<std::string>{"Carol"});
  QCOMPARE(m.reply_to, std::string("not valid either"));
  QVERIFY(m.kind == msmi::MessageKind::kIpm);
  const msmisim::MessageSpec& plain = s.messages[1];
  QVERIFY(plain.sender_name.empty() && plain.to_names.empty() && plain.cc_names.empty());
  QVERIFY(plain.reply_to.empty());
  QVERIFY(plain.kind == msmi::MessageKind::kIpm);
}

void TestScenarioLoader::new_expectation_forms_load() {
  const auto s = testsupport::scenario_from(R"({
    "messages": [{"at": "1m", "label": "bad", "from": "MS:MSNET/SALES/DAVE", "to": "X400:c=US;s=Nobody;"}],
    "expect": {"hardened": {
      "events": [{"type": "Error", "source": "MSExchangeMSMI", "count": 0},
                 {"id": 2117, "message": "bad", "text": "recipient ADDRESS unknown", "count": 1}],
      "backlog_over_time": [{"queue": "p1_files", "from": "10m", "until": "20m", "max": 5},
                            {"queue": "outbound_records", "min": 0, "max": 9}],
      "messages": {"bad": ["ndr", "quarantined"]},
      "files": {"QUARANTINE/*": "absent", "P1/*": "absent"}}}})");
  const msmisim::Expectations& e = s.expectations.at("hardened");
  QCOMPARE(e.size(), 7);
  QVERIFY(!e.events[0].id);
  QCOMPARE(*e.events[0].type, msmi::EventType::kError);
  QCOMPARE(e.events[0].source, std::string("MSExchangeMSMI"));
  QCOMPARE(*e.events[1].id, 2117);
  QCOMPARE(e.events[1].message, std::string("bad"));
  QCOMPARE(e.backlog_over_time[0].queue, std::string("p1_files"));
  QCOMPARE(e.backlog_over_time[0].from_us, 10 * testsupport::kMin);
  QCOMPARE(*e.backlog_over_time[0].until_us, 20 * testsupport::kMin);
  QCOMPARE(*e.backlog_over_time[0].range.max, 5.0);
  QVERIFY(!e.backlog_over_time[0].range.min);
  QCOMPARE(e.message_fates.at("bad").allowed,
           (std::vector<msmi::Fate>{msmi::Fate::kNdr, msmi::Fate::kQuarantined}));
  QCOMPARE(e.files.at("QUARANTINE/*"), false);
  // The older single-fate form still loads, in "ledger".
  const auto old = testsupport::scenario_from(
      R"({"messages": [{"at": "1m", "label": "x", "from": "MS:A/B/C"}],
          "expect": {"*": {"ledger": {"messages": {"x": "lost"}}}}})");
  QCOMPARE(old.expectations.at("*").message_fates.at("x").allowed,
           std::vector<msmi::Fate>{msmi::Fate::kLost});
}

void TestScenarioLoader::sequence_count_is_kmp_data() {
  QTest::addColumn<QList<int>>("pattern");
  QTest::addColumn<QList<int>>("stream");
  QTest::addColumn<int>("repeats");
  // 1 = A, 2 = B
  QTest::newRow("A A B over A A A B") << QList<int>{1, 1, 2} << QList<int>{1, 1, 1, 2} << 1;
  QTest::newRow("A B A over A B A B A: no overlap")
      << QList<int>{1, 2, 1} << QList<int>{1, 2, 1, 2, 1} << 1;
  QTest::newRow("A A over A A A A") << QList<int>{1, 1} << QList<int>{1, 1, 1, 1} << 2;
  QTest::newRow("partial match then a real one")
      << QList<int>{1, 2, 3} << QList<int>{1, 2, 1, 2, 3, 1, 2, 3} << 2;
  QTest::newRow("never complete") << QList<int>{1, 2} << QList<int>{1, 1, 1} << 0;
  QTest::newRow("A B A C over A B A B A C")
      << QList<int>{1, 2, 1, 3} << QList<int>{1, 2, 1, 2, 1, 3} << 1;
}

void TestScenarioLoader::sequence_count_is_kmp() {
  QFETCH(QList<int>, pattern);
  QFETCH(QList<int>, stream);
  QFETCH(int, repeats);
  QCOMPARE(msmisim::count_sequence(std::vector<int>(pattern.begin(), pattern.end()),
                                   std::vector<int>(stream.begin(), stream.end())),
           repeats);
}

void TestScenarioLoader::template_can_contain_data() {
  QTest::addColumn<QString>("text_template");
  QTest::addColumn<QString>("part");
  QTest::addColumn<bool>("can");
  QTest::newRow("literal") << "failed to put into XOM stream. Return code is %1."
                           << "xom STREAM" << true;
  QTest::newRow("inside an insertion") << "Return code is %1."
                                       << "0x15" << true;
  QTest::newRow("across an insertion") << "Return code is %1."
                                       << "is 0x15." << true;
  QTest::newRow("across two insertions") << "From: %1 Subject: %2 [%3]"
                                         << "ALICE Subject: Price list [002" << true;
  QTest::newRow("anything fits an insertion") << "Return code is %1."
                                              << "access violation" << true;
  QTest::newRow("no insertion, not there") << "has failed writing out data to the MTA."
                                           << "0x15" << false;
  QTest::newRow("no insertion, wrong order") << "writing out data to the MTA."
                                             << "MTA. writing" << false;
  QTest::newRow("no insertion, any case") << "writing out data to the MTA."
                                          << "DATA TO THE mta" << true;
}

void TestScenarioLoader::template_can_contain() {
  QFETCH(QString, text_template);
  QFETCH(QString, part);
  QFETCH(bool, can);
  QCOMPARE(msmisim::template_can_contain(text_template.toStdString(), part.toStdString()), can);
}

void TestScenarioLoader::new_expectation_forms_are_checked() {
  // The bad message is NDR'd under exchange-5.0-sp1; every new form is checked against that run,
  // and each of them is also written so that it fails.
  const auto r = testsupport::run(testsupport::scenario_from(R"({
    "duration": "20m", "profile": "exchange-5.0-sp1", "engine": {"logging": "maximum"},
    "traffic": [{"from": "MS:MSNET/SALES/ALICE", "to": "MS:EXCHANGE/HQ/BOB", "every": "1m"}],
    "messages": [{"at": "2m", "label": "bad", "from": "MS:MSNET/SALES/DAVE", "to": "X400:c=US;p=ACME;s=Nobody;"},
                 {"at": "3m", "label": "good", "from": "MS:MSNET/SALES/ALICE", "to": "MS:EXCHANGE/HQ/BOB"}],
    "faults": [{"type": "mta_return_code", "recipient": "X400:*s=Nobody*", "code": "0x15"}],
    "expect": {"*": {
      "events": [{"type": "Error", "source": "msexchangemsmi", "count": {"min": 3}},
                 {"type": "Error", "count": 0},
                 {"id": 2117, "message": "bad", "text": "RECIPIENT ADDRESS UNKNOWN", "count": 1},
                 {"id": 2117, "message": "good", "count": 1}],
      "backlog_over_time": [{"queue": "p1_files", "from": "5m", "until": "20m", "max": 2},
                            {"queue": "p1_files", "from": "1m", "until": "20m", "min": 5}],
      "messages": {"bad": ["ndr", "quarantined"], "good": ["pending", "lost"]},
      "files": {"P1/*": "absent", "QUARANTINE/*": "present", "GLB/NETWORK.GLB": "present"}}}})"));
  std::vector<std::pair<std::string, bool>> seen;
  for (const auto& e : r.expectations) seen.emplace_back(e.what + ": " + e.actual, e.passed);
  // files in key order: GLB/NETWORK.GLB present, P1/* absent, QUARANTINE/* present
  const std::vector<bool> want = {true, false, true, false, true, false,
                                  true, false, true, true,  false};
  QCOMPARE(seen.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    QVERIFY2(seen[i].second == want[i], seen[i].first.c_str());
  }
  QVERIFY(seen[3].first.find("about message 'good'") != std::string::npos);
  QVERIFY(seen[5].first.find("at ") != std::string::npos);  // names the sample that broke it
  QVERIFY(seen[7].first.find("ends pending or lost: delivered") != std::string::npos);
  QVERIFY(seen[10].first.find("QUARANTINE/* present at end: no such file") != std::string::npos);
  QVERIFY(!r.no_expectations);
}

void TestScenarioLoader::expectation_that_cannot_fail_warns() {
  // An insertion (%1) may hold any text, so only what no rendering can contain warns.
  const auto r = testsupport::run(testsupport::scenario_from(R"({"duration": "2m", "expect": {"*": {
      "events": [{"id": 2342, "text": "access violation", "count": 0},
                 {"id": 2553, "text": "Return code is 0x15", "count": 0},
                 {"id": 2553, "text": "Return code is 0x15", "count": {"min": 1}},
                 {"type": "Error", "source": "No Such Source", "text": "x", "count": {"max": 2}}]}}})"));
  QCOMPARE(r.warnings.size(), std::size_t(2));
  QVERIFY2(r.warnings[0].starts_with("$.expect.*.events[1]: event 2553"), r.warnings[0].c_str());
  QVERIFY(r.warnings[0].find("cannot fail") != std::string::npos);
  QVERIFY2(r.warnings[1].starts_with("$.expect.*.events[3]"), r.warnings[1].c_str());
  // A warning does not fail the run; the expectation that needs the impossible text does.
  QVERIFY(r.expectations[0].passed && r.expectations[1].passed && !r.expectations[2].passed);
  const auto none = testsupport::run(testsupport::scenario_from(R"({"duration": "2m"})"));
  QVERIFY(none.no_expectations);
  QVERIFY(none.passed());
}

QTEST_APPLESS_MAIN(TestScenarioLoader)
#include "tst_scenario_loader.moc"
