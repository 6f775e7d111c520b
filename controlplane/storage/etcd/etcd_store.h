// Store backend speaking etcd v3 over gRPC (for HA or an external etcd).
// Every operation is one asynchronous RPC (callback API); CAS writes are
// Txns comparing mod_revision; watches are Watch streams.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "storage/kv_store.h"

namespace grpc {
class Channel;
}

namespace skiff::storage::etcd {

struct EtcdStoreOptions {
  std::string endpoint;  // host:port
  std::chrono::milliseconds request_timeout{10'000};
  std::chrono::milliseconds connect_timeout{5'000};
};

struct EtcdStubs;
struct WatchStreamControl;
class CallTracker;

class EtcdStore final : public KvStore {
 public:
  // Connects and checks that etcd answers; Unavailable naming the endpoint otherwise.
  static Result<std::unique_ptr<EtcdStore>> open(EtcdStoreOptions options);
  ~EtcdStore() override;

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
  explicit EtcdStore(EtcdStoreOptions options);

  EtcdStoreOptions options_;
  std::unique_ptr<EtcdStubs> stubs_;
  std::unique_ptr<CallTracker> tracker_;
  std::mutex streams_mutex_;
  std::vector<std::weak_ptr<WatchStreamControl>> streams_;
};

}  // namespace skiff::storage::etcd
