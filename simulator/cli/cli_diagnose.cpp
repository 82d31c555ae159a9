// msmisim diagnose: which known KB bugs the events of one run (or one import) match.
#include <iostream>
#include <optional>

#include "cli.h"
#include "cli_event_filter.h"
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
the article's cause, workaround and fix. --import NAME diagnoses an imported log (msmisim import
--name NAME); without --run or --import, the latest run or import is diagnosed. --since/--until
take the forms of msmisim query (see 'msmisim query --help').

exit codes: 0 diagnosed (whether or not a KB matched), 1 a KB matched and --fail-on-match was
            given, 2 bad input (arguments, a bad rule file), 3 event store unusable

examples:
  msmisim diagnose --db msmisim.db                        the latest run
  msmisim diagnose --run 12 --format json
  msmisim diagnose --run latest --fail-on-match           for CI: exit 1 when a KB bug showed
  msmisim diagnose --import customer-1234                 a customer's exported log
  msmisim diagnose --since 10m --until 2h --evidence 5    (virtual time since the run started)

)";

}  // namespace

int diagnose_command(const std::vector<std::string>& args) {
  po::options_description options("options");
  // clang-format off
  options.add_options()
      ("help,h", "show this help")
      ("db", po::value<std::string>()->default_value("msmisim.db"), "event store to read")
      ("signatures", po::value<std::string>()->default_value(MSMISIM_SIGNATURES_DIR),
       "folder of KB signature rules (*.json)")
      ("format", po::value<std::string>()->default_value("text"), "text or json")
      ("fail-on-match", "exit 1 when some KB matched")
      ("evidence", po::value<int>()->default_value(3), "evidence rows shown per condition");
  // clang-format on
  add_event_filter_options(options, FilterOptionSet::kTimes, "run ID, or 'latest' (the default)");
  po::variables_map vm;
  try {
    // No positional arguments: a run is --run N (a bare "3" is refused, not ignored).
    po::store(po::command_line_parser(join_signed_times(args))
                  .options(options)
                  .positional(po::positional_options_description())
                  .run(),
              vm);
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
  if (std::string error; !event_filter_from_options(vm, FilterOptionSet::kTimes, &filter, &error)) {
    std::cerr << "msmisim diagnose: " << error << "\n";
    return kExitBadInput;
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
  msmilog::RunSummary summary;
  if (int rc =
          select_run("diagnose", *store, db, vm, /*latest_by_default=*/true, &filter, &summary);
      rc != kExitOk) {
    return rc;
  }
  const std::int64_t run_id = *filter.run_id;
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
  subject.what = summary.kind == "import"
                     ? "import '" + summary.import_name + "' (run " + std::to_string(run_id) + ")"
                     : "run " + std::to_string(run_id) + " (" + summary.scenario + ", profile " +
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
