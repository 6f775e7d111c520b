#include "storage/sqlite/wal_checkpointer.h"

#include <spdlog/spdlog.h>

namespace skiff::storage::sqlite {

WalCheckpointer::WalCheckpointer(SqliteConnection& writer, std::unique_ptr<SqliteConnection> checkpoint_connection,
                                 int threshold_pages)
    : writer_(writer), connection_(std::move(checkpoint_connection)), threshold_pages_(threshold_pages),
      thread_([this] { run(); }) {
  sqlite3_wal_hook(writer_.handle(), &WalCheckpointer::on_wal_commit, this);
}

WalCheckpointer::~WalCheckpointer() {
  sqlite3_wal_hook(writer_.handle(), nullptr, nullptr);
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

int WalCheckpointer::on_wal_commit(void* self, sqlite3*, const char*, int pages) {
  auto* checkpointer = static_cast<WalCheckpointer*>(self);
  if (pages >= checkpointer->threshold_pages_) {
    {
      std::lock_guard lock(checkpointer->mutex_);
      checkpointer->requested_ = true;
    }
    checkpointer->wake_.notify_one();
  }
  return SQLITE_OK;
}

void WalCheckpointer::run() {
  while (true) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || requested_; });
      if (stopping_) return;
      requested_ = false;
    }
    // PASSIVE: copies what it can without blocking the writer or readers.
    int code = sqlite3_wal_checkpoint_v2(connection_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    if (code != SQLITE_OK && code != SQLITE_BUSY) {
      spdlog::warn("storage: WAL checkpoint of {} failed: {}", connection_->path(), sqlite3_errstr(code));
    }
  }
}

}  // namespace skiff::storage::sqlite
