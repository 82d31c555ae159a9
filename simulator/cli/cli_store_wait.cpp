#include "cli_store_wait.h"

#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string_view>

#include "msmilog/event_store.h"

namespace msmisim::cli {

bool configure_store_wait(const std::string& command, std::string* error) {
  int seconds = kDefaultStoreWaitSeconds;
  if (const char* value = std::getenv("MSMISIM_STORE_WAIT"); value != nullptr) {
    const std::string_view text(value);
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || seconds < 0 ||
        seconds > kMaxStoreWaitSeconds) {
      *error = "MSMISIM_STORE_WAIT=" + std::string(text) + ": expected whole seconds, 0 to " +
               std::to_string(kMaxStoreWaitSeconds) +
               " (how long to wait for another process writing the event store)";
      return false;
    }
  }
  // On a terminal the line replaces a progress bar drawn without a newline.
  const char* start = isatty(STDERR_FILENO) ? "\r\033[K" : "";
  msmilog::EventStore::set_writer_wait(
      std::chrono::seconds(seconds), [command, seconds, start](const std::string& path) {
        std::cerr << start << "msmisim " << command << ": " << path
                  << " is being written by another process; waiting for it (up to " << seconds
                  << " s, MSMISIM_STORE_WAIT)\n";
      });
  return true;
}

}  // namespace msmisim::cli
