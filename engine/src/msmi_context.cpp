#include "msmi_context.h"

#include "msmi/event_catalogue.h"
#include "msmi/worker.h"

namespace msmi {

std::int64_t MsmiContext::cost(std::int64_t base_us) {
  if (base_us <= 0) return 0;
  const auto spread = static_cast<std::uint64_t>(base_us / 5 + 1);
  return base_us - base_us / 10 + static_cast<std::int64_t>(env.random.uniform(spread));
}

Mailbag& MsmiContext::mailbag(const std::string& name) {
  std::unique_ptr<Mailbag>& bag = postoffice_mailbags[name];
  if (!bag) bag = std::make_unique<Mailbag>(env.fs, name);
  return *bag;
}

bool MsmiContext::check(const Status& status, int thread, const std::string& message_id,
                        std::string_view what) {
  if (status.ok()) return true;
  if (hung(thread)) return false;  // the thread is gone; it writes nothing more
  logger.log(event_id::kOperationFailed, thread, message_id,
             {std::string(what), status.to_string()});
  return false;
}

std::string_view to_string(ThreadState state) {
  switch (state) {
    case ThreadState::kStopped:
      return "stopped";
    case ThreadState::kIdle:
      return "idle";
    case ThreadState::kWorking:
      return "working";
    case ThreadState::kLooping:
      return "looping";
    case ThreadState::kHung:
      return "hung";
  }
  return "idle";
}

}  // namespace msmi
