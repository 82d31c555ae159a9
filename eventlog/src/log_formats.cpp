// The registry of event log formats msmisim reads. Each format's reader lives in its own file
// and adds one entry here, binary signatures before text guesses.
#include "msmilog/log_reader.h"

namespace msmilog {

const std::vector<LogFormat>& log_formats() {
  static const std::vector<LogFormat> kFormats = {
  };
  return kFormats;
}

}  // namespace msmilog
