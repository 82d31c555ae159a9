#include "msmireport/run_listing.h"

#include <algorithm>
#include <string>

#include <nlohmann/json.hpp>

#include "text_columns.h"

namespace msmireport {

namespace {

nlohmann::json run_object(const msmilog::RunSummary& r) {
  return {{"run_id", r.run_id},
          {"scenario", r.scenario},
          {"scenario_sha256", r.scenario_sha256},
          {"seed", r.seed},
          {"profile", r.profile},
          {"defects", r.defects},
          {"started_at", r.started_at},
          {"finished_at", r.finished_at},
          {"verdict", r.verdict},
          {"event_count", r.event_count},
          {"virtual_duration_us", r.virtual_duration_us},
          {"command", r.command},
          {"kind", r.kind},
          {"kb", r.kb},
          {"import_name", r.import_name}};
}

void append_padded(std::string* line, const std::string& text, std::size_t width) {
  line->append(text);
  line->append(text.size() < width ? width - text.size() : 1, ' ');
}

}  // namespace

void render_runs(const std::vector<msmilog::RunSummary>& runs, Format format, std::ostream& out,
                 std::ostream& notes) {
  RunListingWriter writer(format, out, notes);
  for (const msmilog::RunSummary& run : runs) writer.add(run);
  writer.finish();
}

RunListingWriter::RunListingWriter(Format format, std::ostream& out, std::ostream& notes)
    : format_(format), out_(out), notes_(notes) {
  if (format_ == Format::kCsv) {
    out_ << "run_id,scenario,profile,seed,defects,verdict,event_count,started_at,command,kind,kb,"
            "import_name\n";
  }
}

void RunListingWriter::add(const msmilog::RunSummary& r) {
  ++rows_;
  switch (format_) {
    case Format::kJson:
      json_runs_.push_back(r);
      return;
    case Format::kCsv:
      out_ << r.run_id << ',' << csv_field(r.scenario) << ',' << r.profile << ',' << r.seed << ','
           << csv_field(r.defects) << ',' << r.verdict << ',' << r.event_count << ','
           << r.started_at << ',' << csv_field(r.command) << ',' << r.kind << ',' << r.kb << ','
           << csv_field(r.import_name) << "\n";
      return;
    case Format::kTable:
      break;
  }
  // What the SCENARIO column shows: an imported log is named by its import name, as --import
  // finds it; it has no profile or seed.
  const bool imported = r.kind == "import";
  append_padded(&table_, std::to_string(r.run_id), 5);
  TableRow row;
  row.cell_begin = table_.size();
  if (imported) {
    table_ += "import '";
    table_ += r.import_name;
    table_ += '\'';
  } else {
    table_ += r.scenario;
  }
  row.cell_end = table_.size();
  width_ = std::max(width_, row.cell_end - row.cell_begin + 2);
  append_padded(&table_, imported ? "-" : r.profile, 18);
  append_padded(&table_, imported ? "-" : std::to_string(r.seed), 21);
  append_padded(&table_, r.verdict.empty() ? "(unfinished)" : r.verdict, 16);
  append_padded(&table_, std::to_string(r.event_count), 9);
  table_ += r.started_at;
  table_ += '\n';
  row.line_end = table_.size();
  table_rows_.push_back(row);
}

void RunListingWriter::finish() {
  switch (format_) {
    case Format::kJson: {
      nlohmann::json array = nlohmann::json::array();
      for (const msmilog::RunSummary& run : json_runs_) array.push_back(run_object(run));
      out_ << array.dump(2) << "\n";
      return;
    }
    case Format::kCsv:
      return;
    case Format::kTable:
      break;
  }
  out_ << pad("RUN", 5) << pad("SCENARIO", width_) << pad("PROFILE", 18) << pad("SEED", 21)
       << pad("VERDICT", 16) << pad("EVENTS", 9) << "STARTED\n";
  const std::string blanks(width_, ' ');
  std::size_t begin = 0;
  for (const TableRow& row : table_rows_) {
    out_.write(table_.data() + begin, static_cast<std::streamsize>(row.cell_end - begin));
    out_.write(blanks.data(),
               static_cast<std::streamsize>(width_ - (row.cell_end - row.cell_begin)));
    out_.write(table_.data() + row.cell_end,
               static_cast<std::streamsize>(row.line_end - row.cell_end));
    begin = row.line_end;
  }
  if (rows_ == 0) notes_ << "(no runs recorded)\n";
}

}  // namespace msmireport
