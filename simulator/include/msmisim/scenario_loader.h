// Reads a scenario file. Every mistake — invalid JSON, an unknown key, a wrong type, a bad
// duration, address, profile or event ID — is reported with the file, the JSON path of the
// field and what was expected, and nothing is run.
#pragma once

#include <string>
#include <string_view>

#include "msmisim/scenario.h"

namespace msmisim {

struct LoadError {
  std::string file;
  std::string json_path;  // "$.traffic[0].every"; empty for errors about the whole file
  std::string message;
  int line = 0;  // for JSON syntax errors
  int column = 0;
  // "scenarios/kb/Q151791.json: $.traffic[0].every: expected a duration …"
  std::string to_string() const;
};

bool load_scenario_file(const std::string& path, Scenario* out, LoadError* error);
bool parse_scenario(std::string_view text, const std::string& path, Scenario* out,
                    LoadError* error);

}  // namespace msmisim
