// Reading JSON fields with errors that name the JSON path and what was expected. Internal to
// the scenario loader: FieldError never leaves load_scenario_file.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "msmisim/scenario.h"

namespace msmisim::detail {

using json = nlohmann::json;

// A mistake in a scenario: the JSON path of the field and what is wrong with it.
struct FieldError {
  std::string json_path;
  std::string message;
};

// Throws FieldError "expected <expected>, got <type and text of got>".
[[noreturn]] void fail(const std::string& path, const std::string& expected, const json& got);

// Reads the fields of one JSON object and refuses the ones nobody asked for.
class Fields {
 public:
  Fields(const json& object, std::string path);
  const json* get(const std::string& key);
  std::string at(const std::string& key) const { return path_ + "." + key; }
  const std::string& path() const { return path_; }
  // Call once every field has been read.
  void reject_unknown() const;

 private:
  const json& object_;
  std::string path_;
  std::set<std::string> known_;
};

std::string read_string(const json& v, const std::string& path);
std::int64_t read_int(const json& v, const std::string& path, std::int64_t lo, std::int64_t hi);
double read_number(const json& v, const std::string& path);
bool read_bool(const json& v, const std::string& path);
std::int64_t read_duration(const json& v, const std::string& path);
std::string read_address(const json& v, const std::string& path, bool must_be_valid);
std::vector<std::string> read_addresses(const json& v, const std::string& path, bool must_be_valid,
                                        bool allow_empty);
// Like read_addresses, but an entry may carry a display name: "Jane Doe <MS:NET/PO/JANE>".
// *names gets one entry per address ("" for none), or stays empty when no entry has a name.
std::vector<std::string> read_named_addresses(const json& v, const std::string& path,
                                              bool must_be_valid, bool allow_empty,
                                              std::vector<std::string>* names);
// A display name: one line of text, not empty.
std::string read_display_name(const json& v, const std::string& path);
// "ipm" or "dirsync".
msmi::MessageKind read_message_kind(const json& v, const std::string& path);
Direction read_direction(const json& v, const std::string& path);
// A number (exactly) or {"min": …, "max": …}. Counts are whole numbers ≥ 0; percentages lie in
// 0..100.
CountRange read_range(const json& v, const std::string& path, bool percentage = false);
// A window [from, until) must not be empty.
void check_window(std::int64_t from_us, std::optional<std::int64_t> until_us,
                  const std::string& path);
// An ID from the event catalogue.
int read_event_id(const json& v, const std::string& path);

// The "expect" block of one profile.
Expectations read_expectations(const json& v, const std::string& path);

}  // namespace msmisim::detail
