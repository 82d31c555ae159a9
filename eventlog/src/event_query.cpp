// EventStore's queries over the `events` table. Filters become a WHERE clause of fixed fragments
// with `?` placeholders; user text only ever reaches SQLite as a bound parameter.

#include <memory>
#include <variant>

#include "json_strings.h"
#include "msmi/event.h"
#include "msmilog/event_store.h"
#include "msmilog/time_format.h"
#include "sqlite_handle.h"

namespace msmilog {
namespace {

using Parameter = std::variant<std::int64_t, std::string>;

struct WhereClause {
  std::string sql;  // "" or " WHERE a = ? AND b = ?"
  std::vector<Parameter> parameters;

  void add(std::string_view condition) {
    sql += sql.empty() ? " WHERE " : " AND ";
    sql += condition;
  }
};

// '%' '_' and the escape character itself become literal under LIKE … ESCAPE '\'.
std::string like_substring_pattern(std::string_view text) {
  std::string pattern = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') pattern.push_back('\\');
    pattern.push_back(c);
  }
  pattern.push_back('%');
  return pattern;
}

msmi::Status normalise_time(std::string_view field, const std::string& text, std::string* out) {
  std::int64_t epoch_us = 0;
  if (!parse_iso8601_utc(text, &epoch_us)) {
    return msmi::Status::InvalidArgument(
        std::string(field) + " '" + text +
        "' is not a UTC time of the form YYYY-MM-DD[THH:MM[:SS[.fff]]][Z]");
  }
  *out = format_iso8601_utc(epoch_us);
  return msmi::Status::Ok();
}

msmi::Status build_where(const EventFilter& filter, WhereClause* where) {
  if (filter.run_id) {
    where->add("run_id = ?");
    where->parameters.emplace_back(*filter.run_id);
  }
  if (!filter.event_ids.empty()) {
    if (filter.event_ids.size() > EventFilter::kMaxEventIds) {
      return msmi::Status::InvalidArgument("too many event IDs in one query (" +
                                           std::to_string(filter.event_ids.size()) + ", at most " +
                                           std::to_string(EventFilter::kMaxEventIds) + ")");
    }
    std::string in = "event_id IN (";
    for (std::size_t i = 0; i < filter.event_ids.size(); ++i) {
      in += i == 0 ? "?" : ", ?";
      where->parameters.emplace_back(std::int64_t{filter.event_ids[i]});
    }
    in += ")";
    where->add(in);
  }
  if (filter.since_us) {
    where->add("time_us >= ?");
    where->parameters.emplace_back(*filter.since_us);
  }
  if (filter.until_us) {
    where->add("time_us <= ?");
    where->parameters.emplace_back(*filter.until_us);
  }
  if (filter.since_time) {
    std::string normalised;
    msmi::Status status = normalise_time("since time", *filter.since_time, &normalised);
    if (!status.ok()) return status;
    where->add("time >= ?");
    where->parameters.emplace_back(std::move(normalised));
  }
  if (filter.until_time) {
    std::string normalised;
    msmi::Status status = normalise_time("until time", *filter.until_time, &normalised);
    if (!status.ok()) return status;
    where->add("time <= ?");
    where->parameters.emplace_back(std::move(normalised));
  }
  if (filter.text) {
    where->add("description LIKE ? ESCAPE '\\'");
    where->parameters.emplace_back(like_substring_pattern(*filter.text));
  }
  if (filter.message_id) {
    where->add("message_id = ?");
    where->parameters.emplace_back(*filter.message_id);
  }
  if (filter.source) {
    where->add("source = ? COLLATE NOCASE");
    where->parameters.emplace_back(*filter.source);
  }
  if (filter.type) {
    msmi::EventType type;
    if (!msmi::parse_event_type(*filter.type, type)) {
      return msmi::Status::InvalidArgument("event type '" + *filter.type +
                                           "' is not Error, Warning or Information");
    }
    where->add("type = ?");
    where->parameters.emplace_back(std::string(msmi::to_string(type)));
  }
  if (filter.thread) {
    if (*filter.thread == -1) {
      where->add("thread IS NULL");
    } else {
      where->add("thread = ?");
      where->parameters.emplace_back(std::int64_t{*filter.thread});
    }
  }
  return msmi::Status::Ok();
}

// Binds the WHERE parameters to ?1..?n, then the limit to ?n+1.
void bind_where(const WhereClause& where, std::int64_t limit, SqliteStatement* stmt) {
  int index = 1;
  for (const Parameter& parameter : where.parameters) {
    if (const auto* number = std::get_if<std::int64_t>(&parameter)) {
      stmt->bind_int64(index++, *number);
    } else {
      stmt->bind_text_static(index++, std::get<std::string>(parameter));
    }
  }
  stmt->bind_int64(index, limit < 0 ? -1 : limit);
}

}  // namespace

msmi::Status EventStore::query_events(const EventFilter& filter,
                                      const std::function<bool(const EventRow&)>& on_row) const {
  constexpr std::string_view kWhat = "querying events";
  if (!on_row) return msmi::Status::InvalidArgument(path_ + ": query_events without a callback");
  WhereClause where;
  msmi::Status status = build_where(filter, &where);
  if (!status.ok()) return status;
  const std::string sql =
      "SELECT id, run_id, seq, time_us, time, computer, source, event_id, type, category, level, "
      "thread, message_id, description, " +
      std::string(schema_version_ >= 2 ? "strings, data, " : "NULL, NULL, ") +
      (schema_version_ >= 5 ? "record_number, event_identifier, category_number, user, written_us"
                            : "NULL, NULL, NULL, NULL, NULL") +
      " FROM events" + where.sql +
      (filter.newest_first ? " ORDER BY run_id DESC, seq DESC" : " ORDER BY run_id, seq") +
      " LIMIT ?";
  SqliteStatement stmt;
  status = stmt.prepare(*db_, sql, kWhat);
  if (!status.ok()) return status;
  bind_where(where, filter.limit, &stmt);

  EventRow row;
  int rc;
  while ((rc = stmt.step()) == SQLITE_ROW) {
    row.id = stmt.column_int64(0);
    row.run_id = stmt.column_int64(1);
    row.seq = stmt.column_int64(2);
    row.time_us = stmt.column_int64(3);
    row.time = stmt.column_text(4);
    row.computer = stmt.column_text(5);
    row.source = stmt.column_text(6);
    row.event_id = static_cast<int>(stmt.column_int64(7));
    row.type = stmt.column_text(8);
    row.category = stmt.column_text(9);
    row.level = static_cast<int>(stmt.column_int64(10));
    row.thread = static_cast<int>(stmt.column_int64_or(11, -1));
    row.message_id = stmt.column_text(12);
    row.description = stmt.column_text(13);
    if (stmt.column_is_null(14)) {
      row.strings.clear();
    } else if (!decode_json_strings(stmt.column_text(14), &row.strings)) {
      return msmi::Status::Corruption(
          path_ + ": event " + std::to_string(row.id) + " (run " + std::to_string(row.run_id) +
          ", seq " + std::to_string(row.seq) + "): column strings is not a JSON array of strings");
    }
    row.data = stmt.column_blob(15);
    row.record_number = stmt.column_int64_or(16, -1);
    row.event_identifier = stmt.column_int64_or(17, -1);
    row.category_number = static_cast<int>(stmt.column_int64_or(18, -1));
    row.user = stmt.column_text(19);
    row.written_us = stmt.column_int64_or(20, -1);
    if (!on_row(row)) return msmi::Status::Ok();
  }
  if (rc != SQLITE_DONE) return db_->error(rc, kWhat);
  return msmi::Status::Ok();
}

msmi::Status EventStore::count_events(const EventFilter& filter, std::int64_t* count) const {
  constexpr std::string_view kWhat = "counting events";
  WhereClause where;
  msmi::Status status = build_where(filter, &where);
  if (!status.ok()) return status;
  const std::string sql = "SELECT count(*) FROM (SELECT 1 FROM events" + where.sql + " LIMIT ?)";
  SqliteStatement stmt;
  status = stmt.prepare(*db_, sql, kWhat);
  if (!status.ok()) return status;
  bind_where(where, filter.limit, &stmt);
  const int rc = stmt.step();
  if (rc != SQLITE_ROW) return db_->error(rc, kWhat);
  *count = stmt.column_int64(0);
  return msmi::Status::Ok();
}

msmi::Status EventStore::event_id_counts(std::int64_t run_id,
                                         std::vector<std::pair<int, std::int64_t>>* counts) const {
  constexpr std::string_view kWhat = "counting events by ID";
  counts->clear();
  SqliteStatement stmt;
  msmi::Status status = stmt.prepare(*db_,
                                     "SELECT event_id, count(*) FROM events WHERE run_id = ?1 "
                                     "GROUP BY event_id ORDER BY event_id",
                                     kWhat);
  if (!status.ok()) return status;
  stmt.bind_int64(1, run_id);
  int rc;
  while ((rc = stmt.step()) == SQLITE_ROW) {
    counts->emplace_back(static_cast<int>(stmt.column_int64(0)), stmt.column_int64(1));
  }
  if (rc != SQLITE_DONE) return db_->error(rc, kWhat);
  return msmi::Status::Ok();
}

msmi::Status EventStore::execute_sql(
    std::string_view sql, const std::function<void(const std::vector<std::string>&)>& on_columns,
    const std::function<bool(const std::vector<SqlValue>&)>& on_row) const {
  constexpr std::string_view kWhat = "running SQL";
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  const int prepare_rc =
      sqlite3_prepare_v2(db_->get(), sql.data(), static_cast<int>(sql.size()), &raw, &tail);
  // Owned from here on, so every return finalizes it.
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt(raw, sqlite3_finalize);
  if (prepare_rc != SQLITE_OK) {
    return msmi::Status::InvalidArgument(path_ + ": " + sqlite3_errmsg(db_->get()));
  }
  if (stmt == nullptr) return msmi::Status::InvalidArgument(path_ + ": no SQL statement given");
  const std::string_view rest(tail, static_cast<std::size_t>(sql.data() + sql.size() - tail));
  sqlite3_stmt* extra = nullptr;
  const int extra_rc =
      sqlite3_prepare_v2(db_->get(), rest.data(), static_cast<int>(rest.size()), &extra, nullptr);
  sqlite3_finalize(extra);
  if (extra_rc != SQLITE_OK || extra != nullptr) {
    return msmi::Status::InvalidArgument(path_ +
                                         ": give one SQL statement at a time (found more "
                                         "after the first: '" +
                                         std::string(rest.substr(0, 40)) + "')");
  }
  if (sqlite3_stmt_readonly(stmt.get()) == 0) {
    return msmi::Status::InvalidArgument(
        path_ +
        ": refusing a statement that writes; the store is opened read-only (use the "
        "sqlite3 shell to change it)");
  }
  const int columns = sqlite3_column_count(stmt.get());
  std::vector<std::string> names;
  for (int i = 0; i < columns; ++i) {
    const char* name = sqlite3_column_name(stmt.get(), i);
    names.emplace_back(name != nullptr ? name : "");
  }
  if (on_columns) on_columns(names);
  std::vector<SqlValue> values(static_cast<std::size_t>(columns));
  int rc;
  while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    for (int i = 0; i < columns; ++i) {
      SqlValue& value = values[static_cast<std::size_t>(i)];
      value = SqlValue();
      switch (sqlite3_column_type(stmt.get(), i)) {
        case SQLITE_INTEGER:
          value.kind = SqlValue::Kind::kInteger;
          value.integer = sqlite3_column_int64(stmt.get(), i);
          break;
        case SQLITE_FLOAT:
          value.kind = SqlValue::Kind::kReal;
          value.real = sqlite3_column_double(stmt.get(), i);
          break;
        case SQLITE_TEXT:
        case SQLITE_BLOB: {
          value.kind = sqlite3_column_type(stmt.get(), i) == SQLITE_TEXT ? SqlValue::Kind::kText
                                                                         : SqlValue::Kind::kBlob;
          const void* bytes = sqlite3_column_blob(stmt.get(), i);
          const int size = sqlite3_column_bytes(stmt.get(), i);
          if (bytes != nullptr) {
            value.text.assign(static_cast<const char*>(bytes), static_cast<std::size_t>(size));
          }
          break;
        }
        default:
          break;
      }
    }
    if (on_row && !on_row(values)) return msmi::Status::Ok();
  }
  if (rc != SQLITE_DONE) {
    const int primary = rc & 0xff;
    // A user's query failing at run time (a bad function argument, a write the read-only
    // connection refused) is the user's to fix; a damaged file is the store's.
    if (primary == SQLITE_ERROR || primary == SQLITE_READONLY || primary == SQLITE_MISMATCH ||
        primary == SQLITE_RANGE || primary == SQLITE_TOOBIG) {
      return msmi::Status::InvalidArgument(path_ + ": " + sqlite3_errmsg(db_->get()));
    }
    return db_->error(rc, kWhat);
  }
  return msmi::Status::Ok();
}

}  // namespace msmilog
