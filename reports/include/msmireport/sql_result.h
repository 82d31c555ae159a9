// Renders the result of an ad-hoc SQL statement (msmisim sql) as a table, CSV or JSON.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "msmilog/store_rows.h"
#include "msmireport/format.h"

namespace msmireport {

// Writes `rows` under the header `columns` to `out`. Table: aligned columns, NULL shown as
// "NULL", a BLOB as "x'…'" hex, long values cut to 60 characters, then "(N rows)". CSV: a header
// line, NULL as an empty field, a BLOB as hex. JSON: an array of objects keyed by column name
// (a repeated name keeps its last value), NULL as null, numbers as numbers, a BLOB as a hex
// string. REQUIRES: every row has columns.size() values.
void print_sql_result(std::ostream& out, Format format, const std::vector<std::string>& columns,
                      const std::vector<std::vector<msmilog::SqlValue>>& rows);

}  // namespace msmireport
