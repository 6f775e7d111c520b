#include "storage/kv_store.h"

#include <future>

namespace skiff::storage {
namespace {

// Runs an asynchronous operation and waits for its completion.
template <class T, class Start>
Result<T> wait_for(Start&& start) {
  std::promise<Result<T>> promise;
  auto future = promise.get_future();
  start([&promise](Result<T> result) { promise.set_value(std::move(result)); });
  return future.get();
}

}  // namespace

Result<KeyValue> KvStore::get(std::string key, Revision revision) {
  return wait_for<KeyValue>(
      [&](Completion<KeyValue> done) { get_async(std::move(key), revision, std::move(done)); });
}

Result<RangeResult> KvStore::range(RangeRequest request) {
  return wait_for<RangeResult>(
      [&](Completion<RangeResult> done) { range_async(std::move(request), std::move(done)); });
}

Result<KeyValue> KvStore::create(std::string key, std::string value) {
  return wait_for<KeyValue>([&](Completion<KeyValue> done) {
    create_async(std::move(key), std::move(value), std::move(done));
  });
}

Result<KeyValue> KvStore::update(std::string key, std::string value,
                                 std::optional<Revision> expected_mod_revision) {
  return wait_for<KeyValue>([&](Completion<KeyValue> done) {
    update_async(std::move(key), std::move(value), expected_mod_revision, std::move(done));
  });
}

Result<DeleteResult> KvStore::remove(std::string key, std::optional<Revision> expected_mod_revision) {
  return wait_for<DeleteResult>([&](Completion<DeleteResult> done) {
    remove_async(std::move(key), expected_mod_revision, std::move(done));
  });
}

Result<Revision> KvStore::compact(Revision revision) {
  return wait_for<Revision>(
      [&](Completion<Revision> done) { compact_async(revision, std::move(done)); });
}

Result<Revision> KvStore::current_revision() {
  return wait_for<Revision>(
      [&](Completion<Revision> done) { current_revision_async(std::move(done)); });
}

}  // namespace skiff::storage
