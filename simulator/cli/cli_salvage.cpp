// msmisim salvage: recovers what SQLite's recovery can from a damaged event store.
//
// Debian 12's libsqlite3 (3.40) has no recovery extension, so the sqlite3 shell's `.recover`
// does the work: on a copy of DB (DB itself is never opened for writing), into SQL text, which
// the shell replays into a temporary database. That database gets DB's schema version back and
// is then merged (msmilog::merge_stores) into NEW, a fresh store of this build's schema, which
// also rebuilds the full-text index. What could not be saved is counted: rows SQLite could not
// place in a table (lost_and_found), rows whose run is gone, and the events a finished run says
// it had but that no longer exist.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli_options.h"
#include "cli_output.h"
#include "msmilog/event_store.h"
#include "msmilog/store_merge.h"

namespace msmisim::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kSalvageHelp = R"(usage: msmisim salvage DB -o NEW [--force]

Recovers what can be read from a damaged event store DB (the sqlite3 shell's .recover, the
sqlite3 package) into a new, valid event store NEW, and prints how many runs, events, ledger
rows … it saved and how many it could not. DB is only read, never changed. NEW is refused if it
exists, unless --force, and appears only when the salvage succeeded.

exit codes:
  0  saved: NEW is a valid event store (some rows may be lost: see the counts)
  2  bad arguments: DB missing, NEW exists (without --force) or is DB
  3  nothing could be saved (no run survived, or the recovered tables are not an event store),
     the sqlite3 shell is missing or failed, or NEW cannot be written; NEW is not written

example:
  msmisim salvage broken.db -o saved.db && msmisim runs --db saved.db

)";

// The tables whose rows are counted, in the order printed.
constexpr const char* kCountedTables[] = {
    "runs",       "events",  "messages",     "samples", "queue_samples", "fault_rules",
    "invariants", "imports", "expectations", "labels",  "lifecycle",     "thread_states"};

std::int64_t single_int(const msmilog::EventStore& store, const std::string& sql) {
  std::int64_t value = -1;
  (void)store.execute_sql(sql, nullptr, [&](const std::vector<msmilog::SqlValue>& row) {
    if (!row.empty() && row[0].kind == msmilog::SqlValue::Kind::kInteger) value = row[0].integer;
    return false;
  });
  return value;
}

int run_shell(const std::string& command) {
  const int rc = std::system(command.c_str());
  return rc == -1 ? -1 : WEXITSTATUS(rc);
}

std::string first_line_of(const fs::path& file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  return line;
}

// The schema version in the SQLite header of an msmisim store (user_version, a big-endian
// int32 at offset 60, with the application ID at 68); 0 when the header is not one.
int header_schema_version(const std::string& db) {
  std::ifstream in(db, std::ios::binary);
  unsigned char header[72] = {};
  if (!in.read(reinterpret_cast<char*>(header), sizeof header)) return 0;
  if (std::memcmp(header, "SQLite format 3", 16) != 0) return 0;
  auto int32_at = [&](int offset) {
    return static_cast<std::int32_t>(
        (std::uint32_t{header[offset]} << 24) | (std::uint32_t{header[offset + 1]} << 16) |
        (std::uint32_t{header[offset + 2]} << 8) | std::uint32_t{header[offset + 3]});
  };
  if (int32_at(68) != msmilog::EventStore::kApplicationId) return 0;
  return int32_at(60);
}

}  // namespace

int salvage_command(const std::vector<std::string>& args) {
  po::options_description options("options");
  // clang-format off
  options.add_options()
      ("help,h", "show this help")
      ("output,o", po::value<std::string>(), "the new event store to write")
      ("force", "replace NEW if it exists");
  // clang-format on
  po::options_description hidden;
  hidden.add_options()("db", po::value<std::vector<std::string>>());
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description positional;
  positional.add("db", -1);
  po::variables_map vm;
  int exit_code = kExitOk;
  if (!parse_command_line("salvage", args, options, all, positional, kSalvageHelp, &vm,
                          &exit_code)) {
    return exit_code;
  }
  if (!vm.count("db") || vm["db"].as<std::vector<std::string>>().size() != 1) {
    std::cerr << "msmisim salvage: give one damaged DB\nTry 'msmisim salvage --help'.\n";
    return kExitBadInput;
  }
  if (!vm.count("output")) {
    std::cerr << "msmisim salvage: missing -o NEW\nTry 'msmisim salvage --help'.\n";
    return kExitBadInput;
  }
  const std::string db = vm["db"].as<std::vector<std::string>>()[0];
  const std::string output = vm["output"].as<std::string>();
  std::error_code ec;
  if (!fs::is_regular_file(db, ec)) {
    std::cerr << "msmisim salvage: " << db
              << (fs::is_directory(db, ec) ? ": is a folder, not an event store file"
                                           : ": no such file")
              << "\n";
    return kExitBadInput;
  }
  if (fs::exists(output, ec) && fs::equivalent(db, output, ec)) {
    std::cerr << "msmisim salvage: -o " << output << ": is DB itself\n";
    return kExitBadInput;
  }
  if (fs::exists(output, ec) && !vm.count("force")) {
    std::cerr << "msmisim salvage: -o " << output << ": exists (give --force to replace it)\n";
    return kExitBadInput;
  }
  if (const std::string why = output_refusal(output, {}); !why.empty()) {
    std::cerr << "msmisim salvage: -o " << output << ": " << why << "\n";
    return kExitBadInput;
  }
  // A store a newer msmisim wrote would come out as this version's schema, its newer columns
  // dropped without a word: only that msmisim can salvage it.
  if (const int version = header_schema_version(db);
      version > msmilog::EventStore::kSchemaVersion) {
    std::cerr << "msmisim salvage: " << db << ": schema version " << version
              << ", written by a newer msmisim (this one knows versions up to "
              << msmilog::EventStore::kSchemaVersion << "); salvage it with that msmisim\n";
    return kExitStore;
  }

  // Everything happens in a private folder, on a copy of DB and its WAL.
  const fs::path work =
      fs::temp_directory_path(ec) / ("msmisim-salvage-" + std::to_string(::getpid()));
  fs::remove_all(work, ec);
  fs::create_directories(work, ec);
  if (ec) {
    std::cerr << "msmisim salvage: cannot create " << work.string() << ": " << ec.message() << "\n";
    return kExitStore;
  }
  struct Cleanup {
    fs::path path;
    ~Cleanup() {
      std::error_code ignored;
      fs::remove_all(path, ignored);
    }
  } cleanup{work};
  const fs::path copy = work / "damaged.db";
  fs::copy_file(db, copy, ec);
  if (!ec && fs::exists(db + "-wal")) fs::copy_file(db + "-wal", work / "damaged.db-wal", ec);
  if (ec) {
    std::cerr << "msmisim salvage: " << db << ": cannot be copied: " << ec.message() << "\n";
    return kExitStore;
  }
  const fs::path sql = work / "recovered.sql";
  const fs::path recovered = work / "recovered.db";
  const fs::path errors = work / "errors.txt";
  int rc = run_shell("sqlite3 " + shell_quote(copy.string()) + " .recover > " +
                     shell_quote(sql.string()) + " 2> " + shell_quote(errors.string()));
  if (rc == 127) {
    std::cerr << "msmisim salvage: the sqlite3 shell is not installed (Debian: sqlite3)\n";
    return kExitStore;
  }
  if (rc != 0) {
    // .recover reads the file page by page through the sqlite_dbpage virtual table. Debian 12's
    // libsqlite3 (3.40.1) is built without SQLITE_ENABLE_DBPAGE_VTAB ("no such table:
    // sqlite_dbpage" in a plain query), so its shell fails .recover with "SQL logic error" on
    // every file, damaged or not. Neither -readonly, --ignore-freelist, .dbconfig defensive off
    // nor a copy in a writable folder helps: the table is missing from the library. .dump then
    // reads whatever rows the b-trees still lead to.
    const std::string recover_error = first_line_of(errors);
    rc = run_shell("sqlite3 " + shell_quote(copy.string()) + " .dump > " +
                   shell_quote(sql.string()) + " 2> " + shell_quote(errors.string()));
    if (rc != 0 && fs::file_size(sql, ec) == 0) {
      std::cerr << "msmisim salvage: " << db << ": sqlite3 .recover failed (" << recover_error
                << ") and so did .dump (" << first_line_of(errors) << ")\n";
      return kExitStore;
    }
    // .dump ends a dump that met damaged pages with a ROLLBACK: keep the rows it did read.
    (void)run_shell("sed -i 's/^ROLLBACK; -- due to errors$/COMMIT;/' " +
                    shell_quote(sql.string()));
    std::cout << "(sqlite3 .recover failed: " << recover_error << "; used .dump instead)\n";
  }
  rc = run_shell("sqlite3 " + shell_quote(recovered.string()) + " < " + shell_quote(sql.string()) +
                 " > /dev/null 2> " + shell_quote(errors.string()));
  // .recover's SQL may contain statements that fail on a damaged schema; what replayed counts.
  (void)rc;

  // .recover keeps the tables but not the header's user_version: give it back (the file's own
  // if its header is readable, else the newest schema that has all the tables recovered).
  {
    std::unique_ptr<msmilog::EventStore> probe;
    const msmi::Status identified = msmilog::EventStore::open_read_only(copy.string(), &probe);
    const int version = identified.ok() ? probe->schema_version() : 0;
    probe.reset();
    int chosen = version;
    for (int candidate = msmilog::EventStore::kSchemaVersion; chosen == 0 && candidate >= 1;
         --candidate) {
      const std::string pragma =
          "PRAGMA user_version = " + std::to_string(candidate) +
          "; PRAGMA application_id = " + std::to_string(msmilog::EventStore::kApplicationId) + ";";
      if (run_shell("sqlite3 " + shell_quote(recovered.string()) + " " + shell_quote(pragma) +
                    " 2>/dev/null") != 0) {
        break;
      }
      std::unique_ptr<msmilog::EventStore> check;
      if (msmilog::EventStore::open_read_only(recovered.string(), &check).ok()) chosen = candidate;
    }
    if (version != 0) {
      const std::string pragma =
          "PRAGMA user_version = " + std::to_string(version) +
          "; PRAGMA application_id = " + std::to_string(msmilog::EventStore::kApplicationId) + ";";
      (void)run_shell("sqlite3 " + shell_quote(recovered.string()) + " " + shell_quote(pragma) +
                      " 2>/dev/null");
    }
  }
  std::unique_ptr<msmilog::EventStore> source;
  msmi::Status s = msmilog::EventStore::open_read_only(recovered.string(), &source);
  if (!s.ok()) {
    std::cerr << "msmisim salvage: " << db
              << ": nothing usable could be recovered (the recovered tables are not an msmisim "
                 "event store: "
              << s.message() << ")\n";
    return kExitStore;
  }
  // A store whose `runs` lost every row keeps nothing worth a NEW: every event, sample … hangs
  // off a run, and merging would make an empty store that looks like a success.
  if (single_int(*source, "SELECT count(*) FROM runs") <= 0) {
    const std::int64_t events = single_int(*source, "SELECT count(*) FROM events");
    std::cerr << "msmisim salvage: " << db
              << ": nothing could be saved: no row of the runs table survived ("
              << (events < 0 ? 0 : events) << " events whose run is lost); " << output
              << " was not written\n";
    return kExitStore;
  }
  msmilog::MergeCounts merged;
  s = msmilog::merge_stores({recovered.string()}, output, vm.count("force") != 0, &merged);
  if (!s.ok()) {
    std::cerr << "msmisim salvage: " << s.to_string() << "\n";
    return kExitStore;
  }
  std::unique_ptr<msmilog::EventStore> saved;
  s = msmilog::EventStore::open_read_only(output, &saved);
  if (!s.ok()) {
    std::cerr << "msmisim salvage: " << s.to_string() << "\n";
    return kExitStore;
  }
  std::cout << "salvaged " << db << " into " << output << "\n";
  std::cout << "saved:\n";
  for (const char* table : kCountedTables) {
    const std::int64_t n = single_int(*saved, std::string("SELECT count(*) FROM ") + table);
    if (n >= 0) std::cout << "  " << table << " " << n << "\n";
  }
  std::cout << "could not save:\n";
  const std::int64_t unplaced = single_int(*source, "SELECT count(*) FROM lost_and_found");
  std::cout << "  rows SQLite could not place in a table " << (unplaced < 0 ? 0 : unplaced) << "\n";
  const std::int64_t orphans = single_int(
      *source, "SELECT count(*) FROM events WHERE run_id NOT IN (SELECT run_id FROM runs)");
  std::cout << "  events whose run is lost " << (orphans < 0 ? 0 : orphans) << "\n";
  const std::int64_t missing = single_int(
      *saved,
      "SELECT coalesce(sum(max(r.event_count - (SELECT count(*) FROM events e WHERE e.run_id = "
      "r.run_id), 0)), 0) FROM runs r WHERE r.finished_at IS NOT NULL");
  std::cout << "  events finished runs had that are gone " << (missing < 0 ? 0 : missing) << "\n";
  return kExitOk;
}

}  // namespace msmisim::cli
