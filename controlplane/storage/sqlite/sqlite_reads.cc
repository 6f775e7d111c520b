#include "storage/sqlite/sqlite_reads.h"

#include <fmt/format.h>

#include "storage/key_range.h"
#include "storage/sqlite/sqlite_schema.h"

namespace skiff::storage::sqlite {
namespace {

// Key bounds as SQL: an unbounded upper end gets its own statement so the
// index scan still stops at the end of the prefix when there is one.
std::string key_bounds(std::string_view column, bool bounded) {
  return bounded ? fmt::format("{0} >= ?1 AND {0} < ?2", column) : fmt::format("{} >= ?1", column);
}

Result<void> check_readable(const PersistedRevisions& state, Revision revision) {
  if (revision > state.revision) {
    return std::unexpected(StorageError::invalid_argument(
        fmt::format("revision {} is in the future (current revision {})", revision, state.revision)));
  }
  if (revision > 0 && revision < state.compact_revision) {
    return std::unexpected(StorageError::compacted(revision, state.compact_revision));
  }
  return {};
}

Result<RangeResult> read_range_in_snapshot(SqliteConnection& connection, const RangeRequest& request,
                                           const PersistedRevisions& state) {
  if (auto readable = check_readable(state, request.revision); !readable) {
    return std::unexpected(readable.error());
  }
  auto end = prefix_end(request.prefix);
  bool bounded = !end.empty();
  const auto& start = request.continue_from.empty() || request.continue_from < request.prefix
                          ? request.prefix
                          : request.continue_from;
  bool historical = request.revision > 0 && request.revision < state.revision;
  std::string sql;
  if (historical) {
    // The newest log row of every key at or before the revision, unless it is a tombstone.
    sql = fmt::format(
        "SELECT l.key, l.create_revision, l.revision, l.value FROM log AS l WHERE l.revision IN "
        "(SELECT max(revision) FROM log WHERE {} AND revision <= ?3 GROUP BY key) "
        "AND l.deleted = 0 ORDER BY l.key LIMIT ?4",
        key_bounds("key", bounded));
  } else {
    sql = fmt::format(
        "SELECT kv.key, kv.create_revision, kv.mod_revision, log.value FROM kv "
        "JOIN log ON log.revision = kv.mod_revision WHERE {} ORDER BY kv.key LIMIT ?4",
        key_bounds("kv.key", bounded));
  }
  auto statement = connection.prepare(sql);
  if (!statement) return std::unexpected(statement.error());
  statement->bind(1, std::string_view(start));
  if (bounded) statement->bind(2, std::string_view(end));
  statement->bind(3, request.revision);
  // One row beyond the limit tells whether more follow.
  statement->bind(4, request.limit > 0 ? request.limit + 1 : -1);

  RangeResult result;
  result.revision = historical ? request.revision : state.revision;
  while (true) {
    auto row = statement->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    if (request.limit > 0 && static_cast<std::int64_t>(result.items.size()) == request.limit) {
      result.more = true;
      result.next_key = key_successor(result.items.back().key);
      break;
    }
    result.items.push_back(KeyValue{statement->blob(0), statement->blob(3), statement->integer(1),
                                    statement->integer(2)});
  }
  return result;
}

}  // namespace

Result<std::optional<KeyValue>> read_live_key(SqliteConnection& connection, std::string_view key) {
  auto statement = connection.prepare(
      "SELECT kv.create_revision, kv.mod_revision, log.value FROM kv "
      "JOIN log ON log.revision = kv.mod_revision WHERE kv.key = ?1");
  if (!statement) return std::unexpected(statement.error());
  statement->bind(1, key);
  auto row = statement->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<KeyValue>();
  return KeyValue{std::string(key), statement->blob(2), statement->integer(0), statement->integer(1)};
}

Result<KeyValue> read_key(SqliteConnection& connection, const std::string& key, Revision revision) {
  auto transaction = Transaction::begin(connection, "BEGIN");
  if (!transaction) return std::unexpected(transaction.error());
  auto state = read_revisions(connection);
  if (!state) return std::unexpected(state.error());
  if (auto readable = check_readable(*state, revision); !readable) return std::unexpected(readable.error());

  if (revision == 0 || revision == state->revision) {
    auto live = read_live_key(connection, key);
    if (!live) return std::unexpected(live.error());
    if (!*live) return std::unexpected(StorageError::not_found(key));
    return std::move(**live);
  }
  auto statement = connection.prepare(
      "SELECT deleted, create_revision, revision, value FROM log "
      "WHERE key = ?1 AND revision <= ?2 ORDER BY revision DESC LIMIT 1");
  if (!statement) return std::unexpected(statement.error());
  statement->bind(1, std::string_view(key)).bind(2, revision);
  auto row = statement->step();
  if (!row) return std::unexpected(row.error());
  if (!*row || statement->integer(0) != 0) return std::unexpected(StorageError::not_found(key));
  return KeyValue{key, statement->blob(3), statement->integer(1), statement->integer(2)};
}

Result<RangeResult> read_range(SqliteConnection& connection, const RangeRequest& request) {
  auto transaction = Transaction::begin(connection, "BEGIN");
  if (!transaction) return std::unexpected(transaction.error());
  auto state = read_revisions(connection);
  if (!state) return std::unexpected(state.error());
  return read_range_in_snapshot(connection, request, *state);
}

Result<EventPage> read_events(SqliteConnection& connection, const std::string& prefix, Revision after,
                              Revision up_to, std::int64_t limit) {
  auto transaction = Transaction::begin(connection, "BEGIN");
  if (!transaction) return std::unexpected(transaction.error());
  auto state = read_revisions(connection);
  if (!state) return std::unexpected(state.error());

  auto end = prefix_end(prefix);
  bool bounded = !end.empty();
  // Scans by revision: catch-up reads are short ranges of recent history.
  auto sql = fmt::format(
      "SELECT l.key, l.deleted, l.create_revision, l.revision, l.value, "
      "       p.revision, p.create_revision, p.value "
      "FROM log AS l LEFT JOIN log AS p ON p.revision = l.prev_revision AND l.prev_revision > 0 "
      "WHERE l.revision > ?3 AND l.revision <= ?4 AND {} ORDER BY l.revision LIMIT ?5",
      key_bounds("+l.key", bounded));  // unary +: filter on key, walk the revision order
  auto statement = connection.prepare(sql);
  if (!statement) return std::unexpected(statement.error());
  statement->bind(1, std::string_view(prefix));
  if (bounded) statement->bind(2, std::string_view(end));
  statement->bind(3, after).bind(4, up_to).bind(5, limit);

  EventPage page;
  page.compact_revision = state->compact_revision;
  while (true) {
    auto row = statement->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    Event event;
    bool deleted = statement->integer(1) != 0;
    event.type = deleted ? EventType::Delete : EventType::Put;
    event.kv.key = statement->blob(0);
    event.kv.mod_revision = statement->integer(3);
    if (!deleted) {
      event.kv.create_revision = statement->integer(2);
      event.kv.value = statement->blob(4);
    }
    if (!statement->is_null(5)) {
      event.previous = KeyValue{event.kv.key, statement->blob(7), statement->integer(6), statement->integer(5)};
    }
    page.events.push_back(std::move(event));
  }
  return page;
}

}  // namespace skiff::storage::sqlite
