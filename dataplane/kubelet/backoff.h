// Crash-loop backoff of a container restart (and of image pulls): the
// kubelet's 10 s doubling to 300 s, reset once the container ran cleanly for
// `reset_after` (10 min in the kubelet).
#pragma once
#include <chrono>
#include <map>
#include <string>

namespace skiff::kubelet {

struct BackoffPolicy {
  std::chrono::milliseconds initial = std::chrono::seconds(10);
  std::chrono::milliseconds max = std::chrono::seconds(300);
  std::chrono::milliseconds reset_after = std::chrono::minutes(10);
};

// The delay before restart number `restarts` + 1 (restarts = 0: first retry).
std::chrono::milliseconds backoff_delay(const BackoffPolicy& policy, int restarts);

// Per-key (container name) backoff state.
class Backoff {
 public:
  using Clock = std::chrono::steady_clock;
  explicit Backoff(BackoffPolicy policy = {}) : policy_(policy) {}
  // Records a failure at `now`; returns when the next attempt may start.
  Clock::time_point fail(const std::string& key, Clock::time_point now);
  // True while the key is inside its backoff window.
  bool in_backoff(const std::string& key, Clock::time_point now) const;
  Clock::time_point next_attempt(const std::string& key) const;
  // The container ran since `started`: if that was long enough, forget its failures.
  void ran(const std::string& key, Clock::time_point started, Clock::time_point now);
  void reset(const std::string& key) { entries_.erase(key); }
  const BackoffPolicy& policy() const { return policy_; }

 private:
  struct Entry {
    int failures = 0;
    Clock::time_point next;
  };
  BackoffPolicy policy_;
  std::map<std::string, Entry> entries_;
};

}  // namespace skiff::kubelet
