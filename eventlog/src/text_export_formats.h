// The text formats of Event Viewer and NT 4.0 that msmisim reads and writes; their entries in
// log_formats() and log_export_formats(). Private to eventlog.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "msmilog/log_reader.h"
#include "msmilog/log_writer.h"

namespace msmilog {

// "csv": Event Viewer's CSV with a header line, columns found by name.
bool detect_event_viewer_csv(std::string_view head);
msmi::Status open_event_viewer_csv(const std::string& path, const ReaderOptions& options,
                                   std::unique_ptr<LogReader>* out);
// "nt-csv": NT 4.0/2000 "Save As → Comma Delimited Text", no header.
bool detect_nt_comma_export(std::string_view head);
msmi::Status open_nt_comma_export(const std::string& path, const ReaderOptions& options,
                                  std::unique_ptr<LogReader>* out);
// "nt-text": NT 4.0/2000 "Save As → Text File" (tab-delimited), no header.
bool detect_nt_text_export(std::string_view head);
msmi::Status open_nt_text_export(const std::string& path, const ReaderOptions& options,
                                 std::unique_ptr<LogReader>* out);

msmi::Status create_csv_writer(const std::string& path, const WriterOptions& options,
                               std::unique_ptr<LogWriter>* out);
msmi::Status create_nt_text_writer(const std::string& path, const WriterOptions& options,
                                   std::unique_ptr<LogWriter>* out);
msmi::Status create_jsonl_writer(const std::string& path, const WriterOptions& options,
                                 std::unique_ptr<LogWriter>* out);

}  // namespace msmilog
