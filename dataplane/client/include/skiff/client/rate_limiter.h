// How long an item waits before it is retried, as client-go's workqueue
// rate limiters compute it. The default controller limiter is the larger of
// a per-item exponential backoff (5 ms doubling to 1000 s) and an overall
// token bucket (10 qps, burst 100).
#pragma once
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "skiff/client/clock.h"
#include "skiff/client/token_bucket.h"

namespace skiff::client {

class RateLimiter {
 public:
  virtual ~RateLimiter() = default;
  // The delay before `item` may be processed again; counts a failure.
  virtual std::chrono::nanoseconds when(const std::string& item) = 0;
  // Forget the item's failures (it succeeded).
  virtual void forget(const std::string& item) = 0;
  virtual int num_requeues(const std::string& item) = 0;
};

// base * 2^failures, capped at max.
class ItemExponentialRateLimiter final : public RateLimiter {
 public:
  ItemExponentialRateLimiter(std::chrono::nanoseconds base, std::chrono::nanoseconds max);
  std::chrono::nanoseconds when(const std::string& item) override;
  void forget(const std::string& item) override;
  int num_requeues(const std::string& item) override;

 private:
  std::mutex mu_;
  std::chrono::nanoseconds base_;
  std::chrono::nanoseconds max_;
  std::unordered_map<std::string, int> failures_;
};

// An overall token bucket, regardless of the item.
class BucketRateLimiter final : public RateLimiter {
 public:
  BucketRateLimiter(double qps, int burst, const Clock& clock = RealClock::instance());
  std::chrono::nanoseconds when(const std::string& item) override;
  void forget(const std::string&) override {}
  int num_requeues(const std::string&) override { return 0; }

 private:
  TokenBucket bucket_;
  const Clock& clock_;
};

// The longest delay of several limiters.
class MaxOfRateLimiter final : public RateLimiter {
 public:
  explicit MaxOfRateLimiter(std::vector<std::unique_ptr<RateLimiter>> limiters);
  std::chrono::nanoseconds when(const std::string& item) override;
  void forget(const std::string& item) override;
  int num_requeues(const std::string& item) override;

 private:
  std::vector<std::unique_ptr<RateLimiter>> limiters_;
};

std::unique_ptr<RateLimiter> default_controller_rate_limiter(const Clock& clock = RealClock::instance());

}  // namespace skiff::client
