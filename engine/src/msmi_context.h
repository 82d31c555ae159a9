// What the workers of one interchange share: the seams to the world, the settings, the logger,
// INQUEUE3, the network directory and the retry timers. Owned by Interchange; workers borrow it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "inqueue_decodings.h"
#include "msmi/address.h"
#include "msmi/clock.h"
#include "msmi/diagnostics.h"
#include "msmi/engine_settings.h"
#include "msmi/file_system.h"
#include "msmi/interchange.h"
#include "msmi/mailbag.h"
#include "msmi/message_file_cache.h"
#include "msmi/message_observer.h"
#include "msmi/mta_gateway.h"
#include "msmi/network_directory.h"
#include "msmi/queue_payloads.h"
#include "msmi/random.h"

namespace msmi {

inline constexpr std::string_view kQuarantineDir = "QUARANTINE";

// The time inside a worker's step: the scheduler's time plus the busy time the step has used
// so far, so the events of one step carry the times they would have had on the real server.
class StepClock final : public Clock {
 public:
  explicit StepClock(const Clock& base) : base_(base) {}
  std::int64_t now_us() const override { return base_.now_us() + elapsed_us_; }
  void set_elapsed(std::int64_t elapsed_us) { elapsed_us_ = elapsed_us; }

 private:
  const Clock& base_;
  std::int64_t elapsed_us_ = 0;
};

// The fault-site context of a site that works on one whole message.
inline SiteContext message_site(Site site, int thread, const XomMessage& message) {
  SiteContext context;
  context.site = site;
  context.thread = thread;
  context.message_id = message.message_id;
  context.sender = message.originator;
  context.recipients = message.recipients;
  context.subject = message.subject;
  context.size = message.body.size();
  context.kind = to_string(message.kind);
  context.sender_name = message.originator_name;
  context.recipient_names = message.recipient_names;
  context.reply_to = message.reply_to;
  return context;
}

struct MsmiContext {
  MsmiContext(const InterchangeEnvironment& env, const EngineSettings& settings)
      : env(env),
        settings(settings),
        step_clock(env.clock),
        logger(step_clock, env.sink, settings.logging),
        inqueue(env.fs, std::string(kInqueueName)),
        message_files(env.fs) {}

  const InterchangeEnvironment& env;
  const EngineSettings& settings;
  StepClock step_clock;  // what the logger stamps events with; workers set its elapsed time
  EventLogger logger;
  Mailbag inqueue;
  // The P1 and MAI files the Mailer and the inbound threads read, decoded once per version.
  MessageFileCache message_files;
  // The addresses of the messages, parsed once: by the Mailer, for the inbound threads.
  AddressParser addresses;
  // INQUEUE3's records, decoded once: by the Mailer, for the inbound threads.
  InqueueDecodings inqueue_records;
  NetworkDirectory directory;
  // The mailbags of the destination postoffices, by name, kept so that each remembers what it
  // last read.
  std::map<std::string, std::unique_ptr<Mailbag>> postoffice_mailbags;
  // P1 number of a queued message → earliest virtual time it may be submitted again (retry
  // delay, restart deferral). Keyed by the message, not the INQUEUE3 record number, which a
  // reset starts again from 1.
  std::map<std::uint32_t, std::int64_t> not_before;
  // Messages whose NDR the Mailer has already generated since the service started, so that a
  // queue update that fails never makes it send the same NDR twice.
  std::set<std::string> ndr_sent;
  // Set by a worker that met a fatal error; the Interchange stops the service after the step.
  bool crash_requested = false;
  // Whether the service opened its directory session at its last start. Without it the
  // Mailer, inbound and outbound threads know no connector configuration and move no mail.
  bool configured = true;
  // Threads that hung at a fault site during the step; the Interchange hangs them after it.
  std::vector<int> hang_requests;
  // Threads hung for good (inside a call that never returned, or at a fault site). A worker
  // whose thread hung during a call abandons its step: the call's answer never came.
  std::vector<int> hung_threads;
  bool hung(int thread) const {
    return std::find(hung_threads.begin(), hung_threads.end(), thread) != hung_threads.end();
  }
  std::string crash_reason;
  // The thread owning the synchronization object the mail-moving threads (Mailer, inbound,
  // outbound) share, when one kept it after a handled exception (Q151669); -1 when free. The
  // others wait for it and do nothing; the process ending frees it.
  int mutex_owner = -1;
  bool blocked(int thread) const { return mutex_owner >= 0 && mutex_owner != thread; }

  std::int64_t now() const { return env.clock.now_us(); }
  bool defect(Defect d) const { return settings.defects.on(d); }
  // A cost with ±10% seeded jitter, so threads do not run in lock step.
  std::int64_t cost(std::int64_t base_us);
  Mailbag& mailbag(const std::string& name);
  // What the armed fault sites say about this site; carry on when none are armed.
  SiteVerdict site(const SiteContext& context) {
    return env.sites != nullptr ? env.sites->at(context) : SiteVerdict{};
  }
  // site(build()) for a `site` some rule is armed at; "carry on" without building the context
  // (the message's fields copied on every message) when none is.
  template <class Build>
  SiteVerdict site_if_armed(Site site, Build build) {
    if (env.sites == nullptr || !env.sites->armed(site)) return SiteVerdict{};
    return env.sites->at(build());
  }
  // Writes 9007 when `status` is a failure of `what` that the engine goes on without (a queue
  // update, a file removal): the original MSMI ignored these silently; the log must not.
  // Returns status.ok().
  bool check(const Status& status, int thread, const std::string& message_id,
             std::string_view what);
  std::string connector_admin() const {
    return "MS:" + settings.connector_network + "/" + settings.connector_postoffice + "/ADMIN";
  }
};

}  // namespace msmi
