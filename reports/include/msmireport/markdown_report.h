// A GitHub-flavoured Markdown summary of a set of runs, for a CI job's summary page
// ($GITHUB_STEP_SUMMARY, a merge request note):
//
//   ## ❌ RUN FAIL: 2 of 14 runs failed
//   (the tally's details, one line)
//
//   | | Scenario | KB | Profile | Expectations | Key events | Ledger
//   (delivered/ndr/quarantined/pending/lost) | Replay |
//   |---|---|---|---|---|---|---|---|
//   | ✅ PASS | scenarios/kb/Q151791.json | Q151791 | exchange-5.0 | 12/12 | 2342×1147, 2553×1147 |
//   0/0/0/62/0 | `msmisim run …` |
//
//   ### Failures
//   #### ❌ FAIL scenarios/kb/X.json (exchange-5.0)
//   a fenced block: each unmet expectation and broken invariant, then the replay command
//
// Cells are escaped: `|`, backticks and the characters Markdown would format are
// backslash-escaped, line breaks become spaces; the replay command is a code span whose fence
// is longer than any run of backticks in it.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "msmireport/ci_run.h"

namespace msmireport {

void render_markdown_summary(const std::vector<CiRun>& runs, const CiTally& tally,
                             std::ostream& out);

// `text` as plain text in a table cell: Markdown's punctuation backslash-escaped, line breaks
// and control characters as spaces.
std::string markdown_cell(std::string_view text);

// `text` as a code span that is safe in a table cell ("`a`", "`` a`b ``", pipes as "\|").
std::string markdown_code_cell(std::string_view text);

}  // namespace msmireport
