// The fate of every message, as the engine learns it. The simulator's ledger implements this.
#pragma once

#include <string>
#include <string_view>

namespace msmi {

enum class Fate { kPending, kDelivered, kNdr, kQuarantined, kLost };

std::string_view to_string(Fate fate);
bool parse_fate(std::string_view text, Fate& out);

class MessageObserver {
 public:
  virtual ~MessageObserver() = default;
  // One submission of the message (to the MTA, or into a mailbag) was tried.
  virtual void on_attempt(const std::string& message_id) = 0;
  // The message reached a final state; a later call may overrule an earlier one (a message
  // counted lost by a reset can still be recovered by the hardened profile).
  virtual void on_settled(const std::string& message_id, Fate fate, const std::string& detail) = 0;
  // The engine delivered the message but left it unacknowledged in the MTA's queue (a defect of
  // the build, Q164840): the MTA offers it again and it is delivered again.
  virtual void on_left_in_queue(const std::string& message_id) { (void)message_id; }
};

}  // namespace msmi
