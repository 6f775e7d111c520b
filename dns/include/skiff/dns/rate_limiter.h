// Per-client token buckets in a fixed table (no allocation per packet):
// a flood from one address is dropped while other clients keep being
// served. Addresses that collide in the table share a bucket, which errs
// towards limiting, never towards letting a flood through.
#pragma once
#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace skiff::dns {

class RateLimiter {
 public:
  // qps 0 disables the limiter. burst defaults to qps.
  RateLimiter(uint32_t qps, uint32_t burst, size_t slots = 4096);
  bool enabled() const { return qps_ != 0; }
  // `addr`: the client's address bytes; `now_ms`: a monotonic clock.
  bool allow(std::span<const uint8_t> addr, uint64_t now_ms);

 private:
  struct Bucket {
    uint64_t key = 0;
    uint64_t last_ms = 0;
    double tokens = 0;
  };
  uint32_t qps_;
  double burst_;
  std::vector<Bucket> table_;
};

}  // namespace skiff::dns
