// Random: the engine's only source of randomness. One seed for a run; each subsystem forks its
// own stream so adding draws in one subsystem never shifts another's.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

namespace msmi {

class Random {
 public:
  virtual ~Random() = default;
  virtual std::uint64_t next_u64() = 0;
  // Uniform in [0, bound). REQUIRES: bound > 0.
  std::uint64_t uniform(std::uint64_t bound);
  // Uniform in [0, 1).
  double unit();
};

// SplitMix64: small, fast, and the same on every platform and compiler.
class SeededRandom final : public Random {
 public:
  explicit SeededRandom(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next_u64() override;
  // An independent stream for the named subsystem; depends only on the seed and the name.
  std::unique_ptr<SeededRandom> fork(std::string_view subsystem) const;
  std::uint64_t seed_state() const { return state_; }

 private:
  std::uint64_t state_;
};

}  // namespace msmi
