// The fault layer: the rule grammar (valid and invalid rules, with the column of each mistake),
// every trigger and every action through the real engine in a simulated world, the scenario
// loader's two spellings of a rule, determinism with faults armed, and --fault on the command line.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cstdio>

#include "msmi/event_catalogue.h"
#include "msmisim/fault_rule.h"
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
         key == K::kSenderLen || key == K::kRcptLen;
}

std::string action_text(const msmisim::Action& a) {
  std::string args;
  switch (a.kind) {
    case ActionKind::kReturn:
      args = msmi::to_hex(a.code);
      break;
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

}  // namespace

class TestFaults : public QObject {
  Q_OBJECT

 private slots:
  void parses_valid_rules_data();
  void parses_valid_rules();
  void rejects_invalid_rules_data();
  void rejects_invalid_rules();
  void point_globs_name_every_point();
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
  row("address trigger", "engine.parse_address[address~SMTP:*]=fail",
      "engine.parse_address [address~SMTP:*] = fail");
  row("file kind", "disk.read[kind=P1]=2*error(ENOSPC)", "disk.read [kind=P1] = 2*error(ENOSPC)");
  row("every errno", "disk.*=error(EACCES)",
      "disk.read,disk.write,disk.append,disk.remove,disk.rename,disk.list,disk.mkdir,disk.sync "
      "[] = error(EACCES)");
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
      "mta.open_upload,mta.put,mta.open_download,mta.read,mta.ack [] = delay(500000us)");
  row("drop session", "mta.read[nth=4]=drop_session", "mta.read [nth=#4] = drop_session");
  row("hang, terminate, stop", "engine.*=1*hang->1*terminate->stop",
      "engine.convert_inbound,engine.convert_outbound,engine.parse_address,engine.log_ndr,"
      "engine.write_mailbag,engine.thread_start,engine.thread_refresh,"
      "engine.housekeeping_refresh,engine.service_start,engine.service_stop [] = 1*hang -> "
      "1*terminate -> stop");
  row("event with strings", R"(engine.convert_inbound=event(2342, "0x99"))",
      "engine.convert_inbound [] = event(2342,'0x99')");
  row("event, bare strings", "mta.put=event(9003, hello world, again)",
      "mta.put [] = event(9003,'hello world','again')");
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
  row("point glob mixing classes", "*.read=off", 1, "must stay within disk.*, mta.* or engine.*");
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
      "return is not available at disk.read (only at mta.*)");
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

void TestFaults::point_globs_name_every_point() {
  // Every point is reachable by its own name, and only by it.
  QCOMPARE(msmisim::fault_points().size(), std::size_t{13 + msmi::kSiteCount});
  for (const std::string& point : msmisim::fault_points()) {
    FaultRule rule;
    int column = 0;
    QVERIFY2(msmisim::parse_fault_rule(point + "=off", &rule, &column).ok(), point.c_str());
    QCOMPARE(rule.points, std::vector<std::string>{point});
  }
}

QTEST_APPLESS_MAIN(TestFaults)
#include "tst_faults.moc"
