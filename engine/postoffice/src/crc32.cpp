#include "msmi/crc32.h"

#include <zlib.h>

#include <algorithm>

namespace msmi {

std::uint32_t crc32(std::string_view data, std::uint32_t previous) {
  // zlib's CRC-32 is the same polynomial and conditioning, and several times faster than a
  // byte-wise table: the KEY index is checksummed on every queue update.
  uLong crc = previous;
  const auto* bytes = reinterpret_cast<const Bytef*>(data.data());
  std::size_t left = data.size();
  while (left > 0) {
    const auto chunk = static_cast<uInt>(std::min<std::size_t>(left, 1u << 30));
    crc = ::crc32(crc, bytes, chunk);
    bytes += chunk;
    left -= chunk;
  }
  return static_cast<std::uint32_t>(crc);
}

}  // namespace msmi
