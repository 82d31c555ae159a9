// Benchmark: how fast the event store takes a run's events when it already holds many runs
// (issue 9, target 3: at least 250k events/s into a store of 1,000 runs, at most 250 bytes per
// event including the full-text index, the queries still fast).
//   build/tests/bench_ingest [events] [runs]      (defaults: 1,000,000 events, 1,000 runs)
// The store of `runs` runs is built once from real recorded runs (bench_store.h) and kept in
// $TMPDIR; every measurement starts from a fresh copy of it. The events written are those of
// the recorded seed runs, read back from the store and repeated hour after hour to `events`
// rows, written through EventWriter::write_row as one new run (what `msmisim import` and a
// recorded run do). Reference: a plain C++ loop inserting the same rows, already encoded, with
// one prepared statement into a table of the same columns and no index, in the same batches
// and with the same pragmas: SQLite's own limit for these rows on this machine. Then a few
// questions are asked of the grown store through the CLI, and what the run added to each
// table and index is shown (dbstat). Prints figures; asserts nothing.
// Measured (2 cores, 1M events into 1,002 runs of 2.3M events): 4,096-event batches and FTS5's
// automerge of 4: 24.7k events/s, 30.8 s cpu (a loaded machine); 32,768-event batches and an
// automerge of 16: 45.8k events/s, 19.8 s cpu, 440 bytes per event; the plain loop 222k
// events/s, 285 bytes per event. The CLI's first pages on the grown store: 18-23 ms.
// Schema version 8 (run_id, seq and time computed instead of stored, the three indexes kept
// per run, events_fts without its per-row token counts), on a machine loaded by two other
// builds, so compare cpu: 10.9-11.9 s cpu over four runs (14.3-19.7 s with FTS5's token
// counts still kept, 10.6-11.6 s with no secondary index at all), 400 bytes per event:
// rows 260, (run_id, event_id, at_us) 29, (run_id, message_id) 33, (run_id, at_us) 26,
// events_fts 63 (77 with the token counts); the plain loop 2.2-2.6 s cpu, 285 bytes. The
// rows alone are more than 250 bytes (description 98, strings 32, computer, source, type and
// category 42, message ID 20), so the size target cannot be met without storing less text;
// nor 250k events/s: the plain loop itself runs at 210-260k events/s on a quiet machine.
// Wall, the disk shared too: 36.2k events/s (27.7 s, 10.9 s cpu) against the plain loop's
// 159k (6.3 s, 2.2 s cpu), 0.23x; 24-47k events/s over four runs as the load changed.
// The plain loop is also run into copies of the store, with its three indexes and then with
// events_fts too, so what the schema costs SQLite itself is measured in the same run. Quiet
// machine, schema version 9: ours 98k events/s (8.7 s cpu); the plain loop 307k bare (2.6 s),
// 142k with the indexes (5.4 s), 99k with the indexes and events_fts (8.0 s). The writer runs
// at 0.99x the plain loop into the same schema: the rest is SQLite's B-trees and FTS5.
#include <sqlite3.h>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "bench_store.h"
#include "msmilog/event_filter.h"
#include "msmilog/event_store.h"
#include "msmilog/event_writer.h"
#include "msmilog/time_format.h"

namespace {

namespace fs = std::filesystem;

// The JSON array of insertion strings, as the store keeps them (for the reference loop only).
std::string json_array(const std::vector<std::string>& strings) {
  std::string out = "[";
  for (const std::string& s : strings) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (const char c : s) {
      if (c == '"' || c == '\\') {
        out += '\\';
        out += c;
      } else if (static_cast<unsigned char>(c) < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
      } else {
        out += c;
      }
    }
    out += '"';
  }
  return out + "]";
}

struct Rows {
  std::vector<msmilog::EventRow> seed;  // the seed runs' events, time_us since 1970
  std::int64_t span_us = 0;             // first to last event of the seed
};

bool read_seed(const std::string& db, std::int64_t seed_runs, Rows* rows) {
  std::unique_ptr<msmilog::EventStore> store;
  if (!msmilog::EventStore::open_read_only(db, &store).ok()) return false;
  std::int64_t first = INT64_MAX, last = INT64_MIN;
  for (std::int64_t run = 1; run <= seed_runs; ++run) {
    msmilog::EventFilter filter;
    filter.run_id = run;
    const msmi::Status s = store->query_events(filter, [&](const msmilog::EventRow& row) {
      msmilog::EventRow copy = row;
      if (!msmilog::parse_iso8601_utc(row.time, &copy.time_us)) copy.time_us = row.time_us;
      first = std::min(first, copy.time_us);
      last = std::max(last, copy.time_us);
      rows->seed.push_back(std::move(copy));
      return true;
    });
    if (!s.ok()) {
      std::fprintf(stderr, "reading run %" PRId64 ": %s\n", run, s.to_string().c_str());
      return false;
    }
  }
  rows->span_us = last - first + 1'000'000;
  return !rows->seed.empty();
}

// Row i of the written run: seed row i % n, shifted by one seed span per repetition.
msmilog::EventRow row_at(const Rows& rows, std::int64_t i) {
  const auto n = static_cast<std::int64_t>(rows.seed.size());
  msmilog::EventRow row = rows.seed[static_cast<std::size_t>(i % n)];
  row.time_us += (i / n) * rows.span_us;
  return row;
}

std::int64_t file_size(const std::string& path) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  return ec ? 0 : static_cast<std::int64_t>(size);
}

struct Figures {
  double seconds = 0;
  double cpu_seconds = 0;
  std::int64_t bytes = 0;  // growth of the database file (checkpointed)
};

double cpu_now() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

bool ingest(const std::string& db, const Rows& rows, std::int64_t events, Figures* f) {
  const std::int64_t before = file_size(db);
  std::unique_ptr<msmilog::EventStore> store;
  msmi::Status s = msmilog::EventStore::open(db, &store);
  std::int64_t run_id = 0;
  if (s.ok()) s = store->begin_import("bench-ingest", {}, &run_id);
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.to_string().c_str());
    return false;
  }
  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = cpu_now();
  {
    auto writer = store->open_writer(run_id, "EXCHSRV1", 0);
    for (std::int64_t i = 0; i < events; ++i) writer->write_row(row_at(rows, i));
    s = writer->flush();
  }
  if (s.ok()) s = store->finish_run(run_id, "imported", "", 0);
  f->seconds = bench::seconds_since(start);
  f->cpu_seconds = cpu_now() - cpu_start;
  store.reset();  // checkpoints the WAL into the file
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.to_string().c_str());
    return false;
  }
  f->bytes = file_size(db) - before;
  return true;
}

// Bytes of each table and index of the store (dbstat, through the sqlite3 shell), the FTS5
// index's shadow tables together as "events_fts".
std::map<std::string, std::int64_t> bytes_by_object(const std::string& db,
                                                    const std::string& scratch) {
  std::map<std::string, std::int64_t> bytes;
  std::istringstream lines(bench::output_of(
      {"sqlite3", "-readonly", db, "SELECT name, sum(pgsize) FROM dbstat GROUP BY name"},
      scratch + "/dbstat.out"));
  std::string line;
  while (std::getline(lines, line)) {
    const auto bar = line.find('|');
    if (bar == std::string::npos) continue;
    std::string name = line.substr(0, bar);
    if (name.rfind("events_fts", 0) == 0) name = "events_fts";
    bytes[name] += std::strtoll(line.c_str() + bar + 1, nullptr, 10);
  }
  return bytes;
}

bool check(sqlite3* db, int rc, const char* what) {
  if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW) return true;
  std::fprintf(stderr, "reference loop: %s: %s\n", what, sqlite3_errmsg(db));
  return false;
}

// What the plain loop writes into.
enum class Target {
  kBareTable,     // a new file, one table of the same columns, no index
  kStoreIndexes,  // a copy of the store: its events table and its three indexes
  kStoreAndFts,   // a copy of the store: its events table, its indexes and events_fts
};

// The plain loop: the same rows, encoded before the clock starts, one prepared INSERT (and one
// into events_fts for kStoreAndFts), the writer's batch size and pragmas. Into a copy of the
// store it writes what EventWriter writes (the same 19 columns, ids of one more run) without
// the writer's own work (buffering, the JSON of the strings, event_counts, run_spans): the
// figure SQLite itself sets for the store's schema.
bool reference(const std::string& path, const std::string& store, Target target, const Rows& rows,
               std::int64_t events, Figures* f) {
  const auto n = static_cast<std::int64_t>(rows.seed.size());
  std::vector<std::string> json(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) json[i] = json_array(rows.seed[i].strings);
  std::vector<std::string> times(static_cast<std::size_t>(events));
  for (std::int64_t i = 0; i < events; ++i) {
    times[static_cast<std::size_t>(i)] = msmilog::format_iso8601_utc(row_at(rows, i).time_us);
  }
  fs::remove(path);
  if (target != Target::kBareTable) fs::copy_file(store, path);
  const bool bare = target == Target::kBareTable;
  sqlite3* db = nullptr;
  if (!check(db, sqlite3_open(path.c_str(), &db), "open")) return false;
  bool ok = check(db,
                  sqlite3_exec(db,
                               "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
                               "PRAGMA cache_size = -65536",
                               nullptr, nullptr, nullptr),
                  "pragmas");
  if (ok && bare) {
    ok = check(db,
               sqlite3_exec(db,
                            "CREATE TABLE events(id INTEGER PRIMARY KEY, run_id, seq, time_us, "
                            "time, computer, source, event_id, type, category, level, thread, "
                            "message_id, description, strings, data, record_number, "
                            "event_identifier, category_number, user, written_us, at_us)",
                            nullptr, nullptr, nullptr),
               "schema");
  }
  // Into the store: the writer's columns (run_id, seq and time are generated there).
  std::int64_t run_id = 1;
  if (ok && !bare) {
    sqlite3_stmt* last = nullptr;
    ok = check(db, sqlite3_prepare_v2(db, "SELECT max(run_id) FROM runs", -1, &last, nullptr),
               "max(run_id)");
    if (ok && sqlite3_step(last) == SQLITE_ROW) run_id = sqlite3_column_int64(last, 0) + 1;
    sqlite3_finalize(last);
  }
  sqlite3_stmt* insert = nullptr;
  sqlite3_stmt* insert_text = nullptr;
  if (ok) {
    const char* sql =
        bare ? "INSERT INTO events VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
               "?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)"
             : "INSERT INTO events(id, time_us, computer, source, event_id, type, category, "
               "level, thread, message_id, description, strings, data, record_number, "
               "event_identifier, category_number, user, written_us, at_us) VALUES(?1, ?4, ?6, "
               "?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)";
    ok = check(db, sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &insert, nullptr),
               "prepare");
  }
  if (ok && target == Target::kStoreAndFts) {
    ok = check(db,
               sqlite3_prepare_v3(db,
                                  "INSERT INTO events_fts(rowid, description, strings) "
                                  "VALUES(?1, ?2, ?3)",
                                  -1, SQLITE_PREPARE_PERSISTENT, &insert_text, nullptr),
               "prepare");
  }
  const auto text = [&](int column, const std::string& s, bool null_if_empty) {
    if (null_if_empty && s.empty()) {
      sqlite3_bind_null(insert, column);
    } else {
      sqlite3_bind_text(insert, column, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
    }
  };
  const auto number = [&](int column, std::int64_t v, bool null_if_negative) {
    if (null_if_negative && v < 0) {
      sqlite3_bind_null(insert, column);
    } else {
      sqlite3_bind_int64(insert, column, v);
    }
  };
  const std::string computer = "EXCHSRV1";
  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = cpu_now();
  const auto batch = static_cast<std::int64_t>(msmilog::EventWriter::kBatchSize);
  for (std::int64_t i = 0; ok && i < events; ++i) {
    if (i % batch == 0)
      ok = check(db, sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr), "begin");
    const msmilog::EventRow& seed = rows.seed[static_cast<std::size_t>(i % n)];
    const std::int64_t at_us = seed.time_us + (i / n) * rows.span_us;
    number(1, (run_id << 32) | (i + 1), false);
    number(2, run_id, false);
    number(3, i + 1, false);
    number(4, at_us, false);
    text(5, times[static_cast<std::size_t>(i)], false);
    text(6, seed.computer.empty() ? computer : seed.computer, false);
    text(7, seed.source, false);
    number(8, seed.event_id, false);
    text(9, seed.type, false);
    text(10, seed.category, true);
    number(11, seed.level, true);
    number(12, seed.thread, true);
    text(13, seed.message_id, true);
    text(14, seed.description, false);
    text(15, json[static_cast<std::size_t>(i % n)], false);
    if (seed.data.empty()) {
      sqlite3_bind_null(insert, 16);
    } else {
      sqlite3_bind_blob(insert, 16, seed.data.data(), static_cast<int>(seed.data.size()),
                        SQLITE_STATIC);
    }
    number(17, seed.record_number, true);
    number(18, seed.event_identifier, true);
    number(19, seed.category_number, true);
    text(20, seed.user, true);
    number(21, seed.written_us, true);
    number(22, at_us, false);
    ok = check(db, sqlite3_step(insert), "insert");
    sqlite3_reset(insert);
    if (ok && insert_text != nullptr) {
      const std::string& strings = json[static_cast<std::size_t>(i % n)];
      sqlite3_bind_int64(insert_text, 1, (run_id << 32) | (i + 1));
      sqlite3_bind_text(insert_text, 2, seed.description.data(),
                        static_cast<int>(seed.description.size()), SQLITE_STATIC);
      sqlite3_bind_text(insert_text, 3, strings.data(), static_cast<int>(strings.size()),
                        SQLITE_STATIC);
      ok = check(db, sqlite3_step(insert_text), "insert into events_fts");
      sqlite3_reset(insert_text);
    }
    if (ok && ((i + 1) % batch == 0 || i + 1 == events)) {
      ok = check(db, sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), "commit");
    }
  }
  f->seconds = bench::seconds_since(start);
  f->cpu_seconds = cpu_now() - cpu_start;
  sqlite3_finalize(insert);
  sqlite3_finalize(insert_text);
  if (ok)
    ok = check(db,
               sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr),
               "checkpoint");
  sqlite3_close(db);
  f->bytes = file_size(path) - (bare ? 0 : file_size(store));
  fs::remove(path);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  const std::int64_t events = argc > 1 ? std::max(1000LL, std::atoll(argv[1])) : 1'000'000;
  const std::int64_t runs = argc > 2 ? std::max(6LL, std::atoll(argv[2])) : 1000;
  const fs::path tmp = fs::temp_directory_path();
  const std::string scratch = (tmp / "msmisim-bench-ingest").string();
  fs::remove_all(scratch);
  fs::create_directories(scratch);
  const std::string base =
      (tmp / ("msmisim-bench-ingest-" + std::to_string(runs) + ".db")).string();
  if (!fs::exists(base)) {
    std::printf("building a store of %" PRId64 " runs in %s (once; kept for later runs)\n", runs,
                base.c_str());
    if (!bench::build_store_of_runs(base, runs, scratch)) return 4;
  }
  const std::string q = scratch + "/scalar.out";
  const std::int64_t store_runs = bench::scalar_int(base, "SELECT count(*) FROM runs", q);
  const std::int64_t store_events = bench::scalar_int(base, "SELECT count(*) FROM events", q);
  const std::int64_t schema = bench::scalar_int(base, "PRAGMA user_version", q);

  Rows rows;
  if (!read_seed(base, bench::kSeedRuns, &rows)) return 4;
  std::printf("store: %" PRId64 " runs, %" PRId64 " events, %.0f MB (schema version %" PRId64
              "); writing %" PRId64 " events (%zu seed events repeated) as one more run\n",
              store_runs, store_events, static_cast<double>(file_size(base)) / 1e6, schema, events,
              rows.seed.size());

  const std::string db = scratch + "/store.db";
  fs::copy_file(base, db, fs::copy_options::overwrite_existing);
  {
    // Opened for writing once, not timed: a base store of an older schema version is
    // migrated here rather than during the measurement.
    std::unique_ptr<msmilog::EventStore> store;
    const msmi::Status s = msmilog::EventStore::open(db, &store);
    if (!s.ok()) {
      std::fprintf(stderr, "%s\n", s.to_string().c_str());
      return 3;
    }
  }
  const std::string base_copy = scratch + "/before.db";  // for the reference loops
  fs::copy_file(db, base_copy);
  const auto objects_before = bytes_by_object(db, scratch);
  Figures ours;
  if (!ingest(db, rows, events, &ours)) return 3;
  const auto objects_after = bytes_by_object(db, scratch);
  // The same plain loop into copies of the store as it was before the new run: what its
  // indexes, then its full-text index, cost SQLite itself.
  const std::string reference_db = scratch + "/reference.db";
  Figures plain, plain_indexes, plain_fts;
  if (!reference(reference_db, base_copy, Target::kBareTable, rows, events, &plain)) return 3;
  if (!reference(reference_db, base_copy, Target::kStoreIndexes, rows, events, &plain_indexes))
    return 3;
  if (!reference(reference_db, base_copy, Target::kStoreAndFts, rows, events, &plain_fts)) return 3;
  fs::remove(base_copy);

  const auto rate = [&](const Figures& f) { return static_cast<double>(events) / f.seconds; };
  const auto per_event = [&](const Figures& f) {
    return static_cast<double>(f.bytes) / static_cast<double>(events);
  };
  std::printf("\n  %-36s %9s %9s %11s %9s\n", "", "wall s", "cpu s", "events/s", "B/event");
  std::printf("  %-36s %9.2f %9.2f %11.0f %9.0f\n", "msmisim's EventWriter (all indexes)",
              ours.seconds, ours.cpu_seconds, rate(ours), per_event(ours));
  std::printf("  %-36s %9.2f %9.2f %11.0f %9.0f\n", "plain loop, no index (reference)",
              plain.seconds, plain.cpu_seconds, rate(plain), per_event(plain));
  std::printf("  %-36s %9.2f %9.2f %11.0f %9.0f\n", "plain loop, the store's indexes",
              plain_indexes.seconds, plain_indexes.cpu_seconds, rate(plain_indexes),
              per_event(plain_indexes));
  std::printf("  %-36s %9.2f %9.2f %11.0f %9.0f\n", "plain loop, indexes and events_fts",
              plain_fts.seconds, plain_fts.cpu_seconds, rate(plain_fts), per_event(plain_fts));
  std::printf(
      "  ratio (ours / reference): %.2fx events/s; target >= 250000 events/s: %s; "
      "<= 250 B/event: %s\n",
      rate(ours) / rate(plain), rate(ours) >= 250000 ? "met" : "missed",
      per_event(ours) <= 250 ? "met" : "missed");
  std::printf(
      "  ours / the plain loop into the same schema: %.2fx events/s, %.2fx cpu (the writer's own "
      "share); the schema's cost to SQLite: indexes +%.2f s cpu, events_fts +%.2f s cpu\n",
      rate(ours) / rate(plain_fts), ours.cpu_seconds / plain_fts.cpu_seconds,
      plain_indexes.cpu_seconds - plain.cpu_seconds,
      plain_fts.cpu_seconds - plain_indexes.cpu_seconds);
  std::printf("\n  what the new run added, by table and index (dbstat, bytes per event):\n");
  for (const auto& [name, after] : objects_after) {
    const auto before = objects_before.find(name);
    const std::int64_t grown = after - (before == objects_before.end() ? 0 : before->second);
    if (grown != 0) {
      std::printf("    %-36s %9.1f\n", name.c_str(),
                  static_cast<double>(grown) / static_cast<double>(events));
    }
  }

  // The grown store still answers the everyday questions fast (process start included).
  std::printf("\n  questions of the grown store (msmisim CLI, median of 3):\n");
  const std::vector<std::pair<std::string, std::vector<std::string>>> questions = {
      {"event 2342 of the new run, first 100",
       {"query", "--db", db, "--run", "latest", "--event-id", "2342", "--head", "100"}},
      {"event 2342, whole store, first 100",
       {"query", "--db", db, "--event-id", "2342", "--head", "100"}},
      {"--search mailer, first 100", {"query", "--db", db, "--search", "mailer", "--head", "100"}},
      {"--count-by event_id", {"query", "--db", db, "--count-by", "event_id"}},
      {"runs", {"runs", "--db", db}},
  };
  for (const auto& [what, args] : questions) {
    std::vector<double> times;
    int exit_code = 0;
    for (int i = 0; i < 3; ++i) {
      std::vector<std::string> argv = {bench::kMsmisim};
      argv.insert(argv.end(), args.begin(), args.end());
      const bench::ChildRun r = bench::run_child(argv, "/dev/null", scratch + "/query.err");
      exit_code = r.exit_code;
      times.push_back(r.seconds * 1000);
    }
    std::sort(times.begin(), times.end());
    std::printf("    %-40s %8.1f ms%s\n", what.c_str(), times[1],
                exit_code == 0 ? "" : "  (failed: see query.err)");
  }
  fs::remove_all(scratch);
  return 0;
}
