// SHA-256 (FIPS 180-4), used to fingerprint the scenario text a run was made from.
// A pure function; safe to call from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace msmilog {

// Returns the SHA-256 digest of `data` as 64 lower-case hexadecimal characters.
// sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad".
std::string sha256_hex(std::string_view data);

// The same digest computed piece by piece, for data too large to hold at once (an imported
// event log): update() any number of times, then hex_digest() once.
class Sha256 {
 public:
  Sha256();
  void update(std::string_view data);
  // The digest of everything given to update(). REQUIRES: called once, after the last update().
  std::string hex_digest();

 private:
  std::array<std::uint32_t, 8> state_;
  std::array<unsigned char, 64> block_{};
  std::size_t block_used_ = 0;
  std::uint64_t length_ = 0;
};

}  // namespace msmilog
