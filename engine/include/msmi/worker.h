// A logical MT.EXE thread. The simulator's scheduler steps workers one at a time in virtual
// time; a worker never blocks, sleeps or starts a thread of its own.
#pragma once

#include <cstdint>
#include <string_view>

namespace msmi {

enum class ThreadState {
  kStopped,  // the service is not running
  kIdle,     // nothing to do
  kWorking,  // moving mail
  kLooping,  // submitting the same message again and again (Q151791)
  kHung,     // stopped for good inside a call; only ending the process frees it
};

std::string_view to_string(ThreadState state);

struct StepResult {
  std::int64_t busy_us = 0;       // how long this step kept the thread busy
  std::int64_t next_wake_us = 0;  // absolute virtual time of the next step (≥ now + busy_us)
};

class Worker {
 public:
  virtual ~Worker() = default;
  virtual int thread() const = 0;
  virtual std::string_view role() const = 0;
  // Does one unit of work at the clock's current time.
  virtual StepResult step() = 0;
  virtual ThreadState state() const = 0;
  // The service stopped (operator or crash): forget in-memory work, close MTA sessions.
  virtual void on_service_stopped() {}
};

}  // namespace msmi
