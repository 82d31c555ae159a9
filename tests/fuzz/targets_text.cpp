// Fuzz target for the small values users type on command lines and in scenarios: durations,
// ISO-8601 times, addresses, postoffice names and numbers. The first byte chooses the parser, so
// that one corpus grows inputs for all of them.
#include <cstdint>
#include <string>

#include "fuzz_targets.h"
#include "msmi/address.h"
#include "msmi/message_files.h"
#include "msmi/network_directory.h"
#include "msmi/text_record.h"
#include "msmilog/time_format.h"

namespace fuzz {

void text_values(std::string_view data) {
  if (data.empty()) return;
  const unsigned char choice = static_cast<unsigned char>(data.front());
  data.remove_prefix(1);
  switch (choice % 6) {
    case 0: {
      std::int64_t us = 0;
      (void)msmilog::parse_duration_us(data, &us);
      break;
    }
    case 1: {
      std::int64_t us = 0;
      if (msmilog::parse_iso8601_utc(data, &us)) (void)msmilog::format_iso8601_utc(us);
      break;
    }
    case 2: {
      const msmi::AddressParseResult parsed = msmi::parse_address(data);
      if (parsed.ok) (void)msmi::parse_address(parsed.address.to_string());
      break;
    }
    case 3: {
      msmi::PostofficeName name;
      std::string reason;
      (void)msmi::parse_postoffice_name(data, &name, &reason);
      break;
    }
    case 4: {
      std::uint64_t u64 = 0;
      std::int64_t i64 = 0;
      std::uint32_t u32 = 0;
      (void)msmi::parse_whole_number(data, 10, &u64);
      (void)msmi::parse_whole_number(data, 16, &i64);
      (void)msmi::parse_whole_number(data, 16, &u32);
      break;
    }
    default: {
      std::uint32_t number = 0;
      (void)msmi::parse_p1_name(data, &number);
      break;
    }
  }
}

}  // namespace fuzz
