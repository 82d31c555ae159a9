// StringHash: the hash of the unordered containers that look up paths and message IDs on every
// message (a file's path in the memory disk, a message's ID in the ledger). Their keys are short
// (10 to 40 bytes); this takes them eight bytes at a time, a multiply and a shift for each, inline,
// where std::hash calls MurmurHash2 (_Hash_bytes) out of line. Only for containers that are
// looked up, never iterated: the order of their buckets is not part of any result.
// Transparent: a std::string and a std::string_view of the same bytes hash alike.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace msmi {

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const noexcept {
    constexpr std::uint64_t kMultiplier = 0x9E3779B97F4A7C15ULL;  // 2^64 / golden ratio
    std::uint64_t hash = (text.size() + 1) * kMultiplier;
    const char* at = text.data();
    std::size_t left = text.size();
    const auto mix = [&](std::uint64_t word) {
      hash = (hash ^ word) * kMultiplier;
      hash ^= hash >> 29;
    };
    for (; left >= 8; at += 8, left -= 8) {
      std::uint64_t word = 0;
      std::memcpy(&word, at, sizeof word);
      mix(word);
    }
    if (left > 0) {
      std::uint64_t word = 0;
      if (text.size() >= 8) {  // the last eight bytes, some of them hashed already
        std::memcpy(&word, text.data() + text.size() - 8, sizeof word);
      } else {
        for (std::size_t i = 0; i < left; ++i)
          word |= static_cast<std::uint64_t>(static_cast<unsigned char>(at[i])) << (8 * i);
      }
      mix(word);
    }
    // The varying part of a key is often its last few characters (a message ID's serial
    // number), which the loop leaves in the high bits; this finalizer (MurmurHash3's fmix64)
    // spreads them over the low bits that a power-of-two table indexes by.
    hash ^= hash >> 33;
    hash *= 0xFF51AFD7ED558CCDULL;
    hash ^= hash >> 33;
    hash *= 0xC4CEB9FE1A85EC53ULL;
    hash ^= hash >> 33;
    return static_cast<std::size_t>(hash);
  }
  std::size_t operator()(const std::string& text) const noexcept {
    return (*this)(std::string_view(text));
  }
  std::size_t operator()(const char* text) const noexcept {
    return (*this)(std::string_view(text));
  }
};

}  // namespace msmi
