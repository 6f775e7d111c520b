// Scheduler: the queue, the cluster snapshot and the scheduling cycle
// together. Informer callbacks feed on_* (later wiring); schedule_one()
// takes the next pod and produces a Binding, or an Unschedulable report
// (with preemption when it helps), through the Binder.
#pragma once
#include <set>
#include <string>
#include <vector>

#include "scheduler/binder.h"
#include "scheduler/scheduling_algorithm.h"
#include "scheduler/scheduling_queue.h"
#include "scheduler/snapshot.h"

namespace skiff::scheduler {

class Scheduler {
 public:
  Scheduler(Binder& binder, SchedulerOptions options = {}, NowFn now = std::chrono::steady_clock::now,
            QueueOptions queue_options = {});

  // Cluster events.
  void on_node(NodeView node);  // added or updated
  void on_node_deleted(const std::string& name);
  // A pod added or updated: bound pods go to the snapshot, pending pods for
  // this scheduler to the queue.
  void on_pod(PodView pod);
  void on_pod_deleted(const std::string& key);
  void on_namespace(const std::string& ns, Labels labels);

  // One scheduling attempt; false when no pod is ready to be tried.
  bool schedule_one();
  // Attempts until the active queue is empty; returns how many were made.
  size_t run_until_idle();
  // Periodic: expired backoff and long-unschedulable pods back to active.
  void tick() { queue_.flush(); }

  const ClusterSnapshot& snapshot() const { return snapshot_; }
  SchedulingQueue& queue() { return queue_; }
  const std::string& scheduler_name() const { return name_; }

 private:
  // Nominated pods' reservations hold room for pods of lower or equal
  // priority (kube's RunFilterPluginsWithNominatedPods): higher-priority
  // pods, and the nominated pod itself, do not see them.
  std::vector<PodId> hide_reservations_for(const PodView& pod);
  void restore_reservations(const std::vector<PodId>& hidden);

  Binder& binder_;
  std::string name_ = kDefaultSchedulerName;
  ClusterSnapshot snapshot_;
  SchedulingQueue queue_;
  SchedulingAlgorithm algorithm_;
  std::set<std::string> nominated_;  // keys with a reservation in the snapshot
};

}  // namespace skiff::scheduler
