// Read-only connections to the store file, lent to one thread at a time.
// WAL mode lets them read committed snapshots while the writer commits.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "storage/sqlite/sqlite_connection.h"

namespace skiff::storage::sqlite {

class SqliteReaderPool {
 public:
  class Lease {
   public:
    Lease(SqliteReaderPool& pool, std::unique_ptr<SqliteConnection> connection)
        : pool_(&pool), connection_(std::move(connection)) {}
    Lease(Lease&&) noexcept = default;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (connection_) pool_->give_back(std::move(connection_));
    }
    SqliteConnection& operator*() { return *connection_; }

   private:
    SqliteReaderPool* pool_;
    std::unique_ptr<SqliteConnection> connection_;
  };

  SqliteReaderPool(std::string path, std::size_t max_idle) : path_(std::move(path)), max_idle_(max_idle) {}

  Result<Lease> acquire();
  // A connection owned by the caller (e.g. a dedicated thread's).
  Result<std::unique_ptr<SqliteConnection>> open_reader() const;

 private:
  void give_back(std::unique_ptr<SqliteConnection> connection);

  std::string path_;
  std::size_t max_idle_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<SqliteConnection>> idle_;
};

}  // namespace skiff::storage::sqlite
