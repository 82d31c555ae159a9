// The one-line fault rule grammar:
//
//   rule    := point [ '[' trigger { ',' trigger } ']' ] '=' chain
//   trigger := key op value          op := '~' | '=' | '!=' | '>=' | '<=' | '>' | '<'
//   chain   := term { '->' term }
//   term    := [ number '%' ] [ integer '*' ] action [ '(' arg { ',' arg } ')' ]
//   value, arg := '"' text '"' | a bare run of characters up to the next delimiter
//
// Errors carry the 1-based column of the offending character.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <initializer_list>
#include <map>
#include <set>

#include "msmi/defects.h"
#include "msmi/event_catalogue.h"
#include "msmi/fault_sites.h"
#include "msmilog/time_format.h"
#include "msmisim/fault_rule.h"
#include "msmisim/simulated_mta.h"
#include "msmisim/world_events.h"

namespace msmisim {
namespace {

using msmi::Status;

struct ParseError {
  std::size_t offset;
  std::string message;
};

const std::map<std::string_view, TriggerKey>& trigger_keys() {
  static const std::map<std::string_view, TriggerKey> kKeys = {
      {"sender", TriggerKey::kSender},        {"rcpt", TriggerKey::kRcpt},
      {"subject", TriggerKey::kSubject},      {"file", TriggerKey::kFile},
      {"kind", TriggerKey::kFileKind},        {"msgkind", TriggerKey::kMsgKind},
      {"thread", TriggerKey::kThread},        {"nth", TriggerKey::kNth},
      {"after", TriggerKey::kAfter},          {"from", TriggerKey::kFrom},
      {"until", TriggerKey::kUntil},          {"service", TriggerKey::kService},
      {"profile", TriggerKey::kProfile},      {"after_event", TriggerKey::kAfterEvent},
      {"rcpts", TriggerKey::kRcpts},          {"size", TriggerKey::kSize},
      {"sender_len", TriggerKey::kSenderLen}, {"rcpt_len", TriggerKey::kRcptLen},
      {"address", TriggerKey::kAddress},      {"charset", TriggerKey::kCharset},
      {"reply_to", TriggerKey::kReplyTo},     {"name", TriggerKey::kName},
      {"name_len", TriggerKey::kNameLen},     {"reply_to_len", TriggerKey::kReplyToLen},
  };
  return kKeys;
}

const std::map<std::string_view, ActionKind>& action_names() {
  static const std::map<std::string_view, ActionKind> kNames = {
      {"off", ActionKind::kOff},
      {"return", ActionKind::kReturn},
      {"error", ActionKind::kError},
      {"delay", ActionKind::kDelay},
      {"drop_session", ActionKind::kDropSession},
      {"hang", ActionKind::kHang},
      {"terminate", ActionKind::kTerminate},
      {"stop", ActionKind::kStop},
      {"access_violation", ActionKind::kAccessViolation},
      {"leave_in_queue", ActionKind::kLeaveInQueue},
      {"fail", ActionKind::kFail},
      {"truncate", ActionKind::kTruncate},
      {"garble", ActionKind::kGarble},
      {"replace", ActionKind::kReplace},
      {"lock", ActionKind::kLock},
      {"fill", ActionKind::kFill},
      {"event", ActionKind::kEvent},
      {"power_loss", ActionKind::kPowerLoss},
  };
  return kNames;
}

std::string join_keys(const auto& map) {
  std::string out;
  for (const auto& [name, value] : map) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

bool numeric(TriggerKey key) {
  switch (key) {
    case TriggerKey::kThread:
    case TriggerKey::kNth:
    case TriggerKey::kAfter:
    case TriggerKey::kFrom:
    case TriggerKey::kUntil:
    case TriggerKey::kAfterEvent:
    case TriggerKey::kRcpts:
    case TriggerKey::kSize:
    case TriggerKey::kSenderLen:
    case TriggerKey::kRcptLen:
    case TriggerKey::kNameLen:
    case TriggerKey::kReplyToLen:
      return true;
    default:
      return false;
  }
}

bool parse_int(std::string_view text, std::int64_t* out) {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  void rule(FaultRule* out) {
    skip_space();
    const std::size_t point_at = pos_;
    out->point = word("a point such as mta.put or disk.read");
    resolve_point(out, point_at);
    skip_space();
    if (peek() == '[') {
      ++pos_;
      while (true) {
        const std::size_t trigger_at = pos_;
        out->triggers.push_back(trigger());
        check_applies(*out, out->triggers.back(), trigger_at);
        skip_space();
        if (peek() == ',') {
          ++pos_;
          continue;
        }
        expect(']', "',' or ']' after a trigger");
        break;
      }
    }
    skip_space();
    expect('=', "'=' and an action chain after the point");
    while (true) {
      out->chain.push_back(term(*out));
      skip_space();
      if (text_.substr(pos_, 2) == "->") {
        pos_ += 2;
        continue;
      }
      break;
    }
    skip_space();
    if (pos_ != text_.size()) fail("unexpected text after the action chain");
  }

 private:
  [[noreturn]] void fail(std::string message, std::size_t at = std::string::npos) {
    throw ParseError{at == std::string::npos ? pos_ : at, std::move(message)};
  }
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  void expect(char c, const std::string& what) {
    if (peek() != c) fail("expected " + what);
    ++pos_;
  }
  // A name: letters, digits, '_', '.', '*', '?'.
  std::string word(const std::string& what) {
    const std::size_t start = pos_;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '*' ||
          c == '?')
        ++pos_;
      else
        break;
    }
    if (pos_ == start) fail("expected " + what);
    return std::string(text_.substr(start, pos_ - start));
  }
  // A value: "quoted" (with \" and \\) or a bare run up to one of `stops`.
  std::string value(std::string_view stops) {
    skip_space();
    if (peek() == '"') {
      const std::size_t open = pos_++;
      std::string out;
      while (pos_ < text_.size() && text_[pos_] != '"') {
        if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) ++pos_;
        out.push_back(text_[pos_++]);
      }
      if (pos_ >= text_.size()) fail("unterminated quoted value", open);
      ++pos_;
      return out;
    }
    const std::size_t start = pos_;
    while (pos_ < text_.size() && stops.find(text_[pos_]) == std::string_view::npos) ++pos_;
    std::string out(text_.substr(start, pos_ - start));
    while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
    return out;
  }

  void resolve_point(FaultRule* out, std::size_t at) {
    for (const std::string& known : fault_points()) {
      if (glob_match(out->point, known)) out->points.push_back(known);
    }
    if (out->points.empty()) {
      fail(
          "unknown point '" + out->point + "' (points: " +
              [] {
                std::string all;
                for (const std::string& p : fault_points()) all += (all.empty() ? "" : ", ") + p;
                return all;
              }() +
              ")",
          at);
    }
    const auto cls = [](const std::string& p) {
      return p.starts_with("disk.")        ? PointClass::kDisk
             : p.starts_with("mta.")       ? PointClass::kMta
             : p.starts_with("directory.") ? PointClass::kDirectory
                                           : PointClass::kEngine;
    };
    out->point_class = cls(out->points.front());
    for (const std::string& p : out->points) {
      if (cls(p) != out->point_class)
        fail("a point glob must stay within disk.*, mta.*, engine.* or directory.*", at);
    }
  }

  // What a call of the point is about, for the triggers that need it.
  static bool has_message(const std::string& point) {
    // mta.service: the MTA is asked before every call; a put's carries the message.
    // mta.read: the message the read reaches.
    return point == "mta.put" || point == "mta.queue" || point == "mta.service" ||
           point == "mta.read" || point == "engine.convert_inbound" ||
           point == "engine.convert_outbound" || point == "engine.parse_address" ||
           point == "engine.log_ndr" || point == "engine.write_mailbag";
  }
  static bool has_file(const std::string& point) {
    return point.starts_with("disk.") || point == "engine.write_mailbag";
  }

  // A trigger that can never hold at the rule's points, or contradicts the rule, is an error:
  // a rule that cannot fire tests nothing.
  void check_applies(const FaultRule& rule, const Trigger& t, std::size_t at) {
    const std::string key(to_string(t.key));
    for (const Trigger& other : rule.triggers) {
      if (&other != &t && other.key == t.key && t.key != TriggerKey::kRcpt)
        fail("'" + key + "' is given twice", at);
    }
    bool applies = true;
    switch (t.key) {
      case TriggerKey::kFile:
      case TriggerKey::kFileKind:
        applies = std::all_of(rule.points.begin(), rule.points.end(), has_file);
        break;
      case TriggerKey::kAddress:
        applies = std::all_of(rule.points.begin(), rule.points.end(),
                              [](const std::string& p) { return p == "engine.parse_address"; });
        break;
      default:
        if (selects_message(t.key))
          applies = std::all_of(rule.points.begin(), rule.points.end(), has_message);
        break;
    }
    if (!applies)
      fail("'" + key + "' never holds at " + rule.point + ": its calls carry no " +
               (t.key == TriggerKey::kFile || t.key == TriggerKey::kFileKind ? "file"
                : t.key == TriggerKey::kAddress ? "address being parsed"
                                                : "message"),
           at);
    if ((t.key == TriggerKey::kNth && t.number < 1) ||
        (t.key == TriggerKey::kAfter && t.number < 0) ||
        (t.key == TriggerKey::kThread && t.number < 0))
      fail("'" + key + "' counts from " + (t.key == TriggerKey::kNth ? "1" : "0"), at);
    if (t.key == TriggerKey::kFileKind && t.op != TriggerOp::kGlob) {
      static const std::set<std::string> kKinds = {"P1", "MAI", "KEY", "MBG", "GLB", "XTN", "ATT"};
      std::string upper = t.text;
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (kKinds.count(upper) == 0)
        fail("unknown file kind '" + t.text + "' (P1, MAI, KEY, MBG, GLB, XTN, ATT)", at);
    }
    if (t.key == TriggerKey::kProfile && t.op != TriggerOp::kGlob && !msmi::find_profile(t.text))
      fail("unknown profile '" + t.text + "' (" + msmi::profile_names() + ")", at);
    msmi::MessageKind message_kind;
    if (t.key == TriggerKey::kMsgKind && t.op != TriggerOp::kGlob &&
        !msmi::parse_message_kind(t.text, message_kind))
      fail("msgkind is 'ipm', 'ndr' or 'dirsync'", at);
  }

  Trigger trigger() {
    skip_space();
    Trigger t;
    const std::size_t start = pos_;
    const std::string key = word("a trigger such as rcpt~*@bad.example or nth=2");
    const auto it = trigger_keys().find(key);
    if (it == trigger_keys().end())
      fail("unknown trigger '" + key + "' (triggers: " + join_keys(trigger_keys()) + ")", start);
    t.key = it->second;
    skip_space();
    const std::size_t op_at = pos_;
    const std::string_view rest = text_.substr(pos_);
    if (rest.starts_with("!="))
      t.op = TriggerOp::kNe, pos_ += 2;
    else if (rest.starts_with(">="))
      t.op = TriggerOp::kGe, pos_ += 2;
    else if (rest.starts_with("<="))
      t.op = TriggerOp::kLe, pos_ += 2;
    else if (rest.starts_with("~"))
      t.op = TriggerOp::kGlob, pos_ += 1;
    else if (rest.starts_with("="))
      t.op = TriggerOp::kEq, pos_ += 1;
    else if (rest.starts_with(">"))
      t.op = TriggerOp::kGt, pos_ += 1;
    else if (rest.starts_with("<"))
      t.op = TriggerOp::kLt, pos_ += 1;
    else
      fail("expected an operator (~ = != >= <= > <) after '" + key + "'");
    const std::size_t value_at = pos_;
    t.text = value(",]");
    if (t.text.empty()) fail("expected a value after the operator", value_at);
    t.source = std::string(text_.substr(start, pos_ - start));
    if (numeric(t.key)) {
      if (t.op == TriggerOp::kGlob) fail("'" + key + "' is a number: use = != >= <= > <", op_at);
      bool ok = (t.key == TriggerKey::kFrom || t.key == TriggerKey::kUntil)
                    ? msmilog::parse_duration_us(t.text, &t.number)
                    : parse_int(t.text, &t.number);
      if (!ok)
        fail(std::string("expected ") +
                 (t.key == TriggerKey::kFrom || t.key == TriggerKey::kUntil
                      ? "a duration such as 90s or 10m"
                      : "a whole number") +
                 " for '" + key + "', got '" + t.text + "'",
             value_at);
      if (t.key == TriggerKey::kAfterEvent &&
          find_any_event_spec(static_cast<int>(t.number)) == nullptr)
        fail("after_event names event " + t.text + ", which is not in the catalogue", value_at);
    } else if (t.op != TriggerOp::kGlob && t.op != TriggerOp::kEq && t.op != TriggerOp::kNe) {
      fail("'" + key + "' is text: use ~ (glob), = or !=", op_at);
    }
    msmi::MessageKind message_kind;
    if (t.key == TriggerKey::kFileKind && msmi::parse_message_kind(t.text, message_kind))
      fail(
          "'kind' is the file kind (P1, MAI, KEY, MBG, GLB, XTN, ATT); the message kind is "
          "msgkind=" +
              t.text,
          start);
    if (t.key == TriggerKey::kService && t.text != "running" && t.text != "stopped")
      fail("service is 'running' or 'stopped'", value_at);
    return t;
  }

  ChainTerm term(const FaultRule& rule) {
    skip_space();
    ChainTerm term;
    // [P%][N*] in either order.
    for (int i = 0; i < 2; ++i) {
      const std::size_t start = pos_;
      while (pos_ < text_.size() &&
             (std::isdigit(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '.'))
        ++pos_;
      if (pos_ == start) break;
      const std::string number(text_.substr(start, pos_ - start));
      if (peek() == '%') {
        ++pos_;
        double p = 0;
        const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), p);
        if (term.percent || ec != std::errc() || end != number.data() + number.size() || p <= 0 ||
            p > 100)
          fail("a percentage is above 0 and at most 100", start);
        term.percent = p;
      } else if (peek() == '*') {
        ++pos_;
        std::int64_t n = 0;
        if (term.count || !parse_int(number, &n) || n < 1 || n > 1'000'000'000)
          fail("a count is a whole number of at least 1", start);
        term.count = static_cast<int>(n);
      } else {
        fail("expected '%' or '*' after a number in an action chain");
      }
    }
    const std::size_t action_at = pos_;
    const std::string name = word("an action such as return(0x15), error(EIO), hang or off");
    const auto it = action_names().find(name);
    if (it == action_names().end())
      fail("unknown action '" + name + "' (actions: " + join_keys(action_names()) + ")", action_at);
    std::vector<std::string> args;
    std::vector<std::size_t> arg_at;
    skip_space();
    if (peek() == '(') {
      ++pos_;
      skip_space();
      if (peek() != ')') {
        while (true) {
          skip_space();
          arg_at.push_back(pos_);
          args.push_back(value(",)"));
          skip_space();
          if (peek() == ',') {
            ++pos_;
            continue;
          }
          break;
        }
      }
      expect(')', "',' or ')' in the action's arguments");
    }
    term.action = action(it->second, name, args, arg_at, action_at, rule);
    return term;
  }

  Action action(ActionKind kind, const std::string& name, const std::vector<std::string>& args,
                const std::vector<std::size_t>& arg_at, std::size_t at, const FaultRule& rule) {
    Action a;
    a.kind = kind;
    auto want_args = [&](std::size_t min, std::size_t max, const char* form) {
      if (args.size() < min || args.size() > max) fail(name + " takes " + form, at);
    };
    auto only = [&](bool allowed, const char* where) {
      if (!allowed)
        fail(name + " is not available at " + rule.point + " (only at " + where + ")", at);
    };
    const PointClass cls = rule.point_class;
    const bool disk_data =
        std::all_of(rule.points.begin(), rule.points.end(), [](const std::string& p) {
          return p == "disk.read" || p == "disk.write" || p == "disk.append";
        });
    const auto at_any = [&](std::initializer_list<std::string_view> names) {
      return std::any_of(rule.points.begin(), rule.points.end(), [&](const std::string& p) {
        return std::find(names.begin(), names.end(), p) != names.end();
      });
    };
    // The MTA's queue and the directory session are not calls of an MSMI thread: nothing there
    // can hang it or end its process.
    if (kind == ActionKind::kHang || kind == ActionKind::kTerminate || kind == ActionKind::kStop ||
        kind == ActionKind::kPowerLoss)
      only(cls != PointClass::kDirectory && !at_any({"mta.queue"}),
           "disk.*, mta.* but mta.queue, engine.*");
    switch (kind) {
      case ActionKind::kOff:
      case ActionKind::kPowerLoss:
      case ActionKind::kHang:
      case ActionKind::kTerminate:
      case ActionKind::kStop:
      case ActionKind::kGarble:
      case ActionKind::kLock:
      case ActionKind::kFill:
      case ActionKind::kFail:
      case ActionKind::kDropSession:
        want_args(0, 0, "no arguments");
        if (kind == ActionKind::kGarble) only(disk_data, "disk.read, disk.write, disk.append");
        if (kind == ActionKind::kLock) only(cls == PointClass::kDisk, "disk.*");
        if (kind == ActionKind::kFill)
          only(std::all_of(rule.points.begin(), rule.points.end(),
                           [](const std::string& p) {
                             return p == "disk.write" || p == "disk.append" || p == "mta.queue";
                           }),
               "disk.write, disk.append, mta.queue");
        if (kind == ActionKind::kFail) only(cls == PointClass::kEngine, "engine.*");
        if (kind == ActionKind::kDropSession)
          only(cls == PointClass::kMta &&
                   std::none_of(rule.points.begin(), rule.points.end(),
                                [](const std::string& p) { return p.starts_with("mta.close"); }) &&
                   !at_any({"mta.service", "mta.queue"}),
               "mta.* but mta.close_*, mta.service, mta.queue");
        break;
      case ActionKind::kLeaveInQueue:
        want_args(0, 0, "no arguments");
        only(std::all_of(rule.points.begin(), rule.points.end(),
                         [](const std::string& p) {
                           return p == "engine.convert_inbound" || p == "engine.convert_outbound" ||
                                  p == "mta.ack";
                         }),
             "engine.convert_inbound, engine.convert_outbound, mta.ack");
        break;
      case ActionKind::kReturn:
        if (cls == PointClass::kDirectory) {
          want_args(1, 1, "one directory return code: return(0x105)");
          std::string hex = args[0];
          if (hex.starts_with("0x") || hex.starts_with("0X")) hex = hex.substr(2);
          const auto [end, ec] =
              std::from_chars(hex.data(), hex.data() + hex.size(), a.directory_code, 16);
          if (hex.empty() || ec != std::errc() || end != hex.data() + hex.size() ||
              a.directory_code == 0)
            fail("expected a non-zero hexadecimal return code such as 0x105, got '" + args[0] + "'",
                 arg_at[0]);
          break;
        }
        want_args(1, 1, "one XOM return code: return(0x15)");
        only(cls == PointClass::kMta &&
                 std::none_of(rule.points.begin(), rule.points.end(),
                              [](const std::string& p) { return p.starts_with("mta.close"); }) &&
                 !at_any({"mta.service"}),
             "mta.* but mta.close_*, mta.service (closing a session answers nothing; the "
             "service is not a call), directory.session");
        if (!msmi::parse_xom_return_code(args[0], a.code))
          fail("unknown XOM return code '" + args[0] + "' (0x00, 0x04, 0x05, 0x13, 0x15, 0x16)",
               arg_at[0]);
        break;
      case ActionKind::kError: {
        want_args(1, 1, "one error: error(EIO)");
        only(cls == PointClass::kDisk, "disk.*");
        static const char* kErrors[] = {"EIO", "ENOSPC", "EBUSY", "ENOENT", "EACCES"};
        if (std::find(std::begin(kErrors), std::end(kErrors), args[0]) == std::end(kErrors))
          fail("unknown error '" + args[0] + "' (EIO, ENOSPC, EBUSY, ENOENT, EACCES)", arg_at[0]);
        a.error = args[0];
        break;
      }
      case ActionKind::kDelay:
        want_args(1, 1, "one duration: delay(2s)");
        if (!msmilog::parse_duration_us(args[0], &a.delay_us) || a.delay_us <= 0)
          fail("expected a duration such as 2s or 500ms, got '" + args[0] + "'", arg_at[0]);
        break;
      case ActionKind::kAccessViolation: {
        want_args(0, 1, "an optional read address: access_violation(0x24)");
        only(cls == PointClass::kEngine, "engine.*");
        a.address = 0;
        if (!args.empty()) {
          std::string hex = args[0];
          if (hex.starts_with("0x") || hex.starts_with("0X")) hex = hex.substr(2);
          std::uint32_t value = 0;
          const auto [end, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), value, 16);
          if (hex.empty() || ec != std::errc() || end != hex.data() + hex.size())
            fail("expected a hexadecimal address such as 0x24, got '" + args[0] + "'", arg_at[0]);
          a.address = value;
        }
        break;
      }
      case ActionKind::kTruncate: {
        want_args(1, 1, "a size in bytes: truncate(16)");
        only(disk_data, "disk.read, disk.write, disk.append");
        if (!parse_int(args[0], &a.size) || a.size < 0)
          fail("expected a size in bytes, got '" + args[0] + "'", arg_at[0]);
        break;
      }
      case ActionKind::kReplace:
        want_args(1, 1, "the new contents: replace(\"text\")");
        only(disk_data, "disk.read, disk.write, disk.append");
        a.text = args[0];
        break;
      case ActionKind::kEvent: {
        if (args.empty())
          fail("event takes an event ID and its insertion strings: event(2342, \"0x15\")", at);
        std::int64_t id = 0;
        if (!parse_int(args[0], &id) || find_any_event_spec(static_cast<int>(id)) == nullptr)
          fail("event " + args[0] + " is not in the catalogue", arg_at[0]);
        a.event_id = static_cast<int>(id);
        a.strings.assign(args.begin() + 1, args.end());
        // As many insertion strings as the template has places: Event Viewer shows a missing
        // one as nothing, which is never what a scenario meant.
        const std::string_view text = find_any_event_spec(a.event_id)->text;
        std::size_t places = 0;
        for (std::size_t i = 0; i + 1 < text.size(); ++i) {
          if (text[i] == '%' && text[i + 1] >= '1' && text[i + 1] <= '9')
            places = std::max<std::size_t>(places, static_cast<std::size_t>(text[i + 1] - '0'));
        }
        if (a.strings.size() != places)
          fail("event " + args[0] + " takes " + std::to_string(places) + " insertion string" +
                   (places == 1 ? "" : "s") + ", got " + std::to_string(a.strings.size()),
               at);
        break;
      }
    }
    return a;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

const std::vector<std::string>& fault_points() {
  static const std::vector<std::string> kPoints = [] {
    std::vector<std::string> points = {
        "disk.open",        "disk.read",          "disk.write",  "disk.append",
        "disk.remove",      "disk.rename",        "disk.list",   "disk.mkdir",
        "disk.sync",        "disk.lock",          "mta.service", "mta.open_upload",
        "mta.put",          "mta.open_download",  "mta.read",    "mta.ack",
        "mta.close_upload", "mta.close_download", "mta.queue",   "directory.session",
    };
    for (int i = 0; i < msmi::kSiteCount; ++i)
      points.emplace_back(msmi::to_string(static_cast<msmi::Site>(i)));
    return points;
  }();
  return kPoints;
}

std::string_view to_string(ActionKind kind) {
  for (const auto& [name, value] : action_names()) {
    if (value == kind) return name;
  }
  return "?";
}

bool selects_message(TriggerKey key) {
  switch (key) {
    case TriggerKey::kSender:
    case TriggerKey::kRcpt:
    case TriggerKey::kSubject:
    case TriggerKey::kMsgKind:
    case TriggerKey::kRcpts:
    case TriggerKey::kSize:
    case TriggerKey::kSenderLen:
    case TriggerKey::kRcptLen:
    case TriggerKey::kCharset:
    case TriggerKey::kReplyTo:
    case TriggerKey::kName:
    case TriggerKey::kNameLen:
    case TriggerKey::kReplyToLen:
      return true;
    default:
      return false;
  }
}

std::string_view to_string(TriggerKey key) {
  for (const auto& [name, value] : trigger_keys()) {
    if (value == key) return name;
  }
  return "?";
}

std::string rule_outside_run(const FaultRule& rule, std::int64_t duration_us) {
  std::int64_t from = 0;
  std::int64_t until = duration_us;
  for (const Trigger& t : rule.triggers) {
    if (t.key == TriggerKey::kFrom) from = std::max(from, t.number);
    if (t.key == TriggerKey::kUntil) until = std::min(until, t.number);
  }
  if (from >= duration_us) return "its window starts at or after the end of the run";
  if (until <= from) return "its window from … until … is empty";
  return "";
}

Status parse_fault_rule(std::string_view text, FaultRule* rule, int* error_column) {
  *rule = FaultRule{};
  rule->text = std::string(text);
  try {
    Parser(text).rule(rule);
  } catch (const ParseError& e) {
    if (error_column != nullptr) *error_column = static_cast<int>(e.offset) + 1;
    return Status::InvalidArgument(e.message);
  }
  return Status::Ok();
}

}  // namespace msmisim
