// The events the engine writes, with their Event Viewer source, type, category, diagnostics
// significance and message text. Texts follow the KB articles; insertion strings are %1..%9,
// as in a Windows message file. IDs from 9000 up are the simulator's own (source "msmisim")
// and have no Exchange counterpart.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "msmi/event.h"

namespace msmi {

namespace event_id {
inline constexpr int kUploadSessionEstablished = 2384;
inline constexpr int kDownloadSessionEstablished = 2335;
inline constexpr int kDebugValue = 10000;
inline constexpr int kXomPutFailed = 2342;
inline constexpr int kDeliverToExchangeFailed = 2553;
inline constexpr int kAccessViolation = 2380;
inline constexpr int kFatalAssert = 10003;
inline constexpr int kNdrGenerated = 2117;
inline constexpr int kInvalidRecipients = 2371;
inline constexpr int kNoMailbagForRecipient = 2375;
inline constexpr int kProcessedFromInqueue = 2444;
inline constexpr int kOutboundMessageFailed = 2450;
inline constexpr int kMtaReadFailed = 2560;
inline constexpr int kMailbagDiskError = 2010;
inline constexpr int kMailerStartFailed = 2302;
inline constexpr int kServiceStateChanged = 7036;
inline constexpr int kMessageQuarantined = 9001;
inline constexpr int kFileMovedAside = 9002;
inline constexpr int kOperatorAction = 9003;
inline constexpr int kRetryScheduled = 9004;
inline constexpr int kOrphanRecovered = 9005;
inline constexpr int kQueueRecordDropped = 9006;
inline constexpr int kOperationFailed = 9007;
}  // namespace event_id

struct EventSpec {
  int id;
  std::string_view source;
  EventType type;
  Category category;
  int level;  // diagnostics significance: written when level ≤ the category's logging level
  std::string_view text;
};

// Every event the engine can write, ascending by ID.
const std::vector<EventSpec>& event_catalogue();
// nullptr if the ID is not in the catalogue.
const EventSpec* find_event_spec(int id);
// Replaces %1..%9 with inserts[0..8]; a missing insert becomes an empty string.
std::string format_event_text(std::string_view text, const std::vector<std::string>& inserts);

}  // namespace msmi
