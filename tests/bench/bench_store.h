// Builds a large event store quickly but from real simulated runs, for the CLI benchmarks: a few
// scenarios are recorded with `msmisim run`, then their events are multiplied with SQL inside
// the store through the sqlite3 shell (copy k of each run is a new run, k days later), and
// import-sized runs (kind 'import', named "bench-import-<events>") are made of back-to-back
// copies of the largest recorded run, with time_us in µs since 1970 as an imported log's is.
// Rows get the ids the store's writer would give them (run_id << 32 | seq, schema version 6;
// run_id, seq and time follow from id and at_us, schema version 8).
// The secondary indexes, the FTS5 index and event_counts are built once at the end rather than
// row by row.
#pragma once

#include <cinttypes>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "bench_child.h"

namespace bench {

const std::string kMsmisim = MSMISIM_BINARY;
const std::string kSource = MSMISIM_SOURCE_DIR;

// The scenarios whose recorded runs seed the store: a KB bug with errors, steady traffic and
// a mail bag scenario, with several seeds each so that the copies are not all alike.
inline const char* const kSeedScenarios[] = {"scenarios/kb/Q151791.json",
                                             "scenarios/examples/steady-traffic.json",
                                             "scenarios/kb/Q168857.json"};
constexpr int kSeedsPerScenario = 2;
constexpr int kSeedRuns = 3 * kSeedsPerScenario;  // run ids 1 … kSeedRuns

// The stored columns of events (schema version 8: not the generated run_id, seq and time) and
// every column of runs, in order.
constexpr const char* kEventColumns =
    "id, time_us, computer, source, event_id, type, category, level, thread, message_id, "
    "description, strings, data, record_number, event_identifier, category_number, user, "
    "written_us, at_us";
constexpr const char* kRunColumns =
    "run_id, scenario, scenario_sha256, scenario_text, seed, profile, defects, started_at, "
    "finished_at, verdict, computer, epoch_us, msmisim_version, command, event_count, "
    "virtual_duration_us, options, file_sha256, kind, kb, import_name";

inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The first line sqlite3 prints for `sql` on `db` (read-only).
inline std::string scalar(const std::string& db, const std::string& sql,
                          const std::string& scratch) {
  std::string out = output_of({"sqlite3", "-readonly", db, sql}, scratch);
  if (const auto eol = out.find_first_of("\r\n"); eol != std::string::npos) out.resize(eol);
  return out;
}

inline std::int64_t scalar_int(const std::string& db, const std::string& sql,
                               const std::string& scratch) {
  return std::strtoll(scalar(db, sql, scratch).c_str(), nullptr, 10);
}

// Records the seed runs into `db` (which must not exist), multiplies them into copies to
// about `simulated_events` events in all, and adds one import run of (about) each size in
// `import_sizes`. Prints what it did and how long it took; false (with a message on stderr)
// when a child fails. `dir` is a scratch directory. `copies_wanted` >= 0 overrides the number
// of copies `simulated_events` asks for.
inline bool build_store(const std::string& db, std::int64_t simulated_events,
                        const std::vector<std::int64_t>& import_sizes, const std::string& dir,
                        std::int64_t copies_wanted = -1) {
  const auto start = std::chrono::steady_clock::now();
  const std::string q = dir + "/scalar.out";
  for (const char* scenario : kSeedScenarios) {
    for (int seed = 1; seed <= kSeedsPerScenario; ++seed) {
      const ChildRun r = run_child(
          {kMsmisim, "run", kSource + "/" + scenario, "--seed", std::to_string(seed), "--db", db},
          "/dev/null", dir + "/run.err");
      // Exit 1 (an expectation failed) still recorded the run.
      if (r.exit_code != 0 && r.exit_code != 1) {
        std::fprintf(stderr, "msmisim run %s failed (exit %d); see %s/run.err\n", scenario,
                     r.exit_code, dir.c_str());
        return false;
      }
    }
  }
  const std::int64_t seed_events = scalar_int(db, "SELECT count(*) FROM events", q);
  const std::int64_t seed_runs = scalar_int(db, "SELECT max(run_id) FROM runs", q);
  const std::int64_t largest_run =
      scalar_int(db, "SELECT run_id FROM runs ORDER BY event_count DESC LIMIT 1", q);
  const std::int64_t largest_events = scalar_int(
      db, "SELECT count(*) FROM events WHERE run_id = " + std::to_string(largest_run), q);
  std::printf("recorded %" PRId64 " seed runs (%" PRId64 " events) in %.1f s\n", seed_runs,
              seed_events, seconds_since(start));
  if (seed_events <= 0 || largest_events <= 0) return false;

  const std::int64_t copies =
      copies_wanted >= 0
          ? copies_wanted
          : std::max<std::int64_t>(0, (simulated_events - seed_events) / seed_events);
  std::int64_t most_copies = copies;
  for (std::int64_t size : import_sizes)
    most_copies = std::max(most_copies, (size + largest_events - 1) / largest_events);
  const std::string stride = std::to_string(seed_runs);
  const std::string day_us = "86400000000";
  std::string s;
  s += "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-1000000;\n";
  s += "PRAGMA temp_store=MEMORY;\n";
  s += "DROP TRIGGER events_fts_ad;\n";
  s += "DROP INDEX events_by_run_event_id; DROP INDEX events_by_run_time;\n";
  s += "DROP INDEX events_by_run_message_id;\n";
  s += "CREATE TEMP TABLE copies(k INTEGER PRIMARY KEY);\n";
  s += "WITH RECURSIVE c(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM c WHERE k < " +
       std::to_string(std::max<std::int64_t>(1, most_copies)) +
       ") INSERT INTO copies SELECT k FROM c;\n";
  s += "CREATE TEMP TABLE seed_events AS SELECT * FROM events ORDER BY run_id, seq;\n";
  s += "BEGIN;\n";
  // Copy k of seed run r is run k * stride + r, k days later.
  s += std::string("INSERT INTO runs(") + kRunColumns + ") SELECT c.k * " + stride +
       " + r.run_id, scenario, scenario_sha256, scenario_text, seed, profile, defects, "
       "started_at, finished_at, verdict, computer, epoch_us + c.k * " +
       day_us +
       ", msmisim_version, command, event_count, virtual_duration_us, options, file_sha256, "
       "kind, kb, import_name FROM copies c, runs r WHERE c.k <= " +
       std::to_string(copies) + " AND r.run_id <= " + stride + " ORDER BY c.k, r.run_id;\n";
  s += std::string("INSERT INTO events(") + kEventColumns + ") SELECT ((c.k * " + stride +
       " + e.run_id) << 32) | e.seq, e.time_us, computer, source, event_id, type, category, "
       "level, thread, message_id, description, strings, data, record_number, event_identifier, "
       "category_number, user, written_us, at_us + c.k * " +
       day_us + " FROM copies c, seed_events e WHERE c.k <= " + std::to_string(copies) +
       " ORDER BY c.k, e.run_id, e.seq;\n";
  s += "CREATE TEMP TABLE import_seed AS SELECT e.*, r.epoch_us AS epoch_us FROM seed_events e "
       "JOIN runs r USING(run_id) WHERE run_id = " +
       std::to_string(largest_run) + " ORDER BY seq;\n";
  for (std::int64_t size : import_sizes) {
    const std::string name = "bench-import-" + std::to_string(size);
    const std::int64_t pieces = (size + largest_events - 1) / largest_events;
    s += std::string("INSERT INTO runs(") + kRunColumns +
         ") SELECT (SELECT max(run_id) + 1 FROM runs), '" + name +
         ".evt', NULL, NULL, NULL, NULL, NULL, started_at, finished_at, NULL, computer, "
         "epoch_us, msmisim_version, 'msmisim import " +
         name + ".evt', 0, NULL, NULL, NULL, 'import', NULL, '" + name +
         "' FROM runs WHERE run_id = " + std::to_string(largest_run) + ";\n";
    // Piece k is the largest run again, k days later; record numbers run on.
    s += std::string("INSERT INTO events(") + kEventColumns +
         ") SELECT ((SELECT max(run_id) FROM runs) << 32) | ((c.k - 1) * " +
         std::to_string(largest_events) + " + e.seq), e.epoch_us + e.time_us + (c.k - 1) * " +
         day_us +
         ", computer, source, event_id, type, category, level, NULL, NULL, description, strings, "
         "data, (c.k - 1) * " +
         std::to_string(largest_events) +
         " + e.seq + 1, event_identifier, category_number, user, written_us, e.at_us + (c.k - 1) "
         "* " +
         day_us + " FROM copies c, import_seed e WHERE c.k <= " + std::to_string(pieces) +
         " ORDER BY c.k, e.seq LIMIT " + std::to_string(size) + ";\n";
  }
  s += "DELETE FROM event_counts;\n";
  s += "INSERT INTO event_counts(run_id, event_id, count) SELECT run_id, event_id, count(*) FROM "
       "events GROUP BY run_id, event_id;\n";
  s += "UPDATE runs SET event_count = (SELECT sum(count) FROM event_counts WHERE run_id = "
       "runs.run_id) WHERE kind = 'import';\n";
  // (+at_us: a min() SQLite would otherwise answer from an index over every run.)
  s += "DELETE FROM run_spans;\n";
  s += "INSERT INTO run_spans(run_id, first_at_us, last_at_us) SELECT * FROM (SELECT run_id, "
       "(SELECT min(+at_us) FROM events WHERE id BETWEEN runs.run_id << 32 AND (runs.run_id << "
       "32) | 4294967295) AS a, (SELECT max(+at_us) FROM events WHERE id BETWEEN runs.run_id << "
       "32 AND (runs.run_id << 32) | 4294967295) FROM runs) WHERE a IS NOT NULL;\n";
  s += "COMMIT;\n";
  s += "CREATE INDEX events_by_run_event_id ON events(run_id, event_id, at_us);\n";
  s += "CREATE INDEX events_by_run_time ON events(run_id, at_us);\n";
  s += "CREATE INDEX events_by_run_message_id ON events(run_id, message_id) WHERE message_id IS "
       "NOT NULL;\n";
  s += "INSERT INTO events_fts(events_fts) VALUES('rebuild');\n";
  s += R"sql(CREATE TRIGGER events_fts_ad AFTER DELETE ON events BEGIN
  INSERT INTO events_fts(events_fts, rowid, description, strings)
    VALUES('delete', old.id, old.description, old.strings);
END;
ANALYZE;
)sql";
  const std::string script = dir + "/build.sql";
  std::ofstream(script) << s;
  const auto multiply_start = std::chrono::steady_clock::now();
  const ChildRun r = run_child({"sqlite3", db, ".read " + script}, "/dev/null", dir + "/build.err");
  if (r.exit_code != 0) {
    std::fprintf(stderr, "sqlite3 failed building the store (exit %d); see %s and %s/build.err\n",
                 r.exit_code, script.c_str(), dir.c_str());
    return false;
  }
  std::printf("multiplied into %" PRId64
              " copies of the seed runs and %zu import run(s) in %.1f s"
              " (SQL, indexes, FTS rebuild, ANALYZE); store built in %.1f s\n",
              copies, import_sizes.size(), seconds_since(multiply_start), seconds_since(start));
  return true;
}

// A store of (about, rounded up to whole copies of the seed runs) `runs` simulated runs.
inline bool build_store_of_runs(const std::string& db, std::int64_t runs, const std::string& dir) {
  return build_store(db, 0, {}, dir, (runs + kSeedRuns - 1) / kSeedRuns - 1);
}

}  // namespace bench
