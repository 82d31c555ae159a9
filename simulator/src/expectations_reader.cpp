// The "expect" block of a scenario: what must hold after a run under one profile.
#include "json_fields.h"

#include "msmi/message_observer.h"
#include "msmi/worker.h"

namespace msmisim::detail {

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
      const json* id = g.get("id");
      if (id == nullptr) throw FieldError{g.at("id"), "required: the event ID"};
      ev.id = read_event_id(*id, g.at("id"));
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
    for (const char* key : {"p1_files", "inqueue3", "mta_queue", "held"}) {
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
    if (const json* t = g.get("messages")) {
      const std::string mp = g.at("messages");
      if (!t->is_object()) fail(mp, "an object of label → fate", *t);
      for (const auto& [label, fate] : t->items()) {
        msmi::Fate parsed;
        if (!fate.is_string() || !msmi::parse_fate(fate.get<std::string>(), parsed)) {
          fail(mp + "." + label, "delivered, ndr, quarantined, pending or lost", fate);
        }
        e.message_fates[label] = parsed;
      }
    }
    g.reject_unknown();
  }
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

// Checks that need the whole scenario: times inside the run, labels that exist and are unique,
// threads that exist.

}  // namespace msmisim::detail
