// The CRC-32 (IEEE 802.3, as zlib computes it) that .evtx file and chunk headers carry.
#pragma once

#include <zlib.h>

#include <cstddef>
#include <cstdint>

namespace msmilog {

// CRC-32 of data[0, size), continuing from `crc` (0 to start).
inline std::uint32_t evtx_crc32(const std::uint8_t* data, std::size_t size, std::uint32_t crc = 0) {
  return static_cast<std::uint32_t>(
      ::crc32(crc, reinterpret_cast<const Bytef*>(data), static_cast<uInt>(size)));
}

}  // namespace msmilog
