// What `msmisim import` prints: one summary per file, with the reader's notes and the records
// skipped, so nothing an import leaves out goes unsaid.
#pragma once

#include <ostream>

#include "msmilog/log_import.h"

namespace msmireport {

// Writes to `out`, per file that was imported:
//   imported PATH (FORMAT, N bytes) into import 'NAME' (run R): read N, imported N, skipped N,
//   recovered N
//     line 12: skipped: <why>            (each malformed record skipped)
//     note: offset 4096: <note>          (each note of the reader)
// On a dry run (result.dry_run) the first line reads instead
//   would import PATH (FORMAT, N bytes) into import 'NAME' (dry run, nothing stored): read N, …
// and to `err`, per file that was not: "not imported: <the status message>". A last line on
// `out` totals the files and events when more than one file was given.
void render_import(const msmilog::ImportResult& result, std::ostream& out, std::ostream& err);

// The one-line summary of `file` (the first line above, without the leading "imported ").
std::string import_counts(const msmilog::FileImport& file);

}  // namespace msmireport
