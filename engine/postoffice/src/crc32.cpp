#include "msmi/crc32.h"

#include <libdeflate.h>

namespace msmi {

std::uint32_t crc32(std::string_view data, std::uint32_t previous) {
  // Every KEY write checksums the whole index and every text record its bytes, so this is on the
  // simulation's hot path. libdeflate's CRC-32 is zlib's (same polynomial, same conditioning,
  // same running value) and folds 16-byte blocks with carry-less multiplication where the
  // processor has it.
  return libdeflate_crc32(previous, data.data(), data.size());
}

}  // namespace msmi
