// Merging copies rows with INSERT … SELECT from each input ATTACHed to the new store's
// connection, one run at a time so that each run gets its new run_id before its rows follow it.
// Columns are copied by name where both schemas have them: an input of an older schema version
// leaves the newer columns NULL, exactly as migrating it would. Events are the exception to
// plain copying (schema version 6): each gets id = new run_id << 32 | seq and at_us (computed
// from the run's epoch for an older input; run_id, seq and time follow from them), then its row in
// events_fts and its run's event_counts, which the store's writer would otherwise have filled.
#include "msmilog/store_merge.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "msmilog/event_store.h"
#include "sqlite_handle.h"

namespace msmilog {
namespace {

namespace fs = std::filesystem;

// The per-run tables, after `runs`, and the order their rows are copied in.
struct ChildTable {
  const char* name;
  const char* order;
};
constexpr ChildTable kChildTables[] = {
    {"events", "seq"},          {"messages", "rowid"},        {"samples", "rowid"},
    {"queue_samples", "rowid"}, {"fault_rules", "rowid"},     {"invariants", "rowid"},
    {"imports", "position"},    {"expectations", "position"}, {"labels", "rowid"},
    {"lifecycle", "rowid"},     {"thread_states", "rowid"},
};

msmi::Status column_names(const SqliteDb& db, const std::string& schema, const std::string& table,
                          std::vector<std::string>* names) {
  names->clear();
  SqliteStatement stmt;
  msmi::Status s = stmt.prepare(db, "SELECT name FROM pragma_table_info(?1, ?2) ORDER BY cid",
                                "reading the columns");
  if (!s.ok()) return s;
  stmt.bind_text(1, table);
  stmt.bind_text(2, schema);
  int rc;
  while ((rc = stmt.step()) == SQLITE_ROW) names->push_back(stmt.column_text(0));
  if (rc != SQLITE_DONE) return db.error(rc, "reading the columns");
  return msmi::Status::Ok();
}

// The columns of `table` both the output and the input have, but `skip`, joined by commas.
msmi::Status shared_columns(const SqliteDb& db, const std::string& table,
                            const std::vector<std::string>& skip, std::string* list) {
  std::vector<std::string> ours;
  std::vector<std::string> theirs;
  msmi::Status s = column_names(db, "main", table, &ours);
  if (s.ok()) s = column_names(db, "src", table, &theirs);
  if (!s.ok()) return s;
  list->clear();
  for (const std::string& c : ours) {
    if (std::find(skip.begin(), skip.end(), c) != skip.end()) continue;
    if (std::find(theirs.begin(), theirs.end(), c) == theirs.end()) continue;
    *list += (list->empty() ? "\"" : ", \"") + c + "\"";
  }
  return msmi::Status::Ok();
}

msmi::Status step_done(const SqliteDb& db, SqliteStatement& stmt, std::string_view what) {
  const int rc = stmt.step();
  stmt.reset();
  if (rc != SQLITE_DONE) return db.error(rc, what);
  return msmi::Status::Ok();
}

// Copies the sweeps of the input attached as `src` (schema version 7), each under a new
// sweep_id, and leaves old → new in temp.sweep_map for the runs that point at them.
msmi::Status copy_sweeps(SqliteDb& db, const std::string& input, bool* has_sweeps) {
  const std::string what = "copying sweeps from " + input;
  std::vector<std::string> theirs;
  msmi::Status s = column_names(db, "src", "sweeps", &theirs);
  if (!s.ok()) return s;
  *has_sweeps = !theirs.empty();
  s = db.exec(
      "CREATE TEMP TABLE IF NOT EXISTS sweep_map(old_id INTEGER PRIMARY KEY, new_id INTEGER); "
      "DELETE FROM temp.sweep_map;",
      what);
  if (!s.ok() || !*has_sweeps) return s;
  std::string columns;
  s = shared_columns(db, "sweeps", {"sweep_id", "writer_lock"}, &columns);
  if (!s.ok()) return s;
  SqliteStatement copy;
  s = copy.prepare(db,
                   "INSERT INTO main.sweeps(" + columns + ") SELECT " + columns +
                       " FROM src.sweeps WHERE sweep_id = ?1",
                   what);
  if (!s.ok()) return s;
  SqliteStatement map;
  s = map.prepare(db, "INSERT INTO temp.sweep_map(old_id, new_id) VALUES(?1, ?2)", what);
  if (!s.ok()) return s;
  std::vector<std::int64_t> ids;
  {
    SqliteStatement list;
    s = list.prepare(db, "SELECT sweep_id FROM src.sweeps ORDER BY sweep_id", what);
    if (!s.ok()) return s;
    int rc;
    while ((rc = list.step()) == SQLITE_ROW) ids.push_back(list.column_int64(0));
    if (rc != SQLITE_DONE) return db.error(rc, what);
  }
  for (const std::int64_t old_id : ids) {
    copy.bind_int64(1, old_id);
    s = step_done(db, copy, what);
    if (!s.ok()) return s;
    map.bind_int64(1, old_id);
    map.bind_int64(2, sqlite3_last_insert_rowid(db.get()));
    s = step_done(db, map, what);
    if (!s.ok()) return s;
  }
  return msmi::Status::Ok();
}

// Copies every run of the input attached as `src`.
msmi::Status copy_runs(SqliteDb& db, const std::string& input, MergeCounts* counts) {
  const std::string what = "copying runs from " + input;
  bool has_sweeps = false;
  msmi::Status s = copy_sweeps(db, input, &has_sweeps);
  if (!s.ok()) return s;
  std::string run_columns;
  s = shared_columns(db, "runs", {"run_id", "sweep_id", "writer_lock"}, &run_columns);
  if (!s.ok()) return s;
  SqliteStatement copy_run;
  s = copy_run.prepare(db,
                       "INSERT INTO main.runs(" + run_columns + ", sweep_id) SELECT " +
                           run_columns + ", " +
                           (has_sweeps ? "(SELECT new_id FROM temp.sweep_map WHERE old_id = "
                                         "src.runs.sweep_id)"
                                       : "NULL") +
                           " FROM src.runs WHERE run_id = ?1",
                       what, true);
  if (!s.ok()) return s;
  // A table an older input does not have yet (fault_rules, invariants before version 3) has no
  // rows to copy.
  std::vector<SqliteStatement> copy_rows;
  std::vector<bool> is_events;
  for (const ChildTable& t : kChildTables) {
    std::vector<std::string> theirs;
    s = column_names(db, "src", t.name, &theirs);
    if (!s.ok()) return s;
    if (theirs.empty()) continue;
    const bool events = std::string_view(t.name) == "events";
    std::string columns;
    s = shared_columns(db, t.name, {"run_id", "id", "at_us"}, &columns);
    if (!s.ok()) return s;
    std::string sql = std::string("INSERT INTO main.") + t.name + "(run_id, " + columns +
                      ") SELECT ?2, " + columns + " FROM src." + t.name +
                      " WHERE run_id = ?1 ORDER BY " + t.order;
    if (events) {
      const bool keyed = std::find(theirs.begin(), theirs.end(), "at_us") != theirs.end();
      // run_id, seq and time are generated from id and at_us (schema version 8).
      sql = "INSERT INTO main.events(id, at_us, " + columns + ") SELECT (?2 << 32) | seq, " +
            (keyed ? std::string("at_us")
                   : "coalesce((SELECT epoch_us FROM src.runs WHERE run_id = ?1) + time_us, "
                     "unixepoch(substr(time, 1, 19)) * 1000000 + CAST(substr(time, 21, 3) AS "
                     "INTEGER) * 1000, time_us)") +
            ", " + columns + " FROM src.events WHERE " +
            (keyed ? "id BETWEEN ?1 << 32 AND (?1 << 32) | 4294967295" : "run_id = ?1") +
            " ORDER BY seq";
    }
    SqliteStatement stmt;
    s = stmt.prepare(db, sql, what, true);
    if (!s.ok()) return s;
    copy_rows.push_back(std::move(stmt));
    is_events.push_back(events);
  }
  // What the writer adds beside each event, for the rows of run ?1 just copied.
  SqliteStatement index_text;
  s = index_text.prepare(
      db,
      "INSERT INTO main.events_fts(rowid, description, strings) SELECT id, "
      "description, strings FROM main.events WHERE id BETWEEN ?1 << 32 AND (?1 << 32) | 4294967295",
      what, true);
  if (!s.ok()) return s;
  SqliteStatement count_events;
  s = count_events.prepare(db,
                           "INSERT INTO main.event_counts(run_id, event_id, count) SELECT ?1, "
                           "event_id, count(*) FROM main.events WHERE id BETWEEN ?1 << 32 AND "
                           "(?1 << 32) | 4294967295 GROUP BY event_id",
                           what, true);
  if (!s.ok()) return s;
  SqliteStatement run_times;
  s = run_times.prepare(db,
                        "INSERT INTO main.run_spans(run_id, first_at_us, last_at_us) SELECT ?1, "
                        "min(+at_us), max(+at_us) FROM main.events WHERE id BETWEEN ?1 << 32 AND "
                        "(?1 << 32) | 4294967295 HAVING count(*) > 0",
                        what, true);
  if (!s.ok()) return s;
  std::vector<std::int64_t> run_ids;
  {
    SqliteStatement list;
    s = list.prepare(db, "SELECT run_id FROM src.runs ORDER BY run_id", what);
    if (!s.ok()) return s;
    int rc;
    while ((rc = list.step()) == SQLITE_ROW) run_ids.push_back(list.column_int64(0));
    if (rc != SQLITE_DONE) return db.error(rc, what);
  }
  for (const std::int64_t old_id : run_ids) {
    copy_run.bind_int64(1, old_id);
    s = step_done(db, copy_run, what);
    if (!s.ok()) return s;
    const std::int64_t new_id = sqlite3_last_insert_rowid(db.get());
    ++counts->runs;
    for (std::size_t i = 0; i < copy_rows.size(); ++i) {
      copy_rows[i].bind_int64(1, old_id);
      copy_rows[i].bind_int64(2, new_id);
      s = step_done(db, copy_rows[i], what);
      if (!s.ok()) return s;
      if (!is_events[i]) continue;
      counts->events += sqlite3_changes(db.get());
      for (SqliteStatement* stmt : {&index_text, &count_events, &run_times}) {
        stmt->bind_int64(1, new_id);
        s = step_done(db, *stmt, what);
        if (!s.ok()) return s;
      }
    }
  }
  return msmi::Status::Ok();
}

msmi::Status merge_into(const std::string& path, const std::vector<std::string>& inputs,
                        MergeCounts* counts) {
  {
    // Creates the schema of this build, with its pragmas, as for any new store.
    std::unique_ptr<EventStore> store;
    msmi::Status s = EventStore::open(path, &store);
    if (!s.ok()) return s;
  }
  SqliteDb db;
  msmi::Status s = db.open(path, SQLITE_OPEN_READWRITE);
  if (!s.ok()) return s;
  sqlite3_busy_timeout(db.get(), EventStore::kBusyTimeoutMs);
  for (const std::string& input : inputs) {
    SqliteStatement attach;
    s = attach.prepare(db, "ATTACH DATABASE ?1 AS src", "opening " + input);
    if (!s.ok()) return s;
    attach.bind_text(1, input);
    s = step_done(db, attach, "opening " + input);
    if (!s.ok()) return s;
    // Deferred: BEGIN IMMEDIATE would take the write lock of `src` too, and wait for (then
    // fail against) a process still recording into an input that it only reads.
    s = db.exec("BEGIN", "merging");
    if (s.ok()) s = copy_runs(db, input, counts);
    if (s.ok()) s = db.exec("COMMIT", "merging");
    if (!s.ok()) sqlite3_exec(db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
    const msmi::Status detached = db.exec("DETACH DATABASE src", "closing " + input);
    if (!s.ok()) return s;
    if (!detached.ok()) return detached;
  }
  // Everything into the main file, so that the renamed file stands alone.
  return db.exec("PRAGMA wal_checkpoint(TRUNCATE)", "finishing the merged store");
}

void remove_with_journals(const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal", "-writers"}) {
    fs::remove(path + suffix, ec);
  }
}

}  // namespace

msmi::Status merge_stores(const std::vector<std::string>& inputs, const std::string& output,
                          bool replace, MergeCounts* counts) {
  if (inputs.empty()) return msmi::Status::InvalidArgument("no event stores to merge");
  std::error_code ec;
  if (!replace && fs::exists(output, ec)) {
    return msmi::Status::InvalidArgument(output + ": exists; it is replaced only when asked to");
  }
  if (fs::is_directory(output, ec)) {
    return msmi::Status::IoError(output + ": is a directory, not an event store file");
  }
  // Every input is identified (and refused with its reason) before anything is written.
  for (const std::string& input : inputs) {
    std::unique_ptr<EventStore> store;
    const msmi::Status s = EventStore::open_read_only(input, &store);
    if (!s.ok()) return s;
    if (fs::equivalent(input, output, ec)) {
      return msmi::Status::InvalidArgument(input + ": is also the output");
    }
  }
  const std::string partial = output + ".merging-" + std::to_string(::getpid());
  remove_with_journals(partial);
  MergeCounts copied;
  msmi::Status s = merge_into(partial, inputs, &copied);
  if (s.ok()) {
    // An old output's journals must not be read as the new file's.
    for (const char* suffix : {"-wal", "-shm", "-journal"}) fs::remove(output + suffix, ec);
    fs::rename(partial, output, ec);
    if (ec) s = msmi::Status::IoError(output + ": cannot be written: " + ec.message());
  }
  if (!s.ok()) {
    remove_with_journals(partial);
    return s;
  }
  remove_with_journals(partial);  // its WAL and shared-memory files, if any are left
  if (counts != nullptr) *counts = copied;
  return msmi::Status::Ok();
}

}  // namespace msmilog
