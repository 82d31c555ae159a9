// The export pipeline (see log_export.h).
#include "msmilog/log_export.h"

#include <algorithm>
#include <cassert>
#include <cctype>
#include <map>
#include <memory>

#include "msmi/event.h"

namespace msmilog {
namespace {

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// The category number msmisim gives a simulated event: its Category's position + 1, 0 for
// "None" and for a text that names no Category.
std::uint16_t category_number_of(std::string_view text) {
  for (int i = 0; i < msmi::kEventCategoryCount; ++i) {
    const auto category = static_cast<msmi::Category>(i);
    if (category == msmi::Category::kNone) continue;
    if (equal_ignoring_case(msmi::to_string(category), text)) {
      return static_cast<std::uint16_t>(i + 1);
    }
  }
  return 0;
}

}  // namespace

LogRecord log_record_from_event(const EventRow& row, std::int64_t epoch_us) {
  LogRecord record;
  record.record_number =
      static_cast<std::uint32_t>(row.record_number >= 0 ? row.record_number : row.seq);
  if (!parse_nt_event_type(row.type, &record.type)) record.type = NtEventType::kInformation;
  record.event_identifier = row.event_identifier >= 0
                                ? static_cast<std::uint32_t>(row.event_identifier)
                                : make_event_identifier(row.event_id, record.type);
  record.identifier_complete = true;
  record.category = static_cast<std::uint16_t>(
      row.category_number >= 0 ? row.category_number : category_number_of(row.category));
  record.category_name = row.category;
  record.created_us = epoch_us + row.time_us;
  record.written_us = row.written_us >= 0 ? row.written_us : record.created_us;
  record.source = row.source;
  record.computer = row.computer;
  record.user = row.user;
  record.strings = row.strings;
  record.data = row.data;
  record.description = row.description;
  return record;
}

const LogExportFormat* find_export_format(const std::vector<LogExportFormat>& formats,
                                          std::string_view name) {
  for (const LogExportFormat& format : formats) {
    if (equal_ignoring_case(format.name, name)) return &format;
  }
  return nullptr;
}

std::string export_format_names(const std::vector<LogExportFormat>& formats) {
  std::string names;
  for (const LogExportFormat& format : formats) {
    names += (names.empty() ? "" : ", ") + std::string(format.name);
  }
  return names;
}

msmi::Status export_events(const EventStore& store, const EventFilter& filter,
                           const LogExportFormat& format, const std::string& path,
                           const WriterOptions& options, std::int64_t* exported) {
  assert(exported != nullptr);
  ExportSummary summary;
  const msmi::Status s = export_events(store, filter, format, path, options, &summary);
  *exported = summary.exported;
  return s;
}

msmi::Status export_events(const EventStore& store, const EventFilter& filter,
                           const LogExportFormat& format, const std::string& path,
                           const WriterOptions& options, ExportSummary* summary) {
  assert(summary != nullptr);
  *summary = ExportSummary();
  std::int64_t* exported = &summary->exported;
  // Each run's time origin, read first: query_events() must not call back into the store.
  std::vector<RunSummary> runs;
  msmi::Status s = store.list_runs(&runs);
  if (!s.ok()) return s;
  std::map<std::int64_t, std::int64_t> epoch_of;
  for (const RunSummary& run : runs) epoch_of[run.run_id] = run.epoch_us;

  std::unique_ptr<LogWriter> writer;
  s = format.create(path, options, &writer);
  if (!s.ok()) return s;
  if (writer == nullptr) {
    return msmi::Status::IoError(path + ": the " + std::string(format.name) +
                                 " writer created nothing");
  }
  msmi::Status write_status;
  s = store.query_events(filter, [&](const EventRow& row) {
    const auto epoch = epoch_of.find(row.run_id);
    LogRecord record = log_record_from_event(row, epoch == epoch_of.end() ? 0 : epoch->second);
    if (!record.user.empty() && !writer->holds_user(record.user)) {
      ++summary->users_dropped;
      auto& dropped = summary->dropped_users;
      if (dropped.size() < ExportSummary::kMaxDroppedUsers &&
          std::find(dropped.begin(), dropped.end(), record.user) == dropped.end()) {
        dropped.push_back(record.user);
      }
      record.user.clear();
    }
    write_status = writer->write(record);
    if (write_status.is_invalid_argument()) {
      write_status = msmi::Status::InvalidArgument(
          "event " + std::to_string(row.id) + " (run " + std::to_string(row.run_id) + ", seq " +
          std::to_string(row.seq) + "): " + write_status.message());
    }
    if (!write_status.ok()) return false;
    ++*exported;
    return true;
  });
  if (!write_status.ok()) return write_status;
  if (!s.ok()) return s;
  return writer->finish();
}

}  // namespace msmilog
