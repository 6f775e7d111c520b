#include "storage/sqlite/sqlite_schema.h"

#include <fmt/format.h>

#include <array>

namespace skiff::storage::sqlite {
namespace {

constexpr std::int64_t kApplicationId = 0x534b4646;  // "SKFF": marks the file as a Skiff store
constexpr std::int64_t kSchemaVersion = 1;

constexpr std::string_view kCreateSchema = R"sql(
BEGIN IMMEDIATE;
CREATE TABLE log (
  revision        INTEGER PRIMARY KEY,
  key             BLOB    NOT NULL,
  deleted         INTEGER NOT NULL,
  create_revision INTEGER NOT NULL,
  prev_revision   INTEGER NOT NULL,
  value           BLOB    NOT NULL
);
CREATE INDEX log_by_key ON log (key, revision);
CREATE TABLE kv (
  key             BLOB    PRIMARY KEY,
  create_revision INTEGER NOT NULL,
  mod_revision    INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE meta (
  name  TEXT    PRIMARY KEY,
  value INTEGER NOT NULL
);
INSERT INTO meta (name, value) VALUES ('revision', 0), ('compact_revision', 0);
PRAGMA application_id = 1397442118;  -- kApplicationId
PRAGMA user_version = 1;
COMMIT;
)sql";

Result<std::int64_t> query_integer(SqliteConnection& connection, const std::string& sql) {
  auto statement = connection.prepare(sql);
  if (!statement) return std::unexpected(statement.error());
  auto row = statement->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::unexpected(connection.error(fmt::format("{} returned no row", sql)));
  return statement->integer(0);
}

StorageError corrupt(const SqliteConnection& connection, std::string_view what) {
  return StorageError::corrupt(fmt::format("sqlite database {}: {}", connection.path(), what));
}

Result<void> verify_pages(SqliteConnection& connection) {
  auto statement = connection.prepare("PRAGMA quick_check(5)");
  if (!statement) return std::unexpected(statement.error());
  std::string problems;
  while (true) {
    auto row = statement->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    auto line = statement->blob(0);
    if (line == "ok") return {};
    problems += problems.empty() ? line : "; " + line;
  }
  return std::unexpected(corrupt(connection, "integrity check failed: " + problems));
}

Result<void> verify_tables(SqliteConnection& connection) {
  for (std::string_view table : std::array{"log", "kv", "meta"}) {
    auto count = query_integer(
        connection,
        fmt::format("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '{}'", table));
    if (!count) return std::unexpected(count.error());
    if (*count != 1) return std::unexpected(corrupt(connection, fmt::format("table {} is missing", table)));
  }
  return {};
}

}  // namespace

Result<PersistedRevisions> open_schema(SqliteConnection& connection, bool verify_integrity) {
  // The first statement reads the file header: a non-database file fails here.
  if (auto wal = connection.execute("PRAGMA journal_mode = WAL"); !wal) return std::unexpected(wal.error());
  // FULL: the WAL is fsynced at every commit, so an acknowledged write survives power loss.
  if (auto sync = connection.execute("PRAGMA synchronous = FULL"); !sync) return std::unexpected(sync.error());
  (void)connection.execute("PRAGMA cache_size = -32000");

  auto application_id = query_integer(connection, "PRAGMA application_id");
  if (!application_id) return std::unexpected(application_id.error());
  auto object_count = query_integer(connection, "SELECT count(*) FROM sqlite_schema");
  if (!object_count) return std::unexpected(object_count.error());

  if (*application_id == 0 && *object_count == 0) {
    if (auto created = connection.execute(kCreateSchema); !created) return std::unexpected(created.error());
  } else if (*application_id != kApplicationId) {
    return std::unexpected(corrupt(
        connection, fmt::format("not a Skiff store (application_id {:#x}, expected {:#x}); refusing to use it",
                                *application_id, kApplicationId)));
  } else {
    auto version = query_integer(connection, "PRAGMA user_version");
    if (!version) return std::unexpected(version.error());
    if (*version != kSchemaVersion) {
      return std::unexpected(corrupt(
          connection, fmt::format("schema version {} is not supported (this build reads version {})",
                                  *version, kSchemaVersion)));
    }
  }
  if (verify_integrity) {
    if (auto pages = verify_pages(connection); !pages) return std::unexpected(pages.error());
  }
  if (auto tables = verify_tables(connection); !tables) return std::unexpected(tables.error());
  return read_revisions(connection);
}

Result<void> configure_reader(SqliteConnection& connection) {
  if (auto only = connection.execute("PRAGMA query_only = 1"); !only) return only;
  return connection.execute("PRAGMA cache_size = -16000");
}

Result<PersistedRevisions> read_revisions(SqliteConnection& connection) {
  auto statement = connection.prepare(
      "SELECT (SELECT value FROM meta WHERE name = 'revision'),"
      "       (SELECT value FROM meta WHERE name = 'compact_revision')");
  if (!statement) return std::unexpected(statement.error());
  auto row = statement->step();
  if (!row) return std::unexpected(row.error());
  if (!*row || statement->is_null(0) || statement->is_null(1)) {
    return std::unexpected(corrupt(connection, "table meta lacks the revision rows"));
  }
  return PersistedRevisions{statement->integer(0), statement->integer(1)};
}

}  // namespace skiff::storage::sqlite
