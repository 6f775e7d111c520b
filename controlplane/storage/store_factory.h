// Opens the store a server is configured with: etcd for
// --datastore-endpoint etcd://HOST:PORT, else the SQLite file in the data dir.
#pragma once

#include <memory>
#include <string>

#include "storage/kv_store.h"

namespace skiff::storage {

struct StoreConfig {
  std::string datastore_endpoint;  // "" (SQLite) or "etcd://host:port"
  std::string data_dir;            // SQLite: <data_dir>/state.db
};

Result<std::unique_ptr<KvStore>> open_store(const StoreConfig& config);

}  // namespace skiff::storage
