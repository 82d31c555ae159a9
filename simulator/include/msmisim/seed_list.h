// The seeds of a sweep: "1..100", "7", "1..100,200,300..310", and the slice of them one shard of
// a CI matrix runs (--shard i/n).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "msmi/status.h"

namespace msmisim {

// Sweeps are for many seeds, not for all of them: a list longer than this is refused.
inline constexpr std::uint64_t kMaxSweepSeeds = 10'000'000;

// Parses a comma-separated list of seeds and inclusive ranges A..B into *seeds, ascending and
// without repeats. Seeds are whole numbers from 0 to 9223372036854775807. InvalidArgument
// (naming the part that is wrong) for an empty list or part, a range whose end is below its
// start, a value out of range, or more than kMaxSweepSeeds seeds.
msmi::Status parse_seed_list(std::string_view text, std::vector<std::uint64_t>* seeds);

// One shard of n: index 1..count.
struct Shard {
  int index = 1;
  int count = 1;
};

// Parses "i/n" with 1 <= i <= n <= 10000. InvalidArgument otherwise.
msmi::Status parse_shard(std::string_view text, Shard* shard);

// The seeds shard `shard` runs: the k-th seed of the list (k = 0, 1, …) belongs to shard
// k mod n + 1. Interleaved, so that slow and fast stretches of the range spread over every
// shard; the shards of one n together hold every seed exactly once.
std::vector<std::uint64_t> shard_seeds(const std::vector<std::uint64_t>& seeds, const Shard& shard);

}  // namespace msmisim
