#include "skiff/client/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace skiff::client {

ItemExponentialRateLimiter::ItemExponentialRateLimiter(std::chrono::nanoseconds base, std::chrono::nanoseconds max)
    : base_(base), max_(max) {}

std::chrono::nanoseconds ItemExponentialRateLimiter::when(const std::string& item) {
  std::lock_guard lock(mu_);
  int failures = failures_[item]++;
  // In doubles: 2^failures overflows integers long before it passes max.
  double delay = static_cast<double>(base_.count()) * std::pow(2.0, failures);
  if (delay > static_cast<double>(max_.count())) return max_;
  return std::chrono::nanoseconds(static_cast<int64_t>(delay));
}

void ItemExponentialRateLimiter::forget(const std::string& item) {
  std::lock_guard lock(mu_);
  failures_.erase(item);
}

int ItemExponentialRateLimiter::num_requeues(const std::string& item) {
  std::lock_guard lock(mu_);
  auto it = failures_.find(item);
  return it == failures_.end() ? 0 : it->second;
}

BucketRateLimiter::BucketRateLimiter(double qps, int burst, const Clock& clock) : bucket_(qps, burst), clock_(clock) {}

std::chrono::nanoseconds BucketRateLimiter::when(const std::string&) { return bucket_.reserve(clock_.now()); }

MaxOfRateLimiter::MaxOfRateLimiter(std::vector<std::unique_ptr<RateLimiter>> limiters)
    : limiters_(std::move(limiters)) {}

std::chrono::nanoseconds MaxOfRateLimiter::when(const std::string& item) {
  std::chrono::nanoseconds longest{0};
  for (auto& l : limiters_) longest = std::max(longest, l->when(item));
  return longest;
}

void MaxOfRateLimiter::forget(const std::string& item) {
  for (auto& l : limiters_) l->forget(item);
}

int MaxOfRateLimiter::num_requeues(const std::string& item) {
  int most = 0;
  for (auto& l : limiters_) most = std::max(most, l->num_requeues(item));
  return most;
}

std::unique_ptr<RateLimiter> default_controller_rate_limiter(const Clock& clock) {
  std::vector<std::unique_ptr<RateLimiter>> limiters;
  limiters.push_back(std::make_unique<ItemExponentialRateLimiter>(std::chrono::milliseconds(5), std::chrono::seconds(1000)));
  limiters.push_back(std::make_unique<BucketRateLimiter>(10, 100, clock));
  return std::make_unique<MaxOfRateLimiter>(std::move(limiters));
}

}  // namespace skiff::client
