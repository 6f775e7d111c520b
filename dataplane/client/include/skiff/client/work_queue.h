// The controller work queue (client-go's workqueue): items are keys
// ("namespace/name"). An item queued again while waiting is not duplicated;
// an item queued again while being processed is processed once more after
// done(); delayed adds (add_after) and rate-limited adds (add_rate_limited)
// wait on a timer first. After shutdown(), get() drains nothing more and
// returns nullopt.
#pragma once
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <queue>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "skiff/client/clock.h"
#include "skiff/client/rate_limiter.h"

namespace skiff::client {

class WorkQueue {
 public:
  explicit WorkQueue(std::unique_ptr<RateLimiter> limiter = default_controller_rate_limiter(),
                     const Clock& clock = RealClock::instance());
  ~WorkQueue();

  void add(const std::string& item);
  void add_after(const std::string& item, std::chrono::nanoseconds delay);
  void add_rate_limited(const std::string& item);
  void forget(const std::string& item);
  int num_requeues(const std::string& item);

  // Blocks until an item is ready or the queue shuts down (nullopt).
  std::optional<std::string> get();
  // Non-blocking get: an item ready now (by the queue's clock), if any.
  std::optional<std::string> try_get();
  // Marks the end of processing an item returned by get().
  void done(const std::string& item);

  void shutdown();
  bool shutting_down() const;
  size_t len() const;             // items ready to be handed out
  size_t waiting() const;         // items whose delay has not passed

 private:
  struct Delayed {
    std::chrono::steady_clock::time_point ready;
    uint64_t seq;
    std::string item;
    bool operator>(const Delayed& o) const { return ready != o.ready ? ready > o.ready : seq > o.seq; }
  };
  void add_locked(const std::string& item);
  void promote_ready_locked(std::chrono::steady_clock::time_point now);
  std::optional<std::string> pop_locked();

  std::unique_ptr<RateLimiter> limiter_;
  const Clock& clock_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> queue_;
  std::unordered_set<std::string> dirty_;
  std::unordered_set<std::string> processing_;
  std::priority_queue<Delayed, std::vector<Delayed>, std::greater<>> delayed_;
  uint64_t seq_ = 0;
  bool shutting_down_ = false;
};

// The usual controller loop: `workers` threads take items and call `reconcile`;
// success forgets the item's failures, failure re-queues it rate-limited.
// Returns when the queue shuts down and the workers have finished.
void run_workers(WorkQueue& queue, int workers, const std::function<bool(const std::string& item)>& reconcile);

}  // namespace skiff::client
