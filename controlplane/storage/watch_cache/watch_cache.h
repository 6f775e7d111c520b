// In-memory cache of one key prefix of a store (e.g. "/registry/" or
// "/registry/pods/"): the current objects plus a ring of recent events, kept
// up to date by one store watch. LIST and WATCH from a recent revision are
// served from memory; a WATCH older than the ring gets Compacted (410 Gone).
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage/kv_store.h"
#include "storage/watch_cache/event_ring.h"

namespace skiff::storage {

struct WatchCacheOptions {
  std::string prefix;                 // what the cache mirrors
  std::size_t event_capacity = 10'000;  // events kept for watches from the past
  std::int64_t list_page_size = 1'000;  // page size of the (re)list from the store
};

class WatchCache {
 public:
  // Lists the prefix from the store and starts following it.
  static Result<std::unique_ptr<WatchCache>> start(KvStore& store, WatchCacheOptions options);
  ~WatchCache();
  WatchCache(const WatchCache&) = delete;
  WatchCache& operator=(const WatchCache&) = delete;

  // A page of the current objects under `request.prefix` (inside the cache's
  // prefix), once the cache has reached `request.revision` (0: immediately);
  // Unavailable if it does not within `wait`. Pages are each consistent; to
  // page through one snapshot of an older revision, read the store instead.
  Result<RangeResult> list(const RangeRequest& request,
                           std::chrono::milliseconds wait = std::chrono::seconds(3)) const;

  Result<KeyValue> get(const std::string& key) const;

  // Events under `prefix` with revision >= from_revision (0: after now),
  // replayed from the ring, then live. Compacted if older than the ring.
  Result<WatchHandle> watch(std::string prefix, Revision from_revision, WatchCallback callback);

  // Bookmark hook: the newest revision the cache reflects...
  Revision revision() const;
  // ...and a progress notification (no events, that revision) to every watcher.
  void send_bookmarks();

  std::size_t size() const;

 private:
  struct Watcher {
    std::string prefix;
    Revision next_revision;
    WatchCallback callback;
    std::shared_ptr<CallbackGate> gate = std::make_shared<CallbackGate>();
  };

  WatchCache(KvStore& store, WatchCacheOptions options);
  Result<void> relist();
  Result<void> follow();
  void on_store_batch(Result<WatchBatch> update);
  void apply(const WatchBatch& batch);
  void resync_loop();
  void end_watchers(const StorageError& error);

  KvStore& store_;
  WatchCacheOptions options_;

  // State: objects, ring and revision; readers share, the applier excludes.
  mutable std::shared_mutex state_mutex_;
  std::map<std::string, KeyValue, std::less<>> objects_;
  EventRing ring_;
  Revision revision_ = 0;
  mutable std::condition_variable_any revision_advanced_;

  // Serialises fan-out and watcher registration so each watcher sees every
  // event once, in order, whether it comes from the ring or live.
  std::mutex delivery_mutex_;
  std::vector<std::shared_ptr<Watcher>> watchers_;

  WatchHandle store_watch_;
  std::mutex resync_mutex_;
  std::condition_variable resync_wake_;
  bool resync_needed_ = false;
  bool stopping_ = false;
  std::thread resync_thread_;
};

}  // namespace skiff::storage
