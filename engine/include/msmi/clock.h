// Clock: the engine's only source of time. In simulation it is the scheduler's virtual clock.
#pragma once

#include <cstdint>

namespace msmi {

class Clock {
 public:
  virtual ~Clock() = default;
  // Microseconds since the run started. Never decreases.
  virtual std::int64_t now_us() const = 0;
};

inline constexpr std::int64_t kMillisecond = 1000;
inline constexpr std::int64_t kSecond = 1000 * kMillisecond;
inline constexpr std::int64_t kMinute = 60 * kSecond;
inline constexpr std::int64_t kHour = 60 * kMinute;

}  // namespace msmi
