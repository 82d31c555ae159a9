// The output of `msmisim diagnose`: which known KB bugs the events of a run or an import match.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "msmilog/diagnosis.h"

namespace msmireport {

// What was diagnosed, for the heading of the report.
struct DiagnosisSubject {
  std::string what;             // "run 3 (scenarios/kb/Q151791.json, profile exchange-4.0)"
  std::int64_t run_id = 0;      // the run or import diagnosed
  std::int64_t events = 0;      // the events read
  std::int64_t signatures = 0;  // the signatures evaluated
};

// Text for a person: a heading line, then per matching KB its title, confidence, count, first
// and last time, up to the evidence rows each diagnosis holds (time, ID, thread, description cut
// to one line), and cause / workaround / fix wrapped to a few lines; "no known KB matches" when
// `diagnoses` is empty.
void render_diagnoses_text(const DiagnosisSubject& subject,
                           const std::vector<msmilog::Diagnosis>& diagnoses, std::ostream& out);

// One JSON object: {"subject": {...}, "matches": [{"kb", "title", "applies_to", "confidence",
// "count", "first_time", "last_time", "first_us", "last_us", "cause", "workaround", "fix",
// "evidence": [{"condition", "boost", "rows": [event objects as `query --format json`]}]}]}.
void render_diagnoses_json(const DiagnosisSubject& subject,
                           const std::vector<msmilog::Diagnosis>& diagnoses, std::ostream& out);

}  // namespace msmireport
