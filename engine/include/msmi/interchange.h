// Interchange: the MS Mail Connector Interchange service (MT.EXE). Owns the logical threads —
// housekeeping 0–3, the Mailer (4), the inbound delivery threads (5…), the outbound threads —
// and the service state. It has no thread of its own: a scheduler steps its workers.
//
// Thread-safety: none. One scheduler calls every method from one thread.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "msmi/clock.h"
#include "msmi/directory_gateway.h"
#include "msmi/engine_settings.h"
#include "msmi/event.h"
#include "msmi/fault_sites.h"
#include "msmi/file_system.h"
#include "msmi/message_observer.h"
#include "msmi/mta_gateway.h"
#include "msmi/random.h"
#include "msmi/worker.h"

namespace msmi {

inline constexpr std::string_view kMsmiServiceName = "MS Mail Connector Interchange";

// The seams an interchange runs against. Each must outlive the Interchange.
struct InterchangeEnvironment {
  const Clock& clock;
  Random& random;
  FileSystem& fs;
  MtaGateway& mta;
  EventSink& sink;
  MessageObserver& observer;
  FaultSites* sites = nullptr;            // armed fault sites; none when null
  DirectoryGateway* directory = nullptr;  // none: every directory session is established
};

struct MsmiContext;  // what the workers share; private to the engine

// A change of the service's state, for the record of a run (msmisim's `lifecycle` rows).
struct ServiceChange {
  std::int64_t time_us = 0;
  // "service_start", "service_stop" (a stop request honoured), "crash" (a worker's fatal error,
  // or an end of the process that counts as a crash) or "terminated" (the process ended from
  // outside: a kill, a power loss).
  std::string_view what;
  std::string detail;  // why, in a few words; may be empty
};

class Interchange {
 public:
  // `env` must outlive the Interchange. The service starts stopped.
  Interchange(const InterchangeEnvironment& env, EngineSettings settings);
  ~Interchange();
  Interchange(const Interchange&) = delete;
  Interchange& operator=(const Interchange&) = delete;

  // Starts the service: establishes a session with the directory as the service's account
  // (2410 and 7024 and stays stopped if it cannot; under the System Account, unless the build
  // refuses an unconfigured start, 2410 only, and the service runs without moving any mail), reads
  // GLB/NETWORK.GLB and INQUEUE3 (2302 and stays stopped if a queue file is locked or the GLB is
  // missing), puts records left in progress back to ready, defers records that had already failed,
  // writes 7036. Returns whether it runs.
  bool start();
  // Stops the service (7036).
  void stop();
  bool running() const { return running_; }
  // False while the service runs without its directory session (Q164177): no mail moves.
  bool configured() const;
  // How often a worker's fatal error stopped the service.
  int crashes() const { return crashes_; }
  // When the process ended while running, for any reason (a crash, a kill, a power loss): the
  // moments at which work in flight could have been lost.
  const std::vector<std::int64_t>& process_ends() const { return process_ends_; }
  // Called with each change of the service's state as it happens, in order; none when empty.
  void set_on_service_change(std::function<void(const ServiceChange&)> on_change) {
    on_service_change_ = std::move(on_change);
  }
  // True while `thread` waits for a lock another thread holds.
  bool thread_blocked(int thread) const;

  // Call before every worker step, with the worker's thread.
  void before_step(int thread) {
    in_step_ = true;
    stepping_thread_ = thread;
  }
  // Call after every worker step with the busy time it reported: stops the service, at the end
  // of that step, if a worker met a fatal error or the process was ended during the step.
  void after_step(std::int64_t busy_us);

  // The process's fate from outside (a fault rule, the operator's kill):
  // A hung thread is no longer stepped and the service ignores stop requests until the process
  // ends. Ending the process stops the service at once, without 7036: silently, or with the
  // Service Control Manager's 7034 ("terminated unexpectedly") when `logged`. Inside a worker's
  // step the end takes effect when the step is over. An end that is `unexpected` (the process
  // failed, as a fault rule's terminate or stop says) counts as a crash; an operator's kill or a
  // power loss does not.
  void hang_thread(int thread);
  bool thread_hung(int thread) const;
  bool any_thread_hung() const;
  void end_process(bool logged, bool unexpected);

  // All threads, ascending by thread number.
  const std::vector<std::unique_ptr<Worker>>& workers() const { return workers_; }
  std::vector<int> inbound_threads() const;
  const EngineSettings& settings() const { return settings_; }
  // The administrator changed the connector's properties. Like the real connector, which reads
  // them when it starts, the service uses them from its next start on. REQUIRES: the thread
  // counts (cpus, outbound_threads) are unchanged.
  void change_settings(const EngineSettings& settings);
  // The settings the next start will use.
  const EngineSettings& next_settings() const { return next_ ? *next_ : settings_; }
  // Diagnostics logging as the administrator set it; a change takes effect at once.
  const DiagnosticsLogging& logging() const;
  void set_logging(const DiagnosticsLogging& logging);
  // Events the diagnostics logging levels kept out of the log so far.
  std::int64_t suppressed_events() const;

 private:
  // Logs 7036; `what` ("service_start", "service_stop"), when not empty, is reported too.
  void enter_state(bool running, std::string_view what);
  void report_change(std::string_view what, std::string detail);
  void apply_end_of_process();
  // 2302 from the mailer with its Win32 code, then the SCM's "service-specific error 105".
  void report_start_failure(std::string_view win32);
  // 2410 with the directory's return code, then, when the start fails, the SCM's 7024 with
  // that code.
  void report_directory_failure(std::uint32_t code, bool start_fails);

  EngineSettings settings_;
  std::optional<EngineSettings> next_;  // changed by the administrator, for the next start
  std::unique_ptr<MsmiContext> ctx_;
  bool running_ = false;
  int crashes_ = 0;
  std::vector<std::int64_t> process_ends_;
  int terminations_ = 0;  // unexpected ends, for 7034's "It has done this %2 time(s)"
  std::vector<std::unique_ptr<Worker>> workers_;
  bool in_step_ = false;
  int stepping_thread_ = -1;
  int end_pending_ = 0;  // 0 none, 1 silent, 2 logged
  bool end_unexpected_ = false;
  std::function<void(const ServiceChange&)> on_service_change_;
};

}  // namespace msmi
