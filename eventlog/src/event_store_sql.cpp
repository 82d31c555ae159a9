// EventStore::execute_sql: a user's own SQL (`msmisim sql`) on the store's read-only
// connection, one statement at a time, refused when it would write.
#include <memory>

#include "msmilog/event_store.h"
#include "sqlite_handle.h"

namespace msmilog {

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
    // connection refused, an ATTACH of a file that is not there) is the user's to fix; a
    // damaged store is the store's.
    if (primary == SQLITE_ERROR || primary == SQLITE_READONLY || primary == SQLITE_MISMATCH ||
        primary == SQLITE_RANGE || primary == SQLITE_TOOBIG || primary == SQLITE_CANTOPEN) {
      return msmi::Status::InvalidArgument(path_ + ": " + sqlite3_errmsg(db_->get()));
    }
    return db_->error(rc, kWhat);
  }
  return msmi::Status::Ok();
}

}  // namespace msmilog
