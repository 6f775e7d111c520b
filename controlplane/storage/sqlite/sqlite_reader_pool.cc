#include "storage/sqlite/sqlite_reader_pool.h"

#include "storage/sqlite/sqlite_schema.h"

namespace skiff::storage::sqlite {

Result<SqliteReaderPool::Lease> SqliteReaderPool::acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(connection));
    }
  }
  auto connection = open_reader();
  if (!connection) return std::unexpected(connection.error());
  return Lease(*this, std::move(*connection));
}

Result<std::unique_ptr<SqliteConnection>> SqliteReaderPool::open_reader() const {
  auto connection = SqliteConnection::open(path_, SqliteConnection::Mode::ReadOnly);
  if (!connection) return std::unexpected(connection.error());
  if (auto configured = configure_reader(**connection); !configured) return std::unexpected(configured.error());
  return connection;
}

void SqliteReaderPool::give_back(std::unique_ptr<SqliteConnection> connection) {
  std::lock_guard lock(mutex_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(connection));
}

}  // namespace skiff::storage::sqlite
