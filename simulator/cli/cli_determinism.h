// `msmisim run --check-determinism`: the same run again in this process and once more in a
// child process, each compared event by event with the first.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "msmi/event.h"
#include "msmisim/runner.h"
#include "msmisim/scenario.h"

namespace msmisim::cli {

// The hidden option of `run` with which the child process hands its event stream back: the
// stream is written to the file it names (write_event_stream()), nothing is recorded (as with
// --no-db) and little is printed (as with --quiet).
inline constexpr const char* kEventStreamOutOption = "event-stream-out";

// Test-only: when set to a number N in the child's environment, the child changes the
// description of its Nth event (1-based) before writing its stream, so the tests can see a
// difference reported. Read nowhere else.
inline constexpr const char* kPerturbStreamForTestsEnv = "MSMISIM_TEST_PERTURB_STREAM";

// Runs `scenario` once more in this process and once in a child process started as
// `/proc/self/exe run ARGS --event-stream-out TMP` (ARGS as given to `run`), and
// compares both event streams with `first` (the run already done). Prints "identical: N events"
// or the first difference, and returns kExitOk, kExitDiffers, or kExitInternal when the child
// could not be run (said on stderr). A --postoffice folder is prepared again for each run.
int check_determinism(const std::vector<std::string>& run_args, const Scenario& scenario,
                      RunOptions options, const std::vector<msmi::Event>& first, std::ostream& out);

// Writes the child's stream to `path` (perturbed when kPerturbStreamForTestsEnv says so).
// Returns false, having said why on stderr, when the file cannot be written.
bool write_event_stream_file(const std::string& path, const std::vector<msmi::Event>& events);

}  // namespace msmisim::cli
