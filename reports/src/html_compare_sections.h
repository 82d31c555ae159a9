// The table sections of the HTML comparison report (html_compare_report.h), one writer per
// section, each writing one <section id="…"> about both runs. The data are already on the
// comparison's time axis.
#pragma once

#include <ostream>
#include <string>

#include "msmireport/html_compare_report.h"

namespace msmireport::html_compare {

// Inline style of a row or cell that only one run has (no style sheet of the page's own, so
// the page can share the run report's skeleton).
inline constexpr const char* kOnlyOneRunStyle = "background:#fff3e0";

// "run 12", "import 'customer-1234' (run 3)".
std::string run_name(const RunReportData& data);

void write_event_id_differences(std::ostream& out, const RunReportData& a, const RunReportData& b);
void write_diagnosis(std::ostream& out, const RunReportData& a, const RunReportData& b);
void write_expectations(std::ostream& out, const RunReportData& a, const RunReportData& b);
void write_ledger(std::ostream& out, const RunReportData& a, const RunReportData& b);
void write_invariants(std::ostream& out, const RunReportData& a, const RunReportData& b);
// The commands that render each run's own report with its event table.
void write_full_reports(std::ostream& out, const RunReportData& a, const RunReportData& b,
                        const CompareReportOptions& options);

}  // namespace msmireport::html_compare
