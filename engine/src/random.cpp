#include "msmi/random.h"

#include "msmi/require.h"

namespace msmi {

std::uint64_t Random::uniform(std::uint64_t bound) {
  MSMI_REQUIRE(bound > 0);
  // Rejection sampling keeps the distribution exact for any bound.
  const std::uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
  std::uint64_t value;
  do {
    value = next_u64();
  } while (value >= limit);
  return value % bound;
}

double Random::unit() {
  return static_cast<double>(next_u64() >> 11) * 0x1.0p-53;
}

std::uint64_t SeededRandom::next_u64() {
  std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::unique_ptr<SeededRandom> SeededRandom::fork(std::string_view subsystem) const {
  // FNV-1a of the name, mixed with the parent state.
  std::uint64_t hash = 0xCBF29CE484222325ULL;
  for (unsigned char c : subsystem) {
    hash = (hash ^ c) * 0x100000001B3ULL;
  }
  SeededRandom mixer(state_ ^ hash);
  return std::make_unique<SeededRandom>(mixer.next_u64());
}

}  // namespace msmi
