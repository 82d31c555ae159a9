// The deterministic scheduler: one virtual clock, a queue of timed actions and the engine's
// logical threads. The clock jumps to the next due item instead of sleeping, so a simulated hour
// takes a fraction of a second. Items due at the same time run in (priority, insertion) order.
#pragma once

#include <csignal>
#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

#include "msmi/clock.h"
#include "msmi/interchange.h"
#include "msmi/require.h"
#include "msmi/worker.h"
#include "msmisim/thread_activity.h"

namespace msmisim {

class VirtualClock final : public msmi::Clock {
 public:
  std::int64_t now_us() const override { return now_us_; }
  // REQUIRES: t ≥ now_us().
  void advance_to(std::int64_t t) {
    MSMI_REQUIRE(t >= now_us_);
    now_us_ = t;
  }

 private:
  std::int64_t now_us_ = 0;
};

// Priorities for items due at the same instant: the world acts before the engine looks.
enum class Priority : int { kOperator = 0, kWorld = 1, kEngine = 2, kSampler = 3 };

class Scheduler {
 public:
  using Action = std::function<void()>;
  explicit Scheduler(VirtualClock& clock) : clock_(clock) {}

  void at(std::int64_t time_us, Priority priority, Action action);
  // Steps every worker of `interchange` from `start_us` on, recording busy spans in `activity`.
  // Both must outlive the scheduler's run.
  void add_interchange(msmi::Interchange& interchange, ThreadActivity& activity,
                       std::int64_t start_us);
  // Runs everything due before `end_us`, then leaves the clock at `end_us`. When `stop` is set
  // and becomes non-zero (a signal handler's flag), returns early with the clock where it was;
  // returns whether it ran to the end.
  bool run_until(std::int64_t end_us, const volatile std::sig_atomic_t* stop = nullptr);
  std::int64_t steps() const { return steps_; }
  // The MT.EXE thread whose step is running, -1 between steps.
  int current_thread() const { return current_thread_; }
  // Asked after each worker step for busy time the world added to it (a delayed call).
  void set_extra_busy(std::function<std::int64_t()> take) { extra_busy_ = std::move(take); }

 private:
  struct Item {
    std::int64_t time_us;
    int priority;
    std::uint64_t order;
    Action action;
  };
  struct Later {
    bool operator()(const Item& a, const Item& b) const {
      if (a.time_us != b.time_us) return a.time_us > b.time_us;
      if (a.priority != b.priority) return a.priority > b.priority;
      return a.order > b.order;
    }
  };
  void schedule_worker(msmi::Interchange& interchange, msmi::Worker& worker,
                       ThreadActivity& activity, std::int64_t time_us);

  VirtualClock& clock_;
  std::priority_queue<Item, std::vector<Item>, Later> queue_;
  std::uint64_t next_order_ = 0;
  std::int64_t steps_ = 0;
  int current_thread_ = -1;
  std::function<std::int64_t()> extra_busy_;
};

}  // namespace msmisim
