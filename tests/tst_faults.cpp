// The fault layer: the rule grammar (valid and invalid rules, with the column of each mistake),
// every trigger and every action through the real engine in a simulated world, the scenario
// loader's two spellings of a rule, determinism with faults armed, and --fault on the command line.
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cstdio>

#include "cli_process.h"
#include "msmi/event_catalogue.h"
#include "msmi/mailbag.h"
#include "msmi/network_directory.h"
#include "msmi/queue_payloads.h"
#include "msmi/random.h"
#include "msmisim/disk_file_system.h"
#include "msmisim/fault_injector.h"
#include "msmisim/fault_rule.h"
#include "msmisim/scheduler.h"
#include "no_fault_effects.h"
#include "test_support.h"

using namespace testsupport;
using msmi::Fate;
using msmisim::ActionKind;
using msmisim::FaultRule;
using msmisim::TriggerOp;

namespace {

// ---- the parser -------------------------------------------------------------------------------

std::string op_text(TriggerOp op) {
  switch (op) {
    case TriggerOp::kGlob:
      return "~";
    case TriggerOp::kEq:
      return "=";
    case TriggerOp::kNe:
      return "!=";
    case TriggerOp::kGe:
      return ">=";
    case TriggerOp::kLe:
      return "<=";
    case TriggerOp::kGt:
      return ">";
    case TriggerOp::kLt:
      return "<";
  }
  return "?";
}

bool numeric_key(msmisim::TriggerKey key) {
  using K = msmisim::TriggerKey;
  return key == K::kThread || key == K::kNth || key == K::kAfter || key == K::kFrom ||
         key == K::kUntil || key == K::kAfterEvent || key == K::kRcpts || key == K::kSize ||
         key == K::kSenderLen || key == K::kRcptLen || key == K::kNameLen;
}

std::string action_text(const msmisim::Action& a) {
  std::string args;
  switch (a.kind) {
    case ActionKind::kReturn: {
      char buffer[16];
      std::snprintf(buffer, sizeof buffer, "0x%X", a.directory_code);
      args = a.directory_code != 0 ? std::string(buffer) : msmi::to_hex(a.code);
      break;
    }
    case ActionKind::kError:
      args = a.error;
      break;
    case ActionKind::kDelay:
      args = std::to_string(a.delay_us) + "us";
      break;
    case ActionKind::kAccessViolation: {
      char buffer[16];
      std::snprintf(buffer, sizeof buffer, "0x%X", a.address);
      args = buffer;
      break;
    }
    case ActionKind::kTruncate:
      args = std::to_string(a.size);
      break;
    case ActionKind::kReplace:
      args = "'" + a.text + "'";
      break;
    case ActionKind::kEvent:
      args = std::to_string(a.event_id);
      for (const std::string& s : a.strings) args += ",'" + s + "'";
      break;
    default:
      return std::string(msmisim::to_string(a.kind));
  }
  return std::string(msmisim::to_string(a.kind)) + "(" + args + ")";
}

// One line that says everything the parser understood: the concrete points, each trigger as
// key, operator and value (numbers as numbers, times in microseconds), each chain term.
std::string describe(const FaultRule& rule) {
  std::string out;
  for (const std::string& p : rule.points) out += (out.empty() ? "" : ",") + p;
  out += " [";
  bool first = true;
  for (const msmisim::Trigger& t : rule.triggers) {
    out += (first ? "" : ";") + std::string(msmisim::to_string(t.key)) + op_text(t.op) +
           (numeric_key(t.key) ? "#" + std::to_string(t.number) : t.text);
    first = false;
  }
  out += "] =";
  first = true;
  for (const msmisim::ChainTerm& term : rule.chain) {
    out += first ? " " : " -> ";
    first = false;
    if (term.percent) {
      char buffer[32];
      std::snprintf(buffer, sizeof buffer, "%g%%", *term.percent);
      out += buffer;
    }
    if (term.count) out += std::to_string(*term.count) + "*";
    out += action_text(term.action);
  }
  return out;
}

// ---- a small world ----------------------------------------------------------------------------

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// Five scripted messages, each told apart by something a trigger can see:
//   a  1m  SALES/ALICE → HQ/BOB                  subject "one"
//   b  2m  SALES/CAROL → SMTP:dan@x.example      subject "two"   (sender_len 20, rcpt_len 18)
//   c  3m  HR/EVE → HQ/BOB, HQ/FRANK             subject "three", a body (sender_len 15)
//   o1 4m  outbound to SALES/ALICE, o2 5m outbound to HR/EVE
// The build retries nothing (max_attempts 1), so every refused put is one NDR.
struct WorldSpec {
  std::vector<std::string> rules;  // one-line fault rules
  std::string extra_messages;      // more entries of "messages"
  std::string operator_steps = "[]";
  std::string engine_extra;  // more keys of "engine"
  std::string traffic = "[]";
  std::string profile = "exchange-5.0-sp1";
  std::string duration = "10m";
  int max_attempts = 1;
  bool base_messages = true;
};

const char* const kBaseMessages = R"(
  {"at": "1m", "label": "a", "from": "MS:MSNET/SALES/ALICE", "to": "MS:EXCHANGE/HQ/BOB", "subject": "one"},
  {"at": "2m", "label": "b", "from": "MS:MSNET/SALES/CAROL", "to": "SMTP:dan@x.example", "subject": "two"},
  {"at": "3m", "label": "c", "from": "MS:MSNET/HR/EVE", "to": ["MS:EXCHANGE/HQ/BOB", "MS:EXCHANGE/HQ/FRANK"], "subject": "three", "body": "a longer body here"},
  {"at": "4m", "label": "o1", "direction": "outbound", "from": "MS:EXCHANGE/HQ/BOB", "to": "MS:MSNET/SALES/ALICE", "subject": "out one"},
  {"at": "5m", "label": "o2", "direction": "outbound", "from": "MS:EXCHANGE/HQ/BOB", "to": "MS:MSNET/HR/EVE", "subject": "out two"})";

// An outbound message to a postoffice the connector has no mailbag for: its NDR is a put.
const char* const kNowhereMessage =
    R"({"at": "6m", "label": "o3", "direction": "outbound", "from": "MS:EXCHANGE/HQ/BOB", "to": "MS:MSNET/NOWHERE/X", "subject": "lost"})";

std::string json_of(const WorldSpec& w) {
  std::string faults;
  for (const std::string& rule : w.rules)
    faults += (faults.empty() ? "" : ", ") + std::string(R"({"rule": )") + quoted(rule) + "}";
  std::string messages = w.base_messages ? kBaseMessages : "";
  if (!w.extra_messages.empty()) messages += (messages.empty() ? "" : ",") + w.extra_messages;
  return R"({"profile": )" + quoted(w.profile) + R"(, "seed": 11, "duration": )" +
         quoted(w.duration) + R"(,
    "engine": {"logging": "maximum", "max_attempts": )" +
         std::to_string(w.max_attempts) + (w.engine_extra.empty() ? "" : ", " + w.engine_extra) +
         R"(},
    "postoffice": {"postoffices": ["MSNET/SALES", "MSNET/HR"]},
    "traffic": )" +
         w.traffic + R"(,
    "messages": [)" +
         messages + R"(],
    "faults": [)" +
         faults + R"(],
    "operator": )" +
         w.operator_steps + "}";
}

msmisim::RunResult run_world(const WorldSpec& w, const std::string& profile = "",
                             std::uint64_t seed = 0) {
  return run(scenario_from(json_of(w)), profile, seed);
}

// "" when exactly the labelled messages in `hit` met another fate in `r` than in `clean` (the
// same world without the rule); else what went wrong.
QString hits_mismatch(const msmisim::RunResult& r, const msmisim::RunResult& clean,
                      const QStringList& hit) {
  QString out;
  for (const msmisim::LedgerEntry& e : r.ledger) {
    if (e.label.empty()) continue;
    const msmisim::LedgerEntry* before = labelled(clean, e.label);
    const bool changed = before == nullptr || before->fate != e.fate;
    if (hit.contains(QString::fromStdString(e.label)) != changed) {
      out += QString::fromStdString("'" + e.label + "' " + std::string(msmi::to_string(e.fate)) +
                                    ": " + e.detail + "; ");
    }
  }
  return out;
}

std::int64_t fired(const msmisim::RunResult& r, std::size_t rule = 0) {
  return rule < r.fault_stats.size() ? r.fault_stats[rule].fired : -1;
}

const msmisim::LedgerEntry& entry(const msmisim::RunResult& r, const std::string& label) {
  const msmisim::LedgerEntry* e = labelled(r, label);
  if (e == nullptr) qFatal("no message labelled %s", label.c_str());
  return *e;
}

// The rule as the parser understood it, with the triggers in a fixed order: the JSON object
// form lists them in key order.
std::string describe_sorted(FaultRule rule) {
  std::sort(rule.triggers.begin(), rule.triggers.end(),
            [](const msmisim::Trigger& x, const msmisim::Trigger& y) {
              return msmisim::to_string(x.key) < msmisim::to_string(y.key);
            });
  return describe(rule);
}

// "" when `r` wrote each of `events` ("ID=count" or "ID~text=count") that many times and each
// message of `fates` ("label=fate") met that fate; else what differs.
QString outcome_mismatch(const msmisim::RunResult& r, const QStringList& events,
                         const QStringList& fates) {
  QString out;
  for (const QString& e : events) {
    const QStringList parts = e.split('=');
    const QStringList what = parts[0].split('~');
    const std::string text = what.size() > 1 ? what[1].toStdString() : "";
    const int n = count(r, what[0].toInt(), -2, text);
    if (n != parts[1].toInt()) out += e + ": " + QString::number(n) + "; ";
  }
  for (const QString& f : fates) {
    const QStringList parts = f.split('=');
    const msmisim::LedgerEntry& e = entry(r, parts[0].toStdString());
    const QString fate = QString::fromStdString(std::string(msmi::to_string(e.fate)));
    if (fate != parts[1]) out += f + ": " + fate + " (" + QString::fromStdString(e.detail) + "); ";
  }
  return out;
}

using Cli = CliResult;

Cli msmisim_cli(const QStringList& args, const QString& cwd) {
  return run_msmisim(args, cwd);
}

}  // namespace

class TestFaults : public QObject {
  Q_OBJECT

 private slots:
  void parses_valid_rules_data();
  void parses_valid_rules();
  void rejects_invalid_rules_data();
  void rejects_invalid_rules();
  void point_globs_name_every_point();
  void armed_sites_are_those_a_rule_names();
  void every_point_is_reached_data();
  void every_point_is_reached();
  void triggers_select_messages_data();
  void triggers_select_messages();
  void trigger_thread_of_the_outbound_ndr();
  void outbound_record_keeps_names_reply_to_and_kind();
  void return_code_is_reported_data();
  void return_code_is_reported();
  void io_error_on_envelope_is_passing_data();
  void io_error_on_envelope_is_passing();
  void full_mailbag_ndrs_008_data();
  void full_mailbag_ndrs_008();
  void hardened_waits_for_a_full_mailbag_data();
  void hardened_waits_for_a_full_mailbag();
  void damaged_envelope_is_moved_aside_data();
  void damaged_envelope_is_moved_aside();
  void locked_envelope_waits_data();
  void locked_envelope_waits();
  void locked_inqueue3_fails_the_start();
  void delay_adds_busy_time_data();
  void delay_adds_busy_time();
  void drop_session_opens_new_sessions();
  void hang_ignores_stop_until_kill_data();
  void hang_ignores_stop_until_kill();
  void end_of_process_data();
  void end_of_process();
  void power_loss_takes_the_server_down_for_its_boot_data();
  void power_loss_takes_the_server_down_for_its_boot();
  void access_violation_data();
  void access_violation();
  void leave_in_queue_outbound();
  void engine_sites_react_data();
  void engine_sites_react();
  void fail_at_service_start();
  void seam_points_react_data();
  void seam_points_react();
  void directory_service_steps_data();
  void directory_service_steps();
  void event_action_writes_its_text();
  void chain_counts_hand_over();
  void percent_is_seeded();
  void nth_fires_on_the_third_match_only();
  void disk_rules_match_kind_and_thread_data();
  void disk_rules_match_kind_and_thread();
  void loader_object_form_is_the_one_line_form_data();
  void loader_object_form_is_the_one_line_form();
  void loader_names_path_and_column_data();
  void loader_names_path_and_column();
  void loaded_rules_fire_like_command_line_ones();
  void same_seed_same_events_with_faults_data();
  void same_seed_same_events_with_faults();
  void cli_bad_fault_exits_2_with_a_caret_data();
  void cli_bad_fault_exits_2_with_a_caret();
  void cli_fault_is_in_the_replay_command();
};

// ---- 1. the parser ----------------------------------------------------------------------------

void TestFaults::parses_valid_rules_data() {
  QTest::addColumn<QString>("rule");
  QTest::addColumn<QString>("understood");
  auto row = [](const char* name, const char* rule, const char* understood) {
    QTest::newRow(name) << QString::fromUtf8(rule) << QString::fromUtf8(understood);
  };
  row("plain return", "mta.put=return(0x15)", "mta.put [] = return(0x15)");
  row("the header's example", "mta.put[rcpt~*@bad.example]=3*return(0x15)->off",
      "mta.put [rcpt~*@bad.example] = 3*return(0x15) -> off");
  row("percent error", "disk.append[file~MBG/SALES*]=10%error(EIO)",
      "disk.append [file~MBG/SALES*] = 10%error(EIO)");
  row("two triggers", "engine.log_ndr[sender~MS:*/*/*,nth=2]=access_violation(0x24)",
      "engine.log_ndr [sender~MS:*/*/*;nth=#2] = access_violation(0x24)");
  row("access violation, no address", "engine.convert_inbound=access_violation",
      "engine.convert_inbound [] = access_violation(0x0)");
  row("spaces everywhere", "  mta.put [ rcpt ~ *@x , nth = 3 ] = 2*return( 0x13 ) -> off  ",
      "mta.put [rcpt~*@x;nth=#3] = 2*return(0x13) -> off");
  row("percent and count", "mta.put=50%3*return(0x16)->off",
      "mta.put [] = 50%3*return(0x16) -> off");
  row("count then percent", "mta.put=3*50%return(0x16)", "mta.put [] = 50%3*return(0x16)");
  row("fractional percent", "mta.read=0.5%return(0x05)", "mta.read [] = 0.5%return(0x5)");
  row("hundred percent", "mta.ack=100%leave_in_queue", "mta.ack [] = 100%leave_in_queue");
  row("three-term chain", "mta.put=1*return(0x15)->2*return(0x16)->off",
      "mta.put [] = 1*return(0x15) -> 2*return(0x16) -> off");
  row("decimal return code", "mta.put=return(21)", "mta.put [] = return(0x15)");
  row("every numeric operator",
      "mta.put[rcpts>=2,size<100,sender_len>5,rcpt_len<=40,thread!=6,after=1]=off",
      "mta.put [rcpts>=#2;size<#100;sender_len>#5;rcpt_len<=#40;thread!=#6;after=#1] = off");
  row("time window", "mta.put[from=90s,until=10m]=return(0x15)",
      "mta.put [from=#90000000;until=#600000000] = return(0x15)");
  row("text operators", "engine.convert_outbound[subject!=hello,msgkind=ipm,charset=8bit]=fail",
      "engine.convert_outbound [subject!=hello;msgkind=ipm;charset=8bit] = fail");
  row("service and profile", "engine.service_start[service=stopped,profile~exchange-*]=fail",
      "engine.service_start [service=stopped;profile~exchange-*] = fail");
  row("after_event", "mta.put[after_event=2342]=return(0x15)",
      "mta.put [after_event=#2342] = return(0x15)");
  row("quoted value with comma and bracket", R"(mta.put[subject="a, b] c"]=return(0x15))",
      "mta.put [subject=a, b] c] = return(0x15)");
  row("escaped quote", R"(mta.put[subject~"say \"hi\"*"]=off)",
      R"(mta.put [subject~say "hi"*] = off)");
  row("reply_to, name, name_len and msgkind dirsync",
      R"(engine.convert_inbound[reply_to~*/DESK,name="Doe, Jane",name_len>=8,msgkind=dirsync]=fail)",
      "engine.convert_inbound [reply_to~*/DESK;name=Doe, Jane;name_len>=#8;msgkind=dirsync] = "
      "fail");
  row("name not equal", "mta.put[name!=Bob Baker]=off", "mta.put [name!=Bob Baker] = off");
  row("address trigger", "engine.parse_address[address~SMTP:*]=fail",
      "engine.parse_address [address~SMTP:*] = fail");
  row("file kind", "disk.read[kind=P1]=2*error(ENOSPC)", "disk.read [kind=P1] = 2*error(ENOSPC)");
  row("every errno", "disk.*=error(EACCES)",
      "disk.open,disk.read,disk.write,disk.append,disk.remove,disk.rename,disk.list,disk.mkdir,"
      "disk.sync,disk.lock [] = error(EACCES)");
  row("opening a file", "disk.open[kind=MBG]=1*lock->error(EACCES)",
      "disk.open [kind=MBG] = 1*lock -> error(EACCES)");
  row("opening a file: the world's actions", "disk.open[file~P1/*]=1*hang->1*stop->power_loss",
      "disk.open [file~P1/*] = 1*hang -> 1*stop -> power_loss");
  row("locking a mailbag", "disk.lock[file~KEY/SALES*]=error(EBUSY)",
      "disk.lock [file~KEY/SALES*] = error(EBUSY)");
  row("the MTA service", "mta.service[from=5m]=1*stop->1*terminate->hang",
      "mta.service [from=#300000000] = 1*stop -> 1*terminate -> hang");
  row("the MTA's queue", "mta.queue[rcpt~*ALICE]=1*return(0x13)->1*fill->delay(1m)",
      "mta.queue [rcpt~*ALICE] = 1*return(0x13) -> 1*fill -> delay(60000000us)");
  row("the directory session", "directory.session=1*return(0x105)->event(9003, x)",
      "directory.session [] = 1*return(0x105) -> event(9003,'x')");
  row("point glob with '?'", "disk.re?d=off", "disk.read [] = off");
  row("point glob with '*'", "disk.re*=error(EBUSY)",
      "disk.read,disk.remove,disk.rename [] = error(EBUSY)");
  row("truncate to nothing", "disk.read[file=P1/00000001.P1]=truncate(0)",
      "disk.read [file=P1/00000001.P1] = truncate(0)");
  row("garble", "disk.write=garble", "disk.write [] = garble");
  row("replace", R"(disk.read[kind=MAI]=replace("not a MAI file"))",
      "disk.read [kind=MAI] = replace('not a MAI file')");
  row("fill on a write", "disk.w*=fill", "disk.write [] = fill");
  row("lock", "disk.rename[file~KEY/*]=lock", "disk.rename [file~KEY/*] = lock");
  row("delay", "engine.convert_inbound=delay(2s)", "engine.convert_inbound [] = delay(2000000us)");
  row("delay in ms", "mta.*=delay(500ms)",
      "mta.service,mta.open_upload,mta.put,mta.open_download,mta.read,mta.ack,mta.close_upload,"
      "mta.close_download,mta.queue [] = delay(500000us)");
  row("drop session", "mta.read[nth=4]=drop_session", "mta.read [nth=#4] = drop_session");
  row("hang, terminate, stop", "engine.*=1*hang->1*terminate->stop",
      "engine.convert_inbound,engine.convert_outbound,engine.parse_address,engine.log_ndr,"
      "engine.write_mailbag,engine.thread_start,engine.thread_refresh,"
      "engine.housekeeping_refresh,engine.service_start,engine.service_stop [] = 1*hang -> "
      "1*terminate -> stop");
  row("event with strings", R"(engine.convert_inbound=event(2342, "0x99"))",
      "engine.convert_inbound [] = event(2342,'0x99')");
  row("event, bare strings", "mta.put=event(2302, 2, 20)", "mta.put [] = event(2302,'2','20')");
  row("event without strings", "mta.put=event(2384)", "mta.put [] = event(2384)");
  row("leave in queue", "engine.convert_outbound=leave_in_queue",
      "engine.convert_outbound [] = leave_in_queue");
  row("empty argument list", "mta.put=off()", "mta.put [] = off");
}

void TestFaults::parses_valid_rules() {
  QFETCH(QString, rule);
  QFETCH(QString, understood);
  FaultRule parsed;
  int column = -1;
  const msmi::Status s = msmisim::parse_fault_rule(rule.toStdString(), &parsed, &column);
  QVERIFY2(s.ok(), qPrintable(QString::fromStdString(s.to_string()) + " at column " +
                              QString::number(column)));
  QCOMPARE(QString::fromStdString(describe(parsed)), understood);
  QCOMPARE(QString::fromStdString(parsed.text), rule);  // kept as written, for messages
  QVERIFY(!parsed.optional);
}

void TestFaults::rejects_invalid_rules_data() {
  QTest::addColumn<QString>("rule");
  QTest::addColumn<int>("column");
  QTest::addColumn<QString>("message");
  auto row = [](const char* name, const char* rule, int column, const char* message) {
    QTest::newRow(name) << QString::fromUtf8(rule) << column << QString::fromUtf8(message);
  };
  row("empty", "", 1, "expected a point");
  row("only spaces", "   =off", 4, "expected a point");
  row("unknown point", "mta.putt=return(0x15)", 1, "unknown point 'mta.putt'");
  row("unknown point after spaces", "  disk.reed=off", 3, "unknown point 'disk.reed'");
  row("point glob matching nothing", "disk.frob*=off", 1, "unknown point 'disk.frob*'");
  row("point glob mixing classes", "*.read=off", 1,
      "must stay within disk.*, mta.*, engine.* or directory.*");
  row("point glob mixing the directory", "*o*n=off", 1, "must stay within");
  row("truncate when opening", "disk.open=truncate(3)", 11,
      "truncate is not available at disk.open (only at disk.read, disk.write, disk.append)");
  row("garble when locking", "disk.lock=garble", 11, "garble is not available at disk.lock");
  row("replace when opening", R"(disk.open=replace("x"))", 11,
      "replace is not available at disk.open");
  row("fill when opening", "disk.open=fill", 11, "fill is not available at disk.open");
  row("return at the MTA service", "mta.service=return(0x15)", 13,
      "return is not available at mta.service");
  row("drop_session at the MTA service", "mta.service=drop_session", 13,
      "drop_session is not available at mta.service");
  row("hang at the MTA's queue", "mta.queue=hang", 11,
      "hang is not available at mta.queue (only at disk.*, mta.* but mta.queue, engine.*)");
  row("stop at the MTA's queue", "mta.queue=stop", 11, "stop is not available at mta.queue");
  row("a file trigger at the MTA's queue", "mta.queue[kind=MBG]=fill", 11,
      "'kind' never holds at mta.queue");
  row("a file trigger at the MTA service", "mta.service[kind=KEY]=stop", 13,
      "'kind' never holds at mta.service");
  row("a XOM code at the directory", "directory.session=return(zz)", 26,
      "expected a non-zero hexadecimal return code such as 0x105, got 'zz'");
  row("a zero directory code", "directory.session=return(0)", 26, "a non-zero hexadecimal");
  row("terminate at the directory", "directory.session=terminate", 19,
      "terminate is not available at directory.session");
  row("error at the directory", "directory.session=error(EIO)", 19,
      "error is not available at directory.session (only at disk.*)");
  row("everything", "*=off", 1, "must stay within");
  row("unknown trigger", "mta.put[rcp~x]=off", 9, "unknown trigger 'rcp'");
  row("unknown trigger after a good one", "mta.put[nth=2, colour=red]=off", 16,
      "unknown trigger 'colour'");
  row("empty trigger list", "mta.put[]=off", 9, "expected a trigger");
  row("trailing comma in triggers", "mta.put[rcpt~x,]=off", 16, "expected a trigger");
  row("missing operator", "mta.put[rcpt]=off", 13, "expected an operator");
  row("bang without equals", "mta.put[nth!2]=off", 12, "expected an operator");
  row("glob on a number", "mta.put[nth~2]=off", 12, "'nth' is a number");
  row("glob on a size", "mta.put[size~1*]=off", 13, "'size' is a number");
  row("order on text", "mta.put[rcpt>3]=off", 13, "'rcpt' is text");
  row("order on the subject", "mta.put[subject<=x]=off", 16, "'subject' is text");
  row("not a number", "mta.put[nth=two]=off", 13, "a whole number for 'nth', got 'two'");
  row("operator twice", "mta.put[thread=>5]=off", 16, "a whole number for 'thread', got '>5'");
  row("fraction for a count", "mta.put[rcpts=1.5]=off", 15, "a whole number for 'rcpts'");
  row("not a duration", "mta.put[from=later]=off", 14, "a duration such as 90s");
  row("missing value", "mta.put[rcpt~]=off", 14, "expected a value after the operator");
  row("service state", "mta.put[service=paused]=off", 17, "service is 'running' or 'stopped'");
  row("after_event not in the catalogue", "mta.put[after_event=9999]=off", 21,
      "after_event names event 9999, which is not in the catalogue");
  row("unclosed trigger list", "mta.put[rcpt~x", 15, "expected ',' or ']' after a trigger");
  row("unterminated quote", R"(mta.put[subject="abc]=off)", 17, "unterminated quoted value");
  row("unterminated quote in an argument", R"(mta.put=event(9003, "abc))", 21,
      "unterminated quoted value");
  row("missing '='", "mta.put return(0x15)", 9, "expected '=' and an action chain");
  row("missing '=' after triggers", "mta.put[nth=1]", 15, "expected '='");
  row("missing chain", "mta.put=", 9, "expected an action");
  row("unknown action", "mta.put=retrun(0x15)", 9, "unknown action 'retrun'");
  row("unknown action later in the chain", "mta.put=1*off->explode", 16,
      "unknown action 'explode'");
  row("dangling arrow", "mta.put=return(0x15)->", 23, "expected an action");
  row("return() at a disk point", "disk.read=return(0x15)", 11,
      "return is not available at disk.read (only at mta.* but mta.close_*");
  row("return() when closing a session", "mta.close_upload=return(0x15)", 18,
      "return is not available at mta.close_upload");
  row("unknown XOM code", "mta.put=return(0x42)", 16, "unknown XOM return code '0x42'");
  row("return without a code", "mta.put=return", 9, "return takes one XOM return code");
  row("error(EFOO)", "disk.read=error(EFOO)", 17, "unknown error 'EFOO'");
  row("error at an MTA point", "mta.put=error(EIO)", 9, "error is not available at mta.put");
  row("truncate(-1)", "disk.read=truncate(-1)", 20, "expected a size in bytes, got '-1'");
  row("truncate at disk.remove", "disk.remove=truncate(1)", 13,
      "truncate is not available at disk.remove");
  row("garble on a glob with disk.list", "disk.*=garble", 8, "garble is not available at disk.*");
  row("fill on a read", "disk.read=fill", 11, "fill is not available at disk.read");
  row("fill on a glob with disk.mkdir", "disk.*e=fill", 9, "fill is not available at disk.*e");
  row("lock at the MTA", "mta.put=lock", 9, "lock is not available at mta.put (only at disk.*)");
  row("fail at a disk point", "disk.read=fail", 11, "fail is not available at disk.read");
  row("drop_session at an engine site", "engine.convert_inbound=drop_session", 24,
      "drop_session is not available at engine.convert_inbound");
  row("leave_in_queue at mta.put", "mta.put=leave_in_queue", 9,
      "leave_in_queue is not available at mta.put");
  row("access_violation at the MTA", "mta.read=access_violation", 10,
      "access_violation is not available at mta.read");
  row("bad address", "engine.log_ndr=access_violation(zz)", 33, "a hexadecimal address");
  row("hang with an argument", "mta.put=hang(2)", 9, "hang takes no arguments");
  row("delay without a unit", "mta.put=delay(soon)", 15, "a duration such as 2s");
  row("delay of nothing", "mta.put=delay(0s)", 15, "a duration such as 2s");
  row("percent 0", "mta.put=0%return(0x15)", 9, "a percentage is above 0 and at most 100");
  row("percent 150", "mta.put=150%return(0x15)", 9, "a percentage is above 0 and at most 100");
  row("percent with two points", "mta.put=1.2.3%return(0x15)", 9, "a percentage");
  row("two percentages", "mta.put=50%50%return(0x15)", 12, "a percentage");
  row("count 0", "mta.put=0*return(0x15)", 9, "a count is a whole number of at least 1");
  row("fractional count", "mta.put=1.5*return(0x15)", 9, "a count is a whole number");
  row("number without % or *", "mta.put=3return(0x15)", 10, "expected '%' or '*'");
  row("event not in the catalogue", R"(mta.put=event(9999, "x"))", 15,
      "event 9999 is not in the catalogue");
  row("event without an ID", "mta.put=event", 9, "event takes an event ID");
  row("a file trigger at an MTA point", "mta.put[kind=MBG]=return(0x15)", 9,
      "'kind' never holds at mta.put");
  row("a message trigger at a disk point", "disk.read[sender~*X*]=error(EIO)", 11,
      "its calls carry no message");
  row("an unknown file kind", "disk.append[kind=MGB]=fill", 13, "unknown file kind 'MGB'");
  row("a message kind as a file kind", "mta.put[kind=dirsync]=return(0x15)", 9,
      "'kind' is the file kind (P1, MAI, KEY, MBG, GLB, XTN, ATT); the message kind is "
      "msgkind=dirsync");
  row("an unknown message kind", "mta.put[msgkind=system]=return(0x15)", 9,
      "msgkind is 'ipm', 'ndr' or 'dirsync'");
  row("reply_to at a disk point", "disk.read[reply_to~*]=error(EIO)", 11,
      "'reply_to' never holds at disk.read: its calls carry no message");
  row("name where no message is", "engine.thread_start[name~Jane*]=fail", 21,
      "'name' never holds at engine.thread_start: its calls carry no message");
  row("name_len at mta.open_download", "mta.open_download[name_len>3]=return(0x15)", 19,
      "'name_len' never holds at mta.open_download");
  row("glob on name_len", "mta.put[name_len~1*]=off", 17, "'name_len' is a number");
  row("order on a name", "mta.put[name>=B]=off", 13, "'name' is text");
  row("order on reply_to", "mta.put[reply_to<x]=off", 17, "'reply_to' is text");
  row("an unknown profile", "mta.put[profile=exchange-5.1]=hang", 9,
      "unknown profile 'exchange-5.1'");
  row("nth 0", "mta.put[nth=0]=hang", 9, "'nth' counts from 1");
  row("a trigger twice", "mta.put[nth=2,nth=3]=hang", 15, "'nth' is given twice");
  row("event short of strings", "mta.put=event(2342)", 9, "takes 1 insertion string, got 0");
  row("unclosed arguments", "mta.put=return(0x15", 20, "expected ',' or ')'");
  row("trailing junk", "mta.put=return(0x15) junk", 22, "unexpected text after the action chain");
  row("trailing bracket", "mta.put=off]", 12, "unexpected text after the action chain");
}

void TestFaults::rejects_invalid_rules() {
  QFETCH(QString, rule);
  QFETCH(int, column);
  QFETCH(QString, message);
  FaultRule parsed;
  int at = -1;
  const msmi::Status s = msmisim::parse_fault_rule(rule.toStdString(), &parsed, &at);
  QVERIFY2(!s.ok(), qPrintable("accepted: " + QString::fromStdString(describe(parsed))));
  QVERIFY(s.is_invalid_argument());
  QVERIFY2(QString::fromStdString(s.message()).contains(message),
           qPrintable(QString::fromStdString(s.message())));
  QCOMPARE(at, column);
}

void TestFaults::armed_sites_are_those_a_rule_names() {
  // A worker builds a site's context only where armed() says a rule may answer; every other
  // site must answer "carry on" all the same.
  std::vector<msmisim::FaultRule> rules;
  for (const char* text :
       {"engine.parse_address[address~SMTP:*]=fail", "disk.read[kind=P1]=1%error(EIO)"}) {
    msmisim::FaultRule rule;
    int column = 0;
    QVERIFY(msmisim::parse_fault_rule(text, &rule, &column).ok());
    rules.push_back(rule);
  }
  msmisim::VirtualClock clock;
  msmi::SeededRandom random(1);
  testsupport::NoEffects effects;
  msmisim::FaultInjector injector(clock, random, effects, "hardened", rules);
  QVERIFY(injector.armed(msmi::Site::kParseAddress));
  for (msmi::Site site : {msmi::Site::kConvertInbound, msmi::Site::kConvertOutbound,
                          msmi::Site::kWriteMailbag, msmi::Site::kThreadRefresh}) {
    QVERIFY(!injector.armed(site));
    msmi::SiteContext context;
    context.site = site;
    context.address = "SMTP:bob@example.com";
    QVERIFY(injector.at(context).kind == msmi::SiteVerdict::Kind::kNone);
  }
  msmi::SiteContext parse;
  parse.site = msmi::Site::kParseAddress;
  parse.address = "SMTP:bob@example.com";
  QVERIFY(injector.at(parse).kind == msmi::SiteVerdict::Kind::kFail);
  QVERIFY(!msmi::NoFaults().armed(msmi::Site::kParseAddress));
}

void TestFaults::point_globs_name_every_point() {
  // Every point is reachable by its own name, and only by it.
  QCOMPARE(msmisim::fault_points().size(), std::size_t{20 + msmi::kSiteCount});
  for (const std::string& point : msmisim::fault_points()) {
    FaultRule rule;
    int column = 0;
    QVERIFY2(msmisim::parse_fault_rule(point + "=off", &rule, &column).ok(), point.c_str());
    QCOMPARE(rule.points, std::vector<std::string>{point});
  }
}

// ---- 2. triggers through the real engine ------------------------------------------------------

void TestFaults::every_point_is_reached_data() {
  QTest::addColumn<QString>("point");
  for (const std::string& point : msmisim::fault_points())
    QTest::newRow(point.c_str()) << QString::fromStdString(point);
}

void TestFaults::every_point_is_reached() {
  QFETCH(QString, point);
  // A world that does a bit of everything: inbound and outbound mail, an NDR, a refused put
  // (a thread refresh), a damaged envelope (moved aside), housekeeping, a stop at the end.
  WorldSpec w;
  w.max_attempts = 3;
  w.extra_messages = R"(
    {"at": "150s", "label": "ndr", "from": "MS:MSNET/SALES/ALICE", "to": "SMTP:no-at-sign"},
    {"at": "245s", "label": "o4", "direction": "outbound", "from": "MS:EXCHANGE/HQ/BOB", "to": "MS:MSNET/SALES/ALICE"})";
  w.operator_steps = R"([{"at": "9m", "action": "stop", "service": "msmi"}])";
  w.rules = {point.toStdString() + R"(=event(9003, "reached"))",
             "mta.put[rcpt~*FRANK]=1*return(0x15)->off",
             "disk.read[file=P1/00000002.P1]=1*truncate(5)->off"};
  const auto r = run_world(w, "hardened");
  QVERIFY2(fired(r) >= 1, qPrintable(point + " never called"));
  QCOMPARE(std::int64_t(count(r, 9003, -2, "reached")), fired(r));
  QCOMPARE(fired(r, 1), std::int64_t{1});
  QCOMPARE(fired(r, 2), std::int64_t{1});
  // The events change nothing: the world ran as it does without them.
  w.rules.erase(w.rules.begin());
  const auto plain = run_world(w, "hardened");
  QCOMPARE(hits_mismatch(r, plain, {}), QString());
}

void TestFaults::triggers_select_messages_data() {
  QTest::addColumn<QString>("rule");
  QTest::addColumn<QString>("extra");  // more messages
  QTest::addColumn<QString>("operator_steps");
  QTest::addColumn<QStringList>("hit");  // the labels not delivered
  QTest::addColumn<int>("fired");        // how often the rule fired
  const QString none = "[]";
  const QString nowhere = kNowhereMessage;
  const QString accented =
      R"({"at": "150s", "label": "d", "from": "MS:MSNET/SALES/ALICE", "to": "MS:EXCHANGE/HQ/BOB", "subject": "caf\u00e9"})";
  auto row = [&](const char* name, const char* rule, QStringList hit, int fired,
                 const QString& extra = "", const QString& op = "[]") {
    QTest::newRow(name) << QString::fromUtf8(rule) << extra << op << hit << fired;
  };
  row("sender glob", "mta.put[sender~*CAROL]=return(0x13)", {"b"}, 1);
  row("sender equal, any case", "mta.put[sender=ms:msnet/hr/eve]=return(0x13)", {"c"}, 1);
  row("sender not equal", "mta.put[sender!=MS:MSNET/HR/EVE]=return(0x13)", {"a", "b"}, 2);
  row("rcpt glob", "mta.put[rcpt~*@x.example]=return(0x13)", {"b"}, 1);
  row("rcpt is any recipient", "mta.put[rcpt=MS:EXCHANGE/HQ/FRANK]=return(0x13)", {"c"}, 1);
  row("rcpt not equal: no recipient is", "mta.put[rcpt!=MS:EXCHANGE/HQ/BOB]=return(0x13)", {"b"},
      1);
  row("subject", "mta.put[subject~t*]=return(0x13)", {"b", "c"}, 2);
  row("subject, quoted", R"(mta.put[subject="three"]=return(0x13))", {"c"}, 1);
  row("file", "disk.write[file~MBG/HR*]=error(ENOSPC)", {"o2"}, 1);
  row("file, no such file", "disk.write[file~MBG/PAYROLL*]=error(ENOSPC)", {}, 0);
  row("kind", "disk.read[kind=MAI,nth=1]=truncate(0)", {"a"}, 1);
  row("kind, a kind never read", "disk.read[kind=XTN]=truncate(0)", {}, 0);
  row("msgkind ipm", "mta.put[msgkind=ipm]=return(0x13)", {"a", "b", "c"}, 3, nowhere);
  row("msgkind ndr", "mta.put[msgkind=ndr]=return(0x13)", {"o3"}, 1, nowhere);
  row("thread of the inbound thread", "mta.put[thread=5]=return(0x13)", {"a", "b", "c"}, 3,
      nowhere);
  row("thread of the outbound thread", "mta.put[thread=6]=return(0x13)", {"o3"}, 1, nowhere);
  row("thread of the Mailer (the sender, then each recipient)",
      "engine.parse_address[thread=4,nth=4]=fail", {"b"}, 1);
  row("nth", "mta.put[nth=2]=return(0x13)", {"b"}, 1);
  row("after", "mta.put[after=1]=return(0x13)", {"b", "c"}, 2);
  row("from", "mta.put[from=150s]=return(0x13)", {"c"}, 1);
  row("until", "mta.put[until=150s]=return(0x13)", {"a", "b"}, 2);
  row("from and until", "mta.put[from=90s,until=150s]=return(0x13)", {"b"}, 1);
  row("service running", "mta.put[service=running]=return(0x13)", {"a", "b", "c"}, 3);
  row("service stopped", "mta.put[service=stopped]=return(0x13)", {}, 0);
  row("profile", "mta.put[profile=exchange-5.0-sp1]=return(0x13)", {"a", "b", "c"}, 3);
  row("profile glob", "mta.put[profile~exchange-4*]=return(0x13)", {}, 0);
  row("profile not equal", "mta.put[profile!=hardened]=return(0x13)", {"a", "b", "c"}, 3);
  row("after_event", "mta.put[after_event=9003]=return(0x13)", {"c"}, 1, "",
      R"([{"at": "150s", "action": "start", "service": "pcmta"}])");
  row("after_event never written", "mta.put[after_event=2302]=return(0x13)", {}, 0);
  row("rcpts", "mta.put[rcpts>=2]=return(0x13)", {"c"}, 1);
  row("rcpts equal", "mta.put[rcpts=1]=return(0x13)", {"a", "b"}, 2);
  row("size", "mta.put[size>0]=return(0x13)", {"c"}, 1);
  row("size exact", "mta.put[size=18]=return(0x13)", {"c"}, 1);
  row("sender_len", "mta.put[sender_len<20]=return(0x13)", {"c"}, 1);
  row("rcpt_len", "mta.put[rcpt_len>18]=return(0x13)", {"c"}, 1);
  row("rcpt_len, all", "mta.put[rcpt_len<=20]=return(0x13)", {"a", "b", "c"}, 3);
  row("address", "engine.parse_address[address~SMTP:*]=fail", {"b"}, 1);
  row("address equal", "engine.parse_address[address=MS:EXCHANGE/HQ/FRANK]=fail", {}, 1);
  row("charset 8bit", "mta.put[charset=8bit]=return(0x13)", {"d"}, 1, accented);
  row("charset ascii", "mta.put[charset=ascii]=return(0x13)", {"a", "b", "c"}, 3, accented);
  row("engine site sees the recipients", "engine.convert_inbound[rcpt~*FRANK]=fail", {"c"}, 1);
  row("outbound site sees the recipients", "engine.convert_outbound[rcpt~*/HR/*]=fail", {"o2"}, 1);
  row("two triggers, both needed", "mta.put[sender~*/SALES/*,subject=two]=return(0x13)", {"b"}, 1);

  // Pairs of messages that differ in one thing only: a reply-to, a display name, the kind.
  const QString reply_to =
      R"({"at": "150s", "label": "r1", "from": "MS:MSNET/SALES/ALICE", "to": "MS:EXCHANGE/HQ/BOB", "subject": "rt", "reply_to": "MS:MSNET/SALES/DESK"},
        {"at": "160s", "label": "r2", "from": "MS:MSNET/SALES/ALICE", "to": "MS:EXCHANGE/HQ/BOB", "subject": "rt"},
        {"at": "270s", "label": "r3", "direction": "outbound", "from": "MS:EXCHANGE/HQ/BOB", "to": "MS:MSNET/SALES/ALICE", "reply_to": "SMTP:desk@x.example"})";
  row("reply_to glob", "mta.put[reply_to~*/DESK]=return(0x13)", {"r1"}, 1, reply_to);
  row("reply_to equal, any case", "mta.put[reply_to=ms:msnet/sales/desk]=return(0x13)", {"r1"}, 1,
      reply_to);
  row("reply_to ~* holds only for a message that has one", "mta.put[reply_to~*]=return(0x13)",
      {"r1"}, 1, reply_to);
  row("reply_to not equal: every other message",
      "mta.put[reply_to!=MS:MSNET/SALES/DESK]=return(0x13)", {"a", "b", "c", "r2"}, 4, reply_to);
  row("reply_to_len: longer than 18", "mta.put[reply_to_len>18]=return(0x13)", {"r1"}, 1, reply_to);
  row("reply_to_len 0: no reply-to", "mta.put[reply_to_len=0]=return(0x13)", {"a", "b", "c", "r2"},
      4, reply_to);
  row("reply_to at the inbound conversion", "engine.convert_inbound[reply_to~*DESK]=fail", {"r1"},
      1, reply_to);
  row("reply_to at the outbound conversion", "engine.convert_outbound[reply_to~*@x.example]=fail",
      {"r3"}, 1, reply_to);
  row("reply_to when writing the mailbag", "engine.write_mailbag[reply_to~SMTP:*]=fail", {"r3"}, 1,
      reply_to);
  const QString names =
      R"({"at": "150s", "label": "n1", "from": "MS:MSNET/SALES/ALICE", "sender_name": "Alice Archer", "to": "MS:EXCHANGE/HQ/BOB", "subject": "nm"},
        {"at": "160s", "label": "n2", "from": "MS:MSNET/SALES/ALICE", "to": "Bob Baker <MS:EXCHANGE/HQ/BOB>", "subject": "nm"},
        {"at": "170s", "label": "n3", "from": "MS:MSNET/SALES/ALICE", "to": "MS:EXCHANGE/HQ/BOB", "cc": "Frank Fox <MS:EXCHANGE/HQ/FRANK>", "subject": "nm"},
        {"at": "270s", "label": "n4", "direction": "outbound", "from": "MS:EXCHANGE/HQ/BOB", "to": ["MS:MSNET/SALES/ALICE", "Eve Evans <MS:MSNET/HR/EVE>"]})";
  row("name of the sender", "mta.put[name=alice archer]=return(0x13)", {"n1"}, 1, names);
  row("name of a recipient", "mta.put[name~Bob*]=return(0x13)", {"n2"}, 1, names);
  row("name of a cc", "mta.put[name=Frank Fox]=return(0x13)", {"n3"}, 1, names);
  row("name ~* holds only for a message with a name", "mta.put[name~*]=return(0x13)",
      {"n1", "n2", "n3"}, 3, names);
  row("name not equal: no name is", "mta.put[name!=Bob Baker]=return(0x13)",
      {"a", "b", "c", "n1", "n3"}, 5, names);
  row("name_len of the longest name", "mta.put[name_len>=12]=return(0x13)", {"n1"}, 1, names);
  row("name_len 0 without names", "mta.put[name_len=0]=return(0x13)", {"a", "b", "c"}, 3, names);
  row("name at the Mailer, parsing that recipient",
      "engine.parse_address[thread=4,name~Bob*,address~*BOB]=fail", {"n2"}, 1, names);
  row("name at the inbound conversion", "engine.convert_inbound[name~*Fox]=fail", {"n3"}, 1, names);
  row("name at the outbound conversion", "engine.convert_outbound[name=Eve Evans]=fail", {"n4"}, 1,
      names);
  // n4 goes to Alice and to Eve: only Eve's record fails, and Alice's still delivers it.
  row("name of the one recipient whose mailbag is written",
      "engine.write_mailbag[name=Eve Evans]=fail", {}, 1, names);
  const QString dirsync =
      R"({"at": "150s", "label": "d1", "kind": "dirsync", "from": "MS:MSNET/SALES/DIRSYNC", "to": "MS:EXCHANGE/HQ/DXA", "subject": "dir"},
        {"at": "160s", "label": "d2", "from": "MS:MSNET/SALES/DIRSYNC", "to": "MS:EXCHANGE/HQ/DXA", "subject": "dir"},
        {"at": "270s", "label": "d3", "kind": "dirsync", "direction": "outbound", "from": "MS:EXCHANGE/HQ/DXA", "to": "MS:MSNET/SALES/DIRSYNC"},
        {"at": "280s", "label": "d4", "direction": "outbound", "from": "MS:EXCHANGE/HQ/DXA", "to": "MS:MSNET/SALES/DIRSYNC"})";
  row("msgkind dirsync at the MTA", "mta.put[msgkind=dirsync]=return(0x13)", {"d1"}, 1, dirsync);
  row("msgkind ipm leaves dir-sync alone", "mta.put[msgkind=ipm,sender~*DIRSYNC]=return(0x13)",
      {"d2"}, 1, dirsync);
  row("msgkind dirsync at the Mailer",
      "engine.parse_address[thread=4,msgkind=dirsync,address~*DXA]=fail", {"d1"}, 1, dirsync);
  row("msgkind dirsync at the inbound conversion", "engine.convert_inbound[msgkind=dirsync]=fail",
      {"d1"}, 1, dirsync);
  row("msgkind dirsync at the outbound conversion", "engine.convert_outbound[msgkind=dirsync]=fail",
      {"d3"}, 1, dirsync);
  row("msgkind dirsync when writing the mailbag", "engine.write_mailbag[msgkind=dirsync]=fail",
      {"d3"}, 1, dirsync);
}

void TestFaults::triggers_select_messages() {
  QFETCH(QString, rule);
  QFETCH(QString, extra);
  QFETCH(QString, operator_steps);
  QFETCH(QStringList, hit);
  QFETCH(int, fired);
  WorldSpec w;
  w.rules = {rule.toStdString()};
  w.extra_messages = extra.toStdString();
  w.operator_steps = operator_steps.toStdString();
  const auto r = run_world(w);
  w.rules.clear();
  const auto clean = run_world(w);
  QCOMPARE(fate_count(clean, Fate::kLost), 0);
  const QString mismatch = hits_mismatch(r, clean, hit);
  QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
  QCOMPARE(::fired(r), std::int64_t{fired});
  QVERIFY(r.fault_stats[0].matches >= fired);
}

void TestFaults::outbound_record_keeps_names_reply_to_and_kind() {
  // What the triggers see is what MS Mail gets: the outbound thread converts a dir-sync message
  // with display names and a reply-to into one mailbag record per recipient, each with its own
  // recipient's name. The PC MTA takes nothing, so the records stay to be read.
  WorldSpec w;
  w.base_messages = false;
  w.extra_messages =
      R"({"at": "1m", "label": "m", "direction": "outbound", "kind": "dirsync", "from": "MS:EXCHANGE/HQ/DXA", "sender_name": "Directory Exchange", "to": ["Sales Dir-Sync <MS:MSNET/SALES/DIRSYNC>", "MS:MSNET/SALES/ALICE"], "reply_to": "MS:EXCHANGE/HQ/ADMIN"},
        {"at": "2m", "label": "p", "direction": "outbound", "from": "MS:EXCHANGE/HQ/BOB", "to": "MS:MSNET/SALES/ALICE"})";
  msmisim::Scenario scenario = scenario_from(json_of(w));
  scenario.pcmta_batch = 0;
  QTemporaryDir dir;
  const auto r = run(scenario, dir);
  QCOMPARE(entry(r, "m").fate, Fate::kDelivered);
  msmisim::DiskFileSystem fs(dir.path().toStdString() + "/po");
  msmi::Mailbag sales(fs, msmi::NetworkDirectory::mailbag_name({"MSNET", "SALES"}));
  std::vector<msmi::MailbagEntry> entries;
  QVERIFY(sales.load(&entries).ok());
  QCOMPARE(entries.size(), std::size_t{3});
  std::vector<msmi::OutboundRecord> records(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i)
    QVERIFY(msmi::decode_outbound_record(entries[i].payload, sales.mbg_path(), &records[i]).ok());
  for (std::size_t i = 0; i < 2; ++i) {
    QCOMPARE(records[i].kind, std::string("message"));
    QVERIFY(records[i].dirsync);
    QCOMPARE(records[i].sender_name, std::string("Directory Exchange"));
    QCOMPARE(records[i].reply_to, std::string("MS:EXCHANGE/HQ/ADMIN"));
  }
  QCOMPARE(records[0].recipients, std::vector<std::string>{"MS:MSNET/SALES/DIRSYNC"});
  QCOMPARE(records[0].recipient_names, std::vector<std::string>{"Sales Dir-Sync"});
  QCOMPARE(records[1].recipients, std::vector<std::string>{"MS:MSNET/SALES/ALICE"});
  QVERIFY(records[1].recipient_names.empty());
  // Plain mail is written as it always was: none of the optional lines.
  QVERIFY(!records[2].dirsync);
  QVERIFY(records[2].sender_name.empty() && records[2].reply_to.empty());
  QVERIFY(entries[2].payload.find("-name:") == std::string::npos);
  QVERIFY(entries[2].payload.find("class:") == std::string::npos);
}

void TestFaults::trigger_thread_of_the_outbound_ndr() {
  // With two inbound threads (5, 6) the outbound thread is 7: a thread trigger follows the
  // thread that makes the call, so every refusal it causes is on that thread.
  WorldSpec w;
  w.rules = {"mta.put[thread=6]=return(0x13)"};
  w.engine_extra = R"("cpus": 2)";
  w.base_messages = false;
  w.traffic = R"([{"from": "MS:MSNET/SALES/ALICE", "to": "MS:EXCHANGE/HQ/BOB", "every": "10s"}])";
  const auto r = run_world(w);
  const int refused = count(r, 2342);
  QVERIFY2(refused > 5, qPrintable(QString::number(refused)));
  QCOMPARE(count(r, 2342, 6), refused);
  QCOMPARE(std::int64_t{refused}, fired(r));
  QVERIFY(delivered_between(r, 0, 10 * kMin) > 5);  // thread 5 delivers its share
}

// ---- 3. actions through the real engine -------------------------------------------------------

void TestFaults::return_code_is_reported_data() {
  QTest::addColumn<QString>("profile");
  QTest::addColumn<QString>("code");
  QTest::addColumn<QString>("shown");  // as 2342 shows it
  for (const char* profile : {"exchange-5.0", "exchange-5.0-sp1", "hardened"}) {
    for (const auto& [code, shown] :
         std::vector<std::pair<const char*, const char*>>{{"0x13", "0x13"},
                                                          {"0x15", "0x15"},
                                                          {"0x16", "0x16"},
                                                          {"0x04", "0x4"},
                                                          {"0x05", "0x5"}}) {
      QTest::newRow((std::string(profile) + " " + code).c_str()) << profile << code << shown;
    }
  }
}

void TestFaults::return_code_is_reported() {
  QFETCH(QString, profile);
  QFETCH(QString, code);
  QFETCH(QString, shown);
  WorldSpec w;
  w.max_attempts = 3;
  w.rules = {"mta.put[rcpt~*FRANK]=1*return(" + code.toStdString() + ")->off"};
  const auto r = run_world(w, profile.toStdString());
  const std::string text = "Return code is " + shown.toStdString() + ".";
  QCOMPARE(count(r, 2342, 5, text), 1);
  QCOMPARE(count(r, 2342), 1);
  for (const msmi::Event& e : r.events) {
    if (e.event_id == 2342) QCOMPARE(e.message_id, entry(r, "c").message_id);
  }
  // Refused once, then put again: nothing is lost, and the message got through.
  QCOMPARE(entry(r, "c").fate, Fate::kDelivered);
  QCOMPARE(entry(r, "c").attempts, 2);
  QCOMPARE(fate_count(r, Fate::kDelivered), 5);
}

void TestFaults::io_error_on_envelope_is_passing_data() {
  QTest::addColumn<QString>("profile");
  QTest::addColumn<QString>("rule");
  for (const char* profile : {"exchange-4.0", "exchange-5.0", "exchange-5.0-sp1", "hardened"}) {
    QTest::newRow((std::string(profile) + ", Mailer's read").c_str())
        << profile << "disk.read[file=P1/00000001.P1]=2*error(EIO)->off";
    QTest::newRow((std::string(profile) + ", every read for a while").c_str())
        << profile << "disk.read[kind=P1,until=150s]=error(EIO)";
    QTest::newRow((std::string(profile) + ", the content").c_str())
        << profile << "disk.read[kind=MAI]=3*error(EIO)->off";
  }
}

void TestFaults::io_error_on_envelope_is_passing() {
  QFETCH(QString, profile);
  QFETCH(QString, rule);
  WorldSpec w;
  w.rules = {rule.toStdString()};
  const auto r = run_world(w, profile.toStdString());
  QVERIFY(fired(r) >= 2);
  // A read error is passing: the message waits and is delivered; nothing is moved aside.
  QCOMPARE(fate_count(r, Fate::kDelivered), 5);
  QCOMPARE(count(r, 9002), 0);
  QCOMPARE(count(r, 2342), 0);
  w.rules.clear();
  const auto clean = run_world(w, profile.toStdString());
  QVERIFY(entry(r, "a").settled_us > entry(clean, "a").settled_us);  // it did wait
}

void TestFaults::full_mailbag_ndrs_008_data() {
  QTest::addColumn<QString>("profile");
  QTest::addColumn<QString>("action");
  for (const char* profile : {"exchange-5.0", "exchange-5.0-sp1", "hardened"}) {
    for (const char* action : {"error(ENOSPC)", "fill", "error(EIO)"}) {
      QTest::newRow((std::string(profile) + " " + action).c_str()) << profile << action;
    }
  }
}

void TestFaults::full_mailbag_ndrs_008() {
  QFETCH(QString, profile);
  QFETCH(QString, action);
  // The PC MTA is stopped, so the second record is appended to the SALES mailbag (the first
  // one writes it whole).
  WorldSpec w;
  w.base_messages = false;
  w.extra_messages = R"(
    {"at": "1m", "label": "first", "direction": "outbound", "from": "MS:EXCHANGE/HQ/BOB", "to": "MS:MSNET/SALES/ALICE", "subject": "first"},
    {"at": "2m", "label": "second", "direction": "outbound", "from": "MS:EXCHANGE/HQ/BOB", "to": "MS:MSNET/SALES/ALICE", "subject": "second"},
    {"at": "3m", "label": "elsewhere", "direction": "outbound", "from": "MS:EXCHANGE/HQ/BOB", "to": "MS:MSNET/HR/EVE", "subject": "third"})";
  w.operator_steps = R"([{"at": "0s", "action": "stop", "service": "pcmta"}])";
  w.rules = {"disk.append[file~MBG/SALES*]=" + action.toStdString()};
  const auto r = run_world(w, profile.toStdString());
  QCOMPARE(fired(r), std::int64_t{1});
  const std::string id = entry(r, "second").message_id;
  QCOMPARE(count(r, 2010, 6, "SALES"), 1);
  QCOMPARE(count(r, 2010), 1);
  QCOMPARE(count(r, 2117, 6, "[008]"), 1);
  QCOMPARE(count(r, 2371), 0);  // a full mailbag is no invalid recipient
  for (const msmi::Event& e : r.events) {
    if (e.event_id == 2010 || e.event_id == 2117) QCOMPARE(e.message_id, id);
  }
  QCOMPARE(entry(r, "second").fate, Fate::kNdr);
  QCOMPARE(entry(r, "first").fate, Fate::kDelivered);
  QCOMPARE(entry(r, "elsewhere").fate, Fate::kDelivered);
}

void TestFaults::hardened_waits_for_a_full_mailbag_data() {
  QTest::addColumn<QString>("profile");
  QTest::addColumn<QString>("chain");
  QTest::addColumn<int>("reports");  // 2010s for the second message
  QTest::addColumn<int>("ndrs");     // [008] NDRs for ALICE
  // Full once: legacy builds bounce it at once; hardened tries again a minute later.
  QTest::newRow("legacy, full once") << "exchange-5.0"
                                     << "1*fill->off" << 1 << 1;
  QTest::newRow("hardened, full once") << "hardened"
                                       << "1*fill->off" << 1 << 0;
  // Full for good: hardened gives up after max_attempts (3) and only then returns it.
  QTest::newRow("hardened, full for good") << "hardened"
                                           << "fill" << 3 << 1;
}

void TestFaults::hardened_waits_for_a_full_mailbag() {
  QFETCH(QString, profile);
  QFETCH(QString, chain);
  QFETCH(int, reports);
  QFETCH(int, ndrs);
  // The second message goes to ALICE, whose SALES mailbag is full, and to EVE in HR.
  WorldSpec w;
  w.base_messages = false;
  w.max_attempts = 3;
  w.duration = "20m";
  w.profile = profile.toStdString();
  w.extra_messages = R"(
    {"at": "1m", "label": "first", "direction": "outbound", "from": "MS:EXCHANGE/HQ/BOB", "to": "MS:MSNET/SALES/ALICE", "subject": "first"},
    {"at": "2m", "label": "second", "direction": "outbound", "from": "MS:EXCHANGE/HQ/BOB", "to": ["MS:MSNET/SALES/ALICE", "MS:MSNET/HR/EVE"], "subject": "second"})";
  w.operator_steps = R"([{"at": "0s", "action": "stop", "service": "pcmta"}])";
  w.rules = {"disk.append[file~MBG/SALES*]=" + chain.toStdString()};
  const auto r = run_world(w, profile.toStdString());
  const msmisim::LedgerEntry& second = entry(r, "second");
  QCOMPARE(count(r, 2010), reports);
  QCOMPARE(count(r, 2117, 6, "[008]"), ndrs);
  QCOMPARE(second.fate, Fate::kDelivered);  // EVE has it in any case
  // EVE's record is written once, however often ALICE's mailbag is tried: no duplicate.
  QVERIFY2(broken(r.invariants).empty(), broken(r.invariants).c_str());
  if (profile == "hardened") {
    // Settled only once ALICE was served: the retries wait 1 and then 2 minutes.
    QVERIFY(second.settled_us >= (2 + 1) * kMin);
    if (reports == 3) QVERIFY(second.settled_us >= (2 + 1 + 2) * kMin);
  }
}

void TestFaults::damaged_envelope_is_moved_aside_data() {
  QTest::addColumn<QString>("profile");
  QTest::addColumn<QString>("action");
  QTest::addColumn<int>("fate");
  for (const char* action : {"truncate(10)", "truncate(0)", "garble", R"(replace("junk"))"}) {
    for (const auto& [profile, fate] :
         std::vector<std::pair<const char*, Fate>>{{"exchange-4.0", Fate::kLost},
                                                   {"exchange-5.0", Fate::kLost},
                                                   {"exchange-5.0-sp1", Fate::kLost},
                                                   {"hardened", Fate::kQuarantined}}) {
      QTest::newRow((std::string(profile) + " " + action).c_str())
          << profile << action << static_cast<int>(fate);
    }
  }
}

void TestFaults::damaged_envelope_is_moved_aside() {
  QFETCH(QString, profile);
  QFETCH(QString, action);
  QFETCH(int, fate);
  WorldSpec w;
  w.rules = {"disk.read[file=P1/00000002.P1]=1*" + action.toStdString() + "->off"};
  const auto r = run_world(w, profile.toStdString());
  QCOMPARE(fired(r), std::int64_t{1});
  const std::string id = entry(r, "b").message_id;
  QCOMPARE(count(r, 9002, -2, "P1/00000002.P1 is damaged"), 1);
  QCOMPARE(count(r, 9002), 1);
  QCOMPARE(static_cast<int>(entry(r, "b").fate), fate);
  QCOMPARE(count(r, 9001, -2, id), fate == static_cast<int>(Fate::kQuarantined) ? 1 : 0);
  // Only that message: the others go through.
  QCOMPARE(fate_count(r, Fate::kDelivered), 4);
}

void TestFaults::locked_envelope_waits_data() {
  QTest::addColumn<QString>("profile");
  QTest::addColumn<QString>("rule");
  QTest::addColumn<QStringList>("delivered");
  for (const char* profile : {"exchange-5.0", "exchange-5.0-sp1", "hardened"}) {
    // The Mailer takes INQUEUE3 in order and waits for the envelope at its head.
    QTest::newRow((std::string(profile) + " envelope").c_str())
        << profile << "disk.read[file=P1/00000001.P1]=lock" << QStringList{"o1", "o2"};
    // The inbound thread puts a locked message back and takes the next.
    QTest::newRow((std::string(profile) + " content").c_str())
        << profile << "disk.read[kind=MAI,nth=1]=lock" << QStringList{"b", "c", "o1", "o2"};
  }
}

void TestFaults::locked_envelope_waits() {
  QFETCH(QString, profile);
  QFETCH(QString, rule);
  QFETCH(QStringList, delivered);
  // Another process locks one of a's files when it is first opened, and never lets go.
  WorldSpec w;
  w.rules = {rule.toStdString()};
  const auto r = run_world(w, profile.toStdString());
  QCOMPARE(fired(r), std::int64_t{1});
  QCOMPARE(entry(r, "a").fate, Fate::kPending);
  QVERIFY2(entry(r, "a").detail.find("INQUEUE3") != std::string::npos,
           entry(r, "a").detail.c_str());
  for (const QString& label : delivered)
    QCOMPARE(entry(r, label.toStdString()).fate, Fate::kDelivered);
  QCOMPARE(fate_count(r, Fate::kLost), 0);
  QCOMPARE(count(r, 9002), 0);  // busy is not damaged
  QCOMPARE(count(r, 2342), 0);
  QVERIFY(r.service_running);
}

void TestFaults::locked_inqueue3_fails_the_start() {
  WorldSpec w;
  w.rules = {"disk.read[file=KEY/INQUEUE3.KEY]=1*lock->off"};
  const auto r = run_world(w);
  QCOMPARE(fired(r), std::int64_t{1});
  // The mailer component cannot open INQUEUE3: ERROR_SHARING_VIOLATION (0x20).
  QCOMPARE(count(r, 2302, -2, "the return code Win32 is 0x20."), 1);
  QCOMPARE(count(r, 7036, -2, "running"), 0);
  QVERIFY(!r.service_running);
  QCOMPARE(fate_count(r, Fate::kDelivered), 0);
  QCOMPARE(fate_count(r, Fate::kLost), 0);
}

void TestFaults::delay_adds_busy_time_data() {
  QTest::addColumn<QString>("rule");
  QTest::addColumn<int>("thread");
  QTest::newRow("conversion") << "engine.convert_inbound=delay(2s)" << 5;
  QTest::newRow("put") << "mta.put=delay(2s)" << 5;
  QTest::newRow("Mailer reading the envelope") << "disk.read[kind=P1,thread=4]=delay(2s)" << 4;
  QTest::newRow("outbound read") << "mta.read=1*delay(90s)->off" << 6;
}

void TestFaults::delay_adds_busy_time() {
  QFETCH(QString, rule);
  QFETCH(int, thread);
  WorldSpec w;
  w.base_messages = false;
  w.traffic = R"([{"from": "MS:MSNET/SALES/ALICE", "to": "MS:EXCHANGE/HQ/BOB", "every": "20s"}])";
  const auto clean = run_world(w);
  w.rules = {rule.toStdString()};
  const auto r = run_world(w);
  QVERIFY(fired(r) >= 1);
  const double before = thread_of(clean, thread)->mean_busy_pct;
  const double after = thread_of(r, thread)->mean_busy_pct;
  // 2 s of every 20 s, or 90 s of 10 minutes: about 10 and 15 points more.
  QVERIFY2(after - before > 7.0, qPrintable(QString("%1 → %2").arg(before).arg(after)));
  QCOMPARE(fate_count(r, Fate::kLost), 0);
  QCOMPARE(count(r, 2342), 0);
}

void TestFaults::drop_session_opens_new_sessions() {
  WorldSpec w;
  const auto clean = run_world(w);
  w.rules = {"mta.put[nth=2]=drop_session"};
  const auto r = run_world(w);
  QCOMPARE(fired(r), std::int64_t{1});
  // The put fails as the network does (0x5) and the message is submitted again...
  QCOMPARE(count(r, 2342, 5, "Return code is 0x5."), 1);
  QCOMPARE(entry(r, "b").fate, Fate::kDelivered);
  // ...in a new upload session; the download session went too and is opened again.
  QCOMPARE(count(r, 2384), count(clean, 2384) + 1);
  QCOMPARE(count(clean, 2560), 0);
  QCOMPARE(count(r, 2560, 6), 1);
  QCOMPARE(count(r, 2335, 6), count(clean, 2335) + 1);
  QCOMPARE(fate_count(r, Fate::kDelivered), 5);
}

void TestFaults::hang_ignores_stop_until_kill_data() {
  QTest::addColumn<QString>("profile");
  QTest::addColumn<QString>("point");
  QTest::addColumn<int>("thread");
  for (const char* profile : {"exchange-5.0", "exchange-5.0-sp1", "hardened"}) {
    QTest::newRow((std::string(profile) + " converting").c_str())
        << profile << "engine.convert_inbound" << 5;
    QTest::newRow((std::string(profile) + " in om_put").c_str()) << profile << "mta.put" << 5;
    QTest::newRow((std::string(profile) + " reading an envelope").c_str())
        << profile << "disk.read[kind=P1]" << 4;
  }
}

void TestFaults::hang_ignores_stop_until_kill() {
  QFETCH(QString, profile);
  QFETCH(QString, point);
  QFETCH(int, thread);
  WorldSpec w;
  w.rules = {point.toStdString() + "=1*hang->off"};
  w.operator_steps = R"([{"at": "6m", "action": "stop", "service": "msmi"}])";
  const auto hung = run_world(w, profile.toStdString());
  QCOMPARE(fired(hung), std::int64_t{1});
  QCOMPARE(thread_of(hung, thread)->state, msmi::ThreadState::kHung);
  QVERIFY(hung.service_running);  // the stop request was not answered
  QCOMPARE(count(hung, 9003, -2, "1053"), 1);
  QCOMPARE(count(hung, 7036, -2, "stopped"), 0);
  QVERIFY(entry(hung, "a").fate != Fate::kDelivered);
  // A hung call never returns, so nothing after it is logged: the engine abandons its step.
  QCOMPARE(count(hung, 2342), 0);
  QCOMPARE(fate_count(hung, Fate::kLost), 0);

  // Killing the process ends the service (7034); started again, the queue drains.
  w.operator_steps = R"([{"at": "6m", "action": "stop", "service": "msmi"},
                         {"at": "7m", "action": "kill", "service": "msmi"},
                         {"at": "8m", "action": "start", "service": "msmi"}])";
  const auto killed = run_world(w, profile.toStdString());
  QCOMPARE(count(killed, 7034, -2, "terminated unexpectedly"), 1);
  QCOMPARE(count(killed, 7036, -2, "stopped"), 0);
  QCOMPARE(count(killed, 7036, -2, "running"), 2);
  QVERIFY(killed.service_running);
  QVERIFY(thread_of(killed, thread)->state != msmi::ThreadState::kHung);
  QCOMPARE(fate_count(killed, Fate::kDelivered), 5);
}

void TestFaults::end_of_process_data() {
  QTest::addColumn<QString>("action");
  QTest::addColumn<int>("logged");  // 7034 events
  QTest::newRow("terminate") << "terminate" << 0;
  QTest::newRow("stop") << "stop" << 1;
}

void TestFaults::end_of_process() {
  QFETCH(QString, action);
  QFETCH(int, logged);
  WorldSpec w;
  w.rules = {"engine.convert_inbound[nth=2]=" + action.toStdString()};
  const auto r = run_world(w);
  QCOMPARE(fired(r), std::int64_t{1});
  QVERIFY(!r.service_running);
  QCOMPARE(count(r, 7034), logged);
  QCOMPARE(count(r, 7036, -2, "stopped"), 0);  // the process ended: no orderly stop
  QCOMPARE(entry(r, "a").fate, Fate::kDelivered);
  QCOMPARE(entry(r, "b").fate, Fate::kPending);
  QCOMPARE(fate_count(r, Fate::kLost), 0);
  for (const auto& t : r.threads) QCOMPARE(t.state, msmi::ThreadState::kStopped);

  // The message it was converting is still queued: a start delivers it.
  w.operator_steps = R"([{"at": "8m", "action": "start", "service": "msmi"}])";
  const auto restarted = run_world(w);
  QVERIFY(restarted.service_running);
  QCOMPARE(entry(restarted, "b").fate, Fate::kDelivered);
  QCOMPARE(fate_count(restarted, Fate::kLost), 0);
}

void TestFaults::power_loss_takes_the_server_down_for_its_boot_data() {
  QTest::addColumn<QString>("rule");      // a fault rule cutting the power, or ""
  QTest::addColumn<QString>("steps");     // operator steps
  QTest::addColumn<QString>("said");      // how the 9003 note begins
  QTest::addColumn<qint64>("cut_after");  // the power goes at or after this time (s)
  QTest::newRow("by a fault rule")
      << "engine.convert_inbound[nth=2]=power_loss"
      << "[{\"at\": \"9m\", \"action\": \"restart\"}]"
      << "Fault rule: power loss at engine.convert_inbound: every process" << 120LL;
  QTest::newRow("by the operator") << ""
                                   << "[{\"at\": \"150s\", \"action\": \"power_loss\"}, {\"at\": "
                                      "\"9m\", \"action\": \"restart\"}]"
                                   << "Operator: power loss" << 150LL;
}

void TestFaults::power_loss_takes_the_server_down_for_its_boot() {
  QFETCH(QString, rule);
  QFETCH(QString, steps);
  QFETCH(QString, said);
  QFETCH(qint64, cut_after);
  WorldSpec w;
  if (!rule.isEmpty()) w.rules = {rule.toStdString()};
  // A restart while the server boots is skipped; the one at 9 minutes is not.
  w.operator_steps = steps.toStdString();
  w.operator_steps.insert(1, R"({"at": "3m", "action": "restart"}, )");
  const auto r = run_world(w);
  std::int64_t cut = -1;
  for (const msmi::Event& e : r.events) {
    if (e.event_id == 9003 && e.description.starts_with(said.toStdString())) cut = e.time_us;
  }
  QVERIFY2(cut >= cut_after * 1'000'000, said.toUtf8().constData());
  QCOMPARE(count(r, 9003, -2, "power loss"), 1);
  QCOMPARE(count(r, 9003, -2, "restart skipped: the server has no power"), 1);
  // The MSMI is back two minutes later, not at once; the 9-minute restart finds it running.
  const std::int64_t boot = cut + 2 * kMin;
  QCOMPARE(count(r, 7036, -2, "Interchange service entered the running state", cut, boot), 0);
  QCOMPARE(count(r, 7036, -2, "Interchange service entered the running state", boot, boot + 1), 1);
  QVERIFY(r.service_running);
  QVERIFY2(broken(r.invariants).empty(), broken(r.invariants).c_str());
}

void TestFaults::access_violation_data() {
  QTest::addColumn<QString>("profile");
  QTest::addColumn<bool>("survives");
  QTest::newRow("exchange-4.0") << "exchange-4.0" << false;
  QTest::newRow("exchange-5.0") << "exchange-5.0" << false;
  QTest::newRow("exchange-5.0-sp1") << "exchange-5.0-sp1" << false;
  QTest::newRow("exchange-5.5") << "exchange-5.5" << false;
  QTest::newRow("hardened") << "hardened" << true;
}

void TestFaults::access_violation() {
  QFETCH(QString, profile);
  QFETCH(bool, survives);
  WorldSpec w;
  w.rules = {"engine.convert_inbound[rcpt~*@x.example]=access_violation(0x24)"};
  const auto r = run_world(w, profile.toStdString());
  const std::string id = entry(r, "b").message_id;
  QCOMPARE(count(r, 2380, 5, "attempt to read from 0x00000024"), 1);
  QCOMPARE(count(r, 2380), 1);
  if (survives) {
    QCOMPARE(count(r, 10003), 0);
    QVERIFY(r.service_running);
    QCOMPARE(r.crashes, 0);
    QCOMPARE(entry(r, "b").fate, Fate::kQuarantined);
    QCOMPARE(count(r, 9001, -2, id), 1);
    QCOMPARE(fate_count(r, Fate::kDelivered), 4);
  } else {
    QCOMPARE(count(r, 10003, 5, "Inbound delivery thread failed"), 1);
    QVERIFY(!r.service_running);
    QCOMPARE(r.crashes, 1);
    QCOMPARE(count(r, 7036, -2, "stopped"), 1);
    QCOMPARE(entry(r, "b").fate, Fate::kPending);  // still in INQUEUE3 for the next start
    QCOMPARE(entry(r, "c").fate, Fate::kPending);
    QCOMPARE(entry(r, "a").fate, Fate::kDelivered);
  }
  QCOMPARE(fate_count(r, Fate::kLost), 0);
}

void TestFaults::leave_in_queue_outbound() {
  WorldSpec w;
  w.rules = {"engine.convert_outbound[rcpt~*ALICE]=leave_in_queue"};
  const auto r = run_world(w);
  const std::string id = entry(r, "o1").message_id;
  QCOMPARE(count(r, 2450, 6, "", 0, 10 * kMin), 1);
  for (const msmi::Event& e : r.events) {
    if (e.event_id == 2450) QCOMPARE(e.message_id, id);
  }
  QCOMPARE(entry(r, "o1").fate, Fate::kPending);
  QVERIFY2(entry(r, "o1").detail.find("MTA") != std::string::npos, entry(r, "o1").detail.c_str());
  QCOMPARE(r.backlog.mta_queue, std::int64_t{1});
  QCOMPARE(entry(r, "o2").fate, Fate::kDelivered);

  // The MTA offers it again after a restart, and it fails again.
  w.operator_steps = R"([{"at": "7m", "action": "restart", "service": "msmi"}])";
  const auto restarted = run_world(w);
  QCOMPARE(count(restarted, 2450, 6, "", 0, 7 * kMin), 1);
  QCOMPARE(count(restarted, 2450, 6, "", 7 * kMin), 1);
  QCOMPARE(entry(restarted, "o1").fate, Fate::kPending);
  QCOMPARE(fired(restarted), std::int64_t{2});
}

void TestFaults::engine_sites_react_data() {
  QTest::addColumn<QString>("profile");
  QTest::addColumn<QStringList>("rules");
  QTest::addColumn<QString>("operator_steps");
  QTest::addColumn<QStringList>("events");  // "ID=count" or "ID~text=count"
  QTest::addColumn<bool>("running");        // the service at the end
  QTest::addColumn<int>("hung");            // a thread hung at the end, or -1
  const QString none = "[]";
  QTest::newRow("NDR logging reads through a null pointer, sp1")
      << "exchange-5.0-sp1" << QStringList{"engine.log_ndr=access_violation(0x24)"} << none
      << QStringList{"2380~0x00000024=1", "10003~Mailer thread failed=1", "2117=0"} << false << -1;
  QTest::newRow("NDR logging reads through a null pointer, hardened")
      << "hardened" << QStringList{"engine.log_ndr=access_violation(0x24)"} << none
      << QStringList{"2380~0x00000024=1", "10003=0", "9001=1"} << true << -1;
  QTest::newRow("writing an outbound mailbag fails")
      << "exchange-5.0" << QStringList{"engine.write_mailbag[msgkind=ipm]=fail"} << none
      << QStringList{"2010=2", "2117~[008]=2", "2450=0"} << true << -1;
  QTest::newRow("writing an NDR into a mailbag fails, hardened")
      << "hardened" << QStringList{"engine.write_mailbag[msgkind=ndr]=fail"} << none
      << QStringList{"2010=1", "9001=1"} << true << -1;
  QTest::newRow("a thread hangs as it starts")
      << "exchange-5.0" << QStringList{"engine.thread_start[thread=5]=hang"} << none
      << QStringList{"2384=0", "2444=4", "2335=1"} << true << 5;
  QTest::newRow("a thread fails to start")
      << "hardened" << QStringList{"engine.thread_start[thread=6]=fail"} << none
      << QStringList{"2384=1", "2335=0", "2117~[029]=1"} << true << 6;
  QTest::newRow("the refreshed thread never comes back")
      << "exchange-5.0-sp1"
      << QStringList{"mta.put[rcpt~*FRANK]=1*return(0x15)->off", "engine.thread_refresh=hang"}
      << none << QStringList{"2342=1", "2553=1", "9004=0"} << true << 5;
  QTest::newRow("housekeeping hangs")
      << "hardened" << QStringList{"engine.housekeeping_refresh=hang"} << none
      << QStringList{"2444=4"} << true << 1;
  QTest::newRow("the stop request never finishes")
      << "exchange-5.0" << QStringList{"engine.service_stop=1*fail->off"}
      << R"([{"at": "7m", "action": "stop", "service": "msmi"},
             {"at": "8m", "action": "stop", "service": "msmi"}])"
      << QStringList{"7036~stopped=0", "9003~1053=1"} << true << 0;
  QTest::newRow("the service start hangs")
      << "exchange-5.0" << QStringList{"engine.service_start=hang"} << none
      << QStringList{"7000=1", "7036=0"} << false << -1;
  QTest::newRow("the upload session cannot be opened")
      << "exchange-5.0-sp1" << QStringList{"mta.open_upload=2*return(0x05)->off"} << none
      << QStringList{"2550=1", "2342=0", "2384=1"} << true << -1;
  QTest::newRow("om_read fails while the MTA is busy")
      << "exchange-5.0" << QStringList{"mta.read[from=230s,until=320s]=return(0x16)"} << none
      << QStringList{"2560=1"} << true << -1;
}

void TestFaults::engine_sites_react() {
  QFETCH(QString, profile);
  QFETCH(QStringList, rules);
  QFETCH(QString, operator_steps);
  QFETCH(QStringList, events);
  QFETCH(bool, running);
  QFETCH(int, hung);
  // The messages, plus one the Mailer NDRs at once: its recipient cannot be parsed.
  WorldSpec w;
  w.extra_messages =
      R"({"at": "150s", "label": "ndr", "from": "MS:MSNET/SALES/ALICE", "to": "SMTP:no-at-sign"})";
  w.operator_steps = operator_steps.toStdString();
  for (const QString& rule : rules) w.rules.push_back(rule.toStdString());
  const auto r = run_world(w, profile.toStdString());
  for (std::size_t i = 0; i < r.fault_stats.size(); ++i)
    QVERIFY2(fired(r, i) > 0, r.fault_stats[i].rule.c_str());
  for (const QString& e : events) {
    const QStringList parts = e.split('=');
    const QStringList what = parts[0].split('~');
    const int id = what[0].toInt();
    const std::string text = what.size() > 1 ? what[1].toStdString() : "";
    QVERIFY2(count(r, id, -2, text) == parts[1].toInt(),
             qPrintable(e + ": " + QString::number(count(r, id, -2, text))));
  }
  QCOMPARE(r.service_running, running);
  for (const msmisim::ThreadSummary& t : r.threads) {
    QCOMPARE(t.state == msmi::ThreadState::kHung, t.thread == hung);
  }
  QCOMPARE(fate_count(r, Fate::kLost), 0);
}

void TestFaults::fail_at_service_start() {
  WorldSpec w;
  w.rules = {"engine.service_start[nth=1]=fail"};
  const auto r = run_world(w);
  QCOMPARE(count(r, 2302, 0, "Return code from mailer is 0x2 and the return code Win32 is 0x5."),
           1);
  QVERIFY(!r.service_running);
  QCOMPARE(count(r, 7036, -2, "running"), 0);
  QCOMPARE(fate_count(r, Fate::kDelivered), 0);
  QCOMPARE(fate_count(r, Fate::kLost), 0);
  // Only the first start: the operator's second try works and the mail flows.
  w.operator_steps = R"([{"at": "6m", "action": "start", "service": "msmi"}])";
  const auto retried = run_world(w);
  QCOMPARE(count(retried, 2302, 0, "Win32 is 0x5."), 1);
  QCOMPARE(count(retried, 2302, 0, "service-specific error 105"), 1);
  QVERIFY(retried.service_running);
  QCOMPARE(fate_count(retried, Fate::kDelivered), 5);
}

// The points at the seams' edges: opening and locking a file, the MTA service and its queue,
// the directory session. Each row: the rules, operator steps, events ("ID=count" or
// "ID~text=count"), whether the MSMI runs at the end, and fates ("label=fate").
void TestFaults::seam_points_react_data() {
  QTest::addColumn<QString>("profile");
  QTest::addColumn<QStringList>("rules");
  QTest::addColumn<QString>("operator_steps");
  QTest::addColumn<QStringList>("events");
  QTest::addColumn<bool>("running");
  QTest::addColumn<QStringList>("fates");
  const QString none = "[]";
  const QString sp1 = "exchange-5.0-sp1";
  const QStringList all_delivered = {"a=delivered", "b=delivered", "c=delivered", "o1=delivered",
                                     "o2=delivered"};
  // ---- disk.open
  QTest::newRow("disk.open error(EIO) on the envelope is passing")
      << sp1 << QStringList{"disk.open[kind=P1]=2*error(EIO)->off"} << none
      << QStringList{"9002=0", "2342=0"} << true << all_delivered;
  QTest::newRow("disk.open lock on a content file: that message waits")
      << sp1 << QStringList{"disk.open[kind=MAI,nth=1]=lock"} << none << QStringList{"9002=0"}
      << true << QStringList{"a=pending", "b=delivered", "c=delivered", "o1=delivered"};
  QTest::newRow("disk.open hang: the Mailer opening an envelope never returns")
      << sp1 << QStringList{"disk.open[kind=P1,thread=4]=1*hang->off"} << none
      << QStringList{"2384=0"} << true
      << QStringList{"a=pending", "b=pending", "o1=delivered", "o2=delivered"};
  QTest::newRow("disk.open stop: the process ends at the content file")
      << sp1 << QStringList{"disk.open[kind=MAI,nth=1]=stop"} << none
      << QStringList{"7034~MS Mail Connector Interchange=1", "7036~stopped=0"} << false
      << QStringList{"a=pending", "o1=pending"};
  QTest::newRow("disk.open event before the envelope is read")
      << sp1 << QStringList{R"(disk.open[file=P1/00000001.P1]=1*event(9003, "opened")->off)"}
      << none << QStringList{"9003~opened=1"} << true << all_delivered;
  // ---- disk.lock
  QTest::newRow("disk.lock busy on the outbound mailbag: [008] contention")
      << "exchange-5.0" << QStringList{"disk.lock[file~KEY/SALES*]=error(EBUSY)"} << none
      << QStringList{"2117~[008]=1"} << true
      << QStringList{"o1=ndr", "o2=delivered", "a=delivered"};
  QTest::newRow("disk.lock: another process keeps the mailbag's MBG")
      << "exchange-5.0" << QStringList{"disk.lock[file~MBG/SALES*]=lock"} << none
      << QStringList{"2117~[008]=1"} << true << QStringList{"o1=ndr", "o2=delivered"};
  QTest::newRow("disk.lock event on every mailbag update")
      << sp1 << QStringList{R"(disk.lock[kind=KEY]=event(9003, "locked"))"} << none << QStringList{}
      << true << all_delivered;
  // ---- mta.service
  QTest::newRow("mta.service stop: 7034 for the MTA, which stays down")
      << sp1 << QStringList{"mta.service[from=150s]=1*stop->off"} << none
      << QStringList{"7034~Microsoft Exchange Message Transfer Agent service terminated=1",
                     "7036~Message Transfer Agent=0", "2550=1"}
      << true << QStringList{"a=delivered", "b=delivered", "c=pending", "o1=pending", "o2=pending"};
  QTest::newRow("mta.service stop, then the operator starts the MTA")
      << sp1 << QStringList{"mta.service[from=150s]=1*stop->off"}
      << R"([{"at": "7m", "action": "start", "service": "mta"}])"
      << QStringList{"7034~Message Transfer Agent=1", "7036~Message Transfer Agent=1"} << true
      << all_delivered;
  QTest::newRow("mta.service terminate: the MTA ends without a word")
      << sp1 << QStringList{"mta.service[from=150s]=1*terminate->off"} << none
      << QStringList{"7034=0", "2550=1"} << true
      << QStringList{"c=pending", "o1=pending", "o2=pending"};
  QTest::newRow("mta.service hang: calls fail until the MTA is restarted")
      << sp1 << QStringList{"mta.service[from=150s]=1*hang->off"}
      << R"([{"at": "7m", "action": "restart", "service": "mta"}])"
      << QStringList{"7034=0", "2550=1", "7036~Message Transfer Agent=2"} << true << all_delivered;
  QTest::newRow("mta.service hang, never restarted")
      << sp1 << QStringList{"mta.service[from=150s]=1*hang->off"} << none
      << QStringList{"7034=0", "2550=1"} << true
      << QStringList{"c=pending", "o1=pending", "o2=pending"};
  QTest::newRow("mta.service hang at the put of one message")
      << sp1 << QStringList{"mta.service[sender~*CAROL]=1*hang->off"} << none
      << QStringList{"2550=1"} << true
      << QStringList{"a=delivered", "b=pending", "c=pending", "o1=pending", "o2=pending"};
  QTest::newRow("mta.service delay and event change nothing")
      << sp1
      << QStringList{"mta.service=3*delay(1s)->off", R"(mta.service=1*event(9003, "m")->off)"}
      << none << QStringList{"9003~m=1"} << true << all_delivered;
  // ---- mta.queue
  QTest::newRow("mta.queue return: the MTA refuses the message, its sender gets an NDR")
      << sp1 << QStringList{"mta.queue[rcpt~*ALICE]=return(0x13)"} << none << QStringList{} << true
      << QStringList{"o1=ndr", "o2=delivered", "a=delivered"};
  QTest::newRow("mta.queue fill: the queue is full")
      << sp1 << QStringList{"mta.queue=1*fill->off"} << none << QStringList{} << true
      << QStringList{"o1=ndr", "o2=delivered"};
  QTest::newRow("mta.queue delay: held, then delivered")
      << sp1 << QStringList{"mta.queue[rcpt~*ALICE]=delay(3m)"} << none << QStringList{} << true
      << all_delivered;
  QTest::newRow("mta.queue delay past the end: still waiting")
      << sp1 << QStringList{"mta.queue[rcpt~*ALICE]=delay(1h)"} << none << QStringList{} << true
      << QStringList{"o1=pending", "o2=delivered"};
  QTest::newRow("mta.queue event")
      << sp1 << QStringList{R"(mta.queue[rcpt~*EVE]=event(9003, "queued"))"} << none
      << QStringList{"9003~queued=1"} << true << all_delivered;
  // ---- directory.session
  QTest::newRow("directory.session return(0x105): the start fails")
      << sp1 << QStringList{"directory.session=1*return(0x105)->off"} << none
      << QStringList{"2410~The return code is 0x105.=1",
                     "7024~MS Mail Connector Interchange service terminated with "
                     "service-specific error 261.=1",
                     "7036~MS Mail Connector Interchange service entered the running=0"}
      << false << QStringList{"a=pending", "o1=pending"};
  QTest::newRow("directory.session fails once; the operator's second start works")
      << sp1 << QStringList{"directory.session=1*return(0x2A)->off"}
      << R"([{"at": "30s", "action": "start", "service": "msmi"}])"
      << QStringList{"2410~0x2A=1", "7024~error 42.=1"} << true << all_delivered;
  QTest::newRow("directory.session event")
      << sp1 << QStringList{R"(directory.session=event(9003, "dir"))"}
      << R"([{"at": "8m", "action": "restart", "service": "msmi"}])"
      << QStringList{"9003~dir=2", "2410=0"} << true << all_delivered;
}

void TestFaults::seam_points_react() {
  QFETCH(QString, profile);
  QFETCH(QStringList, rules);
  QFETCH(QString, operator_steps);
  QFETCH(QStringList, events);
  QFETCH(bool, running);
  QFETCH(QStringList, fates);
  WorldSpec w;
  w.operator_steps = operator_steps.toStdString();
  for (const QString& rule : rules) w.rules.push_back(rule.toStdString());
  const auto r = run_world(w, profile.toStdString());
  for (std::size_t i = 0; i < r.fault_stats.size(); ++i)
    QVERIFY2(fired(r, i) > 0, r.fault_stats[i].rule.c_str());
  const QString mismatch = outcome_mismatch(r, events, fates);
  QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
  QCOMPARE(r.service_running, running);
  QCOMPARE(fate_count(r, Fate::kLost), 0);
}

// The Microsoft Exchange Directory service: the MTA depends on it.
void TestFaults::directory_service_steps_data() {
  QTest::addColumn<QString>("operator_steps");
  QTest::addColumn<QStringList>("events");
  QTest::addColumn<bool>("running");  // the MSMI at the end
  QTest::addColumn<QStringList>("fates");
  const QString mta_stopped = "7036~Message Transfer Agent service entered the stopped=";
  const QString mta_running = "7036~Message Transfer Agent service entered the running=";
  const QString dir_stopped = "7036~Microsoft Exchange Directory service entered the stopped=";
  const QString dir_running = "7036~Microsoft Exchange Directory service entered the running=";
  QTest::newRow("stopping the directory stops the MTA first")
      << R"([{"at": "150s", "action": "stop", "service": "directory"}])"
      << QStringList{mta_stopped + "1", dir_stopped + "1", "2550=1"} << true
      << QStringList{"b=delivered", "c=pending", "o1=pending", "o2=pending"};
  QTest::newRow("the MTA cannot start while the directory is stopped: 7001")
      << R"([{"at": "210s", "action": "stop", "service": "directory"},
             {"at": "6m", "action": "start", "service": "mta"}])"
      << QStringList{mta_running + "0",
                     "7001~The Microsoft Exchange Message Transfer Agent service depends on the "
                     "Microsoft Exchange Directory service which failed to start because of the "
                     "following error: The dependency service or group failed to start.=1"}
      << true << QStringList{"o1=pending", "o2=pending"};
  QTest::newRow("starting the directory, then the MTA")
      << R"([{"at": "210s", "action": "stop", "service": "directory"},
             {"at": "6m", "action": "start", "service": "directory"},
             {"at": "7m", "action": "start", "service": "mta"}])"
      << QStringList{dir_running + "1", mta_running + "1", "7001=0"} << true
      << QStringList{"o1=delivered", "o2=delivered"};
  QTest::newRow("restarting the directory brings the MTA back")
      << R"([{"at": "210s", "action": "restart", "service": "directory"}])"
      << QStringList{dir_stopped + "1", dir_running + "1", mta_stopped + "1", mta_running + "1"}
      << true << QStringList{"o1=delivered", "o2=delivered"};
  QTest::newRow("killing the directory: 7034, and the MTA stops")
      << R"([{"at": "210s", "action": "kill", "service": "directory"}])"
      << QStringList{"7034~Microsoft Exchange Directory service terminated unexpectedly=1",
                     mta_stopped + "1", dir_stopped + "0"}
      << true << QStringList{"o1=pending"};
  QTest::newRow("the MSMI cannot start without the directory: 2410")
      << R"([{"at": "210s", "action": "stop", "service": "directory"},
             {"at": "4m", "action": "restart", "service": "msmi"}])"
      << QStringList{"2410~0x105=1", "7024~service-specific error 261.=1"} << false
      << QStringList{"o1=pending"};
  QTest::newRow("only_if directory_stopped skips a running directory")
      << R"([{"at": "210s", "action": "start", "service": "mta", "only_if": "directory_stopped"}])"
      << QStringList{"9003~skipped: the directory service is running=1"} << true
      << QStringList{"o1=delivered"};
  QTest::newRow("only_if directory_running acts on a running directory")
      << R"([{"at": "210s", "action": "stop", "service": "directory", "only_if": "directory_running"}])"
      << QStringList{dir_stopped + "1"} << true << QStringList{"o1=pending"};
  QTest::newRow("a reboot starts a stopped directory before the MTA")
      << R"([{"at": "210s", "action": "stop", "service": "directory"},
             {"at": "6m", "action": "reboot"},
             {"at": "7m", "action": "start", "service": "msmi"}])"
      << QStringList{dir_running + "1", mta_running + "1", "7001=0"} << true
      << QStringList{"o1=delivered", "o2=delivered"};
}

void TestFaults::directory_service_steps() {
  QFETCH(QString, operator_steps);
  QFETCH(QStringList, events);
  QFETCH(bool, running);
  QFETCH(QStringList, fates);
  WorldSpec w;
  w.operator_steps = operator_steps.toStdString();
  const auto r = run_world(w);
  const QString mismatch = outcome_mismatch(r, events, fates);
  QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
  QCOMPARE(r.service_running, running);
  QCOMPARE(fate_count(r, Fate::kLost), 0);
}

void TestFaults::event_action_writes_its_text() {
  WorldSpec w;
  w.rules = {R"(engine.convert_inbound[nth=1]=event(2342, "0x99"))"};
  const auto r = run_world(w);
  QCOMPARE(count(r, 2342, 5, "failed to put into XOM stream. Return code is 0x99."), 1);
  QCOMPARE(count(r, 2342), 1);
  // Only an event: the message itself goes through.
  QCOMPARE(fate_count(r, Fate::kDelivered), 5);
  // The simulator's own note says a rule wrote it, not the operator.
  w.rules = {R"(engine.convert_inbound[nth=1]=event(9003, "marker"))"};
  const auto note = run_world(w);
  QCOMPARE(count(note, 9003, -2, "Fault rule: marker"), 1);
  QCOMPARE(count(note, 9003, -2, "Operator: marker"), 0);
}

void TestFaults::chain_counts_hand_over() {
  WorldSpec w;
  w.max_attempts = 5;
  w.rules = {"mta.put=2*return(0x15)->off"};
  const auto two = run_world(w, "exchange-5.0-sp1");
  QCOMPARE(fired(two), std::int64_t{2});
  QCOMPARE(count(two, 2342, 5, "0x15"), 2);
  QCOMPARE(fate_count(two, Fate::kDelivered), 5);

  w.rules = {"mta.put=1*return(0x15)->2*return(0x16)->off"};
  const auto three = run_world(w, "exchange-5.0-sp1");
  QCOMPARE(fired(three), std::int64_t{3});
  QCOMPARE(count(three, 2342, 5, "0x15."), 1);
  QCOMPARE(count(three, 2342, 5, "0x16."), 2);
  // In that order.
  std::vector<std::string> codes;
  for (const msmi::Event& e : three.events) {
    if (e.event_id == 2342) codes.push_back(e.description.substr(e.description.size() - 5));
  }
  QCOMPARE(codes, (std::vector<std::string>{"0x15.", "0x16.", "0x16."}));
  QVERIFY(three.fault_stats[0].matches > 3);
}

void TestFaults::percent_is_seeded() {
  WorldSpec w;
  w.base_messages = false;
  w.traffic = R"([{"from": "MS:MSNET/SALES/ALICE", "to": "MS:EXCHANGE/HQ/BOB", "every": "15s"}])";
  w.rules = {"mta.put=50%return(0x13)"};
  auto refused = [](const msmisim::RunResult& r) {
    std::vector<std::string> ids;
    for (const msmi::Event& e : r.events) {
      if (e.event_id == 2342) ids.push_back(e.message_id);
    }
    return ids;
  };
  const auto first = run_world(w, "", 1234);
  const auto second = run_world(w, "", 1234);
  const std::int64_t matches = first.fault_stats[0].matches;
  QVERIFY(matches >= 30);
  // About half, neither none nor all...
  QVERIFY2(fired(first) > matches / 4 && fired(first) < matches * 3 / 4,
           qPrintable(QString("%1 of %2").arg(fired(first)).arg(matches)));
  QCOMPARE(std::int64_t(count(first, 2342)), fired(first));
  // ...and the same ones with the same seed.
  QCOMPARE(fired(second), fired(first));
  QCOMPARE(refused(second), refused(first));
  // Another seed draws other messages.
  const auto other = run_world(w, "", 4321);
  QVERIFY(refused(other) != refused(first));
}

void TestFaults::nth_fires_on_the_third_match_only() {
  WorldSpec w;
  w.base_messages = false;
  w.traffic = R"([{"from": "MS:MSNET/SALES/ALICE", "to": "MS:EXCHANGE/HQ/BOB", "every": "1m"}])";
  w.rules = {R"(mta.put[nth=3]=event(9003, "third put"))", "mta.put[nth=3]=return(0x13)"};
  const auto r = run_world(w);
  QCOMPARE(fired(r, 0), std::int64_t{1});
  QVERIFY(r.fault_stats[0].matches >= 9);
  QCOMPARE(count(r, 9003, 5, "third put"), 1);
  // An event leaves the call alone, so the rule after it sees the same third put and refuses
  // it: the third message, and only it.
  QCOMPARE(count(r, 2342), 1);
  std::vector<std::string> order;
  for (const msmisim::LedgerEntry& e : r.ledger) order.push_back(e.message_id);
  for (const msmi::Event& e : r.events) {
    if (e.event_id == 2342) QCOMPARE(e.message_id, order.at(2));
  }
}

// A disk rule is asked about through its point's handle as through its name; a file kind
// matches without regard to case, and the thread is asked of the scheduler only by a rule
// that names one.
void TestFaults::disk_rules_match_kind_and_thread_data() {
  QTest::addColumn<QString>("rule");
  QTest::addColumn<QString>("point");
  QTest::addColumn<QString>("file");
  QTest::addColumn<bool>("fires");
  QTest::addColumn<int>("threads_asked");
  auto row = [](const char* name, const char* rule, const char* point, const char* file, bool fires,
                int asked) { QTest::newRow(name) << rule << point << file << fires << asked; };
  // A rule that fires asks for the thread once, for the action (a hang hangs that thread).
  row("kind as written", "disk.read[kind=P1]=error(EIO)", "disk.read", "P1/0000002A.P1", true, 1);
  row("kind in lower case", "disk.read[kind=p1]=error(EIO)", "disk.read", "P1/0000002A.P1", true,
      1);
  row("file in lower case", "disk.read[kind=P1]=error(EIO)", "disk.read", "p1/0000002a.p1", true,
      1);
  row("another kind", "disk.read[kind=P1]=error(EIO)", "disk.read", "MAI/MA0/0000002A.MAI", false,
      0);
  // '1' and 0x11 differ in the bit that tells case apart in letters only.
  row("not a letter", "disk.read[kind=P1]=error(EIO)", "disk.read", "P\x11/0000002A.P1", false, 0);
  row("another point", "disk.read[kind=P1]=error(EIO)", "disk.write", "P1/0000002A.P1", false, 0);
  row("the thread named", "disk.write[thread=5]=error(EIO)", "disk.write", "KEY/INQUEUE3.KEY", true,
      1);
  row("another thread", "disk.write[thread=4]=error(EIO)", "disk.write", "KEY/INQUEUE3.KEY", false,
      1);
  row("a hang asks once", "disk.write=hang", "disk.write", "KEY/INQUEUE3.KEY", true, 1);
}

void TestFaults::disk_rules_match_kind_and_thread() {
  QFETCH(QString, rule);
  QFETCH(QString, point);
  QFETCH(QString, file);
  QFETCH(bool, fires);
  QFETCH(int, threads_asked);
  msmisim::FaultRule parsed;
  int column = 0;
  QVERIFY(msmisim::parse_fault_rule(rule.toStdString(), &parsed, &column).ok());
  msmisim::VirtualClock clock;
  msmi::SeededRandom random(1);
  testsupport::NoEffects effects;
  msmisim::FaultInjector injector(clock, random, effects, "hardened", {parsed});
  int asked = 0;
  injector.set_thread_source([&asked] {
    ++asked;
    return 5;
  });
  const std::string point_name = point.toStdString();
  const std::string path = file.toStdString();
  msmisim::FaultSubject subject;
  subject.file = path;
  const std::size_t handle = injector.point_handle(point_name);
  QCOMPARE(handle == msmisim::FaultInjector::kUnarmed, !injector.armed(point_name));
  const msmisim::Action* by_handle = handle == msmisim::FaultInjector::kUnarmed
                                         ? nullptr
                                         : injector.evaluate_armed(handle, point_name, subject);
  QCOMPARE(by_handle != nullptr, fires);
  QCOMPARE(asked, threads_asked);
  const msmisim::Action* by_name = injector.evaluate(point_name, subject);
  QCOMPARE(by_name, by_handle);
  QCOMPARE(injector.stats().at(0).fired, std::int64_t{fires ? 2 : 0});
}

// ---- 4. the scenario loader -------------------------------------------------------------------

void TestFaults::loader_object_form_is_the_one_line_form_data() {
  QTest::addColumn<QString>("object");
  QTest::addColumn<QString>("line");
  QTest::addColumn<bool>("optional");
  auto row = [](const char* name, const char* object, const char* line, bool optional = false) {
    QTest::newRow(name) << QString::fromUtf8(object) << QString::fromUtf8(line) << optional;
  };
  row("the brief's example",
      R"j({"point": "mta.put", "when": {"rcpt": "*@x", "nth": 2}, "action": "return(0x15)"})j",
      "mta.put[rcpt~*@x,nth=2]=return(0x15)");
  row("no triggers", R"j({"point": "engine.convert_inbound", "action": "hang"})j",
      "engine.convert_inbound=hang");
  row("empty triggers", R"j({"point": "mta.put", "when": {}, "action": "off"})j", "mta.put=off");
  row("one-line form", R"j({"rule": "disk.read[kind=P1]=2*error(EIO)->off"})j",
      "disk.read[kind=P1]=2*error(EIO)->off");
  row("times and kinds are equalities",
      R"j({"point": "disk.read", "when": {"kind": "P1", "from": "90s", "until": "10m"}, "action": "2*error(EIO)->off"})j",
      "disk.read[kind=P1,from=90s,until=10m]=2*error(EIO)->off");
  row("operators in the value",
      R"j({"point": "mta.put", "when": {"size": ">=100", "rcpts": "<3", "sender": "!=MS:A/B/C"}, "action": "50%return(0x16)"})j",
      "mta.put[size>=100,rcpts<3,sender!=MS:A/B/C]=50%return(0x16)");
  row("service, profile and after_event",
      R"j({"point": "mta.put", "when": {"service": "running", "profile": "hardened", "after_event": 2342}, "action": "delay(2s)"})j",
      "mta.put[service=running,profile=hardened,after_event=2342]=delay(2s)");
  row("after_event as text",
      R"j({"point": "mta.put", "when": {"after_event": "2342"}, "action": "off"})j",
      "mta.put[after_event=2342]=off");
  row("a value with the grammar's delimiters",
      R"j({"point": "mta.put", "when": {"subject": "a, b] c"}, "action": "off"})j",
      R"j(mta.put[subject~"a, b] c"]=off)j");
  row("a value with quotes and a backslash",
      R"j({"point": "mta.put", "when": {"subject": "say \"hi\" \\o/"}, "action": "off"})j",
      R"j(mta.put[subject~"say \"hi\" \\o/"]=off)j");
  row("optional", R"j({"point": "mta.put", "action": "return(0x15)", "optional": true})j",
      "mta.put=return(0x15)", true);
  row("optional one-line", R"j({"rule": "mta.put=return(0x15)", "optional": true})j",
      "mta.put=return(0x15)", true);
  row("point glob", R"j({"point": "disk.*", "when": {"file": "KEY/*"}, "action": "lock"})j",
      "disk.*[file~KEY/*]=lock");
}

void TestFaults::loader_object_form_is_the_one_line_form() {
  QFETCH(QString, object);
  QFETCH(QString, line);
  QFETCH(bool, optional);
  const auto scenario = scenario_from(R"j({"faults": [)j" + object.toStdString() + "]}");
  QCOMPARE(scenario.fault_rules.size(), std::size_t{1});
  FaultRule expected;
  int column = 0;
  const msmi::Status s = msmisim::parse_fault_rule(line.toStdString(), &expected, &column);
  QVERIFY2(s.ok(), s.to_string().c_str());
  QCOMPARE(QString::fromStdString(describe_sorted(scenario.fault_rules[0])),
           QString::fromStdString(describe_sorted(expected)));
  QCOMPARE(scenario.fault_rules[0].optional, optional);
  QVERIFY(!scenario.fault_rules[0].text.empty());  // for the firing counts and warnings
}

void TestFaults::loader_names_path_and_column_data() {
  QTest::addColumn<QString>("faults");
  QTest::addColumn<QString>("path");
  QTest::addColumn<QStringList>("message");
  auto row = [](const char* name, const char* faults, const char* path, QStringList message) {
    QTest::newRow(name) << QString::fromUtf8(faults) << QString::fromUtf8(path) << message;
  };
  row("one-line, bad action", R"j([{"rule": "mta.put=retrun(0x15)"}])j", "$.faults[0].rule",
      {"unknown action 'retrun'", "at column 9", "'mta.put=retrun(0x15)'"});
  row("one-line, second entry", R"j([{"rule": "mta.put=off"}, {"rule": "mta.put[nth~2]=off"}])j",
      "$.faults[1].rule", {"'nth' is a number", "at column 12"});
  row("one-line, not a string", R"j([{"rule": 7}])j", "$.faults[0].rule", {"string"});
  row("object, bad action", R"j([{"point": "mta.put", "action": "return(0x42)"}])j",
      "$.faults[0].action", {"unknown XOM return code '0x42'", "at column 16"});
  row("object, action not allowed at the point",
      R"j([{"point": "disk.read", "when": {"kind": "P1"}, "action": "return(0x15)"}])j",
      "$.faults[0].action", {"return is not available at disk.read"});
  row("object, bad point", R"j([{"point": "mta.putt", "action": "off"}])j", "$.faults[0].point",
      {"unknown point 'mta.putt'", "at column 1"});
  row("object, point glob mixing classes", R"j([{"point": "*.read", "action": "off"}])j",
      "$.faults[0].point", {"must stay within"});
  row("object, bad trigger value",
      R"j([{"point": "mta.put", "when": {"nth": "~2"}, "action": "off"}])j", "$.faults[0].when",
      {"'nth' is a number"});
  row("object, unknown trigger",
      R"j([{"point": "mta.put", "when": {"colour": "red"}, "action": "off"}])j", "$.faults[0].when",
      {"unknown trigger 'colour'"});
  row("object, trigger of a wrong type",
      R"j([{"point": "mta.put", "when": {"nth": true}, "action": "off"}])j", "$.faults[0].when.nth",
      {"a string or a whole number"});
  row("object, when not an object", R"j([{"point": "mta.put", "when": "nth=2", "action": "off"}])j",
      "$.faults[0].when", {"an object of triggers"});
  row("object without action", R"j([{"point": "mta.put"}])j", "$.faults[0]",
      {"\"point\" and \"action\""});
  row("unknown key", R"j([{"rule": "mta.put=off", "colour": "red"}])j", "$.faults[0].colour", {});
  row("optional not a bool", R"j([{"rule": "mta.put=off", "optional": "yes"}])j",
      "$.faults[0].optional", {});
}

void TestFaults::loader_names_path_and_column() {
  QFETCH(QString, faults);
  QFETCH(QString, path);
  QFETCH(QStringList, message);
  msmisim::Scenario scenario;
  msmisim::LoadError error;
  QVERIFY(!msmisim::parse_scenario(R"j({"faults": )j" + faults.toStdString() + "}", "faults.json",
                                   &scenario, &error));
  const QString text = QString::fromStdString(error.to_string());
  QCOMPARE(QString::fromStdString(error.json_path), path);
  QVERIFY2(text.startsWith("faults.json: " + path + ": "), qPrintable(text));
  for (const QString& part : message) QVERIFY2(text.contains(part), qPrintable(text));
}

void TestFaults::loaded_rules_fire_like_command_line_ones() {
  // The object form and the one-line form of a rule do the same thing in a run.
  WorldSpec w;
  w.rules = {"mta.put[rcpt~*FRANK]=return(0x13)"};
  const auto line = run_world(w);
  std::string json = json_of(WorldSpec{});
  const std::string faults = R"j("faults": [])j";
  json.replace(
      json.find(faults), faults.size(),
      R"j("faults": [{"point": "mta.put", "when": {"rcpt": "*FRANK"}, "action": "return(0x13)"}])j");
  const auto object = run(scenario_from(json));
  QCOMPARE(fired(line), std::int64_t{1});
  QCOMPARE(fired(object), std::int64_t{1});
  QCOMPARE(entry(object, "c").fate, Fate::kNdr);
  QCOMPARE(line.events.size(), object.events.size());
  for (std::size_t i = 0; i < line.events.size(); ++i) {
    QCOMPARE(object.events[i].event_id, line.events[i].event_id);
    QCOMPARE(object.events[i].description, line.events[i].description);
  }
}

// ---- 5. determinism ---------------------------------------------------------------------------

void TestFaults::same_seed_same_events_with_faults_data() {
  QTest::addColumn<QString>("profile");
  for (const char* profile : {"exchange-5.0", "exchange-5.0-sp1", "hardened"})
    QTest::newRow(profile) << profile;
}

void TestFaults::same_seed_same_events_with_faults() {
  QFETCH(QString, profile);
  // Seeded percentages, seeded garbling, delays, a dropped session, a crash, the MTA ending.
  WorldSpec w;
  w.duration = "30m";
  w.max_attempts = 3;
  w.engine_extra = R"j("cpus": 2)j";
  w.traffic =
      R"([{"from": ["MS:MSNET/SALES/A", "MS:MSNET/HR/B"], "to": "MS:EXCHANGE/HQ/BOB", "every": "20s", "jitter": 0.5},
                  {"direction": "outbound", "from": "MS:EXCHANGE/HQ/BOB", "to": ["MS:MSNET/SALES/A", "MS:MSNET/HR/B"], "every": "45s", "jitter": 0.5}])";
  w.rules = {"mta.put=30%return(0x16)",
             "disk.read[kind=P1]=5%garble",
             "disk.append[kind=MBG]=10%error(ENOSPC)",
             "engine.convert_inbound=20%delay(3s)",
             "mta.read[from=10m]=1*drop_session->off",
             "engine.convert_inbound[from=20m]=1*access_violation(0x24)->off",
             "disk.open[kind=MAI]=5%error(EIO)",
             "mta.queue=10%delay(2m)",
             "mta.service[from=15m]=1*stop->off"};
  w.operator_steps = R"j([{"at": "17m", "action": "start", "service": "mta"},
                          {"at": "25m", "action": "start", "service": "msmi"}])j";
  const auto a = run_world(w, profile.toStdString(), 77);
  const auto b = run_world(w, profile.toStdString(), 77);
  QCOMPARE(a.events.size(), b.events.size());
  for (std::size_t i = 0; i < a.events.size(); ++i) {
    const msmi::Event& x = a.events[i];
    const msmi::Event& y = b.events[i];
    QCOMPARE(y.event_id, x.event_id);
    QCOMPARE(y.time_us, x.time_us);
    QCOMPARE(y.thread, x.thread);
    QCOMPARE(y.message_id, x.message_id);
    QCOMPARE(y.description, x.description);
  }
  QCOMPARE(a.fault_stats.size(), b.fault_stats.size());
  for (std::size_t i = 0; i < a.fault_stats.size(); ++i) {
    QCOMPARE(b.fault_stats[i].matches, a.fault_stats[i].matches);
    QCOMPARE(b.fault_stats[i].fired, a.fault_stats[i].fired);
    QVERIFY2(a.fault_stats[i].fired > 0, a.fault_stats[i].rule.c_str());  // each rule did something
  }
  // And the faults made a difference: another seed makes another run.
  const auto c = run_world(w, profile.toStdString(), 78);
  bool same = c.events.size() == a.events.size();
  for (std::size_t i = 0; same && i < a.events.size(); ++i)
    same = c.events[i].time_us == a.events[i].time_us &&
           c.events[i].description == a.events[i].description;
  QVERIFY(!same);
}

// ---- 6. the command line ----------------------------------------------------------------------

void TestFaults::cli_bad_fault_exits_2_with_a_caret_data() {
  QTest::addColumn<QString>("rule");
  QTest::addColumn<int>("column");
  QTest::addColumn<QString>("message");
  QTest::newRow("bad[rule") << "bad[rule" << 1 << "unknown point 'bad'";
  QTest::newRow("unknown action") << "mta.put[nth=2]=retrun(0x15)" << 16 << "unknown action";
  QTest::newRow("trailing junk") << "mta.put=off junk" << 13 << "unexpected text";
}

void TestFaults::cli_bad_fault_exits_2_with_a_caret() {
  QFETCH(QString, rule);
  QFETCH(int, column);
  QFETCH(QString, message);
  QTemporaryDir dir;
  QVERIFY(dir.isValid());
  const Cli r = msmisim_cli({"run", QString(MSMISIM_SOURCE_DIR) + "/scenarios/kb/Q151791.json",
                             "--no-db", "--fault", "mta.put=off", "--fault", rule},
                            dir.path());
  QCOMPARE(r.code, 2);
  QVERIFY2(r.err.contains("--fault: " + message), qPrintable(r.err));
  QVERIFY2(r.err.contains("at column " + QString::number(column)), qPrintable(r.err));
  // The rule, and under it a caret at the column.
  const QStringList lines = r.err.split('\n');
  const int at = lines.indexOf("  " + rule);
  QVERIFY2(at >= 0 && at + 1 < lines.size(), qPrintable(r.err));
  QCOMPARE(lines[at + 1], QString(column + 1, ' ') + "^");
  QVERIFY(r.out.isEmpty() || !r.out.contains("Events by ID"));  // nothing ran
}

void TestFaults::cli_fault_is_in_the_replay_command() {
  QTemporaryDir dir;
  QVERIFY(dir.isValid());
  QFile file(dir.path() + "/s.json");
  QVERIFY(file.open(QIODevice::WriteOnly));
  file.write(QByteArray::fromStdString(json_of(WorldSpec{})));
  file.close();
  const QString rule = R"j(mta.put[rcpt~*FRANK]=1*event(9003, "it's here")->return(0x13))j";
  const Cli r =
      msmisim_cli({"run", "s.json", "--no-db", "--seed", "5", "--fault", rule}, dir.path());
  QCOMPARE(r.code, 5);  // the world holds no expectations: it tested nothing, and says so
  QVERIFY2(r.out.contains("DONE: no expectations"), qPrintable(r.out));
  // Quoted for the shell, so the printed command runs the same rule.
  QVERIFY2(
      r.out.contains(
          R"j(replay: msmisim run s.json --seed 5 --profile exchange-5.0-sp1 --fault 'mta.put[rcpt~*FRANK]=1*event(9003, "it'\''s here")->return(0x13)')j"),
      qPrintable(r.out));
  QVERIFY2(!r.out.contains("never fired"), qPrintable(r.out));
  // A rule that never fired is pointed out.
  const Cli idle = msmisim_cli(
      {"run", "s.json", "--no-db", "--fault", "mta.put[rcpt~*NOBODY]=return(0x13)"}, dir.path());
  QCOMPARE(idle.code, 5);
  QVERIFY2(idle.out.contains("warning: fault rule never fired (0 matching calls): "
                             "mta.put[rcpt~*NOBODY]=return(0x13)"),
           qPrintable(idle.out));
}

QTEST_APPLESS_MAIN(TestFaults)
#include "tst_faults.moc"
