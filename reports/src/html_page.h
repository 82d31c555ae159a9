// The page around every HTML report: the <head> with its style sheet, and the closing footer
// with the few lines of script that filter a table. Shared by the run, comparison and sweep
// reports so they look alike and print alike.
#pragma once

#include <ostream>
#include <string>

namespace msmireport::html {

// "<!DOCTYPE html> … <body>": charset, viewport, generator (msmisim's version), the escaped
// `title`, the style sheet.
void write_page_start(std::ostream& out, const std::string& title);

// The footer, the filter script (a text box with id "event-filter" filters the rows of the
// table with id "event-table"; without script the box stays hidden and the table whole) and
// "</body></html>".
void write_page_end(std::ostream& out);

}  // namespace msmireport::html
