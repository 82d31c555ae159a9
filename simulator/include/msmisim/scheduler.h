// The deterministic scheduler: one virtual clock, a queue of timed actions and the engine's
// logical threads. The clock jumps to the next due item instead of sleeping, so a simulated hour
// takes a fraction of a second.
//
// Items due at the same microsecond (ties) are ordered so that a seed explores interleavings,
// as FoundationDB's simulator does, while a script keeps its written order:
//   - kOperator items (operator steps, file locks, the service start, a boot after a power
//     loss) run first, in the order they were scheduled: never perturbed.
//   - kWorld and kEngine items are one band, perturbed by the seed: a traffic entry's arrival,
//     the scripted messages, the PC MTA's poll, the MTA releasing a held message and each
//     engine thread's step are independent sources whose relative order at a tie is drawn from
//     a 64-bit mix of (seed, source, time). Items of ONE source due at the same time keep the
//     order they were scheduled in (e.g. two scripted messages with the same "at").
//   - kSampler items run last, in order: a sample observes the instant, it never races it.
// The same seed gives the same order; the cost is one mix per scheduled item.
#pragma once

#include <csignal>
#include <cstdint>
#include <deque>
#include <functional>
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

// Classes of items due at the same instant (see above): kWorld and kEngine share one band.
enum class Priority : int { kOperator = 0, kWorld = 1, kEngine = 2, kSampler = 3 };

// Who scheduled a kWorld item, for the tie order: items of one source keep their order.
// Engine threads are sources of their own (kEngineSource + thread number).
enum class Source : std::uint64_t {
  kNone = 0,  // operator and sampler items, which are never perturbed
  kMessages = 1,
  kPcMta = 2,
  kMta = 3,
  kTraffic = 0x100,         // + the traffic entry's index
  kEngineThread = 0x10000,  // + the thread number
};
constexpr Source source_of_traffic(std::size_t index) {
  return static_cast<Source>(static_cast<std::uint64_t>(Source::kTraffic) + index);
}

class Scheduler {
 public:
  using Action = std::function<void()>;
  // `seed` draws the order of ties between independent sources (see above).
  explicit Scheduler(VirtualClock& clock, std::uint64_t seed = 0) : clock_(clock), seed_(seed) {}

  // Runs `action` at `time_us` (now, if that is past). `source` matters only for kWorld items;
  // without one, a kWorld item is a source of its own kind, Source::kNone.
  void at(std::int64_t time_us, Priority priority, Source source, Action action);
  void at(std::int64_t time_us, Priority priority, Action action) {
    at(time_us, priority, Source::kNone, std::move(action));
  }
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
    int band;           // 0 operator, 1 world and engine, 2 sampler
    std::uint64_t key;  // the seeded tie order within band 1; 0 elsewhere
    std::uint64_t order;
    Action action;
  };
  struct Later {
    bool operator()(const Item& a, const Item& b) const {
      if (a.time_us != b.time_us) return a.time_us > b.time_us;
      if (a.band != b.band) return a.band > b.band;
      if (a.key != b.key) return a.key > b.key;
      return a.order > b.order;
    }
  };
  // What a worker's scheduled step needs, kept here so that its action captures one pointer
  // (small enough for std::function to hold without an allocation).
  struct WorkerSlot {
    msmi::Interchange* interchange;
    msmi::Worker* worker;
    ThreadActivity* activity;
  };
  void push(std::int64_t time_us, Priority priority, Source source, Action action);
  void schedule_worker(const WorkerSlot* slot, std::int64_t time_us);

  VirtualClock& clock_;
  std::uint64_t seed_;
  // A binary heap under Later (std::push_heap/pop_heap), so that the due item's action is moved
  // out rather than copied.
  std::vector<Item> queue_;
  std::deque<WorkerSlot> worker_slots_;
  std::uint64_t next_order_ = 0;
  std::int64_t steps_ = 0;
  int current_thread_ = -1;
  std::function<std::int64_t()> extra_busy_;
};

}  // namespace msmisim
