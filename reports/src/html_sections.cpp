// The table sections of the HTML run report (see html_sections.h).
#include "html_sections.h"

#include <cstdio>

#include "html_text.h"
#include "msmilog/signature.h"
#include "msmilog/time_format.h"

namespace msmireport::html {
namespace {

constexpr std::size_t kMaxDescription = 300;

std::string cut(const std::string& text, std::size_t max) {
  if (text.size() <= max) return text;
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end) + "…";
}

void note(std::ostream& out, const std::string& text) {
  out << "<p class=\"note\">";
  write_escaped(out, text);
  out << "</p>\n";
}

void header_row(std::ostream& out, std::initializer_list<const char*> names) {
  out << "<thead><tr>";
  for (const char* n : names) out << "<th>" << n << "</th>";
  out << "</tr></thead><tbody>\n";
}

void write_verdict_cell(std::ostream& out, const std::string& verdict) {
  std::string upper = verdict;
  for (char& c : upper) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  cell(out, upper, verdict == "pass" ? "pass" : verdict == "fail" ? "fail" : "skipped");
}

}  // namespace

std::string table_time(const RunReportData& data, std::int64_t time_us) {
  if (data.absolute_time) return msmilog::format_iso8601_utc(time_us);
  const bool negative = time_us < 0;
  const std::int64_t us = negative ? -time_us : time_us;
  char text[48];
  std::snprintf(
      text, sizeof text, "%s%lld:%02lld:%02lld.%03lld", negative ? "-" : "",
      static_cast<long long>(us / 3'600'000'000LL), static_cast<long long>(us / 60'000'000LL % 60),
      static_cast<long long>(us / 1'000'000LL % 60), static_cast<long long>(us / 1000 % 1000));
  return text;
}

void cell(std::ostream& out, const std::string& text, const char* css_class) {
  out << "<td";
  if (css_class != nullptr) out << " class=\"" << css_class << "\"";
  out << ">";
  write_escaped(out, text);
  out << "</td>";
}

void number_cell(std::ostream& out, std::int64_t value) {
  out << "<td class=\"num\">" << value << "</td>";
}

void write_event_ids(std::ostream& out, const RunReportData& data) {
  if (data.events_by_id.empty()) return;
  out << "<h3>Event IDs and their first occurrence</h3>\n<table id=\"event-id-table\">";
  header_row(out, {"ID", "type", "source", "events", "first at", "thread", "first event"});
  for (const EventIdActivity& a : data.events_by_id) {
    out << "<tr class=\"";
    write_escaped(out, a.type);
    out << "\" data-event-id=\"" << a.event_id << "\" data-count=\"" << a.total << "\">";
    number_cell(out, a.event_id);
    cell(out, a.type, "type");
    cell(out, a.source);
    number_cell(out, a.total);
    cell(out, table_time(data, a.first_us));
    cell(out, a.first_thread < 0 ? "" : std::to_string(a.first_thread));
    cell(out, cut(a.first_description, kMaxDescription), "desc");
    out << "</tr>\n";
  }
  out << "</tbody></table>\n";
}

namespace {

void write_expectation_rows(std::ostream& out, const std::vector<msmilog::ExpectationRow>& rows,
                            bool checked) {
  out << "<table" << (checked ? " id=\"expectation-table\"" : "") << ">";
  header_row(out, {"#", "expectation", "profile", "verdict", "evidence"});
  for (const msmilog::ExpectationRow& e : rows) {
    if ((e.verdict != "skipped") != checked) continue;
    out << "<tr data-verdict=\"";
    write_escaped(out, e.verdict);
    out << "\">";
    number_cell(out, e.position + 1);
    cell(out, e.text, "wrap");
    cell(out, e.profile.empty() ? "all" : e.profile);
    write_verdict_cell(out, e.verdict);
    cell(out, e.evidence, "desc");
    out << "</tr>\n";
  }
  out << "</tbody></table>\n";
}

}  // namespace

void write_expectations(std::ostream& out, const RunReportData& data) {
  std::int64_t passed = 0;
  std::int64_t failed = 0;
  std::int64_t skipped = 0;
  for (const msmilog::ExpectationRow& e : data.expectations) {
    passed += e.verdict == "pass";
    failed += e.verdict == "fail";
    skipped += e.verdict == "skipped";
  }
  const std::int64_t checked = passed + failed;
  out << "<section id=\"expectations\" data-total=\"" << checked << "\" data-passed=\"" << passed
      << "\" data-failed=\"" << failed << "\" data-skipped=\"" << skipped << "\">\n"
      << "<h2>Expectations</h2>\n";
  if (checked == 0) {
    note(out, "The scenario expects nothing of profile " + data.run.profile +
                  ": the run tested nothing.");
  } else {
    note(out, std::to_string(passed) + " of " + std::to_string(checked) +
                  " expectations of profile " + data.run.profile + " held" +
                  (failed > 0 ? ", " + std::to_string(failed) + " failed." : "."));
    write_expectation_rows(out, data.expectations, /*checked=*/true);
  }
  if (skipped > 0) {
    // Closed on screen; a browser prints a closed <details> closed too, which is what a
    // reader of the printout wants: this run did not check them.
    out << "<details><summary>" << skipped
        << " expectations of other profiles, not checked by this run</summary>\n";
    write_expectation_rows(out, data.expectations, /*checked=*/false);
    out << "</details>\n";
  }
  out << "</section>\n";
}

void write_diagnosis(std::ostream& out, const RunReportData& data) {
  std::string kbs;
  for (const msmilog::Diagnosis& d : data.diagnoses) kbs += (kbs.empty() ? "" : " ") + d.kb;
  out << "<section id=\"diagnosis\" data-matches=\"" << data.diagnoses.size() << "\" data-kbs=\"";
  write_escaped(out, kbs);
  out << "\">\n<h2>Diagnosis: known KB bugs</h2>\n";
  note(out, std::to_string(data.signatures) + " KB signatures evaluated over " +
                std::to_string(data.event_count) + " events: " +
                (data.diagnoses.empty() ? std::string("no known KB matches.")
                                        : std::to_string(data.diagnoses.size()) + " matched."));
  for (const msmilog::Diagnosis& d : data.diagnoses) {
    out << "<article class=\"diagnosis\" data-kb=\"";
    write_escaped(out, d.kb);
    out << "\">\n<h3>";
    write_escaped(out, d.kb + " — " + d.title);
    out << "</h3>\n<table class=\"meta\">";
    const auto row = [&](const char* label, const std::string& text) {
      if (text.empty()) return;
      out << "<tr><th>" << label << "</th>";
      cell(out, text, "desc");
      out << "</tr>\n";
    };
    row("applies to", d.applies_to);
    row("confidence", msmilog::confidence_name(d.confidence));
    row("events", std::to_string(d.count) +
                      (d.count > 0 ? ", first " + d.first_time + ", last " + d.last_time : ""));
    row("cause", d.cause);
    row("workaround", d.workaround);
    row("fix", d.fix);
    out << "</table>\n";
    bool any = false;
    for (const msmilog::ConditionEvidence& e : d.evidence) any = any || !e.rows.empty();
    if (any) {
      out << "<table class=\"evidence\">";
      header_row(out, {"condition", "time", "ID", "thread", "description"});
      for (const msmilog::ConditionEvidence& e : d.evidence) {
        for (const msmilog::EventRow& r : e.rows) {
          out << "<tr>";
          cell(out, (e.boost ? "also: " : "") + e.condition);
          cell(out, r.time);
          number_cell(out, r.event_id);
          cell(out, r.thread < 0 ? "" : std::to_string(r.thread));
          cell(out, cut(r.description, kMaxDescription), "desc");
          out << "</tr>\n";
        }
      }
      out << "</tbody></table>\n";
    }
    out << "</article>\n";
  }
  out << "</section>\n";
}

void write_invariants(std::ostream& out, const RunReportData& data) {
  std::int64_t broken = 0;
  for (const msmilog::InvariantRow& i : data.invariants) broken += !i.passed;
  out << "<section id=\"invariants\" data-total=\"" << data.invariants.size() << "\" data-broken=\""
      << broken << "\">\n<h2>Invariants</h2>\n";
  if (data.invariants.empty()) {
    note(out, "No invariants were recorded for this run.");
  } else {
    note(out, broken == 0 ? "All " + std::to_string(data.invariants.size()) + " held."
                          : std::to_string(broken) + " broken.");
    out << "<table id=\"invariant-table\">";
    header_row(out, {"invariant", "verdict", "detail"});
    for (const msmilog::InvariantRow& i : data.invariants) {
      out << "<tr>";
      cell(out, i.name);
      cell(out, i.passed ? "HELD" : "BROKEN", i.passed ? "pass" : "fail");
      cell(out, i.detail, "desc");
      out << "</tr>\n";
    }
    out << "</tbody></table>\n";
  }
  out << "</section>\n";
}

void write_fault_rules(std::ostream& out, const RunReportData& data) {
  out << "<section id=\"fault-rules\" data-total=\"" << data.fault_rules.size() << "\">\n"
      << "<h2>Fault rules</h2>\n";
  if (data.fault_rules.empty()) {
    note(out, "No fault rules were armed.");
  } else {
    out << "<table id=\"fault-rule-table\">";
    header_row(out, {"#", "rule", "matched", "fired", ""});
    for (const msmilog::FaultRuleRow& r : data.fault_rules) {
      out << "<tr data-fired=\"" << r.fired << "\">";
      number_cell(out, r.position + 1);
      cell(out, r.rule, "wrap");
      number_cell(out, r.matches);
      number_cell(out, r.fired);
      cell(out, r.fired == 0 ? "never fired: it tested nothing" : "", "skipped");
      out << "</tr>\n";
    }
    out << "</tbody></table>\n";
  }
  out << "</section>\n";
}

void write_lifecycle(std::ostream& out, const RunReportData& data) {
  out << "<section id=\"lifecycle\">\n<h2>Services: stops, starts and crashes</h2>\n";
  if (data.lifecycle.empty()) {
    note(out, "No service stopped, started or crashed.");
  } else {
    out << "<table id=\"lifecycle-table\">";
    header_row(out, {"time", "what", "service", "detail"});
    for (const msmilog::LifecycleRow& r : data.lifecycle) {
      out << "<tr>";
      cell(out, table_time(data, r.time_us));
      cell(out, r.what, r.what == "crash" ? "fail" : nullptr);
      cell(out, r.service);
      cell(out, r.detail, "desc");
      out << "</tr>\n";
    }
    out << "</tbody></table>\n";
  }
  out << "</section>\n";
}

void write_ledger(std::ostream& out, const RunReportData& data) {
  const LedgerTally& t = data.ledger_tally;
  out << "<section id=\"ledger\">\n<h2>Ledger: what happened to every message</h2>\n"
      << "<table id=\"ledger-tally\" data-delivered=\"" << t.delivered << "\" data-ndr=\"" << t.ndr
      << "\" data-quarantined=\"" << t.quarantined << "\" data-pending=\"" << t.pending
      << "\" data-lost=\"" << t.lost << "\">";
  header_row(out, {"delivered", "ndr", "quarantined", "pending", "lost", "messages"});
  out << "<tr>";
  number_cell(out, t.delivered);
  number_cell(out, t.ndr);
  number_cell(out, t.quarantined);
  number_cell(out, t.pending);
  out << "<td class=\"num" << (t.lost > 0 ? " fail" : "") << "\">" << t.lost << "</td>";
  number_cell(out, t.total());
  out << "</tr>\n</tbody></table>\n";
  if (!data.ledger.empty()) {
    note(out, static_cast<std::int64_t>(data.ledger.size()) < t.total()
                  ? "The first " + std::to_string(data.ledger.size()) + " of " +
                        std::to_string(t.total()) + " messages, those not delivered first."
                  : "Every message, those not delivered first.");
    out << "<table id=\"ledger-table\">";
    header_row(out, {"message", "fate", "attempts", "sender", "recipients", "injected", "settled",
                     "detail"});
    for (const msmilog::LedgerRow& r : data.ledger) {
      out << "<tr>";
      cell(out, r.message_id, "wrap");
      cell(out, r.fate, r.fate == "lost" ? "fail" : nullptr);
      number_cell(out, r.attempts);
      cell(out, r.sender, "wrap");
      cell(out, r.recipients, "wrap");
      cell(out, table_time(data, r.injected_us));
      cell(out, r.settled_us < 0 ? "" : table_time(data, r.settled_us));
      cell(out, r.detail, "desc");
      out << "</tr>\n";
    }
    out << "</tbody></table>\n";
  }
  out << "</section>\n";
}

void write_imports(std::ostream& out, const RunReportData& data) {
  out << "<section id=\"imports\" data-files=\"" << data.imports.size() << "\">\n"
      << "<h2>Imported files</h2>\n";
  if (data.imports.empty()) {
    note(out, "The store names no imported files.");
  } else {
    out << "<table id=\"import-table\">";
    header_row(out, {"#", "file", "format", "bytes", "read", "imported", "skipped", "recovered",
                     "sha256", "notes"});
    for (const msmilog::ImportRow& r : data.imports) {
      out << "<tr>";
      number_cell(out, r.position + 1);
      cell(out, r.path, "wrap");
      cell(out, r.format);
      number_cell(out, r.size);
      number_cell(out, r.records_read);
      number_cell(out, r.imported);
      number_cell(out, r.skipped);
      number_cell(out, r.recovered);
      cell(out, r.sha256.substr(0, 16));
      cell(out, cut(r.notes, kMaxDescription), "desc");
      out << "</tr>\n";
    }
    out << "</tbody></table>\n";
  }
  out << "</section>\n";
}

}  // namespace msmireport::html
