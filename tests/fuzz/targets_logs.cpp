// Fuzz targets for the event log importers, one per format msmisim reads. The bytes are put in an
// anonymous memory file and opened by its /proc/self/fd path, as `msmisim import` opens a file;
// every record is read until the reader says it has ended.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "fuzz_targets.h"
#include "msmilog/log_reader.h"
#include "msmisim/world_events.h"

namespace fuzz {
namespace {

// An anonymous file holding the input, closed when it goes.
class MemoryFile {
 public:
  explicit MemoryFile(std::string_view data) : fd_(::memfd_create("fuzz-input", 0)) {
    std::size_t written = 0;
    while (fd_ >= 0 && written < data.size()) {
      const ssize_t n = ::write(fd_, data.data() + written, data.size() - written);
      if (n <= 0) break;
      written += static_cast<std::size_t>(n);
    }
    ok_ = fd_ >= 0 && written == data.size();
  }
  ~MemoryFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;
  bool ok() const { return ok_; }
  std::string path() const { return "/proc/self/fd/" + std::to_string(fd_); }

 private:
  int fd_;
  bool ok_ = false;
};

void import_as(std::string_view format, std::string_view data) {
  const msmilog::LogFormat* chosen = nullptr;
  for (const msmilog::LogFormat& f : msmilog::log_formats())
    if (f.name == format) chosen = &f;
  if (chosen == nullptr) std::abort();  // a target names a format msmisim does not have
  (void)chosen->detect(data.substr(0, 4096));
  const MemoryFile file(data);
  if (!file.ok()) return;
  msmilog::ReaderOptions options;
  options.catalogue = &msmisim::any_event_catalogue();
  std::unique_ptr<msmilog::LogReader> reader;
  if (!chosen->open(file.path(), options, &reader).ok()) return;
  msmilog::LogRecord record;
  // A reader must end: at most one call per input byte and record, plus a few, before kEnd. More
  // means it keeps answering without moving on (a hang under libFuzzer).
  const std::size_t limit = 2 * data.size() + 64;
  for (std::size_t calls = 0;; ++calls) {
    if (calls > limit) std::abort();
    const msmilog::ReadResult result = reader->next(&record);
    if (result == msmilog::ReadResult::kEnd) break;
    if (result == msmilog::ReadResult::kMalformed) (void)reader->issue();
  }
  (void)reader->notes();
}

}  // namespace

void import_evt(std::string_view data) {
  import_as("evt", data);
}
void import_evtx(std::string_view data) {
  import_as("evtx", data);
}
void import_xml(std::string_view data) {
  import_as("xml", data);
}
void import_csv(std::string_view data) {
  import_as("csv", data);
}
void import_nt_text(std::string_view data) {
  import_as("nt-text", data);
}
void import_nt_csv(std::string_view data) {
  import_as("nt-csv", data);
}

}  // namespace fuzz
