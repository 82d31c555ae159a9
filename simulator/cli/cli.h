// The msmisim command line: one function per subcommand. Exit codes are a contract for CI:
#pragma once

#include <string>
#include <vector>

namespace msmisim::cli {

inline constexpr int kExitOk = 0;              // done; every expectation held
inline constexpr int kExitExpectations = 1;    // the run finished but an expectation failed
inline constexpr int kExitBadInput = 2;        // bad arguments, scenario or postoffice folder
inline constexpr int kExitStore = 3;           // the event store cannot be opened, read or written
inline constexpr int kExitInternal = 4;        // a bug in msmisim
inline constexpr int kExitNoExpectations = 5;  // the run held its invariants, but nothing was
                                               // expected of its profile: it tested nothing
inline constexpr int kExitDiffers = 6;         // replay or --check-determinism: the event
                                               // streams differ (the run is not reproducible)
inline constexpr int kExitInterrupted = 130;   // stopped by SIGINT or SIGTERM (run recorded so)

int run_command(const std::vector<std::string>& args);
int query_command(const std::vector<std::string>& args);
int runs_command(const std::vector<std::string>& args);
int scenarios_command(const std::vector<std::string>& args);
int replay_command(const std::vector<std::string>& args);
int sweep_command(const std::vector<std::string>& args);
int merge_command(const std::vector<std::string>& args);
int shrink_command(const std::vector<std::string>& args);
int diagnose_command(const std::vector<std::string>& args);
int sql_command(const std::vector<std::string>& args);
int salvage_command(const std::vector<std::string>& args);
int import_command(const std::vector<std::string>& args);
int export_command(const std::vector<std::string>& args);
int report_command(const std::vector<std::string>& args);
int crashtest_command(const std::vector<std::string>& args);

// Quotes an argument for a POSIX shell when it needs it, so a printed command can be pasted.
std::string shell_quote(const std::string& arg);

}  // namespace msmisim::cli
