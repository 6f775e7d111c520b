// Collects what a watch delivers and lets a test wait for it (condition
// variable with a deadline: waits end as soon as the data is there).
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <vector>

#include "storage/watch.h"

namespace skiff::storage::testing {

class EventCollector {
 public:
  WatchCallback callback() {
    return [this](Result<WatchBatch> update) {
      std::lock_guard lock(mutex_);
      if (update) {
        for (auto& event : update->events) events_.push_back(std::move(event));
        ++batches_;
        last_revision_ = update->revision;
      } else {
        error_ = update.error();
      }
      changed_.notify_all();
    };
  }

  bool wait_for_events(std::size_t count, std::chrono::seconds timeout = std::chrono::seconds(20)) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return events_.size() >= count || error_; }) &&
           events_.size() >= count;
  }
  bool wait_for_error(std::chrono::seconds timeout = std::chrono::seconds(20)) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return error_.has_value(); });
  }
  bool wait_for_batches(std::size_t count, std::chrono::seconds timeout = std::chrono::seconds(20)) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return batches_ >= count; });
  }

  std::vector<Event> events() {
    std::lock_guard lock(mutex_);
    return events_;
  }
  std::optional<StorageError> error() {
    std::lock_guard lock(mutex_);
    return error_;
  }
  Revision last_revision() {
    std::lock_guard lock(mutex_);
    return last_revision_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Event> events_;
  std::optional<StorageError> error_;
  std::size_t batches_ = 0;
  Revision last_revision_ = 0;
};

}  // namespace skiff::storage::testing
