// The NT 4.0 event log (.EVT) reader behind `msmisim import`: libevt decodes the records, and
// a record walker of our own follows the log from the header's StartOffset to its end-of-file
// record, so that no record libevt loses (a wrapped log, a record with a user SID and neither
// strings nor data, anything after a record it rejects) is lost silently.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "msmi/status.h"
#include "msmilog/log_reader.h"

namespace msmilog {

// What the EVT reader reports beyond LogReader, for the import summary and the tests.
class EvtLogReader : public LogReader {
 public:
  // Record numbers the header (or, for a log not closed cleanly, the end-of-file record) says
  // the log holds that neither came back as a record nor were reported as malformed: records
  // lost to damage the walk jumped over. Complete once next() returned kEnd.
  virtual std::uint64_t missing() const = 0;
  // Live records that came from our own walker because libevt did not return them.
  virtual std::uint64_t read_directly() const = 0;
};

// True when `head` starts with an ELF_LOGFILE_HEADER (size 0x30 and the "LfLe" signature).
bool detect_evt(std::string_view head);

// Opens the .EVT file `path`. IoError when it cannot be opened; Corruption naming the file when
// its header is not an EVT header. Damage past the header is reported record by record through
// next(), issue() and notes(), never by refusing the file. Records come in log order (oldest
// first, following a wrap), then those recovered from the free space (recovered() counts them),
// each with its byte offset in the file as position.
// `use_libevt` false: every record comes from msmisim's own walker and decoder, and records
// outside the live log from its own scan of the free space (for comparison, and where libevt
// misbehaves on a file).
// A file larger than `libevt_whole_file_bytes` is not opened whole by libevt (whose index of
// every record would grow with the file) but read by it in bounded windows of records, and its
// free space is scanned by msmisim (evt_reader.cpp says how): memory stays flat.
inline constexpr std::uint64_t kLibevtWholeFileBytes = 16 << 20;
msmi::Status open_evt_reader(const std::string& path, std::unique_ptr<EvtLogReader>* out,
                             bool use_libevt = true,
                             std::uint64_t libevt_whole_file_bytes = kLibevtWholeFileBytes);

// open_evt_reader() in the shape of LogFormat::open, for log_formats(). The options do not
// apply to a binary log.
msmi::Status open_evt_log(const std::string& path, const ReaderOptions& options,
                          std::unique_ptr<LogReader>* out);

}  // namespace msmilog
