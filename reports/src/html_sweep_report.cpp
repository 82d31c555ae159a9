// render_html_sweep_report: the sweep's header and tally, the per-seed verdict chart, the
// failures grouped by what broke, the fault-rule coverage and the table of runs.
#include "msmireport/html_sweep_report.h"

#include <algorithm>
#include <map>

#include "html_page.h"
#include "html_text.h"
#include "svg_axis.h"

namespace msmireport {
namespace {

constexpr double kWidth = 900.0;
constexpr std::size_t kMaxRunsListed = 20;  // per failure: the first runs that broke it

const char* verdict_colour(const std::string& verdict) {
  if (verdict == "pass") return "#2e7d32";
  if (verdict == "fail") return "#c62828";
  if (verdict == "no-expectations") return "#90a4ae";
  return "#f9a825";  // interrupted, or never closed
}

// The CSS class of a verdict: one of a fixed set, whatever the store holds.
const char* verdict_class(const std::string& verdict) {
  if (verdict == "pass") return "pass";
  if (verdict == "fail") return "fail";
  if (verdict == "no-expectations") return "no-expectations";
  if (verdict == "interrupted") return "interrupted";
  return "unfinished";
}

std::string verdict_text(const std::string& verdict) {
  return verdict.empty() ? "unfinished" : verdict;
}

// One row of cells per scenario, one cell per run in seed order, coloured by verdict.
void write_seed_chart(std::ostream& out, const SweepSummary& s) {
  std::vector<std::string> scenarios;
  std::map<std::string, std::vector<const SweepRunRow*>> by_scenario;
  for (const SweepRunRow& r : s.runs) {
    auto& runs = by_scenario[r.scenario];
    if (runs.empty()) scenarios.push_back(r.scenario);
    runs.push_back(&r);
  }
  std::size_t widest = 1;
  for (auto& [name, runs] : by_scenario) {
    std::stable_sort(runs.begin(), runs.end(),
                     [](const SweepRunRow* a, const SweepRunRow* b) { return a->seed < b->seed; });
    widest = std::max(widest, runs.size());
  }
  constexpr double kLabel = 24.0;  // the scenario's name sits above its cells
  constexpr double kGap = 1.0;
  const std::size_t per_line = std::min<std::size_t>(widest, 100);
  const double cell = std::clamp((kWidth - 20.0) / static_cast<double>(per_line) - kGap, 4.0, 18.0);
  double height = 30.0;
  for (const std::string& name : scenarios) {
    const std::size_t n = by_scenario[name].size();
    height += kLabel + static_cast<double>((n + per_line - 1) / per_line) * (cell + kGap) + 6.0;
  }
  write_svg_open(out, "seed-verdicts", "seed-chart", kWidth, height, scenarios.size(),
                 s.runs.size(), "Verdict of each run, by scenario and seed");
  double y = 30.0;
  for (const std::string& name : scenarios) {
    const auto& runs = by_scenario[name];
    out << "<g class=\"series\" data-name=\"";
    write_escaped(out, name);
    out << "\" data-points=\"" << runs.size() << "\">\n<text x=\"10\" y=\"" << coord(y + 14.0)
        << "\" font-size=\"12\">";
    write_escaped(out, name);
    out << "</text>\n";
    y += kLabel;
    for (std::size_t i = 0; i < runs.size(); ++i) {
      const SweepRunRow& r = *runs[i];
      const double x = 10.0 + static_cast<double>(i % per_line) * (cell + kGap);
      const double cy = y + static_cast<double>(i / per_line) * (cell + kGap);
      out << "<rect class=\"run " << verdict_class(r.verdict) << "\" x=\"" << coord(x) << "\" y=\""
          << coord(cy) << "\" width=\"" << coord(cell) << "\" height=\"" << coord(cell)
          << "\" fill=\"" << verdict_colour(r.verdict) << "\"><title>seed " << r.seed << ": ";
      write_escaped(out, verdict_text(r.verdict));
      out << " (run " << r.run_id << ", " << r.event_count << " events)</title></rect>\n";
    }
    y += static_cast<double>((runs.size() + per_line - 1) / per_line) * (cell + kGap) + 6.0;
    out << "</g>\n";
  }
  out << "</svg>\n";
}

// Horizontal bars: one per item, `value` of `total`, an optional second value drawn inside.
struct Bar {
  std::string label;
  std::string title;
  std::int64_t value = 0;
  std::int64_t inner = -1;  // drawn darker inside the bar (fired within armed); -1: none
  const char* colour = "#c62828";
};

void write_bar_chart(std::ostream& out, const char* id, const std::string& title,
                     const std::vector<Bar>& bars, std::int64_t total) {
  constexpr double kRow = 20.0;
  constexpr double kLabelWidth = 430.0;
  const double bar_width = kWidth - kLabelWidth - 90.0;
  const double height = 30.0 + kRow * static_cast<double>(std::max<std::size_t>(bars.size(), 1));
  std::size_t points = 0;
  for (const Bar& b : bars) points += b.value > 0 ? 1 : 0;
  write_svg_open(out, id, "bar-chart", kWidth, height, bars.size(), points, title);
  if (bars.empty()) {
    out << "<text x=\"10\" y=\"44\" font-size=\"12\" fill=\"#777\">none</text>\n";
  }
  const double scale = total > 0 ? bar_width / static_cast<double>(total) : 0.0;
  double y = 30.0;
  for (const Bar& b : bars) {
    std::string label = b.label;
    if (label.size() > 70) label = label.substr(0, 67) + "...";
    out << "<g class=\"series\" data-name=\"";
    write_escaped(out, b.label);
    out << "\" data-points=\"" << (b.value > 0 ? 1 : 0) << "\" data-value=\"" << b.value
        << "\"><title>";
    write_escaped(out, b.title);
    out << "</title>\n<text x=\"10\" y=\"" << coord(y + 14.0) << "\" font-size=\"11\">";
    write_escaped(out, label);
    out << "</text>\n<rect x=\"" << coord(kLabelWidth) << "\" y=\"" << coord(y + 3.0)
        << "\" width=\"" << coord(bar_width) << "\" height=\"14\" fill=\"#eee\"/>\n";
    out << "<rect x=\"" << coord(kLabelWidth) << "\" y=\"" << coord(y + 3.0) << "\" width=\""
        << coord(scale * static_cast<double>(b.value)) << "\" height=\"14\" fill=\"" << b.colour
        << "\" fill-opacity=\"" << (b.inner >= 0 ? "0.35" : "1") << "\"/>\n";
    if (b.inner >= 0) {
      out << "<rect x=\"" << coord(kLabelWidth) << "\" y=\"" << coord(y + 3.0) << "\" width=\""
          << coord(scale * static_cast<double>(b.inner)) << "\" height=\"14\" fill=\"" << b.colour
          << "\"/>\n";
    }
    out << "<text x=\"" << coord(kLabelWidth + bar_width + 6.0) << "\" y=\"" << coord(y + 14.0)
        << "\" font-size=\"11\">"
        << (b.inner >= 0 ? std::to_string(b.inner) + " / " : std::string()) << b.value
        << "</text>\n</g>\n";
    y += kRow;
  }
  out << "</svg>\n";
}

void write_header(std::ostream& out, const SweepSummary& s, const std::string& db_path) {
  out << "<header>\n<h1>";
  if (s.sweeps.size() == 1) {
    out << "Sweep " << s.sweeps[0].sweep_id;
  } else {
    out << "Sweeps";
    for (const msmilog::SweepRecord& w : s.sweeps) out << " " << w.sweep_id;
  }
  out << "</h1>\n<p class=\"note\">msmisim sweep report of ";
  write_escaped(out, db_path);
  out << "</p>\n";
  for (const msmilog::SweepRecord& w : s.sweeps) {
    out << "<table class=\"meta\" data-sweep-id=\"" << w.sweep_id << "\">\n";
    const auto row = [&](const char* label, const std::string& value) {
      out << "<tr><th>" << label << "</th><td>";
      write_escaped(out, value);
      out << "</td></tr>\n";
    };
    std::string scenarios = w.scenarios;
    while (!scenarios.empty() && scenarios.back() == '\n') scenarios.pop_back();
    std::replace(scenarios.begin(), scenarios.end(), '\n', ' ');
    row("sweep", std::to_string(w.sweep_id) + (w.shard.empty() ? "" : ", shard " + w.shard));
    row("scenarios", scenarios);
    row("seeds", w.seeds + (w.swarm ? " (swarm: each seed its own variant)" : ""));
    row("profile", w.profile.empty() ? "each scenario's own" : w.profile);
    out << "<tr><th>verdict</th><td><span class=\"badge " << verdict_class(w.verdict) << "\">";
    write_escaped(out, w.verdict.empty() ? "unfinished" : w.verdict);
    out << "</span></td></tr>\n";
    row("runs", std::to_string(w.runs) + " of " + std::to_string(w.planned) + " planned");
    row("recorded", w.started_at + (w.finished_at.empty() ? "" : " to " + w.finished_at));
    row("msmisim version", w.msmisim_version);
    out << "</table>\n<pre><code>";
    write_escaped(out, w.command);
    out << "</code></pre>\n";
  }
  out << "</header>\n";
}

void write_tally(std::ostream& out, const SweepSummary& s) {
  out << "<section id=\"tally\">\n<h2>Runs</h2>\n<table id=\"sweep-tally\" data-runs=\""
      << s.runs.size() << "\" data-failed=\"" << s.failed << "\">\n<tr><th>planned</th>"
      << "<th>ran</th><th>passed</th><th>failed</th><th>no expectations</th><th>interrupted "
      << "or not run</th></tr>\n<tr>";
  for (std::int64_t v : {s.planned, static_cast<std::int64_t>(s.runs.size()), s.passed, s.failed,
                         s.no_expectations, s.interrupted}) {
    out << "<td class=\"num\">" << v << "</td>";
  }
  out << "</tr>\n</table>\n<p class=\"note\">Each cell is one run: green passed, red failed, "
      << "grey held its invariants with nothing else expected, amber interrupted.</p>\n";
  write_seed_chart(out, s);
  out << "</section>\n";
}

void write_failures(std::ostream& out, const SweepSummary& s) {
  out << "<section id=\"failures\">\n<h2>What broke</h2>\n";
  std::vector<Bar> bars;
  for (const SweepFailureGroup& f : s.failures) {
    Bar b;
    b.label = (f.kind == "invariant" ? "invariant: " : "expectation: ") + f.what;
    b.title = f.scenario + ": " + b.label + " — broken in " + std::to_string(f.run_ids.size()) +
              " run(s)";
    b.value = static_cast<std::int64_t>(f.run_ids.size());
    bars.push_back(std::move(b));
  }
  write_bar_chart(out, "failures", "Runs that broke each expectation or invariant", bars,
                  static_cast<std::int64_t>(s.runs.size()));
  if (s.failures.empty()) {
    out << "<p>No run broke an expectation or an invariant.</p>\n</section>\n";
    return;
  }
  std::map<std::int64_t, const SweepRunRow*> runs;
  for (const SweepRunRow& r : s.runs) runs[r.run_id] = &r;
  for (const SweepFailureGroup& f : s.failures) {
    out << "<article class=\"failure\">\n<h3>";
    write_escaped(out, (f.kind == "invariant" ? "BROKEN invariant " : "FAIL ") + f.what);
    out << "</h3>\n<p>";
    write_escaped(out, f.scenario);
    out << ": " << f.run_ids.size() << " run(s). First evidence: ";
    write_escaped(out, f.first_detail.empty() ? "(none recorded)" : f.first_detail);
    out << "</p>\n<p>Seeds:";
    for (std::size_t i = 0; i < f.run_ids.size() && i < kMaxRunsListed; ++i) {
      const auto it = runs.find(f.run_ids[i]);
      if (it != runs.end()) out << " " << it->second->seed;
    }
    if (f.run_ids.size() > kMaxRunsListed) {
      out << " … and " << f.run_ids.size() - kMaxRunsListed << " more";
    }
    out << "</p>\n";
    const auto first = runs.find(f.run_ids.front());
    if (first != runs.end()) {
      out << "<p>Replay the first:</p>\n<pre><code>";
      write_escaped(out, first->second->command);
      out << "</code></pre>\n";
    }
    out << "</article>\n";
  }
  out << "</section>\n";
}

void write_coverage(std::ostream& out, const SweepSummary& s) {
  out << "<section id=\"coverage\">\n<h2>Fault-rule coverage</h2>\n";
  if (s.coverage.empty()) {
    out << "<p>The sweep's scenarios arm no fault rules.</p>\n</section>\n";
    return;
  }
  std::vector<Bar> bars;
  for (const FaultRuleCoverage& c : s.coverage) {
    Bar b;
    b.label = c.rule;
    b.title = c.scenario + ": " + c.rule + " — armed in " + std::to_string(c.armed_runs) +
              " run(s), fired in " + std::to_string(c.fired_runs);
    b.value = c.armed_runs;
    b.inner = c.fired_runs;
    b.colour = c.fired_runs > 0 ? "#1565c0" : "#9e9e9e";
    bars.push_back(std::move(b));
  }
  write_bar_chart(out, "rule-coverage", "Runs that armed each rule (light) and it fired in (dark)",
                  bars, static_cast<std::int64_t>(s.runs.size()));
  out << "<table id=\"coverage-table\">\n<thead><tr><th>scenario</th><th>rule</th><th>armed "
      << "in runs</th><th>fired in runs</th><th>matches</th><th>fired</th></tr></thead>\n<tbody>\n";
  for (const FaultRuleCoverage& c : s.coverage) {
    out << "<tr" << (c.fired_runs == 0 ? " class=\"never\"" : "") << "><td>";
    write_escaped(out, c.scenario);
    out << "</td><td class=\"wrap\"><code>";
    write_escaped(out, c.rule);
    out << "</code>" << (c.fired_runs == 0 ? " <span class=\"fail\">never fired</span>" : "")
        << "</td>";
    for (std::int64_t v : {c.armed_runs, c.fired_runs, c.matches, c.fired}) {
      out << "<td class=\"num\">" << v << "</td>";
    }
    out << "</tr>\n";
  }
  out << "</tbody>\n</table>\n</section>\n";
}

void write_runs(std::ostream& out, const SweepSummary& s) {
  out << "<section id=\"runs\">\n<h2>Every run</h2>\n<input id=\"event-filter\" type=\"search\" "
      << "placeholder=\"filter rows\" hidden>\n<table id=\"event-table\">\n<thead><tr><th>run</th>"
      << "<th>scenario</th><th>seed</th><th>profile</th><th>verdict</th><th>events</th>"
      << "<th>replay</th></tr></thead>\n<tbody>\n";
  for (const SweepRunRow& r : s.runs) {
    out << "<tr><td class=\"num\">" << r.run_id << "</td><td>";
    write_escaped(out, r.scenario);
    out << "</td><td class=\"num\">" << r.seed << "</td><td>";
    write_escaped(out, r.profile);
    out << "</td><td class=\"" << (r.verdict == "fail" ? "fail" : "") << "\">";
    write_escaped(out, verdict_text(r.verdict));
    out << "</td><td class=\"num\">" << r.event_count << "</td><td class=\"wrap\"><code>";
    write_escaped(out, r.command);
    out << "</code></td></tr>\n";
  }
  out << "</tbody>\n</table>\n</section>\n";
}

}  // namespace

void render_html_sweep_report(const SweepSummary& summary, const std::string& db_path,
                              std::ostream& out) {
  std::string title = "msmisim sweep";
  for (const msmilog::SweepRecord& w : summary.sweeps) title += " " + std::to_string(w.sweep_id);
  html::write_page_start(out, title);
  write_header(out, summary, db_path);
  out << "<nav><a href=\"#tally\">runs</a><a href=\"#failures\">what broke</a>"
      << "<a href=\"#coverage\">fault rules</a><a href=\"#runs\">every run</a></nav>\n<main>\n";
  write_tally(out, summary);
  write_failures(out, summary);
  write_coverage(out, summary);
  write_runs(out, summary);
  out << "</main>\n";
  html::write_page_end(out);
}

}  // namespace msmireport
