// Interchange: the MS Mail Connector Interchange service (MT.EXE). Owns the logical threads —
// housekeeping 0–3, the Mailer (4), the inbound delivery threads (5…), the outbound threads —
// and the service state. It has no thread of its own: a scheduler steps its workers.
//
// Thread-safety: none. One scheduler calls every method from one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "msmi/clock.h"
#include "msmi/engine_settings.h"
#include "msmi/event.h"
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
};

struct MsmiContext;  // what the workers share; private to the engine

class Interchange {
 public:
  // `env` must outlive the Interchange. The service starts stopped.
  Interchange(const InterchangeEnvironment& env, EngineSettings settings);
  ~Interchange();
  Interchange(const Interchange&) = delete;
  Interchange& operator=(const Interchange&) = delete;

  // Starts the service: reads GLB/NETWORK.GLB and INQUEUE3 (2302 and stays stopped if a queue
  // file is locked or the GLB is missing), puts records left in progress back to ready, defers
  // records that had already failed, writes 7036. Returns whether it runs.
  bool start();
  // Stops the service (7036).
  void stop();
  bool running() const { return running_; }
  // How often a worker's fatal error stopped the service.
  int crashes() const { return crashes_; }

  // Call after every worker step with the busy time it reported: stops the service, at the end
  // of that step, if a worker met a fatal error.
  void after_step(std::int64_t busy_us);

  // All threads, ascending by thread number.
  const std::vector<std::unique_ptr<Worker>>& workers() const { return workers_; }
  std::vector<int> inbound_threads() const;
  const EngineSettings& settings() const { return settings_; }
  // Events the diagnostics logging levels kept out of the log so far.
  std::int64_t suppressed_events() const;

 private:
  void enter_state(bool running);

  EngineSettings settings_;
  std::unique_ptr<MsmiContext> ctx_;
  bool running_ = false;
  int crashes_ = 0;
  std::vector<std::unique_ptr<Worker>> workers_;
};

}  // namespace msmi
