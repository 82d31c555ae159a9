// The events the engine writes, with their Event Viewer source, type, category, diagnostics
// significance and message text: every MSExchangeMSMI event the KB archive quotes, and the
// Service Control Manager events about services (the MSMI's own and, with the same texts, the
// services around it). Texts follow the KB articles; insertion strings are %1..%9, as in a
// Windows message file. IDs 9001-9006 are the hardened build's own (source "msmisim") and have
// no Exchange counterpart. The events of the rest of the world (MTA, PC MTA, Information Store,
// directory synchronisation, the simulator's operator) are catalogued by the simulator.
#pragma once

#include <cstddef>
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
inline constexpr int kNdrLeftInQueue = 2449;
inline constexpr int kMtaObjectFailed = 2550;
inline constexpr int kMailbagDiskError = 2010;
inline constexpr int kMailerStartFailed = 2302;
inline constexpr int kDirectorySessionFailed = 2410;
// Q214565 quotes the ID without its text: the description is the one insertion string.
inline constexpr int kReceiptDateUnparsable = 2539;
inline constexpr int kServiceStartFailed = 7000;
inline constexpr int kServiceDependencyFailed = 7001;
inline constexpr int kServiceConnectTimeout = 7009;
inline constexpr int kServiceSpecificError = 7024;
inline constexpr int kServiceTerminatedWithAction = 7031;
inline constexpr int kServiceTerminated = 7034;
inline constexpr int kServiceStateChanged = 7036;
inline constexpr int kMessageQuarantined = 9001;
inline constexpr int kFileMovedAside = 9002;
inline constexpr int kOperatorAction = 9003;
inline constexpr int kRetryScheduled = 9004;
inline constexpr int kOrphanRecovered = 9005;
inline constexpr int kQueueRecordDropped = 9006;
inline constexpr int kOperationFailed = 9007;
}  // namespace event_id

// One message text of an event ID. An ID usually has one text; where the KB archive documents
// several texts for one ID (2335 "session established" and "failed in om_read()"), each is its
// own spec, told apart by `variant` ("" for the ID's main text).
struct EventSpec {
  int id;
  std::string_view source;
  EventType type;
  Category category;
  int level;  // diagnostics significance: written when level ≤ the category's logging level
  std::string_view text;
  std::string_view variant = {};
};

// Every event the engine can write, ascending by (ID, variant); the main text ("") of an ID
// comes first.
const std::vector<EventSpec>& event_catalogue();
// nullptr if the ID has no text of that variant in the catalogue.
const EventSpec* find_event_spec(int id, std::string_view variant = {});
// Replaces %1..%9 with inserts[0..8]; a missing insert becomes an empty string.
std::string format_event_text(std::string_view text, const std::vector<std::string>& inserts);

// The `n` distinct IDs of `catalogue` closest to `id` (|ID - id| ascending, the lower ID first
// on a tie), for messages such as "unknown event 2343; nearest known: 2342, 2335, 2371".
// REQUIRES: `catalogue` is sorted by ID, as event_catalogue() is.
std::vector<int> nearest_event_ids(const std::vector<EventSpec>& catalogue, int id, std::size_t n);
// The same over event_catalogue().
std::vector<int> nearest_event_ids(int id, std::size_t n);

}  // namespace msmi
