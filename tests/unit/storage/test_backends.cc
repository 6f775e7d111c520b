#include "test_backends.h"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "storage/etcd/etcd_store.h"
#include "storage/sqlite/sqlite_store.h"

namespace skiff::storage::testing {

SqliteBackend::SqliteBackend() {
  char pattern[] = "/tmp/skiff-sqlite-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp");
  directory_ = pattern;
  path_ = directory_ + "/state.db";
}

SqliteBackend::~SqliteBackend() {
  std::error_code ignored;
  std::filesystem::remove_all(directory_, ignored);
}

std::unique_ptr<KvStore> SqliteBackend::open() {
  auto store = sqlite::SqliteStore::open({.path = path_});
  if (!store) throw std::runtime_error(store.error().describe());
  return std::move(*store);
}

std::unique_ptr<KvStore> EtcdBackend::open() {
  auto store = etcd::EtcdStore::open({.endpoint = etcd_.endpoint()});
  if (!store) throw std::runtime_error(store.error().describe());
  return std::move(*store);
}

}  // namespace skiff::storage::testing
