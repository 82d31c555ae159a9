// The sections of the HTML run report below its charts, one writer per section (each writes
// one <section id="…"> with its heading, a table or a line saying there is nothing to show).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "msmireport/run_report_data.h"

namespace msmireport::html {

void write_event_ids(std::ostream& out, const RunReportData& data);
void write_expectations(std::ostream& out, const RunReportData& data);
void write_diagnosis(std::ostream& out, const RunReportData& data);
void write_invariants(std::ostream& out, const RunReportData& data);
void write_fault_rules(std::ostream& out, const RunReportData& data);
void write_lifecycle(std::ostream& out, const RunReportData& data);
void write_ledger(std::ostream& out, const RunReportData& data);
void write_imports(std::ostream& out, const RunReportData& data);
void write_event_table(std::ostream& out, const RunReportData& data);

// A time of the run as the tables show it: virtual "0:10:02.500" for a simulated run, the ISO
// text for an import.
std::string table_time(const RunReportData& data, std::int64_t time_us);

// "<td>escaped</td>", "<td class="num">n</td>".
void cell(std::ostream& out, const std::string& text, const char* css_class = nullptr);
void number_cell(std::ostream& out, std::int64_t value);

}  // namespace msmireport::html
