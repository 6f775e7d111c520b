// The pending-pod queue of kube-scheduler: activeQ ordered by priority then
// enqueue time (PrioritySort), a backoff queue (1 s doubling per attempt up
// to 10 s), and the unschedulable pods that wait for a cluster event (or
// for 5 minutes) before being retried.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>

#include "scheduler/pod_view.h"

namespace skiff::scheduler {

using SteadyTime = std::chrono::steady_clock::time_point;
using NowFn = std::function<SteadyTime()>;

struct QueuedPod {
  PodView pod;
  SteadyTime timestamp{};  // when it entered the queue; orders equal priorities
  int attempts = 0;
  int64_t cycle = 0;  // scheduling cycle in which it was popped
};

struct QueueOptions {
  std::chrono::milliseconds initial_backoff{1000};
  std::chrono::milliseconds max_backoff{10000};
  std::chrono::milliseconds max_in_unschedulable{300000};
};

class SchedulingQueue {
 public:
  explicit SchedulingQueue(NowFn now, QueueOptions options = {});

  void add(PodView pod);     // a new pending pod
  void update(PodView pod);  // changed spec: retried at once unless backing off
  void remove(const std::string& key);
  std::optional<QueuedPod> pop();  // counts an attempt

  // After a failed attempt: to the unschedulable pods, or straight to
  // backoff if a cluster event arrived while it was being scheduled.
  void add_unschedulable(QueuedPod qp);
  // After an error (e.g. the binding failed): retried after backoff.
  void add_backoff(QueuedPod qp);
  // A cluster event (node added/changed, pod deleted, ...) may make
  // unschedulable pods fit: move them to active (or backoff if still in it).
  void move_all_to_active_or_backoff();
  // Backoff that expired -> active; unschedulable for too long -> retried.
  void flush();

  std::chrono::milliseconds backoff_duration(int attempts) const;
  size_t active_size() const { return active_.size(); }
  size_t backoff_size() const { return backoff_.size(); }
  size_t unschedulable_size() const { return unschedulable_.size(); }
  bool contains(const std::string& key) const { return entries_.count(key) != 0; }

 private:
  enum class Where { Active, Backoff, Unschedulable, InFlight };
  struct Entry {
    QueuedPod qp;
    Where where = Where::Active;
    uint64_t seq = 0;
    SteadyTime since{};  // entered backoff/unschedulable
    bool updated_in_flight = false;  // the pod changed during its attempt
  };
  // activeQ order: higher priority first, then earlier timestamp.
  using ActiveKey = std::tuple<int64_t, SteadyTime, uint64_t, std::string>;
  using BackoffKey = std::tuple<SteadyTime, uint64_t, std::string>;

  void place_active(const std::string& key, Entry& e);
  void place_backoff(const std::string& key, Entry& e);
  void unplace(const std::string& key, Entry& e);
  // Returns the attempt's pod to the entry, keeping a newer spec if one came.
  void return_attempt(Entry& e, QueuedPod qp);
  SteadyTime backoff_expiry(const Entry& e) const;

  NowFn now_;
  QueueOptions options_;
  std::unordered_map<std::string, Entry> entries_;
  std::set<ActiveKey> active_;
  std::set<BackoffKey> backoff_;
  std::set<std::string> unschedulable_;
  uint64_t seq_ = 0;
  int64_t cycle_ = 0;
  int64_t move_request_cycle_ = -1;
};

}  // namespace skiff::scheduler
