#include "msmisim/scenario_loader.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "json_fields.h"
#include "message_content_reader.h"
#include "msmi/address.h"
#include "msmi/message_files.h"
#include "msmi/network_directory.h"
#include "msmi/queue_payloads.h"
#include "msmilog/json_depth.h"
#include "msmilog/time_format.h"

namespace msmisim {
namespace {

using namespace detail;

msmi::ServiceAccount read_service_account(const json& v, const std::string& path) {
  if (v.is_string() && v.get<std::string>() == "exchange")
    return msmi::ServiceAccount::kExchangeService;
  if (v.is_string() && v.get<std::string>() == "system") return msmi::ServiceAccount::kLocalSystem;
  fail(path, "\"exchange\" (the Exchange service account) or \"system\" (the System Account)", v);
}

// An MS Mail mailbox, "MS:NET/PO/MAILBOX", as "NET/PO/MAILBOX" in upper case.
// "MS:NET/PO/MAILBOX" → "NET/PO/MAILBOX", as the PC MTA names a user's own mailbag.
std::string read_mailbox_name(const json& v, const std::string& path) {
  const msmi::AddressParseResult parsed = msmi::parse_address(read_string(v, path));
  if (!parsed.ok || parsed.address.type != msmi::AddressType::kMsMail)
    fail(path, "an MS Mail mailbox such as \"MS:MSNET/SALES/ALICE\"", v);
  return parsed.address.network + "/" + parsed.address.postoffice + "/" + parsed.address.mailbox;
}

void read_engine(const json& v, const std::string& path, Scenario& s) {
  Fields f(v, path);
  if (const json* x = f.get("cpus")) s.cpus = static_cast<int>(read_int(*x, f.at("cpus"), 1, 8));
  if (const json* x = f.get("outbound_threads")) {
    s.outbound_threads = static_cast<int>(read_int(*x, f.at("outbound_threads"), 1, 4));
  }
  if (const json* x = f.get("logging")) {
    const std::string lp = f.at("logging");
    const char* expected = "\"none\", \"minimum\", \"medium\" or \"maximum\"";
    if (x->is_string()) {
      if (!msmi::parse_logging_level(x->get<std::string>(), s.logging_default))
        fail(lp, expected, *x);
    } else {
      if (!x->is_object())
        fail(lp, std::string("a level (") + expected + ") or an object of categories", *x);
      for (const auto& [key, value] : x->items()) {
        const std::string kp = lp + "." + key;
        msmi::LoggingLevel level;
        if (!value.is_string() || !msmi::parse_logging_level(value.get<std::string>(), level)) {
          fail(kp, expected, value);
        }
        if (key == "default") {
          s.logging_default = level;
          continue;
        }
        msmi::Category category;
        if (!msmi::parse_category(key, category)) {
          throw FieldError{kp,
                           "unknown category '" + key +
                               "' (expected default, Initialization/Termination, Session "
                               "Data, Session Error, Debug Data, NDR, Routing, Service Control)"};
        }
        s.logging[category] = level;
      }
    }
  }
  if (const json* x = f.get("defects")) {
    const std::string dp = f.at("defects");
    if (!x->is_object()) fail(dp, "an object such as {\"Q151791\": false}", *x);
    for (const auto& [key, value] : x->items()) {
      msmi::Defect defect;
      if (!msmi::parse_defect(key, defect)) {
        throw FieldError{dp + "." + key,
                         "unknown defect '" + key + "' (known: " + msmi::defect_names() + ")"};
      }
      s.defect_overrides[defect] = read_bool(value, dp + "." + key);
    }
  }
  if (const json* x = f.get("max_attempts"))
    s.max_attempts = static_cast<int>(read_int(*x, f.at("max_attempts"), 1, 100));
  if (const json* x = f.get("ole_classes"))
    s.ole_classes = read_ole_classes(*x, f.at("ole_classes"));
  if (const json* x = f.get("retry_delay"))
    s.retry_delay_us = read_duration(*x, f.at("retry_delay"));
  if (const json* x = f.get("restart_deferral"))
    s.restart_deferral_us = read_duration(*x, f.at("restart_deferral"));
  if (const json* x = f.get("poll_interval"))
    s.poll_interval_us = read_duration(*x, f.at("poll_interval"));
  if (const json* x = f.get("refresh_interval"))
    s.refresh_interval_us = read_duration(*x, f.at("refresh_interval"));
  if (const json* x = f.get("thread_refresh"))
    s.thread_refresh_us = read_duration(*x, f.at("thread_refresh"));
  if (const json* x = f.get("service_account"))
    s.service_account = read_service_account(*x, f.at("service_account"));
  f.reject_unknown();
  for (const auto* d : {&s.poll_interval_us, &s.refresh_interval_us}) {
    if (*d && **d <= 0)
      throw FieldError{path, "poll_interval and refresh_interval must be above zero"};
  }
}

msmi::PostofficeName read_postoffice_name(const json& v, const std::string& path) {
  msmi::PostofficeName po;
  std::string reason;
  if (!msmi::parse_postoffice_name(read_string(v, path), &po, &reason)) {
    throw FieldError{path, reason};
  }
  return po;
}

// An MS Mail mailbox, "MS:NETWORK/POSTOFFICE/MAILBOX", in upper case.
std::string read_mailbox(const json& v, const std::string& path) {
  const std::string text = read_string(v, path);
  const msmi::AddressParseResult parsed = msmi::parse_address(text);
  if (!parsed.ok || parsed.address.type != msmi::AddressType::kMsMail) {
    fail(path, "an MS Mail mailbox such as \"MS:MSNET/SALES/POSTMASTER\"", v);
  }
  std::string out = parsed.address.to_string();
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

void read_postoffice(const json& v, const std::string& path, Scenario& s) {
  Fields f(v, path);
  if (const json* x = f.get("connector")) {
    const msmi::PostofficeName po = read_postoffice_name(*x, f.at("connector"));
    s.connector_network = po.network;
    s.connector_postoffice = po.postoffice;
  }
  if (const json* x = f.get("postoffices")) {
    const std::string pp = f.at("postoffices");
    if (!x->is_array()) fail(pp, "an array of \"NETWORK/POSTOFFICE\"", *x);
    s.postoffices.clear();
    for (std::size_t i = 0; i < x->size(); ++i) {
      const msmi::PostofficeName po =
          read_postoffice_name((*x)[i], pp + "[" + std::to_string(i) + "]");
      s.postoffices.push_back(po.network + "/" + po.postoffice);
    }
  }
  if (const json* x = f.get("pcmta_interval")) {
    s.pcmta_interval_us = read_duration(*x, f.at("pcmta_interval"));
    if (s.pcmta_interval_us < 1'000'000) fail(f.at("pcmta_interval"), "at least 1s", *x);
  }
  if (const json* x = f.get("address_spaces")) {
    const std::string ap = f.at("address_spaces");
    if (!x->is_array()) fail(ap, "an array of address types such as [\"MS\", \"SMTP\"]", *x);
    s.address_spaces.clear();
    for (std::size_t i = 0; i < x->size(); ++i) {
      const std::string at = ap + "[" + std::to_string(i) + "]";
      const std::string type = read_string((*x)[i], at);
      if (type != "MS" && type != "SMTP" && type != "X400")
        fail(at, "an address type: \"MS\", \"SMTP\" or \"X400\"", (*x)[i]);
      s.address_spaces.push_back(type);
    }
  }
  if (const json* x = f.get("pcmta_batch"))
    s.pcmta_batch = static_cast<int>(read_int(*x, f.at("pcmta_batch"), 0, 4096));
  if (const json* x = f.get("missing_mailboxes")) {
    const std::string mp = f.at("missing_mailboxes");
    if (!x->is_array()) fail(mp, "an array of \"MS:NETWORK/POSTOFFICE/MAILBOX\"", *x);
    for (std::size_t i = 0; i < x->size(); ++i) {
      s.missing_mailboxes.push_back(read_mailbox((*x)[i], mp + "[" + std::to_string(i) + "]"));
    }
  }
  if (const json* x = f.get("contention")) {
    const std::string cp = f.at("contention");
    if (!x->is_array()) fail(cp, "an array of {\"mailbox\": …, \"count\": …}", *x);
    for (std::size_t i = 0; i < x->size(); ++i) {
      Fields g((*x)[i], cp + "[" + std::to_string(i) + "]");
      MailboxContention c;
      const json* m = g.get("mailbox");
      if (m == nullptr)
        throw FieldError{g.at("mailbox"), "required: \"MS:NETWORK/POSTOFFICE/MAILBOX\""};
      c.mailbox = read_mailbox(*m, g.at("mailbox"));
      if (const json* n = g.get("count"))
        c.count = static_cast<int>(read_int(*n, g.at("count"), 1, 100000));
      g.reject_unknown();
      s.contention.push_back(c);
    }
  }
  if (const json* x = f.get("mailbags")) {
    const std::string mp = f.at("mailbags");
    if (!x->is_object()) fail(mp, "an object {\"NETWORK/POSTOFFICE\": records}", *x);
    for (const auto& [key, value] : x->items()) {
      const msmi::PostofficeName po = read_postoffice_name(key, mp + "." + key);
      const std::string name = po.network + "/" + po.postoffice;
      const int count = static_cast<int>(read_int(value, mp + "." + key, 0, 4096));
      if (std::find(s.postoffices.begin(), s.postoffices.end(), name) == s.postoffices.end())
        throw FieldError{mp + "." + key, "is not one of $.postoffice.postoffices"};
      s.prefilled_mailbags[name] = count;
    }
  }
  if (const json* x = f.get("user_mailbags")) {
    const std::string up = f.at("user_mailbags");
    if (!x->is_object()) fail(up, "an object {\"MS:NETWORK/POSTOFFICE/MAILBOX\": messages}", *x);
    for (const auto& [key, value] : x->items()) {
      const std::string mailbox = read_mailbox_name(key, up + "." + key);
      s.user_mailbags[mailbox] = static_cast<int>(read_int(value, up + "." + key, 0, 4096));
    }
  }
  f.reject_unknown();
}

Responder read_responder(const json& v, const std::string& path) {
  Fields f(v, path);
  Responder r;
  const json* a = f.get("address");
  if (a == nullptr)
    throw FieldError{
        f.at("address"),
        "required: the address that answers, e.g. \"SMTP:listserv@lists.example.com\""};
  r.address = read_address(*a, f.at("address"), true);
  if (const json* x = f.get("max_replies"))
    r.max_replies = static_cast<int>(read_int(*x, f.at("max_replies"), 1, 10000));
  if (const json* x = f.get("delay")) {
    r.delay_us = read_duration(*x, f.at("delay"));
    if (r.delay_us < 1'000'000) fail(f.at("delay"), "at least 1s", *x);
  }
  if (const json* x = f.get("subject")) r.subject = read_string(*x, f.at("subject"));
  f.reject_unknown();
  return r;
}

TrafficSpec read_traffic(const json& v, const std::string& path) {
  Fields f(v, path);
  TrafficSpec t;
  if (const json* x = f.get("direction")) t.direction = read_direction(*x, f.at("direction"));
  const json* from = f.get("from");
  const json* to = f.get("to");
  if (from == nullptr) throw FieldError{f.at("from"), "required: the sender address(es)"};
  if (to == nullptr) throw FieldError{f.at("to"), "required: the recipient address(es)"};
  // Steady traffic is good mail: a typo here would turn into NDRs nobody asked for. Bad mail
  // is scripted with "messages", whose addresses may be invalid on purpose.
  t.senders = read_addresses(*from, f.at("from"), true, false);
  t.recipients = read_named_addresses(*to, f.at("to"), true, false, &t.recipient_names);
  if (const json* x = f.get("sender_name"))
    t.sender_name = read_display_name(*x, f.at("sender_name"));
  if (const json* x = f.get("reply_to")) t.reply_to = read_address(*x, f.at("reply_to"), true);
  if (const json* x = f.get("kind")) t.kind = read_message_kind(*x, f.at("kind"));
  if (const json* x = f.get("subject")) t.subject = read_string(*x, f.at("subject"));
  const json* every = f.get("every");
  if (every == nullptr)
    throw FieldError{f.at("every"), "required: the gap between messages, e.g. \"30s\""};
  t.every_us = read_duration(*every, f.at("every"));
  if (t.every_us < 1000) throw FieldError{f.at("every"), "must be at least 1ms"};
  if (const json* x = f.get("start")) t.start_us = read_duration(*x, f.at("start"));
  if (const json* x = f.get("stop")) t.stop_us = read_duration(*x, f.at("stop"));
  if (t.stop_us && *t.stop_us <= t.start_us) {
    throw FieldError{f.at("stop"), "must be later than \"start\""};
  }
  if (const json* x = f.get("jitter")) {
    t.jitter = read_number(*x, f.at("jitter"));
    if (t.jitter < 0 || t.jitter >= 1)
      fail(f.at("jitter"), "a number from 0 up to (not including) 1", *x);
  }
  f.reject_unknown();
  return t;
}

// The fields the FIPS to MDBEF conversion works on (Q156844, Q161933, Q214565).
void read_conversion_fields(Fields& f, MessageSpec& m) {
  if (const json* x = f.get("sent")) {
    m.sent_us = read_duration(*x, f.at("sent"));
    if (*m.sent_us > m.at_us) {
      throw FieldError{f.at("sent"),
                       "must not be later than \"at\", when the message reaches the connector"};
    }
  }
  if (const json* x = f.get("message_class")) {
    m.message_class = read_string(*x, f.at("message_class"));
    if (!m.message_class.starts_with("IPM.") ||
        m.message_class.find_first_of("\r\n") != std::string::npos) {
      fail(f.at("message_class"), "an MS Mail message class such as \"IPM.Custom.Form\"", *x);
    }
  }
  if (const json* x = f.get("read_receipt")) {
    m.read_receipt = read_string(*x, f.at("read_receipt"));
    if (m.read_receipt != "pc" && m.read_receipt != "mac") {
      fail(f.at("read_receipt"), "\"pc\" or \"mac\", the client that generated the receipt", *x);
    }
    if (!m.message_class.empty() && m.message_class != msmi::kReadReceiptClass) {
      throw FieldError{f.at("message_class"), "a read receipt's class is \"" +
                                                  std::string(msmi::kReadReceiptClass) + "\""};
    }
    m.message_class = std::string(msmi::kReadReceiptClass);
  }
  if ((m.sent_us || !m.message_class.empty()) && m.direction != Direction::kInbound) {
    throw FieldError{f.at(m.sent_us ? "sent" : "message_class"),
                     "only messages from MS Mail (\"direction\": \"inbound\") carry it"};
  }
}

// {"recipients": [{"name": "Bob Smith", "addresses": ["MS:EXCHANGE/HQ/BOB"]}]}
void read_directory(const json& v, const std::string& path, Scenario& s) {
  Fields f(v, path);
  if (const json* x = f.get("recipients")) {
    const std::string rp = f.at("recipients");
    if (!x->is_array()) fail(rp, "an array of {\"name\", \"addresses\"}", *x);
    for (std::size_t i = 0; i < x->size(); ++i) {
      Fields g((*x)[i], rp + "[" + std::to_string(i) + "]");
      GalEntry entry;
      const json* name = g.get("name");
      if (name == nullptr) throw FieldError{g.at("name"), "required: the display name"};
      entry.name = read_display_name(*name, g.at("name"));
      const json* addresses = g.get("addresses");
      if (addresses == nullptr)
        throw FieldError{g.at("addresses"), "required: the recipient's e-mail addresses"};
      entry.addresses = read_addresses(*addresses, g.at("addresses"), true, false);
      g.reject_unknown();
      s.recipients.push_back(std::move(entry));
    }
  }
  f.reject_unknown();
}

MessageSpec read_message(const json& v, const std::string& path) {
  Fields f(v, path);
  MessageSpec m;
  const json* at = f.get("at");
  if (at == nullptr)
    throw FieldError{f.at("at"), "required: when the message is sent, e.g. \"10m\""};
  m.at_us = read_duration(*at, f.at("at"));
  if (const json* x = f.get("direction")) m.direction = read_direction(*x, f.at("direction"));
  if (const json* x = f.get("label")) m.label = read_string(*x, f.at("label"));
  // Scripted messages may carry invalid addresses on purpose: that is how faults are injected.
  const json* from = f.get("from");
  if (from == nullptr)
    throw FieldError{f.at("from"), "required: the sender (may be invalid on purpose)"};
  m.sender = read_string(*from, f.at("from"));
  if (const json* x = f.get("sender_name"))
    m.sender_name = read_display_name(*x, f.at("sender_name"));
  if (const json* x = f.get("to"))
    m.to = read_named_addresses(*x, f.at("to"), false, true, &m.to_names);
  if (const json* x = f.get("cc"))
    m.cc = read_named_addresses(*x, f.at("cc"), false, true, &m.cc_names);
  if (const json* x = f.get("reply_to")) m.reply_to = read_address(*x, f.at("reply_to"), false);
  if (const json* x = f.get("kind"))
    m.kind = read_scripted_message_kind(*x, f.at("kind"), m.direction);
  read_message_content(f, m);
  if (const json* x = f.get("subject")) m.subject = read_string(*x, f.at("subject"));
  if (const json* x = f.get("body")) m.body = read_string(*x, f.at("body"));
  read_conversion_fields(f, m);
  f.reject_unknown();
  return m;
}

FileLock read_lock(Fields& f, const std::string& path) {
  FileLock lock;
  const json* file = f.get("file");
  if (file == nullptr) {
    throw FieldError{f.at("file"),
                     "required: the postoffice file to lock, e.g. \"KEY/INQUEUE3.KEY\""};
  }
  lock.path = read_string(*file, f.at("file"));
  if (lock.path.empty() || lock.path.front() == '/' || lock.path.find("..") != std::string::npos ||
      lock.path.find('\\') != std::string::npos) {
    fail(f.at("file"),
         "a path inside the postoffice with '/' separators, e.g. \"MBG/INQUEUE3.MBG\"", *file);
  }
  if (const json* x = f.get("from")) lock.from_us = read_duration(*x, f.at("from"));
  if (const json* x = f.get("until")) lock.until_us = read_duration(*x, f.at("until"));
  f.reject_unknown();
  check_window(lock.from_us, lock.until_us, path);
  return lock;
}

// A "when" object as the one-line trigger list: {"rcpt": "*@bad", "nth": 2} → "rcpt~*@bad,nth=2".
// Text values are globs; numbers compare equal unless they start with an operator (">=5").
std::string triggers_text(const json& when, const std::string& path) {
  if (!when.is_object())
    fail(path, "an object of triggers such as {\"rcpt\": \"*@bad.example\"}", when);
  std::string out;
  for (const auto& [key, value] : when.items()) {
    std::string text;
    if (value.is_number_integer()) {
      text = "=" + std::to_string(value.get<std::int64_t>());
    } else if (value.is_string()) {
      const std::string v = value.get<std::string>();
      const bool has_op = !v.empty() && std::string("<>=!~").find(v[0]) != std::string::npos;
      // Quoted only when the bare form would not read back, so both spellings store one text.
      const bool bare = !v.empty() && v.find_first_of(",]\"\\") == std::string::npos &&
                        !std::isspace(static_cast<unsigned char>(v.front())) &&
                        !std::isspace(static_cast<unsigned char>(v.back()));
      std::string quoted = bare ? v : "\"";
      if (!bare) {
        for (char c : v) quoted += (c == '"' || c == '\\') ? std::string{'\\', c} : std::string{c};
        quoted += '"';
      }
      text = has_op ? v
                    : (key == "from" || key == "until" || key == "service" || key == "profile" ||
                               key == "after_event" || key == "kind" || key == "msgkind"
                           ? "="
                           : "~") +
                          quoted;
    } else {
      fail(path + "." + key, "a string or a whole number", value);
    }
    out += (out.empty() ? "" : ",") + key + text;
  }
  return out;
}

// A fault rule, as one line ({"rule": "…"}) or as an object ({"point", "when", "action"}).
void read_fault_rule(Fields& f, const std::string& path, Scenario& s) {
  std::string text;
  std::string where;
  // The object form: where in `text` the point and the triggers end, to name the field an
  // error's column falls in.
  std::size_t point_end = 0;
  std::size_t when_end = 0;
  if (const json* rule = f.get("rule")) {
    where = f.at("rule");
    text = read_string(*rule, where);
  } else {
    const json* point = f.get("point");
    const json* action = f.get("action");
    if (point == nullptr || action == nullptr)
      throw FieldError{path, "a fault needs \"rule\", or \"point\" and \"action\" (or a \"type\")"};
    where = f.at("action");
    text = read_string(*point, f.at("point"));
    point_end = text.size();
    if (const json* when = f.get("when")) {
      const std::string triggers = triggers_text(*when, f.at("when"));
      if (!triggers.empty()) text += "[" + triggers + "]";
    }
    when_end = text.size();
    text += "=" + read_string(*action, where);
  }
  FaultRule rule;
  if (const json* x = f.get("optional")) rule.optional = read_bool(*x, f.at("optional"));
  f.reject_unknown();
  const bool optional = rule.optional;
  int column = 0;
  const msmi::Status parsed = parse_fault_rule(text, &rule, &column);
  if (!parsed.ok()) {
    const auto offset = static_cast<std::size_t>(std::max(column, 1) - 1);
    if (offset < point_end)
      where = f.at("point");
    else if (offset < when_end)
      where = f.at("when");
    throw FieldError{
        where, parsed.message() + " at column " + std::to_string(column) + " of '" + text + "'"};
  }
  rule.optional = optional;
  s.fault_rules.push_back(std::move(rule));
}

// One entry of "faults": a fault rule, or the older forms: an MTA return code, a locked file.
void read_fault(const json& v, const std::string& path, Scenario& s) {
  Fields f(v, path);
  const json* type = f.get("type");
  if (type == nullptr) {
    read_fault_rule(f, path, s);
    return;
  }
  const std::string kind = read_string(*type, f.at("type"));
  if (kind == "lock_file") {
    s.locks.push_back(read_lock(f, path));
    return;
  }
  if (kind != "mta_return_code") {
    fail(f.at("type"), "\"mta_return_code\" or \"lock_file\" (or no type: a fault rule)", *type);
  }
  MtaFault fault;
  if (const json* x = f.get("sender")) fault.sender_pattern = read_string(*x, f.at("sender"));
  if (const json* x = f.get("recipient"))
    fault.recipient_pattern = read_string(*x, f.at("recipient"));
  if (fault.sender_pattern.empty() && fault.recipient_pattern.empty()) {
    throw FieldError{path, "needs a \"sender\" or \"recipient\" pattern (glob with * and ?)"};
  }
  if (const json* x = f.get("code")) {
    const std::string cp = f.at("code");
    const std::string text =
        x->is_number_integer() ? std::to_string(x->get<int>()) : read_string(*x, cp);
    if (!msmi::parse_xom_return_code(text, fault.code)) {
      fail(cp,
           "a XOM return code: \"0x15\" (OM_SYSTEM_ERROR), \"0x16\", \"0x13\", \"0x04\", \"0x05\" "
           "or \"0x0\"",
           *x);
    }
  }
  if (const json* x = f.get("from")) fault.from_us = read_duration(*x, f.at("from"));
  if (const json* x = f.get("until")) fault.until_us = read_duration(*x, f.at("until"));
  f.reject_unknown();
  check_window(fault.from_us, fault.until_us, path);
  s.faults.push_back(std::move(fault));
}

// reset_mailbag, rebuild_mailbag (MAILQ16, Q130285): which mailbag, and for a rebuild the
// headers left out and whether missing contents get a stub.
void read_mailbag_step(Fields& f, const std::string& action, OperatorStep& step) {
  const json* x = f.get("mailbag");
  const char* expected = "\"INQUEUE3\" or a postoffice \"NETWORK/POSTOFFICE\" (its mailbag)";
  if (x == nullptr) throw FieldError{f.at("mailbag"), "required for " + action + ": " + expected};
  step.mailbag = read_string(*x, f.at("mailbag"));
  if (step.mailbag != msmi::kInqueueName) {
    msmi::PostofficeName po;
    std::string reason;
    if (!msmi::parse_postoffice_name(step.mailbag, &po, &reason))
      fail(f.at("mailbag"), expected, *x);
    step.mailbag = po.network + "/" + po.postoffice;
  }
  if (step.action != OperatorAction::kRebuildMailbag) return;
  if (const json* s = f.get("stubs")) step.stubs = read_bool(*s, f.at("stubs"));
  if (const json* d = f.get("drop")) {
    const std::string dp = f.at("drop");
    if (!d->is_array()) fail(dp, "an array of message labels", *d);
    for (std::size_t i = 0; i < d->size(); ++i) {
      const std::string label = read_string((*d)[i], dp + "[" + std::to_string(i) + "]");
      if (label.empty()) fail(dp + "[" + std::to_string(i) + "]", "a message label", (*d)[i]);
      step.drop.push_back(label);
    }
  }
}

OperatorStep read_operator_step(const json& v, const std::string& path) {
  Fields f(v, path);
  OperatorStep step;
  const json* at = f.get("at");
  if (at == nullptr) throw FieldError{f.at("at"), "required: when the operator acts, e.g. \"30m\""};
  step.at_us = read_duration(*at, f.at("at"));
  std::string names;
  for (const char* name : kOperatorActionNames)
    names += (names.empty() ? "" : ", ") + std::string(name);
  const json* action = f.get("action");
  if (action == nullptr) throw FieldError{f.at("action"), "required: one of " + names};
  const std::string a = read_string(*action, f.at("action"));
  bool known = false;
  for (std::size_t i = 0; i < std::size(kOperatorActionNames); ++i) {
    if (a == kOperatorActionNames[i]) {
      step.action = static_cast<OperatorAction>(i);
      known = true;
    }
  }
  if (!known) fail(f.at("action"), "one of " + names, *action);
  if (const json* x = f.get("service")) {
    step.service = read_string(*x, f.at("service"));
    if (step.service != "msmi" && step.service != "mta" && step.service != "pcmta" &&
        step.service != "directory" && step.service != "all") {
      fail(f.at("service"), "\"msmi\", \"mta\", \"pcmta\", \"directory\" or \"all\"", *x);
    }
  }
  if (const json* x = f.get("only_if")) {
    step.only_if = read_string(*x, f.at("only_if"));
    static const std::set<std::string> kConditions = {
        "msmi_running",  "msmi_stopped",  "mta_running",       "mta_stopped",
        "pcmta_running", "pcmta_stopped", "directory_running", "directory_stopped"};
    if (kConditions.count(step.only_if) == 0) {
      fail(f.at("only_if"),
           "\"msmi_running\", \"msmi_stopped\", \"mta_running\", \"mta_stopped\", "
           "\"pcmta_running\", \"pcmta_stopped\", \"directory_running\" or "
           "\"directory_stopped\"",
           *x);
    }
  }
  // The fields each administrator action needs, and only those.
  auto required = [&](const char* key, const char* what) -> const json& {
    const json* x = f.get(key);
    if (x == nullptr) throw FieldError{f.at(key), std::string("required for ") + a + ": " + what};
    return *x;
  };
  if (step.action == OperatorAction::kDeleteMtaHead ||
      step.action == OperatorAction::kReturnToSenders) {
    if (const json* x = f.get("as")) {
      if (!msmi::parse_admin_role(read_string(*x, f.at("as")), step.as))
        fail(f.at("as"), "\"nt-admin\" or \"exchange-admin\"", *x);
    }
  }
  switch (step.action) {
    case OperatorAction::kSetLogging: {
      const json& level = required("level", "none, minimum, medium or maximum");
      step.level = read_string(level, f.at("level"));
      msmi::LoggingLevel parsed;
      if (!msmi::parse_logging_level(step.level, parsed))
        fail(f.at("level"), "\"none\", \"minimum\", \"medium\" or \"maximum\"", level);
      if (const json* x = f.get("category")) {
        step.category = read_string(*x, f.at("category"));
        msmi::Category category;
        if (!msmi::parse_category(step.category, category))
          fail(f.at("category"), "a category such as \"Session Error\" or \"NDR\"", *x);
      }
      break;
    }
    case OperatorAction::kDeleteFile:
      step.file = read_string(required("file", "a glob such as \"P1/*.P1\""), f.at("file"));
      break;
    case OperatorAction::kCopyFile:
      step.file = read_string(required("file", "the file to copy"), f.at("file"));
      step.to = read_string(required("to", "where to copy it"), f.at("to"));
      break;
    case OperatorAction::kAddPostoffice:
    case OperatorAction::kRemovePostoffice: {
      step.postoffice =
          read_string(required("postoffice", "NETWORK/POSTOFFICE"), f.at("postoffice"));
      const std::size_t slash = step.postoffice.find('/');
      if (slash == std::string::npos || slash == 0 || slash + 1 == step.postoffice.size() ||
          step.postoffice.find('/', slash + 1) != std::string::npos)
        fail(f.at("postoffice"), "NETWORK/POSTOFFICE", *f.get("postoffice"));
      break;
    }
    case OperatorAction::kRemoveRecipient:
      step.recipient =
          read_display_name(required("recipient", "the display name to delete"), f.at("recipient"));
      break;
    case OperatorAction::kRemoveAddressSpace:
      step.address_type = read_string(required("address_type", "\"SMTP\", \"MS\" or \"X400\""),
                                      f.at("address_type"));
      if (step.address_type != "MS" && step.address_type != "SMTP" && step.address_type != "X400")
        fail(f.at("address_type"), "\"SMTP\", \"MS\" or \"X400\"", *f.get("address_type"));
      break;
    case OperatorAction::kBurst: {
      step.count = static_cast<int>(
          read_int(required("count", "how many messages"), f.at("count"), 1, 100000));
      json message = required("message", "the message to send, as in $.messages");
      if (message.is_object() && !message.contains("at")) message["at"] = (*at);
      step.message = read_message(message, f.at("message"));
      break;
    }
    case OperatorAction::kReturnToSenders:
      if (const json* x = f.get("count"))
        step.count = static_cast<int>(read_int(*x, f.at("count"), 1, 1000000));
      if (const json* x = f.get("queue")) {
        if (read_string(*x, f.at("queue")) != "mta") fail(f.at("queue"), "\"mta\"", *x);
      }
      break;
    case OperatorAction::kSetSetting: {
      std::string known;
      for (const ConnectorSetting& c : kConnectorSettings)
        known += (known.empty() ? "" : ", ") + std::string(c.name);
      const json& name = required("setting", known.c_str());
      step.setting = read_string(name, f.at("setting"));
      const ConnectorSetting* setting = nullptr;
      for (const ConnectorSetting& c : kConnectorSettings) {
        if (step.setting == c.name) setting = &c;
      }
      if (setting == nullptr) fail(f.at("setting"), "one of " + known, name);
      const json& value = required("value", setting->is_time ? "a time such as \"2m\"" : "a count");
      step.value = setting->is_time ? read_duration(value, f.at("value"))
                                    : read_int(value, f.at("value"), 1, 100);
      if (setting->is_time && step.value <= 0) fail(f.at("value"), "a time above zero", value);
      break;
    }
    case OperatorAction::kResetMailbag:
    case OperatorAction::kRebuildMailbag:
      read_mailbag_step(f, a, step);
      break;
    case OperatorAction::kAddMailbox:
      step.mailbox =
          read_mailbox(required("mailbox", "\"MS:NETWORK/POSTOFFICE/MAILBOX\""), f.at("mailbox"));
      break;
    case OperatorAction::kMovePostoffice: {
      const char* what = "a folder on another drive, such as \"D:\\EXCHSRVR\\CONNECT\\MSMCON\"";
      const json& to = required("to", what);
      step.to = read_string(to, f.at("to"));
      const bool drive = step.to.size() >= 3 &&
                         std::isalpha(static_cast<unsigned char>(step.to[0])) &&
                         step.to[1] == ':' && step.to[2] == '\\';
      if (!drive || step.to.find('/') != std::string::npos) fail(f.at("to"), what, to);
      if (const json* x = f.get("registry")) step.registry = read_bool(*x, f.at("registry"));
      break;
    }
    case OperatorAction::kEmptyMailbag:
      step.mailbox = read_mailbox_name(
          required("mailbox", "the user's mailbox, \"MS:NET/PO/MAILBOX\""), f.at("mailbox"));
      break;
    case OperatorAction::kSetServiceAccount:
      step.account =
          read_service_account(required("account", "\"exchange\" or \"system\""), f.at("account"));
      break;
    default:
      break;
  }
  f.reject_unknown();
  return step;
}

void check_consistency(const Scenario& s) {
  for (std::size_t i = 0; i < s.fault_rules.size(); ++i) {
    const std::string why = rule_outside_run(s.fault_rules[i], s.duration_us);
    if (!why.empty()) {
      throw FieldError{"$.faults", "rule '" + s.fault_rules[i].text + "' can never fire: " + why};
    }
  }
  std::set<std::string> labels;
  for (std::size_t i = 0; i < s.messages.size(); ++i) {
    const std::string at = "$.messages[" + std::to_string(i) + "]";
    if (s.messages[i].at_us >= s.duration_us) {
      throw FieldError{at + ".at", "is at or after the end of the run (duration)"};
    }
    if (!s.messages[i].label.empty() && !labels.insert(s.messages[i].label).second) {
      throw FieldError{at + ".label", "label '" + s.messages[i].label + "' is used twice"};
    }
  }
  for (std::size_t i = 0; i < s.operator_steps.size(); ++i) {
    if (s.operator_steps[i].at_us >= s.duration_us) {
      throw FieldError{"$.operator[" + std::to_string(i) + "].at",
                       "is at or after the end of the run (duration)"};
    }
    const std::vector<std::string>& drop = s.operator_steps[i].drop;
    for (std::size_t j = 0; j < drop.size(); ++j) {
      if (labels.count(drop[j]) == 0) {
        throw FieldError{"$.operator[" + std::to_string(i) + "].drop[" + std::to_string(j) + "]",
                         "no message of $.messages has the label '" + drop[j] + "'"};
      }
    }
  }
  for (std::size_t i = 0; i < s.traffic.size(); ++i) {
    if (s.traffic[i].start_us >= s.duration_us) {
      throw FieldError{"$.traffic[" + std::to_string(i) + "].start",
                       "is at or after the end of the run (duration)"};
    }
  }
  // Threads 0–3 housekeeping, 4 the Mailer, then one inbound thread per CPU, then outbound.
  const int last_thread = 4 + s.cpus + s.outbound_threads;
  for (const auto& [profile, e] : s.expectations) {
    const std::string at = "$.expect." + profile;
    if (e.size() == 0) throw FieldError{at, "checks nothing"};
    for (const auto& [label, fate] : e.message_fates) {
      if (labels.count(label) == 0) {
        throw FieldError{fate.json_path, "no message in $.messages has this label"};
      }
    }
    for (std::size_t i = 0; i < e.events.size(); ++i) {
      if (!e.events[i].message.empty() && labels.count(e.events[i].message) == 0) {
        throw FieldError{at + ".events[" + std::to_string(i) + "].message",
                         "no message in $.messages has the label '" + e.events[i].message + "'"};
      }
    }
    for (std::size_t i = 0; i < e.backlog_over_time.size(); ++i) {
      if (e.backlog_over_time[i].from_us > s.duration_us) {
        throw FieldError{at + ".backlog_over_time[" + std::to_string(i) + "].from",
                         "is after the end of the run (duration)"};
      }
    }
    for (std::size_t i = 0; i < e.threads.size(); ++i) {
      if (e.threads[i].thread > last_thread) {
        throw FieldError{at + ".threads[" + std::to_string(i) + "].thread",
                         "thread " + std::to_string(e.threads[i].thread) +
                             " does not exist: with these settings the threads are 0.." +
                             std::to_string(last_thread)};
      }
    }
    for (const auto* windows : {&e.events}) {
      for (std::size_t i = 0; i < windows->size(); ++i) {
        if ((*windows)[i].from_us >= s.duration_us) {
          throw FieldError{at + ".events[" + std::to_string(i) + "].from",
                           "is at or after the end of the run (duration)"};
        }
      }
    }
  }
}

void read_scenario(const json& root, Scenario& s) {
  Fields f(root, "$");
  if (const json* x = f.get("name")) s.name = read_string(*x, f.at("name"));
  if (const json* x = f.get("description")) s.description = read_string(*x, f.at("description"));
  if (const json* x = f.get("kb")) s.kb = read_string(*x, f.at("kb"));
  if (const json* x = f.get("profile")) {
    s.profile = read_string(*x, f.at("profile"));
    if (!msmi::find_profile(s.profile)) {
      throw FieldError{f.at("profile"), "unknown profile '" + s.profile +
                                            "' (known: " + msmi::profile_names() + ")"};
    }
  }
  if (const json* x = f.get("seed")) {
    if (!x->is_number_unsigned() && !(x->is_number_integer() && x->get<std::int64_t>() >= 0)) {
      fail(f.at("seed"), "a whole number from 0 to 9223372036854775807", *x);
    }
    s.seed = x->get<std::uint64_t>();
    if (*s.seed > static_cast<std::uint64_t>(INT64_MAX)) {
      fail(f.at("seed"), "a whole number from 0 to 9223372036854775807", *x);
    }
  }
  if (const json* x = f.get("duration")) {
    s.duration_us = read_duration(*x, f.at("duration"));
    if (s.duration_us <= 0 || s.duration_us > 31LL * 24 * 3600 * 1'000'000) {
      fail(f.at("duration"), "a duration above zero and at most 31 days", *x);
    }
  }
  if (const json* x = f.get("start_time")) {
    if (!x->is_string() || !msmilog::parse_iso8601_utc(x->get<std::string>(), &s.epoch_us)) {
      fail(f.at("start_time"), "an ISO-8601 UTC time such as \"1997-05-22T12:00:00Z\"", *x);
    }
  }
  if (const json* x = f.get("computer")) s.computer = read_string(*x, f.at("computer"));
  if (const json* x = f.get("sample_interval")) {
    s.sample_interval_us = read_duration(*x, f.at("sample_interval"));
    if (s.sample_interval_us < 1'000'000) fail(f.at("sample_interval"), "at least 1s", *x);
  }
  if (const json* x = f.get("engine")) read_engine(*x, f.at("engine"), s);
  // What swarm testing chose for a variant (swarm.h): a note for people, not read by the engine.
  if (const json* x = f.get("swarm")) {
    if (!x->is_object()) fail(f.at("swarm"), "an object (written by msmisim sweep --swarm)", *x);
  }
  if (const json* x = f.get("postoffice")) read_postoffice(*x, f.at("postoffice"), s);
  if (const json* x = f.get("directory")) read_directory(*x, f.at("directory"), s);
  auto read_array = [&](const char* key, auto reader, auto& out) {
    if (const json* x = f.get(key)) {
      if (!x->is_array()) fail(f.at(key), "an array", *x);
      for (std::size_t i = 0; i < x->size(); ++i) {
        out.push_back(reader((*x)[i], f.at(key) + "[" + std::to_string(i) + "]"));
      }
    }
  };
  read_array("traffic", read_traffic, s.traffic);
  read_array("messages", read_message, s.messages);
  if (const json* x = f.get("faults")) {
    if (!x->is_array()) fail(f.at("faults"), "an array", *x);
    for (std::size_t i = 0; i < x->size(); ++i) {
      read_fault((*x)[i], f.at("faults") + "[" + std::to_string(i) + "]", s);
    }
  }
  read_array("operator", read_operator_step, s.operator_steps);
  read_array("responders", read_responder, s.responders);
  if (const json* x = f.get("expect")) {
    Fields g(*x, f.at("expect"));
    for (const auto& [key, value] : x->items()) {
      if (key != "*" && !msmi::find_profile(key)) {
        throw FieldError{g.at(key),
                         "unknown profile '" + key + "' (known: *, " + msmi::profile_names() + ")"};
      }
      s.expectations[key] = read_expectations(value, g.at(key));
    }
  }
  f.reject_unknown();
  check_consistency(s);
}

void line_and_column(std::string_view text, std::size_t byte, int* line, int* column) {
  *line = 1;
  *column = 1;
  for (std::size_t i = 0; i < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++*line;
      *column = 1;
    } else {
      ++*column;
    }
  }
}

}  // namespace

std::string CountRange::describe() const {
  auto num = [](double v) {
    std::ostringstream out;
    out << v;
    return out.str();
  };
  if (min && max && *min == *max) return "= " + num(*min);
  if (min && max) return num(*min) + ".." + num(*max);
  if (min) return "≥ " + num(*min);
  if (max) return "≤ " + num(*max);
  return "any";
}

int Expectations::size() const {
  return static_cast<int>(events.size() + sequences.size() + threads.size() + backlog.size() +
                          backlog_over_time.size() + ledger.size() + message_fates.size() +
                          files.size() + delivered.size()) +
         (service_running ? 1 : 0) + (has_crashes ? 1 : 0);
}

std::string LoadError::to_string() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line) + ":" + std::to_string(column);
  if (!json_path.empty()) out += ": " + json_path;
  return out + ": " + message;
}

bool parse_scenario(std::string_view text, const std::string& path, Scenario* out,
                    LoadError* error) {
  error->file = path;
  json root;
  // nlohmann keeps the last of two equal keys; a repeated key is almost always a mistake, so it
  // is refused like an unknown one.
  std::vector<std::set<std::string>> open_objects;
  std::string duplicate;
  const json::parser_callback_t refuse_duplicates = [&](int, json::parse_event_t event,
                                                        json& parsed) {
    if (event == json::parse_event_t::object_start) {
      open_objects.emplace_back();
    } else if (event == json::parse_event_t::object_end) {
      if (!open_objects.empty()) open_objects.pop_back();
    } else if (event == json::parse_event_t::key && !open_objects.empty() && duplicate.empty()) {
      const std::string key = parsed.get<std::string>();
      if (!open_objects.back().insert(key).second) duplicate = key;
    }
    return true;
  };
  if (int line = 0, column = 0; msmilog::json_too_deep(text, &line, &column)) {
    error->line = line;
    error->column = column;
    error->message = std::string("invalid JSON: ") + msmilog::kJsonTooDeep;
    return false;
  }
  try {
    root = json::parse(text.begin(), text.end(), refuse_duplicates);
    if (!duplicate.empty()) {
      error->message =
          "key '" + duplicate + "' appears twice in one object (the first would be ignored)";
      return false;
    }
  } catch (const json::parse_error& e) {
    line_and_column(text, e.byte == 0 ? 0 : e.byte - 1, &error->line, &error->column);
    std::string what = e.what();
    const std::size_t colon = what.find("syntax error");
    error->message = "invalid JSON: " + (colon == std::string::npos ? what : what.substr(colon));
    return false;
  } catch (const json::out_of_range& e) {
    const std::string number =
        msmilog::json_number_too_large(text, e.what(), &error->line, &error->column);
    error->message = "invalid JSON: the number " + (number.empty() ? e.what() : number) +
                     " is too large (past the range of a double)";
    return false;
  }
  Scenario scenario;
  scenario.path = path;
  scenario.text = std::string(text);
  try {
    read_scenario(root, scenario);
  } catch (const FieldError& e) {
    error->json_path = e.json_path;
    error->message = e.message;
    return false;
  } catch (const json::exception& e) {
    error->message = std::string("unexpected value: ") + e.what();
    return false;
  }
  if (scenario.name.empty()) {
    const std::size_t slash = path.find_last_of('/');
    scenario.name = path.substr(slash == std::string::npos ? 0 : slash + 1);
    if (scenario.name.ends_with(".json")) scenario.name.resize(scenario.name.size() - 5);
  }
  *out = std::move(scenario);
  return true;
}

bool load_scenario_file(const std::string& path, Scenario* out, LoadError* error) {
  error->file = path;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    error->message = "is a folder; give one scenario file (e.g. " +
                     (std::filesystem::path(path) / "Q151791.json").string() + ")";
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error->message = "cannot be opened (no such file, or not readable)";
    return false;
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) {
    error->message = "read failed";
    return false;
  }
  return parse_scenario(text, path, out, error);
}

}  // namespace msmisim
