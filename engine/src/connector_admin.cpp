#include "msmi/connector_admin.h"

namespace msmi {

bool parse_admin_role(std::string_view text, AdminRole& out) {
  if (text == "nt-admin") {
    out = AdminRole::kNtAdministrator;
    return true;
  }
  if (text == "exchange-admin") {
    out = AdminRole::kExchangeAdministrator;
    return true;
  }
  return false;
}

std::string_view to_string(AdminRole role) {
  return role == AdminRole::kNtAdministrator ? "nt-admin" : "exchange-admin";
}

Status authorize_connector_admin(const DefectSet& defects, AdminRole role,
                                 ConnectorAdminTask task) {
  if (role == AdminRole::kNtAdministrator) return Status::Ok();
  // The extension opens the Service Control Manager with SC_MANAGE_ALL before it touches
  // anything of a PC MTA; the shipped 5.0 extension did so for the queues as well.
  const bool needs_scm =
      task == ConnectorAdminTask::kPcMtaConfiguration || defects.on(Defect::kQ169669);
  if (!needs_scm) return Status::Ok();
  return Status::InvalidArgument(
      "access denied: the SC_MANAGE_ALL right is required, and only members of the Windows NT "
      "Administrators group hold it");
}

}  // namespace msmi
