#include "scheduler/scheduling_queue.h"

#include <vector>

namespace skiff::scheduler {

SchedulingQueue::SchedulingQueue(NowFn now, QueueOptions options) : now_(std::move(now)), options_(options) {}

std::chrono::milliseconds SchedulingQueue::backoff_duration(int attempts) const {
  auto d = options_.initial_backoff;
  for (int i = 1; i < attempts; i++) {
    d *= 2;
    if (d > options_.max_backoff) return options_.max_backoff;
  }
  return d;
}

SteadyTime SchedulingQueue::backoff_expiry(const Entry& e) const {
  return e.since + backoff_duration(e.qp.attempts);
}

void SchedulingQueue::place_active(const std::string& key, Entry& e) {
  e.where = Where::Active;
  e.seq = ++seq_;
  active_.emplace(-static_cast<int64_t>(e.qp.pod.priority), e.qp.timestamp, e.seq, key);
}

void SchedulingQueue::place_backoff(const std::string& key, Entry& e) {
  e.where = Where::Backoff;
  e.seq = ++seq_;
  backoff_.emplace(backoff_expiry(e), e.seq, key);
}

void SchedulingQueue::unplace(const std::string& key, Entry& e) {
  switch (e.where) {
    case Where::Active:
      active_.erase({-static_cast<int64_t>(e.qp.pod.priority), e.qp.timestamp, e.seq, key});
      break;
    case Where::Backoff:
      backoff_.erase({backoff_expiry(e), e.seq, key});
      break;
    case Where::Unschedulable:
      unschedulable_.erase(key);
      break;
    case Where::InFlight:
      break;
  }
}

void SchedulingQueue::add(PodView pod) {
  std::string key = pod.key();
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    update(std::move(pod));
    return;
  }
  Entry& e = entries_[key];
  e.qp.pod = std::move(pod);
  e.qp.timestamp = now_();
  place_active(key, e);
}

void SchedulingQueue::update(PodView pod) {
  std::string key = pod.key();
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    add(std::move(pod));
    return;
  }
  Entry& e = it->second;
  unplace(key, e);
  e.qp.pod = std::move(pod);
  switch (e.where) {
    case Where::Active:
      place_active(key, e);
      break;
    case Where::Backoff:
      place_backoff(key, e);
      break;
    case Where::Unschedulable:
      // The pod itself changed: it may fit now.
      if (now_() < backoff_expiry(e))
        place_backoff(key, e);
      else
        place_active(key, e);
      break;
    case Where::InFlight:
      e.updated_in_flight = true;  // the attempt finishes with the old spec; the retry uses this one
      break;
  }
}

void SchedulingQueue::remove(const std::string& key) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return;
  unplace(key, it->second);
  entries_.erase(it);
}

std::optional<QueuedPod> SchedulingQueue::pop() {
  if (active_.empty()) return std::nullopt;
  auto first = active_.begin();
  std::string key = std::get<3>(*first);
  active_.erase(first);
  Entry& e = entries_.at(key);
  e.where = Where::InFlight;
  e.qp.attempts++;
  e.qp.cycle = ++cycle_;
  QueuedPod out = e.qp;
  return out;
}

void SchedulingQueue::return_attempt(Entry& e, QueuedPod qp) {
  if (e.updated_in_flight) {
    PodView newer = std::move(e.qp.pod);
    e.qp = std::move(qp);
    e.qp.pod = std::move(newer);
    e.updated_in_flight = false;
  } else {
    e.qp = std::move(qp);
  }
  e.since = now_();
}

void SchedulingQueue::add_unschedulable(QueuedPod qp) {
  std::string key = qp.pod.key();
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.where != Where::InFlight) return;  // deleted meanwhile
  Entry& e = it->second;
  bool changed = e.updated_in_flight;
  return_attempt(e, std::move(qp));
  // A pod changed during its attempt, or a cluster event during it: retry after backoff.
  if (changed || move_request_cycle_ >= e.qp.cycle) {
    place_backoff(key, e);
  } else {
    e.where = Where::Unschedulable;
    unschedulable_.insert(key);
  }
}

void SchedulingQueue::add_backoff(QueuedPod qp) {
  std::string key = qp.pod.key();
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.where != Where::InFlight) return;
  Entry& e = it->second;
  return_attempt(e, std::move(qp));
  place_backoff(key, e);
}

void SchedulingQueue::move_all_to_active_or_backoff() {
  SteadyTime now = now_();
  std::vector<std::string> keys(unschedulable_.begin(), unschedulable_.end());
  unschedulable_.clear();
  for (const auto& key : keys) {
    Entry& e = entries_.at(key);
    if (now < backoff_expiry(e))
      place_backoff(key, e);
    else
      place_active(key, e);
  }
  move_request_cycle_ = cycle_;
}

void SchedulingQueue::flush() {
  SteadyTime now = now_();
  while (!backoff_.empty() && std::get<0>(*backoff_.begin()) <= now) {
    std::string key = std::get<2>(*backoff_.begin());
    backoff_.erase(backoff_.begin());
    place_active(key, entries_.at(key));
  }
  std::vector<std::string> stale;
  for (const auto& key : unschedulable_)
    if (now - entries_.at(key).since > options_.max_in_unschedulable) stale.push_back(key);
  for (const auto& key : stale) {
    unschedulable_.erase(key);
    Entry& e = entries_.at(key);
    if (now < backoff_expiry(e))
      place_backoff(key, e);
    else
      place_active(key, e);
  }
}

}  // namespace skiff::scheduler
