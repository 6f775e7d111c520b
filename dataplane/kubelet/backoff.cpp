#include "kubelet/backoff.h"

#include <algorithm>

namespace skiff::kubelet {

std::chrono::milliseconds backoff_delay(const BackoffPolicy& policy, int restarts) {
  auto d = policy.initial;
  for (int i = 0; i < restarts && d < policy.max; ++i) d *= 2;
  return std::min(d, policy.max);
}

Backoff::Clock::time_point Backoff::fail(const std::string& key, Clock::time_point now) {
  Entry& e = entries_[key];
  e.next = now + backoff_delay(policy_, e.failures);
  ++e.failures;
  return e.next;
}

bool Backoff::in_backoff(const std::string& key, Clock::time_point now) const {
  auto it = entries_.find(key);
  return it != entries_.end() && now < it->second.next;
}

Backoff::Clock::time_point Backoff::next_attempt(const std::string& key) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? Clock::time_point{} : it->second.next;
}

void Backoff::ran(const std::string& key, Clock::time_point started, Clock::time_point now) {
  if (now - started >= policy_.reset_after) entries_.erase(key);
}

}  // namespace skiff::kubelet
