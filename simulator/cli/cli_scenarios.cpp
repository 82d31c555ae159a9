// msmisim scenarios: what a folder of scenarios holds, and how each last did.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>

#include "cli.h"
#include "cli_options.h"
#include "msmi/defects.h"
#include "msmilog/event_store.h"
#include "msmilog/sha256.h"
#include "msmireport/scenario_listing.h"
#include "msmisim/scenario_loader.h"

namespace msmisim::cli {

namespace {

constexpr const char* kScenariosHelp =
    R"(usage: msmisim scenarios [PATH...] [--db FILE] [--format table|json|csv]

Lists the scenarios in the folders (searched recursively for *.json) and files given, by
default ./scenarios: the KB article, the profile a run uses by default, the profiles it expects
something of, and the last run of the same scenario text in the event store. A file that does
not load is listed with its error, and the command then exits 2.

example:
  msmisim scenarios scenarios/kb --db msmisim.db

)";

// Every *.json under the paths, sorted; false (reported) for a path that does not exist.
bool collect(const std::vector<std::string>& paths, std::vector<std::string>* files) {
  namespace fs = std::filesystem;
  for (const std::string& path : paths) {
    std::error_code ec;
    if (fs::is_regular_file(path, ec)) {
      files->push_back(path);
      continue;
    }
    if (!fs::is_directory(path, ec)) {
      std::cerr << "msmisim scenarios: " << path << ": no such file or folder\n";
      return false;
    }
    std::vector<std::string> found;
    for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->is_regular_file() && it->path().extension() == ".json") {
        found.push_back(it->path().generic_string());
      }
    }
    if (ec) {
      std::cerr << "msmisim scenarios: " << path << ": " << ec.message() << "\n";
      return false;
    }
    std::sort(found.begin(), found.end());
    files->insert(files->end(), found.begin(), found.end());
  }
  return true;
}

}  // namespace

int scenarios_command(const std::vector<std::string>& args) {
  po::options_description options("options");
  // clang-format off
  options.add_options()
      ("help,h", "show this help")
      ("db", po::value<std::string>()->default_value("msmisim.db"),
       "event store to read the last results from (none if the file does not exist)")
      ("format", po::value<std::string>()->default_value("table"), "table, json or csv");
  // clang-format on
  po::options_description all;
  all.add(options).add_options()("path", po::value<std::vector<std::string>>());
  po::positional_options_description positional;
  positional.add("path", -1);
  po::variables_map vm;
  int exit_code = kExitOk;
  if (!parse_command_line("scenarios", args, options, all, positional, kScenariosHelp, &vm,
                          &exit_code)) {
    return exit_code;
  }
  const std::vector<std::string> paths = vm.count("path")
                                             ? vm["path"].as<std::vector<std::string>>()
                                             : std::vector<std::string>{"scenarios"};
  std::vector<std::string> files;
  if (!collect(paths, &files)) return kExitBadInput;

  // The latest run of each scenario text, if the store exists.
  std::map<std::string, msmilog::RunSummary> last_by_hash;
  const std::string db = vm["db"].as<std::string>();
  if (std::filesystem::exists(db)) {
    std::unique_ptr<msmilog::EventStore> store;
    std::vector<msmilog::RunSummary> runs;
    msmi::Status s = msmilog::EventStore::open_read_only(db, &store);
    if (s.ok()) s = store->list_runs(&runs);
    if (!s.ok()) {
      std::cerr << "msmisim scenarios: " << s.to_string() << "\n";
      return kExitStore;
    }
    for (msmilog::RunSummary& run : runs) {
      auto& last = last_by_hash[run.scenario_sha256];
      if (run.run_id > last.run_id) last = std::move(run);
    }
  }

  std::vector<msmireport::ScenarioRow> rows;
  bool bad = false;
  for (const std::string& file : files) {
    msmireport::ScenarioRow row;
    row.path = file;
    Scenario scenario;
    LoadError error;
    if (!load_scenario_file(file, &scenario, &error)) {
      row.error = error.to_string();
      bad = true;
      rows.push_back(std::move(row));
      continue;
    }
    row.kb = scenario.kb;
    row.name = scenario.name;
    // "XFOR: MSMI Stops Processing When Submitting Bad Address. The MTA refuses…": the title.
    // An ellipsis ("User Mail... Full Mailbag") does not end it.
    std::size_t stop = scenario.description.find(". ");
    while (stop != std::string::npos && stop > 0 && scenario.description[stop - 1] == '.')
      stop = scenario.description.find(". ", stop + 2);
    row.title = scenario.description.substr(0, stop);
    row.profile = scenario.profile;
    row.expects_all = scenario.expectations.count("*") != 0;
    for (const msmi::Profile& p : msmi::profiles()) {
      if (scenario.expectations.count(p.name)) row.expected.push_back(p.name);
    }
    if (const auto it = last_by_hash.find(msmilog::sha256_hex(scenario.text));
        it != last_by_hash.end()) {
      row.last_run = it->second.run_id;
      row.last_profile = it->second.profile;
      row.last_verdict = it->second.verdict;
    }
    rows.push_back(std::move(row));
  }
  msmireport::render_scenarios(rows, format_option(vm), std::cout);
  return bad ? kExitBadInput : kExitOk;
}

}  // namespace msmisim::cli
