// RAII wrappers over the SQLite C API: a connection with a cache of prepared
// statements, and a statement that is reset when its use ends. Errors name
// the database file so a failure at open or later is clear in logs.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "storage/storage_error.h"

namespace skiff::storage::sqlite {

class SqliteConnection;

// A prepared statement borrowed from a connection's cache; bindings are
// cleared and the statement reset when it goes out of scope.
class Statement {
 public:
  Statement(SqliteConnection& connection, sqlite3_stmt* statement)
      : connection_(&connection), statement_(statement) {}
  Statement(Statement&& other) noexcept
      : connection_(other.connection_), statement_(std::exchange(other.statement_, nullptr)) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& operator=(Statement&&) = delete;
  ~Statement();

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view blob);  // bound as BLOB: byte-wise ordering

  // Advances; true while a row is available. Errors become StorageError.
  Result<bool> step();
  // Runs a statement that returns no rows.
  Result<void> run();

  std::int64_t integer(int column) const { return sqlite3_column_int64(statement_, column); }
  bool is_null(int column) const { return sqlite3_column_type(statement_, column) == SQLITE_NULL; }
  std::string blob(int column) const;

 private:
  SqliteConnection* connection_;
  sqlite3_stmt* statement_;
};

class SqliteConnection {
 public:
  enum class Mode { ReadWriteCreate, ReadWrite, ReadOnly };

  static Result<std::unique_ptr<SqliteConnection>> open(const std::string& path, Mode mode);
  ~SqliteConnection();
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  // Runs one or more statements without results (pragmas, DDL, BEGIN/COMMIT).
  Result<void> execute(std::string_view sql);
  // A statement from the cache, prepared on first use.
  Result<Statement> prepare(const std::string& sql);

  // Describes the connection's last error: "sqlite database /x.db: <what> (<code>)".
  StorageError error(std::string_view doing) const;
  StorageError error(std::string_view doing, int code) const;
  const std::string& path() const { return path_; }
  sqlite3* handle() const { return db_; }

 private:
  SqliteConnection(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  sqlite3* db_;
  std::string path_;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

// A transaction that rolls back unless committed.
class Transaction {
 public:
  static Result<Transaction> begin(SqliteConnection& connection, std::string_view begin_sql);
  Transaction(Transaction&& other) noexcept
      : connection_(std::exchange(other.connection_, nullptr)) {}
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  Result<void> commit();

 private:
  explicit Transaction(SqliteConnection& connection) : connection_(&connection) {}
  SqliteConnection* connection_;
};

}  // namespace skiff::storage::sqlite
