// SHA-256 (FIPS 180-4), used to fingerprint the scenario text a run was made from.
// A pure function; safe to call from any thread.
#pragma once

#include <string>
#include <string_view>

namespace msmilog {

// Returns the SHA-256 digest of `data` as 64 lower-case hexadecimal characters.
// sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad".
std::string sha256_hex(std::string_view data);

}  // namespace msmilog
