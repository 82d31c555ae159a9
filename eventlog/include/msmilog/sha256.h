// SHA-256 digests through OpenSSL: the fingerprint of the scenario text a run was
// made from, and of each imported event log file (so the same file is not imported twice).
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace msmilog {

// Returns the SHA-256 digest of `data` as 64 lower-case hexadecimal characters.
// sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad".
// A pure function; safe to call from any thread.
std::string sha256_hex(std::string_view data);

// The same digest computed piece by piece, for data too large to hold at once (an imported
// event log): update() any number of times, then hex_digest() once. Not thread-safe.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::string_view data);
  // The digest of everything given to update(). REQUIRES: called once, after the last update().
  std::string hex_digest();

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

}  // namespace msmilog
