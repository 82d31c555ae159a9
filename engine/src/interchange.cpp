#include "msmi/interchange.h"

#include <cstdio>

#include "msmi/require.h"
#include "msmi_context.h"

#include "housekeeping_worker.h"
#include "inbound_delivery_worker.h"
#include "mailer_worker.h"
#include "msmi/event_catalogue.h"
#include "msmi/mailbag.h"
#include "msmi/queue_payloads.h"
#include "outbound_worker.h"

namespace msmi {
namespace {
// Win32 codes the 2302 event reports.
constexpr std::string_view kWin32FileNotFound = "2";
constexpr std::string_view kWin32SharingViolation = "20";
constexpr std::string_view kWin32InvalidData = "D";
constexpr std::string_view kWin32AccessDenied = "5";
}  // namespace

Interchange::Interchange(const InterchangeEnvironment& env, EngineSettings settings)
    : settings_(std::move(settings)), ctx_(std::make_unique<MsmiContext>(env, settings_)) {
  MsmiContext& ctx = *ctx_;
  for (int t = 0; t < 4; ++t) {
    workers_.push_back(std::make_unique<HousekeepingWorker>(ctx, running_, t));
  }
  workers_.push_back(std::make_unique<MailerWorker>(ctx, running_));
  int next = MailerWorker::kThread + 1;
  for (int i = 0; i < std::max(1, settings_.cpus); ++i) {
    workers_.push_back(std::make_unique<InboundDeliveryWorker>(ctx, running_, next++));
  }
  for (int i = 0; i < std::max(1, settings_.outbound_threads); ++i) {
    workers_.push_back(std::make_unique<OutboundWorker>(ctx, running_, next++));
  }
}

Interchange::~Interchange() = default;

std::int64_t Interchange::suppressed_events() const {
  return ctx_->logger.suppressed();
}

std::vector<int> Interchange::inbound_threads() const {
  std::vector<int> threads;
  for (const auto& w : workers_) {
    if (w->role() == "inbound") threads.push_back(w->thread());
  }
  return threads;
}

void Interchange::change_settings(const EngineSettings& settings) {
  MSMI_REQUIRE(settings.cpus == settings_.cpus &&
               settings.outbound_threads == settings_.outbound_threads);
  next_ = settings;
}

bool Interchange::start() {
  if (running_) return true;
  if (next_) {
    settings_ = *std::move(next_);  // the workers read settings_ through the context
    next_.reset();
  }
  ctx_->crash_requested = false;
  const SiteVerdict verdict = ctx_->site({Site::kServiceStart, 0, "", "", {}, "", 0, "", "", ""});
  if (verdict.kind == SiteVerdict::Kind::kHang) {
    ctx_->logger.log(event_id::kServiceStartFailed, -1, "",
                     {std::string(kMsmiServiceName),
                      "The service did not respond to the start or control request in a timely "
                      "fashion."});
    return false;
  }
  if (verdict.kind != SiteVerdict::Kind::kNone) {
    // The mailer component cannot open the postoffice share: access denied (Q168857).
    report_start_failure(kWin32AccessDenied);
    return false;
  }
  ctx_->configured = true;
  if (ctx_->env.directory != nullptr) {
    const std::uint32_t code = ctx_->env.directory->open_session(settings_.service_account);
    if (code != 0 && settings_.service_account == ServiceAccount::kLocalSystem &&
        !settings_.protections.refuse_unconfigured_start) {
      // Q164177: under the System Account the service process has already told the SCM it
      // runs when the directory refuses it. It logs 2410 and carries on without the
      // connector's configuration: it appears to run, but no thread moves any mail.
      report_directory_failure(code, false);
      ctx_->configured = false;
    } else if (code != 0) {
      report_directory_failure(code, true);
      return false;
    }
  }
  std::string problem;
  bool missing = false;
  if (!HousekeepingWorker::load_directory(*ctx_, &problem, &missing)) {
    report_start_failure(missing ? kWin32FileNotFound : kWin32InvalidData);
    return false;
  }
  std::vector<MailbagEntry> entries;
  Status s = ctx_->inqueue.load(&entries);
  if (s.ok()) {
    // The mailer opens both INQUEUE3 files, even when the KEY says the queue is empty: a lock
    // on the MBG alone stops the start as well (Q168857: "Inqueue3.key and/or Inqueue3.mbg").
    std::string records;
    const Status mbg = ctx_->env.fs.read_file(ctx_->inqueue.mbg_path(), &records);
    if (mbg.is_busy()) s = mbg;
  }
  if (s.is_busy()) {
    report_start_failure(kWin32SharingViolation);
    return false;
  }
  if (s.is_corruption()) {
    std::string moved;
    ctx_->check(ctx_->inqueue.move_aside(std::to_string(ctx_->now()), &moved), 0, "",
                "moving the damaged INQUEUE3 aside");
    ctx_->logger.log(event_id::kFileMovedAside, 0, "",
                     {ctx_->inqueue.key_path(), s.message(), moved});
    entries.clear();
  }
  ctx_->not_before.clear();
  ctx_->ndr_sent.clear();
  const std::int64_t deferred_until = ctx_->now() + settings_.restart_deferral_us;
  for (const MailbagEntry& entry : entries) {
    if (entry.state == MailbagState::kInProgress) {
      ctx_->check(
          ctx_->inqueue.update(entry.seq, MailbagState::kReady, entry.attempts, &entry.payload), 0,
          "", "putting INQUEUE3 record #" + std::to_string(entry.seq) + " back to ready");
    }
    InqueueRecord record;
    if (entry.attempts > 0 &&
        decode_inqueue_record(entry.payload, ctx_->inqueue.mbg_path(), &record).ok()) {
      ctx_->not_before[record.number] = deferred_until;
    }
  }
  enter_state(true, "service_start");
  for (const auto& worker : workers_) {
    const SiteVerdict v =
        ctx_->site({Site::kThreadStart, worker->thread(), "", "", {}, "", 0, "", "", ""});
    if (v.kind == SiteVerdict::Kind::kHang || v.kind == SiteVerdict::Kind::kFail)
      hang_thread(worker->thread());
  }
  if (settings_.protections.recover_orphans) HousekeepingWorker::recover_orphans(*ctx_, 0);
  return true;
}

void Interchange::report_start_failure(std::string_view win32) {
  // The mailer's own report, then the Service Control Manager's word on the service (Q168857).
  ctx_->logger.log(event_id::kMailerStartFailed, 0, "", {"2", std::string(win32)});
  ctx_->logger.log(*find_event_spec(event_id::kMailerStartFailed, "service_error"), 0, "", {"105"});
}

void Interchange::report_directory_failure(std::uint32_t code, bool start_fails) {
  char hex[16];
  std::snprintf(hex, sizeof hex, "0x%X", static_cast<unsigned>(code));
  ctx_->logger.log(event_id::kDirectorySessionFailed, 0, "", {hex});
  if (!start_fails) return;
  // The service exits with the directory's code as its service-specific error, which the SCM
  // writes in decimal.
  ctx_->logger.log(event_id::kServiceSpecificError, -1, "",
                   {std::string(kMsmiServiceName), std::to_string(code)});
}

bool Interchange::configured() const {
  return ctx_->configured;
}

void Interchange::stop() {
  if (!running_) return;
  // A hung thread never answers the stop request: the service stays as it is.
  if (any_thread_hung()) return;
  const SiteVerdict verdict = ctx_->site({Site::kServiceStop, 0, "", "", {}, "", 0, "", "", ""});
  if (verdict.kind != SiteVerdict::Kind::kNone) {
    hang_thread(0);  // thread 0 handles the stop request and never finishes it
    return;
  }
  enter_state(false, "service_stop");
}

void Interchange::hang_thread(int thread) {
  if (!running_ || thread_hung(thread)) return;
  ctx_->hung_threads.push_back(thread);
}

const DiagnosticsLogging& Interchange::logging() const {
  return ctx_->logger.logging();
}

void Interchange::set_logging(const DiagnosticsLogging& logging) {
  ctx_->logger.set_logging(logging);
}

bool Interchange::any_thread_hung() const {
  return !ctx_->hung_threads.empty();
}

bool Interchange::thread_blocked(int thread) const {
  return ctx_->blocked(thread);
}

bool Interchange::thread_hung(int thread) const {
  return ctx_->hung(thread);
}

void Interchange::end_process(bool logged, bool unexpected) {
  if (!running_) return;
  end_pending_ = std::max(end_pending_, logged ? 2 : 1);
  end_unexpected_ = end_unexpected_ || unexpected;
  // Inside a step the process is gone at once: the stepping thread's calls never return.
  if (in_step_) hang_thread(stepping_thread_);
  if (!in_step_) apply_end_of_process();
}

void Interchange::apply_end_of_process() {
  if (end_pending_ == 0) return;
  const bool logged = end_pending_ == 2;
  const bool unexpected = end_unexpected_;
  end_pending_ = 0;
  end_unexpected_ = false;
  ctx_->hung_threads.clear();
  if (!running_) return;
  running_ = false;
  ++terminations_;
  process_ends_.push_back(ctx_->step_clock.now_us());
  if (unexpected) ++crashes_;
  report_change(unexpected ? "crash" : "terminated",
                std::string(logged ? "the process ended (7034)" : "the process ended silently"));
  for (const auto& worker : workers_) worker->on_service_stopped();
  if (logged) {
    ctx_->logger.log(event_id::kServiceTerminated, -1, "",
                     {std::string(kMsmiServiceName), std::to_string(terminations_)});
  }
}

void Interchange::after_step(std::int64_t busy_us) {
  in_step_ = false;
  for (int thread : ctx_->hang_requests) hang_thread(thread);
  ctx_->hang_requests.clear();
  if (end_pending_ != 0) {
    ctx_->step_clock.set_elapsed(busy_us);
    apply_end_of_process();
  }
  ctx_->step_clock.set_elapsed(0);
  if (!ctx_->crash_requested) return;
  ctx_->crash_requested = false;
  ++crashes_;
  ctx_->step_clock.set_elapsed(busy_us);
  process_ends_.push_back(ctx_->step_clock.now_us());
  report_change("crash", ctx_->crash_reason);
  if (running_) enter_state(false, "");
  ctx_->step_clock.set_elapsed(0);
}

void Interchange::report_change(std::string_view what, std::string detail) {
  if (on_service_change_) on_service_change_({ctx_->step_clock.now_us(), what, std::move(detail)});
}

void Interchange::enter_state(bool running, std::string_view what) {
  running_ = running;
  if (!what.empty()) report_change(what, "");
  if (!running) {
    for (const auto& worker : workers_) worker->on_service_stopped();
  }
  ctx_->logger.log(event_id::kServiceStateChanged, -1, "",
                   {std::string(kMsmiServiceName), running ? "running" : "stopped"});
}

}  // namespace msmi
