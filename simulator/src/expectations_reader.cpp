// The "expect" block of a scenario: what must hold after a run under one profile.
#include "json_fields.h"

#include "msmi/message_observer.h"
#include "msmi/worker.h"

namespace msmisim::detail {
namespace {

constexpr const char* kQueues =
    "\"p1_files\", \"inqueue3\", \"mta_queue\", \"outbound_records\", \"held\" or "
    "\"mai_files\"";

bool is_queue_name(const std::string& name) {
  return name == "p1_files" || name == "inqueue3" || name == "mta_queue" ||
         name == "outbound_records" || name == "held" || name == "mai_files";
}

// {"label": "ndr"} or {"label": ["ndr", "quarantined"]}: the fates a labelled message may end in.
void read_message_fates(const json& v, const std::string& path, Expectations& e) {
  const char* expected = "delivered, ndr, quarantined, pending or lost (or an array of them)";
  if (!v.is_object()) fail(path, "an object of label → fate, or label → [fates]", v);
  for (const auto& [label, value] : v.items()) {
    const std::string at = path + "." + label;
    FateExpectation fe;
    fe.json_path = at;
    auto one = [&](const json& x, const std::string& where) {
      msmi::Fate parsed;
      if (!x.is_string() || !msmi::parse_fate(x.get<std::string>(), parsed)) {
        fail(where, expected, x);
      }
      fe.allowed.push_back(parsed);
    };
    if (value.is_array()) {
      if (value.empty()) fail(at, "at least one fate", value);
      for (std::size_t i = 0; i < value.size(); ++i) {
        one(value[i], at + "[" + std::to_string(i) + "]");
      }
    } else {
      one(value, at);
    }
    if (!e.message_fates.emplace(label, fe).second) {
      throw FieldError{at, "the fate of '" + label +
                               "' is given twice (in \"messages\" and in "
                               "\"ledger\".\"messages\")"};
    }
  }
}

// {"label": {"subject": "…", "sent": "0s", "sent_after": "1h", "message_class": "…"}}
void read_delivered(const json& v, const std::string& path, Expectations& e) {
  if (!v.is_object() || v.empty()) {
    fail(path, "an object of label → {\"subject\", \"sent\", \"sent_after\", \"message_class\"}",
         v);
  }
  for (const auto& [label, value] : v.items()) {
    Fields g(value, path + "." + label);
    DeliveredExpectation d;
    if (const json* t = g.get("subject")) d.subject = read_string(*t, g.at("subject"));
    if (const json* t = g.get("sent")) d.sent_us = read_duration(*t, g.at("sent"));
    if (const json* t = g.get("sent_after"))
      d.sent_after_us = read_duration(*t, g.at("sent_after"));
    if (const json* t = g.get("message_class"))
      d.message_class = read_string(*t, g.at("message_class"));
    g.reject_unknown();
    if (!d.subject && !d.sent_us && !d.sent_after_us && !d.message_class) {
      throw FieldError{path + "." + label,
                       "checks nothing: give \"subject\", \"sent\", \"sent_after\" and/or "
                       "\"message_class\""};
    }
    e.delivered[label] = d;
  }
}

}  // namespace

Expectations read_expectations(const json& v, const std::string& path) {
  Fields f(v, path);
  Expectations e;
  if (const json* x = f.get("events")) {
    const std::string ep = f.at("events");
    if (!x->is_array()) fail(ep, "an array of event expectations", *x);
    for (std::size_t i = 0; i < x->size(); ++i) {
      const std::string ip = ep + "[" + std::to_string(i) + "]";
      Fields g((*x)[i], ip);
      EventExpectation ev;
      if (const json* t = g.get("id")) ev.id = read_event_id(*t, g.at("id"));
      if (const json* t = g.get("type")) {
        msmi::EventType type;
        if (!t->is_string() || !msmi::parse_event_type(t->get<std::string>(), type)) {
          fail(g.at("type"), "\"Error\", \"Warning\" or \"Information\"", *t);
        }
        ev.type = type;
      }
      if (const json* t = g.get("source")) {
        ev.source = read_string(*t, g.at("source"));
        if (ev.source.empty())
          fail(g.at("source"), "an event source such as \"MSExchangeMSMI\"", *t);
      }
      if (!ev.id && !ev.type && ev.source.empty()) {
        throw FieldError{g.at("id"),
                         "required: the event ID, or \"type\" and/or \"source\" to count every "
                         "event of that type or source"};
      }
      if (const json* t = g.get("message")) {
        ev.message = read_string(*t, g.at("message"));
        if (ev.message.empty()) fail(g.at("message"), "the label of a message in $.messages", *t);
      }
      const json* count = g.get("count");
      if (count == nullptr)
        throw FieldError{g.at("count"), "required: a number, or {\"min\": …, \"max\": …}"};
      ev.count = read_range(*count, g.at("count"));
      if (const json* t = g.get("text")) ev.text = read_string(*t, g.at("text"));
      if (const json* t = g.get("thread"))
        ev.thread = static_cast<int>(read_int(*t, g.at("thread"), 0, 99));
      if (const json* t = g.get("from")) ev.from_us = read_duration(*t, g.at("from"));
      if (const json* t = g.get("until")) ev.until_us = read_duration(*t, g.at("until"));
      g.reject_unknown();
      check_window(ev.from_us, ev.until_us, ip);
      e.events.push_back(ev);
    }
  }
  if (const json* x = f.get("sequences")) {
    const std::string sp = f.at("sequences");
    if (!x->is_array()) fail(sp, "an array of sequence expectations", *x);
    for (std::size_t i = 0; i < x->size(); ++i) {
      const std::string ip = sp + "[" + std::to_string(i) + "]";
      Fields g((*x)[i], ip);
      SequenceExpectation seq;
      const json* ids = g.get("ids");
      if (ids == nullptr || !ids->is_array() || ids->empty()) {
        fail(g.at("ids"), "a non-empty array of event IDs", ids ? *ids : json());
      }
      for (std::size_t k = 0; k < ids->size(); ++k) {
        seq.ids.push_back(read_event_id((*ids)[k], g.at("ids") + "[" + std::to_string(k) + "]"));
      }
      if (const json* t = g.get("repeats"))
        seq.repeats = static_cast<int>(read_int(*t, g.at("repeats"), 1, 1'000'000));
      if (const json* t = g.get("thread"))
        seq.thread = static_cast<int>(read_int(*t, g.at("thread"), 0, 99));
      g.reject_unknown();
      e.sequences.push_back(seq);
    }
  }
  if (const json* x = f.get("threads")) {
    const std::string tp = f.at("threads");
    if (!x->is_array()) fail(tp, "an array of thread expectations", *x);
    for (std::size_t i = 0; i < x->size(); ++i) {
      const std::string ip = tp + "[" + std::to_string(i) + "]";
      Fields g((*x)[i], ip);
      ThreadExpectation th;
      const json* thread = g.get("thread");
      if (thread == nullptr) throw FieldError{g.at("thread"), "required: the thread number"};
      th.thread = static_cast<int>(read_int(*thread, g.at("thread"), 0, 99));
      if (const json* t = g.get("state")) {
        const std::string st = read_string(*t, g.at("state"));
        bool found = false;
        for (msmi::ThreadState s :
             {msmi::ThreadState::kStopped, msmi::ThreadState::kIdle, msmi::ThreadState::kWorking,
              msmi::ThreadState::kLooping, msmi::ThreadState::kHung}) {
          if (msmi::to_string(s) == st) {
            th.state = s;
            found = true;
          }
        }
        if (!found)
          fail(g.at("state"), "\"stopped\", \"idle\", \"working\", \"looping\" or \"hung\"", *t);
      }
      if (const json* t = g.get("busy_pct")) th.busy_pct = read_range(*t, g.at("busy_pct"), true);
      if (const json* t = g.get("from")) th.from_us = read_duration(*t, g.at("from"));
      if (const json* t = g.get("until")) th.until_us = read_duration(*t, g.at("until"));
      g.reject_unknown();
      check_window(th.from_us, th.until_us, ip);
      if (!th.state && !th.busy_pct.min && !th.busy_pct.max) {
        throw FieldError{ip, "checks nothing: give \"state\" and/or \"busy_pct\""};
      }
      e.threads.push_back(th);
    }
  }
  if (const json* x = f.get("backlog")) {
    Fields g(*x, f.at("backlog"));
    for (const char* key :
         {"p1_files", "inqueue3", "mta_queue", "held", "outbound_records", "mai_files"}) {
      if (const json* t = g.get(key)) e.backlog[key] = read_range(*t, g.at(key));
    }
    g.reject_unknown();
  }
  if (const json* x = f.get("ledger")) {
    Fields g(*x, f.at("ledger"));
    for (msmi::Fate fate : {msmi::Fate::kDelivered, msmi::Fate::kNdr, msmi::Fate::kQuarantined,
                            msmi::Fate::kPending, msmi::Fate::kLost}) {
      const std::string key(msmi::to_string(fate));
      if (const json* t = g.get(key)) e.ledger[fate] = read_range(*t, g.at(key));
    }
    if (const json* t = g.get("messages")) read_message_fates(*t, g.at("messages"), e);
    g.reject_unknown();
  }
  if (const json* x = f.get("messages")) read_message_fates(*x, f.at("messages"), e);
  if (const json* x = f.get("backlog_over_time")) {
    const std::string bp = f.at("backlog_over_time");
    if (!x->is_array()) fail(bp, "an array of {\"queue\", \"from\", \"until\", \"max\"}", *x);
    for (std::size_t i = 0; i < x->size(); ++i) {
      const std::string ip = bp + "[" + std::to_string(i) + "]";
      Fields g((*x)[i], ip);
      BacklogWindowExpectation w;
      const json* queue = g.get("queue");
      if (queue == nullptr) throw FieldError{g.at("queue"), "required: " + std::string(kQueues)};
      w.queue = read_string(*queue, g.at("queue"));
      if (!is_queue_name(w.queue)) fail(g.at("queue"), kQueues, *queue);
      if (const json* t = g.get("from")) w.from_us = read_duration(*t, g.at("from"));
      if (const json* t = g.get("until")) w.until_us = read_duration(*t, g.at("until"));
      auto bound = [&](const char* key) -> std::optional<double> {
        const json* t = g.get(key);
        if (t == nullptr) return std::nullopt;
        return static_cast<double>(read_int(*t, g.at(key), 0, INT64_MAX));
      };
      w.range.min = bound("min");
      w.range.max = bound("max");
      g.reject_unknown();
      if (!w.range.min && !w.range.max) {
        throw FieldError{ip, "checks nothing: give \"max\" and/or \"min\""};
      }
      if (w.range.min && w.range.max && *w.range.min > *w.range.max) {
        throw FieldError{ip, "min is larger than max, so nothing could ever match"};
      }
      check_window(w.from_us, w.until_us, ip);
      e.backlog_over_time.push_back(w);
    }
  }
  if (const json* x = f.get("files")) {
    const std::string fp = f.at("files");
    if (!x->is_object() || x->empty()) {
      fail(fp,
           "an object of glob → \"present\" or \"absent\", e.g. {\"QUARANTINE/*\": \"present\"}",
           *x);
    }
    for (const auto& [glob, want] : x->items()) {
      const std::string at = fp + "." + glob;
      if (glob.empty() || glob.front() == '/') {
        throw FieldError{at, "a path relative to the postoffice, such as \"P1/*\""};
      }
      if (!want.is_string() || (want != "present" && want != "absent")) {
        fail(at, "\"present\" or \"absent\"", want);
      }
      e.files[glob] = want == "present";
    }
  }
  if (const json* x = f.get("delivered")) read_delivered(*x, f.at("delivered"), e);
  if (const json* x = f.get("service")) {
    Fields g(*x, f.at("service"));
    if (const json* t = g.get("running")) e.service_running = read_bool(*t, g.at("running"));
    if (const json* t = g.get("crashes")) {
      e.crashes = read_range(*t, g.at("crashes"));
      e.has_crashes = true;
    }
    g.reject_unknown();
  }
  f.reject_unknown();
  return e;
}

}  // namespace msmisim::detail
