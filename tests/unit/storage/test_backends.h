// The backends the conformance suite runs against. Each test gets a fresh
// store: a new SQLite file, or a new etcd server.
#pragma once

#include <memory>
#include <string>

#include "storage/testing/etcd_process.h"
#include "storage/kv_store.h"

namespace skiff::storage::testing {

class SqliteBackend {
 public:
  SqliteBackend();
  ~SqliteBackend();
  static constexpr const char* name = "sqlite";

  std::unique_ptr<KvStore> open();  // (re)opens the store file
  // Argument for storage_crash_writer: "sqlite:<path>".
  std::string writer_target() const { return "sqlite:" + path_; }
  void crash_store() {}  // the store lives in the crashed writer process
  void recover_store() {}
  const std::string& path() const { return path_; }

 private:
  std::string directory_;
  std::string path_;
};

class EtcdBackend {
 public:
  static constexpr const char* name = "etcd";

  std::unique_ptr<KvStore> open();
  std::string writer_target() const { return "etcd:" + etcd_.endpoint(); }
  void crash_store() { etcd_.kill_hard(); }  // the store is the etcd server
  void recover_store() { etcd_.restart(); }

 private:
  EtcdProcess etcd_;
};

}  // namespace skiff::storage::testing
