// JUnit XML of a set of runs, the dialect Jenkins, GitLab and GitHub's test reporters read:
//
//   <testsuites name="msmisim run" tests= failures= errors= skipped= time=>
//     <testsuite name="SCENARIO PATH" tests= failures= errors= skipped= time=>  one per file
//       <testcase name="PROFILE" classname="SCENARIO NAME" time="WALL SECONDS">  one per run
//         <properties> seed, profile, kb, run_id, events, verdict </properties>
//         <failure message="FIRST UNMET CHECK (and N more); replay: COMMAND"
//                  type="expectation|invariant|expectation,invariant">
//           every unmet expectation and broken invariant, one a line, then "replay: COMMAND"
//         </failure>
//         <error message="LOADER'S MESSAGE" type="load"/>     a scenario that did not load
//         <error message="interrupted at …" type="interrupted"/>
//         <skipped message="no expectations for PROFILE"/>   a run that tested nothing
//         <system-out>replay: COMMAND</system-out>
//       </testcase>
//
// Suites appear in the order of their first run; a scenario that did not load is a suite with
// one testcase named "load". `classname` is the scenario's name with dots replaced by
// underscores (Jenkins reads dots as packages), or its path when it has none. Text is escaped
// for XML 1.0, and characters XML 1.0 forbids (control characters, U+FFFE, U+FFFF, bytes that
// are not UTF-8) are dropped, so the file always parses.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "msmireport/ci_run.h"

namespace msmireport {

// Writes the XML declaration and the <testsuites> document.
void render_junit(const std::vector<CiRun>& runs, std::ostream& out);

// `text` escaped for XML character data or a quoted attribute value (& < > " ' escaped; tab,
// line feed and carriage return as character references so an attribute keeps them), with the
// characters XML 1.0 forbids removed.
std::string xml_escape(std::string_view text);

}  // namespace msmireport
