#include "cli_event_filter.h"

#include <cctype>
#include <iostream>
#include <optional>
#include <stdexcept>

#include "msmilog/time_format.h"

namespace msmisim::cli {
namespace {

// One --since/--until value into the filter: a signed duration (relative to the selected runs'
// first or last event), an unsigned one (virtual time since the run started), or a UTC time.
bool parse_time_filter(const std::string& text, std::optional<std::int64_t>* us,
                       std::optional<std::string>* iso,
                       std::optional<msmilog::RelativeTime>* relative) {
  std::int64_t value = 0;
  msmilog::RelativeTime rel;
  if (msmilog::parse_relative_time(text, &rel)) {
    *relative = rel;
    return true;
  }
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

// The values of a repeatable option whose values are comma-separated lists.
std::vector<std::string> list_values(const po::variables_map& vm, const char* key) {
  std::vector<std::string> values;
  if (!vm.count(key)) return values;
  for (const std::string& option : vm[key].as<std::vector<std::string>>()) {
    std::size_t begin = 0;
    while (begin <= option.size()) {
      std::size_t end = option.find(',', begin);
      if (end == std::string::npos) end = option.size();
      if (end > begin) values.push_back(option.substr(begin, end - begin));
      begin = end + 1;
    }
  }
  return values;
}

bool parse_int(const std::string& text, int* out) {
  try {
    std::size_t used = 0;
    const int value = std::stoi(text, &used);
    if (used != text.size()) return false;
    *out = value;
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

// "3" (level <= 3) or "1-3".
bool parse_level(const std::string& text, msmilog::EventFilter* filter) {
  const std::size_t dash = text.find('-', 1);
  int low = 0, high = 0;
  if (dash == std::string::npos) {
    if (!parse_int(text, &high) || high < 0) return false;
    filter->max_level = high;
    return true;
  }
  if (!parse_int(text.substr(0, dash), &low) || !parse_int(text.substr(dash + 1), &high) ||
      low < 0 || low > high) {
    return false;
  }
  filter->min_level = low;
  filter->max_level = high;
  return true;
}

bool reversed_times(const msmilog::EventFilter& filter) {
  std::int64_t since_time = 0, until_time = 0;
  const bool reversed_duration =
      filter.since_us && filter.until_us && *filter.since_us > *filter.until_us;
  const bool reversed_time = filter.since_time && filter.until_time &&
                             msmilog::parse_iso8601_utc(*filter.since_time, &since_time) &&
                             msmilog::parse_iso8601_utc(*filter.until_time, &until_time) &&
                             since_time > until_time;
  const auto& sr = filter.since_relative;
  const auto& ur = filter.until_relative;
  const bool reversed_relative =
      sr && ur && sr->anchor == ur->anchor &&
      (sr->anchor == msmilog::RelativeTime::Anchor::kAfterFirst ? sr->offset_us > ur->offset_us
                                                                : sr->offset_us < ur->offset_us);
  return reversed_duration || reversed_time || reversed_relative;
}

}  // namespace

const char* const kTimeFilterHelp =
    R"(Times (--since/--until, both inclusive):
  "1997-05-22 09:00", "1997-05-22T09:00:30.5Z", "1997-05-22"   absolute UTC (date only: midnight)
  -2h      2 hours before the LAST event of the selected run(s) (--run/--import, else of the
           whole store): for a recorded log, "now" is its last event, as journalctl's -2h is
           relative to now
  +30m     30 minutes after the FIRST event of the selected run(s)
  10m      virtual time since the start of each simulated run (time_us; no sign). For an
           imported log time_us is microseconds since 1970, so use +30m there.
  Durations: 1d, 2h, 30m, 90s, 250ms, combined as 1h30m.
)";

void add_event_filter_options(po::options_description& options, FilterOptionSet set,
                              const char* run_help) {
  // clang-format off
  options.add_options()
      ("run", po::value<std::string>(), run_help)
      ("import", po::value<std::string>(), "the imported log of this --name")
      ("since,S", po::value<std::string>(),
       "from this time: UTC time, -2h (before the last event), +30m (after the first), "
       "10m (virtual time since the run started)")
      ("until,U", po::value<std::string>(), "up to this time, same forms as --since");
  if (set == FilterOptionSet::kTimes) return;
  options.add_options()
      ("event-id,e", po::value<std::vector<std::string>>()->composing(),
       "event IDs: 2342,2553  2300-2399  !2444 (repeatable)")
      ("source", po::value<std::vector<std::string>>()->composing(),
       "event source(s), e.g. MSExchangeMSMI")
      ("type", po::value<std::vector<std::string>>()->composing(),
       "Error, Warning, Information (list)")
      ("category", po::value<std::vector<std::string>>()->composing(),
       "category name(s), e.g. \"Session Error\"")
      ("level", po::value<std::string>(), "logging level N or lower, or a range 1-3");
  if (set == FilterOptionSet::kAll) {
    options.add_options()
        ("computer", po::value<std::vector<std::string>>()->composing(), "computer name(s)");
  }
  options.add_options()
      ("thread", po::value<int>(), "MT.EXE thread number")
      ("message-id", po::value<std::string>(), "events of one message, e.g. MSNET/SALES/00000003")
      ("text", po::value<std::string>(), "description contains this text (case-insensitive)")
      ("search", po::value<std::string>(),
       "FTS5 full-text query: words, \"phrase\", prefix*, NEAR(a b, 5)")
      ("grep,g", po::value<std::string>(), "description matches this POSIX extended regex")
      ("ignore-case,i", "--grep ignores case");
  // clang-format on
}

std::vector<std::string> join_signed_times(const std::vector<std::string>& args) {
  std::vector<std::string> joined;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    const bool time_option = arg == "--since" || arg == "--until" || arg == "-S" || arg == "-U";
    if (time_option && i + 1 < args.size() && args[i + 1].size() > 1 && args[i + 1][0] == '-' &&
        std::isdigit(static_cast<unsigned char>(args[i + 1][1]))) {
      joined.push_back((arg.size() == 2 ? (arg == "-S" ? "--since" : "--until") : arg) + "=" +
                       args[i + 1]);
      ++i;
    } else {
      joined.push_back(arg);
    }
  }
  return joined;
}

bool event_filter_from_options(const po::variables_map& vm, FilterOptionSet set,
                               msmilog::EventFilter* filter, std::string* error) {
  for (const char* key : {"since", "until"}) {
    if (!vm.count(key)) continue;
    const std::string text = vm[key].as<std::string>();
    const bool since = std::string(key) == "since";
    if (!parse_time_filter(text, since ? &filter->since_us : &filter->until_us,
                           since ? &filter->since_time : &filter->until_time,
                           since ? &filter->since_relative : &filter->until_relative)) {
      *error = "--" + std::string(key) + " " + text +
               ": expected a UTC time (\"1997-05-22 09:00\", \"1997-05-22T12:10:00Z\"), -2h "
               "(before the last event), +30m (after the first event) or a duration since the "
               "run started (\"90s\", \"10m\", \"1h30m\")";
      return false;
    }
  }
  if (reversed_times(*filter)) {
    *error = "--since is later than --until, so nothing could match";
    return false;
  }
  if (vm.count("event-id")) {
    for (const std::string& spec : vm["event-id"].as<std::vector<std::string>>()) {
      const msmi::Status s = msmilog::add_event_id_spec(spec, filter);
      if (!s.ok()) {
        *error = "--event-id: " + s.message();
        return false;
      }
    }
  }
  if (vm.count("source")) filter->sources = list_values(vm, "source");
  if (vm.count("type")) filter->types = list_values(vm, "type");
  if (vm.count("category")) filter->categories = list_values(vm, "category");
  if (set == FilterOptionSet::kAll && vm.count("computer"))
    filter->computers = list_values(vm, "computer");
  if (vm.count("level") && !parse_level(vm["level"].as<std::string>(), filter)) {
    *error = "--level " + vm["level"].as<std::string>() +
             ": expected a level N (N or lower) or a range such as 1-3";
    return false;
  }
  if (vm.count("text")) filter->text = vm["text"].as<std::string>();
  if (vm.count("search")) filter->search = vm["search"].as<std::string>();
  if (vm.count("grep")) filter->grep = vm["grep"].as<std::string>();
  if (vm.count("ignore-case")) filter->grep_ignore_case = true;
  if (filter->grep) {
    if (const msmi::Status s = msmilog::check_grep(*filter->grep, filter->grep_ignore_case);
        !s.ok()) {
      *error = s.message();
      return false;
    }
  }
  if (vm.count("message-id")) filter->message_id = vm["message-id"].as<std::string>();
  if (vm.count("thread")) filter->thread = vm["thread"].as<int>();
  return true;
}

int select_run(const std::string& command, const msmilog::EventStore& store, const std::string& db,
               const po::variables_map& vm, bool latest_by_default, msmilog::EventFilter* filter,
               msmilog::RunSummary* summary) {
  const std::string prefix = "msmisim " + command + ": ";
  if (vm.count("run") && vm.count("import")) {
    std::cerr << prefix << "give --run or --import, not both\n";
    return kExitBadInput;
  }
  std::int64_t id = 0;
  if (vm.count("import")) {
    const std::string name = vm["import"].as<std::string>();
    msmi::Status s = store.find_import(name, &id);
    if (s.ok()) s = store.get_run(id, summary);
    if (!s.ok()) {
      std::cerr << prefix << "--import " << name << ": " << s.message()
                << " (see 'msmisim runs --db " << shell_quote(db) << "')\n";
      return s.is_not_found() ? kExitBadInput : kExitStore;
    }
    filter->run_id = id;
    return kExitOk;
  }
  if (!vm.count("run") && !latest_by_default) return kExitOk;
  const std::string run = vm.count("run") ? vm["run"].as<std::string>() : "latest";
  if (run == "latest") {
    const msmi::Status s = store.latest_run_id(&id);
    if (!s.ok()) {
      std::cerr << prefix
                << (vm.count("run") ? "--run latest: " : db + ": no run to " + command + ": ")
                << s.message() << "\n";
      return s.is_not_found() ? kExitBadInput : kExitStore;
    }
  } else {
    try {
      std::size_t used = 0;
      id = std::stoll(run, &used);
      if (used != run.size()) throw std::invalid_argument(run);
    } catch (const std::exception&) {
      std::cerr << prefix << "--run " << run << ": expected a run ID or 'latest'\n";
      return kExitBadInput;
    }
  }
  const msmi::Status found = store.get_run(id, summary);
  if (!found.ok()) {
    std::cerr << prefix << "--run " << run << ": " << found.message() << " (see 'msmisim runs --db "
              << shell_quote(db) << "')\n";
    return found.is_not_found() ? kExitBadInput : kExitStore;
  }
  filter->run_id = id;
  return kExitOk;
}

}  // namespace msmisim::cli
