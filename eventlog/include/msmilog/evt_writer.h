// The NT 4.0 event log (.EVT) writer behind `msmisim export --format evt`: a file that Event
// Viewer opens and libyal's libevt/evtexport read. The format is described atop evt_writer.cpp.
#pragma once

#include <memory>
#include <string>

#include "msmi/status.h"
#include "msmilog/log_writer.h"

namespace msmilog {

// Creates the .EVT file `path` (not "-": the format is binary). Records are numbered 1, 2, 3 …
// in the order written, whatever their record_number; times are stored in whole seconds. A
// record without a computer gets options.computer. IoError naming the file when it cannot be
// created. The file is complete and clean (no dirty flag) only after finish().
msmi::Status create_evt_writer(const std::string& path, const WriterOptions& options,
                               std::unique_ptr<LogWriter>* out);

}  // namespace msmilog
