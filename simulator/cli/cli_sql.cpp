// msmisim sql: one ad-hoc SQL statement on a read-only connection to the event store.
#include <iostream>

#include "cli_options.h"
#include "msmilog/event_store.h"
#include "msmireport/sql_result.h"

namespace msmisim::cli {
namespace {

constexpr const char* kSqlHelp =
    R"help(usage: msmisim sql "SELECT …" [--db FILE] [--format table|json|csv]

Runs one SQL statement on the event store, opened read-only (a 0444 file or read-only media
works), and prints its result. The tables are the public contract described in README.md:
runs, events, messages, samples, queue_samples, fault_rules, invariants, imports,
expectations, labels, lifecycle, thread_states, and the full-text index events_fts.
A statement that would write is refused.

exit codes: 0 done, 2 bad arguments, SQL that does not compile, or a statement that writes,
            3 the event store is missing, damaged or not an msmisim store

examples:
  msmisim sql "SELECT event_id, count(*) FROM events GROUP BY event_id ORDER BY 2 DESC"
  msmisim sql "SELECT time, description FROM events WHERE id IN
               (SELECT rowid FROM events_fts WHERE events_fts MATCH 'XOM')" --format csv

)help";

}  // namespace

int sql_command(const std::vector<std::string>& args) {
  po::options_description options("options");
  // clang-format off
  options.add_options()
      ("help,h", "show this help")
      ("db", po::value<std::string>()->default_value("msmisim.db"), "the event store to read")
      ("format", po::value<std::string>()->default_value("table"), "table, json or csv");
  // clang-format on
  po::options_description hidden;
  hidden.add_options()("statement", po::value<std::vector<std::string>>());
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description positional;
  positional.add("statement", -1);
  po::variables_map vm;
  int exit_code = kExitOk;
  if (!parse_command_line("sql", args, options, all, positional, kSqlHelp, &vm, &exit_code)) {
    return exit_code;
  }
  if (!vm.count("statement")) {
    std::cerr << "msmisim sql: missing the SQL statement\nTry 'msmisim sql --help'.\n";
    return kExitBadInput;
  }
  const std::vector<std::string> words = vm["statement"].as<std::vector<std::string>>();
  if (words.size() > 1) {
    std::cerr << "msmisim sql: give the statement as one argument (quote it)\n";
    return kExitBadInput;
  }
  const std::string db = vm["db"].as<std::string>();
  std::unique_ptr<msmilog::EventStore> store;
  msmi::Status s = msmilog::EventStore::open_read_only(db, &store);
  if (!s.ok()) {
    std::cerr << "msmisim sql: " << s.to_string() << "\n";
    return kExitStore;
  }
  std::vector<std::string> columns;
  std::vector<std::vector<msmilog::SqlValue>> rows;
  s = store->execute_sql(
      words[0], [&](const std::vector<std::string>& names) { columns = names; },
      [&](const std::vector<msmilog::SqlValue>& row) {
        rows.push_back(row);
        return true;
      });
  if (!s.ok()) {
    std::cerr << "msmisim sql: " << s.to_string() << "\n";
    return s.code() == msmi::Status::Code::kInvalidArgument ? kExitBadInput : kExitStore;
  }
  msmireport::print_sql_result(std::cout, format_option(vm), columns, rows);
  return kExitOk;
}

}  // namespace msmisim::cli
