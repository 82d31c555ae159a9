// load_run_report_data, continued: events over time (counted in SQL per event ID and time
// bucket), the first event of each ID, the bounded event table and the KB diagnosis.
#include <algorithm>
#include <map>

#include "html_text.h"
#include "msmilog/signature.h"
#include "msmilog/time_format.h"
#include "report_sql.h"

namespace msmireport::report_detail {

msmi::Status load_events(const msmilog::EventStore& store, const ReportOptions& options,
                         RunReportData* data) {
  const std::int64_t run_id = data->run.run_id;
  const std::string where = run_events_where(store, run_id);
  data->bucket_us = bucket_width(data->start_us, data->end_us, options.max_buckets);
  const std::string w = std::to_string(data->bucket_us);

  // Counts per (ID, bucket), the earliest time and the first row (store order) of each group,
  // in one pass. Schema version 8: through the covering index (run_id, event_id, at_us), the
  // run's own stretch. Versions 6 and 7: through (event_id, at_us) when the run's IDs are
  // mostly its own (other runs' events of those IDs are read and dropped there), else over the
  // run's rows.
  const std::int64_t offset = data->absolute_time ? 0 : data->run.epoch_us;
  const std::string off = std::to_string(offset);
  std::string sql = "SELECT event_id, ((time_us) / " + w + ") * " + w +
                    " AS b, count(*), min(time_us), min(id) FROM events " + where +
                    " GROUP BY event_id, b ORDER BY event_id, b";
  if (store.schema_version() >= 8) {
    sql = "SELECT event_id, ((at_us - " + off + ") / " + w + ") * " + w +
          " AS b, count(*), min(at_us) - " + off +
          ", min(id) FROM events INDEXED BY events_by_run_event_id WHERE run_id = " +
          std::to_string(run_id) + " GROUP BY event_id, b ORDER BY event_id, b";
  } else if (store.schema_version() >= 6) {
    std::vector<std::pair<int, std::int64_t>> counts;
    msmi::Status s = store.event_id_counts(run_id, &counts);
    if (!s.ok()) return s;
    std::int64_t run_total = 0;
    std::string ids;
    for (const auto& [id, n] : counts) {
      run_total += n;
      ids += (ids.empty() ? "" : ",") + std::to_string(id);
    }
    std::int64_t all_runs = 0;
    if (!ids.empty()) {
      s = select_rows(
          store, "SELECT sum(count) FROM event_counts WHERE event_id IN (" + ids + ")",
          [&](const std::vector<msmilog::SqlValue>& row) { all_runs = as_int(row[0]); });
      if (!s.ok()) return s;
    }
    if (!ids.empty() && all_runs <= 2 * run_total) {
      sql = "SELECT event_id, ((at_us - " + off + ") / " + w + ") * " + w +
            " AS b, count(*), min(at_us) - " + off +
            ", min(id) FROM events INDEXED BY events_by_event_id_time WHERE event_id IN (" + ids +
            ") AND at_us BETWEEN " + std::to_string(offset + data->start_us) + " AND " +
            std::to_string(offset + data->end_us) + " AND " + where.substr(6) +
            " GROUP BY event_id, b ORDER BY event_id, b";
    }
  }
  std::map<int, EventIdActivity> by_id;
  std::map<int, std::int64_t> first_row;  // event_id -> smallest id
  msmi::Status s = select_rows(store, sql, [&](const std::vector<msmilog::SqlValue>& row) {
    const int id = static_cast<int>(as_int(row[0]));
    EventIdActivity& a = by_id[id];
    const bool first_group = a.buckets.empty();
    a.event_id = id;
    const std::int64_t n = as_int(row[2]);
    a.buckets.push_back({as_int(row[1]), static_cast<double>(n)});
    a.total += n;
    data->event_count += n;
    const std::int64_t t = as_int(row[3]);
    if (first_group || t < a.first_us) a.first_us = t;
    auto [it, added] = first_row.emplace(id, as_int(row[4]));
    if (!added) it->second = std::min(it->second, as_int(row[4]));
  });
  if (!s.ok()) return s;

  // The first row of each ID: its type, source and description.
  if (!first_row.empty()) {
    std::string ids;
    for (const auto& [event_id, row_id] : first_row) {
      if (!ids.empty()) ids += ",";
      ids += std::to_string(row_id);
    }
    s = select_rows(
        store,
        "SELECT event_id, type, source, description, thread FROM events WHERE id IN (" + ids + ")",
        [&](const std::vector<msmilog::SqlValue>& row) {
          EventIdActivity& a = by_id[static_cast<int>(as_int(row[0]))];
          a.type = as_text(row[1]);
          a.source = as_text(row[2]);
          a.first_description = as_text(row[3]);
          a.first_thread =
              row[4].kind == msmilog::SqlValue::Kind::kNull ? -1 : static_cast<int>(as_int(row[4]));
        });
    if (!s.ok()) return s;
  }
  for (auto& [id, a] : by_id) {
    a.first_time = msmilog::format_iso8601_utc(
        data->absolute_time ? a.first_us : data->run.epoch_us + a.first_us);
    data->events_by_id.push_back(std::move(a));
  }

  // The event table.
  if (options.max_events > 0) {
    msmilog::EventFilter filter;
    filter.run_id = run_id;
    filter.limit = options.max_events;
    s = store.query_events(filter, [data](const msmilog::EventRow& e) {
      data->events.push_back(e);
      return true;
    });
    if (!s.ok()) return s;
  }
  data->query_command =
      "msmisim query --db " + shell_word(data->db_path) + " --run " + std::to_string(run_id);
  return msmi::Status::Ok();
}

msmi::Status load_diagnosis(const msmilog::EventStore& store, std::int64_t run_id,
                            const ReportOptions& options,
                            std::vector<msmilog::Diagnosis>* diagnoses, std::int64_t* count) {
  std::vector<msmilog::Signature> signatures;
  const std::string dir =
      options.signature_dir.empty() ? std::string(MSMISIM_SIGNATURES_DIR) : options.signature_dir;
  if (msmi::Status s = msmilog::load_signatures(dir, &signatures); !s.ok()) return s;
  *count = static_cast<std::int64_t>(signatures.size());

  msmilog::EventFilter filter;
  filter.run_id = run_id;
  // Only the events some rule can look at, when every rule names its event IDs (as diagnose).
  std::vector<int> ids;
  if (msmilog::signature_event_ids(signatures, &ids) &&
      ids.size() <= msmilog::EventFilter::kMaxEventIds) {
    filter.event_ids = ids;
  }
  msmilog::DiagnoseOptions diagnose_options;
  diagnose_options.evidence_rows = options.evidence_rows;
  msmilog::SignatureEvaluator evaluator(signatures, diagnose_options);
  const msmi::Status s = store.query_events(filter, [&evaluator](const msmilog::EventRow& e) {
    evaluator.add(e);
    return true;
  });
  if (!s.ok()) return s;
  *diagnoses = evaluator.finish();
  return msmi::Status::Ok();
}

}  // namespace msmireport::report_detail
