// The libFuzzer entry: one executable for every target, the target chosen by the environment
// variable MSMISIM_FUZZ_TARGET (a name from fuzz::targets(); scripts/fuzz.sh sets it; "list"
// prints the names).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "fuzz_targets.h"

namespace {

const fuzz::Target& chosen_target() {
  const char* name = std::getenv("MSMISIM_FUZZ_TARGET");
  if (name != nullptr && std::string(name) == "list") {  // the names, one per line
    for (const fuzz::Target& t : fuzz::targets()) std::printf("%s\n", std::string(t.name).c_str());
    std::exit(0);
  }
  const fuzz::Target* target = fuzz::find_target(name != nullptr ? name : "");
  if (target == nullptr) {
    std::fprintf(stderr, "set MSMISIM_FUZZ_TARGET to one of:");
    for (const fuzz::Target& t : fuzz::targets())
      std::fprintf(stderr, " %s", std::string(t.name).c_str());
    std::fprintf(stderr, "\n");
    std::exit(2);
  }
  return *target;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)chosen_target();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const fuzz::Target& target = chosen_target();
  target.run(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
