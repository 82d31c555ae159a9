#include "msmi/event_catalogue.h"

#include <algorithm>

namespace msmi {

const std::vector<EventSpec>& event_catalogue() {
  using enum EventType;
  using C = Category;
  static const std::vector<EventSpec> kCatalogue = [] {
    std::vector<EventSpec> specs = {
        {event_id::kMailbagDiskError, kSourceMsmi, kError, C::kDebugData, 0,
         "Disk error encountered while inserting data into %1.MBG from %2."},
        {event_id::kNdrGenerated, kSourceMsmi, kWarning, C::kNdr, 1,
         "Non delivery report generated. From: %1 Subject: %2 [%3] %4. Mail item was not "
         "delivered to: %5"},
        {event_id::kMailerStartFailed, kSourceServiceControl, kError, C::kServiceControl, 0,
         "MS Mail Connector Interchange has failed to start the mailer component. Return code "
         "from mailer is 0x%1 and the return code Win32 is 0x%2."},
        {event_id::kDownloadSessionEstablished, kSourceMsmi, kInformation, C::kSessionData, 3,
         "MS Mail Connector Interchange has established an MTA session for downloading messages "
         "from the Exchange server."},
        {event_id::kXomPutFailed, kSourceMsmi, kError, C::kSessionError, 1,
         "MS Mail Connector Interchange failed to put into XOM stream. Return code is %1."},
        {event_id::kInvalidRecipients, kSourceMsmi, kWarning, C::kNdr, 1,
         "Invalid recipient(s) found in %1. Generating non-delivery report."},
        {event_id::kNoMailbagForRecipient, kSourceMsmi, kError, C::kSessionError, 0,
         "MS Mail Connector Interchange has detected a configuration problem. No mailbag on the "
         "MS Mail Connector Post Office was found for recipient: %1 in the message with message "
         "id %2."},
        {event_id::kAccessViolation, kSourceMsmi, kError, C::kSessionError, 0,
         "A memory access violation has occurred that prevents further processing of a message. "
         "The access violation that occurred is an attempt to read from %1. Please refer to the "
         "immediately following event(s) logged by MS Mail Connector interchange for more "
         "information on the message that could not be processed. (Exception address: %2.)"},
        {event_id::kUploadSessionEstablished, kSourceMsmi, kInformation, C::kSessionData, 3,
         "MS Mail Connector Interchange has established an MTA session for uploading messages to "
         "the Exchange server."},
        {event_id::kProcessedFromInqueue, kSourceMsmi, kInformation, C::kRouting, 3,
         "Message ID <%1> processed from INQUEUE"},
        {event_id::kOutboundMessageFailed, kSourceMsmi, kError, C::kSessionError, 0,
         "MS Mail Connector Interchange has failed processing message from Exchange. The message "
         "is left in the delivery queue. Use the MS Exchange Administrator to view the details "
         "for this message or remove it from the queue. This message is from %1. This error "
         "message will be logged again the next time MS Connector is restarted if the message "
         "is not removed from the queue"},
        {event_id::kDeliverToExchangeFailed, kSourceMsmi, kError, C::kSessionError, 0,
         "The thread in MS Mail Connector that delivers to Exchange has failed writing out data "
         "to the MTA."},
        {event_id::kMtaReadFailed, kSourceMsmi, kError, C::kSessionError, 0,
         "The thread in the MS Mail Connector that delivers to MS Mail has failed reading the "
         "Microsoft Exchange Server MTA object."},
        {event_id::kServiceStateChanged, kSourceServiceControl, kInformation, C::kServiceControl, 0,
         "The %1 service entered the %2 state."},
        {event_id::kMessageQuarantined, kSourceSimulator, kWarning, C::kNdr, 0,
         "Message %1 quarantined: %2. Its files were moved to %3."},
        {event_id::kFileMovedAside, kSourceSimulator, kError, C::kSessionError, 0,
         "%1 is damaged (%2) and was moved aside to %3; it was not processed."},
        {event_id::kOperatorAction, kSourceSimulator, kInformation, C::kServiceControl, 0,
         "Operator: %1"},
        {event_id::kRetryScheduled, kSourceSimulator, kInformation, C::kSessionData, 3,
         "Message %1 will be submitted again in %2 s (attempt %3 of %4 failed with %5)."},
        {event_id::kOrphanRecovered, kSourceSimulator, kWarning, C::kRouting, 0,
         "Orphaned envelope %1 of message %2 had no INQUEUE3 record; it was queued again."},
        {event_id::kQueueRecordDropped, kSourceSimulator, kError, C::kSessionError, 0,
         "INQUEUE3 record of message %1 points to %2, which cannot be read (%3); the record was "
         "removed."},
        {event_id::kOperationFailed, kSourceSimulator, kWarning, C::kSessionError, 0,
         "%1 failed (%2); the engine went on without it."},
        {event_id::kDebugValue, kSourceMsmi, kInformation, C::kDebugData, 5, "%1 value=%2"},
        {event_id::kFatalAssert, kSourceMsmi, kError, C::kSessionError, 0,
         "Fatal Assert: File %1 line %2. %3"},
    };
    std::sort(specs.begin(), specs.end(),
              [](const EventSpec& a, const EventSpec& b) { return a.id < b.id; });
    return specs;
  }();
  return kCatalogue;
}

const EventSpec* find_event_spec(int id) {
  const auto& catalogue = event_catalogue();
  const auto it =
      std::lower_bound(catalogue.begin(), catalogue.end(), id,
                       [](const EventSpec& spec, int value) { return spec.id < value; });
  return it != catalogue.end() && it->id == id ? &*it : nullptr;
}

std::string format_event_text(std::string_view text, const std::vector<std::string>& inserts) {
  std::string out;
  out.reserve(text.size() + 64);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 1 < text.size() && text[i + 1] >= '1' && text[i + 1] <= '9') {
      const std::size_t index = static_cast<std::size_t>(text[i + 1] - '1');
      if (index < inserts.size()) out += inserts[index];
      ++i;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

}  // namespace msmi
