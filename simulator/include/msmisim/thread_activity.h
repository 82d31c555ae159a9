// Performance-Monitor-like "% processor time" per MT.EXE thread: the busy share of each thread
// over a sample interval, from the busy spans the scheduler reports.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <utility>

namespace msmisim {

class ThreadActivity {
 public:
  // The thread was busy over [start_us, end_us). Spans of one thread must not overlap.
  void record_busy(int thread, std::int64_t start_us, std::int64_t end_us);
  // Busy share of `thread` over [from_us, to_us) in percent (0..100). Forgets the spans that end
  // before from_us, so sample in increasing time order.
  double busy_pct(int thread, std::int64_t from_us, std::int64_t to_us);

 private:
  std::map<int, std::deque<std::pair<std::int64_t, std::int64_t>>> spans_;
};

}  // namespace msmisim
