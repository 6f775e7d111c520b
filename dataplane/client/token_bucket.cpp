#include "skiff/client/token_bucket.h"

#include <algorithm>

namespace skiff::client {

TokenBucket::TokenBucket(double qps, int burst)
    : qps_(qps > 0 ? qps : 0), burst_(std::max(1, burst)), tokens_(std::max(1, burst)) {}

std::chrono::nanoseconds TokenBucket::reserve(std::chrono::steady_clock::time_point now) {
  std::lock_guard lock(mu_);
  if (qps_ <= 0) return std::chrono::nanoseconds(0);  // unlimited
  if (!started_) {
    started_ = true;
    last_ = now;
  }
  if (now > last_) {
    double elapsed = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(burst_, tokens_ + elapsed * qps_);
    last_ = now;
  }
  tokens_ -= 1;
  if (tokens_ >= 0) return std::chrono::nanoseconds(0);
  // A debt: wait until it is paid back.
  return std::chrono::nanoseconds(static_cast<int64_t>(-tokens_ / qps_ * 1e9));
}

}  // namespace skiff::client
