// Merging event stores: the stores the shards of a sweep wrote on many machines, joined into one.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "msmi/status.h"

namespace msmilog {

struct MergeCounts {
  std::int64_t runs = 0;    // runs copied
  std::int64_t events = 0;  // their events
};

// Writes a new event store at `output` holding every run of every input with all its rows
// (events, messages, samples, queue_samples, fault_rules, invariants, and any other column both
// schemas share), each run under a new run_id: inputs in the order given, runs in run_id order,
// events in seq order. Inputs are only read. The output is written to a file beside it and
// renamed into place at the end, so a failure leaves no half-written output (and an existing one
// untouched). On success *counts (if not null) says what was copied.
// Errors name the file:
//   InvalidArgument  no inputs, or `output` exists and !replace;
//   NotFound         an input does not exist or is an empty database;
//   Corruption       an input is not an msmisim event store, is damaged, or has a newer schema;
//   IoError          the output cannot be written.
msmi::Status merge_stores(const std::vector<std::string>& inputs, const std::string& output,
                          bool replace, MergeCounts* counts);

}  // namespace msmilog
