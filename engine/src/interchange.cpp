#include "msmi/interchange.h"

#include "msmi_context.h"

#include "msmi/event_catalogue.h"
#include "housekeeping_worker.h"
#include "inbound_delivery_worker.h"
#include "msmi/mailbag.h"
#include "mailer_worker.h"
#include "outbound_worker.h"
#include "msmi/queue_payloads.h"

namespace msmi {
namespace {
// Win32 codes the 2302 event reports.
constexpr std::string_view kWin32FileNotFound = "2";
constexpr std::string_view kWin32SharingViolation = "20";
constexpr std::string_view kWin32InvalidData = "D";
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

std::int64_t Interchange::suppressed_events() const { return ctx_->logger.suppressed(); }

std::vector<int> Interchange::inbound_threads() const {
  std::vector<int> threads;
  for (const auto& w : workers_) {
    if (w->role() == "inbound") threads.push_back(w->thread());
  }
  return threads;
}

bool Interchange::start() {
  if (running_) return true;
  ctx_->crash_requested = false;
  std::string problem;
  bool missing = false;
  if (!HousekeepingWorker::load_directory(*ctx_, &problem, &missing)) {
    ctx_->logger.log(event_id::kMailerStartFailed, 0, "",
                    {"2", std::string(missing ? kWin32FileNotFound : kWin32InvalidData)});
    return false;
  }
  std::vector<MailbagEntry> entries;
  Status s = ctx_->inqueue.load(&entries);
  if (s.is_busy()) {
    ctx_->logger.log(event_id::kMailerStartFailed, 0, "",
                    {"2", std::string(kWin32SharingViolation)});
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
  enter_state(true);
  if (settings_.protections.recover_orphans) HousekeepingWorker::recover_orphans(*ctx_, 0);
  return true;
}

void Interchange::stop() {
  if (!running_) return;
  enter_state(false);
}

void Interchange::after_step(std::int64_t busy_us) {
  ctx_->step_clock.set_elapsed(0);
  if (!ctx_->crash_requested) return;
  ctx_->crash_requested = false;
  ++crashes_;
  ctx_->step_clock.set_elapsed(busy_us);
  if (running_) enter_state(false);
  ctx_->step_clock.set_elapsed(0);
}

void Interchange::enter_state(bool running) {
  running_ = running;
  if (!running) {
    for (const auto& worker : workers_) worker->on_service_stopped();
  }
  ctx_->logger.log(event_id::kServiceStateChanged, -1, "",
                  {std::string(kMsmiServiceName), running ? "running" : "stopped"});
}

}  // namespace msmi
