// Reading what a scripted message carries beside its text (msmi/message_content.h) and the OLE
// classes of the connector server. Internal to the scenario loader, like json_fields.h.
#pragma once

#include <string>
#include <vector>

#include "json_fields.h"

namespace msmisim::detail {

// `kind` of a scripted message: "ipm", "dirsync", or "ndr" for an outbound message (a report
// the MTA hands the MSMI).
msmi::MessageKind read_scripted_message_kind(const json& v, const std::string& path,
                                             Direction direction);
// The optional keys `attachments`, `content` and `recipient_dn` of $.messages[i] into
// m.content. REQUIRES: m.kind is read already (`content` and `recipient_dn` are for NDRs only).
void read_message_content(Fields& f, MessageSpec& m);
// engine.ole_classes: a non-empty class name per entry.
std::vector<std::string> read_ole_classes(const json& v, const std::string& path);

}  // namespace msmisim::detail
