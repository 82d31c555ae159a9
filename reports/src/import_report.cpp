#include "msmireport/import_report.h"

#include <string>

namespace msmireport {
namespace {

std::string where(const msmilog::ReadIssue& issue) {
  return (issue.is_line ? "line " : "offset ") + std::to_string(issue.position);
}

}  // namespace

std::string import_counts(const msmilog::FileImport& file) {
  return "read " + std::to_string(file.read) + ", imported " + std::to_string(file.imported) +
         ", skipped " + std::to_string(file.skipped) + ", recovered " +
         std::to_string(file.recovered);
}

void render_import(const msmilog::ImportResult& result, std::ostream& out, std::ostream& err) {
  std::int64_t files = 0;
  std::int64_t events = 0;
  for (const msmilog::FileImport& file : result.files) {
    if (!file.status.ok()) {
      err << "not imported: " << file.status.message() << "\n";
      continue;
    }
    ++files;
    events += file.imported;
    if (result.dry_run) {
      out << "would import " << file.path << " (" << file.format << ", " << file.size
          << " bytes) into import '" << result.name
          << "' (dry run, nothing stored): " << import_counts(file) << "\n";
    } else {
      out << "imported " << file.path << " (" << file.format << ", " << file.size
          << " bytes) into import '" << result.name << "' (run " << result.run_id
          << "): " << import_counts(file) << "\n";
    }
    for (const msmilog::ReadIssue& error : file.errors) {
      out << "  " << where(error) << ": skipped: " << error.message << "\n";
    }
    for (const msmilog::ReadIssue& note : file.notes) {
      out << "  note: " << where(note) << ": " << note.message << "\n";
    }
  }
  if (result.files.size() > 1) {
    out << files << " of " << result.files.size() << " files "
        << (result.dry_run ? "would be imported" : "imported") << ", " << events
        << " events, into import '" << result.name << "'";
    if (result.run_id != 0) out << " (run " << result.run_id << ")";
    if (result.dry_run) out << " (dry run, nothing stored)";
    out << "\n";
  }
}

}  // namespace msmireport
