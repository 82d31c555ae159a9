// Ending a command's waits for another process writing its event store (see
// EventStore::set_writer_wait): Ctrl-C must not sit out a minute-long wait.
#pragma once

namespace msmilog {

// Ends the wait under way, if any, and every later one in this process: the write that waited
// fails Busy at once. Async-signal-safe (it sets a lock-free atomic), for a SIGINT or SIGTERM
// handler.
void stop_store_waits() noexcept;

}  // namespace msmilog
