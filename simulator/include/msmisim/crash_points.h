// Crash-point exploration on the simulated disk (`msmisim crashtest`).
//
// A crash point is one call the MSMI makes (through the fault layer, FaultyFileSystem; the MS
// Mail side's writes are not points) to the simulated postoffice that changes what survives
// a power loss (MemoryFileSystem's crash model): a sync_file (the data written since the last
// sync, and a new file's name, become durable), a rename_file, a remove_file or a make_dirs
// (durable at once). Writes and appends are not points: until their sync they change nothing a
// crash keeps, and a crash at the sync that follows them sees the same disk with more of the run
// done. The k-th point of a kind is the fault rule `disk.sync[nth=k]=…`: the same call in every
// run of (scenario, seed, profile), since a rule that has not fired yet changes nothing.
//
// The exploration runs the scenario once with a rule `disk.<kind>=off` per kind (counting the
// calls, firing none), then once per chosen point with that point's rule, whose action is one of:
// - power loss: the power goes just before the call does anything (the call never returns),
//   unsynced data is dropped, the server boots 2 minutes later and its services start, and the
//   run goes on to its end;
// - EIO or ENOSPC: the call fails with that error, and the run goes on.
// Each run is judged by the oracle as any run is (oracle.h): the messages lost, duplicated
// (delivered twice without an excuse), left unsettled (pending at the end) and quarantined, and
// the files moved aside to QUARANTINE/ or BAD/.
//
// Every run builds its own world from its own copy of the scenario, so points may be run on
// several threads at once; the results do not depend on the order they are run in.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "msmi/status.h"
#include "msmisim/scenario.h"

namespace msmisim {

// What happens at the crash point.
enum class CrashFault { kPowerLoss, kEio, kEnospc };

// "power", "eio", "enospc"; false if unknown.
bool parse_crash_fault(const std::string& text, CrashFault* out);
const char* to_string(CrashFault fault);

struct CrashPoint {
  int index = 0;      // 1-based, over every point of the run: syncs, then renames, removes, mkdirs
  std::string point;  // "disk.sync"
  std::int64_t nth = 0;  // the nth call of that point
};

// The fault rule that crashes the run at `point`: "disk.sync[nth=7]=power_loss".
std::string crash_rule(const CrashPoint& point, CrashFault fault);

// How one run ended, in the oracle's terms.
struct CrashOutcome {
  std::int64_t messages = 0;        // injected
  std::int64_t lost = 0;            // fate lost
  std::int64_t duplicated = 0;      // offenders of "no message delivered twice"
  std::int64_t unsettled = 0;       // fate pending at the end
  std::int64_t quarantined = 0;     // fate quarantined
  std::int64_t aside = 0;           // files in QUARANTINE/ and BAD/ at the end
  bool fired = false;               // the point's rule fired (false: the call never came)
  std::int64_t fired_at_us = -1;    // virtual time of the power loss, -1 if none or an I/O error
  std::string fired_at;             // "00:12:03.250" (run-relative), "" if not known
  std::vector<std::string> broken;  // the invariants that broke: "name: detail"
  std::string error;                // the run could not be made
  bool clean() const { return error.empty() && lost == 0 && duplicated == 0; }
};

struct CrashTestOptions {
  std::uint64_t seed = 0;
  std::string profile;
  CrashFault fault = CrashFault::kPowerLoss;
};

// Runs the scenario without a crash and lists its crash points (in index order). *baseline is
// the outcome of that run.
msmi::Status list_crash_points(const Scenario& scenario, const CrashTestOptions& options,
                               std::vector<CrashPoint>* points, CrashOutcome* baseline);

// Runs the scenario with the fault at `point`.
CrashOutcome run_crash_point(const Scenario& scenario, const CrashTestOptions& options,
                             const CrashPoint& point);

// The 0-based indices of `count` of `total` points (all of them when count >= total), chosen by
// `seed` alone, ascending.
std::vector<std::size_t> sample_crash_points(std::size_t total, std::size_t count,
                                             std::uint64_t seed);

}  // namespace msmisim
