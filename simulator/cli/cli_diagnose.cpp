// msmisim diagnose: which known KB bugs the events of one run (or one import) match.
#include <iostream>
#include <optional>

#include "cli.h"
#include "cli_options.h"
#include "msmilog/diagnosis.h"
#include "msmilog/event_store.h"
#include "msmilog/signature.h"
#include "msmilog/time_format.h"
#include "msmireport/diagnosis_report.h"

namespace msmisim::cli {

namespace {

constexpr const char* kDiagnoseHelp = R"(usage: msmisim diagnose [options]

Evaluates the KB signature rules (one JSON file per Knowledge Base article, see
eventlog/signatures/README.md) over the events of one run, oldest first, and names every known
KB bug they match, with the evidence (event rows), first and last time, how many events, and
the article's cause, workaround and fix. Without --run, the latest run is diagnosed.

exit codes: 0 diagnosed (whether or not a KB matched), 1 a KB matched and --fail-on-match was
            given, 2 bad input (arguments, a bad rule file), 3 event store unusable

examples:
  msmisim diagnose --db msmisim.db                        the latest run
  msmisim diagnose --run 12 --format json
  msmisim diagnose --run latest --fail-on-match           for CI: exit 1 when a KB bug showed
  msmisim diagnose --since 10m --until 2h --evidence 5    (virtual time since the run started)

)";

// "10m", "90s" → virtual µs since the run started; an ISO time → the time column.
bool parse_time_filter(const std::string& text, std::optional<std::int64_t>* us,
                       std::optional<std::string>* iso) {
  std::int64_t value = 0;
  if (msmilog::parse_duration_us(text, &value)) {
    *us = value;
    return true;
  }
  if (msmilog::parse_iso8601_utc(text, &value)) {
    *iso = text;
    return true;
  }
  return false;
}

// Resolves --run (N or latest; latest when absent) into *run_id. Returns kExitOk or the exit
// code, the error already reported.
int resolve_run(const msmilog::EventStore& store, const std::string& db,
                const std::optional<std::string>& run, std::int64_t* run_id,
                msmilog::RunSummary* summary) {
  const std::string text = run.value_or("latest");
  if (text == "latest") {
    const msmi::Status s = store.latest_run_id(run_id);
    if (!s.ok()) {
      std::cerr << "msmisim diagnose: " << db << ": no run to diagnose: " << s.message() << "\n";
      return s.is_not_found() ? kExitBadInput : kExitStore;
    }
  } else {
    try {
      std::size_t used = 0;
      *run_id = std::stoll(text, &used);
      if (used != text.size()) throw std::invalid_argument(text);
    } catch (const std::exception&) {
      std::cerr << "msmisim diagnose: --run " << text << ": expected a run ID or 'latest'\n";
      return kExitBadInput;
    }
  }
  const msmi::Status found = store.get_run(*run_id, summary);
  if (!found.ok()) {
    std::cerr << "msmisim diagnose: --run " << text << ": " << found.message()
              << " (see 'msmisim runs --db " << db << "')\n";
    return found.is_not_found() ? kExitBadInput : kExitStore;
  }
  return kExitOk;
}

}  // namespace

int diagnose_command(const std::vector<std::string>& args) {
  po::options_description options("options");
  // clang-format off
  options.add_options()
      ("help,h", "show this help")
      ("db", po::value<std::string>()->default_value("msmisim.db"), "event store to read")
      ("run", po::value<std::string>(), "run ID, or 'latest' (the default)")
      ("since", po::value<std::string>(),
       "only events from this time: a duration since the run started (10m) or ISO-8601 UTC")
      ("until", po::value<std::string>(), "only events up to this time, same forms as --since")
      ("signatures", po::value<std::string>()->default_value(MSMISIM_SIGNATURES_DIR),
       "folder of KB signature rules (*.json)")
      ("format", po::value<std::string>()->default_value("text"), "text or json")
      ("fail-on-match", "exit 1 when some KB matched")
      ("evidence", po::value<int>()->default_value(3), "evidence rows shown per condition");
  // clang-format on
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(options).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "msmisim diagnose: " << e.what() << "\nTry 'msmisim diagnose --help'.\n";
    return kExitBadInput;
  }
  if (vm.count("help")) {
    std::cout << kDiagnoseHelp << options;
    return kExitOk;
  }
  std::string format = vm["format"].as<std::string>();
  for (char& c : format) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (format != "text" && format != "json") {
    std::cerr << "msmisim diagnose: --format " << format << ": expected text or json\n";
    return kExitBadInput;
  }
  const int evidence_rows = vm["evidence"].as<int>();
  if (evidence_rows < 0) {
    std::cerr << "msmisim diagnose: --evidence must be 0 or more\n";
    return kExitBadInput;
  }
  msmilog::EventFilter filter;
  for (const char* key : {"since", "until"}) {
    if (!vm.count(key)) continue;
    const std::string text = vm[key].as<std::string>();
    const bool since = std::string(key) == "since";
    if (!parse_time_filter(text, since ? &filter.since_us : &filter.until_us,
                           since ? &filter.since_time : &filter.until_time)) {
      std::cerr << "msmisim diagnose: --" << key << " " << text
                << ": expected a duration since the run started (\"90s\", \"10m\", \"1h30m\") or "
                   "an ISO-8601 UTC time (\"1997-05-22T12:10:00Z\")\n";
      return kExitBadInput;
    }
  }

  std::vector<msmilog::Signature> signatures;
  const std::string signature_dir = vm["signatures"].as<std::string>();
  if (const msmi::Status s = msmilog::load_signatures(signature_dir, &signatures); !s.ok()) {
    std::cerr << "msmisim diagnose: " << s.message() << "\n";
    return kExitBadInput;
  }

  const std::string db = vm["db"].as<std::string>();
  std::unique_ptr<msmilog::EventStore> store;
  if (const msmi::Status s = msmilog::EventStore::open_read_only(db, &store); !s.ok()) {
    std::cerr << "msmisim diagnose: " << s.to_string() << "\n";
    return kExitStore;
  }
  std::optional<std::string> run;
  if (vm.count("run")) run = vm["run"].as<std::string>();
  std::int64_t run_id = 0;
  msmilog::RunSummary summary;
  if (int rc = resolve_run(*store, db, run, &run_id, &summary); rc != kExitOk) return rc;
  filter.run_id = run_id;
  // Only the events some rule can look at, when every rule names its event IDs.
  std::vector<int> ids;
  if (msmilog::signature_event_ids(signatures, &ids) &&
      ids.size() <= msmilog::EventFilter::kMaxEventIds) {
    filter.event_ids = ids;
  }

  msmilog::DiagnoseOptions diagnose_options;
  diagnose_options.evidence_rows = static_cast<std::size_t>(evidence_rows);
  msmilog::SignatureEvaluator evaluator(signatures, diagnose_options);
  const msmi::Status read = store->query_events(filter, [&evaluator](const msmilog::EventRow& e) {
    evaluator.add(e);
    return true;
  });
  if (!read.ok()) {
    std::cerr << "msmisim diagnose: " << read.to_string() << "\n";
    return read.is_invalid_argument() ? kExitBadInput : kExitStore;
  }
  std::int64_t events = 0;
  if (filter.event_ids.empty()) {
    events = evaluator.rows();
  } else {
    msmilog::EventFilter all = filter;
    all.event_ids.clear();
    if (const msmi::Status s = store->count_events(all, &events); !s.ok()) {
      std::cerr << "msmisim diagnose: " << s.to_string() << "\n";
      return kExitStore;
    }
  }
  const std::vector<msmilog::Diagnosis> diagnoses = evaluator.finish();

  msmireport::DiagnosisSubject subject;
  subject.what = "run " + std::to_string(run_id) + " (" + summary.scenario + ", profile " +
                 summary.profile + ")";
  subject.run_id = run_id;
  subject.events = events;
  subject.signatures = static_cast<std::int64_t>(signatures.size());
  if (format == "json") {
    msmireport::render_diagnoses_json(subject, diagnoses, std::cout);
  } else {
    msmireport::render_diagnoses_text(subject, diagnoses, std::cout);
  }
  if (vm.count("fail-on-match") && !diagnoses.empty()) return kExitExpectations;
  return kExitOk;
}

}  // namespace msmisim::cli
