#include "storage/sqlite/sqlite_store.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "storage/sqlite/group_commit_writer.h"
#include "storage/sqlite/sqlite_reader_pool.h"
#include "storage/sqlite/sqlite_reads.h"
#include "storage/sqlite/sqlite_schema.h"
#include "storage/sqlite/sqlite_watch_hub.h"
#include "storage/sqlite/wal_checkpointer.h"

namespace skiff::storage::sqlite {

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(SqliteStoreOptions options) {
  auto writer_connection = SqliteConnection::open(options.path, SqliteConnection::Mode::ReadWriteCreate);
  if (!writer_connection) return std::unexpected(writer_connection.error());
  auto revisions = open_schema(**writer_connection, options.verify_integrity_at_open);
  if (!revisions) return std::unexpected(revisions.error());
  (void)(*writer_connection)->execute("PRAGMA journal_size_limit = 67108864");

  auto checkpoint_connection = SqliteConnection::open(options.path, SqliteConnection::Mode::ReadWrite);
  if (!checkpoint_connection) return std::unexpected(checkpoint_connection.error());

  std::unique_ptr<SqliteStore> store(new SqliteStore());
  store->options_ = options;
  store->readers_ = std::make_unique<SqliteReaderPool>(options.path, options.max_idle_readers);
  auto history_reader = store->readers_->open_reader();
  if (!history_reader) return std::unexpected(history_reader.error());

  store->writer_connection_ = std::move(*writer_connection);
  store->checkpointer_ = std::make_unique<WalCheckpointer>(
      *store->writer_connection_, std::move(*checkpoint_connection), options.checkpoint_threshold_pages);
  store->watch_hub_ = std::make_unique<SqliteWatchHub>(std::move(*history_reader), revisions->revision);
  auto* hub = store->watch_hub_.get();
  store->writer_ = std::make_unique<GroupCommitWriter>(
      *store->writer_connection_, *revisions,
      [hub](std::vector<Event> events, Revision committed) { hub->publish(std::move(events), committed); },
      options.max_batch);
  spdlog::info("storage: opened sqlite store {} at revision {} (compacted to {})", options.path,
               revisions->revision, revisions->compact_revision);
  return store;
}

SqliteStore::~SqliteStore() = default;

void SqliteStore::get_async(std::string key, Revision revision, Completion<KeyValue> done) {
  auto reader = readers_->acquire();
  if (!reader) return done(std::unexpected(reader.error()));
  done(read_key(**reader, key, revision));
}

void SqliteStore::range_async(RangeRequest request, Completion<RangeResult> done) {
  auto reader = readers_->acquire();
  if (!reader) return done(std::unexpected(reader.error()));
  done(read_range(**reader, request));
}

void SqliteStore::create_async(std::string key, std::string value, Completion<KeyValue> done) {
  writer_->submit(CreateWrite{std::move(key), std::move(value), std::move(done)});
}

void SqliteStore::update_async(std::string key, std::string value, std::optional<Revision> expected_mod_revision,
                               Completion<KeyValue> done) {
  writer_->submit(UpdateWrite{std::move(key), std::move(value), expected_mod_revision, std::move(done)});
}

void SqliteStore::remove_async(std::string key, std::optional<Revision> expected_mod_revision,
                               Completion<DeleteResult> done) {
  writer_->submit(DeleteWrite{std::move(key), expected_mod_revision, std::move(done)});
}

void SqliteStore::compact_async(Revision revision, Completion<Revision> done) {
  writer_->submit(CompactWrite{revision, std::move(done)});
}

void SqliteStore::current_revision_async(Completion<Revision> done) { done(writer_->committed_revision()); }

Result<WatchHandle> SqliteStore::watch(std::string prefix, Revision from_revision, WatchCallback on_batch) {
  if (from_revision < 0) return std::unexpected(StorageError::invalid_argument("negative watch revision"));
  if (from_revision > 0 && from_revision < writer_->compact_revision()) {
    return std::unexpected(StorageError::compacted(from_revision, writer_->compact_revision()));
  }
  // "From now": everything committed after this call.
  Revision first = from_revision > 0 ? from_revision : writer_->committed_revision() + 1;
  return watch_hub_->add(std::move(prefix), first, std::move(on_batch));
}

}  // namespace skiff::storage::sqlite
