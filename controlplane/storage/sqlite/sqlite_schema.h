// The on-disk layout of the SQLite backend and its checks at open.
//
//   log  one row per write (revision = rowid): key, tombstone flag,
//        create_revision, the revision it superseded (for watch prev values)
//        and the value. History for historical reads and watches.
//   kv   the live keys: key -> (create_revision, mod_revision); values are
//        read from the log row at mod_revision, so each value is stored once.
//   meta the current revision and the compaction point.
#pragma once

#include "storage/sqlite/sqlite_connection.h"
#include "storage/types.h"

namespace skiff::storage::sqlite {

struct PersistedRevisions {
  Revision revision = 0;
  Revision compact_revision = 0;
};

// Sets the pragmas of the writing connection (WAL, synchronous=FULL), creates
// the schema in a new, empty file, and otherwise verifies that the file is a
// Skiff store of a supported version (and, if asked, that its pages are
// intact). Never recreates or alters an existing store it cannot read.
Result<PersistedRevisions> open_schema(SqliteConnection& connection, bool verify_integrity);

// Pragmas for an additional connection that only reads.
Result<void> configure_reader(SqliteConnection& connection);

Result<PersistedRevisions> read_revisions(SqliteConnection& connection);

}  // namespace skiff::storage::sqlite
