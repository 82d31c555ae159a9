// Plain rows of the event store's tables, as EventStore writes and reads them.
// Field names are the column names of the SQLite schema (see event_store.cpp), which support
// engineers also query with the sqlite3 shell. Times ending in _us are microseconds; "-1" stands
// for SQL NULL where a field says so.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace msmilog {

// What a run is made from; EventStore::begin_run() turns it into a `runs` row.
struct RunRecord {
  std::string scenario;         // scenario name or file, e.g. "scenarios/kb/Q151791.json"
  std::string scenario_text;    // the full scenario text, so the run can be replayed from the db
  std::string scenario_sha256;  // hex digest of scenario_text; computed by begin_run when empty
  std::uint64_t seed = 0;       // stored as the int64 with the same bits
  std::string profile;          // "exchange-5.0", "hardened", ...
  std::string defects;          // the effective defect set, e.g. "Q151791,Q175965"
  std::string started_at;       // wall-clock ISO-8601 UTC (metadata only, never in the events)
  std::string computer;         // computer name shown in the events
  std::int64_t epoch_us = 0;    // virtual time 0 of the run, microseconds since 1970 (UTC)
  std::string msmisim_version;
  std::string command;  // the command line that replays the run
  // A JSON object of the command-line overrides that shaped the run beyond the scenario text,
  // seed and profile: {"defect":["Q151791=off"],"fault":["mta.put=return(0x15)"]}. Stored as
  // "{}" when empty.
  std::string options;
  std::string file_sha256;  // hex digest of the scenario file as read from disk, or "" (NULL)
  // Schema version 5:
  std::string kind = "run";  // "run" (simulated) or "import" (set by EventStore::begin_import)
  std::string kb;            // the scenario's KB article, "Q151791"; "" (NULL) when none
  std::string import_name;   // for kind "import": the name it is found by; else "" (NULL)
  // Schema version 7: the sweep the run belongs to (EventStore::begin_sweep), or 0 (NULL).
  std::int64_t sweep_id = 0;
};

// One `runs` row as listed by EventStore::list_runs() / get_run().
struct RunSummary {
  std::int64_t run_id = 0;
  std::string scenario;
  std::string scenario_sha256;
  std::uint64_t seed = 0;
  std::string profile;
  std::string defects;
  std::string started_at;
  std::string finished_at;  // empty while the run is not finished
  std::string verdict;      // empty while the run is not finished
  std::string computer;
  std::int64_t epoch_us = 0;
  std::string msmisim_version;
  std::int64_t event_count = 0;           // as counted by finish_run(); 0 before
  std::int64_t virtual_duration_us = -1;  // -1 while the run is not finished
  std::string command;
  // Schema version 5 ("run", "" and "" in a store older than that):
  std::string kind = "run";   // "run" or "import"
  std::string kb;             // empty when none
  std::string import_name;    // empty unless kind is "import"
  std::int64_t sweep_id = 0;  // schema version 7: the run's sweep, 0 when none (or older)
};

// One message of the ledger (`messages` table): how each injected message ended.
struct LedgerRow {
  std::string message_id;  // "NET/PO/0000002A"
  std::string sender;
  std::string recipients;  // as the caller joined them
  std::string fate;        // delivered / ndr / quarantined / pending / lost
  int attempts = 0;
  std::string detail;
  std::int64_t injected_us = 0;
  std::int64_t settled_us = -1;  // -1 (NULL) when the message has not settled

  bool operator==(const LedgerRow&) const = default;
};

// One Performance-Monitor-like sample of a worker thread (`samples` table).
struct SampleRow {
  std::int64_t time_us = 0;
  int thread = 0;
  std::string role;  // "mailer", "inbound", "outbound", ...
  double busy_pct = 0.0;

  bool operator==(const SampleRow&) const = default;
};

// One sample of the queue depths (`queue_samples` table).
struct QueueSampleRow {
  std::int64_t time_us = 0;
  std::int64_t inqueue3 = 0;          // records in INQUEUE3
  std::int64_t p1_files = 0;          // files in P1/
  std::int64_t mta_queue = 0;         // messages in the MTA's MSMI queue
  std::int64_t outbound_records = 0;  // records in the outbound mailbags

  bool operator==(const QueueSampleRow&) const = default;
};

// One armed fault rule of a run and how often it matched and fired (`fault_rules` table).
struct FaultRuleRow {
  std::int64_t position = 0;
  std::string rule;
  std::int64_t matches = 0;
  std::int64_t fired = 0;

  bool operator==(const FaultRuleRow&) const = default;
};

// One invariant the oracle checked after a run (`invariants` table).
struct InvariantRow {
  std::string name;
  bool passed = true;
  std::string detail;

  bool operator==(const InvariantRow&) const = default;
};

// One file of an import run (`imports` table).
struct ImportRow {
  std::int64_t run_id = 0;    // filled by the readers; ignored by EventStore::write_imports()
  std::int64_t position = 0;  // 0, 1, … in the order the files were given
  std::string path;           // as given on the command line
  std::string format;         // "evt", "evtx", "xml", "csv", "text" …
  std::int64_t size = 0;      // bytes
  std::string sha256;         // hex digest of the file's bytes
  std::int64_t records_read = 0;
  std::int64_t imported = 0;
  std::int64_t skipped = 0;
  std::int64_t recovered = 0;
  // A JSON array of {"position": …, "line": … (text formats), "message": …}; "" (NULL) if none.
  std::string notes;

  bool operator==(const ImportRow&) const = default;
};

// One expectation of a run as the summary shows it (`expectations` table).
struct ExpectationRow {
  std::int64_t position = 0;  // 0, 1, … in the order the summary lists them
  std::string profile;        // the profile the expectation applies to; "" (NULL) for all
  std::string text;           // as the summary shows it
  std::string verdict;        // "pass" / "fail" / "skipped"
  std::string evidence;       // why: the events or ledger rows that decided; may be empty

  bool operator==(const ExpectationRow&) const = default;
};

// The label a scenario gave one of its scripted messages (`labels` table).
struct LabelRow {
  std::string message_id;
  std::string label;

  bool operator==(const LabelRow&) const = default;
};

// A crash, restart, service stop/start or power loss during a run (`lifecycle` table).
struct LifecycleRow {
  std::int64_t time_us = 0;
  std::string what;     // "crash" / "restart" / "service_stop" / "service_start" / "power_loss" …
  std::string service;  // "MSExchangeMSMI", "MSExchangeMTA" …; "" (NULL) when none applies
  std::string detail;

  bool operator==(const LifecycleRow&) const = default;
};

// A worker thread's state from time_us on (`thread_states` table).
struct ThreadStateRow {
  std::int64_t time_us = 0;
  int thread = 0;
  std::string role;   // "mailer", "inbound", "outbound" …
  std::string state;  // "busy" / "idle" / "blocked" / "stopped"

  bool operator==(const ThreadStateRow&) const = default;
};

// One value of a result row of EventStore::execute_sql(), as SQLite typed it.
struct SqlValue {
  enum class Kind { kNull, kInteger, kReal, kText, kBlob };
  Kind kind = Kind::kNull;
  std::int64_t integer = 0;
  double real = 0.0;
  std::string text;  // kText: UTF-8; kBlob: the bytes

  bool operator==(const SqlValue&) const = default;
};

// One `sweeps` row (schema version 7): a `msmisim sweep` and what it set out to do. Its runs
// point at it (runs.sweep_id).
struct SweepRecord {
  std::int64_t sweep_id = 0;  // set by EventStore::begin_sweep()
  std::string command;        // the sweep's command line, as given
  std::string scenarios;      // the scenario files, one per line, as given
  std::string seeds;          // the --seeds list as given ("1..200")
  std::string profile;        // --profile, or "" (NULL) for each scenario's own
  bool swarm = false;
  std::string shard;         // "2/4", or "" (NULL) when the sweep ran every seed
  std::int64_t planned = 0;  // runs it set out to do
  std::string started_at;    // wall-clock ISO-8601 UTC (metadata only)
  std::string finished_at;   // empty while running, or when it was interrupted and never closed
  std::string verdict;       // "pass", "fail", "no-expectations", "interrupted"; "" until closed
  std::string msmisim_version;
  // Read back, never written: how many runs point at the sweep.
  std::int64_t runs = 0;
};

// One `events` row as a query returns it.
struct EventRow {
  std::int64_t id = 0;  // run_id << 32 | seq (schema version 6; insertion order before)
  std::int64_t run_id = 0;
  std::int64_t seq = 0;      // 1, 2, 3 … in write order within the run
  std::int64_t time_us = 0;  // virtual microseconds since run start (since 1970 for imports)
  std::string time;          // ISO-8601 UTC, "1997-05-22T12:55:53.000Z"
  std::string computer;
  std::string source;
  int event_id = 0;
  std::string type;        // "Error" / "Warning" / "Information"
  std::string category;    // "Session Error", ...
  int level = 0;           // the significance 0–5; -1 when the column is NULL (an import)
  int thread = -1;         // -1 when the column is NULL
  std::string message_id;  // empty when the column is NULL
  std::string description;
  std::vector<std::string> strings;  // the insertion strings; empty when the column is NULL
  std::string data;                  // binary data bytes; empty when the column is NULL
  // Schema version 5 (-1 / empty where the column is NULL, and in older stores):
  std::int64_t record_number = -1;     // the record number in the imported log
  std::int64_t event_identifier = -1;  // the full 32-bit identifier, unsigned
  int category_number = -1;            // numeric category, 0 = "None"
  std::string user;                    // user SID text or user name
  std::int64_t written_us = -1;        // TimeWritten, µs since 1970, when it differs

  bool operator==(const EventRow&) const = default;
};

}  // namespace msmilog
