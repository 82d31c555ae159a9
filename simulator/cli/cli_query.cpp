// msmisim query and msmisim runs: read the event store, with journalctl-like filters.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <iostream>
#include <sstream>
#include <thread>

#include "cli_options.h"
#include "cli_pager.h"
#include "msmilog/event_store.h"
#include "msmilog/time_format.h"
#include "msmireport/event_listing.h"
#include "msmireport/run_listing.h"

namespace msmisim::cli {

namespace {

constexpr const char* kQueryHelp = R"(usage: msmisim query [options]

Lists recorded and imported events with journalctl-like filters. Filters combine with AND; the
values of one list option ("--type Error,Warning", --event-id given twice) combine with OR.

Event IDs (-e/--event-id, repeatable): a list "2342,2553", a range "2300-2399", and exclusions
"!2444" or "!2300-2399" (quote the '!' for the shell); an event must match one of the included
IDs (any ID when only exclusions are given) and none of the excluded ones.

Times (--since/--until, both inclusive):
  "1997-05-22 09:00", "1997-05-22T09:00:30.5Z", "1997-05-22"   absolute UTC (date only: midnight)
  -2h      2 hours before the LAST event of the selected run(s) (--run/--import, else of the
           whole store): for a recorded log, "now" is its last event, as journalctl's -2h is
           relative to now
  +30m     30 minutes after the FIRST event of the selected run(s)
  10m      virtual time since the start of each simulated run (time_us; no sign). For an
           imported log time_us is microseconds since 1970, so use +30m there.
  Durations: 1d, 2h, 30m, 90s, 250ms, combined as 1h30m.

Text: --text is a case-insensitive substring of the description; --search is an SQLite FTS5
query over the description and the insertion strings: words (all must occur), "a phrase",
prefixes mail*, NEAR(xom stream, 5), OR, NOT, column filters (strings: 0x15); --grep is a POSIX
extended regular expression searched in the description (-i: ignoring case).

Output: a table on a terminal is cut to the terminal's width (the description ends in "…";
--full shows it whole) and shown through less -FRSX ($MSMISIM_PAGER, else $PAGER; --no-pager
or MSMISIM_PAGER=cat to avoid it). json, jsonl and csv include each event's insertion strings
("strings") and binary data ("data", hex). --fields picks and orders the columns: run_id seq
time time_us computer source event_id type category level thread message_id description
strings data cursor, and for imported logs record_number event_identifier (the full 32-bit
ID) category_number user written_us.

Counting: --count prints how many events match (--limit does not apply); --count-by FIELD[,FIELD]
groups them by event_id, source, type, category, thread, computer, hour, day, run or message,
largest group first (--top N: only the first N groups).

Paging: -n N shows the last N matching events (journalctl's -n), --head N the first N.
--cursor prints a cursor after the last row ("-- cursor: 3/1234" on stderr; a "cursor" field in
json/jsonl); --after-cursor C resumes after it (with -n/--head N: the next N), printing the next
cursor. -f/--follow shows the last 10 events (or -n N) and then each new one as another process
records it, until Ctrl-C (exit 0).

examples:
  msmisim query --event-id 2342,2553 -n 8
  msmisim query --event-id 2300-2399 --event-id '!2384' --type Error,Warning
  msmisim query --run latest --since -2h --count-by event_id --top 5
  msmisim query --import customer-app --since "1997-05-22 09:00" --until +30m
  msmisim query --search '"xom stream" OR mail*' --format jsonl
  msmisim query --search 'NEAR(failed MTA, 8)' --count
  msmisim query --grep 'return code is 0x(15|1a)' -i --fields time,event_id,thread
  msmisim query --count-by hour,event_id --format csv
  msmisim query --head 100 --cursor ; msmisim query --after-cursor 1/100 --head 100
  msmisim query --since 10m --until 15m --thread 5       (virtual time since the run started)
  msmisim query -f --event-id 2342

exit codes: 0 listed (also when nothing matched, and after Ctrl-C in --follow), 2 bad options,
3 the store cannot be read.

)";

constexpr const char* kRunsHelp = R"(usage: msmisim runs [--db FILE] [--format table|json|csv]

Lists the runs recorded in the event store: scenario, profile, seed, verdict and event count.

example:
  msmisim runs --db msmisim.db

)";

// How often --follow looks for new events.
constexpr std::chrono::milliseconds kFollowPoll{200};
// What --follow shows before the new events when -n is not given (journalctl's default).
constexpr std::int64_t kFollowLines = 10;

volatile std::sig_atomic_t g_follow_interrupted = 0;

extern "C" void on_follow_interrupt(int) {
  g_follow_interrupted = 1;
}

int open_store(const std::string& command, const std::string& db,
               std::unique_ptr<msmilog::EventStore>* store) {
  const msmi::Status s = msmilog::EventStore::open_read_only(db, store);
  if (!s.ok()) {
    std::cerr << "msmisim " << command << ": " << s.to_string() << "\n";
    if (s.is_not_found())
      std::cerr << "(run 'msmisim run SCENARIO --db " << db << "' to record one)\n";
    return kExitStore;
  }
  return kExitOk;
}

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

// "--since -2h" as two words: Boost.Program_options would take "-2h" for an option, so the value
// is joined to its option ("--since=-2h") first.
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

int bad_input(const std::string& message) {
  std::cerr << "msmisim query: " << message << "\n";
  return kExitBadInput;
}

int query_failed(const msmi::Status& s) {
  std::cerr << "msmisim query: " << s.to_string() << "\n";
  return s.is_invalid_argument() ? kExitBadInput : kExitStore;
}

}  // namespace

int query_command(const std::vector<std::string>& args) {
  po::options_description options("options");
  // clang-format off
  options.add_options()
      ("help,h", "show this help")
      ("db", po::value<std::string>()->default_value("msmisim.db"), "event store to read")
      ("run", po::value<std::string>(), "run ID, or 'latest' (default: all runs and imports)")
      ("import", po::value<std::string>(), "the imported log of this --name")
      ("event-id,e", po::value<std::vector<std::string>>()->composing(),
       "event IDs: 2342,2553  2300-2399  !2444 (repeatable)")
      ("since,S", po::value<std::string>(),
       "from this time: UTC time, -2h (before the last event), +30m (after the first), "
       "10m (virtual time since the run started)")
      ("until,U", po::value<std::string>(), "up to this time, same forms as --since")
      ("source", po::value<std::vector<std::string>>()->composing(),
       "event source(s), e.g. MSExchangeMSMI")
      ("type", po::value<std::vector<std::string>>()->composing(),
       "Error, Warning, Information (list)")
      ("category", po::value<std::vector<std::string>>()->composing(),
       "category name(s), e.g. \"Session Error\"")
      ("level", po::value<std::string>(), "logging level N or lower, or a range 1-3")
      ("computer", po::value<std::vector<std::string>>()->composing(), "computer name(s)")
      ("thread", po::value<int>(), "MT.EXE thread number")
      ("message-id", po::value<std::string>(), "events of one message, e.g. MSNET/SALES/00000003")
      ("text", po::value<std::string>(), "description contains this text (case-insensitive)")
      ("search", po::value<std::string>(),
       "FTS5 full-text query: words, \"phrase\", prefix*, NEAR(a b, 5)")
      ("grep,g", po::value<std::string>(), "description matches this POSIX extended regex")
      ("ignore-case,i", "--grep ignores case")
      ("limit,n", po::value<std::int64_t>(),
       "the last N events (after --after-cursor: the next N)")
      ("head", po::value<std::int64_t>(), "the first N events")
      ("reverse,r", "newest first")
      ("count", "print only how many events match (ignores --limit)")
      ("count-by", po::value<std::string>(),
       "count by event_id, source, type, category, thread, computer, hour, day, run, message")
      ("top", po::value<std::int64_t>(), "with --count-by: only the N largest groups")
      ("format,o", po::value<std::string>()->default_value("table"), "table, json, jsonl or csv")
      ("fields", po::value<std::string>(), "columns to show, e.g. time,event_id,description")
      ("full,l", "do not cut the table to the terminal's width")
      ("no-pager", "do not pipe the output into a pager")
      ("follow,f", "keep printing events as they are recorded, until Ctrl-C")
      ("cursor", "print a cursor after the last row")
      ("after-cursor", po::value<std::string>(), "only events after this cursor");
  // clang-format on
  po::variables_map vm;
  int exit_code = kExitOk;
  if (!parse_command_line("query", join_signed_times(args), options, options, {}, kQueryHelp, &vm,
                          &exit_code,
                          /*check_format=*/false)) {
    return exit_code;
  }
  msmireport::EventListingOptions listing_options;
  const std::string format_text = vm["format"].as<std::string>();
  if (!msmireport::parse_event_format(format_text, &listing_options.format)) {
    return bad_input("--format " + format_text + ": expected table, json, jsonl or csv");
  }
  if (vm.count("fields")) {
    std::string bad;
    if (!msmireport::parse_event_fields(vm["fields"].as<std::string>(), &listing_options.fields,
                                        &bad)) {
      return bad_input(
          "--fields: unknown field '" + bad +
          "' (fields: run_id seq time time_us computer source event_id type "
          "category level thread message_id description strings data cursor record_number "
          "event_identifier category_number user written_us)");
    }
  }

  msmilog::EventFilter filter;
  for (const char* key : {"since", "until"}) {
    if (!vm.count(key)) continue;
    const std::string text = vm[key].as<std::string>();
    const bool since = std::string(key) == "since";
    if (!parse_time_filter(text, since ? &filter.since_us : &filter.until_us,
                           since ? &filter.since_time : &filter.until_time,
                           since ? &filter.since_relative : &filter.until_relative)) {
      return bad_input("--" + std::string(key) + " " + text +
                       ": expected a UTC time (\"1997-05-22 09:00\", \"1997-05-22T12:10:00Z\"), "
                       "-2h (before the last event), +30m (after the first event) or a "
                       "duration since the run started (\"90s\", \"10m\", \"1h30m\")");
    }
  }
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
  if (reversed_duration || reversed_time || reversed_relative) {
    return bad_input("--since is later than --until, so nothing could match");
  }
  if (vm.count("event-id")) {
    for (const std::string& spec : vm["event-id"].as<std::vector<std::string>>()) {
      const msmi::Status s = msmilog::add_event_id_spec(spec, &filter);
      if (!s.ok()) return bad_input("--event-id: " + s.message());
    }
  }
  filter.sources = list_values(vm, "source");
  filter.types = list_values(vm, "type");
  filter.categories = list_values(vm, "category");
  filter.computers = list_values(vm, "computer");
  if (vm.count("level") && !parse_level(vm["level"].as<std::string>(), &filter)) {
    return bad_input("--level " + vm["level"].as<std::string>() +
                     ": expected a level N (N or lower) or a range such as 1-3");
  }
  if (vm.count("text")) filter.text = vm["text"].as<std::string>();
  if (vm.count("search")) filter.search = vm["search"].as<std::string>();
  if (vm.count("grep")) filter.grep = vm["grep"].as<std::string>();
  filter.grep_ignore_case = vm.count("ignore-case") != 0;
  if (vm.count("message-id")) filter.message_id = vm["message-id"].as<std::string>();
  if (vm.count("thread")) filter.thread = vm["thread"].as<int>();
  if (vm.count("after-cursor")) {
    msmilog::EventCursor cursor;
    const std::string text = vm["after-cursor"].as<std::string>();
    if (!msmilog::EventCursor::parse(text, &cursor)) {
      return bad_input("--after-cursor " + text + ": expected a cursor RUN/SEQ as --cursor prints");
    }
    filter.after = cursor;
  }
  for (const char* key : {"limit", "head", "top"}) {
    if (vm.count(key) && vm[key].as<std::int64_t>() < 0) {
      return bad_input("--" + std::string(key) + " must be 0 or more");
    }
  }
  if (vm.count("limit") && vm.count("head"))
    return bad_input("give -n/--limit or --head, not both");
  if (vm.count("run") && vm.count("import")) return bad_input("give --run or --import, not both");
  const bool follow = vm.count("follow") != 0;
  const bool reverse = vm.count("reverse") != 0;
  const bool count_only = vm.count("count") != 0;
  const bool count_by = vm.count("count-by") != 0;
  if (follow && (reverse || count_only || count_by)) {
    return bad_input(
        "--follow lists events as they come: not with --reverse, --count or --count-by");
  }
  if (count_only && count_by) return bad_input("give --count or --count-by, not both");
  if (vm.count("top") && !count_by) return bad_input("--top needs --count-by");
  std::vector<msmilog::CountField> count_fields;
  if (count_by) {
    const std::string list = vm["count-by"].as<std::string>();
    std::size_t begin = 0;
    while (begin <= list.size()) {
      std::size_t end = list.find(',', begin);
      if (end == std::string::npos) end = list.size();
      msmilog::CountField field;
      const std::string name = list.substr(begin, end - begin);
      if (!msmilog::parse_count_field(name, &field)) {
        return bad_input("--count-by: unknown field '" + name +
                         "' (fields: event_id, source, type, category, thread, computer, hour, "
                         "day, run, message)");
      }
      count_fields.push_back(field);
      begin = end + 1;
    }
  }

  std::unique_ptr<msmilog::EventStore> store;
  const std::string db = vm["db"].as<std::string>();
  if (int rc = open_store("query", db, &store); rc != kExitOk) return rc;
  if (vm.count("run")) {
    const std::string run = vm["run"].as<std::string>();
    std::int64_t id = 0;
    if (run == "latest") {
      const msmi::Status s = store->latest_run_id(&id);
      if (!s.ok()) return bad_input("--run latest: " + s.to_string());
    } else {
      try {
        std::size_t used = 0;
        id = std::stoll(run, &used);
        if (used != run.size()) throw std::invalid_argument(run);
      } catch (const std::exception&) {
        return bad_input("--run " + run + ": expected a run ID or 'latest'");
      }
    }
    msmilog::RunSummary summary;
    const msmi::Status found = store->get_run(id, &summary);
    if (!found.ok()) {
      std::cerr << "msmisim query: --run " << run << ": " << found.message()
                << " (see 'msmisim runs --db " << db << "')\n";
      return found.is_not_found() ? kExitBadInput : kExitStore;
    }
    filter.run_id = id;
  }
  if (vm.count("import")) {
    std::int64_t id = 0;
    const msmi::Status found = store->find_import(vm["import"].as<std::string>(), &id);
    if (!found.ok()) {
      std::cerr << "msmisim query: --import: " << found.message() << " (see 'msmisim runs --db "
                << db << "')\n";
      return found.is_not_found() ? kExitBadInput : kExitStore;
    }
    filter.run_id = id;
  }

  if (count_only) {
    std::int64_t count = 0;
    const msmi::Status s = store->count_events(filter, &count);
    if (!s.ok()) return query_failed(s);
    std::cout << count << "\n";
    return kExitOk;
  }
  if (count_by) {
    std::vector<msmilog::EventCount> counts;
    const std::int64_t top = vm.count("top") ? vm["top"].as<std::int64_t>() : -1;
    const msmi::Status s = store->count_events_by(filter, count_fields, top, &counts);
    if (!s.ok()) return query_failed(s);
    std::ostringstream notes;
    {
      std::optional<Pager> pager;
      if (!vm.count("no-pager")) pager.emplace();
      msmireport::render_event_counts(count_fields, counts, listing_options.format, std::cout,
                                      notes);
    }
    std::cerr << notes.str();
    return kExitOk;
  }

  // Which rows: -n N is the last N (journalctl), except after a cursor, where it is the next
  // N; --head N the first N. The last N are read newest first and shown in listing order.
  filter.newest_first = reverse;
  std::int64_t last_n = -1;
  if (vm.count("head")) {
    filter.limit = vm["head"].as<std::int64_t>();
  } else if (vm.count("limit") && filter.after) {
    filter.limit = vm["limit"].as<std::int64_t>();
  } else if (vm.count("limit") || (follow && !filter.after)) {
    last_n = vm.count("limit") ? vm["limit"].as<std::int64_t>() : kFollowLines;
    filter.limit = last_n;
    filter.newest_first = true;
  }
  const bool show_cursor = vm.count("cursor") || vm.count("after-cursor");
  const bool json = listing_options.format == msmireport::EventFormat::kJson ||
                    listing_options.format == msmireport::EventFormat::kJsonl;
  listing_options.cursor_field = show_cursor && json;
  // json rows carry their cursor; everything else gets it on stderr after the last row.
  const bool cursor_in_rows =
      json && (listing_options.fields.empty()
                   ? show_cursor
                   : std::count(listing_options.fields.begin(), listing_options.fields.end(),
                                msmireport::EventField::kCursor) > 0);
  if (!vm.count("full")) listing_options.width = terminal_width();

  // Where --follow continues: after the store's last event when the listing starts, or after
  // the last row shown, whichever is later (rows may be added between the two reads).
  std::optional<msmilog::EventCursor> follow_from;
  if (follow) {
    msmilog::EventFilter last;
    last.newest_first = true;
    last.limit = 1;
    const msmi::Status s = store->query_events(last, [&](const msmilog::EventRow& row) {
      follow_from = msmilog::EventCursor{row.run_id, row.seq};
      return false;
    });
    if (!s.ok()) return query_failed(s);
  }

  std::optional<Pager> pager;
  if (!follow && !vm.count("no-pager")) pager.emplace();
  msmireport::EventListing listing(listing_options, std::cout);
  std::optional<msmilog::EventCursor> last_shown = filter.after;
  const auto show = [&](const msmilog::EventRow& row) {
    listing.add(row);
    last_shown = msmilog::EventCursor{row.run_id, row.seq};
    return static_cast<bool>(std::cout);  // a pager that quit ends the listing
  };
  msmi::Status s;
  if (last_n >= 0) {
    std::vector<msmilog::EventRow> rows;
    s = store->query_events(filter, [&rows](const msmilog::EventRow& row) {
      rows.push_back(row);
      return true;
    });
    if (s.ok()) {
      if (!reverse) std::reverse(rows.begin(), rows.end());
      for (const msmilog::EventRow& row : rows) {
        if (!show(row)) break;
      }
    }
  } else {
    s = store->query_events(filter, show);
  }

  if (s.ok() && follow) {
    if (last_shown && (!follow_from || std::pair(last_shown->run_id, last_shown->seq) >
                                           std::pair(follow_from->run_id, follow_from->seq))) {
      follow_from = last_shown;
    }
    std::cout.flush();
    g_follow_interrupted = 0;
    std::signal(SIGINT, on_follow_interrupt);
    std::signal(SIGTERM, on_follow_interrupt);
    filter.newest_first = false;
    filter.limit = -1;
    while (!g_follow_interrupted && std::cout) {
      std::this_thread::sleep_for(kFollowPoll);
      if (g_follow_interrupted) break;
      filter.after = follow_from;
      s = store->query_events(filter, [&](const msmilog::EventRow& row) {
        if (g_follow_interrupted) return false;
        follow_from = msmilog::EventCursor{row.run_id, row.seq};
        return show(row);
      });
      if (!s.ok() && !s.is_busy()) break;
      s = msmi::Status::Ok();  // busy: the writer holds a lock; look again next time
      std::cout.flush();
    }
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
  }
  // Notes go to stderr once the pager is gone, so they do not land inside its screen.
  std::ostringstream notes;
  listing.finish(s.ok() && !follow ? &notes : nullptr);
  pager.reset();
  if (!s.ok()) return query_failed(s);
  std::cout.flush();
  std::cerr << notes.str();
  if (show_cursor && last_shown && !cursor_in_rows) {
    std::cerr << "-- cursor: " << last_shown->to_string() << "\n";
  }
  return kExitOk;
}

int runs_command(const std::vector<std::string>& args) {
  po::options_description options("options");
  // clang-format off
  options.add_options()
      ("help,h", "show this help")
      ("db", po::value<std::string>()->default_value("msmisim.db"), "event store to read")
      ("format", po::value<std::string>()->default_value("table"), "table, json or csv");
  // clang-format on
  po::variables_map vm;
  int exit_code = kExitOk;
  if (!parse_command_line("runs", args, options, options, {}, kRunsHelp, &vm, &exit_code)) {
    return exit_code;
  }
  const msmireport::Format format = format_option(vm);
  std::unique_ptr<msmilog::EventStore> store;
  if (int rc = open_store("runs", vm["db"].as<std::string>(), &store); rc != kExitOk) return rc;
  std::vector<msmilog::RunSummary> runs;
  const msmi::Status s = store->list_runs(&runs);
  if (!s.ok()) {
    std::cerr << "msmisim runs: " << s.to_string() << "\n";
    return kExitStore;
  }
  msmireport::render_runs(runs, format, std::cout, std::cerr);
  return kExitOk;
}

}  // namespace msmisim::cli
