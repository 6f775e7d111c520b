// One etcd Watch stream (bidirectional gRPC, callback API: no thread per
// watch) carrying one watcher. Owns itself and is deleted when the stream ends.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <mutex>
#include <string>

#include "etcdserverpb/rpc.grpc.pb.h"
#include "storage/etcd/call_tracker.h"
#include "storage/watch.h"

namespace skiff::storage::etcd {

// Lets a WatchHandle (or the store at shutdown) stop a stream that may end
// on its own at any moment.
struct WatchStreamControl {
  CallbackGate gate;
  std::mutex mutex;
  grpc::ClientContext* context = nullptr;  // set while the stream runs

  void cancel() {
    gate.close();
    std::lock_guard lock(mutex);
    if (context != nullptr) context->TryCancel();
  }
};

class EtcdWatchStream final : public grpc::ClientBidiReactor<etcdserverpb::WatchRequest, etcdserverpb::WatchResponse> {
 public:
  // Starts the stream; events flow to `callback` until the control cancels it.
  static std::shared_ptr<WatchStreamControl> start(etcdserverpb::Watch::Stub& stub, std::string endpoint,
                                                    std::string prefix, Revision from_revision,
                                                    WatchCallback callback, CallTracker& tracker);

  void OnWriteDone(bool ok) override;
  void OnReadDone(bool ok) override;
  void OnDone(const grpc::Status& status) override;

 private:
  EtcdWatchStream(std::string endpoint, Revision from_revision, WatchCallback callback, CallTracker& tracker);
  void deliver(Result<WatchBatch> update);
  void finish_with(StorageError error);

  grpc::ClientContext context_;
  etcdserverpb::WatchRequest request_;
  etcdserverpb::WatchResponse response_;
  std::string endpoint_;
  Revision from_revision_;
  WatchCallback callback_;
  CallTracker& tracker_;
  std::shared_ptr<WatchStreamControl> control_ = std::make_shared<WatchStreamControl>();
  bool finished_ = false;  // an error was delivered; the watcher hears nothing more
};

}  // namespace skiff::storage::etcd
