// The registry of event log formats msmisim writes. Each format's writer lives in its own file
// and adds one entry here.
#include "msmilog/log_writer.h"

namespace msmilog {

const std::vector<LogExportFormat>& log_export_formats() {
  static const std::vector<LogExportFormat> kFormats = {
  };
  return kFormats;
}

}  // namespace msmilog
