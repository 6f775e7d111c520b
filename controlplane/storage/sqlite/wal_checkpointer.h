// Moves WAL pages into the database file on a background connection, so the
// group-commit writer never pays for a checkpoint inside a commit (SQLite's
// automatic checkpoint would run on the committing thread).
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "storage/sqlite/sqlite_connection.h"

namespace skiff::storage::sqlite {

class WalCheckpointer {
 public:
  // Installs a WAL hook on `writer` (replacing SQLite's auto-checkpoint) and
  // checkpoints through `checkpoint_connection` once the WAL holds `threshold_pages`.
  WalCheckpointer(SqliteConnection& writer, std::unique_ptr<SqliteConnection> checkpoint_connection,
                  int threshold_pages);
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

 private:
  static int on_wal_commit(void* self, sqlite3* db, const char* schema, int pages);
  void run();

  SqliteConnection& writer_;
  std::unique_ptr<SqliteConnection> connection_;
  int threshold_pages_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool requested_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace skiff::storage::sqlite
