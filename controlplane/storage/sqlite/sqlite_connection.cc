#include "storage/sqlite/sqlite_connection.h"

#include <fmt/format.h>

namespace skiff::storage::sqlite {
namespace {

// Corruption-type codes are reported as Corrupt, everything else (I/O,
// locking, permissions, disk full) as Unavailable.
bool means_corruption(int code) {
  int primary = code & 0xff;
  return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB || primary == SQLITE_FORMAT;
}

}  // namespace

Statement::~Statement() {
  if (statement_ != nullptr) {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }
}

Statement& Statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(statement_, index, value);
  return *this;
}

Statement& Statement::bind(int index, std::string_view blob) {
  // Zero-length blobs need a non-null pointer or SQLite binds NULL.
  static const char empty = 0;
  sqlite3_bind_blob64(statement_, index, blob.empty() ? &empty : blob.data(), blob.size(),
                      SQLITE_TRANSIENT);
  return *this;
}

Result<bool> Statement::step() {
  int code = sqlite3_step(statement_);
  if (code == SQLITE_ROW) return true;
  if (code == SQLITE_DONE) return false;
  return std::unexpected(connection_->error("running a query", code));
}

Result<void> Statement::run() {
  auto stepped = step();
  if (!stepped) return std::unexpected(stepped.error());
  return {};
}

std::string Statement::blob(int column) const {
  auto* data = static_cast<const char*>(sqlite3_column_blob(statement_, column));
  auto size = sqlite3_column_bytes(statement_, column);
  return data == nullptr ? std::string() : std::string(data, static_cast<std::size_t>(size));
}

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::open(const std::string& path, Mode mode) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_NOMUTEX;  // each connection is used by one thread at a time
  switch (mode) {
    case Mode::ReadWriteCreate: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE; break;
    case Mode::ReadWrite: flags |= SQLITE_OPEN_READWRITE; break;
    case Mode::ReadOnly: flags |= SQLITE_OPEN_READONLY; break;
  }
  int code = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (code != SQLITE_OK) {
    auto message = fmt::format("sqlite database {}: cannot open: {} ({})", path,
                               db ? sqlite3_errmsg(db) : sqlite3_errstr(code), sqlite3_errstr(code));
    sqlite3_close(db);
    return std::unexpected(StorageError::unavailable(std::move(message)));
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, 5000);
  return std::unique_ptr<SqliteConnection>(new SqliteConnection(db, path));
}

SqliteConnection::~SqliteConnection() {
  for (auto& [sql, statement] : statements_) sqlite3_finalize(statement);
  sqlite3_close(db_);
}

Result<void> SqliteConnection::execute(std::string_view sql) {
  std::string text(sql);
  char* message = nullptr;
  int code = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  if (code == SQLITE_OK) return {};
  std::string detail = message ? message : sqlite3_errstr(code);
  sqlite3_free(message);
  auto what = fmt::format("sqlite database {}: {} failed: {} ({})", path_, text.substr(0, 60), detail,
                          sqlite3_errstr(code));
  return std::unexpected(means_corruption(code) ? StorageError::corrupt(std::move(what))
                                                : StorageError::unavailable(std::move(what)));
}

Result<Statement> SqliteConnection::prepare(const std::string& sql) {
  auto found = statements_.find(sql);
  if (found != statements_.end()) return Statement(*this, found->second);
  sqlite3_stmt* statement = nullptr;
  int code = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
  if (code != SQLITE_OK) return std::unexpected(error("preparing a query", code));
  statements_.emplace(sql, statement);
  return Statement(*this, statement);
}

StorageError SqliteConnection::error(std::string_view doing) const {
  return error(doing, sqlite3_extended_errcode(db_));
}

StorageError SqliteConnection::error(std::string_view doing, int code) const {
  auto what = fmt::format("sqlite database {}: {}: {} ({})", path_, doing, sqlite3_errmsg(db_),
                          sqlite3_errstr(code));
  return means_corruption(code) ? StorageError::corrupt(std::move(what))
                                : StorageError::unavailable(std::move(what));
}

Result<Transaction> Transaction::begin(SqliteConnection& connection, std::string_view begin_sql) {
  if (auto begun = connection.execute(begin_sql); !begun) return std::unexpected(begun.error());
  return Transaction(connection);
}

Transaction::~Transaction() {
  if (connection_ != nullptr) (void)connection_->execute("ROLLBACK");
}

Result<void> Transaction::commit() {
  auto* connection = std::exchange(connection_, nullptr);
  auto committed = connection->execute("COMMIT");
  if (!committed) (void)connection->execute("ROLLBACK");  // a failed COMMIT may leave it open
  return committed;
}

}  // namespace skiff::storage::sqlite
