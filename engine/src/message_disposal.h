// What happens to a message's files once the engine is done with it, or cannot use them.
#pragma once

#include <cstdint>
#include <string>

#include "msmi_context.h"

namespace msmi {

// Removes P1/<n>.P1 and its MAI; missing files are not an error.
void discard_message_files(MsmiContext& ctx, std::uint32_t number);

// Moves the P1 and MAI of a message into QUARANTINE/, writes event 9001 and settles the message
// as quarantined. Returns where the files went.
std::string quarantine_message(MsmiContext& ctx, int thread, const std::string& message_id,
                               std::uint32_t number, const std::string& why);

// Moves a damaged file into BAD/ (keeping it for inspection) and writes event 9002.
// Returns where it went ("" if it could not be moved).
std::string move_file_aside(MsmiContext& ctx, int thread, const std::string& path,
                            const std::string& what_is_wrong, const std::string& message_id);

}  // namespace msmi
