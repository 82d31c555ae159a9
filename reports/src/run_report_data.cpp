// load_run_report_data: the run's row, its time span, samples, backlog, lifecycle, expectations,
// invariants, fault rules, ledger and imported files. Events and the diagnosis are in
// run_report_events.cpp.
#include "msmireport/run_report_data.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <map>
#include <memory>
#include <thread>

#include "report_sql.h"

namespace msmireport {
namespace report_detail {

msmi::Status select_rows(const msmilog::EventStore& store, const std::string& sql,
                         const std::function<void(const std::vector<msmilog::SqlValue>&)>& on_row) {
  return store.execute_sql(
      sql, [](const std::vector<std::string>&) {},
      [&on_row](const std::vector<msmilog::SqlValue>& row) {
        on_row(row);
        return true;
      });
}

std::int64_t as_int(const msmilog::SqlValue& v) {
  switch (v.kind) {
    case msmilog::SqlValue::Kind::kInteger:
      return v.integer;
    case msmilog::SqlValue::Kind::kReal:
      return static_cast<std::int64_t>(v.real);
    default:
      return 0;
  }
}

double as_real(const msmilog::SqlValue& v) {
  switch (v.kind) {
    case msmilog::SqlValue::Kind::kInteger:
      return static_cast<double>(v.integer);
    case msmilog::SqlValue::Kind::kReal:
      return v.real;
    default:
      return 0.0;
  }
}

std::string as_text(const msmilog::SqlValue& v) {
  switch (v.kind) {
    case msmilog::SqlValue::Kind::kText:
    case msmilog::SqlValue::Kind::kBlob:
      return v.text;
    case msmilog::SqlValue::Kind::kInteger:
      return std::to_string(v.integer);
    default:
      return "";
  }
}

std::string run_events_where(const msmilog::EventStore& store, std::int64_t run_id) {
  if (store.schema_version() >= 6) {
    const std::int64_t low = run_id << 32;
    return "WHERE id BETWEEN " + std::to_string(low) + " AND " + std::to_string(low + 0xFFFFFFFFLL);
  }
  return "WHERE run_id = " + std::to_string(run_id);
}

std::int64_t bucket_width(std::int64_t start_us, std::int64_t end_us, std::int64_t max_buckets) {
  constexpr std::int64_t kSecond = 1'000'000;
  constexpr std::array<std::int64_t, 21> kWidths = {
      kSecond / 10,   kSecond / 4,    kSecond / 2,     kSecond,         2 * kSecond,
      5 * kSecond,    10 * kSecond,   15 * kSecond,    30 * kSecond,    60 * kSecond,
      120 * kSecond,  300 * kSecond,  600 * kSecond,   900 * kSecond,   1800 * kSecond,
      3600 * kSecond, 7200 * kSecond, 10800 * kSecond, 21600 * kSecond, 43200 * kSecond,
      86400 * kSecond};
  const std::int64_t span = std::max<std::int64_t>(end_us - start_us, 1);
  max_buckets = std::max<std::int64_t>(max_buckets, 1);
  for (std::int64_t w : kWidths) {
    if ((span + w - 1) / w <= max_buckets) return w;
  }
  std::int64_t w = kWidths.back();
  while ((span + w - 1) / w > max_buckets) w *= 2;
  return w;
}

}  // namespace report_detail

namespace {

using report_detail::as_int;
using report_detail::as_real;
using report_detail::as_text;
using report_detail::select_rows;

// start_us / end_us: a run's virtual span, an import's first to last event.
msmi::Status load_span(const msmilog::EventStore& store, RunReportData* data) {
  const std::int64_t run_id = data->run.run_id;
  bool have = false;
  std::int64_t first = 0;
  std::int64_t last = 0;
  if (store.schema_version() >= 6) {
    const msmi::Status s = select_rows(
        store,
        "SELECT first_at_us, last_at_us FROM run_spans WHERE run_id = " + std::to_string(run_id),
        [&](const std::vector<msmilog::SqlValue>& row) {
          first = as_int(row[0]);
          last = as_int(row[1]);
          have = true;
        });
    if (!s.ok()) return s;
    if (have && !data->absolute_time) {
      first -= data->run.epoch_us;
      last -= data->run.epoch_us;
    }
  } else {
    const msmi::Status s = select_rows(store,
                                       "SELECT count(*), min(time_us), max(time_us) FROM events " +
                                           report_detail::run_events_where(store, run_id),
                                       [&](const std::vector<msmilog::SqlValue>& row) {
                                         have = as_int(row[0]) > 0;
                                         first = as_int(row[1]);
                                         last = as_int(row[2]);
                                       });
    if (!s.ok()) return s;
  }
  if (data->absolute_time) {
    data->start_us = have ? first : 0;
    data->end_us = have ? last : 0;
  } else {
    data->start_us = 0;
    data->end_us = std::max<std::int64_t>(data->run.virtual_duration_us, have ? last : 0);
  }
  return msmi::Status::Ok();
}

// Samples averaged per bucket, queue depths at their maximum per bucket.
msmi::Status load_samples(const msmilog::EventStore& store, const ReportOptions& options,
                          RunReportData* data) {
  const std::string run = std::to_string(data->run.run_id);
  const std::int64_t width =
      report_detail::bucket_width(data->start_us, data->end_us, options.max_points);
  const std::string w = std::to_string(width);
  std::map<int, ThreadActivity> threads;
  std::map<int, std::pair<double, std::int64_t>> sums;  // thread -> (sum, samples)
  msmi::Status s = select_rows(
      store,
      "SELECT thread, min(role), (time_us / " + w + ") * " + w +
          " AS t, avg(busy_pct), sum(busy_pct), count(*) FROM samples WHERE run_id = " + run +
          " GROUP BY thread, t ORDER BY thread, t",
      [&](const std::vector<msmilog::SqlValue>& row) {
        const int thread = static_cast<int>(as_int(row[0]));
        ThreadActivity& a = threads[thread];
        a.thread = thread;
        if (a.role.empty()) a.role = as_text(row[1]);
        a.busy.push_back({as_int(row[2]), as_real(row[3])});
        sums[thread].first += as_real(row[4]);
        sums[thread].second += as_int(row[5]);
      });
  if (!s.ok()) return s;
  for (auto& [thread, a] : threads) {
    const auto& [sum, n] = sums[thread];
    a.mean_busy_pct = n > 0 ? sum / static_cast<double>(n) : 0.0;
    data->threads.push_back(std::move(a));
  }
  return select_rows(
      store,
      "SELECT (time_us / " + w + ") * " + w +
          " AS t, max(inqueue3), max(p1_files), max(mta_queue), max(outbound_records) "
          "FROM queue_samples WHERE run_id = " +
          run + " GROUP BY t ORDER BY t",
      [&](const std::vector<msmilog::SqlValue>& row) {
        BacklogPoint p;
        p.time_us = as_int(row[0]);
        p.inqueue3 = as_int(row[1]);
        p.p1_files = as_int(row[2]);
        p.mta_queue = as_int(row[3]);
        p.outbound_records = as_int(row[4]);
        data->backlog.push_back(p);
      });
}

msmi::Status load_rules_and_invariants(const msmilog::EventStore& store, RunReportData* data) {
  if (store.schema_version() < 3) return msmi::Status::Ok();
  const std::string run = std::to_string(data->run.run_id);
  msmi::Status s =
      select_rows(store,
                  "SELECT position, rule, matches, fired FROM fault_rules WHERE run_id = " + run +
                      " ORDER BY position",
                  [&](const std::vector<msmilog::SqlValue>& row) {
                    data->fault_rules.push_back(
                        {as_int(row[0]), as_text(row[1]), as_int(row[2]), as_int(row[3])});
                  });
  if (!s.ok()) return s;
  return select_rows(
      store,
      "SELECT name, passed, detail FROM invariants WHERE run_id = " + run + " ORDER BY rowid",
      [&](const std::vector<msmilog::SqlValue>& row) {
        data->invariants.push_back({as_text(row[0]), as_int(row[1]) != 0, as_text(row[2])});
      });
}

msmilog::LedgerRow ledger_row(const std::vector<msmilog::SqlValue>& row) {
  msmilog::LedgerRow r;
  r.message_id = as_text(row[0]);
  r.sender = as_text(row[1]);
  r.recipients = as_text(row[2]);
  r.fate = as_text(row[3]);
  r.attempts = static_cast<int>(as_int(row[4]));
  r.detail = as_text(row[5]);
  r.injected_us = as_int(row[6]);
  r.settled_us = row[7].kind == msmilog::SqlValue::Kind::kNull ? -1 : as_int(row[7]);
  return r;
}

// The tally by fate, and the first rows: the messages that did not get through, then delivered
// ones, each by message_id. Both row queries walk the (run_id, message_id) key in order and stop
// at the limit; the first is skipped when the tally says every message was delivered.
msmi::Status load_ledger(const msmilog::EventStore& store, const ReportOptions& options,
                         RunReportData* data) {
  const std::string run = std::to_string(data->run.run_id);
  // Counting by fate reads every row of the run: through an index on (run_id, fate) where the
  // store has one, a tenth of a second for a million messages. Else through the (run_id,
  // message_id) key it is one lookup per message, and when the run holds most of the table (a
  // store of one busy run) a plain scan of the table is about twice as fast.
  std::int64_t run_rows = 0;
  std::int64_t table_rows = 0;
  std::int64_t fate_indexes = 0;
  msmi::Status s = select_rows(
      store,
      "SELECT count(*), (SELECT max(rowid) FROM messages), (SELECT count(*) FROM "
      "pragma_index_list('messages') AS l, pragma_index_info(l.name) AS i WHERE i.seqno = 1 AND "
      "i.name = 'fate') FROM messages WHERE run_id = " +
          run,
      [&](const std::vector<msmilog::SqlValue>& row) {
        run_rows = as_int(row[0]);
        table_rows = as_int(row[1]);
        fate_indexes = as_int(row[2]);
      });
  if (!s.ok() || run_rows == 0) return s;
  const char* scan = fate_indexes == 0 && run_rows * 2 >= table_rows ? " NOT INDEXED" : "";
  s = select_rows(store,
                  std::string("SELECT fate, count(*) FROM messages") + scan +
                      " WHERE run_id = " + run + " GROUP BY fate",
                  [&](const std::vector<msmilog::SqlValue>& row) {
                    const std::string fate = as_text(row[0]);
                    const std::int64_t n = as_int(row[1]);
                    LedgerTally& t = data->ledger_tally;
                    if (fate == "delivered")
                      t.delivered += n;
                    else if (fate == "ndr")
                      t.ndr += n;
                    else if (fate == "quarantined")
                      t.quarantined += n;
                    else if (fate == "pending")
                      t.pending += n;
                    else if (fate == "lost")
                      t.lost += n;
                    else
                      t.other += n;
                  });
  if (!s.ok()) return s;
  constexpr const char* kColumns =
      "SELECT message_id, sender, recipients, fate, attempts, detail, injected_us, settled_us "
      "FROM messages WHERE run_id = ";
  const LedgerTally& t = data->ledger_tally;
  std::int64_t left = options.max_ledger_rows;
  if (left > 0 && t.total() > t.delivered) {
    s = select_rows(store,
                    kColumns + run + " AND fate <> 'delivered' ORDER BY message_id LIMIT " +
                        std::to_string(left),
                    [&](const std::vector<msmilog::SqlValue>& row) {
                      data->ledger.push_back(ledger_row(row));
                    });
    if (!s.ok()) return s;
    left -= static_cast<std::int64_t>(data->ledger.size());
  }
  if (left > 0 && t.delivered > 0) {
    s = select_rows(store,
                    kColumns + run + " AND fate = 'delivered' ORDER BY message_id LIMIT " +
                        std::to_string(left),
                    [&](const std::vector<msmilog::SqlValue>& row) {
                      data->ledger.push_back(ledger_row(row));
                    });
  }
  return s;
}

}  // namespace

msmi::Status load_run_report_data(const msmilog::EventStore& store, std::int64_t run_id,
                                  const ReportOptions& options, RunReportData* data) {
  assert(data != nullptr);
  if (options.max_events < 0 || options.max_ledger_rows < 0 || options.max_buckets < 1 ||
      options.max_points < 1) {
    return msmi::Status::InvalidArgument(
        "report options: max_events and max_ledger_rows must be >= 0, max_buckets and "
        "max_points >= 1");
  }
  *data = RunReportData();
  if (msmi::Status s = store.get_run(run_id, &data->run); !s.ok()) return s;
  data->is_import = data->run.kind == "import";
  data->absolute_time = data->is_import;
  data->db_path = options.db_path.empty() ? store.path() : options.db_path;
  data->report_version = MSMISIM_VERSION;

  // The diagnosis reads every event some KB signature names (on a busy day, most of them) and
  // is independent of the rest: it runs beside the other queries on a second read-only
  // connection of its own when the store's file can be opened again.
  std::vector<msmilog::Diagnosis> diagnoses;
  std::int64_t signatures = 0;
  msmi::Status diagnosis_status;
  std::unique_ptr<msmilog::EventStore> second;
  std::jthread diagnosis;
  if (msmilog::EventStore::open_read_only(store.path(), &second).ok()) {
    diagnosis = std::jthread([&] {
      diagnosis_status =
          report_detail::load_diagnosis(*second, run_id, options, &diagnoses, &signatures);
    });
  }

  msmi::Status s = load_span(store, data);
  if (s.ok()) s = load_samples(store, options, data);
  if (s.ok()) s = store.read_lifecycle(run_id, &data->lifecycle);
  if (s.ok()) s = store.read_expectations(run_id, &data->expectations);
  if (s.ok()) s = load_rules_and_invariants(store, data);
  if (s.ok()) s = load_ledger(store, options, data);
  if (s.ok()) s = store.read_imports(run_id, &data->imports);
  if (s.ok()) s = report_detail::load_events(store, options, data);
  if (diagnosis.joinable()) {
    diagnosis.join();
  } else {
    diagnosis_status =
        report_detail::load_diagnosis(store, run_id, options, &diagnoses, &signatures);
  }
  if (s.ok()) s = diagnosis_status;
  data->diagnoses = std::move(diagnoses);
  data->signatures = signatures;
  return s;
}

}  // namespace msmireport
