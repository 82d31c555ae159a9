#include "msmireport/junit_report.h"

#include <cstdint>
#include <map>

#include "text_columns.h"

namespace msmireport {
namespace {

// Decodes one UTF-8 sequence at text[i]; returns its length, or 0 for a malformed one (an
// overlong form, a surrogate, a truncated or stray byte).
std::size_t utf8_sequence(std::string_view text, std::size_t i, std::uint32_t* code_point) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  std::size_t length = 0;
  std::uint32_t cp = 0;
  if (lead < 0x80) {
    *code_point = lead;
    return 1;
  } else if ((lead & 0xE0) == 0xC0) {
    length = 2;
    cp = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    cp = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    cp = lead & 0x07;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  static constexpr std::uint32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kSmallest[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  *code_point = cp;
  return length;
}

// XML 1.0's Char production.
bool xml_char(std::uint32_t cp) {
  return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
         (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

std::string classname_of(const CiRun& run) {
  std::string name = run.scenario_name.empty() ? run.scenario_path : run.scenario_name;
  for (char& c : name) {
    if (c == '.') c = '_';
  }
  return name;
}

struct Counts {
  int tests = 0;
  int failures = 0;
  int errors = 0;
  int skipped = 0;
  double time_s = 0.0;
  void add(const CiRun& run) {
    ++tests;
    failures += run.verdict == CiVerdict::kFail ? 1 : 0;
    errors += run.verdict == CiVerdict::kError || run.verdict == CiVerdict::kInterrupted ? 1 : 0;
    skipped += run.verdict == CiVerdict::kNoExpectations ? 1 : 0;
    time_s += run.wall_s;
  }
  std::string attributes() const {
    return "tests=\"" + std::to_string(tests) + "\" failures=\"" + std::to_string(failures) +
           "\" errors=\"" + std::to_string(errors) + "\" skipped=\"" + std::to_string(skipped) +
           "\" time=\"" + fixed(time_s, 3) + "\"";
  }
};

void property(const std::string& name, const std::string& value, std::ostream& out) {
  out << "        <property name=\"" << xml_escape(name) << "\" value=\"" << xml_escape(value)
      << "\"/>\n";
}

void render_failure(const CiRun& run, std::ostream& out) {
  std::vector<std::string> lines;
  std::string type = "expectation";
  bool invariant_broken = false;
  for (const CiCheck& i : run.invariants) {
    if (i.passed) continue;
    lines.push_back("BROKEN invariant " + i.what + ": " + i.evidence);
    invariant_broken = true;
  }
  bool expectation_failed = false;
  for (const CiCheck& e : run.expectations) {
    if (e.passed) continue;
    lines.push_back("FAIL " + e.what + ": " + e.evidence);
    expectation_failed = true;
  }
  if (invariant_broken) type = expectation_failed ? "expectation,invariant" : "invariant";
  std::string message = lines.empty() ? "failed" : lines.front();
  if (lines.size() > 1) message += " (and " + std::to_string(lines.size() - 1) + " more)";
  message += "; replay: " + run.replay;  // a reporter that shows only the message still has it
  out << "      <failure message=\"" << xml_escape(message) << "\" type=\"" << type << "\">";
  for (const std::string& line : lines) out << xml_escape(line) << "\n";
  out << "replay: " << xml_escape(run.replay) << "</failure>\n";
}

void render_testcase(const CiRun& run, std::ostream& out) {
  const bool loaded = run.verdict != CiVerdict::kError;
  out << "    <testcase name=\"" << xml_escape(loaded ? run.profile : "load") << "\" classname=\""
      << xml_escape(classname_of(run)) << "\" time=\"" << fixed(run.wall_s, 3) << "\">\n";
  if (loaded) {
    out << "      <properties>\n";
    property("seed", std::to_string(run.seed), out);
    property("profile", run.profile, out);
    property("kb", run.kb, out);
    if (run.run_id) property("run_id", std::to_string(*run.run_id), out);
    property("events", std::to_string(run.events), out);
    property("verdict", to_string(run.verdict), out);
    out << "      </properties>\n";
  }
  switch (run.verdict) {
    case CiVerdict::kPass:
      break;
    case CiVerdict::kFail:
      render_failure(run, out);
      break;
    case CiVerdict::kNoExpectations:
      out << "      <skipped message=\""
          << xml_escape("no expectations for profile " + run.profile +
                        "; the invariants held, nothing else was tested")
          << "\"/>\n";
      break;
    case CiVerdict::kInterrupted:
      out << "      <error message=\""
          << xml_escape("interrupted at " + duration_text(run.virtual_duration_us) +
                        " of virtual time")
          << "\" type=\"interrupted\"/>\n";
      break;
    case CiVerdict::kError:
      out << "      <error message=\"" << xml_escape(run.error) << "\" type=\"load\">"
          << xml_escape(run.error) << "</error>\n";
      break;
  }
  if (!run.replay.empty()) {
    out << "      <system-out>replay: " << xml_escape(run.replay) << "</system-out>\n";
  }
  out << "    </testcase>\n";
}

}  // namespace

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    std::uint32_t cp = 0;
    const std::size_t length = utf8_sequence(text, i, &cp);
    if (length == 0) {  // not UTF-8: dropped, as the file must stay well-formed
      ++i;
      continue;
    }
    if (xml_char(cp)) {
      switch (cp) {
        case '&':
          out += "&amp;";
          break;
        case '<':
          out += "&lt;";
          break;
        case '>':
          out += "&gt;";
          break;  // so "]]>" never appears as it is
        case '"':
          out += "&quot;";
          break;
        case '\'':
          out += "&apos;";
          break;
        case '\t':
          out += "&#9;";
          break;
        case '\n':
          out += "&#10;";
          break;
        case '\r':
          out += "&#13;";
          break;
        default:
          out.append(text.substr(i, length));
      }
    }
    i += length;
  }
  return out;
}

void render_junit(const std::vector<CiRun>& runs, std::ostream& out) {
  // Suites in the order of their first run; each suite's runs in their order.
  std::vector<std::string> order;
  std::map<std::string, std::vector<const CiRun*>> suites;
  Counts all;
  for (const CiRun& run : runs) {
    auto [it, added] = suites.try_emplace(run.scenario_path);
    if (added) order.push_back(run.scenario_path);
    it->second.push_back(&run);
    all.add(run);
  }
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"msmisim run\" " << all.attributes() << ">\n";
  for (const std::string& path : order) {
    Counts counts;
    for (const CiRun* run : suites[path]) counts.add(*run);
    out << "  <testsuite name=\"" << xml_escape(path) << "\" " << counts.attributes() << ">\n";
    for (const CiRun* run : suites[path]) render_testcase(*run, out);
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
}

}  // namespace msmireport
