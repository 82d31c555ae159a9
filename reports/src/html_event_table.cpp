// The event table of the HTML run report: the first events of the run, bounded, filterable in
// the page by the report's script.
#include "html_sections.h"
#include "html_text.h"

namespace msmireport::html {

void write_event_table(std::ostream& out, const RunReportData& data) {
  const auto shown = static_cast<std::int64_t>(data.events.size());
  out << "<section id=\"event-list\">\n<h2>Event table</h2>\n<p class=\"note\">";
  if (shown < data.event_count) {
    out << "The first " << shown << " of " << data.event_count << " events ("
        << data.event_count - shown << " more).";
  } else {
    out << "All " << data.event_count << " events.";
  }
  if (data.query_command.empty()) {
    out << " The run was not kept in an event store (--no-db): run it again with --db to "
           "query its events.</p>\n";
  } else {
    out << (shown < data.event_count ? " All of them: <code>" : " The same in a terminal: <code>");
    write_escaped(out, data.query_command);
    out << "</code></p>\n";
  }
  if (data.events.empty()) {
    out << "</section>\n";
    return;
  }
  out << "<input id=\"event-filter\" type=\"search\" placeholder=\"filter rows: ID, thread, "
         "text…\" aria-label=\"filter the event table\" hidden>\n"
      << "<table id=\"event-table\" data-rows=\"" << shown << "\" data-total=\"" << data.event_count
      << "\"><thead><tr><th>time</th><th>ID</th><th>type</th>"
      << "<th>category</th><th>thread</th><th>message</th><th>description</th></tr></thead>"
      << "<tbody>\n";
  for (const msmilog::EventRow& e : data.events) {
    out << "<tr class=\"";
    write_escaped(out, e.type);
    out << "\"><td title=\"";
    write_escaped(out, e.time);
    out << "\">";
    write_escaped(out, table_time(data, e.time_us));
    out << "</td>";
    number_cell(out, e.event_id);
    cell(out, e.type, "type");
    cell(out, e.category);
    cell(out, e.thread < 0 ? "" : std::to_string(e.thread));
    cell(out, e.message_id, "wrap");
    cell(out, e.description, "desc");
    out << "</tr>\n";
  }
  out << "</tbody></table>\n</section>\n";
}

}  // namespace msmireport::html
