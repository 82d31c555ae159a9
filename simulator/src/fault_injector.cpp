#include "msmisim/fault_injector.h"

#include <algorithm>
#include <cctype>

#include "msmisim/simulated_mta.h"

namespace msmisim {
namespace {

bool compare(std::int64_t value, TriggerOp op, std::int64_t wanted) {
  switch (op) {
    case TriggerOp::kEq:
      return value == wanted;
    case TriggerOp::kNe:
      return value != wanted;
    case TriggerOp::kGe:
      return value >= wanted;
    case TriggerOp::kLe:
      return value <= wanted;
    case TriggerOp::kGt:
      return value > wanted;
    case TriggerOp::kLt:
      return value < wanted;
    case TriggerOp::kGlob:
      return false;
  }
  return false;
}

bool equal_nocase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           if (x == y) return true;
           const auto ux = static_cast<unsigned char>(x);
           const auto uy = static_cast<unsigned char>(y);
           if ((ux | uy) < 0x80) {  // ASCII letters differ in one bit: no call for each byte
             return (ux | 0x20) == (uy | 0x20) && (ux | 0x20) >= 'a' && (ux | 0x20) <= 'z';
           }
           return std::tolower(ux) == std::tolower(uy);
         });
}

bool text_matches(std::string_view value, const Trigger& t) {
  switch (t.op) {
    case TriggerOp::kGlob:
      return glob_match(t.text, value);
    case TriggerOp::kEq:
      return equal_nocase(t.text, value);
    case TriggerOp::kNe:
      return !equal_nocase(t.text, value);
    default:
      return false;
  }
}

std::string_view charset_of(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) >= 0x80; })
             ? "8bit"
             : "ascii";
}

// file_kind() before it is upper-cased: a view of `path`.
std::string_view raw_file_kind(std::string_view path) {
  // The folder is a few characters: a loop finds its end sooner than a call of memchr, and this
  // is asked on every read of the disk while a `kind=` rule is armed at disk.read.
  std::size_t slash = 0;
  while (slash < path.size() && path[slash] != '/') ++slash;
  if (slash > 0 && slash < path.size()) {
    const std::string_view folder = path.substr(0, slash);
    if (folder != "BAD" && folder != "QUARANTINE") return folder;
  }
  const std::size_t dot = path.rfind('.');
  return dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
}

}  // namespace

std::string file_kind(std::string_view path) {
  std::string kind(raw_file_kind(path));
  for (char& c : kind) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return kind;
}

FaultInjector::FaultInjector(const msmi::Clock& clock, msmi::Random& random, FaultEffects& effects,
                             std::string profile, std::vector<FaultRule> rules)
    : clock_(clock), random_(random), effects_(effects), profile_(std::move(profile)) {
  for (FaultRule& rule : rules) {
    for (const std::string& point : rule.points) {
      auto it = std::find_if(armed_points_.begin(), armed_points_.end(),
                             [&](const ArmedPoint& a) { return a.point == point; });
      if (it == armed_points_.end()) it = armed_points_.insert(it, ArmedPoint{point, {}, {}});
      // A rule naming a point twice is still tried once per call.
      if (it->rules.empty() || it->rules.back() != rules_.size())
        it->rules.push_back(rules_.size());
    }
    rules_.push_back(Armed{std::move(rule)});
  }
  for (ArmedPoint& point : armed_points_) {
    std::vector<std::string> kinds;
    for (const std::size_t index : point.rules) {
      const std::vector<Trigger>& triggers = rules_[index].rule.triggers;
      const auto kind = std::find_if(triggers.begin(), triggers.end(), [](const Trigger& t) {
        return t.key == TriggerKey::kFileKind && t.op == TriggerOp::kEq;
      });
      if (kind == triggers.end()) {
        kinds.clear();  // a rule for any kind of file: nothing to rule out
        break;
      }
      kinds.push_back(kind->text);
    }
    point.only_kinds = std::move(kinds);
  }
}

bool FaultInjector::may_match_file(std::size_t handle, std::string_view path) {
  const std::vector<std::string>& kinds = armed_points_[handle].only_kinds;
  if (kinds.empty()) return true;
  const std::string_view kind = raw_file_kind(path);
  for (const std::string& k : kinds) {
    if (equal_nocase(k, kind)) return true;
  }
  last_rule_ = nullptr;
  return false;
}

const FaultInjector::ArmedPoint* FaultInjector::find_point(std::string_view point) const {
  for (const ArmedPoint& armed : armed_points_) {
    if (armed.point == point) return &armed;
  }
  return nullptr;
}

bool FaultInjector::matches(const Armed& armed, const FaultSubject& s, LazyThread& thread) const {
  const FaultRule& rule = armed.rule;
  const std::int64_t now = clock_.now_us();
  for (const Trigger& t : rule.triggers) {
    bool ok = true;
    switch (t.key) {
      case TriggerKey::kSender:
        ok = text_matches(s.sender, t);
        break;
      case TriggerKey::kRcpt:
        ok = s.recipients != nullptr &&
             std::any_of(s.recipients->begin(), s.recipients->end(),
                         [&](const std::string& r) { return text_matches(r, t); });
        if (t.op == TriggerOp::kNe)  // "no recipient is X"
          ok = s.recipients == nullptr ||
               std::none_of(s.recipients->begin(), s.recipients->end(),
                            [&](const std::string& r) { return equal_nocase(t.text, r); });
        break;
      case TriggerKey::kSubject:
        ok = text_matches(s.subject, t);
        break;
      case TriggerKey::kFile:
        ok = text_matches(s.file, t);
        break;
      case TriggerKey::kFileKind:
        // `kind=P1` is asked on every read: compared without upper-casing a copy first (the
        // comparison ignores case anyway); a glob sees the upper-cased kind.
        ok = t.op == TriggerOp::kGlob ? text_matches(file_kind(s.file), t)
                                      : text_matches(raw_file_kind(s.file), t);
        break;
      case TriggerKey::kMsgKind:
        ok = text_matches(s.msgkind, t);
        break;
      case TriggerKey::kThread:
        ok = compare(thread.get(), t.op, t.number);
        break;
      case TriggerKey::kNth:
      case TriggerKey::kAfter:
        break;  // counted in evaluate(), once every other trigger matched
      case TriggerKey::kFrom:
        ok = now >= t.number;
        break;
      case TriggerKey::kUntil:
        ok = now < t.number;
        break;
      case TriggerKey::kService:
        ok = service_running_ &&
             (service_running_() == (t.text == "running")) == (t.op != TriggerOp::kNe);
        break;
      case TriggerKey::kProfile:
        ok = text_matches(profile_, t);
        break;
      case TriggerKey::kAfterEvent:
        ok = seen_events_.count(static_cast<int>(t.number)) != 0;
        break;
      case TriggerKey::kRcpts:
        ok = compare(s.recipients ? static_cast<std::int64_t>(s.recipients->size()) : 0, t.op,
                     t.number);
        break;
      case TriggerKey::kSize:
        ok = compare(static_cast<std::int64_t>(s.size), t.op, t.number);
        break;
      case TriggerKey::kSenderLen:
        ok = compare(static_cast<std::int64_t>(s.sender.size()), t.op, t.number);
        break;
      case TriggerKey::kRcptLen: {
        std::int64_t longest = 0;
        if (s.recipients != nullptr) {
          for (const std::string& r : *s.recipients)
            longest = std::max<std::int64_t>(longest, static_cast<std::int64_t>(r.size()));
        }
        ok = compare(longest, t.op, t.number);
        break;
      }
      case TriggerKey::kAddress:
        ok = text_matches(s.address, t);
        break;
      case TriggerKey::kCharset:
        ok = text_matches(charset_of(s.subject), t);
        break;
      case TriggerKey::kReplyTo:
        // A message without a reply-to has nothing to match: only `!=` holds for it.
        ok = s.reply_to.empty() ? t.op == TriggerOp::kNe : text_matches(s.reply_to, t);
        break;
      case TriggerKey::kName: {
        // The sender's and every recipient's display name; a message without names has none,
        // so `name~*` holds only for one that has a name.
        std::vector<std::string_view> names;
        if (!s.sender_name.empty()) names.push_back(s.sender_name);
        if (s.recipient_names != nullptr) {
          for (const std::string& n : *s.recipient_names) {
            if (!n.empty()) names.push_back(n);
          }
        }
        if (t.op == TriggerOp::kNe) {  // "no display name is X"
          ok = std::none_of(names.begin(), names.end(),
                            [&](std::string_view n) { return equal_nocase(t.text, n); });
        } else {
          ok = std::any_of(names.begin(), names.end(),
                           [&](std::string_view n) { return text_matches(n, t); });
        }
        break;
      }
      case TriggerKey::kReplyToLen:
        ok = compare(static_cast<std::int64_t>(s.reply_to.size()), t.op, t.number);
        break;
      case TriggerKey::kNameLen: {
        std::int64_t longest = static_cast<std::int64_t>(s.sender_name.size());
        if (s.recipient_names != nullptr) {
          for (const std::string& n : *s.recipient_names)
            longest = std::max<std::int64_t>(longest, static_cast<std::int64_t>(n.size()));
        }
        ok = compare(longest, t.op, t.number);
        break;
      }
    }
    if (!ok) return false;
  }
  return true;
}

const Action* FaultInjector::evaluate(std::string_view point, const FaultSubject& subject) {
  // Most calls are of points no rule names: nothing to match, count or draw.
  const std::size_t handle = point_handle(point);
  if (handle == kUnarmed) {
    last_rule_ = nullptr;
    return nullptr;
  }
  return evaluate_armed(handle, point, subject);
}

std::size_t FaultInjector::point_handle(std::string_view point) const {
  const ArmedPoint* named = find_point(point);
  return named == nullptr ? kUnarmed : static_cast<std::size_t>(named - armed_points_.data());
}

const Action* FaultInjector::evaluate_armed(std::size_t handle, std::string_view point,
                                            const FaultSubject& subject) {
  const ArmedPoint& named = armed_points_[handle];
  LazyThread thread(*this, subject.thread);
  for (const std::size_t index : named.rules) {
    Armed& armed = rules_[index];
    if (!matches(armed, subject, thread)) continue;
    ++armed.matches;
    bool counted = true;
    for (const Trigger& t : armed.rule.triggers) {
      if (t.key == TriggerKey::kNth) counted = counted && armed.matches == t.number;
      if (t.key == TriggerKey::kAfter) counted = counted && armed.matches > t.number;
    }
    if (!counted) continue;
    const Action* action = fire(armed, point, subject, thread.get());
    // An event or a delay leaves the call itself alone, so the rules after it still see it.
    if (action == nullptr || action->kind == ActionKind::kEvent ||
        action->kind == ActionKind::kDelay)
      continue;
    last_rule_ = &armed.rule;
    return action;
  }
  last_rule_ = nullptr;
  return nullptr;
}

bool names_message(const FaultRule& rule) {
  return std::any_of(rule.triggers.begin(), rule.triggers.end(),
                     [](const Trigger& t) { return selects_message(t.key); });
}

const Action* FaultInjector::fire(Armed& armed, std::string_view point, const FaultSubject& subject,
                                  int thread) {
  auto& chain = armed.rule.chain;
  if (armed.term >= chain.size()) return nullptr;
  const ChainTerm& term = chain[armed.term];
  if (term.action.kind == ActionKind::kOff) return nullptr;
  if (term.percent && random_.unit() * 100.0 >= *term.percent) return nullptr;
  ++armed.fired;
  if (term.count && ++armed.term_fired >= *term.count) {
    ++armed.term;
    armed.term_fired = 0;
  }
  const Action& action = term.action;
  if (action.kind != ActionKind::kEvent && action.kind != ActionKind::kDelay) {
    firings_.push_back({clock_.now_us(), std::string(point), action.kind,
                        std::string(subject.message_id), std::string(subject.file)});
  }
  switch (action.kind) {
    case ActionKind::kEvent:
      effects_.write_event(action.event_id, action.strings);
      break;
    case ActionKind::kDelay:
      effects_.delay(action.delay_us);
      break;
    case ActionKind::kHang:
      // At mta.service it is the MTA that hangs; the MSMI's call fails as it would on a down MTA.
      if (point == "mta.service")
        effects_.hang_mta();
      else
        effects_.hang(thread);
      break;
    case ActionKind::kTerminate:
    case ActionKind::kStop:
      if (point == "mta.service")
        effects_.end_mta(action.kind == ActionKind::kStop);
      else
        effects_.end_service(action.kind == ActionKind::kStop);
      break;
    case ActionKind::kPowerLoss:
      effects_.power_loss(std::string(point) +
                          (subject.file.empty() ? "" : " " + std::string(subject.file)));
      break;
    default:
      break;
  }
  return &action;
}

bool FaultInjector::armed(msmi::Site site) const {
  return armed(msmi::to_string(site));
}

bool FaultInjector::armed(std::string_view point) const {
  return find_point(point) != nullptr;
}

msmi::SiteVerdict FaultInjector::at(const msmi::SiteContext& c) {
  FaultSubject subject;
  subject.sender = c.sender;
  subject.recipients = &c.recipients;
  subject.subject = c.subject;
  subject.size = c.size;
  subject.msgkind = c.kind;
  subject.address = c.address;
  subject.file = c.mailbag;
  subject.message_id = c.message_id;
  subject.sender_name = c.sender_name;
  subject.recipient_names = &c.recipient_names;
  subject.reply_to = c.reply_to;
  subject.thread = c.thread;
  const Action* action = evaluate(msmi::to_string(c.site), subject);
  msmi::SiteVerdict verdict;
  if (action == nullptr) return verdict;
  using K = msmi::SiteVerdict::Kind;
  switch (action->kind) {
    case ActionKind::kFail:
      verdict.kind = K::kFail;
      break;
    case ActionKind::kAccessViolation:
      verdict.kind = K::kAccessViolation;
      verdict.read_address = action->address;
      break;
    case ActionKind::kLeaveInQueue:
      verdict.kind = K::kLeaveInQueue;
      break;
    case ActionKind::kHang:
    case ActionKind::kTerminate:
    case ActionKind::kStop:
    case ActionKind::kPowerLoss:
      verdict.kind = K::kHang;  // the world has hung the thread or ended the process: stop here
      break;
    default:
      break;  // events and the end of the service were carried out by the world
  }
  verdict.reason = "fault rule " + std::string(msmi::to_string(c.site));
  return verdict;
}

std::vector<FaultRuleStats> FaultInjector::stats() const {
  std::vector<FaultRuleStats> out;
  for (const Armed& armed : rules_) out.push_back({armed.rule.text, armed.matches, armed.fired});
  return out;
}

}  // namespace msmisim
