// Output files of the commands that write reports (report -o, run --report, --junit,
// --markdown), checked before anything runs: a CI job should not learn after an hour of runs
// that its report cannot be written, and no report may be written over what the command reads.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace msmisim::cli {

// True when `a` and `b` name the same file: the same existing file (through links too), or,
// for a name not there yet, the same absolute path.
bool same_file(const std::string& a, const std::string& b);

// "" when a report may be written to `path`; otherwise why not, for "OPTION PATH: <why>": it is
// a folder, it is one of `inputs` (the event store, a scenario file …: "is the event store
// itself"), or PATH.tmp cannot be created beside it. A device or pipe (/dev/stdout) is fine.
// `inputs` pairs a file with what to call it.
std::string output_refusal(const std::string& path,
                           const std::vector<std::pair<std::string, std::string>>& inputs);

// Where a command that streams a file writes `path`, so that a failure never leaves half a
// file: "path.tmp" beside it, which commit_output() renames over `path`; `path` itself when it
// is "-", a device or a pipe (written in place, never replaced).
std::string staging_path(const std::string& path);

// Renames `staging` over `path` once the file is complete (nothing to do when they are the
// same): "" or why not. After a failure, discard_output() removes `staging`.
std::string commit_output(const std::string& staging, const std::string& path);
void discard_output(const std::string& staging, const std::string& path);

// A file's size as people read it: "812 bytes", "795 KB", "14 MB".
std::string size_text(std::size_t bytes);

}  // namespace msmisim::cli
