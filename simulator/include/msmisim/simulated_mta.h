// The simulated Exchange MTA behind MtaGateway: upload and download sessions, om_put with
// scripted return codes, the MSMI queue of mail going out to MS Mail, and the MSExchangeMTA
// service state. While the MTA is stopped (or hung) every call answers OM_NETWORK_ERROR. It records
// every put it answered and every acknowledgement, for the oracle (oracle.h).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "msmi/clock.h"
#include "msmi/flat_string_map.h"
#include "msmi/mta_gateway.h"
#include "msmi/string_hash.h"
#include "msmisim/oracle.h"

namespace msmisim {

// The MTA answers `code` to om_put of a message whose sender matches `sender_pattern` or one of
// whose recipients matches `recipient_pattern` (glob: * and ?, case-insensitive), while the
// virtual time is in [from_us, until_us).
struct MtaFault {
  std::string sender_pattern;
  std::string recipient_pattern;
  msmi::XomReturnCode code = msmi::XomReturnCode::kSystemError;
  std::int64_t from_us = 0;
  std::int64_t until_us = INT64_MAX;
};

bool glob_match(std::string_view pattern, std::string_view text);

// A message from MS Mail as the MTA took it: what an Exchange user sees of it.
struct MtaDelivery {
  std::string subject;
  std::int64_t sent_us = 0;   // the Sent time, virtual microseconds since the run began
  std::string message_class;  // "" for the note
  std::int64_t time_us = 0;   // when the MTA accepted it
};

class SimulatedMta final : public msmi::MtaGateway {
 public:
  explicit SimulatedMta(const msmi::Clock& clock) : clock_(clock) {}

  void add_fault(MtaFault fault) { faults_.push_back(std::move(fault)); }
  // Told of every message the MTA accepts from the MSMI, once it has taken it: where the world
  // routes it on (Q169117) and the world's responders (Q175447).
  void set_on_accepted(std::function<void(const msmi::XomMessage&)> on_accepted) {
    on_accepted_ = std::move(on_accepted);
  }
  // Stopping (or starting) the service also ends a hang.
  void set_running(bool running);
  // The MTA stops answering: every call fails as on a stopped MTA, though its service still
  // says it runs, until it is stopped or restarted.
  void hang() {
    hung_ = true;
    drop_sessions();
  }
  bool hung() const { return hung_; }
  // A message the MTA refused into its MSMI queue: it goes back to its Exchange sender as the
  // MTA's NDR, with `why`. Message ID → when and why.
  void refuse_into_queue(const std::string& message_id, std::string why) {
    queue_refusals_.emplace(message_id, MtaNdr{clock_.now_us(), std::move(why)});
  }
  const std::map<std::string, MtaNdr>& queue_refusals() const { return queue_refusals_; }
  // Every open session is gone (the MTA dropped them); the MSMI must open new ones.
  void drop_sessions() { upload_sessions_ = download_sessions_ = 0; }
  // The Exchange Administrator deletes the first message of the MSMI queue; returns its ID
  // ("" when the queue is empty).
  std::string delete_head();
  // The administrator returns the first `count` messages of the MSMI queue (all when count is 0)
  // to their senders: the MTA takes them off the queue and sends each sender an NDR. Returns
  // their IDs.
  std::vector<std::string> return_to_senders(int count);
  // A put that a fault rule refused before it reached the MTA, for the counts and the record.
  void note_refused(const msmi::XomMessage& message, msmi::XomReturnCode code);
  // An acknowledgement a fault rule answered instead of the MTA: the message stays queued.
  void note_ack_fault(std::string_view message_id, AckOutcome outcome);
  bool running() const { return running_; }
  // A message from an Exchange user waiting for the MSMI (outbound).
  void enqueue_outbound(msmi::XomMessage message) { msmi_queue_.push_back(std::move(message)); }
  std::size_t queue_depth() const { return msmi_queue_.size(); }
  const std::deque<msmi::XomMessage>& msmi_queue() const { return msmi_queue_; }
  std::int64_t accepted() const { return accepted_; }
  std::int64_t refused() const { return refused_; }
  std::int64_t ndrs_received() const { return ndrs_received_; }
  // Puts with XomMessage::detect_duplicates of a message ID accepted within the last
  // kDuplicateWindowUs: answered with success, not delivered again, not recorded as puts.
  std::int64_t duplicates_dropped() const { return duplicates_dropped_; }
  static constexpr std::int64_t kDuplicateWindowUs = 3600LL * 1'000'000;  // an hour
  // Every put answered (accepted or not) and every acknowledgement, in call order.
  const std::vector<MtaPutRecord>& puts() const { return puts_; }
  const std::vector<MtaAckRecord>& acknowledgements() const { return acknowledgements_; }
  // Message ID → the last time read_next offered it to the MSMI.
  const std::map<std::string, std::int64_t>& last_offered() const { return last_offered_; }
  // Drops the delivery of a message whose ledger row was handed on (RunOptions::ledger_sink).
  void forget_delivery(const std::string& message_id) { deliveries_.erase(message_id); }
  // Moves the deliveries out at the end of a run, leaving none: message ID → the first accepted
  // put of each message that is not an NDR.
  std::map<std::string, MtaDelivery> take_deliveries() {
    std::map<std::string, MtaDelivery> out;
    while (!deliveries_.empty()) {
      auto node = deliveries_.extract(deliveries_.begin());
      out.emplace(std::move(node.key()), std::move(node.mapped()));
    }
    return out;
  }
  // For the oracle at the end of a run, without copying hundreds of thousands of records: moves
  // the puts, acknowledgements and offer times out, leaving them empty.
  void take_records(std::vector<MtaPutRecord>* puts, std::vector<MtaAckRecord>* acknowledgements,
                    std::map<std::string, std::int64_t>* last_offered) {
    *puts = std::move(puts_);
    *acknowledgements = std::move(acknowledgements_);
    *last_offered = std::move(last_offered_);
    puts_.clear();
    acknowledgements_.clear();
    last_offered_.clear();
  }

  msmi::XomReturnCode open_upload_session() override;
  msmi::XomReturnCode put(const msmi::XomMessage& message) override;
  void close_upload_session() override;
  msmi::XomReturnCode open_download_session() override;
  msmi::XomReturnCode read_next(std::optional<msmi::XomMessage>* out) override;
  msmi::XomReturnCode acknowledge(std::string_view message_id) override;
  void close_download_session() override;

  // The message the next read_next would offer in this download session, or nullptr: the one a
  // fault at mta.read is about.
  const msmi::XomMessage* peek_next() const;
  // The read of `message_id` failed: this session has reached it and goes on past it; a new
  // session reaches it again.
  void pass_over(const std::string& message_id) { offered_.insert(message_id); }
  // The operator, with the MTA stopped, moves the oldest message of the MSMI queue out of the
  // MTA's database (Q247618): returns its ID ("" when the queue is empty).
  std::string move_head_aside() { return delete_head(); }

 private:
  const msmi::Clock& clock_;
  std::vector<MtaFault> faults_;
  std::deque<msmi::XomMessage> msmi_queue_;
  // Messages offered by read_next in the current download session and not acknowledged yet.
  std::set<std::string, std::less<>> offered_;
  bool running_ = true;
  bool hung_ = false;
  int upload_sessions_ = 0;
  int download_sessions_ = 0;
  std::int64_t accepted_ = 0;
  std::int64_t refused_ = 0;
  std::int64_t ndrs_received_ = 0;
  std::int64_t duplicates_dropped_ = 0;
  // The IDs accepted with duplicate detection asked, within the window, and when (oldest first);
  // recent_ids_ views the IDs in recent_order_ (a deque keeps its elements in place when either
  // end changes). Looked up only, never iterated.
  std::deque<std::pair<std::int64_t, std::string>> recent_order_;
  msmi::FlatStringSet<std::string_view> recent_ids_;
  // False when `message_id` was accepted within the window; else remembers it.
  bool remember_for_duplicates(const std::string& message_id, std::int64_t now_us);
  std::vector<MtaPutRecord> puts_;
  std::vector<MtaAckRecord> acknowledgements_;
  std::map<std::string, std::int64_t> last_offered_;
  std::map<std::string, MtaNdr> queue_refusals_;
  // Looked up by ID only; take_deliveries sorts them.
  std::unordered_map<std::string, MtaDelivery, msmi::StringHash, std::equal_to<>> deliveries_;
  std::function<void(const msmi::XomMessage&)> on_accepted_;
  bool answering() const { return running_ && !hung_; }
};

}  // namespace msmisim
