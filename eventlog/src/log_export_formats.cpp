// The registry of event log formats msmisim writes. Each format's writer lives in its own file
// and adds one entry here.
#include "msmilog/event_xml.h"
#include "msmilog/evt_writer.h"
#include "msmilog/evtx_log.h"
#include "msmilog/log_writer.h"
#include "text_export_formats.h"

namespace msmilog {

const std::vector<LogExportFormat>& log_export_formats() {
  static const std::vector<LogExportFormat> kFormats = {
      {"xml", "Windows event XML with an <Events> root and RenderingInfo (wevtutil /e:Events)",
       false, &create_event_xml_writer},
      {"evtx-xml", "Windows event XML, one <Event> per line (wevtutil qe /f:RenderedXml)", false,
       &create_event_xml_lines_writer},
      {"evtx", "Windows XML event log (.evtx)", true, &create_evtx_writer},
      {"csv", "Event Viewer CSV with a header line", false, create_csv_writer},
      {"text", "NT 4.0 Event Viewer tab-delimited text (no header, M/D/YYYY h:mm:ss AM/PM)", false,
       create_nt_text_writer},
      {"jsonl", "one JSON object per record, every field", false, create_jsonl_writer},
      {"evt", "NT 4.0 binary event log (.EVT)", true, create_evt_writer},
  };
  return kFormats;
}

}  // namespace msmilog
