#include "storage/etcd/etcd_watch_stream.h"

#include <fmt/format.h>

#include "storage/etcd/etcd_conversions.h"
#include "storage/etcd/etcd_errors.h"

namespace skiff::storage::etcd {

std::shared_ptr<WatchStreamControl> EtcdWatchStream::start(etcdserverpb::Watch::Stub& stub, std::string endpoint,
                                                           std::string prefix, Revision from_revision,
                                                           WatchCallback callback, CallTracker& tracker) {
  auto* stream = new EtcdWatchStream(std::move(endpoint), from_revision, std::move(callback), tracker);
  auto* create = stream->request_.mutable_create_request();
  // etcd rejects an empty key: the whole keyspace is ["\0", "\0").
  create->set_key(prefix.empty() ? std::string(1, '\0') : prefix);
  create->set_range_end(range_end_for_prefix(prefix));
  create->set_start_revision(from_revision);
  create->set_prev_kv(true);
  auto control = stream->control_;
  {
    std::lock_guard lock(control->mutex);
    control->context = &stream->context_;
  }
  tracker.started();
  stub.async()->Watch(&stream->context_, stream);
  stream->StartWrite(&stream->request_);
  stream->StartRead(&stream->response_);
  stream->StartCall();
  return control;
}

EtcdWatchStream::EtcdWatchStream(std::string endpoint, Revision from_revision, WatchCallback callback,
                                 CallTracker& tracker)
    : endpoint_(std::move(endpoint)), from_revision_(from_revision), callback_(std::move(callback)),
      tracker_(tracker) {}

void EtcdWatchStream::OnWriteDone(bool) {}

void EtcdWatchStream::deliver(Result<WatchBatch> update) {
  control_->gate.run([&] { callback_(std::move(update)); });
}

void EtcdWatchStream::finish_with(StorageError error) {
  if (finished_) return;
  finished_ = true;
  deliver(std::unexpected(std::move(error)));
  control_->gate.close();
  context_.TryCancel();
}

void EtcdWatchStream::OnReadDone(bool ok) {
  if (!ok) return;  // the stream is over; OnDone follows
  const auto& response = response_;
  if (response.compact_revision() != 0) {
    finish_with(StorageError::compacted(from_revision_, response.compact_revision()));
    return;
  }
  if (response.canceled()) {
    finish_with(StorageError::unavailable(
        fmt::format("etcd at {}: watch canceled: {}", endpoint_, response.cancel_reason())));
    return;
  }
  if (!response.created() || response.events_size() > 0) {
    WatchBatch batch;
    batch.revision = response.header().revision();
    batch.events.reserve(response.events_size());
    for (const auto& event : response.events()) batch.events.push_back(from_proto(event));
    deliver(std::move(batch));  // no events: a progress notification
  }
  StartRead(&response_);
}

void EtcdWatchStream::OnDone(const grpc::Status& status) {
  {
    std::lock_guard lock(control_->mutex);
    control_->context = nullptr;
  }
  // A stream that ends without being cancelled (etcd went away) ends the watch.
  finish_with(from_status(status.ok() ? grpc::Status(grpc::StatusCode::UNAVAILABLE, "watch stream closed") : status,
                          endpoint_, "watch"));
  auto& tracker = tracker_;
  delete this;
  tracker.finished();
}

}  // namespace skiff::storage::etcd
