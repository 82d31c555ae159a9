// The registry of event log formats msmisim reads. Each format's reader lives in its own file
// and adds one entry here, binary signatures before text guesses.
#include "msmilog/event_xml.h"
#include "msmilog/evt_reader.h"
#include "msmilog/evtx_log.h"
#include "msmilog/log_reader.h"
#include "text_export_formats.h"

namespace msmilog {

const std::vector<LogFormat>& log_formats() {
  static const std::vector<LogFormat> kFormats = {
      {"evt", "NT 4.0 binary event log (.EVT)", detect_evt, open_evt_log},
      {"evtx", "Windows XML event log (.evtx)", &detect_evtx, &open_evtx_reader},
      {"xml", "Windows event XML (wevtutil qe /f:xml, with or without <Events>)", &detect_event_xml,
       &open_event_xml_reader},
      {"csv", "Event Viewer CSV with a header line", detect_event_viewer_csv,
       open_event_viewer_csv},
      {"nt-csv", "NT 4.0/2000 Event Viewer comma-delimited export (no header)",
       detect_nt_comma_export, open_nt_comma_export},
      {"nt-text", "NT 4.0/2000 Event Viewer tab-delimited text export (no header)",
       detect_nt_text_export, open_nt_text_export},
  };
  return kFormats;
}

}  // namespace msmilog
