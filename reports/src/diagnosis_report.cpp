#include "msmireport/diagnosis_report.h"

#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "text_columns.h"

namespace msmireport {
namespace {

constexpr std::size_t kWidth = 100;            // text report lines wrap here
constexpr std::size_t kLabelWidth = 12;        // "workaround" and a blank
constexpr std::size_t kDescriptionWidth = 90;  // evidence lines may pass kWidth

// One line of a description: line breaks and tabs become blanks.
std::string one_line(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const bool blank = c == '\r' || c == '\n' || c == '\t';
    if (blank && (out.empty() || out.back() == ' ')) continue;
    out.push_back(blank ? ' ' : c);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// "  label       text wrapped at kWidth, continued lines indented under the text".
void write_wrapped(std::ostream& out, const std::string& label, const std::string& text) {
  const std::string indent(2 + kLabelWidth, ' ');
  std::istringstream words(one_line(text));
  std::string word;
  std::string line = "  " + pad(label, kLabelWidth);
  bool line_has_word = false;
  while (words >> word) {
    if (line_has_word && line.size() + 1 + word.size() > kWidth) {
      out << line << "\n";
      line = indent;
      line_has_word = false;
    }
    if (line_has_word) line += ' ';
    line += word;
    line_has_word = true;
  }
  out << line << "\n";
}

std::string dump(const nlohmann::json& value) {
  return value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json row_json(const msmilog::EventRow& e) {
  return {{"run_id", e.run_id},
          {"seq", e.seq},
          {"time", e.time},
          {"time_us", e.time_us},
          {"computer", e.computer},
          {"source", e.source},
          {"event_id", e.event_id},
          {"type", e.type},
          {"category", e.category},
          {"level", e.level < 0 ? nlohmann::json() : nlohmann::json(e.level)},
          {"thread", e.thread < 0 ? nlohmann::json() : nlohmann::json(e.thread)},
          {"message_id", e.message_id.empty() ? nlohmann::json() : nlohmann::json(e.message_id)},
          {"description", e.description},
          {"strings", e.strings}};
}

}  // namespace

void render_diagnoses_text(const DiagnosisSubject& subject,
                           const std::vector<msmilog::Diagnosis>& diagnoses, std::ostream& out) {
  out << "Diagnosed " << subject.what << ": " << plural(subject.events, "event") << " against "
      << plural(subject.signatures, "KB signature") << ".\n";
  if (diagnoses.empty()) {
    out << "no known KB matches\n";
    return;
  }
  out << plural(static_cast<std::int64_t>(diagnoses.size()), "KB") << " matched.\n";
  for (const msmilog::Diagnosis& d : diagnoses) {
    out << "\n" << d.kb << "  " << d.title << "\n";
    if (!d.applies_to.empty()) write_wrapped(out, "applies to", d.applies_to);
    write_wrapped(out, "confidence", msmilog::confidence_name(d.confidence));
    std::string events = plural(d.count, "event");
    if (d.count > 0) events += ", first " + d.first_time + ", last " + d.last_time;
    write_wrapped(out, "events", events);
    for (const msmilog::ConditionEvidence& evidence : d.evidence) {
      if (evidence.rows.empty()) continue;
      out << "  " << (evidence.boost ? "also: " : "evidence: ") << evidence.condition << "\n";
      for (const msmilog::EventRow& row : evidence.rows) {
        const std::string thread = row.thread < 0 ? "" : "thr " + std::to_string(row.thread);
        out << "    " << pad(row.time, 25) << pad(std::to_string(row.event_id), 6) << pad(thread, 7)
            << truncate(one_line(row.description), kDescriptionWidth) << "\n";
      }
    }
    write_wrapped(out, "cause", d.cause);
    write_wrapped(out, "workaround", d.workaround);
    write_wrapped(out, "fix", d.fix);
  }
}

void render_diagnoses_json(const DiagnosisSubject& subject,
                           const std::vector<msmilog::Diagnosis>& diagnoses, std::ostream& out) {
  nlohmann::json matches = nlohmann::json::array();
  for (const msmilog::Diagnosis& d : diagnoses) {
    nlohmann::json evidence = nlohmann::json::array();
    for (const msmilog::ConditionEvidence& e : d.evidence) {
      nlohmann::json rows = nlohmann::json::array();
      for (const msmilog::EventRow& row : e.rows) rows.push_back(row_json(row));
      evidence.push_back({{"condition", e.condition}, {"boost", e.boost}, {"rows", rows}});
    }
    matches.push_back({{"kb", d.kb},
                       {"title", d.title},
                       {"applies_to", d.applies_to},
                       {"confidence", msmilog::confidence_name(d.confidence)},
                       {"count", d.count},
                       {"first_time", d.first_time},
                       {"last_time", d.last_time},
                       {"first_us", d.first_us},
                       {"last_us", d.last_us},
                       {"cause", d.cause},
                       {"workaround", d.workaround},
                       {"fix", d.fix},
                       {"evidence", evidence}});
  }
  const nlohmann::json doc = {{"subject",
                               {{"what", subject.what},
                                {"run_id", subject.run_id},
                                {"events", subject.events},
                                {"signatures", subject.signatures}}},
                              {"matches", matches}};
  out << dump(doc) << "\n";
}

}  // namespace msmireport
