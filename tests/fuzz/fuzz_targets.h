// The fuzz targets: every parser of outside bytes msmisim has, each behind one function that takes
// any bytes. A target must never crash, hang, leak or trip a sanitizer, whatever it is given;
// what the parser answers (a record, or an error naming the file and field) is not judged here,
// the suites judge that. The same functions run under libFuzzer (MSMISIM_FUZZ, clang) and, in
// every build, over the committed corpora and regression inputs (tst_fuzz_corpora).
#pragma once

#include <string_view>
#include <vector>

namespace fuzz {

struct Target {
  std::string_view name;  // "p1": the corpus folder tests/fuzz/corpus/p1 and fuzz_p1
  std::string_view what;  // "P1 envelope decoder (decode_p1)"
  void (*run)(std::string_view data);
};

// Every target, in the order `scripts/fuzz.sh` runs them.
const std::vector<Target>& targets();
// The target called `name`, or null.
const Target* find_target(std::string_view name);

// Postoffice files (targets_postoffice.cpp).
void p1(std::string_view data);
void mai(std::string_view data);
void network_glb(std::string_view data);
void queue_records(std::string_view data);
void mailbag(std::string_view data);
// Scenario files and the one-line fault rules (targets_scenario.cpp).
void scenario(std::string_view data);
void fault_rule(std::string_view data);
// Event log files, one target per format msmisim imports (targets_logs.cpp).
void import_evt(std::string_view data);
void import_evtx(std::string_view data);
void import_xml(std::string_view data);
void import_csv(std::string_view data);
void import_nt_text(std::string_view data);
void import_nt_csv(std::string_view data);
// Durations, times, addresses and postoffice names as users type them (targets_text.cpp).
void text_values(std::string_view data);

// A mailbag input is the KEY's bytes and the MBG's bytes in one: a 4-byte little-endian length
// of the KEY, the KEY, then the MBG (make_seeds writes them so; a shorter input is all KEY).
void split_mailbag(std::string_view data, std::string_view* key, std::string_view* mbg);

}  // namespace fuzz
