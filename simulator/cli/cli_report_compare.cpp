// msmisim report --compare A B (see cli_report_compare.h).
#include "cli_report_compare.h"

#include <cassert>
#include <chrono>
#include <iostream>
#include <memory>
#include <sstream>
#include <thread>

#include "cli_output.h"
#include "msmireport/html_compare_report.h"
#include "msmireport/html_report.h"
#include "msmireport/run_report_data.h"

namespace msmisim::cli {
namespace {

constexpr const char* kPrefix = "msmisim report: ";
constexpr const char* kImportPrefix = "import:";

// The run a --compare word names: digits are a run ID, "import:NAME" or any other word an
// import's name.
int resolve(const msmilog::EventStore& store, const std::string& db, const std::string& word,
            std::int64_t* run_id) {
  msmi::Status s;
  const bool digits = !word.empty() && word.size() <= 18 &&
                      word.find_first_not_of("0123456789") == std::string::npos;
  if (digits) {
    *run_id = std::stoll(word);
    msmilog::RunSummary summary;
    s = store.get_run(*run_id, &summary);
  } else {
    std::string name = word;
    if (name.rfind(kImportPrefix, 0) == 0) name = name.substr(std::string(kImportPrefix).size());
    if (name.empty()) {
      std::cerr << kPrefix << "--compare '" << word
                << "': expected a run ID or an import name (import:NAME)\n";
      return kExitBadInput;
    }
    s = store.find_import(name, run_id);
  }
  if (!s.ok()) {
    std::cerr << kPrefix << "--compare " << shell_quote(word) << ": " << s.message()
              << " (see 'msmisim runs --db " << shell_quote(db) << "')\n";
    return s.is_not_found() ? kExitBadInput : kExitStore;
  }
  return kExitOk;
}

}  // namespace

int report_compare(const msmilog::EventStore& store, const std::string& db,
                   const po::variables_map& vm, const std::string& output,
                   std::int64_t max_events) {
  assert(vm.count("compare"));
  if (vm.count("run") || vm.count("import") || vm.count("sweep")) {
    std::cerr << kPrefix << "give --compare A B, or --run / --import / --sweep, not both\n";
    return kExitBadInput;
  }
  const auto& words = vm["compare"].as<std::vector<std::string>>();
  if (words.size() != 2) {
    std::cerr << kPrefix << "--compare takes two runs (run IDs or import names), got "
              << words.size() << "\nTry 'msmisim report --help'.\n";
    return kExitBadInput;
  }
  std::int64_t ids[2] = {0, 0};
  for (int i = 0; i < 2; ++i) {
    if (int rc = resolve(store, db, words[i], &ids[i]); rc != kExitOk) return rc;
  }

  const auto start = std::chrono::steady_clock::now();
  msmireport::ReportOptions options;
  options.db_path = db;
  options.signature_dir = vm["signatures"].as<std::string>();
  options.max_events = 0;       // the page has no event table
  options.max_ledger_rows = 0;  // nor ledger rows: the tallies suffice
  msmireport::RunReportData data[2];
  msmi::Status loaded[2];
  if (ids[0] == ids[1]) {
    loaded[0] = msmireport::load_run_report_data(store, ids[0], options, &data[0]);
    data[1] = data[0];
  } else {
    // B loads beside A on a read-only connection of its own, when the file can be opened again:
    // a comparison then takes about as long as the report of its longer run.
    std::unique_ptr<msmilog::EventStore> second;
    std::jthread load_b;
    if (msmilog::EventStore::open_read_only(store.path(), &second).ok()) {
      load_b = std::jthread([&] {
        loaded[1] = msmireport::load_run_report_data(*second, ids[1], options, &data[1]);
      });
    }
    loaded[0] = msmireport::load_run_report_data(store, ids[0], options, &data[0]);
    if (load_b.joinable()) {
      load_b.join();
    } else {
      loaded[1] = msmireport::load_run_report_data(store, ids[1], options, &data[1]);
    }
  }
  for (const msmi::Status& s : loaded) {
    if (!s.ok()) {
      std::cerr << kPrefix << s.to_string() << "\n";
      return s.is_invalid_argument() || s.is_not_found() ? kExitBadInput : kExitStore;
    }
  }
  msmireport::CompareReportOptions compare_options;
  compare_options.max_events = max_events;
  std::ostringstream page;
  msmireport::render_html_compare_report(data[0], data[1], page, compare_options);
  const std::string html = std::move(page).str();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const auto what = [](const msmireport::RunReportData& d) {
    return d.is_import
               ? "import '" + d.run.import_name + "' (run " + std::to_string(d.run.run_id) + ")"
               : "run " + std::to_string(d.run.run_id);
  };
  std::ostringstream line;
  line.setf(std::ios::fixed);
  line.precision(2);
  if (output == "-") {
    std::cout << html << std::flush;
    if (!std::cout) {
      std::cerr << kPrefix << "cannot write to standard output\n";
      return kExitStore;
    }
    line << "report: " << what(data[0]) << " compared with " << what(data[1]) << ", "
         << size_text(html.size()) << " to standard output in " << seconds << " s\n";
  } else {
    if (const msmi::Status s = msmireport::write_file_atomically(output, html); !s.ok()) {
      std::cerr << kPrefix << s.message() << "\n";
      return kExitStore;
    }
    line << "report: " << output << " (" << size_text(html.size()) << ", " << what(data[0])
         << " compared with " << what(data[1]) << ") in " << seconds << " s\n";
  }
  std::cerr << line.str();
  return kExitOk;
}

}  // namespace msmisim::cli
