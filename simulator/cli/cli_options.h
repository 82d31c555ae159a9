// Command-line parsing shared by the subcommands: Boost.Program_options errors become a clear
// message and exit code 2, --help prints the command's help with its example.
#pragma once

#include <cassert>
#include <cctype>
#include <iostream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "cli.h"
#include "msmireport/format.h"

namespace msmisim::cli {

namespace po = boost::program_options;

// Returns true when the command should go on. Otherwise *exit_code is what to return: 0 after
// --help, kExitBadInput after a mistake (already reported on stderr). --format is checked
// against msmireport::parse_format() unless check_format is false (a command with formats of
// its own checks them itself).
inline bool parse_command_line(const std::string& command, const std::vector<std::string>& args,
                               const po::options_description& visible,
                               const po::options_description& all,
                               const po::positional_options_description& positional,
                               const char* help, po::variables_map* vm, int* exit_code,
                               bool check_format = true) {
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), *vm);
    po::notify(*vm);
  } catch (const po::error& e) {
    std::cerr << "msmisim " << command << ": " << e.what() << "\nTry 'msmisim " << command
              << " --help'.\n";
    *exit_code = kExitBadInput;
    return false;
  }
  if (vm->count("help")) {
    std::cout << help << visible;
    *exit_code = kExitOk;
    return false;
  }
  // A store named on a command line that records nothing would be silently left alone.
  if (vm->count("no-db") && vm->count("db") && !(*vm)["db"].defaulted()) {
    std::cerr << "msmisim " << command << ": --db " << (*vm)["db"].as<std::string>()
              << " and --no-db contradict each other: give one\n";
    *exit_code = kExitBadInput;
    return false;
  }
  if (check_format && vm->count("format")) {
    std::string format = (*vm)["format"].as<std::string>();
    for (char& c : format) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    // Stored back lower-cased, as --type and --source are matched regardless of case too.
    (*vm).at("format").value() = format;
    msmireport::Format parsed;
    if (!msmireport::parse_format(format, &parsed)) {
      std::cerr << "msmisim " << command << ": --format " << format
                << ": expected table, json or csv\n";
      *exit_code = kExitBadInput;
      return false;
    }
  }
  return true;
}

// The --format of a command line parse_command_line() accepted.
inline msmireport::Format format_option(const po::variables_map& vm) {
  msmireport::Format format = msmireport::Format::kTable;
  const bool known = msmireport::parse_format(vm["format"].as<std::string>(), &format);
  assert(known);  // parse_command_line() refused anything else
  (void)known;
  return format;
}

}  // namespace msmisim::cli
