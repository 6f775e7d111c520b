// A bearer token: static, or read from a file and re-read after an interval,
// because projected service account tokens are rotated by the kubelet.
#pragma once
#include <chrono>
#include <mutex>
#include <string>

#include "skiff/client/clock.h"

namespace skiff::client {

class BearerTokenSource {
 public:
  BearerTokenSource(std::string static_token, std::string token_file, std::chrono::seconds reload_interval,
                    const Clock& clock = RealClock::instance());
  // The token to send now (empty: none). A failed re-read keeps the last good token.
  std::string current();

 private:
  std::mutex mu_;
  std::string token_;
  std::string file_;
  std::chrono::seconds interval_;
  const Clock& clock_;
  std::chrono::steady_clock::time_point next_read_{};
  bool read_once_ = false;
};

}  // namespace skiff::client
