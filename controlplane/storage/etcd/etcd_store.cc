#include "storage/etcd/etcd_store.h"

#include <fmt/format.h>
#include <grpcpp/grpcpp.h>
#include <spdlog/spdlog.h>

#include "etcdserverpb/rpc.grpc.pb.h"
#include "storage/etcd/call_tracker.h"
#include "storage/etcd/channel_registry.h"
#include "storage/etcd/etcd_conversions.h"
#include "storage/etcd/etcd_errors.h"
#include "storage/etcd/etcd_watch_stream.h"
#include "storage/key_range.h"

namespace skiff::storage::etcd {

struct EtcdStubs {
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<etcdserverpb::KV::Stub> kv;
  std::unique_ptr<etcdserverpb::Watch::Stub> watch;
};

namespace {

// One unary RPC in flight: what it needs must outlive the call.
template <class Request, class Response>
struct UnaryCall {
  grpc::ClientContext context;
  Request request;
  Response response;
};

// Starts `invoke(stub, context, request, response, on_status)` with a
// deadline; `on_done(status, response)` runs on a gRPC thread.
template <class Request, class Response, class Invoke, class OnDone>
void call(EtcdStubs& stubs, CallTracker& tracker, std::chrono::milliseconds timeout, Request request,
          Invoke invoke, OnDone on_done) {
  auto state = std::make_shared<UnaryCall<Request, Response>>();
  state->request = std::move(request);
  state->context.set_deadline(std::chrono::system_clock::now() + timeout);
  tracker.started();
  invoke(*stubs.kv, &state->context, &state->request, &state->response,
         [state, &tracker, on_done = std::move(on_done)](grpc::Status status) mutable {
           on_done(status, state->response);
           tracker.finished();
         });
}

auto range_rpc = [](etcdserverpb::KV::Stub& kv, grpc::ClientContext* context, const etcdserverpb::RangeRequest* request,
                    etcdserverpb::RangeResponse* response, std::function<void(grpc::Status)> done) {
  kv.async()->Range(context, request, response, std::move(done));
};
auto txn_rpc = [](etcdserverpb::KV::Stub& kv, grpc::ClientContext* context, const etcdserverpb::TxnRequest* request,
                  etcdserverpb::TxnResponse* response, std::function<void(grpc::Status)> done) {
  kv.async()->Txn(context, request, response, std::move(done));
};
auto compact_rpc = [](etcdserverpb::KV::Stub& kv, grpc::ClientContext* context,
                      const etcdserverpb::CompactionRequest* request, etcdserverpb::CompactionResponse* response,
                      std::function<void(grpc::Status)> done) {
  kv.async()->Compact(context, request, response, std::move(done));
};

// compare(key).mod_revision == expected, or "the key exists" without an expectation.
etcdserverpb::TxnRequest guarded_txn(const std::string& key, std::optional<Revision> expected_mod_revision) {
  etcdserverpb::TxnRequest txn;
  auto* compare = txn.add_compare();
  compare->set_key(key);
  compare->set_target(etcdserverpb::Compare::MOD);
  compare->set_result(expected_mod_revision ? etcdserverpb::Compare::EQUAL : etcdserverpb::Compare::GREATER);
  compare->set_mod_revision(expected_mod_revision.value_or(0));
  // On failure, read the key so the caller learns the current object.
  txn.add_failure()->mutable_request_range()->set_key(key);
  return txn;
}

// Why a guarded txn failed: the key is gone, exists already, or moved on.
const etcdserverpb::RangeResponse& failure_range(const etcdserverpb::TxnResponse& response) {
  static const etcdserverpb::RangeResponse empty;
  return response.responses_size() > 0 ? response.responses(0).response_range() : empty;
}

StorageError guard_failure(const etcdserverpb::TxnResponse& response, const std::string& key,
                           std::optional<Revision> expected_mod_revision) {
  const auto& range = failure_range(response);
  if (range.kvs_size() == 0) return StorageError::not_found(key);
  return StorageError::conflict(from_proto(range.kvs(0)), expected_mod_revision.value_or(0));
}

}  // namespace

EtcdStore::EtcdStore(EtcdStoreOptions options)
    : options_(std::move(options)), stubs_(std::make_unique<EtcdStubs>()), tracker_(std::make_unique<CallTracker>()) {}

Result<std::unique_ptr<EtcdStore>> EtcdStore::open(EtcdStoreOptions options) {
  std::unique_ptr<EtcdStore> store(new EtcdStore(std::move(options)));
  auto& stubs = *store->stubs_;
  stubs.channel = channel_for(store->options_.endpoint);
  if (!stubs.channel->WaitForConnected(std::chrono::system_clock::now() + store->options_.connect_timeout)) {
    return std::unexpected(StorageError::unavailable(
        fmt::format("etcd at {}: no connection within {} ms", store->options_.endpoint,
                    store->options_.connect_timeout.count())));
  }
  stubs.kv = etcdserverpb::KV::NewStub(stubs.channel);
  stubs.watch = etcdserverpb::Watch::NewStub(stubs.channel);
  auto revision = store->current_revision();
  if (!revision) return std::unexpected(revision.error());
  spdlog::info("storage: connected to etcd at {} (revision {})", store->options_.endpoint, *revision);
  return store;
}

EtcdStore::~EtcdStore() {
  {
    std::lock_guard lock(streams_mutex_);
    for (auto& weak : streams_) {
      if (auto control = weak.lock()) control->cancel();
    }
  }
  tracker_->wait_idle();
}

void EtcdStore::get_async(std::string key, Revision revision, Completion<KeyValue> done) {
  etcdserverpb::RangeRequest request;
  request.set_key(key);
  request.set_revision(revision);
  call<etcdserverpb::RangeRequest, etcdserverpb::RangeResponse>(
      *stubs_, *tracker_, options_.request_timeout, std::move(request), range_rpc,
      [this, key = std::move(key), done = std::move(done)](const grpc::Status& status,
                                                           const etcdserverpb::RangeResponse& response) {
        if (!status.ok()) return done(std::unexpected(from_status(status, options_.endpoint, "get " + key)));
        if (response.kvs_size() == 0) return done(std::unexpected(StorageError::not_found(key)));
        done(from_proto(response.kvs(0)));
      });
}

void EtcdStore::range_async(RangeRequest range, Completion<RangeResult> done) {
  etcdserverpb::RangeRequest request;
  const auto& start =
      range.continue_from.empty() || range.continue_from < range.prefix ? range.prefix : range.continue_from;
  request.set_key(start.empty() ? std::string(1, '\0') : start);
  request.set_range_end(range_end_for_prefix(range.prefix));
  request.set_limit(range.limit);
  request.set_revision(range.revision);
  call<etcdserverpb::RangeRequest, etcdserverpb::RangeResponse>(
      *stubs_, *tracker_, options_.request_timeout, std::move(request), range_rpc,
      [this, prefix = std::move(range.prefix), at = range.revision, done = std::move(done)](
          const grpc::Status& status, const etcdserverpb::RangeResponse& response) {
        if (!status.ok()) return done(std::unexpected(from_status(status, options_.endpoint, "range " + prefix)));
        RangeResult result;
        result.revision = at > 0 ? at : response.header().revision();
        result.items.reserve(response.kvs_size());
        for (const auto& kv : response.kvs()) result.items.push_back(from_proto(kv));
        result.more = response.more();
        if (result.more && !result.items.empty()) result.next_key = key_successor(result.items.back().key);
        done(std::move(result));
      });
}

void EtcdStore::create_async(std::string key, std::string value, Completion<KeyValue> done) {
  if (key.empty()) return done(std::unexpected(StorageError::invalid_argument("empty key")));
  etcdserverpb::TxnRequest txn = guarded_txn(key, Revision{0});  // mod_revision == 0: absent
  auto* put = txn.add_success()->mutable_request_put();
  put->set_key(key);
  put->set_value(value);
  call<etcdserverpb::TxnRequest, etcdserverpb::TxnResponse>(
      *stubs_, *tracker_, options_.request_timeout, std::move(txn), txn_rpc,
      [this, key = std::move(key), value = std::move(value), done = std::move(done)](
          const grpc::Status& status, const etcdserverpb::TxnResponse& response) mutable {
        if (!status.ok()) return done(std::unexpected(from_status(status, options_.endpoint, "create " + key)));
        if (!response.succeeded()) {
          const auto& range = failure_range(response);
          if (range.kvs_size() == 0) {
            return done(std::unexpected(StorageError::unavailable("etcd create failed without an existing key")));
          }
          return done(std::unexpected(StorageError::already_exists(from_proto(range.kvs(0)))));
        }
        Revision revision = response.header().revision();
        done(KeyValue{std::move(key), std::move(value), revision, revision});
      });
}

void EtcdStore::update_async(std::string key, std::string value, std::optional<Revision> expected_mod_revision,
                             Completion<KeyValue> done) {
  etcdserverpb::TxnRequest txn = guarded_txn(key, expected_mod_revision);
  auto* put = txn.add_success()->mutable_request_put();
  put->set_key(key);
  put->set_value(value);
  put->set_prev_kv(true);  // for the create_revision of the result
  call<etcdserverpb::TxnRequest, etcdserverpb::TxnResponse>(
      *stubs_, *tracker_, options_.request_timeout, std::move(txn), txn_rpc,
      [this, key = std::move(key), value = std::move(value), expected_mod_revision, done = std::move(done)](
          const grpc::Status& status, const etcdserverpb::TxnResponse& response) mutable {
        if (!status.ok()) return done(std::unexpected(from_status(status, options_.endpoint, "update " + key)));
        if (!response.succeeded()) return done(std::unexpected(guard_failure(response, key, expected_mod_revision)));
        const auto& previous = response.responses(0).response_put().prev_kv();
        done(KeyValue{std::move(key), std::move(value), previous.create_revision(), response.header().revision()});
      });
}

void EtcdStore::remove_async(std::string key, std::optional<Revision> expected_mod_revision,
                             Completion<DeleteResult> done) {
  etcdserverpb::TxnRequest txn = guarded_txn(key, expected_mod_revision);
  auto* deletion = txn.add_success()->mutable_request_delete_range();
  deletion->set_key(key);
  deletion->set_prev_kv(true);
  call<etcdserverpb::TxnRequest, etcdserverpb::TxnResponse>(
      *stubs_, *tracker_, options_.request_timeout, std::move(txn), txn_rpc,
      [this, key = std::move(key), expected_mod_revision, done = std::move(done)](
          const grpc::Status& status, const etcdserverpb::TxnResponse& response) {
        if (!status.ok()) return done(std::unexpected(from_status(status, options_.endpoint, "delete " + key)));
        if (!response.succeeded()) return done(std::unexpected(guard_failure(response, key, expected_mod_revision)));
        const auto& deleted = response.responses(0).response_delete_range();
        if (deleted.prev_kvs_size() == 0) return done(std::unexpected(StorageError::not_found(key)));
        done(DeleteResult{from_proto(deleted.prev_kvs(0)), response.header().revision()});
      });
}

void EtcdStore::compact_async(Revision revision, Completion<Revision> done) {
  etcdserverpb::CompactionRequest request;
  request.set_revision(revision);
  request.set_physical(true);
  call<etcdserverpb::CompactionRequest, etcdserverpb::CompactionResponse>(
      *stubs_, *tracker_, options_.request_timeout, std::move(request), compact_rpc,
      [this, revision, done = std::move(done)](const grpc::Status& status, const etcdserverpb::CompactionResponse&) {
        if (status.ok()) return done(revision);
        auto error = from_status(status, options_.endpoint, fmt::format("compact to {}", revision));
        // Already compacted at or beyond it: nothing left to do, as in the SQLite backend.
        if (error.kind == ErrorKind::Compacted) return done(revision);
        done(std::unexpected(std::move(error)));
      });
}

void EtcdStore::current_revision_async(Completion<Revision> done) {
  etcdserverpb::RangeRequest request;
  request.set_key(std::string(1, '\0'));  // any read answers with the store revision in its header
  request.set_count_only(true);
  call<etcdserverpb::RangeRequest, etcdserverpb::RangeResponse>(
      *stubs_, *tracker_, options_.request_timeout, std::move(request), range_rpc,
      [this, done = std::move(done)](const grpc::Status& status, const etcdserverpb::RangeResponse& response) {
        if (!status.ok()) return done(std::unexpected(from_status(status, options_.endpoint, "read revision")));
        done(response.header().revision());
      });
}

Result<WatchHandle> EtcdStore::watch(std::string prefix, Revision from_revision, WatchCallback on_batch) {
  if (from_revision < 0) return std::unexpected(StorageError::invalid_argument("negative watch revision"));
  auto control = EtcdWatchStream::start(*stubs_->watch, options_.endpoint, std::move(prefix), from_revision,
                                        std::move(on_batch), *tracker_);
  {
    std::lock_guard lock(streams_mutex_);
    std::erase_if(streams_, [](const auto& weak) { return weak.expired(); });
    streams_.push_back(control);
  }
  return WatchHandle([control] { control->cancel(); });
}

}  // namespace skiff::storage::etcd
