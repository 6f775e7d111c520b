// Watch plumbing shared by the backends and the watch cache.
#pragma once

#include <functional>
#include <mutex>
#include <utility>

#include "storage/storage_error.h"
#include "storage/types.h"

namespace skiff::storage {

// Receives ordered batches (each event's revision above the previous one's),
// progress notifications (no events), and at most one error, after which the
// watch is over. Runs on a store thread: keep it short (e.g. post to a strand).
using WatchCallback = std::function<void(Result<WatchBatch>)>;

// Serialises deliveries to one watcher and lets close() promise that no
// delivery runs after it returns. Recursive so a callback may cancel its own watch.
class CallbackGate {
 public:
  // Runs `deliver` unless closed; returns false if closed.
  template <class F>
  bool run(F&& deliver) {
    std::lock_guard lock(mutex_);
    if (closed_) return false;
    deliver();
    return true;
  }
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  bool closed() {
    std::lock_guard lock(mutex_);
    return closed_;
  }

 private:
  std::recursive_mutex mutex_;
  bool closed_ = false;
};

// Owns a running watch: destroying or cancelling it stops deliveries; once
// cancel() returns the callback is not called again.
class WatchHandle {
 public:
  WatchHandle() = default;
  explicit WatchHandle(std::function<void()> cancel) : cancel_(std::move(cancel)) {}
  WatchHandle(WatchHandle&& other) noexcept : cancel_(std::exchange(other.cancel_, nullptr)) {}
  WatchHandle& operator=(WatchHandle&& other) noexcept {
    if (this != &other) {
      cancel();
      cancel_ = std::exchange(other.cancel_, nullptr);
    }
    return *this;
  }
  WatchHandle(const WatchHandle&) = delete;
  WatchHandle& operator=(const WatchHandle&) = delete;
  ~WatchHandle() { cancel(); }

  void cancel() {
    if (auto cancel = std::exchange(cancel_, nullptr)) cancel();
  }
  bool active() const { return static_cast<bool>(cancel_); }

 private:
  std::function<void()> cancel_;
};

}  // namespace skiff::storage
