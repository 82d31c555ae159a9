#include "msmisim/thread_activity.h"

#include <algorithm>

namespace msmisim {

void ThreadActivity::record_busy(int thread, std::int64_t start_us, std::int64_t end_us) {
  if (end_us <= start_us) return;
  spans_[thread].emplace_back(start_us, end_us);
}

double ThreadActivity::busy_pct(int thread, std::int64_t from_us, std::int64_t to_us) {
  if (to_us <= from_us) return 0.0;
  auto it = spans_.find(thread);
  if (it == spans_.end()) return 0.0;
  auto& spans = it->second;
  while (!spans.empty() && spans.front().second <= from_us) spans.pop_front();
  std::int64_t busy = 0;
  for (const auto& [start, end] : spans) {
    if (start >= to_us) break;
    busy += std::min(end, to_us) - std::max(start, from_us);
  }
  return 100.0 * static_cast<double>(busy) / static_cast<double>(to_us - from_us);
}

}  // namespace msmisim
