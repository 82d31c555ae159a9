#include "msmireport/sql_result.h"

#include <algorithm>
#include <cassert>
#include <nlohmann/json.hpp>
#include <sstream>

#include "text_columns.h"

namespace msmireport {
namespace {

using msmilog::SqlValue;

constexpr std::size_t kMaxTableWidth = 60;

std::string hex_of(const std::string& bytes) {
  constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    out += kHex[byte >> 4];
    out += kHex[byte & 0xf];
  }
  return out;
}

std::string real_text(double value) {
  std::ostringstream text;
  text.precision(15);
  text << value;
  return text.str();
}

// The text of a value in a table (null_text for NULL) or a CSV field ("" for NULL).
std::string value_text(const SqlValue& value, const std::string& null_text) {
  switch (value.kind) {
    case SqlValue::Kind::kNull:
      return null_text;
    case SqlValue::Kind::kInteger:
      return std::to_string(value.integer);
    case SqlValue::Kind::kReal:
      return real_text(value.real);
    case SqlValue::Kind::kText:
      return value.text;
    case SqlValue::Kind::kBlob:
      return "x'" + hex_of(value.text) + "'";
  }
  return null_text;
}

nlohmann::json value_json(const SqlValue& value) {
  switch (value.kind) {
    case SqlValue::Kind::kNull:
      return nullptr;
    case SqlValue::Kind::kInteger:
      return value.integer;
    case SqlValue::Kind::kReal:
      return value.real;
    case SqlValue::Kind::kText:
      return value.text;
    case SqlValue::Kind::kBlob:
      return hex_of(value.text);
  }
  return nullptr;
}

}  // namespace

void print_sql_result(std::ostream& out, Format format, const std::vector<std::string>& columns,
                      const std::vector<std::vector<SqlValue>>& rows) {
  switch (format) {
    case Format::kJson: {
      nlohmann::json array = nlohmann::json::array();
      for (const auto& row : rows) {
        assert(row.size() == columns.size());
        nlohmann::json object = nlohmann::json::object();
        for (std::size_t i = 0; i < columns.size(); ++i) object[columns[i]] = value_json(row[i]);
        array.push_back(std::move(object));
      }
      // Invalid UTF-8 in a TEXT value is replaced rather than throwing.
      out << array.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
      return;
    }
    case Format::kCsv: {
      for (std::size_t i = 0; i < columns.size(); ++i) {
        out << (i == 0 ? "" : ",") << csv_field(columns[i]);
      }
      out << "\n";
      for (const auto& row : rows) {
        for (std::size_t i = 0; i < row.size(); ++i) {
          out << (i == 0 ? "" : ",") << csv_field(value_text(row[i], ""));
        }
        out << "\n";
      }
      return;
    }
    case Format::kTable:
      break;
  }
  std::vector<std::vector<std::string>> cells;
  std::vector<std::size_t> widths;
  for (const std::string& name : columns) widths.push_back(name.size());
  for (const auto& row : rows) {
    std::vector<std::string> line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      std::string text = value_text(row[i], "NULL");
      std::replace(text.begin(), text.end(), '\n', ' ');
      text = truncate(text, kMaxTableWidth);
      widths[i] = std::max(widths[i], text.size());
      line.push_back(std::move(text));
    }
    cells.push_back(std::move(line));
  }
  auto print_line = [&](const std::vector<std::string>& line) {
    std::string text;
    for (std::size_t i = 0; i < line.size(); ++i) {
      text += i + 1 == line.size() ? line[i] : pad(line[i], widths[i] + 1);
    }
    out << text << "\n";
  };
  print_line(columns);
  for (const auto& line : cells) print_line(line);
  out << "(" << plural(static_cast<std::int64_t>(rows.size()), "row") << ")\n";
}

}  // namespace msmireport
