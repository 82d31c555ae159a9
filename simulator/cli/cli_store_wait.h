// How long a command that writes the event store waits for another process writing it (an
// import holds the store for a whole file): MSMISIM_STORE_WAIT seconds, 60 by default (0: not
// at all, not even for another writer's commit of a few milliseconds), with a line on stderr
// the first time a wait lasts a second. Ctrl-C ends a wait (msmilog::stop_store_waits).
#pragma once

#include <string>

namespace msmisim::cli {

inline constexpr int kDefaultStoreWaitSeconds = 60;
inline constexpr int kMaxStoreWaitSeconds = 86400;

// Reads MSMISIM_STORE_WAIT and sets the wait for the stores `command` opens for writing. False,
// with *error naming the variable and its value, when the value is not 0..86400.
bool configure_store_wait(const std::string& command, std::string* error);

}  // namespace msmisim::cli
