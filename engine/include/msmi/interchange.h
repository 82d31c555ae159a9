// Interchange: the MS Mail Connector Interchange service (MT.EXE). Owns the logical threads —
// housekeeping 0–3, the Mailer (4), the inbound delivery threads (5…), the outbound threads —
// and the service state. It has no thread of its own: a scheduler steps its workers.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "msmi/engine_settings.h"
#include "msmi/msmi_context.h"
#include "msmi/worker.h"

namespace msmi {

inline constexpr std::string_view kMsmiServiceName = "MS Mail Connector Interchange";

class Interchange {
 public:
  // `env` and `settings` must outlive the Interchange. The service starts stopped.
  Interchange(const InterchangeEnvironment& env, EngineSettings settings);
  Interchange(const Interchange&) = delete;
  Interchange& operator=(const Interchange&) = delete;

  // Starts the service: reads GLB/NETWORK.GLB and INQUEUE3 (2302 and stays stopped if a queue
  // file is locked or the GLB is missing), puts records left in progress back to ready, defers
  // records that had already failed, writes 7036. Returns whether it runs.
  bool start();
  // Stops the service (7036). `reason` goes into nothing but the caller's own logs.
  void stop();
  bool running() const { return running_; }
  int crashes() const { return crashes_; }

  // Call after every worker step with the busy time it reported: stops the service, at the end
  // of that step, if a worker met a fatal error.
  void after_step(std::int64_t busy_us);

  // All threads, ascending by thread number.
  const std::vector<std::unique_ptr<Worker>>& workers() const { return workers_; }
  std::vector<int> inbound_threads() const;
  const EngineSettings& settings() const { return settings_; }
  MsmiContext& context() { return ctx_; }

 private:
  void enter_state(bool running);

  EngineSettings settings_;
  MsmiContext ctx_;
  bool running_ = false;
  int crashes_ = 0;
  std::vector<std::unique_ptr<Worker>> workers_;
};

}  // namespace msmi
