#include "storage/store_factory.h"

#include <fmt/format.h>

#include "storage/etcd/etcd_store.h"
#include "storage/sqlite/sqlite_store.h"

namespace skiff::storage {

Result<std::unique_ptr<KvStore>> open_store(const StoreConfig& config) {
  if (config.datastore_endpoint.empty()) {
    auto store = sqlite::SqliteStore::open({.path = config.data_dir + "/state.db"});
    if (!store) return std::unexpected(store.error());
    return std::unique_ptr<KvStore>(std::move(*store));
  }
  constexpr std::string_view scheme = "etcd://";
  if (!config.datastore_endpoint.starts_with(scheme)) {
    return std::unexpected(StorageError::invalid_argument(
        fmt::format("datastore endpoint {} is not of the form etcd://HOST:PORT", config.datastore_endpoint)));
  }
  auto store = etcd::EtcdStore::open({.endpoint = config.datastore_endpoint.substr(scheme.size())});
  if (!store) return std::unexpected(store.error());
  return std::unique_ptr<KvStore>(std::move(*store));
}

}  // namespace skiff::storage
