// Counts gRPC calls and streams in flight so the etcd store can wait for all
// of them to finish before the channel and stubs they use go away.
#pragma once

#include <condition_variable>
#include <mutex>

namespace skiff::storage::etcd {

class CallTracker {
 public:
  void started() {
    std::lock_guard lock(mutex_);
    ++in_flight_;
  }
  void finished() {
    std::lock_guard lock(mutex_);
    if (--in_flight_ == 0) idle_.notify_all();
  }
  void wait_idle() {
    std::unique_lock lock(mutex_);
    idle_.wait(lock, [&] { return in_flight_ == 0; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable idle_;
  int in_flight_ = 0;
};

}  // namespace skiff::storage::etcd
