// The events of the world around the MSMI, as the KB archive quotes them: the Exchange MTA, the
// MS Mail (PC) MTA, the Information Store, directory synchronisation, Windows NT itself, and the
// simulator's own operator notes (9003). Together with the engine's catalogue (MSExchangeMSMI
// and the Service Control Manager) they cover every event of shared/kb-events.tsv.
//
// The MTA's texts end with the diagnostic trailer it appends ("[MTA DISP:FANOUT 12 112] (12)");
// the catalogue keeps that trailer as the last insertion string.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "msmi/event_catalogue.h"

namespace msmisim {

inline constexpr std::string_view kSourceMta = "MSExchangeMTA";
inline constexpr std::string_view kSourcePcMta = "Microsoft PC MTA";
inline constexpr std::string_view kSourcePrivateStore = "MSExchangeIS Private";
inline constexpr std::string_view kSourceDirSync = "MSExchangeDX";
inline constexpr std::string_view kSourceFreeBusy = "MSExchangeFB";
inline constexpr std::string_view kSourceApplicationPopup = "Application Popup";
inline constexpr std::string_view kSourceRedirector = "Rdr";
inline constexpr std::string_view kSourceNetWareRedirector = "NwRdr";

// The variant of 9003 that tells what a fault rule did to the world (a power loss), as opposed
// to an operator's step.
inline constexpr std::string_view kFaultVariant = "fault";

// The PC MTA's "A mail delivery problem has been detected on …" (Q138054). The article shows it
// in the System log without its event ID; 4100 is this simulator's choice.
inline constexpr int kPcMtaDeliveryProblem = 4100;

// Every world event, ascending by (ID, variant). No (ID, variant) is also in the engine's
// catalogue.
const std::vector<msmi::EventSpec>& world_event_catalogue();

// The engine's and the world's events together, ascending by (ID, variant).
const std::vector<msmi::EventSpec>& any_event_catalogue();

// Looks the text up in both catalogues. nullptr if neither has it.
// Binary search; safe to call from any thread.
const msmi::EventSpec* find_any_event_spec(int id, std::string_view variant = {});

// The `n` IDs of either catalogue closest to `id`, nearest first (see msmi::nearest_event_ids).
std::vector<int> nearest_any_event_ids(int id, std::size_t n);

}  // namespace msmisim
