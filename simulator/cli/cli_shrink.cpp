// msmisim shrink: reduces the scenario of a failing stored run to a smaller one that fails the
// same way (simulator/src/shrink.cpp does the reducing).
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "cli_options.h"
#include "cli_output.h"
#include "msmi/text_record.h"
#include "msmilog/event_store.h"
#include "msmireport/html_report.h"
#include "msmisim/run_overrides.h"
#include "msmisim/scenario_loader.h"
#include "msmisim/shrink.h"

namespace msmisim::cli {

namespace {

constexpr const char* kShrinkHelp = R"(usage: msmisim shrink RUN [options]

Takes a failing run recorded in the event store (its ID, or 'latest'), re-runs it from the stored
scenario text, seed, profile and defects to learn what it broke, then reduces the scenario by
delta debugging -- fault rules, messages, traffic, operator steps, expectations, the duration,
traffic rates, optional members -- keeping only candidates that break exactly the same
expectations and invariants. Writes the reduced scenario (it names its seed, profile and
defects, so it replays alone) and prints the sizes before and after.

Exit codes: 0 written, 2 bad input (unknown run, a run that passes, a scenario that no longer
loads, an unwritable output file, an existing one without --force), 3 the event store cannot
be read.

example:
  msmisim shrink latest --db sweep.db -o small.json
  msmisim run small.json --db sweep.db

)";

// "Q151791,Q175965" or "none" → a DefectSet; false for a name this build does not know.
bool parse_defect_list(const std::string& text, msmi::DefectSet* out) {
  *out = msmi::DefectSet();
  if (text.empty() || text == "none") return true;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    msmi::Defect defect;
    if (!msmi::parse_defect(text.substr(start, comma - start), defect)) return false;
    out->set(defect, true);
    start = comma + 1;
  }
  return true;
}

// The --fault rules of the replay command `msmisim run` recorded (runs.command), which the
// stored scenario text does not hold. Undoes shell_quote(): '…' with '\'' for a quote.
std::vector<std::string> fault_args_of(const std::string& command) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (std::size_t i = 0; i < command.size(); ++i) {
    const char c = command[i];
    if (c == '\'') {
      const std::size_t end = command.find('\'', i + 1);
      word += command.substr(i + 1, (end == std::string::npos ? command.size() : end) - i - 1);
      i = end == std::string::npos ? command.size() : end;
      in_word = true;
    } else if (c == '\\' && i + 1 < command.size()) {
      word += command[++i];
      in_word = true;
    } else if (c == ' ') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(std::move(word));
  std::vector<std::string> rules;
  for (std::size_t i = 0; i + 1 < words.size(); ++i) {
    if (words[i] == "--fault") rules.push_back(words[++i]);
  }
  return rules;
}

std::string size_line(const ScenarioSize& s) {
  return std::to_string(s.bytes) + " bytes, " + std::to_string(s.faults) + " fault rules, " +
         std::to_string(s.messages) + " messages, " + std::to_string(s.traffic) + " traffic, " +
         std::to_string(s.operator_steps) + " operator steps, duration " +
         format_duration(s.duration_us);
}

}  // namespace

int shrink_command(const std::vector<std::string>& args) {
  po::options_description options("options");
  // clang-format off
  options.add_options()
      ("help,h", "show this help")
      ("db", po::value<std::string>()->default_value("msmisim.db"), "event store (SQLite) holding the run")
      ("force", "replace the output file if it exists")
      ("output,o", po::value<std::string>(),
       "file to write the reduced scenario to (default: <scenario name>-shrunk.json here)");
  // clang-format on
  po::options_description hidden;
  hidden.add_options()("run", po::value<std::string>());
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description positional;
  positional.add("run", 1);
  po::variables_map vm;
  int exit_code = kExitOk;
  if (!parse_command_line("shrink", args, options, all, positional, kShrinkHelp, &vm, &exit_code)) {
    return exit_code;
  }
  if (!vm.count("run")) {
    std::cerr << "msmisim shrink: missing RUN\nTry 'msmisim shrink --help'.\n";
    return kExitBadInput;
  }
  const std::string run = vm["run"].as<std::string>();
  const std::string db = vm["db"].as<std::string>();

  std::unique_ptr<msmilog::EventStore> store;
  if (const msmi::Status s = msmilog::EventStore::open_read_only(db, &store); !s.ok()) {
    std::cerr << "msmisim shrink: " << s.to_string() << "\n";
    return kExitStore;
  }
  std::int64_t id = 0;
  if (run == "latest") {
    if (const msmi::Status s = store->latest_run_id(&id); !s.ok()) {
      std::cerr << "msmisim shrink: " << s.message() << "\n";
      return s.is_not_found() ? kExitBadInput : kExitStore;
    }
  } else if (!msmi::parse_whole_number(run, 10, &id) || id <= 0) {
    std::cerr << "msmisim shrink: RUN " << run << ": expected a run ID or 'latest'\n";
    return kExitBadInput;
  }
  msmilog::RunSummary summary;
  ShrinkInput input;
  msmilog::RunRecord record;
  msmi::Status s = store->get_run(id, &summary);
  if (s.ok()) s = store->read_run_record(id, &record);
  if (!s.ok()) {
    std::cerr << "msmisim shrink: run " << run << ": " << s.message();
    if (s.is_not_found()) std::cerr << " (see 'msmisim runs --db " << shell_quote(db) << "')";
    std::cerr << "\n";
    return s.is_not_found() ? kExitBadInput : kExitStore;
  }
  input.scenario_text = record.scenario_text;
  // The --fault rules it was given: runs.options since schema 4, the recorded command before.
  RunOverrides overrides;
  if (record.options.empty()) {
    input.extra_fault_rules = fault_args_of(summary.command);
  } else if (const msmi::Status o = parse_run_overrides(record.options, &overrides); o.ok()) {
    input.extra_fault_rules = overrides.faults;
  } else {
    std::cerr << "msmisim shrink: run " << id << ": options: " << o.message() << "\n";
    return kExitBadInput;
  }
  store.reset();
  if (input.scenario_text.empty()) {
    std::cerr << "msmisim shrink: run " << id << ": the store holds no scenario text for it\n";
    return kExitBadInput;
  }
  input.scenario_path = summary.scenario;
  input.seed = summary.seed;
  input.profile = summary.profile;
  if (!parse_defect_list(summary.defects, &input.defects)) {
    std::cerr << "msmisim shrink: run " << id << ": defects '" << summary.defects
              << "': a defect this msmisim does not know\n";
    return kExitBadInput;
  }

  // Where the result goes, settled before the work: the -o file, else <file stem>-shrunk.json
  // here (the recorded scenario file's stem, else the scenario's name). An existing file is
  // kept unless --force: it may be the very scenario being shrunk.
  std::string output;
  if (vm.count("output")) {
    output = vm["output"].as<std::string>();
  } else {
    std::string name = std::filesystem::path(summary.scenario).stem().string();
    Scenario scenario;
    LoadError error;
    if (name.empty() && parse_scenario(input.scenario_text, summary.scenario, &scenario, &error))
      name = scenario.name;
    if (name.empty()) name = "run-" + std::to_string(id);
    for (char& c : name) {
      if (c == '/' || c == '\\' || c == ' ') c = '_';
    }
    output = name + "-shrunk.json";
  }
  std::error_code ec;
  if (same_file(output, db)) {
    std::cerr << "msmisim shrink: -o " << output << ": is the event store itself\n";
    return kExitBadInput;
  }
  if (std::filesystem::exists(output, ec) && !vm.count("force")) {
    std::cerr << "msmisim shrink: " << output
              << " exists; choose another -o FILE, or --force to replace it\n";
    return kExitBadInput;
  }
  const std::filesystem::path parent = std::filesystem::path(output).parent_path();
  if (!parent.empty() && !std::filesystem::is_directory(parent, ec)) {
    std::cerr << "msmisim shrink: -o " << output << ": no such folder " << parent.string() << "\n";
    return kExitBadInput;
  }

  // On a terminal the progress line is rewritten in place; in CI logs each is a line.
  const bool terminal = isatty(STDERR_FILENO) != 0;
  ShrinkOptions shrink_options;
  int last_step = -1;
  shrink_options.progress = [&](const ShrinkProgress& p) {
    const std::string line = "shrink: step " + std::to_string(p.step) + " (" + p.what + "), " +
                             std::to_string(p.candidates) + " candidates tried, " +
                             std::to_string(p.bytes) + " bytes";
    if (terminal) {
      std::cerr << "\r" << line << "\x1b[K" << std::flush;
    } else if (p.step != last_step) {  // one line per step keeps a CI log readable
      std::cerr << line << "\n";
    }
    last_step = p.step;
  };
  std::cerr << "msmisim shrink: run " << id << " (" << summary.scenario << ", seed " << input.seed
            << ", profile " << input.profile << ")\n";
  ShrinkResult result;
  s = shrink_scenario(input, shrink_options, &result);
  if (terminal) std::cerr << "\n";
  if (!s.ok()) {
    std::cerr << "msmisim shrink: run " << id << ": " << s.message() << "\n";
    return kExitBadInput;
  }

  // Whole or not at all: OUTPUT.tmp, then renamed.
  if (const msmi::Status w = msmireport::write_file_atomically(output, result.scenario_text);
      !w.ok()) {
    std::cerr << "msmisim shrink: -o " << w.message() << "\n";
    return kExitBadInput;
  }
  std::cout << "failure: " << result.signature.describe() << "\n"
            << "before:  " << size_line(result.before) << "\n"
            << "after:   " << size_line(result.after) << "\n"
            << "shrunk in " << result.steps << " steps, " << result.candidates
            << " candidates run; written to " << output << "\n"
            << "run it:  msmisim run " << shell_quote(output) << "\n";
  return kExitOk;
}

}  // namespace msmisim::cli
