// The registry of event log formats msmisim writes. Each format's writer lives in its own file
// and adds one entry here.
#include "msmilog/log_writer.h"

#include "msmilog/evt_writer.h"

namespace msmilog {

const std::vector<LogExportFormat>& log_export_formats() {
  static const std::vector<LogExportFormat> kFormats = {
      {"evt", "NT 4.0 binary event log (.EVT)", true, create_evt_writer},
  };
  return kFormats;
}

}  // namespace msmilog
