#include "msmisim/world_events.h"

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <tuple>

namespace msmisim {
namespace {

using msmi::Category;
using msmi::EventSpec;
using msmi::EventType;

// Quoted by ID only: the entry keeps the ID findable and carries the quoted strings unchanged.
constexpr std::string_view kTextNotQuoted = "%1";
// 1003 is quoted with neither source nor text; the name says so rather than guess one.
constexpr std::string_view kSourceNotQuoted = "(source not quoted)";

bool spec_less(const EventSpec& a, const EventSpec& b) {
  return std::tie(a.id, a.variant) < std::tie(b.id, b.variant);
}

bool has_duplicate(const std::vector<EventSpec>& sorted) {
  return std::adjacent_find(sorted.begin(), sorted.end(),
                            [](const EventSpec& a, const EventSpec& b) {
                              return !spec_less(a, b);
                            }) != sorted.end();
}

std::vector<EventSpec> make_world_catalogue() {
  using enum EventType;
  using C = Category;
  std::vector<EventSpec> specs = {
      // ---- MSExchangeMTA ------------------------------------------------------------------
      {62, kSourceMta, kWarning, C::kX400Service, 0,
       "A delivery failure occurred for the message with message transfer service identifier "
       "%1. X.400 reason code %2. Diagnostic %3. Contact Microsoft Product Support Services. %4"},
      {210, kSourceMta, kWarning, C::kX400Service, 0,
       "An internal MTA error occurred. Content conversion for message %1 failed. Conversion "
       "error: %2, Object at fault: %3, Original content type: %4, New content type: %5. %6"},
      {246, kSourceMta, kError, C::kInternalProcessing, 0,
       "An internal MTA error occurred. An attempt has been made to read beyond the end of an "
       "object. Attribute ID: %1. Object at fault: %2. Offset reached: %3. Contact Microsoft "
       "Product Support Services. %4"},
      {248, kSourceMta, kWarning, C::kInternalProcessing, 0,
       "Too many ECBs processed in one thread. No. of ECBs processed: %1."},
      {270, kSourceMta, kError, C::kInterface, 0,
       "A permanent error has occurred with Entity %1. Entity is a %2 Object is a %3. Object: "
       "%4. Message ID: %5 Content length: %6, External Trace information (first 100 bytes) = "
       "%7, %8"},
      {290, kSourceMta, kWarning, C::kX400Service, 0,
       "A non-delivery report (reason code %1 and diagnostic code %2) is being generated for "
       "message %3. It was originally destined for %4 (recipient number %5), and was to be "
       "redirected to %6. %7"},
      {2028, kSourceMta, kError, C::kInternalProcessing, 0,
       "A fatal internal MTA error occurred. Contact Microsoft Product Support Services. Unable "
       "to encode the message tracking event. Event node = %1, Error code = %2 %3"},
      {2037, kSourceMta, kError, C::kInternalProcessing, 0,
       "An internal MTA error occurred. There is a negative connection count for locality %1. "
       "%2"},
      {2110, kSourceMta, kError, C::kInternalProcessing, 0,
       "A fatal MTA database server error was encountered. A bad list member length is on "
       "object %1. File offset: %2. Attribute ID: %3. Referenced object %4. Referenced object "
       "error: %5. %6"},
      {2127, kSourceMta, kError, C::kInternalProcessing, 0,
       "An MTA database server error was encountered. Error accessing object attribute (AAT) on "
       "a Read/Write operation. Filename: %1. File operation: %2. Operating system error: %3. "
       "Referenced object: %4. Referenced object error %5. %6"},
      {2155, kSourceMta, kError, C::kInternalProcessing, 0,
       "An MTA database server error was encountered. Failed to read attribute information "
       "(AAT) for object %1. Database server error code: %2. %3"},
      {2171, kSourceMta, kWarning, C::kInternalProcessing, 0,
       "An MTA database server error was encountered while reading an attribute. Called from "
       "%1 Procedure: %2. Database error code: %3. Object at fault: %4. Attribute identifier: "
       "%5. Value number: %6. Referenced object: %7. Referenced object error: %8. %9"},
      {2191, kSourceMta, kError, C::kInternalProcessing, 0,
       "An MTA database server error was encountered while adding an entry to a queue. Called "
       "from %1. Procedure %2. Database error code: %3. Queue name: %4. Object at fault: %5. "
       "%6"},
      {2194, kSourceMta, kError, C::kInternalProcessing, 0,
       "An MTA database server error was encountered while getting the next entry from a "
       "queue. Called from %1. Procedure %2. Database error code: %3. Queue: %4. %5"},
      {2197, kSourceMta, kError, C::kInternalProcessing, 0,
       "An MTA database server error was encountered while locking a queue. Called from %1. "
       "Procedure %2. Database error code: %3. Queue: %4. %5"},
      {2198, kSourceMta, kError, C::kInternalProcessing, 0,
       "An MTA database server error was encountered while unlocking a queue. Called from %1. "
       "Procedure %2. Database error code: %3. Queue: %4. %5"},
      {2202, kSourceMta, kError, C::kInternalProcessing, 0,
       "A fatal MTA database server error was encountered. The object reservation count for "
       "object %1 has been decremented below zero. %2"},
      // Quoted garbled, with source "MTA OpSys" and "Warning" in the category column.
      {2247, kSourceMta, kWarning, C::kOperatingSystem, 0,
       "A directory name object allocation command failed %1"},
      // Quoted as the template itself.
      {3057, kSourceMta, kError, C::kInitializationTermination, 0,
       "Initialization failed. Error encoding global domain ID in directory. Error code %1. [%2 "
       "%3 %4 %5] (16)"},
      {3120, kSourceMta, kWarning, C::kResource, 0,
       "A resource limit has been reached when attempting to open an association. Number of "
       "sessions configured: %1. %2"},
      {3128, kSourceMta, kWarning, C::kInternalProcessing, 0,
       "An MTA database server error was encountered. %1"},
      {3161, kSourceMta, kError, C::kSecurity, 0,
       "An internal MTA error occurred. The logon violated security."},
      // Quoted only as "The user... Private MDB has caused a security violation...".
      {9297, kSourceMta, kError, C::kSecurity, 0,
       "The user %1 has caused a security violation. %2"},
      {9405, kSourceMta, kError, C::kInternalProcessing, 0,
       "An unexpected error has occurred which may cause the MTA to terminate. Error: %1 %2"},

      // ---- Microsoft PC MTA (the MS Mail side) ---------------------------------------------
      {4188, kSourcePcMta, kError, C::kSession, 0,
       "The postoffice %1 on %2 and the postoffice %3 on %4 have the same postoffice serial "
       "number [%5]. Make sure you do not have two drives pointing to the same postoffice."},
      // Q138054 quotes it with its line breaks; %7 and %8 are the MS Mail reason code and text.
      {kPcMtaDeliveryProblem, kSourcePcMta, kWarning, C::kSession, 0,
       "A mail delivery problem has been detected on %1. MESSAGE DATA: SOURCE MESSAGE ID: %2 "
       "FROM: %3 DATE: %4 TIME: %5 SUBJECT: %6 [%7] %8. Message was not delivered to %9"},
      {4254, kSourcePcMta, kWarning, C::kSession, 0,
       "Unable to deliver mail to %1 MS Mail Connector (PC) MTA will retry in the next cycle."},
      {4304, kSourcePcMta, kError, C::kSession, 0, kTextNotQuoted},
      {4355, kSourcePcMta, kError, C::kSession, 0, kTextNotQuoted},
      {4395, kSourcePcMta, kError, C::kSession, 0, kTextNotQuoted},

      // ---- Information Store, directory synchronisation, free/busy --------------------------
      {1026, kSourcePrivateStore, kWarning, C::kTransportGeneral, 0,
       "An error occurred with the following call stack: %1"},
      {2025, kSourcePrivateStore, kInformation, C::kTransportDelivery, 0,
       "The delivery of a message failed due to error %1. A non-delivery report is being sent "
       "to the message's originator."},
      {134, kSourceDirSync, kError, C::kEventHandler, 0,
       "Error %1 returned by the MTA. (Thread %2). %3"},
      {136, kSourceDirSync, kWarning, C::kEventHandler, 0,
       "Message received from unknown DirSync requestor - %1"},
      {1003, kSourceNotQuoted, kError, C::kNone, 0, kTextNotQuoted},
      {1004, kSourceFreeBusy, kError, C::kNone, 0, kTextNotQuoted},

      // ---- Windows NT ----------------------------------------------------------------------
      {26, kSourceApplicationPopup, kInformation, C::kNone, 0, "Application popup: %1 : %2"},
      {3013, kSourceRedirector, kError, C::kNone, 0, "The redirector has timed out to %1"},
      {8007, kSourceNetWareRedirector, kWarning, C::kNone, 0,
       "NetWare redirector timed out its request to server %1"},

      // ---- the simulator ------------------------------------------------------------------
      // Operator steps of a scenario; no Exchange counterpart, hence its own source.
      {msmi::event_id::kOperatorAction, msmi::kSourceSimulator, kInformation, C::kServiceControl, 0,
       "Operator: %1"},
      {msmi::event_id::kOperatorAction, msmi::kSourceSimulator, kWarning, C::kServiceControl, 0,
       "Fault rule: %1", kFaultVariant},
  };
  std::sort(specs.begin(), specs.end(), spec_less);
  if (has_duplicate(specs)) std::abort();  // one text per (ID, variant)
  return specs;
}

}  // namespace

const std::vector<EventSpec>& world_event_catalogue() {
  static const std::vector<EventSpec> kCatalogue = make_world_catalogue();
  return kCatalogue;
}

const std::vector<EventSpec>& any_event_catalogue() {
  static const std::vector<EventSpec> kCatalogue = [] {
    const auto& engine = msmi::event_catalogue();
    const auto& world = world_event_catalogue();
    std::vector<EventSpec> all;
    all.reserve(engine.size() + world.size());
    std::merge(engine.begin(), engine.end(), world.begin(), world.end(), std::back_inserter(all),
               spec_less);
    // A text in both catalogues would make the answer depend on which is searched first.
    if (has_duplicate(all)) std::abort();
    return all;
  }();
  return kCatalogue;
}

const EventSpec* find_any_event_spec(int id, std::string_view variant) {
  const auto& catalogue = any_event_catalogue();
  const EventSpec key{id, {}, EventType::kInformation, Category::kNone, 0, {}, variant};
  const auto it = std::lower_bound(catalogue.begin(), catalogue.end(), key, spec_less);
  return it != catalogue.end() && it->id == id && it->variant == variant ? &*it : nullptr;
}

std::vector<int> nearest_any_event_ids(int id, std::size_t n) {
  return msmi::nearest_event_ids(any_event_catalogue(), id, n);
}

}  // namespace msmisim
