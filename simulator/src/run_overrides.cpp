#include "msmisim/run_overrides.h"

#include <nlohmann/json.hpp>

#include "msmilog/json_depth.h"

namespace msmisim {

namespace {

constexpr const char* kDefectKey = "defect";
constexpr const char* kFaultKey = "fault";

}  // namespace

std::string to_json(const RunOverrides& overrides) {
  nlohmann::ordered_json json = nlohmann::ordered_json::object();
  if (!overrides.defects.empty()) json[kDefectKey] = overrides.defects;
  if (!overrides.faults.empty()) json[kFaultKey] = overrides.faults;
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

msmi::Status parse_run_overrides(std::string_view text, RunOverrides* out) {
  *out = RunOverrides();
  if (text.empty()) return msmi::Status::Ok();
  nlohmann::json json;
  if (int line = 0, column = 0; msmilog::json_too_deep(text, &line, &column)) {
    return msmi::Status::InvalidArgument(std::string("options: ") + msmilog::kJsonTooDeep);
  }
  try {
    json = nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::exception& e) {
    return msmi::Status::InvalidArgument(std::string("options: not JSON: ") + e.what());
  }
  if (!json.is_object()) return msmi::Status::InvalidArgument("options: expected a JSON object");
  for (const auto& [key, value] : json.items()) {
    std::vector<std::string>* list = key == kDefectKey  ? &out->defects
                                     : key == kFaultKey ? &out->faults
                                                        : nullptr;
    if (list == nullptr) {
      return msmi::Status::InvalidArgument("options: unknown key '" + key +
                                           "' (recorded by a newer msmisim?)");
    }
    if (!value.is_array()) {
      return msmi::Status::InvalidArgument("options." + key + ": expected a list of strings");
    }
    for (const nlohmann::json& item : value) {
      if (!item.is_string()) {
        return msmi::Status::InvalidArgument("options." + key + ": expected a list of strings");
      }
      list->push_back(item.get<std::string>());
    }
  }
  return msmi::Status::Ok();
}

msmi::Status apply_defect_override(const std::string& text, Scenario* scenario) {
  const std::size_t eq = text.find('=');
  msmi::Defect defect;
  const std::string value = eq == std::string::npos ? "" : text.substr(eq + 1);
  if (eq == std::string::npos || !msmi::parse_defect(text.substr(0, eq), defect) ||
      (value != "on" && value != "off")) {
    return msmi::Status::InvalidArgument("--defect " + text +
                                         ": expected NAME=on or NAME=off with NAME one of " +
                                         msmi::defect_names());
  }
  scenario->defect_overrides[defect] = value == "on";
  return msmi::Status::Ok();
}

msmi::Status apply_fault_override(const std::string& text, Scenario* scenario, int* error_column) {
  *error_column = 0;
  FaultRule rule;
  const msmi::Status s = parse_fault_rule(text, &rule, error_column);
  if (!s.ok()) return s;
  if (const std::string why = rule_outside_run(rule, scenario->duration_us); !why.empty()) {
    *error_column = 0;
    return msmi::Status::InvalidArgument("--fault " + text + ": can never fire: " + why);
  }
  scenario->fault_rules.push_back(std::move(rule));
  return msmi::Status::Ok();
}

msmi::Status apply_run_overrides(const RunOverrides& overrides, Scenario* scenario) {
  for (const std::string& d : overrides.defects) {
    if (msmi::Status s = apply_defect_override(d, scenario); !s.ok()) return s;
  }
  for (const std::string& f : overrides.faults) {
    int column = 0;
    msmi::Status s = apply_fault_override(f, scenario, &column);
    if (!s.ok()) {
      if (column > 0) {
        s = msmi::Status::InvalidArgument("--fault " + f + ": " + s.message() + " at column " +
                                          std::to_string(column));
      }
      return s;
    }
  }
  return msmi::Status::Ok();
}

}  // namespace msmisim
