// EventStore's sweeps (schema version 7): a `msmisim sweep` as a row its runs point at, so a
// sweep can be reported as a whole.
#include <algorithm>

#include "msmilog/event_store.h"
#include "sqlite_handle.h"

namespace msmilog {

msmi::Status EventStore::begin_sweep(const SweepRecord& sweep, std::int64_t* sweep_id) {
  constexpr std::string_view kWhat = "inserting sweep";
  msmi::Status status = check_writable();
  if (!status.ok()) return status;
  // As begin_run(): the id chosen and its writer lock taken before the row commits.
  const bool nested = in_transaction();
  WriteTransaction transaction(*db_);
  status = transaction.begin(kWhat);
  if (!status.ok()) return status;
  std::int64_t id = 0;
  {
    SqliteStatement last;
    status = last.prepare(*db_, "SELECT coalesce(max(sweep_id), 0) + 1 FROM sweeps", kWhat);
    if (!status.ok()) return status;
    const int rc = last.step();
    if (rc != SQLITE_ROW) return db_->error(rc, kWhat);
    id = last.column_int64(0);
  }
  SqliteStatement stmt;
  status = stmt.prepare(*db_,
                        "INSERT INTO sweeps(command, scenarios, seeds, profile, swarm, shard, "
                        "planned, started_at, msmisim_version, sweep_id, writer_lock) "
                        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                        kWhat);
  if (!status.ok()) return status;
  const std::int64_t offset = kSweepLockBase + id;
  const bool locked = take_writer_lock(offset, nested);
  stmt.bind_text(1, sweep.command);
  stmt.bind_text(2, sweep.scenarios);
  stmt.bind_text(3, sweep.seeds);
  stmt.bind_text_or_null(4, sweep.profile);
  stmt.bind_int64(5, sweep.swarm ? 1 : 0);
  stmt.bind_text_or_null(6, sweep.shard);
  stmt.bind_int64(7, sweep.planned);
  stmt.bind_text(8, sweep.started_at);
  stmt.bind_text(9, sweep.msmisim_version);
  stmt.bind_int64(10, id);
  if (locked) stmt.bind_int64(11, offset);
  const int rc = stmt.step();
  if (rc != SQLITE_DONE) status = db_->error(rc, kWhat);
  if (status.ok()) status = transaction.commit(kWhat);
  if (!status.ok()) {
    if (locked) forget_writer_lock(offset);
    return status;
  }
  *sweep_id = id;
  return msmi::Status::Ok();
}

msmi::Status EventStore::finish_sweep(std::int64_t sweep_id, std::string_view verdict,
                                      std::string_view finished_at) {
  constexpr std::string_view kWhat = "closing sweep";
  msmi::Status status = check_writable();
  if (!status.ok()) return status;
  SqliteStatement stmt;
  status = stmt.prepare(
      *db_, "UPDATE sweeps SET verdict = ?2, finished_at = ?3 WHERE sweep_id = ?1", kWhat);
  if (!status.ok()) return status;
  stmt.bind_int64(1, sweep_id);
  stmt.bind_text(2, verdict);
  stmt.bind_text(3, finished_at);
  const int rc = stmt.step();
  if (rc != SQLITE_DONE) return db_->error(rc, kWhat);
  if (sqlite3_changes(db_->get()) == 0) {
    return msmi::Status::NotFound(path_ + ": no sweep " + std::to_string(sweep_id));
  }
  drop_writer_lock(kSweepLockBase + sweep_id);
  return msmi::Status::Ok();
}

msmi::Status EventStore::list_sweeps(std::vector<SweepRecord>* sweeps) const {
  constexpr std::string_view kWhat = "listing sweeps";
  sweeps->clear();
  if (schema_version_ < 7) return msmi::Status::Ok();
  const std::vector<std::int64_t> gone = unmarked_interrupted();
  SqliteStatement stmt;
  msmi::Status status = stmt.prepare(
      *db_,
      std::string("SELECT s.sweep_id, command, scenarios, seeds, profile, swarm, shard, planned, "
                  "started_at, finished_at, verdict, msmisim_version, (SELECT count(*) FROM runs "
                  "r WHERE r.sweep_id = s.sweep_id), ") +
          (schema_version_ >= 9 ? "writer_lock" : "NULL") + " FROM sweeps s ORDER BY s.sweep_id",
      kWhat);
  if (!status.ok()) return status;
  int rc;
  while ((rc = stmt.step()) == SQLITE_ROW) {
    SweepRecord s;
    s.sweep_id = stmt.column_int64(0);
    s.command = stmt.column_text(1);
    s.scenarios = stmt.column_text(2);
    s.seeds = stmt.column_text(3);
    s.profile = stmt.column_text(4);
    s.swarm = stmt.column_int64(5) != 0;
    s.shard = stmt.column_text(6);
    s.planned = stmt.column_int64_or(7, 0);
    s.started_at = stmt.column_text(8);
    s.finished_at = stmt.column_text(9);
    s.verdict = stmt.column_text(10);
    s.msmisim_version = stmt.column_text(11);
    s.runs = stmt.column_int64(12);
    if (s.verdict.empty() && !stmt.column_is_null(13) &&
        std::find(gone.begin(), gone.end(), stmt.column_int64(13)) != gone.end()) {
      s.verdict = "interrupted";  // its process is gone (read-only: not marked yet)
    }
    sweeps->push_back(std::move(s));
  }
  if (rc != SQLITE_DONE) return db_->error(rc, kWhat);
  return msmi::Status::Ok();
}

msmi::Status EventStore::sweep_run_ids(std::int64_t sweep_id,
                                       std::vector<std::int64_t>* run_ids) const {
  constexpr std::string_view kWhat = "reading a sweep's runs";
  run_ids->clear();
  const msmi::Status none =
      msmi::Status::NotFound(path_ + ": no sweep " + std::to_string(sweep_id));
  if (schema_version_ < 7) return none;
  SqliteStatement exists;
  msmi::Status status = exists.prepare(*db_, "SELECT 1 FROM sweeps WHERE sweep_id = ?1", kWhat);
  if (!status.ok()) return status;
  exists.bind_int64(1, sweep_id);
  int rc = exists.step();
  if (rc == SQLITE_DONE) return none;
  if (rc != SQLITE_ROW) return db_->error(rc, kWhat);
  SqliteStatement stmt;
  status = stmt.prepare(*db_, "SELECT run_id FROM runs WHERE sweep_id = ?1 ORDER BY run_id", kWhat);
  if (!status.ok()) return status;
  stmt.bind_int64(1, sweep_id);
  while ((rc = stmt.step()) == SQLITE_ROW) run_ids->push_back(stmt.column_int64(0));
  if (rc != SQLITE_DONE) return db_->error(rc, kWhat);
  return msmi::Status::Ok();
}

}  // namespace msmilog
