#include "msmi/event_catalogue.h"

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <tuple>

namespace msmi {
namespace {

// Several KB articles quote an MSMI event without its text: those entries keep the ID's
// source, type and category as far as they are known and carry the quoted strings unchanged.
constexpr std::string_view kTextNotQuoted = "%1";

bool spec_less(const EventSpec& a, const EventSpec& b) {
  return std::tie(a.id, a.variant) < std::tie(b.id, b.variant);
}

}  // namespace

const std::vector<EventSpec>& event_catalogue() {
  using enum EventType;
  using C = Category;
  static const std::vector<EventSpec> kCatalogue = [] {
    std::vector<EventSpec> specs = {
        // ---- MSExchangeMSMI ---------------------------------------------------------------
        {event_id::kMailbagDiskError, kSourceMsmi, kError, C::kDebugData, 0,
         "Disk error encountered while inserting data into %1.MBG from %2."},
        // Q-article paraphrase: "Message ID delivered to exchange."; the ID is inserted the way
        // 2444 inserts it.
        {2113, kSourceMsmi, kInformation, C::kRouting, 3, "Message ID <%1> delivered to Exchange."},
        {event_id::kNdrGenerated, kSourceMsmi, kWarning, C::kNdr, 1,
         "Non delivery report generated. From: %1 Subject: %2 [%3] %4. Mail item was not "
         "delivered to: %5"},
        // [004] circular route: the route and the addresses tried replace the recipient.
        {event_id::kNdrGenerated, kSourceMsmi, kWarning, C::kNdr, 1,
         "Non delivery report generated. From: %1 Subject: %2 [%3] %4. Message followed the "
         "following route: %5 Attempted to send to the following addresses: %6",
         "route"},
        {event_id::kDownloadSessionEstablished, kSourceMsmi, kInformation, C::kSessionData, 3,
         "MS Mail Connector Interchange has established an MTA session for downloading messages "
         "from the Exchange server."},
        {event_id::kDownloadSessionEstablished, kSourceMsmi, kError, C::kSessionError, 1,
         "MS Mail Connector Interchange has failed in om_read(). Return code is %1.", "om_read"},
        {event_id::kXomPutFailed, kSourceMsmi, kError, C::kSessionError, 1,
         "MS Mail Connector Interchange failed to put into XOM stream. Return code is %1."},
        {2369, kSourceMsmi, kError, C::kSessionError, 0,
         "MS Mail Connector Interchange has failed to bind the Exchange Message Transport. Check "
         "to see if Exchange Message Transport is running."},
        {event_id::kInvalidRecipients, kSourceMsmi, kWarning, C::kNdr, 1,
         "Invalid recipient(s) found in %1. Generating non-delivery report."},
        {event_id::kNoMailbagForRecipient, kSourceMsmi, kError, C::kSessionError, 0,
         "MS Mail Connector Interchange has detected a configuration problem. No mailbag on the "
         "MS Mail Connector Post Office was found for recipient: %1 in the message with message "
         "id %2."},
        {2376, kSourceMsmi, kError, C::kSessionError, 0, kTextNotQuoted},
        // Every quote but one writes "Interchange"; two quote the template itself, "(Exception
        // address: %2.)", which is how the read address is known to be %1.
        {event_id::kAccessViolation, kSourceMsmi, kError, C::kSessionError, 0,
         "A memory access violation has occurred that prevents further processing of a message. "
         "The access violation that occurred is an attempt to read from %1. Please refer to the "
         "immediately following event(s) logged by MS Mail Connector Interchange for more "
         "information on the message that could not be processed. (Exception address: %2.)"},
        {event_id::kUploadSessionEstablished, kSourceMsmi, kInformation, C::kSessionData, 3,
         "MS Mail Connector Interchange has established an MTA session for uploading messages to "
         "the Exchange server."},
        // The KB quotes it in the category column as "Warning".
        {2403, kSourceMsmi, kWarning, C::kSessionError, 1,
         "Failure converting OLE v2 object to OLE v1, OLE Object Class not registered in message "
         "%1."},
        {event_id::kDirectorySessionFailed, kSourceMsmi, kError, C::kSessionError, 0,
         "MS Mail Connector Interchange has failed to establish a session with the Directory "
         "services. The return code is %1."},
        {event_id::kProcessedFromInqueue, kSourceMsmi, kInformation, C::kRouting, 3,
         "Message ID <%1> processed from INQUEUE"},
        {event_id::kProcessedFromInqueue, kSourceMsmi, kInformation, C::kRouting, 3,
         "Message ID <%1> processed from INQUEUE From: %2 To: %3", "addressed"},
        // One article quotes this text for "2446/2447"; another paraphrases 2447 as "MSMI has
        // failed processing $System message is left in the delivery queue."
        {2446, kSourceMsmi, kError, C::kSessionError, 0,
         "MS Mail Connector Interchange has failed processing message from Exchange. The message "
         "is left in the delivery queue. Use the MS Exchange Administrator to view the details "
         "for this message or remove it from the queue. This message entitled \"%1\" is from %2. "
         "This error message will be logged again the next time MS Connector is restarted if the "
         "message is not removed from the queue."},
        {2447, kSourceMsmi, kError, C::kSessionError, 0,
         "MS Mail Connector Interchange has failed processing message from Exchange. The message "
         "is left in the delivery queue. Use the MS Exchange Administrator to view the details "
         "for this message or remove it from the queue. This message entitled \"%1\" is from %2. "
         "This error message will be logged again the next time MS Connector is restarted if the "
         "message is not removed from the queue."},
        // The KB shows the category as "Sent".
        {2448, kSourceMsmi, kInformation, C::kRouting, 3,
         "Message ID <%1> received from Exchange Message ID <%2> created in MS Mail From: %3 To: "
         "%4"},
        {2449, kSourceMsmi, kInformation, C::kRouting, 3, kTextNotQuoted},
        {event_id::kOutboundMessageFailed, kSourceMsmi, kError, C::kSessionError, 0,
         "MS Mail Connector Interchange has failed processing message from Exchange. The message "
         "is left in the delivery queue. Use the MS Exchange Administrator to view the details "
         "for this message or remove it from the queue. This message is from %1. This error "
         "message will be logged again the next time MS Connector is restarted if the message "
         "is not removed from the queue."},
        {2451, kSourceMsmi, kError, C::kSessionError, 0,
         "MS Mail Connector Interchange has failed processing message from Exchange. The message "
         "is left in the delivery queue. Use the MS Exchange Administrator to view the details "
         "for this message or remove it from the queue. This error message will be logged again "
         "the next time MS Connector is restarted if the message is not removed from the queue."},
        {2539, kSourceMsmi, kError, C::kSessionError, 0, kTextNotQuoted},
        {event_id::kMtaObjectFailed, kSourceMsmi, kError, C::kSessionError, 0,
         "The thread in MSMail connector that delivers to Exchange has failed creating MSExchange "
         "MTA object. Check that the MSExchange MTA is running. When the MSExchange MTA is "
         "restarted, the MSMail connector will automatically establish a session with it."},
        {event_id::kDeliverToExchangeFailed, kSourceMsmi, kError, C::kSessionError, 0,
         "The thread in MS Mail Connector that delivers to Exchange has failed writing out data "
         "to the MTA."},
        {2556, kSourceMsmi, kError, C::kSessionError, 0,
         "The thread in MS Mail Connector that delivers to MS Mail has detected an error in the "
         "MS Exchange MTA."},
        {2558, kSourceMsmi, kError, C::kSessionError, 0,
         "The thread in the MSMail connector that delivers to MSMail has failed waiting on the "
         "MSExchange queue."},
        {event_id::kMtaReadFailed, kSourceMsmi, kError, C::kSessionError, 0,
         "The thread in the MS Mail Connector that delivers to MS Mail has failed reading the "
         "Microsoft Exchange Server MTA object."},
        {2563, kSourceMsmi, kError, C::kSessionError, 0, "An out of memory condition is detected."},
        {2568, kSourceMsmi, kWarning, C::kNdr, 1, kTextNotQuoted},
        {2590, kSourceMsmi, kError, C::kSessionError, 0,
         "The MSMail connector interchange wait on Exchange queue failed %1"},
        // The KB shows the category as "Session Warning".
        {2597, kSourceMsmi, kWarning, C::kSessionError, 1,
         "A message arrived with some information in Codepage %1. This message will be passed "
         "along with some loss of information. To fix this check that Codepage %1 is installed "
         "properly."},
        {2604, kSourceMsmi, kError, C::kSessionError, 0, kTextNotQuoted},
        {event_id::kDebugValue, kSourceMsmi, kInformation, C::kDebugData, 5, "%1 value=%2"},
        // Maximum logging also writes free-text notes under 10000 ("MDBEF parsing failed …").
        {event_id::kDebugValue, kSourceMsmi, kInformation, C::kDebugData, 5, "%1", "text"},
        // The simulator's own wording: no article quotes it. Maximum Debug Data logging writes
        // notes about each message under 10000 ("Recipient is MS:<network name>/<po name>/
        // POSTMASTER"); this one says what the FIPS to MDBEF conversion made of a message from
        // MS Mail: its subject (PR_SUBJECT, Q156844), class, and Sent time beside the time it
        // was converted and the time it entered the connector postoffice (Q161933). The
        // subject, free text, comes first, so that a subject holding the separators that
        // follow it is still read back whole from the rendered text.
        {event_id::kDebugValue, kSourceMsmi, kInformation, C::kDebugData, 5,
         "Subject \"%1\" of message ID <%2>, class %3, converted from FIPS to MDBEF. Sent %4, "
         "converted %5, entered the postoffice %6.",
         "conversion"},
        {event_id::kFatalAssert, kSourceMsmi, kError, C::kSessionError, 0,
         "Fatal Assert: File %1 line %2. %3"},
        {event_id::kFatalAssert, kSourceMsmi, kError, C::kSessionError, 0,
         "Fatal Error: File %1, line %2 %3", "fatal_error"},

        // ---- Service Control Manager ------------------------------------------------------
        // The SCM records its events without a category ("None"); the MSMI's logging levels
        // do not apply to them. The texts are the same for every service, so the world writes
        // them about the MTA and the other Exchange services too.
        {event_id::kMailerStartFailed, kSourceServiceControl, kError, C::kNone, 0,
         "MS Mail Connector Interchange has failed to start the mailer component. Return code "
         "from mailer is 0x%1 and the return code Win32 is 0x%2."},
        {event_id::kMailerStartFailed, kSourceServiceControl, kError, C::kNone, 0,
         "The MS Mail Connector Interchange service terminated with service-specific error %1. "
         "Check that MSMI Service Account has access permission on the Microsoft Mail Connector "
         "postoffice share.",
         "service_error"},
        {event_id::kServiceStartFailed, kSourceServiceControl, kError, C::kNone, 0,
         "The %1 service failed to start due to the following error: %2"},
        {event_id::kServiceDependencyFailed, kSourceServiceControl, kError, C::kNone, 0,
         "The %1 service depends on the %2 service which failed to start because of the "
         "following error: %3"},
        {event_id::kServiceConnectTimeout, kSourceServiceControl, kError, C::kNone, 0,
         "Timeout (%1 milliseconds) waiting for service to connect."},
        {event_id::kServiceSpecificError, kSourceServiceControl, kError, C::kNone, 0,
         "The %1 service terminated with service-specific error %2."},
        // Inserts as Windows writes them: %4 is the number of the recovery action, %5 its text.
        {event_id::kServiceTerminatedWithAction, kSourceServiceControl, kError, C::kNone, 0,
         "The %1 service terminated unexpectedly. It has done this %2 time(s). The following "
         "corrective action will be taken in %3 milliseconds: %5."},
        {event_id::kServiceTerminated, kSourceServiceControl, kError, C::kNone, 0,
         "The %1 service terminated unexpectedly. It has done this %2 time(s)."},
        {event_id::kServiceStateChanged, kSourceServiceControl, kInformation, C::kNone, 0,
         "The %1 service entered the %2 state."},

        // ---- the hardened build's own events ------------------------------------------------
        {event_id::kMessageQuarantined, kSourceSimulator, kWarning, C::kNdr, 0,
         "Message %1 quarantined: %2. Its files were moved to %3."},
        {event_id::kFileMovedAside, kSourceSimulator, kError, C::kSessionError, 0,
         "%1 is damaged (%2) and was moved aside to %3; it was not processed."},
        {event_id::kRetryScheduled, kSourceSimulator, kInformation, C::kSessionData, 3,
         "Message %1 will be submitted again in %2 s (attempt %3 of %4 failed with %5)."},
        {event_id::kOrphanRecovered, kSourceSimulator, kWarning, C::kRouting, 0,
         "Orphaned envelope %1 of message %2 had no INQUEUE3 record; it was queued again."},
        {event_id::kQueueRecordDropped, kSourceSimulator, kError, C::kSessionError, 0,
         "INQUEUE3 record of message %1 points to %2, which cannot be read (%3); the record was "
         "removed."},
        {event_id::kOperationFailed, kSourceSimulator, kWarning, C::kSessionError, 0,
         "%1 failed (%2); the engine went on without it."},
    };
    std::sort(specs.begin(), specs.end(), spec_less);
    // One text per (ID, variant), or lookups would depend on the order above.
    if (std::adjacent_find(specs.begin(), specs.end(), [](const EventSpec& a, const EventSpec& b) {
          return !spec_less(a, b);
        }) != specs.end()) {
      std::abort();
    }
    return specs;
  }();
  return kCatalogue;
}

const EventSpec* find_event_spec(int id, std::string_view variant) {
  const auto& catalogue = event_catalogue();
  const EventSpec key{id, {}, EventType::kInformation, Category::kNone, 0, {}, variant};
  const auto it = std::lower_bound(catalogue.begin(), catalogue.end(), key, spec_less);
  return it != catalogue.end() && it->id == id && it->variant == variant ? &*it : nullptr;
}

std::string format_event_text(std::string_view text, const std::vector<std::string>& inserts) {
  std::string out;
  std::size_t size = text.size();
  for (const std::string& insert : inserts) size += insert.size();
  out.reserve(size);  // enough unless a marker repeats: each takes two characters, adds its insert
  // The text between the markers is copied whole: every event written is formatted here.
  std::size_t copied = 0;  // text before it is in `out`
  for (std::size_t at = text.find('%'); at != std::string_view::npos; at = text.find('%', at)) {
    if (at + 1 < text.size() && text[at + 1] >= '1' && text[at + 1] <= '9') {
      out.append(text, copied, at - copied);
      const std::size_t index = static_cast<std::size_t>(text[at + 1] - '1');
      if (index < inserts.size()) out += inserts[index];
      copied = at += 2;
    } else {
      ++at;
    }
  }
  out.append(text, copied);
  return out;
}

std::vector<int> nearest_event_ids(const std::vector<EventSpec>& catalogue, int id, std::size_t n) {
  // Walk outwards from where `id` would be inserted, taking the closer neighbour each time.
  const auto split =
      std::lower_bound(catalogue.begin(), catalogue.end(), id,
                       [](const EventSpec& spec, int value) { return spec.id < value; });
  auto below = split;  // candidates are below[-1], below[-2] …
  auto above = split;  // candidates are above[0], above[1] …
  std::vector<int> out;
  const auto distance = [id](int other) { return static_cast<long long>(other) - id; };
  while (out.size() < n && (below != catalogue.begin() || above != catalogue.end())) {
    const bool take_below =
        above == catalogue.end() ||
        (below != catalogue.begin() && -distance(std::prev(below)->id) <= distance(above->id));
    int next;
    if (take_below) {
      next = (--below)->id;
    } else {
      next = above->id;
      ++above;
    }
    if (std::find(out.begin(), out.end(), next) == out.end()) out.push_back(next);
  }
  return out;
}

std::vector<int> nearest_event_ids(int id, std::size_t n) {
  return nearest_event_ids(event_catalogue(), id, n);
}

}  // namespace msmi
