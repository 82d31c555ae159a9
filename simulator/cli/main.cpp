// msmisim: a deterministic simulator of the Exchange 4.0/5.0 MS Mail Connector Interchange.
#include <malloc.h>

#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "cli.h"
#include "cli_store_wait.h"

namespace {

constexpr const char* kUsage = R"(usage: msmisim <command> [options]

Reproduces Microsoft Exchange MS Mail Connector Interchange (MSMI) Knowledge Base bugs in a
deterministic simulation and records every event in an SQLite event store.

commands:
  run SCENARIO   run a scenario and check its expectations
  query          list recorded events with journalctl-like filters
  runs           list the recorded runs
  scenarios      list the scenarios of a folder and how each last did
  replay RUN     run a recorded run again from the store and compare the events
  sweep FILE...  run scenarios over many seeds (--swarm, --shard) and list the failing ones
  merge STORE... join event stores (a sharded sweep's) into one: -o OUTPUT
  shrink RUN     reduce a failing run's scenario to a smaller one failing the same way
  diagnose       name the known KB bugs a run's events match, with cause, workaround and fix
  sql "SELECT …" ad-hoc SQL on the event store, opened read-only (table, json or csv)
  salvage DB     recover what SQLite can from a damaged event store: -o NEW
  import FILE... read NT event logs (.EVT, .evtx, XML, CSV, text exports) into the store
  export         write a run's or an import's events as an NT event log (--format evt …)
  report         one HTML page about a run or an import: charts, diagnosis, events (-o FILE)
  crashtest SCENARIO  lose power (or fail a disk call) at each crash point, judge every run

examples:
  msmisim run scenarios/kb/Q151791.json                 reproduce KB Q151791
  msmisim run scenarios/kb/Q151791.json --profile exchange-5.0-sp1
  msmisim query --event-id 2342 --limit 5               what the last runs recorded
  msmisim runs
  msmisim scenarios scenarios/kb
  msmisim replay 12                                     is run 12 reproducible?
  msmisim sweep scenarios/kb/Q151791.json --seeds 1..200 -j 2
  msmisim shrink latest -o small.json                   the smallest scenario still failing
  msmisim diagnose --run latest --fail-on-match         which KB bug did the last run show?
  msmisim sql "SELECT event_id, count(*) FROM events GROUP BY 1"
  msmisim salvage broken.db -o saved.db                 what a damaged store still holds
  msmisim import AppEvent.Evt --name customer-1234      a customer's Application log
  msmisim export --run latest --format evt -o run.evt   open a simulated run in Event Viewer
  msmisim report --run latest -o run.html               the run as a page with charts
  msmisim crashtest scenarios/kb/Q151791.json --profile hardened -j 2

'msmisim <command> --help' shows the options of a command, with an example.

exit codes: 0 done (expectations and invariants held), 1 an expectation failed or an
            invariant broke (diagnose --fail-on-match: a KB matched), 2 bad input, 3 event
            store unusable, 4 internal error,
            5 nothing expected of the profile (the run tested nothing), 130 interrupted,
            6 differs (replay or run --check-determinism: the events are not the same)

environment:
  MSMISIM_STORE_WAIT=SECONDS  how long a command writing the event store waits while another
                              process writes it (an import holds it for a whole file); default 60
  MSMISIM_PAGER, PAGER        the pager of query's listings on a terminal (less -FRSX)
)";

}  // namespace

int main(int argc, char** argv) {
  // glibc gives memory back to the kernel as soon as 128 KiB lie free at the top of the heap,
  // one brk (and a flush of the TLB) per free: closing a store freed its 64 MiB page cache
  // 4 KiB at a time, 5,000 system calls and a quarter of a second after a diagnose of a million
  // events. Keep up to 128 MiB; blocks of 32 MiB and more are still mapped on their own.
  mallopt(M_TRIM_THRESHOLD, 128 << 20);
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kUsage;
    return args.empty() ? msmisim::cli::kExitBadInput : msmisim::cli::kExitOk;
  }
  if (args[0] == "--version") {
    std::cout << "msmisim " << MSMISIM_VERSION << "\n";
    return 0;
  }
  const std::string command = args[0];
  args.erase(args.begin());
  // The commands that write the store wait for other writers of it.
  if (std::string error;
      (command == "run" || command == "sweep" || command == "import" || command == "replay") &&
      !msmisim::cli::configure_store_wait(command, &error)) {
    std::cerr << "msmisim " << command << ": " << error << "\n";
    return msmisim::cli::kExitBadInput;
  }
  try {
    if (command == "run") return msmisim::cli::run_command(args);
    if (command == "query") return msmisim::cli::query_command(args);
    if (command == "runs") return msmisim::cli::runs_command(args);
    if (command == "scenarios") return msmisim::cli::scenarios_command(args);
    if (command == "replay") return msmisim::cli::replay_command(args);
    if (command == "sweep") return msmisim::cli::sweep_command(args);
    if (command == "merge") return msmisim::cli::merge_command(args);
    if (command == "shrink") return msmisim::cli::shrink_command(args);
    if (command == "diagnose") return msmisim::cli::diagnose_command(args);
    if (command == "sql") return msmisim::cli::sql_command(args);
    if (command == "salvage") return msmisim::cli::salvage_command(args);
    if (command == "import") return msmisim::cli::import_command(args);
    if (command == "export") return msmisim::cli::export_command(args);
    if (command == "report") return msmisim::cli::report_command(args);
    if (command == "crashtest") return msmisim::cli::crashtest_command(args);
  } catch (const std::exception& e) {
    std::cerr << "msmisim " << command << ": internal error: " << e.what() << "\n";
    return msmisim::cli::kExitInternal;
  }
  std::cerr << "msmisim: unknown command '" << command << "'\n\n" << kUsage;
  return msmisim::cli::kExitBadInput;
}
