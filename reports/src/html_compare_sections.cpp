// The table sections of the HTML comparison report (see html_compare_sections.h).
#include "html_compare_sections.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>

#include "html_sections.h"
#include "html_text.h"
#include "msmilog/signature.h"

namespace msmireport::html_compare {
namespace {

using html::cell;
using html::number_cell;

constexpr std::size_t kMaxDescription = 160;

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

void header_row(std::ostream& out, const std::vector<std::string>& names) {
  out << "<thead><tr>";
  for (const std::string& n : names) {
    out << "<th>";
    write_escaped(out, n);
    out << "</th>";
  }
  out << "</tr></thead><tbody>\n";
}

// "A: run 1", "B: import 'x' (run 3)" for column headings.
std::string column(const char* letter, const RunReportData& d) {
  return std::string(letter) + ": " + run_name(d);
}

void signed_cell(std::ostream& out, std::int64_t value) {
  out << "<td class=\"num\">" << (value > 0 ? "+" : "") << value << "</td>";
}

}  // namespace

std::string run_name(const RunReportData& d) {
  if (d.is_import) {
    return "import '" + d.run.import_name + "' (run " + std::to_string(d.run.run_id) + ")";
  }
  return "run " + std::to_string(d.run.run_id);
}

}  // namespace msmireport::html_compare

namespace msmireport {

std::vector<EventIdCountDifference> event_id_count_differences(
    const RunReportData& a, const RunReportData& b, std::vector<EventIdCountDifference>* equal) {
  std::map<int, EventIdCountDifference> by_id;
  for (const EventIdActivity& e : b.events_by_id) {
    EventIdCountDifference& d = by_id[e.event_id];
    d.event_id = e.event_id;
    d.type = e.type;
    d.source = e.source;
    d.description = e.first_description;
    d.count_b = e.total;
  }
  for (const EventIdActivity& e : a.events_by_id) {
    EventIdCountDifference& d = by_id[e.event_id];
    d.event_id = e.event_id;
    d.type = e.type;
    d.source = e.source;
    d.description = e.first_description;
    d.count_a = e.total;
  }
  std::vector<EventIdCountDifference> differing;
  if (equal != nullptr) equal->clear();
  for (auto& [id, d] : by_id) {
    if (d.count_a != d.count_b) {
      differing.push_back(std::move(d));
    } else if (equal != nullptr) {
      equal->push_back(std::move(d));
    }
  }
  std::stable_sort(differing.begin(), differing.end(),
                   [](const EventIdCountDifference& x, const EventIdCountDifference& y) {
                     return std::llabs(x.difference()) > std::llabs(y.difference());
                   });
  return differing;
}

}  // namespace msmireport

namespace msmireport::html_compare {

void write_event_id_differences(std::ostream& out, const RunReportData& a, const RunReportData& b) {
  std::vector<EventIdCountDifference> equal;
  const std::vector<EventIdCountDifference> differing = event_id_count_differences(a, b, &equal);
  std::size_t only_a = 0;
  std::size_t only_b = 0;
  for (const EventIdCountDifference& d : differing) {
    only_a += d.count_b == 0;
    only_b += d.count_a == 0;
  }
  out << "<section id=\"event-id-differences\" data-differing=\"" << differing.size()
      << "\" data-equal=\"" << equal.size() << "\" data-only-a=\"" << only_a << "\" data-only-b=\""
      << only_b << "\">\n<h2>Event IDs whose counts differ</h2>\n";
  if (differing.empty()) {
    note(out, "Every event ID occurs as often in A as in B (" + std::to_string(equal.size()) +
                  " IDs, " + std::to_string(a.event_count) + " events each).");
  } else {
    note(out, std::to_string(differing.size()) + " event IDs occur a different number of times, " +
                  "the largest difference first; " + std::to_string(only_a) + " only in A, " +
                  std::to_string(only_b) + " only in B (highlighted). A has " +
                  std::to_string(a.event_count) + " events, B " + std::to_string(b.event_count) +
                  ".");
    out << "<table id=\"event-id-diff-table\">";
    header_row(out, {"ID", "type", "source", "A", "B", "B − A", "", "first event"});
    for (const EventIdCountDifference& d : differing) {
      const char* only = d.count_b == 0 ? "only-a" : d.count_a == 0 ? "only-b" : nullptr;
      out << "<tr class=\"";
      write_escaped(out, d.type);
      if (only != nullptr) out << " " << only << "\" style=\"" << kOnlyOneRunStyle;
      out << "\" data-event-id=\"" << d.event_id << "\" data-count-a=\"" << d.count_a
          << "\" data-count-b=\"" << d.count_b << "\" data-difference=\"" << d.difference()
          << "\">";
      number_cell(out, d.event_id);
      cell(out, d.type, "type");
      cell(out, d.source);
      number_cell(out, d.count_a);
      number_cell(out, d.count_b);
      signed_cell(out, d.difference());
      cell(out, d.count_b == 0 ? "only in A" : d.count_a == 0 ? "only in B" : "");
      cell(out, cut(d.description, kMaxDescription), "desc");
      out << "</tr>\n";
    }
    out << "</tbody></table>\n";
  }
  if (!equal.empty() && !differing.empty()) {
    out << "<details><summary>" << equal.size() << " event ID" << (equal.size() == 1 ? "" : "s")
        << " with the same count in both</summary>\n<table id=\"event-id-equal-table\">";
    header_row(out, {"ID", "type", "source", "A and B", "first event"});
    for (const EventIdCountDifference& d : equal) {
      out << "<tr class=\"";
      write_escaped(out, d.type);
      out << "\" data-event-id=\"" << d.event_id << "\" data-count=\"" << d.count_a << "\">";
      number_cell(out, d.event_id);
      cell(out, d.type, "type");
      cell(out, d.source);
      number_cell(out, d.count_a);
      cell(out, cut(d.description, kMaxDescription), "desc");
      out << "</tr>\n";
    }
    out << "</tbody></table>\n</details>\n";
  }
  out << "</section>\n";
}

namespace {

std::string kbs_of(const RunReportData& d) {
  std::string kbs;
  for (const msmilog::Diagnosis& x : d.diagnoses) kbs += (kbs.empty() ? "" : " ") + x.kb;
  return kbs;
}

const msmilog::Diagnosis* find_kb(const RunReportData& d, const std::string& kb) {
  for (const msmilog::Diagnosis& x : d.diagnoses) {
    if (x.kb == kb) return &x;
  }
  return nullptr;
}

void diagnosis_cell(std::ostream& out, const msmilog::Diagnosis* d) {
  if (d == nullptr) {
    out << "<td class=\"skipped\" data-matched=\"0\">not matched</td>";
    return;
  }
  out << "<td class=\"fail\" data-matched=\"1\">";
  write_escaped(out, std::string("matched (") + msmilog::confidence_name(d->confidence) + "), " +
                         std::to_string(d->count) + " events" +
                         (d->count > 0 ? ", first " + d->first_time : ""));
  out << "</td>";
}

}  // namespace

void write_diagnosis(std::ostream& out, const RunReportData& a, const RunReportData& b) {
  out << "<section id=\"diagnosis\" data-matches-a=\"" << a.diagnoses.size()
      << "\" data-matches-b=\"" << b.diagnoses.size() << "\" data-kbs-a=\"";
  write_escaped(out, kbs_of(a));
  out << "\" data-kbs-b=\"";
  write_escaped(out, kbs_of(b));
  out << "\">\n<h2>Diagnosis: known KB bugs matched</h2>\n";
  note(out, std::to_string(a.signatures) + " KB signatures evaluated over each run: A matches " +
                std::to_string(a.diagnoses.size()) + ", B matches " +
                std::to_string(b.diagnoses.size()) + ".");
  // A's matches in A's order, then those only B has in B's order.
  std::vector<const msmilog::Diagnosis*> rows;
  for (const msmilog::Diagnosis& d : a.diagnoses) rows.push_back(&d);
  for (const msmilog::Diagnosis& d : b.diagnoses) {
    if (find_kb(a, d.kb) == nullptr) rows.push_back(&d);
  }
  if (rows.empty()) {
    note(out, "Neither run matches a known KB bug.");
  } else {
    out << "<table id=\"diagnosis-table\">";
    header_row(out, {"KB", "title", column("A", a), column("B", b)});
    for (const msmilog::Diagnosis* d : rows) {
      const msmilog::Diagnosis* in_a = find_kb(a, d->kb);
      const msmilog::Diagnosis* in_b = find_kb(b, d->kb);
      out << "<tr data-kb=\"";
      write_escaped(out, d->kb);
      out << "\"";
      if (in_a == nullptr || in_b == nullptr) out << " style=\"" << kOnlyOneRunStyle << "\"";
      out << ">";
      cell(out, d->kb);
      cell(out, d->title, "wrap");
      diagnosis_cell(out, in_a);
      diagnosis_cell(out, in_b);
      out << "</tr>\n";
    }
    out << "</tbody></table>\n";
  }
  out << "</section>\n";
}

namespace {

void expectation_row(std::ostream& out, const char* letter, const RunReportData& d) {
  std::int64_t passed = 0;
  std::int64_t failed = 0;
  for (const msmilog::ExpectationRow& e : d.expectations) {
    passed += e.verdict == "pass";
    failed += e.verdict == "fail";
  }
  out << "<tr data-run=\"" << (letter[0] == 'A' ? 0 : 1) << "\" data-total=\"" << passed + failed
      << "\" data-passed=\"" << passed << "\" data-failed=\"" << failed << "\">";
  cell(out, column(letter, d));
  cell(out, d.is_import ? "" : d.run.profile);
  if (d.is_import) {
    cell(out, "an imported log expects nothing", "skipped");
  } else if (passed + failed == 0) {
    cell(out, "nothing expected of this profile: the run tested nothing", "skipped");
  } else {
    out << "<td class=\"" << (failed == 0 ? "pass" : "fail") << "\">" << passed << " of "
        << passed + failed << " held</td>";
  }
  out << "<td class=\"desc\">";
  bool first = true;
  for (const msmilog::ExpectationRow& e : d.expectations) {
    if (e.verdict != "fail") continue;
    if (!first) out << "\n";
    first = false;
    out << "<span class=\"fail\">FAIL</span> ";
    write_escaped(out, e.text + (e.evidence.empty() ? "" : ": " + cut(e.evidence, 300)));
  }
  out << "</td></tr>\n";
}

}  // namespace

void write_expectations(std::ostream& out, const RunReportData& a, const RunReportData& b) {
  out << "<section id=\"expectations\">\n<h2>Expectations</h2>\n"
      << "<table id=\"expectation-summary\">";
  header_row(out, {"run", "profile", "held", "failed expectations"});
  expectation_row(out, "A", a);
  expectation_row(out, "B", b);
  out << "</tbody></table>\n</section>\n";
}

void write_ledger(std::ostream& out, const RunReportData& a, const RunReportData& b) {
  out << "<section id=\"ledger\">\n<h2>Ledger: what happened to every message</h2>\n";
  if (a.ledger_tally.total() == 0 && b.ledger_tally.total() == 0) {
    note(out, "Neither run has a ledger (an imported log has none).");
    out << "</section>\n";
    return;
  }
  out << "<table id=\"ledger-compare\">";
  header_row(out, {"fate", column("A", a), column("B", b), "B − A"});
  struct Fate {
    const char* name;
    std::int64_t LedgerTally::*field;
  };
  static constexpr Fate kFates[] = {{"delivered", &LedgerTally::delivered},
                                    {"ndr", &LedgerTally::ndr},
                                    {"quarantined", &LedgerTally::quarantined},
                                    {"pending", &LedgerTally::pending},
                                    {"lost", &LedgerTally::lost},
                                    {"other", &LedgerTally::other}};
  for (const Fate& f : kFates) {
    const std::int64_t na = a.ledger_tally.*f.field;
    const std::int64_t nb = b.ledger_tally.*f.field;
    if (f.field == &LedgerTally::other && na == 0 && nb == 0) continue;
    out << "<tr data-fate=\"" << f.name << "\" data-a=\"" << na << "\" data-b=\"" << nb << "\">";
    cell(out, f.name, std::string(f.name) == "lost" && (na > 0 || nb > 0) ? "fail" : nullptr);
    number_cell(out, na);
    number_cell(out, nb);
    signed_cell(out, nb - na);
    out << "</tr>\n";
  }
  out << "<tr data-fate=\"messages\"><th>messages</th>";
  number_cell(out, a.ledger_tally.total());
  number_cell(out, b.ledger_tally.total());
  signed_cell(out, b.ledger_tally.total() - a.ledger_tally.total());
  out << "</tr>\n</tbody></table>\n</section>\n";
}

namespace {

const msmilog::InvariantRow* find_invariant(const RunReportData& d, const std::string& name) {
  for (const msmilog::InvariantRow& i : d.invariants) {
    if (i.name == name) return &i;
  }
  return nullptr;
}

void invariant_cell(std::ostream& out, const msmilog::InvariantRow* i) {
  if (i == nullptr) {
    out << "<td class=\"skipped\">not recorded</td>";
  } else if (i->passed) {
    out << "<td class=\"pass\">HELD</td>";
  } else {
    out << "<td class=\"fail desc\">BROKEN";
    if (!i->detail.empty()) {
      out << ": ";
      write_escaped(out, cut(i->detail, 300));
    }
    out << "</td>";
  }
}

std::int64_t broken_count(const RunReportData& d) {
  std::int64_t n = 0;
  for (const msmilog::InvariantRow& i : d.invariants) n += !i.passed;
  return n;
}

}  // namespace

void write_invariants(std::ostream& out, const RunReportData& a, const RunReportData& b) {
  out << "<section id=\"invariants\" data-broken-a=\"" << broken_count(a) << "\" data-broken-b=\""
      << broken_count(b) << "\">\n<h2>Invariants</h2>\n";
  std::vector<std::string> names;
  for (const RunReportData* d : {&a, &b}) {
    for (const msmilog::InvariantRow& i : d->invariants) {
      if (std::find(names.begin(), names.end(), i.name) == names.end()) names.push_back(i.name);
    }
  }
  if (names.empty()) {
    note(out, "Neither run recorded invariants.");
  } else {
    note(out, "A: " + std::to_string(a.invariants.size() - broken_count(a)) + " of " +
                  std::to_string(a.invariants.size()) +
                  " held; B: " + std::to_string(b.invariants.size() - broken_count(b)) + " of " +
                  std::to_string(b.invariants.size()) + " held.");
    out << "<table id=\"invariant-compare\">";
    header_row(out, {"invariant", column("A", a), column("B", b)});
    for (const std::string& name : names) {
      out << "<tr>";
      cell(out, name);
      invariant_cell(out, find_invariant(a, name));
      invariant_cell(out, find_invariant(b, name));
      out << "</tr>\n";
    }
    out << "</tbody></table>\n";
  }
  out << "</section>\n";
}

void write_full_reports(std::ostream& out, const RunReportData& a, const RunReportData& b,
                        const CompareReportOptions& options) {
  out << "<section id=\"full-reports\">\n<h2>Each run's own report</h2>\n";
  note(out,
       "This page holds no event table. Each run's report (expectations with their evidence, "
       "fault rules, services, the ledger rows and the events) is rendered by:");
  const auto command = [&](const char* letter, const RunReportData& d) {
    std::string c = "msmisim report --db " + shell_word(d.db_path);
    std::string file;
    if (d.is_import) {
      c += " --import " + shell_word(d.run.import_name);
      file = "import-" + d.run.import_name;
    } else {
      c += " --run " + std::to_string(d.run.run_id);
      file = "run-" + std::to_string(d.run.run_id);
    }
    for (char& ch : file) {
      if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_') ch = '_';
    }
    if (options.max_events != 2000) c += " --max-events " + std::to_string(options.max_events);
    c += " -o " + file + ".html";
    out << "<p>" << letter << ", ";
    write_escaped(out, run_name(d));
    out << ":</p>\n<pre id=\"report-command-" << (letter[0] == 'A' ? "a" : "b") << "\"><code>";
    write_escaped(out, c);
    out << "</code></pre>\n";
  };
  command("A", a);
  command("B", b);
  out << "</section>\n";
}

}  // namespace msmireport::html_compare
