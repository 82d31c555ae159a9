#include "msmisim/simulated_mta.h"

#include <algorithm>
#include <cctype>

namespace msmisim {
using msmi::XomReturnCode;

bool glob_match(std::string_view pattern, std::string_view text) {
  // Iterative matcher with one backtrack point for the last '*': linear in practice.
  std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  auto same = [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  };
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || same(pattern[p], text[t]))) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

void SimulatedMta::set_running(bool running) {
  running_ = running;
  hung_ = false;
  if (!running) {
    upload_sessions_ = 0;
    download_sessions_ = 0;
  }
}

XomReturnCode SimulatedMta::open_upload_session() {
  if (!answering()) return XomReturnCode::kNetworkError;
  ++upload_sessions_;
  return XomReturnCode::kSuccess;
}

XomReturnCode SimulatedMta::put(const msmi::XomMessage& message) {
  const std::int64_t now = clock_.now_us();
  // A session opened before the MTA restarted is gone: that is a network error, which the MSMI
  // answers by opening a new one, not a refusal of the message.
  if (!answering() || upload_sessions_ <= 0) {
    puts_.push_back({message.message_id, message.kind == msmi::MessageKind::kNdr,
                     XomReturnCode::kNetworkError, now});
    return XomReturnCode::kNetworkError;
  }
  for (const MtaFault& fault : faults_) {
    if (now < fault.from_us || now >= fault.until_us) continue;
    bool hit =
        !fault.sender_pattern.empty() && glob_match(fault.sender_pattern, message.originator);
    if (!fault.recipient_pattern.empty()) {
      hit = hit || std::any_of(message.recipients.begin(), message.recipients.end(),
                               [&](const std::string& r) {
                                 return glob_match(fault.recipient_pattern, r);
                               });
    }
    if (hit) {
      ++refused_;
      puts_.push_back(
          {message.message_id, message.kind == msmi::MessageKind::kNdr, fault.code, now});
      return fault.code;
    }
  }
  if (message.detect_duplicates && !remember_for_duplicates(message.message_id, now)) {
    // Taken already: answered as accepted, delivered no second time, and no put recorded.
    ++duplicates_dropped_;
    return XomReturnCode::kSuccess;
  }
  if (message.kind == msmi::MessageKind::kNdr) ++ndrs_received_;
  if (message.kind != msmi::MessageKind::kNdr) {
    deliveries_.emplace(message.message_id,
                        MtaDelivery{message.subject, message.sent_us, message.message_class, now});
  }
  ++accepted_;
  puts_.push_back(
      {message.message_id, message.kind == msmi::MessageKind::kNdr, XomReturnCode::kSuccess, now});
  if (on_accepted_) on_accepted_(message);
  return XomReturnCode::kSuccess;
}

bool SimulatedMta::remember_for_duplicates(const std::string& message_id, std::int64_t now_us) {
  while (!recent_order_.empty() && recent_order_.front().first <= now_us - kDuplicateWindowUs) {
    recent_ids_.erase(recent_order_.front().second);
    recent_order_.pop_front();
  }
  if (recent_ids_.count(message_id) != 0) return false;
  recent_ids_.insert(recent_order_.emplace_back(now_us, message_id).second);
  return true;
}

void SimulatedMta::note_refused(const msmi::XomMessage& message, msmi::XomReturnCode code) {
  ++refused_;
  puts_.push_back(
      {message.message_id, message.kind == msmi::MessageKind::kNdr, code, clock_.now_us()});
}

void SimulatedMta::note_ack_fault(std::string_view message_id, AckOutcome outcome) {
  acknowledgements_.push_back({std::string(message_id), outcome, clock_.now_us()});
}

std::string SimulatedMta::delete_head() {
  if (msmi_queue_.empty()) return "";
  std::string id = msmi_queue_.front().message_id;
  msmi_queue_.pop_front();
  offered_.erase(id);
  return id;
}

std::vector<std::string> SimulatedMta::return_to_senders(int count) {
  std::vector<std::string> ids;
  while (!msmi_queue_.empty() && (count <= 0 || static_cast<int>(ids.size()) < count)) {
    ids.push_back(msmi_queue_.front().message_id);
    offered_.erase(ids.back());
    msmi_queue_.pop_front();
  }
  return ids;
}

void SimulatedMta::close_upload_session() {
  upload_sessions_ = std::max(0, upload_sessions_ - 1);
}

XomReturnCode SimulatedMta::open_download_session() {
  if (!answering()) return XomReturnCode::kNetworkError;
  offered_.clear();
  ++download_sessions_;
  return XomReturnCode::kSuccess;
}

XomReturnCode SimulatedMta::read_next(std::optional<msmi::XomMessage>* out) {
  out->reset();
  if (!answering() || download_sessions_ <= 0) return XomReturnCode::kNetworkError;
  for (const msmi::XomMessage& m : msmi_queue_) {
    if (offered_.insert(m.message_id).second) {
      last_offered_[m.message_id] = clock_.now_us();
      *out = m;
      break;
    }
  }
  return XomReturnCode::kSuccess;
}

const msmi::XomMessage* SimulatedMta::peek_next() const {
  if (!answering() || download_sessions_ <= 0) return nullptr;
  for (const msmi::XomMessage& m : msmi_queue_) {
    if (offered_.count(m.message_id) == 0) return &m;
  }
  return nullptr;
}

XomReturnCode SimulatedMta::acknowledge(std::string_view message_id) {
  if (!answering()) {
    note_ack_fault(message_id, AckOutcome::kRefused);
    return XomReturnCode::kNetworkError;
  }
  acknowledgements_.push_back({std::string(message_id), AckOutcome::kDone, clock_.now_us()});
  const auto it =
      std::find_if(msmi_queue_.begin(), msmi_queue_.end(),
                   [&](const msmi::XomMessage& m) { return m.message_id == message_id; });
  if (it != msmi_queue_.end()) msmi_queue_.erase(it);
  const auto offered = offered_.find(message_id);
  if (offered != offered_.end()) offered_.erase(offered);
  return XomReturnCode::kSuccess;
}

void SimulatedMta::close_download_session() {
  download_sessions_ = std::max(0, download_sessions_ - 1);
}

}  // namespace msmisim
