#include "skiff/client/work_queue.h"

#include <spdlog/spdlog.h>

namespace skiff::client {

WorkQueue::WorkQueue(std::unique_ptr<RateLimiter> limiter, const Clock& clock)
    : limiter_(std::move(limiter)), clock_(clock) {}

WorkQueue::~WorkQueue() { shutdown(); }

void WorkQueue::add_locked(const std::string& item) {
  if (shutting_down_) return;
  if (!dirty_.insert(item).second) return;  // already waiting
  if (processing_.contains(item)) return;   // queued again by done()
  queue_.push_back(item);
  cv_.notify_one();
}

void WorkQueue::add(const std::string& item) {
  std::lock_guard lock(mu_);
  add_locked(item);
}

void WorkQueue::add_after(const std::string& item, std::chrono::nanoseconds delay) {
  std::lock_guard lock(mu_);
  if (shutting_down_) return;
  if (delay <= std::chrono::nanoseconds(0)) {
    add_locked(item);
    return;
  }
  delayed_.push(Delayed{clock_.now() + delay, seq_++, item});
  cv_.notify_all();  // a getter may need to wake earlier
}

void WorkQueue::add_rate_limited(const std::string& item) { add_after(item, limiter_->when(item)); }
void WorkQueue::forget(const std::string& item) { limiter_->forget(item); }
int WorkQueue::num_requeues(const std::string& item) { return limiter_->num_requeues(item); }

void WorkQueue::promote_ready_locked(std::chrono::steady_clock::time_point now) {
  while (!delayed_.empty() && delayed_.top().ready <= now) {
    std::string item = delayed_.top().item;
    delayed_.pop();
    add_locked(item);
  }
}

std::optional<std::string> WorkQueue::pop_locked() {
  if (queue_.empty()) return std::nullopt;
  std::string item = std::move(queue_.front());
  queue_.pop_front();
  dirty_.erase(item);
  processing_.insert(item);
  return item;
}

std::optional<std::string> WorkQueue::get() {
  std::unique_lock lock(mu_);
  for (;;) {
    if (shutting_down_) return std::nullopt;
    promote_ready_locked(clock_.now());
    if (auto item = pop_locked()) return item;
    if (delayed_.empty()) {
      cv_.wait(lock);
    } else {
      // Sleep until the earliest delayed item is due (or something is added).
      auto due = delayed_.top().ready - clock_.now();
      cv_.wait_for(lock, std::max(due, std::chrono::steady_clock::duration(std::chrono::microseconds(100))));
    }
  }
}

std::optional<std::string> WorkQueue::try_get() {
  std::lock_guard lock(mu_);
  if (shutting_down_) return std::nullopt;
  promote_ready_locked(clock_.now());
  return pop_locked();
}

void WorkQueue::done(const std::string& item) {
  std::lock_guard lock(mu_);
  processing_.erase(item);
  if (dirty_.contains(item) && !shutting_down_) {
    queue_.push_back(item);
    cv_.notify_one();
  }
}

void WorkQueue::shutdown() {
  std::lock_guard lock(mu_);
  shutting_down_ = true;
  cv_.notify_all();
}

bool WorkQueue::shutting_down() const {
  std::lock_guard lock(mu_);
  return shutting_down_;
}

size_t WorkQueue::len() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

size_t WorkQueue::waiting() const {
  std::lock_guard lock(mu_);
  return delayed_.size();
}

void run_workers(WorkQueue& queue, int workers, const std::function<bool(const std::string& item)>& reconcile) {
  std::vector<std::jthread> threads;
  for (int i = 0; i < std::max(1, workers); ++i) {
    threads.emplace_back([&queue, &reconcile] {
      while (auto item = queue.get()) {
        bool ok = false;
        try {
          ok = reconcile(*item);
        } catch (const std::exception& e) {
          spdlog::error("work queue: reconcile of {} threw: {}", *item, e.what());
        }
        if (ok) {
          queue.forget(*item);
        } else {
          queue.add_rate_limited(*item);
        }
        queue.done(*item);
      }
    });
  }
}

}  // namespace skiff::client
