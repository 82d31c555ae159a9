#include "msmilog/sha256.h"

// OpenSSL's SHA-256 functions of its own (deprecated in 3.0 for EVP, not removed): the same
// assembly as EVP_sha256(), without EVP's providers, whose tables a statically linked msmisim
// would relocate at every start.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include <stdexcept>

namespace msmilog {

struct Sha256::Context {
  SHA256_CTX ctx;
};

Sha256::Sha256() : context_(std::make_unique<Context>()) {
  if (SHA256_Init(&context_->ctx) != 1) throw std::runtime_error("SHA-256: SHA256_Init failed");
}

Sha256::~Sha256() = default;

void Sha256::update(std::string_view data) {
  if (SHA256_Update(&context_->ctx, data.data(), data.size()) != 1)
    throw std::runtime_error("SHA-256: SHA256_Update failed");
}

std::string Sha256::hex_digest() {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  if (SHA256_Final(digest, &context_->ctx) != 1)
    throw std::runtime_error("SHA-256: SHA256_Final failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * SHA256_DIGEST_LENGTH);
  for (const unsigned char byte : digest) {
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 0x0F]);
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  Sha256 hash;
  hash.update(data);
  return hash.hex_digest();
}

}  // namespace msmilog
