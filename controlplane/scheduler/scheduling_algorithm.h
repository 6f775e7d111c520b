// One scheduling cycle as kube-scheduler's schedulePod: PreFilter, Filter
// over nodes from a round-robin start until enough feasible nodes are found
// (percentageOfNodesToScore), Score with the default profile's weights,
// then the best node (ties broken at random).
#pragma once
#include <cstdint>
#include <random>
#include <vector>

#include "scheduler/cycle_state.h"
#include "scheduler/filter_status.h"

namespace skiff::scheduler {

struct NodeFailure {
  NodeId node = kNone;
  FilterStatus status;
};

struct ScheduleResult {
  NodeId node = kNone;  // kNone: no node fits
  size_t num_all_nodes = 0;
  size_t evaluated_nodes = 0;
  size_t feasible_nodes = 0;
  // Failing nodes with their status; complete (all nodes) when none fits.
  std::vector<NodeFailure> failures;
  bool fits() const { return node != kNone; }
};

struct SchedulerOptions {
  // 0: kube's adaptive default (50% - nodes/125, at least 5%, at least 100 nodes).
  int32_t percentage_of_nodes_to_score = 0;
  uint64_t seed = 1;  // for ties between best nodes
};

class SchedulingAlgorithm {
 public:
  explicit SchedulingAlgorithm(SchedulerOptions options = {});

  ScheduleResult schedule(const PodView& pod, const ClusterSnapshot& snap);
  size_t num_feasible_nodes_to_find(size_t num_all_nodes) const;

  // The pieces preemption reuses.
  static void prefilter(CycleState& state, const ClusterSnapshot& snap);
  static FilterStatus run_filters(const CycleState& state, const NodeInfo& node);
  // Final weighted scores for feasible[i].
  static std::vector<int64_t> score(const CycleState& state, const ClusterSnapshot& snap,
                                    const std::vector<NodeId>& feasible);

 private:
  SchedulerOptions options_;
  size_t next_start_ = 0;
  std::mt19937_64 rng_;
};

}  // namespace skiff::scheduler
