// msmisim query and msmisim runs: read the event store, with journalctl-like filters.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <iostream>
#include <sstream>
#include <thread>

#include "cli_event_filter.h"
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

)";

// After the time forms shared with export and diagnose (kTimeFilterHelp).
constexpr const char* kQueryHelpRest = R"(
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

const std::string& query_help() {
  static const std::string kHelp = std::string(kQueryHelp) + kTimeFilterHelp + kQueryHelpRest;
  return kHelp;
}

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
  add_event_filter_options(options, FilterOptionSet::kAll,
                           "run ID, or 'latest' (default: all runs and imports)");
  po::variables_map vm;
  int exit_code = kExitOk;
  if (!parse_command_line("query", join_signed_times(args), options, options, {},
                          query_help().c_str(), &vm, &exit_code,
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
  if (std::string error; !event_filter_from_options(vm, FilterOptionSet::kAll, &filter, &error))
    return bad_input(error);
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
  msmilog::RunSummary run_summary;
  if (int rc =
          select_run("query", *store, db, vm, /*latest_by_default=*/false, &filter, &run_summary);
      rc != kExitOk) {
    return rc;
  }

  // Going backwards turns which side of a cursor counts too.
  filter.newest_first = reverse;
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
  // Written as read: a store of thousands of runs keeps no RunSummary per run.
  msmireport::RunListingWriter listing(format, std::cout, std::cerr);
  const msmi::Status s = store->for_each_run([&listing](const msmilog::RunSummary& run) {
    listing.add(run);
    return true;
  });
  if (!s.ok()) {
    std::cerr << "msmisim runs: " << s.to_string() << "\n";
    return kExitStore;
  }
  listing.finish();
  return kExitOk;
}

}  // namespace msmisim::cli
