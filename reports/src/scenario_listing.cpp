#include "msmireport/scenario_listing.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "text_columns.h"

namespace msmireport {

namespace {

std::string expects_text(const ScenarioRow& r) {
  if (r.expects_all) return "all";
  if (r.expected.empty()) return "none";
  std::string out;
  for (const std::string& p : r.expected) {
    const std::string shown = p.starts_with("exchange-") ? p.substr(9) : p;
    out += (out.empty() ? "" : ",") + shown;
  }
  return out;
}

std::string last_text(const ScenarioRow& r) {
  if (r.last_run == 0) return "-";
  return (r.last_verdict.empty() ? "(unfinished)" : r.last_verdict) + " run " +
         std::to_string(r.last_run) + " " + r.last_profile;
}

// At most `limit` characters (UTF-8 sequences kept whole), "…" marking a cut.
std::string cut(const std::string& text, std::size_t limit) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (++chars == limit) return text.substr(0, i) + "…";
  }
  return text;
}

void render_json(const std::vector<ScenarioRow>& rows, std::ostream& out) {
  nlohmann::json array = nlohmann::json::array();
  for (const ScenarioRow& r : rows) {
    nlohmann::json row = {{"path", r.path}};
    if (!r.error.empty()) {
      row["error"] = r.error;
    } else {
      row.update({{"kb", r.kb},
                  {"name", r.name},
                  {"title", r.title},
                  {"profile", r.profile},
                  {"expects", r.expects_all ? nlohmann::json("all") : nlohmann::json(r.expected)}});
      if (r.last_run != 0) {
        row["last"] = {
            {"run_id", r.last_run}, {"profile", r.last_profile}, {"verdict", r.last_verdict}};
      }
    }
    array.push_back(std::move(row));
  }
  out << array.dump(2) << "\n";
}

void render_csv(const std::vector<ScenarioRow>& rows, std::ostream& out) {
  out << "path,kb,name,profile,expects,last_run,last_profile,last_verdict,error,title\n";
  for (const ScenarioRow& r : rows) {
    out << csv_field(r.path) << ',' << r.kb << ',' << csv_field(r.name) << ',' << r.profile << ','
        << csv_field(r.error.empty() ? expects_text(r) : "") << ','
        << (r.last_run == 0 ? "" : std::to_string(r.last_run)) << ',' << r.last_profile << ','
        << r.last_verdict << ',' << csv_field(r.error) << ',' << csv_field(r.title) << "\n";
  }
}

void render_table(const std::vector<ScenarioRow>& rows, std::ostream& out) {
  std::size_t width = 10;
  std::size_t expects = 9;
  std::size_t last = 6;
  for (const ScenarioRow& r : rows) {
    width = std::max(width, r.path.size() + 2);
    if (r.error.empty()) expects = std::max(expects, expects_text(r).size() + 2);
    if (r.error.empty()) last = std::max(last, last_text(r).size() + 2);
  }
  out << pad("SCENARIO", width) << pad("KB", 9) << pad("PROFILE", 18) << pad("EXPECTS", expects)
      << pad("LAST", last) << "TITLE\n";
  for (const ScenarioRow& r : rows) {
    if (!r.error.empty()) {
      out << pad(r.path, width) << "error: " << r.error << "\n";
      continue;
    }
    out << pad(r.path, width) << pad(r.kb.empty() ? "-" : r.kb, 9) << pad(r.profile, 18)
        << pad(expects_text(r), expects) << pad(last_text(r), last) << cut(r.title, 60) << "\n";
  }
}

}  // namespace

void render_scenarios(const std::vector<ScenarioRow>& rows, Format format, std::ostream& out) {
  switch (format) {
    case Format::kJson:
      render_json(rows, out);
      return;
    case Format::kCsv:
      render_csv(rows, out);
      return;
    case Format::kTable:
      render_table(rows, out);
      return;
  }
}

}  // namespace msmireport
