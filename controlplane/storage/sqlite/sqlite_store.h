// The default store: one SQLite file in WAL mode. Writes go through a
// group-commit writer (durable before acknowledged), reads through a pool of
// read connections (completing inline on the caller's thread), watches
// through a dispatcher that replays the log and then follows commits.
#pragma once

#include <memory>
#include <string>

#include "storage/kv_store.h"

namespace skiff::storage::sqlite {

class GroupCommitWriter;
class SqliteReaderPool;
class SqliteWatchHub;
class WalCheckpointer;
class SqliteConnection;

struct SqliteStoreOptions {
  std::string path;
  // Verify every page at open (PRAGMA quick_check): corruption is then
  // reported at start rather than at first touch. Linear in the file size.
  bool verify_integrity_at_open = true;
  std::size_t max_batch = 1000;    // writes per group commit
  std::size_t max_idle_readers = 16;
  int checkpoint_threshold_pages = 4000;
};

class SqliteStore final : public KvStore {
 public:
  // Opens or creates the store. An existing file that is not a readable
  // Skiff store is an error naming the file; it is never recreated.
  static Result<std::unique_ptr<SqliteStore>> open(SqliteStoreOptions options);
  ~SqliteStore() override;

  void get_async(std::string key, Revision revision, Completion<KeyValue> done) override;
  void range_async(RangeRequest request, Completion<RangeResult> done) override;
  void create_async(std::string key, std::string value, Completion<KeyValue> done) override;
  void update_async(std::string key, std::string value, std::optional<Revision> expected_mod_revision,
                    Completion<KeyValue> done) override;
  void remove_async(std::string key, std::optional<Revision> expected_mod_revision,
                    Completion<DeleteResult> done) override;
  void compact_async(Revision revision, Completion<Revision> done) override;
  void current_revision_async(Completion<Revision> done) override;
  Result<WatchHandle> watch(std::string prefix, Revision from_revision, WatchCallback on_batch) override;

 private:
  SqliteStore() = default;

  SqliteStoreOptions options_;
  // Declaration order is teardown order reversed: the writer drains first,
  // while the hub it publishes to and the connection it writes through live.
  std::unique_ptr<SqliteReaderPool> readers_;
  std::unique_ptr<SqliteConnection> writer_connection_;
  std::unique_ptr<WalCheckpointer> checkpointer_;
  std::unique_ptr<SqliteWatchHub> watch_hub_;
  std::unique_ptr<GroupCommitWriter> writer_;
};

}  // namespace skiff::storage::sqlite
