#include "skiff/dns/rate_limiter.h"

#include <algorithm>

namespace skiff::dns {

RateLimiter::RateLimiter(uint32_t qps, uint32_t burst, size_t slots)
    : qps_(qps), burst_(burst ? burst : qps), table_(qps ? std::max<size_t>(slots, 1) : 0) {}

bool RateLimiter::allow(std::span<const uint8_t> addr, uint64_t now_ms) {
  if (!qps_) return true;
  uint64_t key = 1469598103934665603ull;  // FNV-1a
  for (uint8_t b : addr) key = (key ^ b) * 1099511628211ull;
  Bucket& b = table_[key % table_.size()];
  if (b.key != key) {
    b = Bucket{key, now_ms, burst_};
  } else {
    b.tokens = std::min(burst_, b.tokens + (now_ms - b.last_ms) * qps_ / 1000.0);
    b.last_ms = now_ms;
  }
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  return true;
}

}  // namespace skiff::dns
