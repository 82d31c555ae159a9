#include "msmisim/seed_list.h"

#include <algorithm>
#include <charconv>
#include <limits>

namespace msmisim {
namespace {

constexpr std::uint64_t kMaxSeed =
    static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

bool parse_number(std::string_view text, std::uint64_t* value) {
  if (text.empty() || text.size() > 19) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *value);
  return ec == std::errc() && end == text.data() + text.size() && *value <= kMaxSeed;
}

}  // namespace

msmi::Status parse_seed_list(std::string_view text, std::vector<std::uint64_t>* seeds) {
  seeds->clear();
  if (text.empty()) return msmi::Status::InvalidArgument("empty; expected e.g. 1..100");
  std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
  std::uint64_t total = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string_view part = text.substr(start, comma - start);
    const std::string quoted = "'" + std::string(part) + "'";
    if (part.empty()) {
      return msmi::Status::InvalidArgument(
          "an empty part between commas; expected e.g. 1..100,200");
    }
    const std::size_t dots = part.find("..");
    std::uint64_t first = 0;
    std::uint64_t last = 0;
    if (dots == std::string_view::npos) {
      if (!parse_number(part, &first)) {
        return msmi::Status::InvalidArgument(
            quoted + ": expected a seed (0 to 9223372036854775807) or a range A..B");
      }
      last = first;
    } else {
      if (!parse_number(part.substr(0, dots), &first) ||
          !parse_number(part.substr(dots + 2), &last)) {
        return msmi::Status::InvalidArgument(
            quoted + ": expected a range A..B of seeds from 0 to 9223372036854775807");
      }
      if (last < first) {
        return msmi::Status::InvalidArgument(quoted + ": the range ends below its start");
      }
    }
    total += last - first + 1;
    if (last - first >= kMaxSweepSeeds || total > kMaxSweepSeeds) {
      return msmi::Status::InvalidArgument("more than " + std::to_string(kMaxSweepSeeds) +
                                           " seeds; split the sweep with --shard");
    }
    ranges.emplace_back(first, last);
    start = comma + 1;
  }
  for (const auto& [first, last] : ranges) {
    for (std::uint64_t s = first;; ++s) {
      seeds->push_back(s);
      if (s == last) break;
    }
  }
  std::sort(seeds->begin(), seeds->end());
  seeds->erase(std::unique(seeds->begin(), seeds->end()), seeds->end());
  return msmi::Status::Ok();
}

msmi::Status parse_shard(std::string_view text, Shard* shard) {
  const std::size_t slash = text.find('/');
  std::uint64_t index = 0;
  std::uint64_t count = 0;
  if (slash == std::string_view::npos || !parse_number(text.substr(0, slash), &index) ||
      !parse_number(text.substr(slash + 1), &count)) {
    return msmi::Status::InvalidArgument("'" + std::string(text) +
                                         "': expected i/n, e.g. 1/4 for the first of four shards");
  }
  if (count < 1 || count > 10000 || index < 1 || index > count) {
    return msmi::Status::InvalidArgument("'" + std::string(text) +
                                         "': expected 1 <= i <= n <= 10000");
  }
  shard->index = static_cast<int>(index);
  shard->count = static_cast<int>(count);
  return msmi::Status::Ok();
}

std::vector<std::uint64_t> shard_seeds(const std::vector<std::uint64_t>& seeds,
                                       const Shard& shard) {
  std::vector<std::uint64_t> out;
  for (std::size_t k = static_cast<std::size_t>(shard.index - 1); k < seeds.size();
       k += static_cast<std::size_t>(shard.count)) {
    out.push_back(seeds[k]);
  }
  return out;
}

}  // namespace msmisim
