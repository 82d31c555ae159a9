// The MS Mail Connector's administration extension (Conadmin.dll), which the Exchange
// Administrator program loads for the connector's property pages: who may do what to the
// connector's queues and its PC MTAs. The queue actions themselves belong to the world (the
// MTA's queue); this is only the rights check the extension makes first.
#pragma once

#include <string_view>

#include "msmi/defects.h"
#include "msmi/status.h"

namespace msmi {

// Who is at the Administrator program.
enum class AdminRole {
  kNtAdministrator,        // a member of the server's Windows NT Administrators group
  kExchangeAdministrator,  // has the Exchange Permissions Admin role, but is not an NT admin
};

enum class ConnectorAdminTask {
  kQueueMessages,       // delete messages in the connector's queues or return them to their senders
  kPcMtaConfiguration,  // add, delete or change a PC MTA (remote registry access)
};

// "nt-admin" or "exchange-admin". False if unknown.
bool parse_admin_role(std::string_view text, AdminRole& out);
std::string_view to_string(AdminRole role);

// Ok when `role` may do `task` under a build with `defects`; else InvalidArgument saying why.
// Every task of a PC MTA needs SC_MANAGE_ALL on the server, which only NT Administrators hold.
// The queues needed it as well while Q169669 was present (Exchange 5.0); the fixed extension
// lets any Exchange administrator delete and return queued messages.
Status authorize_connector_admin(const DefectSet& defects, AdminRole role, ConnectorAdminTask task);

}  // namespace msmi
