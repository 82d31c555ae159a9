#include "msmisim/runner.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <system_error>
#include <unordered_set>

#include "msmi/address.h"
#include "msmi/connector_admin.h"
#include "msmi/event_catalogue.h"
#include "msmi/interchange.h"
#include "msmi/mailbag.h"
#include "msmi/message_files.h"
#include "msmi/network_directory.h"
#include "msmi/queue_payloads.h"
#include "msmi/random.h"
#include "msmilog/time_format.h"
#include "msmisim/disk_file_system.h"
#include "msmisim/expectations.h"
#include "msmisim/fault_injector.h"
#include "msmisim/faulty_directory.h"
#include "msmisim/faulty_file_system.h"
#include "msmisim/faulty_mta.h"
#include "msmisim/memory_file_system.h"
#include "msmisim/ms_mail_side.h"
#include "msmisim/oracle.h"
#include "msmisim/record_filing.h"
#include "msmisim/scheduler.h"
#include "msmisim/simulated_directory.h"
#include "msmisim/simulated_mta.h"
#include "msmisim/thread_activity.h"
#include "msmisim/world_events.h"

namespace msmisim {
namespace fs = std::filesystem;
using msmi::Status;

namespace {

constexpr std::string_view kMarker = ".msmisim-postoffice";
constexpr std::string_view kMtaServiceName = "Microsoft Exchange Message Transfer Agent";
constexpr std::string_view kMsmiServiceName = "MS Mail Connector Interchange";
constexpr std::string_view kPcMtaServiceName = "MS Mail Connector (PC) MTA";
// The services' short names, as the run's lifecycle rows name them.
constexpr std::string_view kMsmiShortName = "MSExchangeMSMI";
constexpr std::string_view kMtaShortName = "MSExchangeMTA";
constexpr std::string_view kDirectoryShortName = "MSExchangeDS";
// How long the server takes to come back after a power loss.
constexpr std::int64_t kBootTimeUs = 2 * msmi::kMinute;

// Counts every event for the summary and the expectations, keeps it if asked to, and passes it
// on. `result`, `ledger` and `next` must outlive the sink.
class RecordingSink final : public msmi::EventSink {
 public:
  RecordingSink(RunResult& result, bool keep, const Ledger& ledger, msmi::EventSink* next)
      : result_(result), keep_(keep), ledger_(ledger), next_(next) {}
  // Told of every event, for the fault rules' after_event trigger.
  void set_injector(FaultInjector* injector) { injector_ = injector; }
  // Fed every event, for the expectations; `counters` must outlive the sink.
  void set_counters(std::vector<EventExpectationCounter>* counters) { counters_ = counters; }
  void write(const msmi::Event& event) override {
    if (keep_) result_.events.push_back(event);
    result_.event_tally.add(event);
    if (counters_ != nullptr) {
      for (EventExpectationCounter& counter : *counters_) counter.add(event, ledger_);
    }
    if (injector_ != nullptr) injector_->note_event(event.event_id);
    if (next_ != nullptr) next_->write(event);
  }

 private:
  RunResult& result_;
  const bool keep_;
  const Ledger& ledger_;
  msmi::EventSink* next_;
  FaultInjector* injector_ = nullptr;
  std::vector<EventExpectationCounter>* counters_ = nullptr;
};

msmi::EngineSettings engine_settings(const Scenario& s, const msmi::Profile& profile) {
  msmi::EngineSettings e;
  e.cpus = s.cpus;
  e.outbound_threads = s.outbound_threads;
  e.logging.set_all(s.logging_default);
  for (const auto& [category, level] : s.logging) e.logging.set(category, level);
  e.defects = profile.defects;
  for (const auto& [defect, on] : s.defect_overrides) e.defects.set(defect, on);
  e.protections = profile.protections;
  e.connector_network = s.connector_network;
  e.connector_postoffice = s.connector_postoffice;
  if (s.max_attempts) e.max_attempts = *s.max_attempts;
  if (s.retry_delay_us) e.retry_delay_us = *s.retry_delay_us;
  if (s.restart_deferral_us) e.restart_deferral_us = *s.restart_deferral_us;
  if (s.poll_interval_us) e.poll_interval_us = *s.poll_interval_us;
  if (s.refresh_interval_us) e.refresh_interval_us = *s.refresh_interval_us;
  if (s.thread_refresh_us) e.cost_thread_refresh_us = *s.thread_refresh_us;
  if (s.ole_classes) e.ole_classes = *s.ole_classes;
  e.service_account = s.service_account;
  e.date_origin_us = s.epoch_us;
  return e;
}

msmi::DiagnosticsLogging world_logging() {
  msmi::DiagnosticsLogging logging;
  logging.set_all(msmi::LoggingLevel::kMaximum);
  return logging;
}

msmi::NetworkDirectory directory_of(const Scenario& s) {
  msmi::NetworkDirectory directory;
  for (const std::string& po : s.postoffices) {
    const std::size_t slash = po.find('/');
    directory.postoffices.push_back({po.substr(0, slash), po.substr(slash + 1)});
  }
  return directory;
}

// Everything one run needs, wired together. The engine reaches the postoffice and the MTA
// through the fault layer's wrappers; the world (MS Mail side, samples, ledger) does not.
class World final : private FaultEffects {
 public:
  // `postoffice` must outlive the World.
  World(const Scenario& scenario, const RunOptions& options, const msmi::Profile& profile,
        msmi::FileSystem& postoffice, RunResult& result)
      : scenario_(scenario),
        options_(options),
        result_(result),
        fs_(postoffice),
        root_random_(options.seed),
        engine_random_(root_random_.fork("engine")),
        traffic_random_(root_random_.fork("traffic")),
        mta_(clock_),
        ledger_(clock_),
        sink_(result, options.keep_events, ledger_, options.extra_sink),
        fault_random_(root_random_.fork("faults")),
        injector_(clock_, *fault_random_, *this, profile.name, scenario.fault_rules),
        faulty_fs_(fs_, injector_, *fault_random_),
        faulty_mta_(mta_, injector_),
        faulty_directory_(directory_service_, injector_),
        env_{clock_, *engine_random_, faulty_fs_, faulty_mta_,
             sink_,  ledger_,         &injector_, &faulty_directory_},
        interchange_(env_, engine_settings(scenario, profile)),
        ms_mail_(fs_, clock_, ledger_, {scenario.connector_network, scenario.connector_postoffice}),
        directory_(directory_of(scenario)),
        scheduler_(clock_, options.seed),
        world_log_(clock_, sink_, world_logging()),
        inqueue_view_(fs_, std::string(msmi::kInqueueName)) {
    if (options.ledger_sink != nullptr) filing_.emplace(ledger_, settled_);
    for (const MtaFault& fault : scenario.faults) mta_.add_fault(fault);
    for (const GalEntry& entry : scenario.recipients) directory_service_.add_recipient(entry);
    address_spaces_ = scenario.address_spaces;
    mta_.set_on_accepted([this](const msmi::XomMessage& m) {
      route_from_msmi(m);
      respond(m);
    });
    sink_.set_injector(&injector_);
    injector_.set_thread_source([this] { return scheduler_.current_thread(); });
    injector_.set_service_source([this] { return interchange_.running(); });
    scheduler_.set_extra_busy([this] { return std::exchange(pending_delay_us_, 0); });
    ms_mail_.set_missing_mailboxes(scenario.missing_mailboxes);
    for (const MailboxContention& c : scenario.contention)
      ms_mail_.add_contention(c.mailbox, c.count);
    replies_.assign(scenario.responders.size(), 0);
    interchange_.set_on_service_change([this](const msmi::ServiceChange& c) {
      lifecycle(c.time_us, c.what, kMsmiShortName, c.detail);
    });
  }

  void run() {
    for (const FileLock& lock : scenario_.locks) {
      scheduler_.at(lock.from_us, Priority::kOperator, [this, &lock] { fs_.lock(lock.path); });
      if (lock.until_us) {
        scheduler_.at(*lock.until_us, Priority::kOperator,
                      [this, &lock] { fs_.unlock(lock.path); });
      }
    }
    for (const auto& [po, count] : scenario_.prefilled_mailbags) {
      const std::size_t slash = po.find('/');
      const Status s = ms_mail_.prefill({po.substr(0, slash), po.substr(slash + 1)}, count);
      if (!s.ok()) note("the mailbag of " + po + " could not be prefilled: " + s.to_string());
    }
    for (const auto& [mailbox, count] : scenario_.user_mailbags) {
      ms_mail_.set_user_mailbag(mailbox, count);
    }
    scheduler_.at(0, Priority::kOperator, [this] { interchange_.start(); });
    scheduler_.add_interchange(interchange_, activity_, 0);
    for (std::size_t i = 0; i < scenario_.traffic.size(); ++i) schedule_traffic(i, 0);
    for (const MessageSpec& m : scenario_.messages) {
      scheduler_.at(m.at_us, Priority::kWorld, Source::kMessages, [this, &m] { inject(m); });
    }
    for (const OperatorStep& step : scenario_.operator_steps) {
      scheduler_.at(step.at_us, Priority::kOperator, [this, &step] { operate(step); });
    }
    schedule_pcmta(scenario_.pcmta_interval_us);
    schedule_sample(scenario_.sample_interval_us);
    const bool completed = scheduler_.run_until(scenario_.duration_us, options_.interrupted);
    result_.interrupted = !completed;
    finish(completed ? scenario_.duration_us : clock_.now_us());
  }

 public:
  // What a power loss does to the postoffice's disk (MemoryFileSystem::crash); none on a real one.
  void set_power_cut(std::function<void()> cut) { power_cut_ = std::move(cut); }
  // Fed every event as it is written; `counters` must outlive the World.
  void set_expectation_counters(std::vector<EventExpectationCounter>* counters) {
    sink_.set_counters(counters);
  }

 private:
  // FaultEffects: what a fired rule does to the world.
  void hang(int thread) override {
    if (thread >= 0) interchange_.hang_thread(thread);
  }
  void end_service(bool logged) override { interchange_.end_process(logged, true); }
  void delay(std::int64_t us) override { pending_delay_us_ += us; }
  void write_event(int id, const std::vector<std::string>& strings) override {
    // A simulator note written by a rule says so, not "Operator:".
    const std::string_view variant =
        id == msmi::event_id::kOperatorAction ? kFaultVariant : std::string_view();
    world_log_.log(*find_any_event_spec(id, variant), scheduler_.current_thread(), "", strings);
  }
  void hang_mta() override {
    if (mta_.running()) mta_.hang();
  }
  void end_mta(bool logged) override {
    if (!mta_.running()) return;
    mta_.set_running(false);
    ++mta_terminations_;
    lifecycle(clock_.now_us(), "crash", kMtaShortName, "a fault rule ended the process");
    if (logged) {
      world_log_.log(msmi::event_id::kServiceTerminated, -1, "",
                     {std::string(kMtaServiceName), std::to_string(mta_terminations_)});
    }
  }

  void schedule_traffic(std::size_t index, std::int64_t count) {
    const TrafficSpec& t = scenario_.traffic[index];
    std::int64_t gap = t.every_us;
    if (t.jitter > 0) {
      // Integer arithmetic from here on, so every platform computes the same times.
      const auto spread = static_cast<std::int64_t>(static_cast<double>(t.every_us) * t.jitter);
      if (spread > 0) {
        gap = t.every_us - spread +
              static_cast<std::int64_t>(
                  traffic_random_->uniform(static_cast<std::uint64_t>(2 * spread + 1)));
      }
    }
    const std::int64_t when =
        count == 0 ? t.start_us : clock_.now_us() + std::max<std::int64_t>(gap, 1000);
    const std::int64_t stop = t.stop_us.value_or(scenario_.duration_us);
    if (when >= stop || when >= scenario_.duration_us) return;
    scheduler_.at(when, Priority::kWorld, source_of_traffic(index), [this, index, count] {
      const TrafficSpec& spec = scenario_.traffic[index];
      const std::size_t k = static_cast<std::size_t>(count);
      MessageSpec m;
      m.direction = spec.direction;
      m.sender = spec.senders[k % spec.senders.size()];
      m.sender_name = spec.sender_name;
      m.to = {spec.recipients[k % spec.recipients.size()]};
      if (!spec.recipient_names.empty())
        m.to_names = {spec.recipient_names[k % spec.recipient_names.size()]};
      m.reply_to = spec.reply_to;
      m.kind = spec.kind;
      m.subject = spec.subject + " #" + std::to_string(count + 1);
      inject(m);
      schedule_traffic(index, count + 1);
    });
  }

  void inject(const MessageSpec& m) {
    if (m.direction == Direction::kInbound) {
      OutgoingMail mail{m.label, m.sender, m.to, m.cc, m.subject, m.body};
      mail.sender_name = m.sender_name;
      mail.to_names = m.to_names;
      mail.cc_names = m.cc_names;
      mail.reply_to = m.reply_to;
      mail.dirsync = m.kind == msmi::MessageKind::kDirSync;
      mail.attachments = m.content.attachments;
      mail.sent_us = m.sent_us;
      mail.message_class = m.message_class;
      if (!m.read_receipt.empty()) {
        mail.receipt_date =
            client_date(m.read_receipt, scenario_.epoch_us + m.sent_us.value_or(clock_.now_us()));
      }
      ms_mail_.submit(mail);
      return;
    }
    msmi::XomMessage message;
    message.message_id = "EXCHANGE/MTA/" + msmi::hex8(ms_mail_.next_number());
    message.originator = m.sender;
    message.originator_name = m.sender_name;
    message.recipients = m.to;
    message.recipients.insert(message.recipients.end(), m.cc.begin(), m.cc.end());
    if (!m.to_names.empty() || !m.cc_names.empty()) {
      message.recipient_names = m.to_names;
      message.recipient_names.resize(m.to.size());
      message.recipient_names.insert(message.recipient_names.end(), m.cc_names.begin(),
                                     m.cc_names.end());
      message.recipient_names.resize(message.recipients.size());
    }
    message.reply_to = m.reply_to;
    message.kind = m.kind;
    message.content = m.content;
    message.subject = m.subject;
    message.body = m.body;
    LedgerEntry entry;
    entry.message_id = message.message_id;
    entry.label = m.label;
    entry.direction = Direction::kOutbound;
    entry.sender = m.sender;
    entry.recipients = message.recipients;
    entry.injected_us = clock_.now_us();
    ledger_.add(std::move(entry));
    ++outbound_injected_;
    route_into_msmi_queue(std::move(message));
  }

  // mta.queue: the MTA routes a message from Exchange into its queue for the MSMI. A rule may
  // make it refuse the message (return, fill: it goes back to its sender as the MTA's NDR) or
  // hold it for a while (delay) before it is queued.
  void route_into_msmi_queue(msmi::XomMessage message) {
    FaultSubject subject;
    subject.sender = message.originator;
    subject.recipients = &message.recipients;
    subject.subject = message.subject;
    subject.size = message.body.size();
    subject.msgkind = "ipm";
    // A delay here holds the message, not an MSMI thread: it is taken back from the busy time.
    const std::int64_t busy_before = pending_delay_us_;
    const Action* action = injector_.evaluate("mta.queue", subject);
    const std::int64_t held_us = pending_delay_us_ - busy_before;
    pending_delay_us_ = busy_before;
    if (action != nullptr &&
        (action->kind == ActionKind::kReturn || action->kind == ActionKind::kFill)) {
      mta_.refuse_into_queue(message.message_id,
                             action->kind == ActionKind::kFill
                                 ? "the MTA's queue for the MSMI was full"
                                 : "the MTA refused it into its queue for the MSMI (" +
                                       msmi::to_hex(action->code) + ")");
      return;
    }
    if (held_us > 0) {
      held_by_mta_.insert(message.message_id);
      scheduler_.at(clock_.now_us() + held_us, Priority::kWorld, Source::kMta,
                    [this, message = std::move(message)] {
                      held_by_mta_.erase(message.message_id);
                      mta_.enqueue_outbound(message);
                    });
      return;
    }
    mta_.enqueue_outbound(std::move(message));
  }

  // Q175447: a responder out in the world answers a message the MTA accepted for it with a new
  // message from Exchange to the sender (its reply-to, if it has one), as a list server answers
  // what it cannot parse, until it has answered max_replies times.
  void respond(const msmi::XomMessage& m) {
    for (std::size_t i = 0; i < scenario_.responders.size(); ++i) {
      const Responder& r = scenario_.responders[i];
      const bool addressed =
          std::any_of(m.recipients.begin(), m.recipients.end(),
                      [&](const std::string& rcpt) { return glob_match(r.address, rcpt); });
      if (!addressed || replies_[i] >= r.max_replies) continue;
      const int n = ++replies_[i];
      MessageSpec reply;
      reply.direction = Direction::kOutbound;
      reply.sender = r.address;
      reply.to = {m.reply_to.empty() ? m.originator : m.reply_to};
      reply.subject = r.subject;
      reply.body = "Your message " + m.message_id + " was not a valid request.";
      scheduler_.at(clock_.now_us() + r.delay_us, Priority::kWorld, [this, reply, n, &r] {
        note("responder " + r.address + ": reply " + std::to_string(n) + " of at most " +
             std::to_string(r.max_replies) + " to " + reply.to.front());
        inject(reply);
      });
    }
  }

  // The MTA routes mail it took from the MSMI on. Mail for an SMTP address goes to the Internet
  // Mail Service, unless the MS Mail Connector lists SMTP among its address spaces too: then
  // the two routes cost the same and the MTA takes them in turn, so every other such message
  // goes back to the MSMI, addressed to its SMTP recipients (Q169117).
  void route_from_msmi(const msmi::XomMessage& message) {
    if (message.kind != msmi::MessageKind::kIpm) return;
    if (std::find(address_spaces_.begin(), address_spaces_.end(), "SMTP") == address_spaces_.end())
      return;
    std::vector<std::string> smtp;
    for (const std::string& r : message.recipients) {
      const msmi::AddressParseResult parsed = msmi::parse_address(r);
      if (parsed.ok && parsed.address.type == msmi::AddressType::kSmtp) smtp.push_back(r);
    }
    if (smtp.empty() || smtp_route_turn_++ % 2 == 1) return;  // the Internet Mail Service's turn
    MessageSpec m;
    m.direction = Direction::kOutbound;
    const LedgerEntry* original = ledger_.find(message.message_id);
    if (original != nullptr && !original->label.empty()) m.label = original->label + "/via-msmi";
    m.sender = message.originator;
    m.sender_name = message.originator_name;
    m.to = std::move(smtp);
    m.subject = message.subject;
    m.body = message.body;
    // After the put that carried it has returned.
    scheduler_.at(clock_.now_us(), Priority::kWorld, [this, m = std::move(m)] { inject(m); });
  }

  void lifecycle(std::int64_t time_us, std::string_view what, std::string_view service,
                 std::string detail) {
    result_.lifecycle.push_back(
        {time_us, std::string(what), std::string(service), std::move(detail)});
  }

  void note(const std::string& text) {
    world_log_.log(*find_any_event_spec(msmi::event_id::kOperatorAction), -1, "", {text});
  }

  void set_mta(bool running) {
    if (mta_.running() == running) return;
    if (running && !directory_service_.running()) {
      world_log_.log(msmi::event_id::kServiceDependencyFailed, -1, "",
                     {std::string(kMtaServiceName), std::string(kDirectoryServiceName),
                      "The dependency service or group failed to start."});
      return;
    }
    mta_.set_running(running);
    lifecycle(clock_.now_us(), running ? "service_start" : "service_stop", kMtaShortName, "");
    world_log_.log(msmi::event_id::kServiceStateChanged, -1, "",
                   {std::string(kMtaServiceName), running ? "running" : "stopped"});
  }

  // The directory service: the MTA depends on it, so it stops first (7036 for each) and a kill
  // takes it down too; a restart brings back the MTA if it was running.
  void set_directory(bool running) {
    if (directory_service_.running() == running) return;
    if (!running) set_mta(false);
    directory_service_.set_running(running);
    lifecycle(clock_.now_us(), running ? "service_start" : "service_stop", kDirectoryShortName, "");
    world_log_.log(msmi::event_id::kServiceStateChanged, -1, "",
                   {std::string(kDirectoryServiceName), running ? "running" : "stopped"});
  }

  void operate_directory(const OperatorStep& step) {
    const bool mta_was_running = mta_.running();
    if (step.action == OperatorAction::kKill) {
      if (!directory_service_.running()) return;
      directory_service_.set_running(false);
      lifecycle(clock_.now_us(), "terminated", kDirectoryShortName, "killed by the operator");
      world_log_.log(msmi::event_id::kServiceTerminated, -1, "",
                     {std::string(kDirectoryServiceName), std::to_string(++directory_kills_)});
      set_mta(false);
      return;
    }
    if (step.action != OperatorAction::kStart) set_directory(false);
    if (step.action != OperatorAction::kStop) set_directory(true);
    if (step.action == OperatorAction::kRestart && mta_was_running) set_mta(true);
  }

  void operate(const OperatorStep& step) {
    std::string what = kOperatorActionNames[static_cast<int>(step.action)];
    if (!powered_) {
      note(what + " skipped: the server has no power (it is booting)");
      return;
    }
    const bool on_service =
        step.action == OperatorAction::kStart || step.action == OperatorAction::kStop ||
        step.action == OperatorAction::kRestart || step.action == OperatorAction::kKill;
    if (on_service) what += " " + step.service;
    if (!step.only_if.empty()) {
      const std::string service = step.only_if.substr(0, step.only_if.find('_'));
      const bool running = service == "msmi"        ? interchange_.running()
                           : service == "mta"       ? mta_.running()
                           : service == "directory" ? directory_service_.running()
                                                    : pcmta_running_;
      if (running != step.only_if.ends_with("_running")) {
        note(what + " skipped: the " + service + " service is " +
             (running ? "running" : "stopped"));
        return;
      }
    }
    if (administer(step, what)) return;
    if (step.action == OperatorAction::kResetInqueue3 ||
        (step.action == OperatorAction::kResetMailbag && step.mailbag == msmi::kInqueueName)) {
      reset_inqueue3();
      return;
    }
    if (step.action == OperatorAction::kResetMailbag) {
      reset_postoffice_mailbag(step);
      return;
    }
    if (step.action == OperatorAction::kRebuildMailbag) {
      rebuild_mailbag(step);
      return;
    }
    if (step.action == OperatorAction::kMovePostoffice) {
      move_postoffice(step);
      return;
    }
    if (step.action == OperatorAction::kAddMailbox) {
      note(what + " " + step.mailbox +
           (ms_mail_.add_mailbox(step.mailbox) ? ": the PC MTA delivers its mail from now on"
                                               : ": it already exists"));
      return;
    }
    if (step.action == OperatorAction::kReboot) {
      reboot();
      return;
    }
    if (step.action == OperatorAction::kPowerLoss) {
      cut_power("");
      return;
    }
    note(what);
    if (step.action == OperatorAction::kRestart) {
      const std::string_view service = step.service == "msmi"        ? kMsmiShortName
                                       : step.service == "mta"       ? kMtaShortName
                                       : step.service == "directory" ? kDirectoryShortName
                                                                     : std::string_view();
      lifecycle(clock_.now_us(), "restart", service, "operator: " + what);
    }
    if (step.service == "directory") {
      operate_directory(step);
      return;
    }
    const bool msmi_named = step.service == "msmi" || step.service == "all";
    if (step.action == OperatorAction::kKill) {
      if (msmi_named) interchange_.end_process(true, false);
      if (step.service == "mta" || step.service == "all") set_mta(false);
      if (step.service == "pcmta") pcmta_running_ = false;
      return;
    }
    if (step.action != OperatorAction::kStart && msmi_named && interchange_.running() &&
        interchange_.any_thread_hung()) {
      note(what +
           ": the MS Mail Connector Interchange service did not respond to the control "
           "request in a timely fashion (error 1053)");
      return;  // a hung service ignores stop and restart until it is killed
    }
    const bool stop = step.action != OperatorAction::kStart;
    const bool start = step.action != OperatorAction::kStop;
    const bool msmi = step.service == "msmi" || step.service == "all";
    const bool mta = step.service == "mta" || step.service == "all";
    if (step.service == "pcmta") pcmta_running_ = start && image_found(kPcMtaServiceName);
    if (stop && msmi) interchange_.stop();
    if (stop && mta) set_mta(false);
    if (start && mta) set_mta(true);
    if (start && msmi && image_found(kMsmiServiceName)) interchange_.start();
  }

  // The administrator's actions; false for the service actions operate() handles itself.
  bool administer(const OperatorStep& step, const std::string& what) {
    switch (step.action) {
      case OperatorAction::kSetLogging: {
        msmi::LoggingLevel level = msmi::LoggingLevel::kNone;
        (void)msmi::parse_logging_level(step.level, level);  // checked by the loader
        msmi::DiagnosticsLogging logging = interchange_.logging();
        msmi::Category category;
        if (!step.category.empty() && msmi::parse_category(step.category, category)) {
          logging.set(category, level);
        } else {
          logging.set_all(level);
        }
        interchange_.set_logging(logging);
        note(what + ": " + (step.category.empty() ? "every category" : step.category) + " to " +
             std::string(msmi::to_string(level)));
        return true;
      }
      case OperatorAction::kDeleteFile:
        delete_files(step.file, what);
        return true;
      case OperatorAction::kCopyFile: {
        std::string data;
        Status s = fs_.read_file(step.file, &data);
        if (s.ok()) {
          const std::size_t slash = step.to.rfind('/');
          if (slash != std::string::npos) s = fs_.make_dirs(step.to.substr(0, slash));
        }
        if (s.ok()) s = fs_.write_file(step.to, data);
        if (s.ok()) s = fs_.sync_file(step.to);
        note(what + " " + step.file + " to " + step.to +
             (s.ok() ? "" : " failed: " + s.to_string()));
        return true;
      }
      case OperatorAction::kAddPostoffice:
      case OperatorAction::kRemovePostoffice:
        change_postoffices(step, what);
        return true;
      case OperatorAction::kRemoveRecipient: {
        const int removed = directory_service_.remove_recipient(step.recipient);
        note(what + ": " + std::to_string(removed) + " recipient(s) named \"" + step.recipient +
             "\" deleted from the directory");
        return true;
      }
      case OperatorAction::kRemoveAddressSpace: {
        const auto before = address_spaces_.size();
        std::erase(address_spaces_, step.address_type);
        note(what + ": " + step.address_type +
             (address_spaces_.size() < before ? " removed from" : " was not among") +
             " the MS Mail Connector's address spaces");
        return true;
      }
      case OperatorAction::kMoveMtaHead: {
        // Q247618's resolution: only with the MTA stopped can its files be moved.
        if (mta_.running()) {
          note(what + " refused: the MTA is running; stop it first");
          return true;
        }
        const std::string id = mta_.move_head_aside();
        if (!id.empty()) mta_set_aside_.emplace(id, clock_.now_us());
        note(what + (id.empty() ? ": the MSMI queue is empty"
                                : ": " + id + " moved out of MTADATA (a copy kept); Mtacheck run"));
        return true;
      }
      case OperatorAction::kSetSetting: {
        msmi::EngineSettings next = interchange_.next_settings();
        std::int64_t* times[] = {nullptr,
                                 &next.retry_delay_us,
                                 &next.backoff_cap_us,
                                 &next.restart_deferral_us,
                                 &next.poll_interval_us,
                                 &next.refresh_interval_us,
                                 &next.cost_thread_refresh_us};
        std::string shown = std::to_string(step.value);
        for (std::size_t i = 0; i < std::size(kConnectorSettings); ++i) {
          if (step.setting != kConnectorSettings[i].name) continue;
          if (times[i] == nullptr) {
            next.max_attempts = static_cast<int>(step.value);
          } else {
            *times[i] = step.value;
            shown = std::to_string(step.value / 1000) + " ms";
          }
        }
        interchange_.change_settings(next);
        note(what + ": " + step.setting + " = " + shown +
             (interchange_.running() ? "; the MSMI uses it from its next start" : ""));
        return true;
      }
      case OperatorAction::kBurst: {
        note(what + ": " + std::to_string(step.count) + " messages");
        MessageSpec m = step.message;
        for (int i = 0; i < step.count; ++i) {
          m.label =
              step.message.label.empty() ? "" : step.message.label + "#" + std::to_string(i + 1);
          inject(m);
        }
        return true;
      }
      case OperatorAction::kEmptyMailbag: {
        const int held = ms_mail_.empty_user_mailbag(step.mailbox);
        note(what + " " + step.mailbox + ": the user downloaded " + std::to_string(held) +
             " message(s) into the message file; the mailbag is empty");
        return true;
      }
      case OperatorAction::kSetServiceAccount: {
        msmi::EngineSettings next = interchange_.next_settings();
        next.service_account = step.account;
        interchange_.change_settings(next);
        note(what + ": the MSMI logs on as " +
             (step.account == msmi::ServiceAccount::kLocalSystem ? "the System Account"
                                                                 : "the Exchange service account") +
             (interchange_.running() ? " from its next start" : ""));
        return true;
      }
      case OperatorAction::kDeleteMtaHead:
      case OperatorAction::kReturnToSenders:
        if (const Status s = msmi::authorize_connector_admin(
                interchange_.settings().defects, step.as, msmi::ConnectorAdminTask::kQueueMessages);
            !s.ok()) {
          note(what + " refused for " + std::string(msmi::to_string(step.as)) + ": " + s.message() +
               "; the queue is unchanged");
          return true;
        }
        return administer_queue(step, what);
      default:
        return false;
    }
  }

  // delete_mta_head and return_to_senders, once the Administrator program allowed them.
  bool administer_queue(const OperatorStep& step, const std::string& what) {
    switch (step.action) {
      case OperatorAction::kDeleteMtaHead: {
        const std::string id = mta_.delete_head();
        note(what + (id.empty() ? ": the MSMI queue is empty" : ": " + id + " deleted"));
        if (!id.empty()) world_losses_[id] = "deleted from the MTA's queue by the administrator";
        return true;
      }
      case OperatorAction::kReturnToSenders: {
        const std::vector<std::string> ids = mta_.return_to_senders(step.count);
        for (const std::string& id : ids) returned_to_sender_.emplace(id, clock_.now_us());
        note(what + ": " + std::to_string(ids.size()) +
             " message(s) taken off the MTA's MSMI queue, an NDR sent to each sender");
        return true;
      }
      default:
        return false;
    }
  }

  void delete_files(const std::string& pattern, const std::string& what) {
    const std::size_t slash = pattern.rfind('/');
    const std::string dir = slash == std::string::npos ? "" : pattern.substr(0, slash);
    std::vector<std::string> names;
    int deleted = 0;
    if (fs_.list_dir(dir, &names).ok()) {
      for (const std::string& name : names) {
        const std::string path = dir.empty() ? name : dir + "/" + name;
        if (!glob_match(pattern, path) || !fs_.remove_file(path).ok()) continue;
        ++deleted;
        // The message whose envelope or content this was is lost by the administrator's hand.
        for (const LedgerEntry& e : ledger_.entries()) {
          const std::string hex = e.message_id.substr(e.message_id.rfind('/') + 1);
          if (name.starts_with(hex + ".")) {
            world_losses_.emplace(e.message_id, "its file " + path + " was deleted by hand");
          }
        }
      }
    }
    note(what + " " + pattern + ": " + std::to_string(deleted) + " file(s)");
  }

  void change_postoffices(const OperatorStep& step, const std::string& what) {
    const std::size_t slash = step.postoffice.find('/');
    const msmi::PostofficeName po{step.postoffice.substr(0, slash),
                                  step.postoffice.substr(slash + 1)};
    auto& list = directory_.postoffices;
    const auto it = std::find_if(list.begin(), list.end(), [&](const msmi::PostofficeName& p) {
      return p.network == po.network && p.postoffice == po.postoffice;
    });
    if (step.action == OperatorAction::kAddPostoffice && it == list.end()) list.push_back(po);
    if (step.action == OperatorAction::kRemovePostoffice && it != list.end()) list.erase(it);
    Status s =
        fs_.write_file(std::string(msmi::kNetworkGlbPath), msmi::encode_network_glb(directory_));
    if (s.ok()) s = fs_.sync_file(std::string(msmi::kNetworkGlbPath));
    note(what + " " + step.postoffice + (s.ok() ? "" : " failed: " + s.to_string()) +
         "; the MSMI reads NETWORK.GLB at its next refresh");
  }

  void reboot() {
    note("reboot: every service stops; the file locks other processes held are released");
    lifecycle(clock_.now_us(), "reboot", "", "operator: reboot");
    if (interchange_.any_thread_hung()) {
      interchange_.end_process(true, false);  // shutdown kills what does not stop
    } else {
      interchange_.stop();
    }
    set_mta(false);
    pcmta_running_ = false;
    fs_.unlock_all();
    faulty_fs_.release_locks();
    set_directory(true);  // the directory and the MTA start automatically; the MSMI and the
    set_mta(true);        // PC MTA are set to manual
  }

  // FaultEffects: a rule cuts the power.
  void power_loss(const std::string& where) override { cut_power(where); }

  // The power goes now (at `where`, a fault rule's point and file, or "" for the operator's
  // step); the server is back kBootTime later, with its services started.
  void cut_power(const std::string& where) {
    if (!powered_) return;
    powered_ = false;
    power_losses_us_.push_back(clock_.now_us());
    const bool by_fault = !where.empty();
    lifecycle(clock_.now_us(), "power_loss", "", by_fault ? "fault rule at " + where : "operator");
    const std::string text = std::string("power loss") + (by_fault ? " at " + where : "") +
                             ": every process ends at once; " +
                             (power_cut_ ? "data not yet synced to the disk is lost"
                                         : "(a real folder keeps unsynced data)") +
                             "; the server boots in " +
                             std::to_string(kBootTimeUs / msmi::kSecond) +
                             " s and its services start";
    if (by_fault) {
      world_log_.log(*find_any_event_spec(msmi::event_id::kOperatorAction, kFaultVariant),
                     scheduler_.current_thread(), "", {text});
    } else {
      note(text);
    }
    faulty_fs_.set_powered(false);
    interchange_.end_process(false, false);
    mta_.set_running(false);
    pcmta_running_ = false;
    if (power_cut_) power_cut_();
    scheduler_.at(clock_.now_us() + kBootTimeUs, Priority::kOperator, [this] { boot(); });
  }

  void boot() {
    powered_ = true;
    lifecycle(clock_.now_us(), "boot", "", "the server is back; its services start");
    faulty_fs_.set_powered(true);
    fs_.unlock_all();
    faulty_fs_.release_locks();
    set_directory(true);
    set_mta(true);
    pcmta_running_ = image_found(kPcMtaServiceName);
    if (image_found(kMsmiServiceName)) interchange_.start();
  }

  // Q171259: the services run from the connector postoffice's Bin folder (the registry's
  // ImagePath). While the registry names a folder the tree has left, the SCM cannot start them.
  bool image_found(std::string_view service) {
    if (registry_path_ == postoffice_path_) return true;
    world_log_.log(msmi::event_id::kServiceStartFailed, -1, "",
                   {std::string(service), "The system cannot find the path specified."});
    return false;
  }

  // Q171259: the Msmcon tree moves to another drive (copied, shared again as Maildat$, the old
  // one removed); with `registry` the services' registry paths follow it. Files the running
  // MSMI or PC MTA hold open cannot be moved: the step then changes nothing.
  void move_postoffice(const OperatorStep& step) {
    const std::string what = "move_postoffice " + postoffice_path_ + " to " + step.to;
    std::string running;
    if (interchange_.running()) running = std::string(kMsmiServiceName);
    if (pcmta_running_)
      running += (running.empty() ? "" : " and the ") + std::string(kPcMtaServiceName);
    if (!running.empty()) {
      note(what +
           " failed: the process cannot access the file because it is being used by "
           "another process (the " +
           running +
           " hold files of the postoffice open; "
           "stop them first)");
      return;
    }
    if (step.to == postoffice_path_) {
      if (step.registry) registry_path_ = step.to;
      note(what + ": the tree is already there" +
           (step.registry ? "; the services' registry paths changed to it" : ""));
      return;
    }
    postoffice_path_ = step.to;
    if (step.registry) registry_path_ = step.to;
    note(what + ": the tree copied, Maildat$ shared from the new place" +
         (step.registry ? ", the services' registry paths changed"
                        : "; the registry still names " + registry_path_));
  }

  void reset_inqueue3() {
    msmi::Mailbag inqueue(fs_, std::string(msmi::kInqueueName));
    std::vector<msmi::MailbagEntry> entries;
    const Status loaded = inqueue.load(&entries);
    std::vector<std::string> ids;
    for (const msmi::MailbagEntry& entry : entries) {
      msmi::InqueueRecord record;
      if (msmi::decode_inqueue_record(entry.payload, inqueue.mbg_path(), &record).ok()) {
        ids.push_back(record.message_id);
      }
    }
    const Status reset = inqueue.reset();
    if (!reset.ok()) {
      note("reset INQUEUE3 failed: " + reset.to_string());
      return;
    }
    note("reset INQUEUE3 (KEY zeroed, MBG truncated): " +
         (loaded.ok() ? std::to_string(ids.size()) + " queued message(s) discarded"
                      : "the queue was unreadable (" + loaded.message() + ")"));
    for (const std::string& id : ids) world_losses_[id] = "INQUEUE3 reset by the operator";
  }

  // The mailbag a MAILQ16 step names: INQUEUE3, or the mailbag of the postoffice "NET/PO".
  static std::string mailbag_name_of(const OperatorStep& step) {
    if (step.mailbag == msmi::kInqueueName) return step.mailbag;
    const std::size_t slash = step.mailbag.find('/');
    return msmi::NetworkDirectory::mailbag_name(
        {step.mailbag.substr(0, slash), step.mailbag.substr(slash + 1)});
  }

  // The message a mailbag record stands for: an INQUEUE3 record's message, or the message (or,
  // for an NDR record, the inbound message NDR'd) of a postoffice mailbag's record. "" if the
  // record cannot be read.
  static std::string record_message(const msmi::Mailbag& bag, const msmi::MailbagEntry& entry,
                                    std::uint32_t* number) {
    if (bag.name() == msmi::kInqueueName) {
      msmi::InqueueRecord record;
      if (!msmi::decode_inqueue_record(entry.payload, bag.mbg_path(), &record).ok()) return "";
      *number = record.number;
      return record.message_id;
    }
    msmi::OutboundRecord record;
    if (!msmi::decode_outbound_record(entry.payload, bag.mbg_path(), &record).ok()) return "";
    return record.message_id;
  }

  // MAILQ16's reset of a postoffice's mailbag (Q130285): KEY zeroed, MBG truncated. The records
  // the PC MTA had not yet taken are gone, and with them the mail they carried.
  void reset_postoffice_mailbag(const OperatorStep& step) {
    msmi::Mailbag bag(fs_, mailbag_name_of(step));
    std::vector<msmi::MailbagEntry> entries;
    const Status loaded = bag.load(&entries);
    std::set<std::string> ids;
    for (const msmi::MailbagEntry& entry : entries) {
      std::uint32_t number = 0;
      const std::string id = record_message(bag, entry, &number);
      if (!id.empty()) ids.insert(id);
    }
    const Status reset = bag.reset();
    if (!reset.ok()) {
      note("reset_mailbag " + bag.name() + " failed: " + reset.to_string());
      return;
    }
    note("reset_mailbag " + bag.name() + " (MAILQ16: KEY zeroed, MBG truncated): " +
         (loaded.ok() ? std::to_string(entries.size()) + " record(s) discarded"
                      : "the mailbag was unreadable (" + loaded.message() + ")"));
    for (const std::string& id : ids) {
      world_losses_[id] = "mailbag " + bag.name() + " reset by the operator (MAILQ16)";
    }
  }

  // MAILQ16's rebuild (Q130285): the administrator selects the headers to keep (all but those
  // of the `drop` labels); a new mailbag gets copies of them, in their order, each waiting anew.
  // An INQUEUE3 header whose MAI is missing gets a stub MAI when `stubs` is set, and is left
  // out otherwise (nothing could deliver it).
  void rebuild_mailbag(const OperatorStep& step) {
    msmi::Mailbag bag(fs_, mailbag_name_of(step));
    std::vector<msmi::MailbagEntry> entries;
    const Status loaded = bag.load(&entries);
    if (!loaded.ok()) {
      note("rebuild_mailbag " + bag.name() + " failed: the headers cannot be read (" +
           loaded.to_string() + ")");
      return;
    }
    std::set<std::string> dropped_ids;
    for (const LedgerEntry& e : ledger_.entries()) {
      if (!e.label.empty() &&
          std::find(step.drop.begin(), step.drop.end(), e.label) != step.drop.end()) {
        dropped_ids.insert(e.message_id);
      }
    }
    std::vector<std::string> kept;
    std::map<std::string, std::string> lost;  // message ID → why
    int stubs = 0;
    for (const msmi::MailbagEntry& entry : entries) {
      std::uint32_t number = 0;
      const std::string id = record_message(bag, entry, &number);
      if (dropped_ids.count(id) != 0) {
        lost.emplace(id, "its header was not selected when mailbag " + bag.name() +
                             " was rebuilt (MAILQ16)");
        continue;
      }
      if (bag.name() == msmi::kInqueueName && !id.empty() &&
          !write_stub_if_missing(id, number, step.stubs, &stubs)) {
        lost.emplace(id, "its MAI was missing when INQUEUE3 was rebuilt without stubs (MAILQ16)");
        continue;
      }
      kept.push_back(entry.payload);
    }
    Status s = bag.reset();
    for (std::size_t i = 0; s.ok() && i < kept.size(); ++i) s = bag.append(kept[i], nullptr);
    if (!s.ok()) {
      note("rebuild_mailbag " + bag.name() + " failed: " + s.to_string());
      for (const msmi::MailbagEntry& entry : entries) {
        std::uint32_t number = 0;
        const std::string id = record_message(bag, entry, &number);
        if (!id.empty()) lost.emplace(id, "mailbag " + bag.name() + " failed to rebuild");
      }
    } else {
      note("rebuild_mailbag " + bag.name() + " (MAILQ16): " + std::to_string(kept.size()) +
           " header(s) copied into a new mailbag, " + std::to_string(entries.size() - kept.size()) +
           " left out, " + std::to_string(stubs) + " stub(s) for missing MAI files");
    }
    for (auto& [id, why] : lost) world_losses_[id] = why;
  }

  // True when message `number`'s MAI exists or a stub was written for it (when `stub`).
  bool write_stub_if_missing(const std::string& id, std::uint32_t number, bool stub, int* stubs) {
    const std::string mai = msmi::mai_path(number);
    std::string data;
    if (fs_.read_file(mai, &data).ok()) return true;
    if (!stub) return false;
    msmi::MaiContent content;
    content.message_id = id;
    std::string p1;
    msmi::P1Envelope envelope;
    if (fs_.read_file(msmi::p1_path(number), &p1).ok() &&
        msmi::decode_p1(p1, msmi::p1_path(number), &envelope).ok()) {
      content.sender = envelope.sender;
    }
    content.subject = "(message contents missing)";
    content.body =
        "MAILQ16 wrote this stub when the mailbag was rebuilt: the original contents "
        "(" +
        mai + ") were missing.";
    const bool written =
        fs_.write_file(mai, msmi::encode_mai(content)).ok() && fs_.sync_file(mai).ok();
    if (written) ++*stubs;
    return written;
  }

  void schedule_pcmta(std::int64_t when) {
    if (when >= scenario_.duration_us) return;
    scheduler_.at(when, Priority::kWorld, Source::kPcMta, [this] {
      ms_mail_.retry_held();
      if (pcmta_running_) ms_mail_.drain_mailbags(directory_, scenario_.pcmta_batch);
      for (const std::string& text : ms_mail_.take_notes()) note(text);
      report_pcmta_returns();
      schedule_pcmta(clock_.now_us() + scenario_.pcmta_interval_us);
    });
  }

  // The PC MTA's word on each message it returned because a user mailbag was full (Q138054),
  // the way the article shows it in the System log.
  void report_pcmta_returns() {
    const std::vector<PcMtaReturn>& returns = ms_mail_.returns();
    for (; pcmta_returns_reported_ < returns.size(); ++pcmta_returns_reported_) {
      const PcMtaReturn& r = returns[pcmta_returns_reported_];
      // "2026-12-03T08:58:29.000Z": the date as 12/03/26, the time as 08:58.
      const std::string when = msmilog::format_iso8601_utc(scenario_.epoch_us + r.time_us);
      const std::string_view w(when);
      const std::string_view hex =
          std::string_view(r.message_id).substr(r.message_id.rfind('/') + 1);
      const std::string_view po = std::string_view(r.postoffice).substr(r.postoffice.find('/') + 1);
      const std::string_view mailbox =
          std::string_view(r.recipient).substr(r.recipient.rfind('/') + 1);
      // Each insertion string built in its place and moved into the event.
      std::vector<std::string> inserts(9);
      inserts[0] = r.postoffice;
      inserts[1].append(po).append("\\MAI\\MA").append(hex.substr(hex.size() - 1));
      inserts[1].append("\\").append(hex).append(".MAI");
      inserts[2] = r.sender;
      inserts[3].append(w.substr(5, 2)).append("/").append(w.substr(8, 2)).append("/");
      inserts[3].append(w.substr(2, 2));
      inserts[4] = w.substr(11, 5);
      inserts[5] = r.subject;
      inserts[6] = "017";
      inserts[7] = "Unable to deliver user mail due to a full mailbag";
      inserts[8].append(r.recipient_name.empty() ? mailbox : std::string_view(r.recipient_name));
      inserts[8].append(" (").append(r.recipient).append(")");
      world_log_.log(*find_any_event_spec(kPcMtaDeliveryProblem), -1, r.message_id,
                     std::move(inserts));
    }
  }

  QueueSample measure_queues() {
    QueueSample q;
    q.time_us = clock_.now_us();
    std::vector<msmi::MailbagEntry> entries;
    // -1: the queue could not be read (locked or damaged) when the sample was taken.
    q.inqueue3 = inqueue_view_.load(&entries).ok() ? static_cast<std::int64_t>(entries.size()) : -1;
    std::vector<std::string> names;
    if (fs_.list_dir("P1", &names).ok()) q.p1_files = static_cast<std::int64_t>(names.size());
    q.mta_queue = static_cast<std::int64_t>(mta_.queue_depth());
    for (const msmi::PostofficeName& po : directory_.postoffices) {
      std::unique_ptr<msmi::Mailbag>& bag =
          sampled_mailbags_[msmi::NetworkDirectory::mailbag_name(po)];
      if (!bag)
        bag = std::make_unique<msmi::Mailbag>(fs_, msmi::NetworkDirectory::mailbag_name(po));
      if (bag->load(&entries).ok()) q.outbound_records += static_cast<std::int64_t>(entries.size());
    }
    q.held = static_cast<std::int64_t>(ms_mail_.held());
    for (int i = 0; i < 16; ++i) {
      char folder[8];
      std::snprintf(folder, sizeof folder, "MAI/MA%X", i);
      if (fs_.list_dir(folder, &names).ok()) q.mai_files += static_cast<std::int64_t>(names.size());
    }
    return q;
  }

  void take_sample(std::int64_t from, std::int64_t to) {
    last_sample_us_ = to;
    for (const auto& worker : interchange_.workers()) {
      const int thread = worker->thread();
      const double busy_pct = activity_.busy_pct(thread, from, to);
      result_.samples.push_back({to, thread, std::string(worker->role()), busy_pct});
      const std::string_view state =
          !interchange_.running()                                                   ? "stopped"
          : interchange_.thread_hung(thread) || interchange_.thread_blocked(thread) ? "blocked"
          : worker->state() == msmi::ThreadState::kLooping ||
                  busy_pct >= ThreadStateChange::kBusyThresholdPct
              ? "busy"
              : "idle";
      auto [last, added] = thread_states_.try_emplace(thread, state);
      if (added || last->second != state) {
        last->second = state;
        result_.thread_states.push_back(
            {to, thread, std::string(worker->role()), std::string(state)});
      }
    }
    result_.queue_samples.push_back(measure_queues());
  }

  void schedule_sample(std::int64_t when) {
    if (when > scenario_.duration_us) return;
    scheduler_.at(when, Priority::kSampler, [this] {
      const std::int64_t now = clock_.now_us();
      take_sample(now - scenario_.sample_interval_us, now);
      if (filing_) settle_messages();
      schedule_sample(now + scenario_.sample_interval_us);
    });
  }

  // Every file of the postoffice's folders, sorted: what the `files` expectation globs over.
  std::vector<std::string> list_postoffice() {
    std::vector<std::string> folders = {
        "BAD", "GLB", "KEY", "MBG", "P1", std::string(kQuarantineFolder), "XTN"};
    for (int i = 0; i < 16; ++i) {
      char name[8];
      std::snprintf(name, sizeof name, "MAI/MA%X", i);
      folders.emplace_back(name);
    }
    std::vector<std::string> files;
    std::vector<std::string> names;
    for (const std::string& folder : folders) {
      if (!fs_.list_dir(folder, &names).ok()) continue;
      for (const std::string& name : names) files.push_back(folder + "/" + name);
    }
    std::sort(files.begin(), files.end());
    return files;
  }

  // What the world saw, for the oracle: its own records, not the engine's. Once, at the end:
  // the MTA's records and the MS Mail side's drained ones are moved out, not copied.
  WorldRecord world_record() {
    WorldRecord w;
    if (filing_) {
      file_records();
      filing_->fill(ledger_.entries(), &w);
    } else {
      mta_.take_records(&w.puts, &w.acknowledgements, &w.last_offered);
      w.drained = ms_mail_.take_drained();
    }
    w.waiting = ms_mail_.waiting(directory_);
    w.injected = ms_mail_.submitted() + outbound_injected_;
    std::vector<msmi::MailbagEntry> entries;
    msmi::Mailbag& inqueue = inqueue_view_;
    w.inqueue3_readable = inqueue.load(&entries).ok();
    for (const msmi::MailbagEntry& entry : entries) {
      msmi::InqueueRecord record;
      if (msmi::decode_inqueue_record(entry.payload, inqueue.mbg_path(), &record).ok()) {
        w.in_inqueue3.insert(record.message_id);
      }
    }
    w.held = ms_mail_.held_ids();
    for (const msmi::XomMessage& m : mta_.msmi_queue()) w.in_mta_queue.insert(m.message_id);
    w.in_mta_queue.insert(held_by_mta_.begin(), held_by_mta_.end());
    w.mta_ndrs = mta_.queue_refusals();
    // The returns taken out during the run came first.
    for (const auto& [id, ndr] : returned_by_pcmta_) w.mta_ndrs.emplace(id, ndr);
    for (const PcMtaReturn& r : ms_mail_.returns()) w.mta_ndrs.emplace(r.message_id, ndr_of(r));
    for (const auto& [id, when] : returned_to_sender_) {
      w.mta_ndrs.emplace(
          id, MtaNdr{when, "the administrator returned it to its sender from the MTA's queue"});
    }
    const std::vector<std::string> files = list_postoffice();
    w.postoffice_files.insert(files.begin(), files.end());
    w.world_losses = ms_mail_.losses();
    for (const auto& [id, why] : world_losses_) w.world_losses.emplace(id, why);
    w.mta_set_aside = mta_set_aside_;
    if (filing_) {
      file_firings();
      w.firings = firings_;
    } else {
      w.firings = injector_.firings();
    }
    w.interruptions_us = interchange_.process_ends();
    w.interruptions_us.insert(w.interruptions_us.end(), power_losses_us_.begin(),
                              power_losses_us_.end());
    return w;
  }

  static MtaNdr ndr_of(const PcMtaReturn& r) {
    return {r.time_us,
            "the PC MTA returned it: the mailbag of " + r.recipient + " was full (4096 messages)"};
  }

  // Keeps the fault firings since the last call that could explain the loss of a message not
  // settled yet.
  void file_firings() {
    for (FaultFiring& f : injector_.take_firings()) {
      if (!settled_.covers(f)) firings_.push_back(std::move(f));
    }
  }

  // Hands the MTA's and the MS Mail side's records made since the last call to the filing, and
  // the PC MTA's returns reported since to returned_by_pcmta_.
  void file_records() {
    if (pcmta_returns_reported_ == ms_mail_.returns().size()) {
      for (const PcMtaReturn& r : ms_mail_.take_returns()) {
        returned_by_pcmta_.emplace(r.message_id, ndr_of(r));
      }
      pcmta_returns_reported_ = 0;
    }
    std::vector<MtaPutRecord> puts;
    std::vector<MtaAckRecord> acknowledgements;
    std::map<std::string, std::int64_t> offers;
    mta_.take_records(&puts, &acknowledgements, &offers);
    filing_->file(std::move(puts), std::move(acknowledgements), std::move(offers),
                  ms_mail_.take_drained());
  }

  // With RunOptions::ledger_sink, after every sample: the messages whose fate nothing can change
  // any more are judged now, their rows handed on and their records dropped. That is a message
  // the world delivered, whose engine said so, and that nothing could process again: inbound,
  // one put accepted and no INQUEUE3 record, held copy or envelope left; outbound, one record
  // per recipient drained from a postoffice mailbag, none waiting there still, and the MTA done
  // with it (acknowledged, out of its queue). Labelled messages wait for the end: the
  // expectations look them up. Reading the queues changes nothing the engine sees.
  void settle_messages() {
    file_records();
    std::vector<msmi::MailbagEntry> entries;
    // Only asked whether they hold an ID or a name, once for every message in the ledger.
    std::unordered_set<std::string> in_inqueue3;
    const bool inqueue3_readable = inqueue_view_.load(&entries).ok();
    for (const msmi::MailbagEntry& entry : entries) {
      msmi::InqueueRecord record;
      if (msmi::decode_inqueue_record(entry.payload, inqueue_view_.mbg_path(), &record).ok()) {
        in_inqueue3.insert(std::move(record.message_id));
      }
    }
    std::vector<std::string> p1_files;  // sorted, as list_dir gives them
    const bool p1_listed = fs_.list_dir("P1", &p1_files).ok();
    const std::set<std::string> held = ms_mail_.held_ids();
    std::set<std::string> with_mta(held_by_mta_.begin(), held_by_mta_.end());
    for (const msmi::XomMessage& m : mta_.msmi_queue()) with_mta.insert(m.message_id);
    std::set<std::string> waiting;
    for (const MailbagRecord& r : ms_mail_.waiting(directory_)) waiting.insert(r.message_id);

    std::string p1_name;  // "<hex>.P1" of the entry being looked at, its buffer reused
    std::string key;      // an outbound record's recipients and mailbag, its buffer reused
    auto settles = [&](const LedgerEntry& e) {
      if (!e.label.empty() || !e.engine_fate || e.left_in_queue ||
          !settled_.can_add(e.message_id)) {
        return false;
      }
      const MessageFacts* f = filing_->facts(e.message_id);
      if (f == nullptr || waiting.count(e.message_id)) return false;
      if (e.direction == Direction::kInbound) {
        std::uint32_t number = 0;
        p1_name.assign(e.message_id, e.message_id.rfind('/') + 1).append(".P1");
        if (!inqueue3_readable || !p1_listed || !msmi::parse_p1_name(p1_name, &number) ||
            in_inqueue3.count(e.message_id) || held.count(e.message_id) ||
            std::binary_search(p1_files.begin(), p1_files.end(), p1_name)) {
          return false;
        }
        int accepted = 0;
        for (const MtaPutRecord& put : f->puts) accepted += put.accepted() && !put.is_ndr;
        // Delivered once, as the engine says; or returned to its sender, as the engine says.
        if (*e.engine_fate == msmi::Fate::kDelivered) return accepted == 1;
        return *e.engine_fate == msmi::Fate::kNdr && accepted == 0 &&
               std::any_of(f->drained.begin(), f->drained.end(),
                           [](const MailbagRecord& r) { return r.kind == "ndr"; });
      }
      if (*e.engine_fate != msmi::Fate::kDelivered || with_mta.count(e.message_id)) return false;
      for (const MtaAckRecord& ack : f->acknowledgements) {
        if (ack.outcome != AckOutcome::kDone) return false;
      }
      // Delivered: one record per recipient. Or every record returned by the PC MTA, a user
      // mailbag being full, and no NDR of the MSMI's own for it.
      std::set<std::string> recipients;
      int returned = 0;
      for (const MailbagRecord& r : f->drained) {
        if (r.kind == "returned") {
          ++returned;
          continue;
        }
        if (r.kind != "message") return false;
        key.clear();
        for (const std::string& rcpt : r.recipients)
          key.append(key.empty() ? "" : ", ").append(rcpt);
        key.append(" in mailbag ").append(r.mailbag);
        if (!recipients.insert(key).second) return false;
      }
      if (returned == 0) return !recipients.empty();
      return recipients.empty() && returned_by_pcmta_.count(e.message_id) &&
             filing_->facts(e.message_id + "-NDR") == nullptr &&
             !mta_.queue_refusals().count(e.message_id);
    };
    std::vector<LedgerEntry> settled = ledger_.extract_if(settles);
    if (settled.empty()) return;
    // The oracle judges them from their own records, as it would at the end: delivered.
    WorldRecord record;
    filing_->take(settled, &record);  // their records are dropped from the filing
    for (const LedgerEntry& entry : settled) {
      const auto it = returned_by_pcmta_.find(entry.message_id);
      if (it != returned_by_pcmta_.end()) record.mta_ndrs.insert(*it);
    }
    OracleContext context;
    context.end_us = clock_.now_us();
    const Oracle oracle(record, context);
    oracle.judge(settled);
    for (const LedgerEntry& entry : settled) {
      settled_.add(entry);
      options_.ledger_sink->write(entry);
      returned_by_pcmta_.erase(entry.message_id);
      if (entry.direction == Direction::kInbound) mta_.forget_delivery(entry.message_id);
    }
    file_firings();
    std::erase_if(firings_, [this](const FaultFiring& f) { return settled_.covers(f); });
  }

  void judge_messages(std::int64_t end) {
    const WorldRecord record = world_record();
    const msmi::EngineSettings& settings = interchange_.settings();
    OracleContext context;
    context.end_us = end;
    context.recover_orphans = settings.protections.recover_orphans;
    context.no_loss_promised = settings.protections.backoff && settings.protections.quarantine &&
                               settings.protections.recover_orphans;
    // The retry horizon: twice the backoff cap after injection. A healthy hardened engine tries
    // a waiting message again at least once per cap; twice the cap allows one full wait plus the
    // queue ahead of it, so a message older than that was forgotten, not just unlucky.
    context.retry_horizon_us = 2 * settings.backoff_cap_us;
    context.mta_running = mta_.running() && !mta_.hung();
    context.msmi_running = interchange_.running();
    context.crashes = interchange_.crashes();
    const Oracle oracle(record, context, filing_ ? &settled_ : nullptr);
    oracle.judge(ledger_.mutable_entries());
    result_.invariants = oracle.check_invariants(ledger_.entries());
    result_.postoffice_files.assign(record.postoffice_files.begin(), record.postoffice_files.end());
  }

  void finish(std::int64_t end) {
    // The sample due exactly at the end (or a partial interval) has not run yet.
    if (last_sample_us_ < end) take_sample(last_sample_us_, end);
    judge_messages(end);
    result_.virtual_duration_us = end;
    result_.scheduler_steps = scheduler_.steps();
    result_.suppressed_events = interchange_.suppressed_events();
    result_.ledger = ledger_.take_entries();
    if (filing_) {
      for (const LedgerEntry& entry : result_.ledger) options_.ledger_sink->write(entry);
      result_.settled_fates = settled_.fates();
    }
    result_.deliveries = mta_.take_deliveries();
    result_.backlog = measure_queues();
    result_.service_running = interchange_.running();
    result_.crashes = interchange_.crashes();
    result_.fault_stats = injector_.stats();
    for (const auto& worker : interchange_.workers()) {
      ThreadSummary t;
      t.thread = worker->thread();
      t.role = std::string(worker->role());
      t.state = !interchange_.running()              ? msmi::ThreadState::kStopped
                : interchange_.thread_hung(t.thread) ? msmi::ThreadState::kHung
                                                     : worker->state();
      double sum = 0;
      int n = 0;
      for (const ThreadSample& s : result_.samples) {
        if (s.thread != t.thread) continue;
        sum += s.busy_pct;
        ++n;
        t.last_busy_pct = s.busy_pct;
      }
      t.mean_busy_pct = n > 0 ? sum / n : 0.0;
      result_.threads.push_back(t);
    }
  }

  const Scenario& scenario_;
  const RunOptions& options_;
  RunResult& result_;
  VirtualClock clock_;
  LockingFileSystem fs_;
  msmi::SeededRandom root_random_;
  std::unique_ptr<msmi::SeededRandom> engine_random_;
  std::unique_ptr<msmi::SeededRandom> traffic_random_;
  SimulatedMta mta_;
  Ledger ledger_;
  RecordingSink sink_;
  std::unique_ptr<msmi::SeededRandom> fault_random_;
  FaultInjector injector_;
  FaultyFileSystem faulty_fs_;
  FaultyMta faulty_mta_;
  SimulatedDirectory directory_service_;
  std::vector<std::string> address_spaces_;  // the MS Mail Connector's, as the operator left them
  std::int64_t smtp_route_turn_ = 0;
  FaultyDirectory faulty_directory_;
  std::int64_t pending_delay_us_ = 0;
  std::function<void()> power_cut_;
  bool powered_ = true;
  std::vector<std::int64_t> power_losses_us_;
  std::map<int, std::string_view> thread_states_;  // thread → its last recorded state
  // Returned to their senders by the administrator, from the MTA's queue: ID → when.
  std::map<std::string, std::int64_t> returned_to_sender_;  // when
                                                            // the server lost power
  msmi::InterchangeEnvironment env_;
  msmi::Interchange interchange_;
  MsMailSide ms_mail_;
  msmi::NetworkDirectory directory_;
  ThreadActivity activity_;
  Scheduler scheduler_;
  bool pcmta_running_ = true;
  // Q171259: where the connector postoffice lies, and where the registry says it does.
  std::string postoffice_path_ = kDefaultPostofficePath;
  std::string registry_path_ = kDefaultPostofficePath;
  int mta_terminations_ = 0;
  int directory_kills_ = 0;  // for the MTA's 7034 "It has done this %2 time(s)"
  // Outbound messages an mta.queue delay holds before the MTA queues them.
  std::set<std::string> held_by_mta_;
  std::int64_t last_sample_us_ = 0;
  std::int64_t outbound_injected_ = 0;
  std::vector<int> replies_;  // per responder: replies so far
  // Messages the world itself lost (an operator reset INQUEUE3): message ID → what happened.
  std::map<std::string, std::string> world_losses_;
  // Outbound messages the operator moved out of the MTA's database (move_mta_head): ID → when.
  std::map<std::string, std::int64_t> mta_set_aside_;
  std::map<std::string, std::unique_ptr<msmi::Mailbag>> sampled_mailbags_;
  std::size_t pcmta_returns_reported_ = 0;
  // The world's own events (operator steps, the MTA service) are written whatever the MSMI's
  // diagnostics logging levels are.
  msmi::EventLogger world_log_;
  // INQUEUE3 as the world sees it on disk, for samples and the ledger.
  msmi::Mailbag inqueue_view_;  // With RunOptions::ledger_sink: the messages settled so far, and
                                // the records of the others.
  SettledMessages settled_;
  std::optional<RecordFiling> filing_;
  // The PC MTA's returns taken out during the run (RunOptions::ledger_sink), of messages not
  // settled yet: message ID → its NDR (the first return of each).
  std::map<std::string, MtaNdr> returned_by_pcmta_;
  // The fault firings that could explain the loss of a message not settled yet, in order.
  std::vector<FaultFiring> firings_;
};

}  // namespace

std::uint64_t default_seed(const Scenario& scenario) {
  if (scenario.seed) return *scenario.seed;
  std::uint64_t hash = 0xCBF29CE484222325ULL;
  for (unsigned char c : scenario.name) hash = (hash ^ c) * 0x100000001B3ULL;
  return hash & 0x7FFFFFFFFFFFFFFFULL;
}

Status make_postoffice_layout(msmi::FileSystem& postoffice, const Scenario& scenario) {
  std::vector<std::string> folders = {"P1", "KEY", "MBG", "GLB", "XTN"};
  for (int i = 0; i < 16; ++i) {
    char name[8];
    std::snprintf(name, sizeof name, "MAI/MA%X", i);
    folders.emplace_back(name);
  }
  for (const std::string& folder : folders) {
    Status s = postoffice.make_dirs(folder);
    if (!s.ok()) return s;
  }
  const std::string glb(msmi::kNetworkGlbPath);
  Status s = postoffice.write_file(glb, msmi::encode_network_glb(directory_of(scenario)));
  if (s.ok()) s = postoffice.sync_file(glb);
  return s;
}

Status prepare_postoffice(const fs::path& dir, const Scenario& scenario) {
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) {
      return Status::InvalidArgument(dir.string() + ": exists and is not a folder");
    }
    const bool empty = fs::is_empty(dir, ec);
    if (!empty && !fs::exists(dir / kMarker, ec)) {
      return Status::InvalidArgument(dir.string() +
                                     ": folder is not empty and was not made by msmisim; "
                                     "choose an empty or new folder for --postoffice");
    }
    for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
      fs::remove_all(entry.path(), ec);
      if (ec)
        return Status::IoError(entry.path().string() + ": cannot be removed: " + ec.message());
    }
  }
  DiskFileSystem disk(dir);
  Status s = make_postoffice_layout(disk, scenario);
  if (s.ok())
    s = disk.write_file(
        std::string(kMarker),
        "shadow postoffice made by msmisim; its contents are replaced on every run\n");
  if (!s.ok()) return Status::IoError(dir.string() + ": " + s.message());
  return Status::Ok();
}

Status run_scenario(const Scenario& scenario, const RunOptions& options, RunResult* result) {
  const std::optional<msmi::Profile> profile = msmi::find_profile(options.profile);
  if (!profile) {
    return Status::InvalidArgument("unknown profile '" + options.profile +
                                   "' (known: " + msmi::profile_names() + ")");
  }
  // The real folder when one is named, else a simulated disk that lives as long as the run.
  std::unique_ptr<msmi::FileSystem> postoffice;
  MemoryFileSystem* memory = nullptr;
  Status s;
  if (options.postoffice_dir.empty()) {
    auto owned = std::make_unique<MemoryFileSystem>();
    memory = owned.get();
    postoffice = std::move(owned);
    s = make_postoffice_layout(*postoffice, scenario);
  } else {
    s = prepare_postoffice(options.postoffice_dir, scenario);
    postoffice = std::make_unique<DiskFileSystem>(
        options.postoffice_dir,
        options.postoffice_fsync ? DiskFileSystem::Sync::kFsync : DiskFileSystem::Sync::kNone);
  }
  if (!s.ok()) return s;
  *result = RunResult{};
  result->seed = options.seed;
  result->profile = profile->name;
  result->defects = engine_settings(scenario, *profile).defects;
  // The blocks of "expect" that apply, each with a counter fed every event as it is written.
  std::vector<std::pair<std::string, const Expectations*>> blocks;
  for (const std::string& key : {std::string("*"), profile->name}) {
    const auto it = scenario.expectations.find(key);
    if (it != scenario.expectations.end()) blocks.emplace_back(key, &it->second);
  }
  std::vector<EventExpectationCounter> counters;
  for (const auto& block : blocks) counters.emplace_back(*block.second);
  {
    World world(scenario, options, *profile, *postoffice, *result);
    if (memory != nullptr) world.set_power_cut([memory] { memory->crash(); });
    world.set_expectation_counters(&counters);
    world.run();
  }
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    const auto& [key, expectations] = blocks[i];
    result->expectation_sets.push_back(key);
    for (ExpectationResult& r : check_expectations(*expectations, *result, &counters[i])) {
      result->expectations.push_back(std::move(r));
    }
    for (std::string& w : expectation_warnings(*expectations, "$.expect." + key)) {
      result->warnings.push_back(std::move(w));
    }
  }
  result->no_expectations = result->expectation_sets.empty();
  return Status::Ok();
}

}  // namespace msmisim
