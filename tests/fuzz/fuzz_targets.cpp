#include "fuzz_targets.h"

namespace fuzz {

const std::vector<Target>& targets() {
  static const std::vector<Target> all = {
      {"p1", "P1 envelope decoder (decode_p1)", p1},
      {"mai", "MAI content decoder (decode_mai)", mai},
      {"network_glb", "NETWORK.GLB decoder (decode_network_glb)", network_glb},
      {"queue_records", "INQUEUE3 and outbound mailbag record decoders", queue_records},
      {"mailbag", "KEY/MBG pair: load, then append, update and remove", mailbag},
      {"scenario", "scenario loader (parse_scenario)", scenario},
      {"fault_rule", "fault rule parser (parse_fault_rule)", fault_rule},
      {"import_evt", "NT 4.0 .EVT reader", import_evt},
      {"import_evtx", ".EVTX reader (libevtx)", import_evtx},
      {"import_xml", "wevtutil XML reader", import_xml},
      {"import_csv", "Event Viewer CSV reader", import_csv},
      {"import_nt_text", "NT 4.0 Event Viewer text export reader", import_nt_text},
      {"import_nt_csv", "NT 4.0 Event Viewer comma-separated export reader", import_nt_csv},
      {"text_values", "duration, time, address, postoffice name and number parsers", text_values},
  };
  return all;
}

const Target* find_target(std::string_view name) {
  for (const Target& t : targets())
    if (t.name == name) return &t;
  return nullptr;
}

void split_mailbag(std::string_view data, std::string_view* key, std::string_view* mbg) {
  if (data.size() < 4) {
    *key = data;
    *mbg = {};
    return;
  }
  std::size_t length = 0;
  for (int i = 3; i >= 0; --i) length = length * 256 + static_cast<unsigned char>(data[i]);
  data.remove_prefix(4);
  if (length > data.size()) length = data.size();
  *key = data.substr(0, length);
  *mbg = data.substr(length);
}

}  // namespace fuzz
