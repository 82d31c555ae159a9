#include "msmireport/markdown_report.h"

#include <algorithm>

#include "text_columns.h"

namespace msmireport {
namespace {

// Line breaks, tabs and other control characters as one space each: a cell is one line.
std::string one_line(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    out += u < 0x20 || u == 0x7F ? ' ' : c;
  }
  return out;
}

std::size_t longest_backtick_run(std::string_view text) {
  std::size_t longest = 0;
  std::size_t run = 0;
  for (char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  return longest;
}

const char* verdict_cell(CiVerdict verdict) {
  switch (verdict) {
    case CiVerdict::kPass:
      return "✅ PASS";
    case CiVerdict::kFail:
      return "❌ FAIL";
    case CiVerdict::kNoExpectations:
      return "⚪ SKIP";
    case CiVerdict::kInterrupted:
      return "⏹️ STOP";
    case CiVerdict::kError:
      return "❌ ERROR";
  }
  return "";
}

std::string expectations_cell(const CiRun& run) {
  switch (run.verdict) {
    case CiVerdict::kNoExpectations:
      return "none";
    case CiVerdict::kError:
      return "did not load";
    default:
      return std::to_string(expectations_held(run)) + "/" + std::to_string(run.expectations.size());
  }
}

std::string events_cell(const CiRun& run) {
  if (run.verdict == CiVerdict::kError) return "";
  std::string out;
  for (const CiEventCount& e : run.event_counts) {
    out += (out.empty() ? "" : ", ") + std::to_string(e.id) + "×" + std::to_string(e.count);
  }
  return out.empty() ? plural(run.events, "event") : out;
}

std::string ledger_cell(const CiRun& run) {
  if (run.verdict == CiVerdict::kError) return "";
  const CiLedger& l = run.ledger;
  return std::to_string(l.delivered) + "/" + std::to_string(l.ndr) + "/" +
         std::to_string(l.quarantined) + "/" + std::to_string(l.pending) + "/" +
         std::to_string(l.lost);
}

// A fenced block holding `text` as it is, but for control characters other than line breaks
// and tabs (as spaces): the fence is longer than any run of backticks in it.
void fenced(std::string text, std::ostream& out) {
  for (char& c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\n' && c != '\t') || u == 0x7F) c = ' ';
  }
  const std::string fence(std::max<std::size_t>(3, longest_backtick_run(text) + 1), '`');
  out << fence << "\n" << text;
  if (!text.empty() && text.back() != '\n') out << "\n";
  out << fence << "\n";
}

// `text` as a code span in running text (outside a table, where a pipe needs no escape).
std::string code_span(std::string_view text) {
  const std::string body = one_line(text);
  if (body.empty()) return "";
  const std::string fence(longest_backtick_run(body) + 1, '`');
  const bool pad = body.front() == '`' || body.back() == '`' || fence.size() > 1;
  return fence + (pad ? " " : "") + body + (pad ? " " : "") + fence;
}

}  // namespace

std::string markdown_cell(std::string_view text) {
  std::string out;
  for (char c : one_line(text)) {
    if (std::string_view("\\`*_[]<>|#~!&").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

std::string markdown_code_cell(std::string_view text) {
  std::string body;
  for (char c : one_line(text)) {
    // GitHub splits table rows at a pipe even inside a code span, unless it is escaped; it
    // drops the backslash there.
    if (c == '|') body += '\\';
    body += c;
  }
  if (body.empty()) return "";
  const std::string fence(longest_backtick_run(body) + 1, '`');
  const bool pad = body.front() == '`' || body.back() == '`' || fence.size() > 1;
  return fence + (pad ? " " : "") + body + (pad ? " " : "") + fence;
}

void render_markdown_summary(const std::vector<CiRun>& runs, const CiTally& tally,
                             std::ostream& out) {
  const CiOutcome outcome = ci_outcome(tally);
  const char* mark = outcome == CiOutcome::kPass   ? "✅"
                     : outcome == CiOutcome::kFail ? "❌"
                                                   : "⚠️";
  out << "## " << mark << " " << markdown_cell(ci_headline(tally)) << "\n\n";
  // What the heading leaves out: the whole count, the time, where the runs were recorded.
  out << plural(tally.runs, "run") << " in " << fixed(tally.wall_s, 2) << " s: " << tally.passed
      << " passed, " << tally.failed - tally.errors << " failed, " << tally.errors
      << " failed to load, " << tally.no_expectations << " with no expectations";
  if (tally.interrupted > 0) out << ", " << tally.interrupted << " interrupted";
  if (tally.runs < tally.planned) out << " (stopped early: " << tally.planned << " planned)";
  if (!tally.db_path.empty()) out << "; recorded in " << code_span(tally.db_path);
  out << "\n\n";
  if (runs.empty()) return;
  out << "| | Scenario | KB | Profile | Expectations | Key events | "
         "Ledger (delivered/ndr/quarantined/pending/lost) | Replay |\n";
  out << "|---|---|---|---|---|---|---|---|\n";
  for (const CiRun& run : runs) {
    out << "| " << verdict_cell(run.verdict) << " | " << markdown_cell(run.scenario_path) << " | "
        << markdown_cell(run.kb) << " | " << markdown_cell(run.profile) << " | "
        << expectations_cell(run) << " | " << markdown_cell(events_cell(run)) << " | "
        << ledger_cell(run) << " | " << markdown_code_cell(run.replay) << " |\n";
  }
  bool heading = false;
  for (const CiRun& run : runs) {
    if (run.verdict != CiVerdict::kFail && run.verdict != CiVerdict::kError) continue;
    if (!heading) out << "\n### Failures\n";
    heading = true;
    out << "\n#### " << verdict_cell(run.verdict) << " " << markdown_cell(run.scenario_path);
    if (!run.profile.empty()) out << " (" << markdown_cell(run.profile) << ")";
    out << "\n\n";
    std::string text;
    if (run.verdict == CiVerdict::kError) text += run.error + "\n";
    for (const CiCheck& i : run.invariants) {
      if (!i.passed) text += "BROKEN invariant " + i.what + ": " + i.evidence + "\n";
    }
    for (const CiCheck& e : run.expectations) {
      if (!e.passed) text += "FAIL " + e.what + ": " + e.evidence + "\n";
    }
    if (!run.replay.empty()) text += "replay: " + run.replay + "\n";
    fenced(text, out);
  }
}

}  // namespace msmireport
