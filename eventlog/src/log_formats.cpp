// The registry of event log formats msmisim reads. Each format's reader lives in its own file
// and adds one entry here, binary signatures before text guesses.
#include "msmilog/log_reader.h"

#include "msmilog/event_xml.h"
#include "msmilog/evtx_log.h"

namespace msmilog {

const std::vector<LogFormat>& log_formats() {
  static const std::vector<LogFormat> kFormats = {
      {"evtx", "Windows XML event log (.evtx)", &detect_evtx, &open_evtx_reader},
      {"xml", "Windows event XML (wevtutil qe /f:xml, with or without <Events>)", &detect_event_xml,
       &open_event_xml_reader},
  };
  return kFormats;
}

}  // namespace msmilog
