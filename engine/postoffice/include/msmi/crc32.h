// CRC-32 (IEEE 802.3, the zlib polynomial), used by every postoffice file format to detect a
// garbled or truncated file.
#pragma once

#include <cstdint>
#include <string_view>

namespace msmi {

std::uint32_t crc32(std::string_view data, std::uint32_t previous = 0);

}  // namespace msmi
