// msmisim import: reads a customer's NT event logs into the event store.
#include <unistd.h>

#include <iostream>

#include "cli_options.h"
#include "cli_record.h"
#include "msmilog/log_import.h"
#include "msmilog/log_reader.h"
#include "msmireport/import_report.h"
#include "msmisim/world_events.h"

namespace msmisim::cli {
namespace {

constexpr const char* kImportHelp = R"(usage: msmisim import FILE... [options]

Reads NT event log files into the event store as one import (a run of kind 'import'), so they
are queried and diagnosed like simulated runs: msmisim query --import NAME. The format of each
file is detected from its content (NT 4.0 .EVT, .evtx, wevtutil XML, Event Viewer CSV, NT text
and comma-delimited exports, as far as this build reads them). Descriptions the file does not
carry are rendered from msmisim's event catalogue, as Event Viewer renders them.

Each file is imported in one transaction: a file that fails leaves nothing in the store, and the
files after it are still imported. A malformed record fails its file (the error names its byte
offset or line) unless --skip-errors, which skips it and lists it. A file whose content was
imported before (same SHA-256) is refused unless --force. The summary counts, per file, the
records read, imported, skipped and recovered (from deleted space), and the reader's notes (gaps
in the record numbers, a header that disagrees with the records).

--dry-run reads, checks and converts every record exactly as an import does and prints the same
summary (with "would import"), failing on the same files with the same errors and exit code, but
writes nothing: the store is not opened and need not exist, so a taken name or a file imported
before is not detected. Use it to check a customer's file, or to time the readers alone.

Each file goes into the store in one transaction: other commands writing the same store wait
for it, as the import waits for them (MSMISIM_STORE_WAIT seconds, 60 by default; readers never
wait).

exit codes: 0 every file imported, 2 bad arguments, an import of that name exists (without
            --append), or a file missing, unreadable, of no known format, malformed (without
            --skip-errors) or imported before (without --force), 3 the event store unusable

examples:
  msmisim import AppEvent.Evt --name customer-1234
  msmisim import app1.evtx app2.xml --name ticket-77 --computer EXCHSRV1
  msmisim import export.txt --date-order dmy --skip-errors
  msmisim import more.evt --name customer-1234 --append
  msmisim import AppEvent.Evt --dry-run
  msmisim query --import customer-1234 --event-id 2342

)";

// A one-line bar on stderr, redrawn when the percentage changes.
class ProgressBar : public msmilog::ImportProgress {
 public:
  void file_started(const std::string& path, std::size_t index, std::size_t count) override {
    label_ = count > 1 ? "[" + std::to_string(index + 1) + "/" + std::to_string(count) + "] " + path
                       : path;
    percent_ = -1;
    advanced(0, 1);
  }
  void advanced(std::uint64_t bytes_read, std::uint64_t total_bytes) override {
    const int percent =
        total_bytes == 0
            ? 100
            : static_cast<int>(std::min<std::uint64_t>(100, bytes_read * 100 / total_bytes));
    if (percent == percent_) return;
    percent_ = percent;
    constexpr int kWidth = 30;
    const int filled = percent * kWidth / 100;
    std::cerr << "\r" << std::string(static_cast<std::size_t>(filled), '#')
              << std::string(static_cast<std::size_t>(kWidth - filled), '.') << " " << percent
              << "% " << label_ << std::flush;
  }
  void file_finished(const msmilog::FileImport&) override {
    std::cerr << "\r\033[K" << std::flush;  // erase the bar: the summary follows on stdout
  }

 private:
  std::string label_;
  int percent_ = -1;
};

}  // namespace

int import_command(const std::vector<std::string>& args) {
  po::options_description options("options");
  // clang-format off
  options.add_options()
      ("help,h", "show this help")
      ("db", po::value<std::string>()->default_value("msmisim.db"), "event store to write")
      ("name", po::value<std::string>(), "the import's name (default: the first file's name)")
      ("append", "add the files to an existing import of that name")
      ("computer", po::value<std::string>(), "computer name of every record (replaces the file's)")
      ("skip-errors", "skip malformed records (counted and listed) instead of failing the file")
      ("force", "import a file even if the same content was imported before")
      ("dry-run", "read and check every record, print the summary, store nothing")
      ("date-order", po::value<std::string>()->default_value("auto"),
       "dates of text and CSV exports: auto, dmy (22/05/1997) or mdy (5/22/1997)");
  // clang-format on
  po::options_description hidden;
  hidden.add_options()("file", po::value<std::vector<std::string>>());
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description positional;
  positional.add("file", -1);
  po::variables_map vm;
  int exit_code = kExitOk;
  if (!parse_command_line("import", args, options, all, positional, kImportHelp, &vm, &exit_code)) {
    return exit_code;
  }
  if (!vm.count("file")) {
    std::cerr << "msmisim import: missing FILE\nTry 'msmisim import --help'.\n";
    return kExitBadInput;
  }
  msmilog::ImportOptions import;
  const std::string date_order = vm["date-order"].as<std::string>();
  if (date_order == "dmy") {
    import.date_order = msmilog::DateOrder::kDayMonth;
  } else if (date_order == "mdy") {
    import.date_order = msmilog::DateOrder::kMonthDay;
  } else if (date_order != "auto") {
    std::cerr << "msmisim import: --date-order " << date_order << ": expected auto, dmy or mdy\n";
    return kExitBadInput;
  }
  if (vm.count("name")) {
    import.name = vm["name"].as<std::string>();
    if (import.name.empty()) {
      std::cerr << "msmisim import: --name must not be empty\n";
      return kExitBadInput;
    }
  }
  if (vm.count("computer")) import.computer = vm["computer"].as<std::string>();
  import.append = vm.count("append") != 0;
  import.skip_errors = vm.count("skip-errors") != 0;
  import.force = vm.count("force") != 0;
  import.dry_run = vm.count("dry-run") != 0;
  import.started_at = now_iso();
  import.msmisim_version = MSMISIM_VERSION;
  import.command = "msmisim import";
  for (const std::string& arg : args) import.command += " " + shell_quote(arg);

  const std::vector<std::string> files = vm["file"].as<std::vector<std::string>>();
  const std::string db = vm["db"].as<std::string>();
  ProgressBar bar;
  msmilog::ImportResult result;
  const msmi::Status s =
      msmilog::import_logs(db, files, import, msmisim::any_event_catalogue(),
                           msmilog::log_formats(), &result, isatty(STDERR_FILENO) ? &bar : nullptr);
  if (!s.ok()) {  // nothing was imported: no per-file summary, which would say it was
    std::cerr << "msmisim import: " << s.message() << "\n";
    return s.is_invalid_argument() ? kExitBadInput : kExitStore;
  }
  msmireport::render_import(result, std::cout, std::cerr);
  if (!result.all_imported()) return kExitBadInput;
  return kExitOk;
}

}  // namespace msmisim::cli
