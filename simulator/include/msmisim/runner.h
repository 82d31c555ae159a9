// Runs a scenario: builds the world (shadow postoffice in memory or on disk, simulated MTA, MS
// Mail side, operator, sampler), runs the engine in virtual time, settles the ledger and checks
// the expectations. A run is a function of (scenario, seed, profile, msmisim version), whichever
// of the two postoffices it uses.
#pragma once

#include <csignal>
#include <cstdint>
#include <filesystem>
#include <string>

#include "msmi/event.h"
#include "msmi/file_system.h"
#include "msmi/status.h"
#include "msmisim/run_result.h"
#include "msmisim/scenario.h"

namespace msmisim {

struct RunOptions {
  std::uint64_t seed = 0;
  std::string profile;  // must name a known profile
  // The shadow postoffice folder, created if absent (see prepare_postoffice) and kept after the
  // run. Empty: the run uses a MemoryFileSystem that lives only as long as the run.
  std::filesystem::path postoffice_dir;
  // With postoffice_dir: whether a sync of a postoffice file is a real fsync(2). A simulated
  // power loss loses nothing on a real folder, so by default a sync only checks the file.
  bool postoffice_fsync = false;
  msmi::EventSink* extra_sink = nullptr;  // receives every event as it is written, if set
  // Whether RunResult::events keeps a copy of every event. A caller that takes the events from
  // extra_sink turns it off, so that the run's memory does not grow with its events: the
  // expectations are then judged event by event as they are written, with the same verdicts,
  // and RunResult::event_tally still counts every event.
  bool keep_events = true;
  // When set, the ledger's rows are handed to it as their messages settle, so that the run's
  // memory does not grow with its messages: a message is settled once the world delivered it
  // and nothing is left anywhere that could process it again (its put accepted and its files
  // gone; a record of it drained from a mailbag and the MTA done with it), and only what the
  // invariants still need of it is kept (SettledMessages). The rows of the messages judged at
  // the end (in flight, or not delivered, or labelled by the scenario) are handed on then, in
  // injection order, and also stay in RunResult::ledger; RunResult::settled_fates counts the
  // others. Unset: RunResult::ledger holds every row, in injection order.
  LedgerSink* ledger_sink = nullptr;
  // When set and non-zero (from a signal handler), the run stops early: result.interrupted.
  const volatile std::sig_atomic_t* interrupted = nullptr;
};

// The seed a scenario runs with when none is given: its own, else one derived from its name.
std::uint64_t default_seed(const Scenario& scenario);

// Makes the folders of an empty shadow postoffice (P1, MAI/MA0..MAF, KEY, MBG, GLB, XTN) in
// `postoffice` and writes (and syncs) GLB/NETWORK.GLB for the scenario. The first error of the
// file system is returned as it is.
msmi::Status make_postoffice_layout(msmi::FileSystem& postoffice, const Scenario& scenario);

// Makes `dir` an empty shadow postoffice (P1, MAI/MA0..MAF, KEY, MBG, GLB, XTN) for the
// scenario. A folder that is not empty and was not made by msmisim (no .msmisim-postoffice
// marker) is refused with InvalidArgument and left untouched.
msmi::Status prepare_postoffice(const std::filesystem::path& dir, const Scenario& scenario);

// InvalidArgument for an unknown profile or a postoffice folder that cannot be used.
msmi::Status run_scenario(const Scenario& scenario, const RunOptions& options, RunResult* result);

}  // namespace msmisim
