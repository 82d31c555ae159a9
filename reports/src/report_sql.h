// Helpers of load_run_report_data(): the store's SQL interface for the aggregates it needs.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "msmi/status.h"
#include "msmilog/event_store.h"
#include "msmireport/run_report_data.h"

namespace msmireport::report_detail {

// Runs one read-only statement through EventStore::execute_sql() and calls on_row per row.
// The SQL is built by the caller from integers only (run ids, bucket widths), never from text.
msmi::Status select_rows(const msmilog::EventStore& store, const std::string& sql,
                         const std::function<void(const std::vector<msmilog::SqlValue>&)>& on_row);

std::int64_t as_int(const msmilog::SqlValue& v);
double as_real(const msmilog::SqlValue& v);
std::string as_text(const msmilog::SqlValue& v);

// "WHERE id BETWEEN …": the key range of run `run_id`'s events (schema version 6), or
// "WHERE run_id = …" before.
std::string run_events_where(const msmilog::EventStore& store, std::int64_t run_id);

// The width of a bucket so that [start_us, end_us] takes at most `max_buckets` of them: a round
// duration (1 s, 2 s, 5 s … 1 h … 1 d …), at least one microsecond.
std::int64_t bucket_width(std::int64_t start_us, std::int64_t end_us, std::int64_t max_buckets);

// Events over time, the first occurrence of each ID, the event table and the diagnosis.
msmi::Status load_events(const msmilog::EventStore& store, const ReportOptions& options,
                         RunReportData* data);
// The KB diagnosis of run `run_id` into *diagnoses, the number of signatures evaluated into
// *signatures. Reads only `store` (so it may run on a connection of its own).
msmi::Status load_diagnosis(const msmilog::EventStore& store, std::int64_t run_id,
                            const ReportOptions& options,
                            std::vector<msmilog::Diagnosis>* diagnoses, std::int64_t* signatures);

}  // namespace msmireport::report_detail
