#include "storage/watch_cache/watch_cache.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "storage/key_range.h"

namespace skiff::storage {

WatchCache::WatchCache(KvStore& store, WatchCacheOptions options)
    : store_(store), options_(std::move(options)), ring_(options_.event_capacity) {}

Result<std::unique_ptr<WatchCache>> WatchCache::start(KvStore& store, WatchCacheOptions options) {
  std::unique_ptr<WatchCache> cache(new WatchCache(store, std::move(options)));
  if (auto listed = cache->relist(); !listed) return std::unexpected(listed.error());
  if (auto followed = cache->follow(); !followed) return std::unexpected(followed.error());
  cache->resync_thread_ = std::thread([raw = cache.get()] { raw->resync_loop(); });
  return cache;
}

WatchCache::~WatchCache() {
  {
    std::lock_guard lock(resync_mutex_);
    stopping_ = true;
  }
  resync_wake_.notify_one();
  if (resync_thread_.joinable()) resync_thread_.join();
  store_watch_.cancel();
  end_watchers(StorageError::unavailable("watch cache stopped"));
}

Result<void> WatchCache::relist() {
  // Page through one snapshot: later pages are read at the first page's revision.
  std::map<std::string, KeyValue, std::less<>> objects;
  RangeRequest request{options_.prefix, options_.list_page_size, "", 0};
  while (true) {
    auto page = store_.range(request);
    if (!page) return std::unexpected(page.error());
    for (auto& kv : page->items) {
      auto key = kv.key;
      objects.emplace(std::move(key), std::move(kv));
    }
    request.revision = page->revision;
    if (!page->more) break;
    request.continue_from = page->next_key;
  }
  std::unique_lock lock(state_mutex_);
  objects_ = std::move(objects);
  revision_ = request.revision;
  ring_.reset(request.revision);
  revision_advanced_.notify_all();
  return {};
}

Result<void> WatchCache::follow() {
  auto handle = store_.watch(options_.prefix, revision() + 1,
                             [this](Result<WatchBatch> update) { on_store_batch(std::move(update)); });
  if (!handle) return std::unexpected(handle.error());
  store_watch_ = std::move(*handle);
  return {};
}

void WatchCache::on_store_batch(Result<WatchBatch> update) {
  if (!update) {
    spdlog::warn("storage: watch cache of {} lost its store watch: {}; relisting", options_.prefix,
                 update.error().describe());
    {
      std::lock_guard lock(resync_mutex_);
      resync_needed_ = true;
    }
    resync_wake_.notify_one();
    return;
  }
  std::lock_guard delivery(delivery_mutex_);
  apply(*update);
  std::erase_if(watchers_, [](const auto& watcher) { return watcher->gate->closed(); });
  for (auto& watcher : watchers_) {
    WatchBatch batch;
    batch.revision = update->revision;
    for (const auto& event : update->events) {
      if (event.revision() >= watcher->next_revision && has_prefix(event.kv.key, watcher->prefix)) {
        batch.events.push_back(event);
      }
    }
    if (batch.events.empty() && update->revision < watcher->next_revision) continue;
    watcher->next_revision = std::max(watcher->next_revision, update->revision + 1);
    watcher->gate->run([&] { watcher->callback(std::move(batch)); });
  }
}

void WatchCache::apply(const WatchBatch& batch) {
  std::unique_lock lock(state_mutex_);
  for (const auto& event : batch.events) {
    if (event.type == EventType::Put) {
      objects_.insert_or_assign(event.kv.key, event.kv);
    } else {
      objects_.erase(event.kv.key);
    }
    ring_.push(event);
    revision_ = std::max(revision_, event.revision());
  }
  revision_ = std::max(revision_, batch.revision);
  revision_advanced_.notify_all();
}

void WatchCache::resync_loop() {
  auto backoff = std::chrono::milliseconds(100);
  while (true) {
    {
      std::unique_lock lock(resync_mutex_);
      resync_wake_.wait(lock, [&] { return stopping_ || resync_needed_; });
      if (stopping_) return;
      resync_needed_ = false;
    }
    store_watch_.cancel();
    // Events between the old stream and the new list are not replayable:
    // watchers must start over (and get Compacted if their revision is gone).
    end_watchers(StorageError::unavailable(
        fmt::format("watch cache of {} is resynchronising with the store", options_.prefix)));
    auto recovered = relist();
    if (recovered) recovered = follow();
    if (recovered) {
      backoff = std::chrono::milliseconds(100);
      continue;
    }
    spdlog::warn("storage: watch cache of {} cannot resynchronise: {}", options_.prefix,
                 recovered.error().describe());
    std::unique_lock lock(resync_mutex_);
    resync_needed_ = true;
    resync_wake_.wait_for(lock, backoff, [&] { return stopping_; });
    backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
  }
}

void WatchCache::end_watchers(const StorageError& error) {
  std::lock_guard delivery(delivery_mutex_);
  for (auto& watcher : watchers_) {
    watcher->gate->run([&] { watcher->callback(std::unexpected(error)); });
    watcher->gate->close();
  }
  watchers_.clear();
}

Result<RangeResult> WatchCache::list(const RangeRequest& request, std::chrono::milliseconds wait) const {
  if (!has_prefix(request.prefix, options_.prefix)) {
    return std::unexpected(StorageError::invalid_argument(
        fmt::format("prefix {} is outside the watch cache of {}", request.prefix, options_.prefix)));
  }
  std::shared_lock lock(state_mutex_);
  if (!revision_advanced_.wait_for(lock, wait, [&] { return revision_ >= request.revision; })) {
    return std::unexpected(StorageError::unavailable(fmt::format(
        "watch cache of {} is at revision {}, not yet at {}", options_.prefix, revision_, request.revision)));
  }
  RangeResult result;
  result.revision = revision_;
  const auto& start = std::max(request.prefix, request.continue_from);
  for (auto it = objects_.lower_bound(start); it != objects_.end() && has_prefix(it->first, request.prefix); ++it) {
    if (request.limit > 0 && static_cast<std::int64_t>(result.items.size()) == request.limit) {
      result.more = true;
      result.next_key = key_successor(result.items.back().key);
      break;
    }
    result.items.push_back(it->second);
  }
  return result;
}

Result<KeyValue> WatchCache::get(const std::string& key) const {
  std::shared_lock lock(state_mutex_);
  auto found = objects_.find(key);
  if (found == objects_.end()) return std::unexpected(StorageError::not_found(key));
  return found->second;
}

Result<WatchHandle> WatchCache::watch(std::string prefix, Revision from_revision, WatchCallback callback) {
  if (!has_prefix(prefix, options_.prefix)) {
    return std::unexpected(StorageError::invalid_argument(
        fmt::format("prefix {} is outside the watch cache of {}", prefix, options_.prefix)));
  }
  std::lock_guard delivery(delivery_mutex_);
  auto watcher = std::make_shared<Watcher>(Watcher{std::move(prefix), from_revision, std::move(callback)});
  WatchBatch replay;
  {
    std::shared_lock lock(state_mutex_);
    if (from_revision == 0) watcher->next_revision = revision_ + 1;
    if (watcher->next_revision <= ring_.floor()) {
      return std::unexpected(StorageError::compacted(watcher->next_revision, ring_.floor() + 1));
    }
    ring_.for_each_from(watcher->next_revision, [&](const Event& event) {
      if (has_prefix(event.kv.key, watcher->prefix)) replay.events.push_back(event);
    });
    replay.revision = revision_;
    watcher->next_revision = std::max(watcher->next_revision, revision_ + 1);
  }
  if (!replay.events.empty()) watcher->gate->run([&] { watcher->callback(std::move(replay)); });
  watchers_.push_back(watcher);
  return WatchHandle([gate = watcher->gate] { gate->close(); });
}

Revision WatchCache::revision() const {
  std::shared_lock lock(state_mutex_);
  return revision_;
}

void WatchCache::send_bookmarks() {
  std::lock_guard delivery(delivery_mutex_);
  WatchBatch bookmark;
  bookmark.revision = revision();
  for (auto& watcher : watchers_) watcher->gate->run([&] { watcher->callback(bookmark); });
}

std::size_t WatchCache::size() const {
  std::shared_lock lock(state_mutex_);
  return objects_.size();
}

}  // namespace skiff::storage
