// The registry of event log formats msmisim writes. Each format's writer lives in its own file
// and adds one entry here.
#include "msmilog/log_writer.h"
#include "text_export_formats.h"

namespace msmilog {

const std::vector<LogExportFormat>& log_export_formats() {
  static const std::vector<LogExportFormat> kFormats = {
      {"csv", "Event Viewer CSV with a header line", false, create_csv_writer},
      {"text", "NT 4.0 Event Viewer tab-delimited text (no header, M/D/YYYY h:mm:ss AM/PM)", false,
       create_nt_text_writer},
      {"jsonl", "one JSON object per record, every field", false, create_jsonl_writer},
  };
  return kFormats;
}

}  // namespace msmilog
