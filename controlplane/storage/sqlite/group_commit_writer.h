// The single writer of a SQLite store. Callers queue writes from any thread;
// the writer thread takes everything queued, applies it in one transaction
// (each write still gets its own revision), commits (WAL fsync), and only
// then answers each caller and publishes the events. Concurrent writers thus
// share one fsync: group commit.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "storage/sqlite/sqlite_connection.h"
#include "storage/sqlite/sqlite_schema.h"
#include "storage/sqlite/write_request.h"

namespace skiff::storage::sqlite {

class GroupCommitWriter {
 public:
  // Receives the events of every commit, in revision order, on the writer thread.
  using CommitListener = std::function<void(std::vector<Event> events, Revision committed)>;

  GroupCommitWriter(SqliteConnection& connection, PersistedRevisions start,
                    CommitListener on_commit, std::size_t max_batch);
  // Completes what is queued, then stops; later submissions fail as Unavailable.
  ~GroupCommitWriter();
  GroupCommitWriter(const GroupCommitWriter&) = delete;
  GroupCommitWriter& operator=(const GroupCommitWriter&) = delete;

  void submit(WriteRequest request);

  Revision committed_revision() const { return committed_.load(std::memory_order_acquire); }
  Revision compact_revision() const { return compacted_.load(std::memory_order_acquire); }

 private:
  using Outcome = std::variant<Result<KeyValue>, Result<DeleteResult>, Result<Revision>>;

  void run();
  void commit_batch(std::vector<WriteRequest>& batch);
  // Applies one write inside the open transaction. The outer error means the
  // transaction itself failed; the Outcome is what the caller is told.
  Result<Outcome> apply(WriteRequest& request, Revision& revision, std::vector<Event>& events);
  Result<Outcome> apply_create(CreateWrite& write, Revision& revision, std::vector<Event>& events);
  Result<Outcome> apply_update(UpdateWrite& write, Revision& revision, std::vector<Event>& events);
  Result<Outcome> apply_delete(DeleteWrite& write, Revision& revision, std::vector<Event>& events);
  Result<Outcome> apply_compact(CompactWrite& write, Revision revision);
  Result<void> append_log(Revision revision, std::string_view key, bool deleted, Revision create_revision,
                          Revision prev_revision, std::string_view value);

  SqliteConnection* connection_;  // owned by the store, outlives the writer
  CommitListener on_commit_;
  std::size_t max_batch_;
  std::atomic<Revision> committed_;
  std::atomic<Revision> compacted_;
  Revision pending_compaction_ = 0;  // set inside a batch, published after its commit

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<WriteRequest> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace skiff::storage::sqlite
