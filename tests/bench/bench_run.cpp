// Benchmark: how fast a simulated hour runs and how fast the event store takes and answers
// events. Prints figures; asserts nothing (targets are read by people, not by CTest).
//   build/tests/bench_run [repetitions]
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "msmilog/event_store.h"
#include "msmisim/runner.h"
#include "msmisim/scenario_loader.h"

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  const int repetitions = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
  const auto scratch = std::filesystem::temp_directory_path() / "msmisim-bench";
  std::filesystem::remove_all(scratch);
  std::filesystem::create_directories(scratch);

  msmisim::Scenario scenario;
  msmisim::LoadError error;
  const std::string path = std::string(MSMISIM_SOURCE_DIR) + "/scenarios/kb/Q151791.json";
  if (!msmisim::load_scenario_file(path, &scenario, &error)) {
    std::fprintf(stderr, "%s\n", error.to_string().c_str());
    return 2;
  }
  std::printf("Q151791, 1 h of virtual time, exchange-5.0, %d runs each\n", repetitions);
  for (const bool record : {false, true}) {
    double best = 1e9, total = 0;
    std::size_t events = 0;
    for (int i = 0; i < repetitions; ++i) {
      std::unique_ptr<msmilog::EventStore> store;
      std::unique_ptr<msmilog::EventWriter> writer;
      msmisim::RunOptions options;
      options.seed = msmisim::default_seed(scenario);
      options.profile = scenario.profile;
      const auto start = std::chrono::steady_clock::now();
      if (record) {
        const std::string db = (scratch / ("run" + std::to_string(i) + ".db")).string();
        std::int64_t run_id = 0;
        if (!msmilog::EventStore::open(db, &store).ok() || !store->begin_run({}, &run_id).ok())
          return 3;
        writer = store->open_writer(run_id, "EXCHSRV1", scenario.epoch_us);
        options.extra_sink = writer.get();
      }
      msmisim::RunResult result;
      if (!msmisim::run_scenario(scenario, options, &result).ok()) return 4;
      if (writer && !writer->flush().ok()) return 3;
      const double s = seconds_since(start);
      best = std::min(best, s);
      total += s;
      events = result.events.size();
    }
    std::printf("  %-26s best %.3f s, mean %.3f s per simulated hour; %zu events, %.0f events/s\n",
                record ? "with the SQLite store:" : "without recording:", best, total / repetitions,
                events, static_cast<double>(events) / best);
  }

  constexpr int kEvents = 1'000'000;
  const std::string db = (scratch / "million.db").string();
  std::unique_ptr<msmilog::EventStore> store;
  std::int64_t run_id = 0;
  if (!msmilog::EventStore::open(db, &store).ok() || !store->begin_run({}, &run_id).ok()) return 3;
  auto start = std::chrono::steady_clock::now();
  {
    auto writer = store->open_writer(run_id, "EXCHSRV1", 0);
    msmi::Event event;
    event.source = "MSExchangeMSMI";
    event.type = msmi::EventType::kError;
    event.category = msmi::Category::kSessionError;
    for (int i = 0; i < kEvents; ++i) {
      event.time_us = i * 1000LL;
      event.event_id = i % 4 == 0 ? 2342 : 2384 + i % 3;
      event.thread = 5;
      event.message_id = "MSNET/SALES/" + std::to_string(i % 5000);
      event.description =
          "MS Mail Connector Interchange failed to put into XOM stream. Return code is 0x15.";
      writer->write(event);
    }
    if (!writer->flush().ok()) return 3;
  }
  const double insert_s = seconds_since(start);
  std::printf("event store: %d events written in %.2f s (%.0f events/s)\n", kEvents, insert_s,
              kEvents / insert_s);
  msmilog::EventFilter filter;
  filter.event_ids = {2342};
  filter.since_us = 500'000'000;
  filter.limit = 100;
  start = std::chrono::steady_clock::now();
  std::int64_t rows = 0;
  (void)store->query_events(filter, [&](const msmilog::EventRow&) { return ++rows, true; });
  std::printf("  query --event-id 2342 --since 500s --limit 100: %lld rows in %.2f ms\n",
              static_cast<long long>(rows), seconds_since(start) * 1000);
  msmilog::EventFilter by_message;
  by_message.message_id = "MSNET/SALES/42";
  start = std::chrono::steady_clock::now();
  std::int64_t count = 0;
  (void)store->count_events(by_message, &count);
  std::printf("  count --message-id MSNET/SALES/42: %lld in %.2f ms\n",
              static_cast<long long>(count), seconds_since(start) * 1000);
  msmilog::EventFilter text;
  text.text = "0x15";
  text.limit = 10;
  start = std::chrono::steady_clock::now();
  rows = 0;
  (void)store->query_events(text, [&](const msmilog::EventRow&) { return ++rows, true; });
  std::printf("  query --text 0x15 --limit 10: %lld rows in %.2f ms\n",
              static_cast<long long>(rows), seconds_since(start) * 1000);
  store.reset();
  std::filesystem::remove_all(scratch);
  return 0;
}
