// A token bucket: `qps` tokens per second, at most `burst` saved up. Used for
// the client's request rate limit and the work queue's overall limit.
#pragma once
#include <chrono>
#include <mutex>

namespace skiff::client {

class TokenBucket {
 public:
  TokenBucket(double qps, int burst);
  // Takes a token (possibly one not yet earned) and says how long the caller
  // must wait before using it. Zero when one was available.
  std::chrono::nanoseconds reserve(std::chrono::steady_clock::time_point now);

 private:
  std::mutex mu_;
  double qps_;
  double burst_;
  double tokens_;
  std::chrono::steady_clock::time_point last_{};
  bool started_ = false;
};

}  // namespace skiff::client
