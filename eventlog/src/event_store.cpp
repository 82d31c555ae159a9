// The event store file.
//
// One SQLite database holds any number of runs. Support engineers open it with the sqlite3 shell,
// so the table and column names below are a public contract (DESIGN.md §5); add columns, never
// rename them.
//
// Identity. A file is ours when PRAGMA user_version is a schema version we know (1 to 9) and the
// tables below exist with that version's columns. We also set PRAGMA application_id =
// 0x4D534D49 ("MSMI") so `file` and other tools can tell. A file is refused, untouched, when it is
// not SQLite, damaged, carries another application_id, an unknown user_version, or any table while
// user_version is 0 (someone else's database). Only a missing file, an empty file, or an SQLite
// database with no schema objects at all is turned into a new store; the schema and both pragmas
// are created in one transaction, so a crash never leaves a half-made store. Nothing is written
// (not even the journal mode) before the file has been identified.
//
// Versions. 1: the first release. 2: events gained `strings` and `data`. 3: the tables
// `fault_rules` and `invariants`. 4: runs gained `options` and `file_sha256`, so a run can be
// replayed with the overrides it was given. 5: imported NT event logs and what a run's summary
// shows: events gained record_number … written_us, runs gained kind, kb and import_name, the
// tables imports, expectations, labels, lifecycle and thread_states, and the full-text index
// events_fts. 6: events made again for speed at tens of millions of rows: id = run_id << 32 |
// seq (the table is stored in run order), the absolute time at_us, indexes chosen for the
// queries, the full-text index filled by the writer, the table event_counts. 7: the table
// sweeps and runs.sweep_id. 8: events made again for ingest speed and size: run_id, seq and
// time become generated (VIRTUAL) columns computed from id and at_us, so a row no longer
// stores them (they read as before, in the same column order), and the indexes are kept per
// run: (run_id, event_id, at_us), (run_id, at_us), (run_id, message_id), so a new run's keys
// follow each other at the end of its own stretch of each index instead of being scattered
// between every earlier run's (runs of one scenario share their times and message IDs).
// Store-wide questions are asked run by run (event_counts and run_spans name the runs).
// 9: runs.writer_lock and sweeps.writer_lock, so a run whose process died is told from one still
// being recorded (below, "Runs whose process died").
// Opening an older store for writing migrates it in one transaction (ALTER TABLE … ADD COLUMN …,
// CREATE TABLE …, version 6's and 8's copies of the events and version 6's FTS 'rebuild', then
// user_version = 9);
// its old rows keep NULL in the new columns and its old runs have no rows in the new tables. An
// older store opened read-only is read as it is: the code reads NULL for the missing columns
// and empty lists for the missing tables, queries it with the SQL of its version, and
// has_full_text_search() says whether events_fts exists.
//
// Connection settings: journal_mode=WAL (readers never block the writer), synchronous=NORMAL
// (a power cut may lose the last transactions, never corrupt), foreign_keys=ON, busy timeout
// 5000 ms for a reader, set_writer_wait's for a writer. Writers take the lock up front with
// BEGIN IMMEDIATE (or nest as a SAVEPOINT in the caller's transaction,
// EventStore::begin_transaction, which an EventWriter batch joins instead). Readers open the file
// read-only with PRAGMA query_only; where the WAL's -shm cannot be created (read-only media) they
// fall back to the URI parameter immutable=1.
//
// Runs whose process died (version 9). A run is recorded over many transactions (its row, then
// its events a batch at a time, then the rest and its verdict), so a process killed part-way
// leaves a row with verdict NULL, which is also what a run still being recorded looks like.
// What tells them apart is a lock: beside STORE (the database file) lies STORE-writers, an empty
// file in which a process recording a run holds an fcntl write lock (an open file description
// lock, F_OFD_SETLK) on the byte at offset runs.writer_lock (= run_id) from before the row is
// committed until its verdict is; a sweep's is sweeps.writer_lock (= 2^32 + sweep_id). The
// kernel drops such a lock when its process dies, however it dies (SIGKILL too), and the lock
// names no pid, so a recycled pid cannot hold it. So: a row with verdict NULL and a writer_lock
// that no process holds (fcntl F_OFD_GETLK reports it free) was abandoned. Every read-write open
// sets such runs' and sweeps' verdict to 'interrupted' (a run's event_count to the events it
// kept; finished_at stays NULL); a read-only open reads them as 'interrupted' without writing.
// A store closed with runs or sweeps it began and did not finish (a failed write: a full disk,
// a damaged file) closes them as 'interrupted' itself, or, when even that cannot be written,
// leaves them to the next open. Rows with writer_lock NULL (begun before version 9, or where
// the lock could not be taken) are never taken for interrupted. Another program recording into
// the store should lock the same byte, or leave writer_lock NULL. Imports and the runs of a
// sweep are written in one transaction each (a file, a run), so they are whole or absent and
// never open to others. Partial indexes keep the open rows: runs_unfinished, sweeps_unfinished
// (writer_lock) WHERE verdict IS NULL AND writer_lock IS NOT NULL.
//
//   runs           one row per run (or per imported log)
//     run_id INTEGER PRIMARY KEY     scenario TEXT, scenario_sha256 TEXT (hex of scenario_text),
//     scenario_text TEXT (replayable), seed INTEGER (the uint64 seed's bits as int64),
//     profile TEXT, defects TEXT, started_at TEXT / finished_at TEXT (wall clock, ISO-8601,
//     metadata only), verdict TEXT (NULL while running), computer TEXT, epoch_us INTEGER
//     (virtual time 0 in microseconds since 1970), msmisim_version TEXT, command TEXT (replays
//     the run), event_count INTEGER (set by finish_run), virtual_duration_us INTEGER,
//     options TEXT (a JSON object of the command-line overrides that shaped the run, e.g.
//     {"defect":["Q151791=off"],"fault":["mta.put=return(0x15)"]}; NULL before version 4),
//     file_sha256 TEXT (hex of the scenario file as read from disk; NULL when none was read),
//     kind TEXT NOT NULL DEFAULT 'run' ('run' simulated, 'import' an imported log), kb TEXT (the
//     scenario's KB article, "Q151791"; NULL when none), import_name TEXT (kind 'import': the
//     name it is found by, --name or the first file's base name; NULL otherwise).
//     Index: UNIQUE (import_name) WHERE kind = 'import' — no two imports share a name.
//     sweep_id INTEGER → sweeps (version 7: the sweep that ran it; NULL for a single run or an
//     import); index (sweep_id) WHERE sweep_id IS NOT NULL.
//     writer_lock INTEGER (version 9: the byte of STORE-writers locked while the run is
//     recorded, its run_id; NULL before version 9 or when no lock could be taken).
//
//   sweeps         version 7: one row per `msmisim sweep`: sweep_id INTEGER PRIMARY KEY,
//                  command TEXT, scenarios TEXT (the files, one per line), seeds TEXT (the
//                  list as given), profile TEXT (NULL: each scenario's own), swarm INTEGER
//                  (0/1), shard TEXT ("2/4"; NULL: every seed), planned INTEGER (runs it set
//                  out to do), started_at / finished_at TEXT (wall clock; finished_at NULL
//                  while running or when it never closed), verdict TEXT, msmisim_version TEXT,
//                  writer_lock INTEGER (version 9: 2^32 + sweep_id, as runs.writer_lock).
//
//   events         the Application log; the big table (millions of rows)
//     id INTEGER PRIMARY KEY (run_id << 32 | seq from version 6 on, so the rows are stored in
//     run order: WHERE id BETWEEN run_id << 32 AND (run_id << 32) + 4294967295 is one run),
//     run_id → runs (version 8: generated, id >> 32), seq INTEGER (1, 2, 3 … per run, write
//     order, below 2^32; version 8: generated, id & 4294967295),
//     time_us INTEGER (virtual µs since run start; µs since 1970 for imports), time TEXT
//     (ISO-8601 UTC of at_us, "1997-05-22T12:55:53.000Z", fixed width so it sorts; version 8:
//     generated from at_us by kTimeOfAtUsSql, the text format_iso8601_utc(at_us) gives),
//     computer, source ("MSExchangeMSMI"), event_id INTEGER, type ("Error" / "Warning" /
//     "Information"), category ("Session Error" …), level INTEGER (significance 0–5),
//     thread INTEGER (NULL when no thread applies), message_id TEXT (NULL when none),
//     description TEXT (the rendered text), strings TEXT (the insertion strings the description
//     was rendered from, a JSON array: ["MSExchangeMTA","stopped"]; NULL in rows older than
//     version 2), data BLOB (the event's binary data; NULL when it has none),
//     record_number INTEGER (the record number in the imported log; NULL for simulated events),
//     event_identifier INTEGER (the full 32-bit identifier with its severity bits, unsigned;
//     simulated events get make_event_identifier(event_id, type); event_id stays the displayed
//     16-bit ID), category_number INTEGER (imports: as stored; simulated: the position in
//     msmi::Category + 1, 0 for "None"), user TEXT (user SID text or user name; NULL when none),
//     written_us INTEGER (TimeWritten in µs since 1970 where it differs from TimeGenerated),
//     at_us INTEGER NOT NULL (version 6: the event's absolute time, µs since 1970, the value
//     `time` shows: runs.epoch_us + time_us, or time_us for an import).
//     Indexes (version 8, one stretch per run): events_by_run_event_id (run_id, event_id,
//     at_us) for "the 2342s of this hour"; events_by_run_time (run_id, at_us) for time windows;
//     events_by_run_message_id (run_id, message_id) — partial, only rows that have one — for
//     a message's history. A question over every run names the runs to look in:
//     run_id IN (SELECT run_id FROM run_spans WHERE first_at_us <= :until AND last_at_us >=
//     :since), or … FROM event_counts WHERE event_id = 2342. The primary key is the run order.
//     (Versions 6 and 7: (event_id, at_us), (at_us), (message_id) over every run at once;
//     before version 6: UNIQUE (run_id, seq), (event_id, time_us), (time_us).)
//
//   event_counts   version 6: how many events of each ID each run has: run_id → runs,
//                  event_id, count; PRIMARY KEY (run_id, event_id), WITHOUT ROWID; index
//                  (event_id, count). The writer keeps it in step, so "how many 2342s" needs
//                  no scan of events, and queries use it to choose how to read events.
//   run_spans      version 6: run_id INTEGER PRIMARY KEY → runs, first_at_us, last_at_us (the
//                  earliest and latest at_us of the run's events; no row while it has none),
//                  kept by the writer, so a time window knows the runs it touches. (A table of
//                  its own: updating the runs row would rewrite its scenario_text each time.)
//
//   messages       the ledger: how every injected message ended
//     run_id → runs, message_id, sender, recipients, fate (delivered / ndr / quarantined /
//     pending / lost), attempts, detail, injected_us, settled_us (NULL while unsettled);
//     PRIMARY KEY (run_id, message_id); index (run_id, fate) from version 7 (a day's ledger
//     of 864k messages tallied by fate without reading its rows).
//
//   samples        per-thread busy percentages: run_id → runs, time_us, thread, role,
//                  busy_pct REAL; index (run_id, time_us).
//   queue_samples  queue depths: run_id → runs, time_us, inqueue3, p1_files, mta_queue,
//                  outbound_records; index (run_id, time_us).
//   fault_rules    the run's armed fault rules: run_id → runs, position (0, 1, … in the order
//                  armed), rule TEXT (one-line form), matches INTEGER (calls whose triggers
//                  matched), fired INTEGER (… of which an action happened).
//   invariants     what the oracle checked after the run: run_id → runs, name TEXT, passed
//                  INTEGER (0/1), detail TEXT.
//   imports        the files of an import run: run_id → runs, position (0, 1 … as given), path,
//                  format ("evt", "evtx", "xml", "csv", "text" …), size INTEGER (bytes), sha256
//                  (hex of the bytes; indexed, so importing a file twice is noticed),
//                  records_read, imported, skipped, recovered INTEGER, notes TEXT (a JSON array
//                  of {"position", "line"?, "message"}); PRIMARY KEY (run_id, position).
//   expectations   each expectation as the summary shows it: run_id → runs, position, profile
//                  TEXT (NULL: every profile), text TEXT, verdict TEXT ('pass' / 'fail' /
//                  'skipped'), evidence TEXT; PRIMARY KEY (run_id, position).
//   labels         the labels of scripted messages: run_id → runs, message_id, label;
//                  PRIMARY KEY (run_id, message_id).
//   lifecycle      crashes and restarts as rows: run_id → runs, time_us, what TEXT ('crash' /
//                  'restart' / 'service_stop' / 'service_start' / 'power_loss' …), service TEXT,
//                  detail TEXT; index (run_id, time_us).
//   thread_states  worker thread state changes over time: run_id → runs, time_us, thread,
//                  role, state TEXT ('busy' / 'idle' / 'blocked' / 'stopped'); index (run_id,
//                  time_us). (samples keeps busy_pct.)
//   events_fts     FTS5 external-content index of events(description, strings), rowid = id,
//                  columnsize=0 from version 8 (no per-row token counts: bm25() still works,
//                  computing them from the rows)
//                  (search one column with 'strings: 0x15'). From
//                  version 6 msmisim's writer inserts into it with each event, in the same
//                  transaction (a program that adds events itself must too, or run
//                  INSERT INTO events_fts(events_fts) VALUES('rebuild')); the trigger
//                  events_fts_ad (AFTER DELETE) removes deleted rows. SELECT … FROM events
//                  WHERE id IN (SELECT rowid FROM events_fts WHERE events_fts MATCH
//                  '"XOM stream" NEAR(2342)'). (Version 5: kept in step by triggers.)

#include "msmilog/event_store.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <system_error>

#include "msmilog/sha256.h"
#include "sqlite_handle.h"
#include "writer_locks.h"

namespace msmilog {
namespace {

// Tables added by schema version 3 (also part of a new store's schema).
constexpr const char* kVersion3TablesSql = R"sql(
CREATE TABLE fault_rules(
  run_id INTEGER NOT NULL REFERENCES runs(run_id),
  position INTEGER NOT NULL,
  rule TEXT NOT NULL,
  matches INTEGER NOT NULL,
  fired INTEGER NOT NULL,
  PRIMARY KEY(run_id, position)
);
CREATE TABLE invariants(
  run_id INTEGER NOT NULL REFERENCES runs(run_id),
  name TEXT NOT NULL,
  passed INTEGER NOT NULL,
  detail TEXT
);
CREATE INDEX invariants_by_run ON invariants(run_id);
)sql";

// Columns added to `runs` by schema version 4 (also part of a new store's schema).
constexpr const char* kVersion4RunColumnsSql =
    "ALTER TABLE runs ADD COLUMN options TEXT; ALTER TABLE runs ADD COLUMN file_sha256 TEXT;";

// What schema version 5 adds (also part of a new store's schema): the fields of an imported NT
// event log record, the kind / KB / import name of a run, the tables of what a run's summary
// shows and the imported files. (A version 5 store also has a full-text index of description
// and strings kept in step by triggers; version 6 replaces it.)
constexpr const char* kVersion5Sql = R"sql(
ALTER TABLE events ADD COLUMN record_number INTEGER;
ALTER TABLE events ADD COLUMN event_identifier INTEGER;
ALTER TABLE events ADD COLUMN category_number INTEGER;
ALTER TABLE events ADD COLUMN user TEXT;
ALTER TABLE events ADD COLUMN written_us INTEGER;
ALTER TABLE runs ADD COLUMN kind TEXT NOT NULL DEFAULT 'run';
ALTER TABLE runs ADD COLUMN kb TEXT;
ALTER TABLE runs ADD COLUMN import_name TEXT;
CREATE UNIQUE INDEX runs_by_import_name ON runs(import_name) WHERE kind = 'import';
CREATE TABLE imports(
  run_id INTEGER NOT NULL REFERENCES runs(run_id),
  position INTEGER NOT NULL,
  path TEXT,
  format TEXT,
  size INTEGER,
  sha256 TEXT,
  records_read INTEGER,
  imported INTEGER,
  skipped INTEGER,
  recovered INTEGER,
  notes TEXT,
  PRIMARY KEY(run_id, position)
);
CREATE INDEX imports_by_sha256 ON imports(sha256);
CREATE TABLE expectations(
  run_id INTEGER NOT NULL REFERENCES runs(run_id),
  position INTEGER NOT NULL,
  profile TEXT,
  text TEXT NOT NULL,
  verdict TEXT NOT NULL,
  evidence TEXT,
  PRIMARY KEY(run_id, position)
);
CREATE TABLE labels(
  run_id INTEGER NOT NULL REFERENCES runs(run_id),
  message_id TEXT NOT NULL,
  label TEXT NOT NULL,
  PRIMARY KEY(run_id, message_id)
);
CREATE TABLE lifecycle(
  run_id INTEGER NOT NULL REFERENCES runs(run_id),
  time_us INTEGER NOT NULL,
  what TEXT NOT NULL,
  service TEXT,
  detail TEXT
);
CREATE INDEX lifecycle_by_run_time ON lifecycle(run_id, time_us);
CREATE TABLE thread_states(
  run_id INTEGER NOT NULL REFERENCES runs(run_id),
  time_us INTEGER NOT NULL,
  thread INTEGER,
  role TEXT,
  state TEXT NOT NULL
);
CREATE INDEX thread_states_by_run_time ON thread_states(run_id, time_us);
)sql";

// What schema version 6 changes (also part of a new store's schema): the events table is made
// again with id = run_id << 32 | seq, so that the table itself is stored in (run_id, seq) order
// and the full-text index returns rowids in that order too; it gains at_us, the absolute time;
// its indexes become (event_id, at_us), (at_us) and the partial (message_id); the full-text
// index is filled by msmisim's writer in the same transaction (a trigger per row costs three
// times as much); event_counts keeps the number of events of
// each ID in each run. Rows of an older store are copied over in (run_id, seq) order.
constexpr const char* kVersion6Sql = R"sql(
DROP TRIGGER IF EXISTS events_fts_ai;
DROP TRIGGER IF EXISTS events_fts_ad;
DROP TABLE IF EXISTS events_fts;
DROP INDEX IF EXISTS events_by_run_seq;
DROP INDEX IF EXISTS events_by_event_id_time;
DROP INDEX IF EXISTS events_by_time;
DROP INDEX IF EXISTS events_by_message_id;
-- Events whose run row is gone (deleted with foreign keys off) keep a run to belong to.
INSERT INTO runs(run_id, scenario)
  SELECT DISTINCT run_id, '(run row lost before schema version 6)' FROM events
   WHERE run_id NOT IN (SELECT run_id FROM runs);
CREATE TABLE events_v6(
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(run_id),
  seq INTEGER NOT NULL,
  time_us INTEGER NOT NULL,
  time TEXT NOT NULL,
  computer TEXT,
  source TEXT NOT NULL,
  event_id INTEGER NOT NULL,
  type TEXT NOT NULL,
  category TEXT,
  level INTEGER,
  thread INTEGER,
  message_id TEXT,
  description TEXT NOT NULL,
  strings TEXT,
  data BLOB,
  record_number INTEGER,
  event_identifier INTEGER,
  category_number INTEGER,
  user TEXT,
  written_us INTEGER,
  at_us INTEGER NOT NULL
);
INSERT INTO events_v6(id, run_id, seq, time_us, time, computer, source, event_id, type, category,
                      level, thread, message_id, description, strings, data, record_number,
                      event_identifier, category_number, user, written_us, at_us)
  SELECT (e.run_id << 32) | e.seq, e.run_id, e.seq, e.time_us, e.time, e.computer, e.source,
         e.event_id, e.type, e.category, e.level, e.thread, e.message_id, e.description,
         e.strings, e.data, e.record_number, e.event_identifier, e.category_number, e.user,
         e.written_us,
         CASE WHEN r.epoch_us IS NULL
              THEN coalesce(unixepoch(substr(e.time, 1, 19)) * 1000000 +
                            CAST(substr(e.time, 21, 3) AS INTEGER) * 1000, e.time_us)
              ELSE r.epoch_us + e.time_us END
    FROM events e LEFT JOIN runs r ON r.run_id = e.run_id
    ORDER BY e.run_id, e.seq;
DROP TABLE events;
ALTER TABLE events_v6 RENAME TO events;
CREATE INDEX events_by_event_id_time ON events(event_id, at_us);
CREATE INDEX events_by_time ON events(at_us);
CREATE INDEX events_by_message_id ON events(message_id) WHERE message_id IS NOT NULL;
CREATE VIRTUAL TABLE events_fts USING fts5(description, strings, content='events',
                                           content_rowid='id');
INSERT INTO events_fts(events_fts) VALUES('rebuild');
CREATE TRIGGER events_fts_ad AFTER DELETE ON events BEGIN
  INSERT INTO events_fts(events_fts, rowid, description, strings)
    VALUES('delete', old.id, old.description, old.strings);
END;
CREATE TABLE event_counts(
  run_id INTEGER NOT NULL REFERENCES runs(run_id),
  event_id INTEGER NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY(run_id, event_id)
) WITHOUT ROWID;
CREATE INDEX event_counts_by_event_id ON event_counts(event_id, count);
CREATE TABLE run_spans(
  run_id INTEGER PRIMARY KEY REFERENCES runs(run_id),
  first_at_us INTEGER NOT NULL,
  last_at_us INTEGER NOT NULL
);
INSERT INTO run_spans(run_id, first_at_us, last_at_us)
  SELECT run_id, first_at_us, last_at_us FROM
    (SELECT run_id,
            (SELECT min(+at_us) FROM events
              WHERE id BETWEEN runs.run_id << 32 AND (runs.run_id << 32) | 4294967295)
              AS first_at_us,
            (SELECT max(+at_us) FROM events
              WHERE id BETWEEN runs.run_id << 32 AND (runs.run_id << 32) | 4294967295)
              AS last_at_us
       FROM runs)
  WHERE first_at_us IS NOT NULL;
INSERT INTO event_counts(run_id, event_id, count)
  SELECT run_id, event_id, count(*) FROM events GROUP BY run_id, event_id;
)sql";

// What schema version 7 adds (also part of a new store's schema): the sweeps, and the sweep
// each run belongs to, so a sweep's runs can be reported together; the ledger indexed by fate.
constexpr const char* kVersion7Sql = R"sql(
CREATE TABLE sweeps(
  sweep_id INTEGER PRIMARY KEY,
  command TEXT,
  scenarios TEXT,
  seeds TEXT,
  profile TEXT,
  swarm INTEGER NOT NULL DEFAULT 0,
  shard TEXT,
  planned INTEGER,
  started_at TEXT,
  finished_at TEXT,
  verdict TEXT,
  msmisim_version TEXT
);
ALTER TABLE runs ADD COLUMN sweep_id INTEGER REFERENCES sweeps(sweep_id);
CREATE INDEX runs_by_sweep ON runs(sweep_id) WHERE sweep_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS messages_by_run_fate ON messages(run_id, fate);
)sql";

// The text of `time` from at_us, as format_iso8601_utc(at_us) writes it, in SQL: ISO-8601
// UTC to the millisecond, the fraction truncated, the day floored for times before 1970.
// strftime() knows the years 0000 to 9999 only, so a time outside 1970 … 2369 is shifted by
// whole 400-year Gregorian cycles (146,097 days, the calendar repeats) into that range and the
// year put back: any int64 at_us gives the same text as the C++ formatter (tst_event_store).
#define MSMI_400_YEARS_US "12622780800000000"
#define MSMI_CYCLES "(at_us / " MSMI_400_YEARS_US " - (at_us % " MSMI_400_YEARS_US " < 0))"
#define MSMI_SHIFTED \
  "((at_us % " MSMI_400_YEARS_US " + " MSMI_400_YEARS_US ") % " MSMI_400_YEARS_US ")"
#define MSMI_YEAR                                                                                  \
  "(CAST(strftime('%Y', " MSMI_SHIFTED " / 1000000, 'unixepoch') AS INTEGER) + 400 * " MSMI_CYCLES \
  ")"
constexpr const char* kTimeOfAtUsSql =
    "CASE WHEN at_us >= 0 AND at_us < " MSMI_400_YEARS_US
    " THEN strftime('%Y-%m-%dT%H:%M:%S', at_us / 1000000, 'unixepoch') || printf('.%03dZ', "
    "at_us / 1000 % 1000) ELSE CASE WHEN " MSMI_YEAR " < 0 THEN '-' || printf('%04d', -" MSMI_YEAR
    ") ELSE printf('%04d', " MSMI_YEAR ") END || strftime('-%m-%dT%H:%M:%S', " MSMI_SHIFTED
    " / 1000000, 'unixepoch') || printf('.%03dZ', " MSMI_SHIFTED " / 1000 % 1000) END";
#undef MSMI_YEAR
#undef MSMI_SHIFTED
#undef MSMI_CYCLES
#undef MSMI_400_YEARS_US

// What schema version 8 changes (also part of a new store's schema): the events table is made
// again with run_id, seq and time generated from id and at_us (VIRTUAL: computed when read,
// never stored) and with per-run indexes; the rows are copied in id order with the same ids.
// events_fts is made again with columnsize=0: FTS5 no longer keeps each row's token counts
// (events_fts_docsize, 14 bytes and one more B-tree insert per event), which only its bm25()
// ranking reads; msmisim lists matches in store order. It is filled again from the rows
// ('rebuild').
// REQUIRES: every row's time is the text kTimeOfAtUsSql makes of its at_us (checked first).
std::string version8_sql() {
  return std::string(R"sql(
DROP TRIGGER IF EXISTS events_fts_ad;
CREATE TABLE events_v8(
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL GENERATED ALWAYS AS (id >> 32) VIRTUAL REFERENCES runs(run_id),
  seq INTEGER GENERATED ALWAYS AS (id & 4294967295) VIRTUAL,
  time_us INTEGER NOT NULL,
  time TEXT GENERATED ALWAYS AS ()sql") +
         kTimeOfAtUsSql + R"sql() VIRTUAL,
  computer TEXT,
  source TEXT NOT NULL,
  event_id INTEGER NOT NULL,
  type TEXT NOT NULL,
  category TEXT,
  level INTEGER,
  thread INTEGER,
  message_id TEXT,
  description TEXT NOT NULL,
  strings TEXT,
  data BLOB,
  record_number INTEGER,
  event_identifier INTEGER,
  category_number INTEGER,
  user TEXT,
  written_us INTEGER,
  at_us INTEGER NOT NULL
);
INSERT INTO events_v8(id, time_us, computer, source, event_id, type, category, level, thread,
                      message_id, description, strings, data, record_number, event_identifier,
                      category_number, user, written_us, at_us)
  SELECT id, time_us, computer, source, event_id, type, category, level, thread, message_id,
         description, strings, data, record_number, event_identifier, category_number, user,
         written_us, at_us
    FROM events ORDER BY id;
DROP TABLE events;
ALTER TABLE events_v8 RENAME TO events;
CREATE INDEX events_by_run_event_id ON events(run_id, event_id, at_us);
CREATE INDEX events_by_run_time ON events(run_id, at_us);
CREATE INDEX events_by_run_message_id ON events(run_id, message_id)
  WHERE message_id IS NOT NULL;
DROP TABLE IF EXISTS events_fts;
CREATE VIRTUAL TABLE events_fts USING fts5(description, strings, content='events',
                                           content_rowid='id', columnsize=0);
INSERT INTO events_fts(events_fts) VALUES('rebuild');
CREATE TRIGGER events_fts_ad AFTER DELETE ON events BEGIN
  INSERT INTO events_fts(events_fts, rowid, description, strings)
    VALUES('delete', old.id, old.description, old.strings);
END;
)sql";
}

// What schema version 9 adds (also part of a new store's schema): the byte of STORE-writers a
// recording process keeps locked, per run and per sweep, and the rows still open by it.
constexpr const char* kVersion9Sql = R"sql(
ALTER TABLE runs ADD COLUMN writer_lock INTEGER;
ALTER TABLE sweeps ADD COLUMN writer_lock INTEGER;
CREATE INDEX runs_unfinished ON runs(writer_lock)
  WHERE verdict IS NULL AND writer_lock IS NOT NULL;
CREATE INDEX sweeps_unfinished ON sweeps(writer_lock)
  WHERE verdict IS NULL AND writer_lock IS NOT NULL;
)sql";

constexpr const char* kSchemaSql = R"sql(
CREATE TABLE runs(
  run_id INTEGER PRIMARY KEY,
  scenario TEXT,
  scenario_sha256 TEXT,
  scenario_text TEXT,
  seed INTEGER,
  profile TEXT,
  defects TEXT,
  started_at TEXT,
  finished_at TEXT,
  verdict TEXT,
  computer TEXT,
  epoch_us INTEGER,
  msmisim_version TEXT,
  command TEXT,
  event_count INTEGER NOT NULL DEFAULT 0,
  virtual_duration_us INTEGER
);
CREATE TABLE events(
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(run_id),
  seq INTEGER NOT NULL,
  time_us INTEGER NOT NULL,
  time TEXT NOT NULL,
  computer TEXT,
  source TEXT NOT NULL,
  event_id INTEGER NOT NULL,
  type TEXT NOT NULL,
  category TEXT,
  level INTEGER,
  thread INTEGER,
  message_id TEXT,
  description TEXT NOT NULL,
  strings TEXT,
  data BLOB
);
CREATE UNIQUE INDEX events_by_run_seq ON events(run_id, seq);
CREATE INDEX events_by_event_id_time ON events(event_id, time_us);
CREATE INDEX events_by_time ON events(time_us);
CREATE INDEX events_by_message_id ON events(message_id) WHERE message_id IS NOT NULL;
CREATE TABLE messages(
  run_id INTEGER NOT NULL REFERENCES runs(run_id),
  message_id TEXT NOT NULL,
  sender TEXT,
  recipients TEXT,
  fate TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  detail TEXT,
  injected_us INTEGER,
  settled_us INTEGER,
  PRIMARY KEY(run_id, message_id)
);
CREATE TABLE samples(
  run_id INTEGER NOT NULL REFERENCES runs(run_id),
  time_us INTEGER NOT NULL,
  thread INTEGER,
  role TEXT,
  busy_pct REAL
);
CREATE INDEX samples_by_run_time ON samples(run_id, time_us);
CREATE TABLE queue_samples(
  run_id INTEGER NOT NULL REFERENCES runs(run_id),
  time_us INTEGER NOT NULL,
  inqueue3 INTEGER,
  p1_files INTEGER,
  mta_queue INTEGER,
  outbound_records INTEGER
);
CREATE INDEX queue_samples_by_run_time ON queue_samples(run_id, time_us);
)sql";

// The oldest schema version a file may have: older files are migrated (read-write) or read as
// they are (read-only).
constexpr int kOldestSchemaVersion = 1;

struct TableContract {
  std::string_view name;
  std::vector<std::string_view> columns;
  int since_version = 1;
};

// The events columns added by schema version 2.
constexpr std::array<std::string_view, 2> kVersion2EventColumns = {"strings", "data"};
// The runs columns added by schema version 4.
constexpr std::array<std::string_view, 2> kVersion4RunColumns = {"options", "file_sha256"};
// The events and runs columns added by schema version 5.
constexpr std::array<std::string_view, 5> kVersion5EventColumns = {
    "record_number", "event_identifier", "category_number", "user", "written_us"};
constexpr std::array<std::string_view, 3> kVersion5RunColumns = {"kind", "kb", "import_name"};
// The events column added by schema version 6.
constexpr std::string_view kVersion6EventColumn = "at_us";
// The runs column added by schema version 7.
constexpr std::string_view kVersion7RunColumn = "sweep_id";
// The runs and sweeps column added by schema version 9.
constexpr std::string_view kVersion9Column = "writer_lock";

// The columns other programs rely on (those of schema version 1, plus kVersion2EventColumns
// from version 2 on); checked every time a file is opened.
const std::array<TableContract, 15>& table_contracts() {
  static const std::array<TableContract, 15> kTables = {{
      {"runs",
       {"run_id", "scenario", "scenario_sha256", "scenario_text", "seed", "profile", "defects",
        "started_at", "finished_at", "verdict", "computer", "epoch_us", "msmisim_version",
        "command", "event_count", "virtual_duration_us"}},
      {"events",
       {"id", "run_id", "seq", "time_us", "time", "computer", "source", "event_id", "type",
        "category", "level", "thread", "message_id", "description"}},
      {"messages",
       {"run_id", "message_id", "sender", "recipients", "fate", "attempts", "detail", "injected_us",
        "settled_us"}},
      {"samples", {"run_id", "time_us", "thread", "role", "busy_pct"}},
      {"queue_samples",
       {"run_id", "time_us", "inqueue3", "p1_files", "mta_queue", "outbound_records"}},
      {"fault_rules", {"run_id", "position", "rule", "matches", "fired"}, 3},
      {"invariants", {"run_id", "name", "passed", "detail"}, 3},
      {"imports",
       {"run_id", "position", "path", "format", "size", "sha256", "records_read", "imported",
        "skipped", "recovered", "notes"},
       5},
      {"expectations", {"run_id", "position", "profile", "text", "verdict", "evidence"}, 5},
      {"labels", {"run_id", "message_id", "label"}, 5},
      {"lifecycle", {"run_id", "time_us", "what", "service", "detail"}, 5},
      {"thread_states", {"run_id", "time_us", "thread", "role", "state"}, 5},
      {"event_counts", {"run_id", "event_id", "count"}, 6},
      {"run_spans", {"run_id", "first_at_us", "last_at_us"}, 6},
      {"sweeps",
       {"sweep_id", "command", "scenarios", "seeds", "profile", "swarm", "shard", "planned",
        "started_at", "finished_at", "verdict", "msmisim_version"},
       7},
  }};
  return kTables;
}

// What the file says about itself, read without writing anything.
struct FileIdentity {
  std::int64_t user_version = 0;
  std::int64_t application_id = 0;
  std::vector<std::string> tables;  // names in sqlite_schema, excluding sqlite_* internals
  std::int64_t schema_objects = 0;  // tables, indexes, views, triggers
};

msmi::Status read_single_int(const SqliteDb& db, std::string_view sql, std::string_view what,
                             std::int64_t* value) {
  SqliteStatement stmt;
  msmi::Status status = stmt.prepare(db, sql, what);
  if (!status.ok()) return status;
  const int rc = stmt.step();
  if (rc == SQLITE_ROW) {
    *value = stmt.column_int64(0);
    return msmi::Status::Ok();
  }
  if (rc == SQLITE_DONE) {
    return msmi::Status::Corruption(db.path() + ": " + std::string(what) + ": no result");
  }
  return db.error(rc, what);
}

msmi::Status read_identity(const SqliteDb& db, FileIdentity* identity) {
  // The first read of the file is where SQLite notices garbage (NOTADB) or a truncated or
  // damaged file (CORRUPT); sqlite_status() names both Corruption.
  constexpr std::string_view kWhat = "reading the database header";
  msmi::Status status = read_single_int(db, "PRAGMA user_version", kWhat, &identity->user_version);
  if (status.ok()) {
    status = read_single_int(db, "PRAGMA application_id", kWhat, &identity->application_id);
  }
  if (status.ok()) {
    status = read_single_int(db, "SELECT count(*) FROM sqlite_master", "reading the schema",
                             &identity->schema_objects);
  }
  if (!status.ok()) return status;
  SqliteStatement stmt;
  status = stmt.prepare(db,
                        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                        "'sqlite\\_%' ESCAPE '\\' ORDER BY name",
                        "reading the schema");
  if (!status.ok()) return status;
  identity->tables.clear();
  int rc;
  while ((rc = stmt.step()) == SQLITE_ROW) identity->tables.push_back(stmt.column_text(0));
  if (rc != SQLITE_DONE) return db.error(rc, "reading the schema");
  return msmi::Status::Ok();
}

std::string hex32(std::int64_t value) {
  constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "0x";
  for (int shift = 28; shift >= 0; shift -= 4) {
    out.push_back(kHex[(static_cast<std::uint32_t>(value) >> shift) & 0xf]);
  }
  return out;
}

bool is_blank(const FileIdentity& identity) {
  return identity.schema_objects == 0 && identity.user_version == 0 &&
         (identity.application_id == 0 || identity.application_id == EventStore::kApplicationId);
}

// Decides whether an identified, non-blank file is an event store of our schema.
msmi::Status check_ours(const SqliteDb& db, const FileIdentity& identity) {
  const std::string& path = db.path();
  if (identity.application_id != 0 && identity.application_id != EventStore::kApplicationId) {
    return msmi::Status::Corruption(path + ": belongs to another application (application_id " +
                                    hex32(identity.application_id) +
                                    "), not an msmisim event store");
  }
  if (identity.user_version == 0) {
    std::string found;
    for (const std::string& table : identity.tables) {
      if (!found.empty()) found += ", ";
      found += table;
    }
    return msmi::Status::Corruption(
        path + ": an SQLite database with someone else's tables (" +
        (found.empty() ? std::string("only indexes/views") : found) +
        ") and no msmisim schema version; refusing to use it as an event store");
  }
  if (identity.user_version > EventStore::kSchemaVersion) {
    return msmi::Status::Corruption(path + ": schema version " +
                                    std::to_string(identity.user_version) +
                                    " is newer than this msmisim understands (" +
                                    std::to_string(EventStore::kSchemaVersion) + ")");
  }
  if (identity.user_version < kOldestSchemaVersion) {
    return msmi::Status::Corruption(path + ": unknown schema version " +
                                    std::to_string(identity.user_version) + " (expected " +
                                    std::to_string(kOldestSchemaVersion) + " to " +
                                    std::to_string(EventStore::kSchemaVersion) + ")");
  }
  SqliteStatement columns;
  msmi::Status status =
      // table_xinfo: table_info leaves out generated columns (run_id, seq, time of version 8).
      columns.prepare(db, "SELECT name FROM pragma_table_xinfo(?1)", "reading the columns");
  if (!status.ok()) return status;
  for (const TableContract& table : table_contracts()) {
    if (table.since_version > identity.user_version) continue;
    if (std::find(identity.tables.begin(), identity.tables.end(), table.name) ==
        identity.tables.end()) {
      return msmi::Status::Corruption(path + ": missing table '" + std::string(table.name) +
                                      "' of the msmisim event store (schema version " +
                                      std::to_string(identity.user_version) + ")");
    }
    std::vector<std::string> present;
    columns.reset();
    columns.bind_text(1, table.name);
    int rc;
    while ((rc = columns.step()) == SQLITE_ROW) present.push_back(columns.column_text(0));
    if (rc != SQLITE_DONE) return db.error(rc, "reading the columns");
    std::vector<std::string_view> required = table.columns;
    if (table.name == "events" && identity.user_version >= 2) {
      required.insert(required.end(), kVersion2EventColumns.begin(), kVersion2EventColumns.end());
    }
    if (table.name == "runs" && identity.user_version >= 4) {
      required.insert(required.end(), kVersion4RunColumns.begin(), kVersion4RunColumns.end());
    }
    if (table.name == "events" && identity.user_version >= 5) {
      required.insert(required.end(), kVersion5EventColumns.begin(), kVersion5EventColumns.end());
    }
    if (table.name == "runs" && identity.user_version >= 5) {
      required.insert(required.end(), kVersion5RunColumns.begin(), kVersion5RunColumns.end());
    }
    if (table.name == "runs" && identity.user_version >= 7) {
      required.push_back(kVersion7RunColumn);
    }
    if ((table.name == "runs" || table.name == "sweeps") && identity.user_version >= 9) {
      required.push_back(kVersion9Column);
    }
    if (table.name == "events" && identity.user_version >= 6) {
      required.push_back(kVersion6EventColumn);
    }

    for (std::string_view column : required) {
      if (std::find(present.begin(), present.end(), column) == present.end()) {
        return msmi::Status::Corruption(path + ": table '" + std::string(table.name) +
                                        "' lacks column '" + std::string(column) + "'");
      }
    }
  }
  return msmi::Status::Ok();
}

// Creates the schema in a blank file. Another process may be doing the same: the identity is
// read again under the write lock and nothing is created if the file is no longer blank.
msmi::Status create_schema(SqliteDb& db) {
  msmi::Status status = db.exec("BEGIN IMMEDIATE", "creating the schema");
  if (!status.ok()) return status;
  FileIdentity identity;
  status = read_identity(db, &identity);
  if (status.ok() && is_blank(identity)) {
    status = db.exec(kSchemaSql, "creating the schema");
    if (status.ok()) status = db.exec(kVersion3TablesSql, "creating the schema");
    if (status.ok()) status = db.exec(kVersion4RunColumnsSql, "creating the schema");
    if (status.ok()) status = db.exec(kVersion5Sql, "creating the schema");
    if (status.ok()) status = db.exec(kVersion6Sql, "creating the schema");
    if (status.ok()) status = db.exec(kVersion7Sql, "creating the schema");
    if (status.ok()) status = db.exec(version8_sql().c_str(), "creating the schema");
    if (status.ok()) status = db.exec(kVersion9Sql, "creating the schema");
    if (status.ok()) {
      const std::string pragmas =
          "PRAGMA application_id = " + std::to_string(EventStore::kApplicationId) +
          "; PRAGMA user_version = " + std::to_string(EventStore::kSchemaVersion) + ";";
      status = db.exec(pragmas.c_str(), "creating the schema");
    }
  }
  if (status.ok()) status = db.exec("COMMIT", "creating the schema");
  if (!status.ok()) sqlite3_exec(db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
  return status;
}

// FTS5 merges the segments of events_fts four at a time by default; in a store of millions of
// events that rewrites the big segments over and over while a run is recorded (three quarters
// of the full-text index's cost, bench_ingest). Sixteen at a time merges a quarter as often;
// a search reads a few more segments, which costs it well under a millisecond. A store made or
// migrated before a setting gets it on its first read-write open. They are kept in
// events_fts_config; a store without events_fts (never at the current version) is left alone,
// and a setting already there is kept. (FTS5's hashsize of 16 MB instead of 1 MB, one segment
// per batch of the writer's, made no difference measurable above the noise of bench_ingest.)
struct FullTextSetting {
  std::string_view key;
  std::int64_t value;
};
constexpr std::array<FullTextSetting, 1> kFullTextSettings = {{
    {"automerge", 16},
}};

msmi::Status tune_full_text_index(SqliteDb& db) {
  constexpr std::string_view kWhat = "tuning the full-text index";
  std::int64_t exists = 0;
  msmi::Status status = read_single_int(
      db, "SELECT count(*) FROM sqlite_master WHERE name = 'events_fts_config'", kWhat, &exists);
  if (!status.ok() || exists == 0) return status;
  for (const FullTextSetting& setting : kFullTextSettings) {
    std::int64_t tuned = 0;
    status = read_single_int(
        db, "SELECT count(*) FROM events_fts_config WHERE k = '" + std::string(setting.key) + "'",
        kWhat, &tuned);
    if (status.ok() && tuned == 0) {
      status = db.exec(("INSERT INTO events_fts(events_fts, rank) VALUES('" +
                        std::string(setting.key) + "', " + std::to_string(setting.value) + ")")
                           .c_str(),
                       kWhat);
    }
    if (!status.ok()) return status;
  }
  return status;
}

// Brings a store of an older schema version up to kSchemaVersion, in one transaction. Another
// process may be migrating the same file: the version is read again under the write lock.
msmi::Status migrate_schema(SqliteDb& db) {
  constexpr std::string_view kWhat = "migrating the schema";
  msmi::Status status = db.exec("BEGIN IMMEDIATE", kWhat);
  if (!status.ok()) return status;
  std::int64_t version = 0;
  status = read_single_int(db, "PRAGMA user_version", kWhat, &version);
  if (status.ok() && version < 2) {
    status = db.exec(
        "ALTER TABLE events ADD COLUMN strings TEXT; ALTER TABLE events ADD COLUMN data BLOB; "
        "PRAGMA user_version = 2;",
        kWhat);
  }
  if (status.ok() && version < 3) {
    status = db.exec(kVersion3TablesSql, kWhat);
    if (status.ok()) status = db.exec("PRAGMA user_version = 3;", kWhat);
  }
  if (status.ok() && version < 4) {
    status = db.exec(kVersion4RunColumnsSql, kWhat);
    if (status.ok()) status = db.exec("PRAGMA user_version = 4;", kWhat);
  }
  if (status.ok() && version < 5) {
    status = db.exec(kVersion5Sql, kWhat);
    if (status.ok()) status = db.exec("PRAGMA user_version = 5;", kWhat);
  }
  if (status.ok() && version < 6) {
    // id = run_id << 32 | seq needs run ids below 2^31 and seqs in 0 … 2^32 - 1; a store
    // outside that stays at its version (readable, read-only) rather than be damaged.
    std::int64_t outside = 0;
    status = read_single_int(db,
                             "SELECT (SELECT count(*) FROM runs WHERE run_id NOT BETWEEN 0 AND "
                             "2147483647) + (SELECT count(*) FROM events WHERE run_id NOT BETWEEN "
                             "0 AND 2147483647 OR seq NOT BETWEEN 0 AND 4294967295)",
                             kWhat, &outside);
    if (status.ok() && outside > 0) {
      status = msmi::Status::InvalidArgument(
          db.path() + ": cannot be brought to schema version 6: " + std::to_string(outside) +
          " runs or events have a run_id outside 0 … 2^31 - 1 or a seq outside 0 … 2^32 - 1; "
          "the store is left at version " +
          std::to_string(version) +
          " (read-only commands "
          "still read it)");
    }
  }
  if (status.ok() && version < 6) {
    // Copies every event into the new table and builds its indexes: minutes for a store of
    // millions of events, once.
    status = db.exec(kVersion6Sql, kWhat);
    if (status.ok()) status = db.exec("PRAGMA user_version = 6;", kWhat);
  }
  if (status.ok() && version < 7) {
    status = db.exec(kVersion7Sql, kWhat);
    if (status.ok()) status = db.exec("PRAGMA user_version = 7;", kWhat);
  }
  if (status.ok() && version < 8) {
    // `time` becomes the text of at_us: a row whose stored text says otherwise (written by
    // another program) would read differently afterwards, so such a store stays at its version.
    std::int64_t differ = 0;
    status = read_single_int(
        db, std::string("SELECT count(*) FROM events WHERE time IS NOT (") + kTimeOfAtUsSql + ")",
        kWhat, &differ);
    if (status.ok() && differ > 0) {
      status = msmi::Status::InvalidArgument(
          db.path() + ": cannot be brought to schema version 8: " + std::to_string(differ) +
          " events have a `time` other than the text of their at_us; the store is left at "
          "version " +
          std::to_string(version) + " (read-only commands still read it)");
    }
  }
  if (status.ok() && version < 8) {
    // Copies every event into the new table, builds its indexes and the full-text index:
    // minutes for a store of tens of millions of events, once.
    status = db.exec(version8_sql().c_str(), kWhat);
    if (status.ok()) status = db.exec("PRAGMA user_version = 8;", kWhat);
  }
  if (status.ok() && version < 9) {
    // Its unfinished runs have no writer_lock: nothing tells whether an older msmisim is still
    // recording them, so they are never taken for interrupted.
    status = db.exec(kVersion9Sql, kWhat);
    if (status.ok()) status = db.exec("PRAGMA user_version = 9;", kWhat);
  }
  if (status.ok()) status = db.exec("COMMIT", kWhat);
  if (!status.ok()) sqlite3_exec(db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
  return status;
}

void read_run_summary(const SqliteStatement& stmt, RunSummary* run) {
  run->run_id = stmt.column_int64(0);
  stmt.column_text_into(1, &run->scenario);
  stmt.column_text_into(2, &run->scenario_sha256);
  run->seed = static_cast<std::uint64_t>(stmt.column_int64(3));
  stmt.column_text_into(4, &run->profile);
  stmt.column_text_into(5, &run->defects);
  stmt.column_text_into(6, &run->started_at);
  stmt.column_text_into(7, &run->finished_at);
  stmt.column_text_into(8, &run->verdict);
  stmt.column_text_into(9, &run->computer);
  run->epoch_us = stmt.column_int64(10);
  stmt.column_text_into(11, &run->msmisim_version);
  run->event_count = stmt.column_int64(12);
  run->virtual_duration_us = stmt.column_int64_or(13, -1);
  stmt.column_text_into(14, &run->command);
  if (stmt.column_is_null(15)) {
    run->kind = "run";
  } else {
    stmt.column_text_into(15, &run->kind);
  }
  stmt.column_text_into(16, &run->kb);
  stmt.column_text_into(17, &run->import_name);
  run->sweep_id = stmt.column_int64_or(18, 0);
}

// A read-only store reads an unfinished run whose process is gone (its writer lock, column 19
// of run_summary_columns(), among `gone`) as interrupted.
void read_as_interrupted_if_gone(const SqliteStatement& stmt, const std::vector<std::int64_t>& gone,
                                 RunSummary* run) {
  if (!run->verdict.empty() || gone.empty() || stmt.column_is_null(19)) return;
  if (std::find(gone.begin(), gone.end(), stmt.column_int64(19)) != gone.end()) {
    run->verdict = "interrupted";
  }
}

// The SELECT of a RunSummary; a store older than version 5 has no kind, kb or import_name.
std::string run_summary_columns(int schema_version) {
  return std::string(
             "SELECT run_id, scenario, scenario_sha256, seed, profile, defects, started_at, "
             "finished_at, verdict, computer, epoch_us, msmisim_version, event_count, "
             "virtual_duration_us, command, ") +
         (schema_version >= 5 ? "kind, kb, import_name, " : "'run', NULL, NULL, ") +
         (schema_version >= 7 ? "sweep_id, " : "NULL, ") +
         (schema_version >= 9 ? "writer_lock" : "NULL") + " FROM runs ";
}

// "file:/abs/path?immutable=1" with the characters a URI gives meaning to escaped.
std::string immutable_uri(const std::string& path) {
  std::error_code ec;
  std::string absolute = std::filesystem::absolute(path, ec).string();
  if (ec) absolute = path;
  std::string uri = "file:";
  constexpr char kHex[] = "0123456789ABCDEF";
  for (const char c : absolute) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f || c == '%' || c == '?' || c == '#') {
      uri += '%';
      uri += kHex[byte >> 4];
      uri += kHex[byte & 0xf];
    } else {
      uri += c;
    }
  }
  return uri + "?immutable=1";
}

// EventStore::set_writer_wait(): how long read-write connections wait for another writer.
struct WriterWait {
  std::chrono::milliseconds limit{EventStore::kBusyTimeoutMs};
  std::function<void(const std::string&)> notice;
};
WriterWait& writer_wait() {
  static WriterWait wait;
  return wait;
}

// Opens the connection, configures it and reads the file's identity (the first read, where
// SQLite notices a damaged file or a -shm it cannot create). Nothing is written.
msmi::Status connect(const std::string& path, bool read_only, bool immutable, SqliteDb* db,
                     FileIdentity* identity) {
  const int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  msmi::Status status = immutable ? db->open_as(path, immutable_uri(path), flags | SQLITE_OPEN_URI)
                                  : db->open(path, flags);
  if (!status.ok()) return status;
  if (!read_only && sqlite3_db_readonly(db->get(), "main") == 1) {
    return msmi::Status::IoError(path + ": is not writable");
  }
  if (read_only) {
    sqlite3_busy_timeout(db->get(), EventStore::kBusyTimeoutMs);
  } else {
    const WriterWait& wait = writer_wait();
    std::function<void()> notice;
    if (wait.notice) notice = [notice = wait.notice, path] { notice(path); };
    db->wait_when_busy(wait.limit, std::move(notice));
  }
  // A 64 MiB page cache keeps the pages a writer touches (the tails of its run's indexes) in
  // memory; a reader also maps up to 256 MiB of the file, for searches over millions of rows. A
  // writer maps nothing: its reads are few, and mapped pages would make a long recording's
  // resident memory grow with the file. These settings live only with the connection.
  // A reader's connection also refuses every write (query_only), whatever SQL it is given.
  status = db->exec(read_only ? "PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536; "
                                "PRAGMA mmap_size = 268435456; PRAGMA temp_store = MEMORY; "
                                "PRAGMA query_only = 1"
                              : "PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536; "
                                "PRAGMA mmap_size = 0; PRAGMA temp_store = MEMORY",
                    "configuring the connection");
  if (!status.ok()) return status;
  // Identify the file before writing anything to it.
  return read_identity(*db, identity);
}

}  // namespace

void EventStore::set_writer_wait(std::chrono::milliseconds limit,
                                 std::function<void(const std::string& path)> notice) {
  writer_wait() = WriterWait{limit, std::move(notice)};
}

// ---------------------------------------------------------------------------------------------
// Opening and closing

EventStore::EventStore(std::string path, bool read_only, std::unique_ptr<SqliteDb> db)
    : path_(std::move(path)), read_only_(read_only), db_(std::move(db)) {}

EventStore::~EventStore() {
  // Writers hold prepared statements on our connection: they must be finalized before close.
  const std::vector<EventWriter*> writers = std::move(writers_);
  writers_.clear();
  for (EventWriter* writer : writers) writer->detach();
  if (!read_only_) {
    rollback_transaction();
    // Best effort: what cannot be written now is marked by the next read-write open.
    (void)interrupt_own_rows();
  }
}

msmi::Status EventStore::open(const std::string& path, std::unique_ptr<EventStore>* out) {
  return open_impl(path, /*read_only=*/false, out);
}

msmi::Status EventStore::open_read_only(const std::string& path, std::unique_ptr<EventStore>* out) {
  return open_impl(path, /*read_only=*/true, out);
}

msmi::Status EventStore::open_impl(const std::string& path, bool read_only,
                                   std::unique_ptr<EventStore>* out) {
  out->reset();
  if (path.empty()) return msmi::Status::InvalidArgument("event store path is empty");

  // SQLite would open a directory or a device and fail later with a vaguer message.
  std::error_code ec;
  const std::filesystem::file_status file = std::filesystem::status(path, ec);
  const bool exists = !ec && std::filesystem::exists(file);
  if (exists && std::filesystem::is_directory(file)) {
    return msmi::Status::IoError(path + ": is a directory, not an event store file");
  }
  if (exists && !std::filesystem::is_regular_file(file)) {
    return msmi::Status::IoError(path + ": is not a regular file");
  }
  if (read_only && !exists) {
    return msmi::Status::NotFound(path + ": no such event store file");
  }

  auto db = std::make_unique<SqliteDb>();
  FileIdentity identity;
  msmi::Status status = connect(path, read_only, /*immutable=*/false, db.get(), &identity);
  bool immutable = false;
  if (read_only && status.code() == msmi::Status::Code::kIoError) {
    // A WAL-mode store on read-only media (or in a directory we may not write) cannot get its
    // -shm index: read it as immutable, without locks or WAL, as nobody can be writing it.
    auto fallback = std::make_unique<SqliteDb>();
    if (connect(path, read_only, /*immutable=*/true, fallback.get(), &identity).ok()) {
      db = std::move(fallback);
      immutable = true;
      status = msmi::Status::Ok();
    }
  }
  if (!status.ok()) return status;
  const bool blank = is_blank(identity);
  if (blank && read_only) {
    return msmi::Status::NotFound(path + ": holds no msmisim event store (empty database)");
  }
  if (!blank) {
    status = check_ours(*db, identity);
    if (!status.ok()) return status;
  }

  if (!read_only) {
    // Now the file is ours (or blank), so changing its journal mode is allowed.
    status = db->exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL",
                      "configuring the connection");
    if (!status.ok()) return status;
    if (blank) {
      status = create_schema(*db);
      if (!status.ok()) return status;
      status = read_identity(*db, &identity);
      if (status.ok()) status = check_ours(*db, identity);
      if (!status.ok()) return status;
    } else if (identity.user_version < kSchemaVersion) {
      status = migrate_schema(*db);
      if (status.ok()) status = read_identity(*db, &identity);
      if (status.ok()) status = check_ours(*db, identity);
      if (!status.ok()) return status;
    }
    status = tune_full_text_index(*db);
    if (!status.ok()) return status;
  }

  std::unique_ptr<EventStore> store(new EventStore(path, read_only, std::move(db)));
  store->schema_version_ = static_cast<int>(identity.user_version);
  store->immutable_ = immutable;
  if (store->schema_version_ >= 9) {
    // Without the file (a directory we may not write, no such locks) runs are recorded without
    // a writer_lock and none is taken for interrupted.
    store->locks_ = std::make_unique<WriterLocks>();
    (void)store->locks_->open(path, /*create=*/!read_only);
  }
  if (!read_only) {
    status = store->interrupt_abandoned();
    if (!status.ok()) return status;
  }
  *out = std::move(store);
  return msmi::Status::Ok();
}

msmi::Status EventStore::check_writable() const {
  if (read_only_) return msmi::Status::IoError(path_ + ": event store was opened read-only");
  return msmi::Status::Ok();
}

msmi::Status EventStore::check_run_exists(std::int64_t run_id) const {
  SqliteStatement stmt;
  msmi::Status status = stmt.prepare(*db_, "SELECT 1 FROM runs WHERE run_id = ?1", "finding run");
  if (!status.ok()) return status;
  stmt.bind_int64(1, run_id);
  const int rc = stmt.step();
  if (rc == SQLITE_ROW) return msmi::Status::Ok();
  if (rc == SQLITE_DONE) {
    return msmi::Status::NotFound(path_ + ": no run " + std::to_string(run_id));
  }
  return db_->error(rc, "finding run");
}

void EventStore::forget_writer(EventWriter* writer) {
  writers_.erase(std::remove(writers_.begin(), writers_.end(), writer), writers_.end());
}

// ---------------------------------------------------------------------------------------------
// Writing

msmi::Status EventStore::begin_run(const RunRecord& run, std::int64_t* run_id) {
  msmi::Status status = check_writable();
  if (!status.ok()) return status;
  if (run.kind != "run" && run.kind != "import") {
    return msmi::Status::InvalidArgument(path_ + ": run kind '" + run.kind +
                                         "' is not 'run' or 'import'");
  }
  if (run.kind == "import" && run.import_name.empty()) {
    return msmi::Status::InvalidArgument(path_ + ": an import needs a name");
  }
  constexpr std::string_view kWhat = "inserting run";
  // The id is chosen, and its writer lock taken, under the write lock, before the row commits:
  // nobody ever sees the row open without its lock held.
  const bool nested = in_transaction();
  WriteTransaction transaction(*db_);
  status = transaction.begin(kWhat);
  if (!status.ok()) return status;
  // Events are keyed run_id << 32 | seq (schema version 6): run ids stay below 2^31.
  std::int64_t last_run = 0;
  status = read_single_int(*db_, "SELECT coalesce(max(run_id), 0) FROM runs", kWhat, &last_run);
  if (!status.ok()) return status;
  if (last_run >= kMaxRunId) {
    return msmi::Status::InvalidArgument(path_ + ": holds run " + std::to_string(last_run) +
                                         ", the most a store can (2^31 - 1); start a new store");
  }
  const std::int64_t id = last_run + 1;
  SqliteStatement stmt;
  status = stmt.prepare(*db_,
                        "INSERT INTO runs(scenario, scenario_sha256, scenario_text, seed, profile, "
                        "defects, started_at, computer, epoch_us, msmisim_version, command, "
                        "options, file_sha256, kind, kb, import_name, sweep_id, run_id, "
                        "writer_lock) "
                        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
                        "?16, ?17, ?18, ?19)",
                        kWhat);
  if (!status.ok()) return status;
  const bool locked = take_writer_lock(id, nested);
  const std::string digest =
      run.scenario_sha256.empty() ? sha256_hex(run.scenario_text) : run.scenario_sha256;
  stmt.bind_text(1, run.scenario);
  stmt.bind_text(2, digest);
  stmt.bind_text(3, run.scenario_text);
  stmt.bind_int64(4, static_cast<std::int64_t>(run.seed));
  stmt.bind_text(5, run.profile);
  stmt.bind_text(6, run.defects);
  stmt.bind_text(7, run.started_at);
  stmt.bind_text(8, run.computer);
  stmt.bind_int64(9, run.epoch_us);
  stmt.bind_text(10, run.msmisim_version);
  stmt.bind_text(11, run.command);
  stmt.bind_text(12, run.options.empty() ? std::string("{}") : run.options);
  stmt.bind_text_or_null(13, run.file_sha256);
  stmt.bind_text(14, run.kind);
  stmt.bind_text_or_null(15, run.kb);
  stmt.bind_text_or_null(16, run.kind == "import" ? std::string_view(run.import_name) : "");
  if (run.sweep_id > 0) stmt.bind_int64(17, run.sweep_id);
  stmt.bind_int64(18, id);
  if (locked) stmt.bind_int64(19, id);
  const int rc = stmt.step();
  if (rc == SQLITE_CONSTRAINT_UNIQUE && run.kind == "import") {
    status = msmi::Status::InvalidArgument(path_ + ": an import named '" + run.import_name +
                                           "' already exists (give another --name)");
  } else if (rc != SQLITE_DONE) {
    status = db_->error(rc, kWhat);
  }
  if (status.ok()) status = transaction.commit(kWhat);
  if (!status.ok()) {
    if (locked) forget_writer_lock(id);
    return status;
  }
  *run_id = id;
  return msmi::Status::Ok();
}

msmi::Status EventStore::begin_import(std::string_view import_name, RunRecord run,
                                      std::int64_t* run_id) {
  run.kind = "import";
  run.import_name = std::string(import_name);
  return begin_run(run, run_id);
}

msmi::Status EventStore::find_import(std::string_view import_name, std::int64_t* run_id) const {
  constexpr std::string_view kWhat = "finding an import";
  if (schema_version_ < 5) {
    return msmi::Status::NotFound(path_ + ": no import named '" + std::string(import_name) +
                                  "' (schema version " + std::to_string(schema_version_) +
                                  " has no imports)");
  }
  SqliteStatement stmt;
  msmi::Status status = stmt.prepare(
      *db_, "SELECT run_id FROM runs WHERE kind = 'import' AND import_name = ?1", kWhat);
  if (!status.ok()) return status;
  stmt.bind_text(1, import_name);
  const int rc = stmt.step();
  if (rc == SQLITE_DONE) {
    return msmi::Status::NotFound(path_ + ": no import named '" + std::string(import_name) + "'");
  }
  if (rc != SQLITE_ROW) return db_->error(rc, kWhat);
  *run_id = stmt.column_int64(0);
  return msmi::Status::Ok();
}

msmi::Status EventStore::begin_transaction() {
  msmi::Status status = check_writable();
  if (!status.ok()) return status;
  if (sqlite3_get_autocommit(db_->get()) == 0) {
    return msmi::Status::InvalidArgument(path_ + ": a transaction is already open");
  }
  failed_in_transaction_ = msmi::Status::Ok();
  return db_->exec("BEGIN IMMEDIATE", "beginning a transaction");
}

bool EventStore::in_transaction() const {
  return sqlite3_get_autocommit(db_->get()) == 0;
}

msmi::Status EventStore::commit_transaction() {
  for (EventWriter* writer : writers_) (void)writer->flush();  // errors stay in the writer
  for (EventWriter* writer : writers_) {
    if (!writer->status().ok()) {
      rollback_transaction();
      return writer->status();
    }
  }
  if (!failed_in_transaction_.ok()) {
    const msmi::Status failed = failed_in_transaction_;
    rollback_transaction();
    return failed;
  }
  msmi::Status status = db_->exec("COMMIT", "committing a transaction");
  if (!status.ok()) {
    rollback_transaction();
    return status;
  }
  writer_locks_committed();
  return status;
}

void EventStore::rollback_transaction() {
  if (sqlite3_get_autocommit(db_->get()) == 0) {
    sqlite3_exec(db_->get(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
  failed_in_transaction_ = msmi::Status::Ok();
  writer_locks_rolled_back();
}

msmi::Status EventStore::finish_run(std::int64_t run_id, std::string_view verdict,
                                    std::string_view finished_at,
                                    std::int64_t virtual_duration_us) {
  msmi::Status status = check_writable();
  if (!status.ok()) return status;
  // event_count must include what live writers still buffer.
  for (EventWriter* writer : writers_) {
    // A writer's failure stays in its own status(), which its owner reports.
    if (writer->run_id() == run_id) (void)writer->flush();
  }
  SqliteStatement stmt;
  status = stmt.prepare(
      *db_,
      "UPDATE runs SET verdict = ?2, finished_at = ?3, virtual_duration_us = ?4, "
      "event_count = (SELECT coalesce(sum(count), 0) FROM event_counts WHERE run_id = ?1) "
      "WHERE run_id = ?1",
      "finishing run");
  if (!status.ok()) return status;
  stmt.bind_int64(1, run_id);
  stmt.bind_text(2, verdict);
  stmt.bind_text(3, finished_at);
  stmt.bind_int64(4, virtual_duration_us);
  const int rc = stmt.step();
  if (rc != SQLITE_DONE) return db_->error(rc, "finishing run");
  if (sqlite3_changes(db_->get()) == 0) {
    return msmi::Status::NotFound(path_ + ": no run " + std::to_string(run_id) + " to finish");
  }
  drop_writer_lock(run_id);
  return msmi::Status::Ok();
}

template <typename Row, typename BindRow>
msmi::Status EventStore::insert_all(std::string_view sql, std::string_view what,
                                    std::int64_t run_id, const std::vector<Row>& rows,
                                    BindRow bind_row) {
  msmi::Status status = check_writable();
  if (status.ok()) status = check_run_exists(run_id);
  if (!status.ok()) return status;
  SqliteStatement stmt;
  status = stmt.prepare(*db_, sql, what, /*reused=*/true);
  if (!status.ok()) return status;
  WriteTransaction transaction(*db_);
  status = transaction.begin(what);
  if (!status.ok()) return status;
  for (const Row& row : rows) {
    stmt.bind_int64(1, run_id);
    bind_row(row, stmt);
    const int rc = stmt.step();
    if (rc != SQLITE_DONE) {
      status = db_->error(rc, what);
      break;
    }
    stmt.reset();
  }
  stmt.reset();
  if (status.ok()) status = transaction.commit(what);
  return status;
}

msmi::Status EventStore::write_ledger(std::int64_t run_id, const std::vector<LedgerRow>& rows) {
  return insert_all(
      "INSERT INTO messages(run_id, message_id, sender, recipients, fate, attempts, "
      "detail, injected_us, settled_us) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
      "writing the message ledger", run_id, rows, [](const LedgerRow& row, SqliteStatement& stmt) {
        stmt.bind_text_static(2, row.message_id);
        stmt.bind_text_static(3, row.sender);
        stmt.bind_text_static(4, row.recipients);
        stmt.bind_text_static(5, row.fate);
        stmt.bind_int64(6, row.attempts);
        stmt.bind_text_static(7, row.detail);
        stmt.bind_int64(8, row.injected_us);
        stmt.bind_int64_or_null(9, row.settled_us);
      });
}

msmi::Status EventStore::write_samples(std::int64_t run_id, const std::vector<SampleRow>& rows) {
  return insert_all(
      "INSERT INTO samples(run_id, time_us, thread, role, busy_pct) VALUES(?1, ?2, ?3, ?4, ?5)",
      "writing samples", run_id, rows, [](const SampleRow& row, SqliteStatement& stmt) {
        stmt.bind_int64(2, row.time_us);
        stmt.bind_int64(3, row.thread);
        stmt.bind_text_static(4, row.role);
        stmt.bind_double(5, row.busy_pct);
      });
}

msmi::Status EventStore::write_queue_samples(std::int64_t run_id,
                                             const std::vector<QueueSampleRow>& rows) {
  return insert_all(
      "INSERT INTO queue_samples(run_id, time_us, inqueue3, p1_files, mta_queue, "
      "outbound_records) VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
      "writing queue samples", run_id, rows, [](const QueueSampleRow& row, SqliteStatement& stmt) {
        stmt.bind_int64(2, row.time_us);
        stmt.bind_int64(3, row.inqueue3);
        stmt.bind_int64(4, row.p1_files);
        stmt.bind_int64(5, row.mta_queue);
        stmt.bind_int64(6, row.outbound_records);
      });
}

msmi::Status EventStore::write_fault_rules(std::int64_t run_id,
                                           const std::vector<FaultRuleRow>& rows) {
  return insert_all(
      "INSERT INTO fault_rules(run_id, position, rule, matches, fired) VALUES(?1, ?2, ?3, ?4, ?5)",
      "writing fault rules", run_id, rows, [](const FaultRuleRow& row, SqliteStatement& stmt) {
        stmt.bind_int64(2, row.position);
        stmt.bind_text(3, row.rule);
        stmt.bind_int64(4, row.matches);
        stmt.bind_int64(5, row.fired);
      });
}

msmi::Status EventStore::write_invariants(std::int64_t run_id,
                                          const std::vector<InvariantRow>& rows) {
  return insert_all("INSERT INTO invariants(run_id, name, passed, detail) VALUES(?1, ?2, ?3, ?4)",
                    "writing invariants", run_id, rows,
                    [](const InvariantRow& row, SqliteStatement& stmt) {
                      stmt.bind_text(2, row.name);
                      stmt.bind_int64(3, row.passed ? 1 : 0);
                      stmt.bind_text(4, row.detail);
                    });
}

msmi::Status EventStore::write_imports(std::int64_t run_id, const std::vector<ImportRow>& rows) {
  return insert_all(
      "INSERT INTO imports(run_id, position, path, format, size, sha256, records_read, imported, "
      "skipped, recovered, notes) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
      "writing imports", run_id, rows, [](const ImportRow& row, SqliteStatement& stmt) {
        stmt.bind_int64(2, row.position);
        stmt.bind_text_static(3, row.path);
        stmt.bind_text_static(4, row.format);
        stmt.bind_int64(5, row.size);
        stmt.bind_text_static(6, row.sha256);
        stmt.bind_int64(7, row.records_read);
        stmt.bind_int64(8, row.imported);
        stmt.bind_int64(9, row.skipped);
        stmt.bind_int64(10, row.recovered);
        stmt.bind_text_or_null(11, row.notes);
      });
}

msmi::Status EventStore::write_expectations(std::int64_t run_id,
                                            const std::vector<ExpectationRow>& rows) {
  return insert_all(
      "INSERT INTO expectations(run_id, position, profile, text, verdict, evidence) "
      "VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
      "writing expectations", run_id, rows, [](const ExpectationRow& row, SqliteStatement& stmt) {
        stmt.bind_int64(2, row.position);
        stmt.bind_text_or_null(3, row.profile);
        stmt.bind_text_static(4, row.text);
        stmt.bind_text_static(5, row.verdict);
        stmt.bind_text_static(6, row.evidence);
      });
}

msmi::Status EventStore::write_labels(std::int64_t run_id, const std::vector<LabelRow>& rows) {
  return insert_all("INSERT INTO labels(run_id, message_id, label) VALUES(?1, ?2, ?3)",
                    "writing labels", run_id, rows, [](const LabelRow& row, SqliteStatement& stmt) {
                      stmt.bind_text_static(2, row.message_id);
                      stmt.bind_text_static(3, row.label);
                    });
}

msmi::Status EventStore::write_lifecycle(std::int64_t run_id,
                                         const std::vector<LifecycleRow>& rows) {
  return insert_all(
      "INSERT INTO lifecycle(run_id, time_us, what, service, detail) VALUES(?1, ?2, ?3, ?4, ?5)",
      "writing lifecycle", run_id, rows, [](const LifecycleRow& row, SqliteStatement& stmt) {
        stmt.bind_int64(2, row.time_us);
        stmt.bind_text_static(3, row.what);
        stmt.bind_text_or_null(4, row.service);
        stmt.bind_text_static(5, row.detail);
      });
}

msmi::Status EventStore::write_thread_states(std::int64_t run_id,
                                             const std::vector<ThreadStateRow>& rows) {
  return insert_all(
      "INSERT INTO thread_states(run_id, time_us, thread, role, state) VALUES(?1, ?2, ?3, ?4, ?5)",
      "writing thread states", run_id, rows, [](const ThreadStateRow& row, SqliteStatement& stmt) {
        stmt.bind_int64(2, row.time_us);
        stmt.bind_int64(3, row.thread);
        stmt.bind_text_static(4, row.role);
        stmt.bind_text_static(5, row.state);
      });
}

std::unique_ptr<EventWriter> EventStore::open_writer(std::int64_t run_id, std::string computer,
                                                     std::int64_t epoch_us) {
  std::unique_ptr<EventWriter> writer(new EventWriter(this, run_id, std::move(computer), epoch_us));
  writers_.push_back(writer.get());
  writer->start();
  return writer;
}

// ---------------------------------------------------------------------------------------------
// Reading runs, ledger and samples (events: event_query.cpp)

msmi::Status EventStore::list_runs(std::vector<RunSummary>* runs) const {
  runs->clear();
  return for_each_run([runs](const RunSummary& run) {
    runs->push_back(run);
    return true;
  });
}

msmi::Status EventStore::for_each_run(const std::function<bool(const RunSummary&)>& on_run) const {
  // Asked before the rows are read: a run still open in them whose lock was already free then
  // was never finished (a finished run's verdict commits before its lock is let go).
  const std::vector<std::int64_t> gone = unmarked_interrupted();
  SqliteStatement stmt;
  msmi::Status status =
      stmt.prepare(*db_, run_summary_columns(schema_version_) + "ORDER BY run_id", "listing runs");
  if (!status.ok()) return status;
  int rc;
  RunSummary run;  // reused, so its strings keep their buffers from run to run
  while ((rc = stmt.step()) == SQLITE_ROW) {
    read_run_summary(stmt, &run);
    read_as_interrupted_if_gone(stmt, gone, &run);
    if (!on_run(run)) return msmi::Status::Ok();
  }
  if (rc != SQLITE_DONE) return db_->error(rc, "listing runs");
  return msmi::Status::Ok();
}

msmi::Status EventStore::get_run(std::int64_t run_id, RunSummary* run) const {
  const std::vector<std::int64_t> gone = unmarked_interrupted();  // first, as for_each_run()
  SqliteStatement stmt;
  msmi::Status status =
      stmt.prepare(*db_, run_summary_columns(schema_version_) + "WHERE run_id = ?1", "reading run");
  if (!status.ok()) return status;
  stmt.bind_int64(1, run_id);
  const int rc = stmt.step();
  if (rc == SQLITE_DONE) {
    return msmi::Status::NotFound(path_ + ": no run " + std::to_string(run_id));
  }
  if (rc != SQLITE_ROW) return db_->error(rc, "reading run");
  read_run_summary(stmt, run);
  read_as_interrupted_if_gone(stmt, gone, run);
  return msmi::Status::Ok();
}

msmi::Status EventStore::read_run_record(std::int64_t run_id, RunRecord* run) const {
  constexpr std::string_view kWhat = "reading run";
  // A store older than version 4 is read as it is (read-only): it has no options.
  const std::string sql =
      std::string(
          "SELECT scenario, scenario_sha256, scenario_text, seed, profile, "
          "defects, started_at, computer, epoch_us, msmisim_version, command, ") +
      (schema_version_ >= 4 ? "options, file_sha256, " : "NULL, NULL, ") +
      (schema_version_ >= 5 ? "kind, kb, import_name" : "'run', NULL, NULL") +
      " FROM runs WHERE run_id = ?1";
  SqliteStatement stmt;
  msmi::Status status = stmt.prepare(*db_, sql, kWhat);
  if (!status.ok()) return status;
  stmt.bind_int64(1, run_id);
  const int rc = stmt.step();
  if (rc == SQLITE_DONE) {
    return msmi::Status::NotFound(path_ + ": no run " + std::to_string(run_id));
  }
  if (rc != SQLITE_ROW) return db_->error(rc, kWhat);
  *run = RunRecord();
  run->scenario = stmt.column_text(0);
  run->scenario_sha256 = stmt.column_text(1);
  run->scenario_text = stmt.column_text(2);
  run->seed = static_cast<std::uint64_t>(stmt.column_int64(3));
  run->profile = stmt.column_text(4);
  run->defects = stmt.column_text(5);
  run->started_at = stmt.column_text(6);
  run->computer = stmt.column_text(7);
  run->epoch_us = stmt.column_int64(8);
  run->msmisim_version = stmt.column_text(9);
  run->command = stmt.column_text(10);
  run->options = stmt.column_text(11);
  run->file_sha256 = stmt.column_text(12);
  run->kind = stmt.column_is_null(13) ? std::string("run") : stmt.column_text(13);
  run->kb = stmt.column_text(14);
  run->import_name = stmt.column_text(15);
  return msmi::Status::Ok();
}

msmi::Status EventStore::latest_run_id(std::int64_t* run_id) const {
  SqliteStatement stmt;
  msmi::Status status = stmt.prepare(*db_, "SELECT max(run_id) FROM runs", "finding latest run");
  if (!status.ok()) return status;
  const int rc = stmt.step();
  if (rc != SQLITE_ROW) return db_->error(rc, "finding latest run");
  if (stmt.column_is_null(0)) return msmi::Status::NotFound(path_ + ": no runs recorded yet");
  *run_id = stmt.column_int64(0);
  return msmi::Status::Ok();
}

msmi::Status EventStore::read_ledger(std::int64_t run_id, std::vector<LedgerRow>* rows) const {
  rows->clear();
  constexpr std::string_view kWhat = "reading the message ledger";
  SqliteStatement stmt;
  msmi::Status status = stmt.prepare(*db_,
                                     "SELECT message_id, sender, recipients, fate, attempts, "
                                     "detail, injected_us, settled_us FROM messages "
                                     "WHERE run_id = ?1 ORDER BY message_id",
                                     kWhat);
  if (!status.ok()) return status;
  stmt.bind_int64(1, run_id);
  int rc;
  while ((rc = stmt.step()) == SQLITE_ROW) {
    LedgerRow row;
    row.message_id = stmt.column_text(0);
    row.sender = stmt.column_text(1);
    row.recipients = stmt.column_text(2);
    row.fate = stmt.column_text(3);
    row.attempts = static_cast<int>(stmt.column_int64(4));
    row.detail = stmt.column_text(5);
    row.injected_us = stmt.column_int64(6);
    row.settled_us = stmt.column_int64_or(7, -1);
    rows->push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) return db_->error(rc, kWhat);
  return msmi::Status::Ok();
}

msmi::Status EventStore::read_samples(std::int64_t run_id, std::vector<SampleRow>* rows) const {
  rows->clear();
  constexpr std::string_view kWhat = "reading samples";
  SqliteStatement stmt;
  msmi::Status status = stmt.prepare(*db_,
                                     "SELECT time_us, thread, role, busy_pct FROM samples "
                                     "WHERE run_id = ?1 ORDER BY time_us, thread, rowid",
                                     kWhat);
  if (!status.ok()) return status;
  stmt.bind_int64(1, run_id);
  int rc;
  while ((rc = stmt.step()) == SQLITE_ROW) {
    SampleRow row;
    row.time_us = stmt.column_int64(0);
    row.thread = static_cast<int>(stmt.column_int64(1));
    row.role = stmt.column_text(2);
    row.busy_pct = stmt.column_double(3);
    rows->push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) return db_->error(rc, kWhat);
  return msmi::Status::Ok();
}

msmi::Status EventStore::read_queue_samples(std::int64_t run_id,
                                            std::vector<QueueSampleRow>* rows) const {
  rows->clear();
  constexpr std::string_view kWhat = "reading queue samples";
  SqliteStatement stmt;
  msmi::Status status =
      stmt.prepare(*db_,
                   "SELECT time_us, inqueue3, p1_files, mta_queue, outbound_records "
                   "FROM queue_samples WHERE run_id = ?1 ORDER BY time_us, rowid",
                   kWhat);
  if (!status.ok()) return status;
  stmt.bind_int64(1, run_id);
  int rc;
  while ((rc = stmt.step()) == SQLITE_ROW) {
    QueueSampleRow row;
    row.time_us = stmt.column_int64(0);
    row.inqueue3 = stmt.column_int64(1);
    row.p1_files = stmt.column_int64(2);
    row.mta_queue = stmt.column_int64(3);
    row.outbound_records = stmt.column_int64(4);
    rows->push_back(row);
  }
  if (rc != SQLITE_DONE) return db_->error(rc, kWhat);
  return msmi::Status::Ok();
}

template <typename Row, typename ReadRow>
msmi::Status EventStore::read_all(std::string_view sql, std::string_view what, std::int64_t run_id,
                                  std::vector<Row>* rows, ReadRow read_row,
                                  int since_version) const {
  rows->clear();
  // A store older than the table, read as it is, has none of it: no rows.
  if (schema_version_ < since_version) return msmi::Status::Ok();
  SqliteStatement stmt;
  msmi::Status status = stmt.prepare(*db_, sql, what);
  if (!status.ok()) return status;
  if (run_id >= 0) stmt.bind_int64(1, run_id);
  int rc;
  while ((rc = stmt.step()) == SQLITE_ROW) {
    Row row;
    read_row(stmt, &row);
    rows->push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) return db_->error(rc, what);
  return msmi::Status::Ok();
}

namespace {
constexpr std::string_view kImportColumns =
    "SELECT run_id, position, path, format, size, sha256, records_read, imported, skipped, "
    "recovered, notes FROM imports ";

void read_import_row(const SqliteStatement& stmt, ImportRow* row) {
  row->run_id = stmt.column_int64(0);
  row->position = stmt.column_int64(1);
  row->path = stmt.column_text(2);
  row->format = stmt.column_text(3);
  row->size = stmt.column_int64(4);
  row->sha256 = stmt.column_text(5);
  row->records_read = stmt.column_int64(6);
  row->imported = stmt.column_int64(7);
  row->skipped = stmt.column_int64(8);
  row->recovered = stmt.column_int64(9);
  row->notes = stmt.column_text(10);
}
}  // namespace

msmi::Status EventStore::read_imports(std::int64_t run_id, std::vector<ImportRow>* rows) const {
  return read_all(std::string(kImportColumns) + "WHERE run_id = ?1 ORDER BY position",
                  "reading imports", run_id, rows, read_import_row);
}

msmi::Status EventStore::find_imports_by_sha256(std::string_view sha256,
                                                std::vector<ImportRow>* rows) const {
  rows->clear();
  if (schema_version_ < 5) return msmi::Status::Ok();
  constexpr std::string_view kWhat = "finding imported files";
  SqliteStatement stmt;
  msmi::Status status = stmt.prepare(
      *db_, std::string(kImportColumns) + "WHERE sha256 = ?1 ORDER BY run_id, position", kWhat);
  if (!status.ok()) return status;
  stmt.bind_text(1, sha256);
  int rc;
  while ((rc = stmt.step()) == SQLITE_ROW) {
    ImportRow row;
    read_import_row(stmt, &row);
    rows->push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) return db_->error(rc, kWhat);
  return msmi::Status::Ok();
}

msmi::Status EventStore::read_expectations(std::int64_t run_id,
                                           std::vector<ExpectationRow>* rows) const {
  return read_all(
      "SELECT position, profile, text, verdict, evidence FROM expectations WHERE run_id = ?1 "
      "ORDER BY position",
      "reading expectations", run_id, rows, [](const SqliteStatement& stmt, ExpectationRow* row) {
        row->position = stmt.column_int64(0);
        row->profile = stmt.column_text(1);
        row->text = stmt.column_text(2);
        row->verdict = stmt.column_text(3);
        row->evidence = stmt.column_text(4);
      });
}

msmi::Status EventStore::read_labels(std::int64_t run_id, std::vector<LabelRow>* rows) const {
  return read_all("SELECT message_id, label FROM labels WHERE run_id = ?1 ORDER BY message_id",
                  "reading labels", run_id, rows, [](const SqliteStatement& stmt, LabelRow* row) {
                    row->message_id = stmt.column_text(0);
                    row->label = stmt.column_text(1);
                  });
}

msmi::Status EventStore::read_lifecycle(std::int64_t run_id,
                                        std::vector<LifecycleRow>* rows) const {
  return read_all(
      "SELECT time_us, what, service, detail FROM lifecycle WHERE run_id = ?1 "
      "ORDER BY time_us, rowid",
      "reading lifecycle", run_id, rows, [](const SqliteStatement& stmt, LifecycleRow* row) {
        row->time_us = stmt.column_int64(0);
        row->what = stmt.column_text(1);
        row->service = stmt.column_text(2);
        row->detail = stmt.column_text(3);
      });
}

msmi::Status EventStore::read_thread_states(std::int64_t run_id,
                                            std::vector<ThreadStateRow>* rows) const {
  return read_all(
      "SELECT time_us, thread, role, state FROM thread_states WHERE run_id = ?1 "
      "ORDER BY time_us, thread, rowid",
      "reading thread states", run_id, rows, [](const SqliteStatement& stmt, ThreadStateRow* row) {
        row->time_us = stmt.column_int64(0);
        row->thread = static_cast<int>(stmt.column_int64(1));
        row->role = stmt.column_text(2);
        row->state = stmt.column_text(3);
      });
}

msmi::Status EventStore::read_fault_rules(std::int64_t run_id,
                                          std::vector<FaultRuleRow>* rows) const {
  return read_all(
      "SELECT position, rule, matches, fired FROM fault_rules WHERE run_id = ?1 ORDER BY position",
      "reading fault rules", run_id, rows,
      [](const SqliteStatement& stmt, FaultRuleRow* row) {
        row->position = stmt.column_int64(0);
        row->rule = stmt.column_text(1);
        row->matches = stmt.column_int64(2);
        row->fired = stmt.column_int64(3);
      },
      3);
}

msmi::Status EventStore::read_invariants(std::int64_t run_id,
                                         std::vector<InvariantRow>* rows) const {
  return read_all(
      "SELECT name, passed, detail FROM invariants WHERE run_id = ?1 ORDER BY rowid",
      "reading invariants", run_id, rows,
      [](const SqliteStatement& stmt, InvariantRow* row) {
        row->name = stmt.column_text(0);
        row->passed = stmt.column_int64(1) != 0;
        row->detail = stmt.column_text(2);
      },
      3);
}

}  // namespace msmilog
