// Threads 0–3: start-up, shutdown and refresh. They are idle but for the periodic data refresh
// (thread 1), which re-reads GLB/NETWORK.GLB and, in the hardened profile, queues orphaned P1
// envelopes (no INQUEUE3 record, e.g. after a reset) again so that no message is lost.
#pragma once

#include "msmi/worker.h"
#include "msmi_context.h"

namespace msmi {

class HousekeepingWorker final : public Worker {
 public:
  HousekeepingWorker(MsmiContext& ctx, const bool& running, int thread)
      : ctx_(ctx), running_(running), thread_(thread) {}

  int thread() const override { return thread_; }
  std::string_view role() const override { return "housekeeping"; }
  StepResult step() override;
  ThreadState state() const override {
    return running_ ? ThreadState::kIdle : ThreadState::kStopped;
  }

  // Re-reads the network directory. Returns false with *problem set if it cannot be read.
  static bool load_directory(MsmiContext& ctx, std::string* problem, bool* missing);
  // Appends an INQUEUE3 record for every P1 envelope no record points at. Returns how many.
  static int recover_orphans(MsmiContext& ctx, int thread);

 private:
  MsmiContext& ctx_;
  const bool& running_;
  int thread_;
  bool first_step_ = true;
};

}  // namespace msmi
