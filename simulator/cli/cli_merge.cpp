// msmisim merge: joins the event stores of the shards of a sweep into one.
#include <algorithm>
#include <filesystem>
#include <iostream>

#include "cli_options.h"
#include "cli_output.h"
#include "msmilog/store_merge.h"

namespace msmisim::cli {
namespace {

constexpr const char* kMergeHelp = R"(usage: msmisim merge STORE... -o OUTPUT [--force]

Copies every run of each STORE (in the order given; each store's runs in run-id order) with its
events, ledger, samples, fault rules and invariants into a new event store OUTPUT, under new run
ids. The inputs are only read. OUTPUT is refused if it exists, unless --force; it appears only
when the merge has succeeded.

exit codes: 0 merged, 2 bad arguments or a missing store, 3 a store is not an msmisim event store,
            is damaged, or OUTPUT cannot be written

example:
  msmisim sweep S.json --seeds 1..1000 --shard 1/2 --db shard1.db
  msmisim sweep S.json --seeds 1..1000 --shard 2/2 --db shard2.db
  msmisim merge shard1.db shard2.db -o all.db

)";

}  // namespace

int merge_command(const std::vector<std::string>& args) {
  po::options_description options("options");
  // clang-format off
  options.add_options()
      ("help,h", "show this help")
      ("output,o", po::value<std::string>(), "the event store to write")
      ("force", "replace OUTPUT if it exists");
  // clang-format on
  po::options_description hidden;
  hidden.add_options()("store", po::value<std::vector<std::string>>());
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description positional;
  positional.add("store", -1);
  po::variables_map vm;
  int exit_code = kExitOk;
  if (!parse_command_line("merge", args, options, all, positional, kMergeHelp, &vm, &exit_code)) {
    return exit_code;
  }
  if (!vm.count("store")) {
    std::cerr << "msmisim merge: missing STORE\nTry 'msmisim merge --help'.\n";
    return kExitBadInput;
  }
  if (!vm.count("output")) {
    std::cerr << "msmisim merge: missing -o OUTPUT\nTry 'msmisim merge --help'.\n";
    return kExitBadInput;
  }
  const std::vector<std::string> inputs = vm["store"].as<std::vector<std::string>>();
  const std::string output = vm["output"].as<std::string>();
  const bool force = vm.count("force") != 0;
  std::error_code ec;
  std::vector<std::filesystem::path> seen;
  for (const std::string& input : inputs) {
    if (!std::filesystem::exists(input, ec)) {
      std::cerr << "msmisim merge: " << input << ": no such event store file\n";
      return kExitBadInput;
    }
    // The same store twice would copy every one of its runs twice.
    const std::filesystem::path canonical = std::filesystem::weakly_canonical(input, ec);
    if (std::find(seen.begin(), seen.end(), canonical) != seen.end()) {
      std::cerr << "msmisim merge: " << input << ": given more than once\n";
      return kExitBadInput;
    }
    seen.push_back(canonical);
  }
  if (std::find(seen.begin(), seen.end(), std::filesystem::weakly_canonical(output, ec)) !=
      seen.end()) {
    std::cerr << "msmisim merge: -o " << output << ": is one of the inputs\n";
    return kExitBadInput;
  }
  if (!force && std::filesystem::exists(output, ec)) {
    std::cerr << "msmisim merge: -o " << output
              << ": exists; give --force to replace it (or choose another file)\n";
    return kExitBadInput;
  }
  if (const std::string why = output_refusal(output, {}); !why.empty()) {
    std::cerr << "msmisim merge: -o " << output << ": " << why << "\n";
    return kExitBadInput;
  }
  msmilog::MergeCounts counts;
  const msmi::Status s = msmilog::merge_stores(inputs, output, force, &counts);
  if (!s.ok()) {
    std::cerr << "msmisim merge: " << s.message() << "\n";
    return s.is_invalid_argument() ? kExitBadInput : kExitStore;
  }
  std::cout << "merged " << inputs.size() << " store(s) into " << output << ": " << counts.runs
            << " runs, " << counts.events << " events\n";
  return kExitOk;
}

}  // namespace msmisim::cli
