// The registry of event log formats msmisim reads. Each format's reader lives in its own file
// and adds one entry here, binary signatures before text guesses.
#include "msmilog/log_reader.h"

#include "msmilog/evt_reader.h"

namespace msmilog {

const std::vector<LogFormat>& log_formats() {
  static const std::vector<LogFormat> kFormats = {
      {"evt", "NT 4.0 binary event log (.EVT)", detect_evt, open_evt_log},
  };
  return kFormats;
}

}  // namespace msmilog
