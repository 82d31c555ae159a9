// Benchmark: simulation speed on the in-memory postoffice and on the real disk. Prints figures
// and each target of issue 9 with met/MISSED; asserts nothing (targets are read by people).
//   build/tests/bench_simulation [hours [disk-minutes]]
// 1. A simulated hour of Q151791 under exchange-5.0 (the busy loop of the KB article).
// 2. A busy hardened connector: 10 messages/s (5 each way) for `hours` (default 24) with faults
//    armed (1% of puts refused with 0x16, 0.1% of P1 reads failing with EIO), in memory, its
//    events and settled ledger rows handed on as it goes (as `msmisim run --no-db` runs it);
//    then at issue 9's own mix, 8 inbound + 2 outbound messages/s (inbound costs more); then the
//    5+5 run once more keeping all of them in the result (the library's default), for comparison.
// 3. The same connector on the real disk (--postoffice), `disk-minutes` (default 120) of virtual
//    time at both mixes (two hours: the first half hour also pays for making the files the
//    backlog needs, each a new inode), in a folder under $TMPDIR (or /tmp) that is removed
//    afterwards, then one minute at 5+5 with --postoffice-fsync. Then the disk's own rates in
//    that folder: files made, written and removed (by creating and unlinking them, and as the
//    run does, by linking a spare and unlinking it), and small fsync'd writes. Each rate over
//    what the run asked per message (files removed, fsyncs) is the most messages per second that
//    alone allows.
// Targets (issue 9): ≥ 150k messages/s in memory; 24 h at 10 messages/s in ≤ 10 s; ≥ 20k
// messages/s on the real disk.
// Each run prints its wall time and its cpu time (getrusage): two other builds often share the
// 2 cores, and then only the cpu time and callgrind's instruction counts mean much.
// Measured (RelWithDebInfo, 2 shared cores): 20 virtual minutes of the busy connector (11,963
// messages; `valgrind --tool=callgrind build/simulator/msmisim run FILE --no-db --quiet` with
// FILE the busy scenario of busy_scenario.h at "duration": "20m") took 2.05 G instructions
// before issue 9's work, 1.78 G after its first round (~149k per message), and 1.19 G now
// (~100k per message, -33%). 24 virtual hours (864,279 messages) with `msmisim run FILE
// --no-db --quiet`, back to back on the same loaded machine: 37.7 s cpu (32.4 user, 5.3 sys;
// 55 s wall) before this round, 29.1 s cpu (25.1 user, 4.0 sys; 44 s wall) after: ~30k messages
// per cpu second, against ~23k. Longer runs cost more per message than the 20 minutes profiled:
// the run's own records grow to ~1.3 GB over 24 h (~525k page faults in the 24 h bench).
// bench_simulation 24 1 itself, at load 6-12: 15.6k messages/s wall, 23k per cpu second.
// What this round changed: the CRC-32 is libdeflate's, which folds 16-byte blocks with
// carry-less multiplication (zlib's crc32 was 9.9% of the instructions); the scheduler moves each
// action out of its heap and a worker step's closure fits std::function's buffer (each step
// copied and freed one); the memory disk finds files by a hash index beside its sorted tree,
// checks folders without copying paths, reuses the buffer a sync freed, and locks without a
// set node per lock; the Mailer and the inbound threads decode each P1 and MAI once per file
// version (MessageFileCache: the inbound thread re-read and re-decoded what the Mailer had just
// read); P1, MAI and queue records decode into views (TextRecordView) instead of copying every
// field; engine fault sites no rule names build no context; names, IDs and trailers are
// formatted without snprintf.
// The profile is flat again: malloc/free ~20% (events, strings of envelopes and records, the
// runner's bookkeeping), memcmp ~5% and hashing ~3% (path lookups), the fault checks of every
// file call ~7% inclusive, Mailbag read/write ~24% inclusive (each queue change re-reads and
// rewrites the whole KEY through three file system layers, and the MS Mail side's and the
// engine's Mailbag objects re-parse each other's writes). 150k messages/s would need ~15k
// instructions per message: a queue change that does not touch every entry of the KEY and a
// shared parse of a mailbag between the two sides would be next.
// On the real disk the run is bound by fsync: ~4.7 fsyncs per message (MAI, P1, MBG and
// KEY on every queue change, the hardened profile's crash safety) at ~1-2 ms each on this
// disk give ~150-160 messages/s; the openat calls per message went from ~19 to ~1.1 and the
// reads from ~19 to ~6, but 20k messages/s would need a ~10 µs fsync.
// Next round (quiet machine): 20 virtual minutes 1.275 G -> 1.026 G instructions (~86k per
// message: fault checks only for points a rule names, records written field by field into one
// buffer, the PC MTA decoding each record once, settling moving records instead of copying,
// a mailbag re-parsing a changed KEY in place, shared P1/MAI decodings). Run as `msmisim run
// --no-db` runs it, 24 h took 10.4 s (83k messages/s); kept in the result, 26.5 s (33k). The
// real disk: 4.73 fsyncs per message, this disk 1.5-2.5k fsyncs/s of a new file and 2.4-5.1k
// of a rewrite, so at most 321-1,077 messages/s; the run reached 50-62% of the higher figure.
// Then: msmisim and this benchmark allocate with mimalloc (glibc's malloc and free were ~23% of
// the instructions): 20 virtual minutes 0.983 G -> 0.797 G instructions (~67k per message),
// event streams and tables byte-identical; 24 h 9.9 -> 7.9 s cpu for `msmisim run FILE
// --no-db` (best of three, one core busy with a fuzzer), bench_simulation 24 1: 8.7 s wall,
// 99k messages/s (104k per cpu s).
// Then (each step callgrind-counted, event streams and ledgers of every scenario byte-identical):
// the MS Mail side's and the engine's Mailbag of one name share one reading of the pair (each
// re-parsed the other's KEY changes), with parse_address building less: 0.797 -> 0.764 G; a
// disk rule for another kind of file ruled out without evaluation: 0.755 G; an ok Status a code
// and a null pointer (every file call passes a few up three layers): 0.739 G; the memory disk
// asks the last two files found before hashing the path: 0.724 G; the PC MTA takes its batch
// in one mailbag change instead of one change per record: 0.707 G; an unarmed disk point
// answered inline: 0.702 G; an MS Mail address built in the caller's place: 0.698 G (~58k per
// message). bench_simulation 24 1: 7.3 s wall for the day, 118k messages/s (118k per cpu s);
// the real disk 765 messages/s at 4.36 fsyncs per message (the disk allowed 669-1,512).
// Then (each step callgrind-counted, event streams and ledgers of every scenario byte-identical):
// 2 virtual hours of the busy connector (71,897 messages; after the first hour the users'
// mailbags are full and the PC MTA returns most outbound mail, as for the rest of the day)
// 5.114 -> 4.481 G instructions (-12.4%); 20 virtual minutes 0.698 -> 0.674 G. Event texts are
// shaped for the tally and formatted a run at a time (the tally appended one character per call
// to shape the PC MTA's 295-character 4100); the simulated MTA's hour of duplicate detection is
// a hash set; a KEY the Mailbag wrote is edited where a change touched it instead of encoded
// and compared whole (20 minutes at 8 inbound + 2 outbound, where INQUEUE3 runs deeper: 0.888
// -> 0.843 G); insertion strings move into the event; MS Mail names are checked in plain loops.
// The benchmark now also runs issue 9's own mix, 8 inbound + 2 outbound messages/s: inbound
// costs more (the Mailer and an inbound thread each change INQUEUE3). bench_simulation 24 1,
// three runs on the quiet machine: 6.2-7.0 s wall for the day at 5+5 (123k-138k messages/s, the
// same per cpu s), 7.2-8.0 s at 8+2 (108k-120k); kept in the result, 17.6-19.7 s (44k-49k).
// Then (each step callgrind-counted, event streams, ledgers and run summaries of every scenario
// byte-identical): 20 virtual minutes at 8+2 0.837 -> 0.705 G instructions (-16%, 58k per
// message), at 5+5 0.674 -> 0.590 G (49k); 2 virtual hours 4.905 -> 4.304 G at 8+2, 4.481 ->
// 3.970 G at 5+5. P1, MAI and INQUEUE3 records read in one pass over their fields and written a
// field at a time; INQUEUE3 records decoded and addresses parsed once for the Mailer and the
// inbound threads; the two events of every message that logging suppresses not built; a KEY
// edited in its reading, not a copy; a mailbag's entries in a deque found by binary search;
// lookups by path and ID hashed inline; the folders of new files checked once. bench_simulation
// 24 0, five runs on the quiet machine: 4.9-5.4 s for the day at 5+5 (162k-177k messages/s),
// 5.7-6.3 s at 8+2 (138k-152k; three runs at 149k or more); kept in the result, 9.5-10.9 s. In
// a busier hour of the same afternoon: 6.3-6.8 s and 6.5-7.9 s (127k-137k and 110k-133k).
// The real disk, this round (each step strace- or perf-measured; events, ledgers and summaries
// the same as in memory): a sync fsyncs only with --postoffice-fsync (the simulated power loss
// never reaches a real folder); a removed P1 or MAI file is kept as a spare and linked back as
// the next new file (this ext4 makes and frees an inode at 1-17k files/s, and links and unlinks
// a spare at 37-58k); each open file's size, and the bytes of a small file written whole, are
// known, so a read is one pread or none and a write cuts a file only when it shrinks.
// bench_simulation 1 on the quiet machine: 2 virtual hours at 5+5 31.7-38.5k messages/s, at 8+2
// 20.3-25.6k (was 320-770 at 5+5, fsync-bound); 30 virtual minutes 27k and 16.8k; with
// --postoffice-fsync 1.1-1.2k, the disk's fsync rate allowing 2.1k.
// The profile-guided build (MSMISIM_PGO, the default with GCC; scripts/pgo-train.cmake trains
// it on every scenario folder, scenarios/examples/busy-hardened.json the loaded connector):
// 20 virtual minutes at 8+2 0.694 -> 0.636 G instructions (53k per message), at 5+5 0.587 ->
// 0.540 G (45k). bench_simulation 24 1, nine runs over an hour: 4.7-5.4 s for the day at 5+5
// (159k-184k messages/s), 5.3-6.4 s at 8+2 (135k-163k; six runs at 150k or more).
// Open-addressing tables (tsl::robin_map, msmi/flat_string_map.h) for the per-message lookups,
// and StringHash spreading its low bits: 0.615 G at 8+2 (51k per message), 0.523 G at 5+5;
// nine runs: 4.2-5.8 s at 5+5 (150k-207k), 4.6-6.2 s at 8+2 (139k-187k; eight at 155k or more,
// the ninth in a slow stretch of the machine).
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "busy_scenario.h"
#include "msmisim/disk_file_system.h"
#include "msmisim/ledger.h"
#include "msmisim/runner.h"
#include "msmisim/scenario_loader.h"

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// User and system cpu time of this process so far: on a shared machine the wall time also
// counts the time other programs had the cores.
double cpu_seconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

struct Figures {
  double wall_s = 0;
  double cpu_s = 0;
  std::size_t messages = 0;
  std::size_t events = 0;
  std::int64_t virtual_us = 0;
};

// The disk's own rate of small synced writes in `folder`, as often as fits in about a second (at
// most 2,000 times): 512 bytes written over the start of one file and fsync'd (`fresh` false,
// as a KEY or MBG is), or into a new file each time (`fresh`, as a P1 or MAI is: the file's
// creation goes to the journal too). A message on a disk that keeps every acknowledged byte
// costs a few of these.
double fsyncs_per_second(const std::filesystem::path& folder, bool fresh) {
  const std::string block(512, 'x');
  const auto start = std::chrono::steady_clock::now();
  int done = 0;
  int fd = -1;
  while (done < 2000 && seconds_since(start) < 1.0) {
    const std::string path =
        (folder / ("fsync-probe-" + std::to_string(fresh ? done : 0))).string();
    if (fd < 0 || fresh) {
      if (fd >= 0) ::close(fd);
      fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
      if (fd < 0) break;
    }
    if (::pwrite(fd, block.data(), block.size(), 0) != static_cast<ssize_t>(block.size()) ||
        ::fsync(fd) != 0)
      break;
    ++done;
  }
  const double elapsed = seconds_since(start);
  if (fd >= 0) ::close(fd);
  for (int i = 0; i < std::max(done, 1); ++i)
    ::unlink((folder / ("fsync-probe-" + std::to_string(i))).c_str());
  return done > 0 ? done / elapsed : 0;
}

// The disk's own rate of what a P1 or MAI file costs it, in `folder`, as often as fits in about
// a second (at most 20,000 times): a file made, 1.5 KB written into it, and removed 64 files
// later. Made by creating it and removed by unlinking it, or, `spares`, as DiskFileSystem does:
// a spare's slot linked under the file's name and written over, and that name unlinked again.
double files_made_per_second(const std::filesystem::path& folder, bool spares) {
  const std::string block(1500, 'x');
  const std::filesystem::path files = folder / "files-probe";
  const std::filesystem::path slots = folder / "slots-probe";
  std::error_code ec;
  std::filesystem::create_directories(files, ec);
  std::filesystem::create_directories(slots, ec);
  constexpr int kLive = 64;
  const auto file = [&](int i) { return (files / ("F" + std::to_string(i))).string(); };
  const auto slot = [&](int i) { return (slots / std::to_string(i % (kLive + 1))).string(); };
  if (spares) {
    for (int i = 0; i <= kLive; ++i) {
      const int fd = ::open(slot(i).c_str(), O_RDWR | O_CREAT, 0644);
      if (fd < 0) return 0;
      ::close(fd);
    }
  }
  const auto start = std::chrono::steady_clock::now();
  int done = 0;
  bool failed = false;
  while (!failed && done < 20000 && (done % 64 != 0 || seconds_since(start) < 1.0)) {
    if (done >= kLive) failed = ::unlink(file(done - kLive).c_str()) != 0;
    int fd = -1;
    if (spares) {
      failed = failed || ::link(slot(done).c_str(), file(done).c_str()) != 0;
      if (!failed) fd = ::open(file(done).c_str(), O_RDWR);
    } else if (!failed) {
      fd = ::open(file(done).c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
    }
    failed = failed || fd < 0 ||
             ::pwrite(fd, block.data(), block.size(), 0) != static_cast<ssize_t>(block.size());
    if (fd >= 0) ::close(fd);
    ++done;
  }
  const double elapsed = seconds_since(start);
  std::filesystem::remove_all(files, ec);
  std::filesystem::remove_all(slots, ec);
  return failed ? 0 : done / elapsed;
}

// Events and settled ledger rows handed on and dropped, as `msmisim run --no-db` does.
class DroppingSinks final : public msmi::EventSink, public msmisim::LedgerSink {
 public:
  void write(const msmi::Event&) override {}
  void write(const msmisim::LedgerEntry&) override {}
};

// `streamed`: the run hands its events and settled rows on as it goes (what `msmisim run` does);
// otherwise the result keeps every event and ledger row (the library's default).
bool run(const msmisim::Scenario& scenario, Figures* f, const std::string& postoffice = "",
         bool streamed = true, bool fsync = false) {
  msmisim::RunOptions options;
  DroppingSinks sinks;
  if (streamed) {
    options.extra_sink = &sinks;
    options.keep_events = false;
    options.ledger_sink = &sinks;
  }
  options.postoffice_dir = postoffice;
  options.postoffice_fsync = fsync;
  options.seed = msmisim::default_seed(scenario);
  options.profile = scenario.profile;
  msmisim::RunResult result;
  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = cpu_seconds();
  const msmi::Status s = msmisim::run_scenario(scenario, options, &result);
  f->wall_s = seconds_since(start);
  f->cpu_s = cpu_seconds() - cpu_start;
  if (!s.ok()) {
    std::fprintf(stderr, "run failed: %s\n", s.to_string().c_str());
    return false;
  }
  f->messages = static_cast<std::size_t>(result.ledger_size());
  f->events = static_cast<std::size_t>(result.event_tally.total());
  f->virtual_us = result.virtual_duration_us;
  return true;
}

void print(const char* what, const Figures& f) {
  std::printf(
      "%s\n  %.2f s wall for %.1f h virtual (%.0f virtual s per wall s); %zu messages "
      "(%.0f messages/s), %zu events (%.0f events/s)\n  %.2f s cpu (%.0f messages per cpu s)\n",
      what, f.wall_s, static_cast<double>(f.virtual_us) / 3.6e9,
      static_cast<double>(f.virtual_us) / 1e6 / f.wall_s, f.messages,
      static_cast<double>(f.messages) / f.wall_s, f.events,
      static_cast<double>(f.events) / f.wall_s, f.cpu_s, static_cast<double>(f.messages) / f.cpu_s);
}

// One run on the real disk, and what it asked of the disk.
struct DiskRun {
  const char* mix;
  int minutes;
  bool fsync;
  Figures f;
  double removed_per_message = 0;
  double syncs_per_message = 0;
  double rate() const { return f.wall_s > 0 ? static_cast<double>(f.messages) / f.wall_s : 0; }
};

bool run_on_disk(msmisim::Scenario scenario, const std::filesystem::path& folder, DiskRun* r) {
  scenario.duration_us = static_cast<std::int64_t>(r->minutes) * 60'000'000;
  const std::uint64_t syncs = msmisim::DiskFileSystem::syncs_issued();
  const std::uint64_t removed = msmisim::DiskFileSystem::files_removed();
  if (!run(scenario, &r->f, folder.string(), true, r->fsync)) return false;
  const double messages = static_cast<double>(std::max<std::size_t>(r->f.messages, 1));
  r->syncs_per_message =
      static_cast<double>(msmisim::DiskFileSystem::syncs_issued() - syncs) / messages;
  r->removed_per_message =
      static_cast<double>(msmisim::DiskFileSystem::files_removed() - removed) / messages;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const int hours = argc > 1 ? std::max(1, std::atoi(argv[1])) : 24;
  const int disk_minutes = argc > 2 ? std::max(1, std::atoi(argv[2])) : 120;
  msmisim::Scenario q151791;
  msmisim::LoadError error;
  const std::string path = std::string(MSMISIM_SOURCE_DIR) + "/scenarios/kb/Q151791.json";
  if (!msmisim::load_scenario_file(path, &q151791, &error)) {
    std::fprintf(stderr, "%s\n", error.to_string().c_str());
    return 2;
  }
  Figures f;
  if (!run(q151791, &f)) return 4;
  print("Q151791, 1 h, exchange-5.0, in memory:", f);

  const std::string busy = bench::busy_scenario(hours, "minimum");
  msmisim::Scenario scenario;
  if (!msmisim::parse_scenario(busy, "busy-hardened.json", &scenario, &error)) {
    std::fprintf(stderr, "%s\n", error.to_string().c_str());
    return 2;
  }
  if (!run(scenario, &f)) return 4;
  const std::string title = "busy hardened connector, " + std::to_string(hours) +
                            " h at 10 messages/s, faults armed, in memory:";
  print(title.c_str(), f);
  const double memory_rate = static_cast<double>(f.messages) / f.wall_s;
  const double memory_cpu_rate = static_cast<double>(f.messages) / f.cpu_s;
  const double day_wall_s = f.wall_s * 24.0 / static_cast<double>(hours);
  const double day_cpu_s = f.cpu_s * 24.0 / static_cast<double>(hours);
  // Issue 9 states its target for 8 inbound and 2 outbound messages/s: inbound costs more (the
  // Mailer and an inbound thread each change INQUEUE3, which runs deeper).
  msmisim::Scenario issue_mix;
  if (!msmisim::parse_scenario(bench::busy_scenario_mix(hours, "minimum", "125ms", "500ms"),
                               "busy-hardened-8-2.json", &issue_mix, &error)) {
    std::fprintf(stderr, "%s\n", error.to_string().c_str());
    return 2;
  }
  Figures mix;
  if (!run(issue_mix, &mix)) return 4;
  const std::string mix_title = "the same at 8 inbound + 2 outbound messages/s (issue 9's mix), " +
                                std::to_string(hours) + " h:";
  print(mix_title.c_str(), mix);
  const double mix_rate = static_cast<double>(mix.messages) / mix.wall_s;
  const double mix_day_wall_s = mix.wall_s * 24.0 / static_cast<double>(hours);
  // The same run keeping every event and ledger row in its result (a library caller's default):
  // memory, and with it the cost per message, grows with the run.
  Figures kept;
  if (!run(scenario, &kept, "", false)) return 4;
  print("the same, keeping every event and ledger row in the result:", kept);

  // 3. The same connector on the real disk, for a few virtual minutes: a postoffice folder under
  // $TMPDIR (or /tmp), removed afterwards. Both mixes as `msmisim run --postoffice` runs them,
  // then 5+5 for a minute with --postoffice-fsync.
  const char* tmp = std::getenv("TMPDIR");
  std::string folder_template =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/msmisim-bench-XXXXXX";
  if (::mkdtemp(folder_template.data()) == nullptr) {
    std::fprintf(stderr, "cannot make a postoffice folder under %s\n", folder_template.c_str());
    return 4;
  }
  const std::filesystem::path folder(folder_template);
  const std::string disk_name = folder.parent_path().string();
  DiskRun disk_5_5{"5+5", disk_minutes, false, {}};
  DiskRun disk_8_2{"8+2", disk_minutes, false, {}};
  DiskRun disk_synced{"5+5", 1, true, {}};
  bool disk_ok = run_on_disk(scenario, folder, &disk_5_5) &&
                 run_on_disk(issue_mix, folder, &disk_8_2) &&
                 run_on_disk(scenario, folder, &disk_synced);
  // The disk's own rates, in the same folder.
  const double made_rate = files_made_per_second(folder, false);
  const double spare_rate = files_made_per_second(folder, true);
  const double rewrite_fsync_rate = fsyncs_per_second(folder, false);
  const double fresh_fsync_rate = fsyncs_per_second(folder, true);
  std::error_code ec;
  std::filesystem::remove_all(folder, ec);
  if (!disk_ok) return 4;
  for (const DiskRun* r : {&disk_5_5, &disk_8_2}) {
    const std::string disk_title = "busy hardened connector, " + std::to_string(r->minutes) +
                                   " min at " + r->mix + " messages/s, faults armed, real disk (" +
                                   disk_name + "):";
    print(disk_title.c_str(), r->f);
    const double ceiling = r->removed_per_message > 0 ? spare_rate / r->removed_per_message : 0;
    std::printf(
        "  %.2f files made and removed per message; this disk, same folder: %.0f files/s made, "
        "written and removed by creating and unlinking, %.0f by linking a spare in and unlinking "
        "it (as the run does); so at most %.0f messages/s, and the run reached %.0f%% of it\n",
        r->removed_per_message, made_rate, spare_rate, ceiling,
        ceiling > 0 ? 100.0 * r->rate() / ceiling : 0.0);
  }
  const std::string synced_title =
      "busy hardened connector, 1 min at 5+5 messages/s, real disk "
      "(" +
      disk_name + "), every sync an fsync (--postoffice-fsync):";
  print(synced_title.c_str(), disk_synced.f);
  // The most messages per second fsync alone allows, were every fsync the cheaper kind.
  const double fsync_ceiling =
      disk_synced.syncs_per_message > 0 ? rewrite_fsync_rate / disk_synced.syncs_per_message : 0;
  std::printf(
      "  %.2f fsyncs per message; this disk, same folder: %.0f fsyncs/s rewriting 512 bytes of a "
      "file, %.0f writing a new file; so at most %.0f-%.0f messages/s, and the run reached %.0f%% "
      "of the higher\n",
      disk_synced.syncs_per_message, rewrite_fsync_rate, fresh_fsync_rate,
      disk_synced.syncs_per_message > 0 ? fresh_fsync_rate / disk_synced.syncs_per_message : 0,
      fsync_ceiling, fsync_ceiling > 0 ? 100.0 * disk_synced.rate() / fsync_ceiling : 0.0);

  const auto verdict = [](bool met) { return met ? "met" : "MISSED"; };
  std::printf("targets (issue 9):\n");
  std::printf(
      "  simulated disk >= 150k messages/s: %.0f messages/s (%.0f per cpu s) 5+5, %.0f 8+2, %s\n",
      memory_rate, memory_cpu_rate, mix_rate, verdict(memory_rate >= 150e3 && mix_rate >= 150e3));
  std::printf(
      "  24 virtual hours <= 10 s wall: %.1f s (%.1f s cpu; from %d h) 5+5, %.1f s 8+2, %s\n",
      day_wall_s, day_cpu_s, hours, mix_day_wall_s,
      verdict(day_wall_s <= 10.0 && mix_day_wall_s <= 10.0));
  std::printf(
      "  real disk >= 20k messages/s: %.0f messages/s 5+5, %.0f 8+2, %s; with every sync an "
      "fsync %.0f (the disk's fsync rate allows %.0f)\n",
      disk_5_5.rate(), disk_8_2.rate(), verdict(disk_5_5.rate() >= 20e3 && disk_8_2.rate() >= 20e3),
      disk_synced.rate(), fsync_ceiling);
  return 0;
}
