#include "msmireport/event_listing.h"

#include <cassert>
#include <string>

#include <nlohmann/json.hpp>

#include "text_columns.h"

namespace msmireport {
namespace {

// The event's binary data as Event Viewer's "Bytes" view shows it, lower-case hex.
std::string hex_bytes(const std::string& bytes) {
  constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    out.push_back(kHex[static_cast<unsigned char>(c) >> 4]);
    out.push_back(kHex[static_cast<unsigned char>(c) & 0xF]);
  }
  return out;
}

// Texts are bytes as the log recorded them; invalid UTF-8 must not end the listing.
std::string dump(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

EventListing::EventListing(Format format, std::ostream& out) : format_(format), out_(out) {
  if (format_ == Format::kCsv) {
    out_ << "run_id,seq,time,time_us,computer,source,event_id,type,category,level,thread,"
            "message_id,description,strings,data\n";
  }
  if (format_ == Format::kJson) out_ << "[";
}

void EventListing::add(const msmilog::EventRow& e) {
  assert(!finished_);
  const std::string thread = e.thread < 0 ? "" : std::to_string(e.thread);
  switch (format_) {
    case Format::kTable:
      if (rows_ == 0) {
        out_ << pad("RUN", 5) << pad("TIME", 25) << pad("ID", 7) << pad("TYPE", 12) << pad("THR", 5)
             << pad("MESSAGE", 24) << "DESCRIPTION\n";
      }
      out_ << pad(std::to_string(e.run_id), 5) << pad(e.time, 25)
           << pad(std::to_string(e.event_id), 7) << pad(e.type, 12) << pad(thread, 5)
           << pad(e.message_id, 24) << e.description << "\n";
      break;
    case Format::kCsv:
      out_ << e.run_id << ',' << e.seq << ',' << e.time << ',' << e.time_us << ','
           << csv_field(e.computer) << ',' << csv_field(e.source) << ',' << e.event_id << ','
           << e.type << ',' << csv_field(e.category) << ',' << e.level << ',' << thread << ','
           << csv_field(e.message_id) << ',' << csv_field(e.description) << ','
           << csv_field(dump(nlohmann::json(e.strings))) << ',' << hex_bytes(e.data) << "\n";
      break;
    case Format::kJson: {
      const nlohmann::json row = {
          {"run_id", e.run_id},
          {"seq", e.seq},
          {"time", e.time},
          {"time_us", e.time_us},
          {"computer", e.computer},
          {"source", e.source},
          {"event_id", e.event_id},
          {"type", e.type},
          {"category", e.category},
          {"level", e.level},
          {"thread", e.thread < 0 ? nlohmann::json() : nlohmann::json(e.thread)},
          {"message_id", e.message_id.empty() ? nlohmann::json() : nlohmann::json(e.message_id)},
          {"description", e.description},
          {"strings", e.strings},
          {"data", e.data.empty() ? nlohmann::json() : nlohmann::json(hex_bytes(e.data))}};
      out_ << (rows_ == 0 ? "\n  " : ",\n  ") << dump(row);
      break;
    }
  }
  ++rows_;
}

void EventListing::finish(std::ostream* notes) {
  assert(!finished_);
  finished_ = true;
  if (format_ == Format::kJson) out_ << (rows_ == 0 ? "]\n" : "\n]\n");
  if (notes != nullptr && format_ == Format::kTable && rows_ == 0) {
    *notes << "(no events match)\n";
  }
}

void render_events(const std::vector<msmilog::EventRow>& rows, Format format, std::ostream& out,
                   std::ostream& notes) {
  EventListing listing(format, out);
  for (const msmilog::EventRow& row : rows) listing.add(row);
  listing.finish(&notes);
}

}  // namespace msmireport
