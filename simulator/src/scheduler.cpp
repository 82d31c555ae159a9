#include "msmisim/scheduler.h"

#include <algorithm>

namespace msmisim {
namespace {
constexpr std::int64_t kHungRecheckUs = 5'000'000;

// SplitMix64's finaliser: every input bit reaches every output bit.
std::uint64_t mix64(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}
}  // namespace

void Scheduler::push(std::int64_t time_us, Priority priority, Source source, Action action) {
  const std::int64_t when = std::max(time_us, clock_.now_us());
  int band = 1;
  std::uint64_t key = 0;
  if (priority == Priority::kOperator) {
    band = 0;
  } else if (priority == Priority::kSampler) {
    band = 2;
  } else {
    // One key per (seed, source, instant): a source's items at one instant share it and so keep
    // their scheduling order; another instant or another seed reshuffles the sources.
    key = mix64(mix64(seed_ ^ mix64(static_cast<std::uint64_t>(source) + 1)) ^
                static_cast<std::uint64_t>(when));
  }
  queue_.push_back(Item{when, band, key, next_order_++, std::move(action)});
  std::push_heap(queue_.begin(), queue_.end(), Later{});
}

void Scheduler::at(std::int64_t time_us, Priority priority, Source source, Action action) {
  push(time_us, priority, source, std::move(action));
}

void Scheduler::add_interchange(msmi::Interchange& interchange, ThreadActivity& activity,
                                std::int64_t start_us) {
  for (const auto& worker : interchange.workers()) {
    worker_slots_.push_back(WorkerSlot{&interchange, worker.get(), &activity});
    schedule_worker(&worker_slots_.back(), start_us);
  }
}

void Scheduler::schedule_worker(const WorkerSlot* slot, std::int64_t time_us) {
  const auto source = static_cast<Source>(static_cast<std::uint64_t>(Source::kEngineThread) +
                                          static_cast<std::uint64_t>(slot->worker->thread()));
  push(time_us, Priority::kEngine, source, [this, slot] {
    msmi::Interchange& interchange = *slot->interchange;
    msmi::Worker& worker = *slot->worker;
    const std::int64_t now = clock_.now_us();
    if (interchange.thread_hung(worker.thread())) {
      // A hung thread does nothing until its process ends.
      schedule_worker(slot, now + kHungRecheckUs);
      return;
    }
    current_thread_ = worker.thread();
    interchange.before_step(worker.thread());
    const msmi::StepResult result = worker.step();
    std::int64_t busy = std::max<std::int64_t>(0, result.busy_us);
    if (extra_busy_) busy += extra_busy_();
    interchange.after_step(busy);
    current_thread_ = -1;
    slot->activity->record_busy(worker.thread(), now, now + busy);
    // A step always moves time on, so a worker can never spin in place.
    const std::int64_t next = std::max({result.next_wake_us, now + busy, now + 1});
    schedule_worker(slot, next);
  });
}

bool Scheduler::run_until(std::int64_t end_us, const volatile std::sig_atomic_t* stop) {
  while (!queue_.empty() && queue_.front().time_us < end_us) {
    if (stop != nullptr && *stop != 0) return false;
    std::pop_heap(queue_.begin(), queue_.end(), Later{});
    Item item = std::move(queue_.back());
    queue_.pop_back();
    clock_.advance_to(item.time_us);
    ++steps_;
    item.action();
  }
  clock_.advance_to(std::max(end_us, clock_.now_us()));
  return true;
}

}  // namespace msmisim
