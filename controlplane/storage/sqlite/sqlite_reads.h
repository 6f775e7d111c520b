// Read queries of the SQLite backend. Each runs inside one read transaction,
// so the data and the revision it reports come from the same snapshot.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "storage/sqlite/sqlite_connection.h"
#include "storage/types.h"

namespace skiff::storage::sqlite {

// The live object at `key` (inside the caller's transaction); nullopt if absent.
Result<std::optional<KeyValue>> read_live_key(SqliteConnection& connection, std::string_view key);

Result<KeyValue> read_key(SqliteConnection& connection, const std::string& key, Revision revision);

Result<RangeResult> read_range(SqliteConnection& connection, const RangeRequest& request);

struct EventPage {
  std::vector<Event> events;
  Revision compact_revision = 0;  // of the snapshot the events were read from
};

// Events under `prefix` with after < revision <= up_to, oldest first, at most `limit`.
Result<EventPage> read_events(SqliteConnection& connection, const std::string& prefix, Revision after,
                              Revision up_to, std::int64_t limit);

}  // namespace skiff::storage::sqlite
