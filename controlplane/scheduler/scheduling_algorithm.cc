#include "scheduler/scheduling_algorithm.h"

#include <algorithm>

#include "scheduler/plugins.h"

namespace skiff::scheduler {
namespace {
constexpr size_t kMinFeasibleNodesToFind = 100;
constexpr int32_t kMinFeasibleNodesPercentageToFind = 5;

// The default profile's score weights.
constexpr int64_t kWeightTaintToleration = 3;
constexpr int64_t kWeightNodeAffinity = 2;
constexpr int64_t kWeightResourcesFit = 1;
constexpr int64_t kWeightTopologySpread = 2;
constexpr int64_t kWeightInterPodAffinity = 2;
constexpr int64_t kWeightBalancedAllocation = 1;
}  // namespace

SchedulingAlgorithm::SchedulingAlgorithm(SchedulerOptions options) : options_(options), rng_(options.seed) {}

size_t SchedulingAlgorithm::num_feasible_nodes_to_find(size_t num_all_nodes) const {
  if (num_all_nodes < kMinFeasibleNodesToFind) return num_all_nodes;
  int64_t percentage = options_.percentage_of_nodes_to_score;
  if (percentage == 0) {
    percentage = 50 - static_cast<int64_t>(num_all_nodes) / 125;
    if (percentage < kMinFeasibleNodesPercentageToFind) percentage = kMinFeasibleNodesPercentageToFind;
  }
  if (percentage >= 100) return num_all_nodes;
  size_t n = num_all_nodes * static_cast<size_t>(percentage) / 100;
  return std::max(n, kMinFeasibleNodesToFind);
}

void SchedulingAlgorithm::prefilter(CycleState& state, const ClusterSnapshot& snap) {
  state.pod_ns_labels = &snap.namespace_labels(state.pod->ns);
  prefilter_topology_spread(state, snap);
  prefilter_inter_pod_affinity(state, snap);
}

FilterStatus SchedulingAlgorithm::run_filters(const CycleState& state, const NodeInfo& node) {
  const PodView& pod = *state.pod;
  FilterStatus s = filter_node_unschedulable(pod, node);
  if (!s.ok()) return s;
  if (s = filter_node_name(pod, node); !s.ok()) return s;
  if (s = filter_taint_toleration(pod, node); !s.ok()) return s;
  if (s = filter_node_affinity(pod, node); !s.ok()) return s;
  if (s = filter_node_ports(pod, node); !s.ok()) return s;
  if (s = filter_node_resources_fit(pod, node); !s.ok()) return s;
  if (s = filter_topology_spread(state, node); !s.ok()) return s;
  return filter_inter_pod_affinity(state, node);
}

std::vector<int64_t> SchedulingAlgorithm::score(const CycleState& state, const ClusterSnapshot& snap,
                                                const std::vector<NodeId>& feasible) {
  const PodView& pod = *state.pod;
  std::vector<int64_t> total(feasible.size(), 0), part(feasible.size());
  auto run = [&](bool ran, int64_t weight) {
    if (ran)
      for (size_t i = 0; i < total.size(); i++) total[i] += part[i] * weight;
    std::fill(part.begin(), part.end(), 0);
  };
  run(score_taint_toleration(pod, snap, feasible, part), kWeightTaintToleration);
  run(score_node_affinity(pod, snap, feasible, part), kWeightNodeAffinity);
  run(score_least_allocated(pod, snap, feasible, part), kWeightResourcesFit);
  run(score_topology_spread(state, snap, feasible, part), kWeightTopologySpread);
  run(score_inter_pod_affinity(state, snap, feasible, part), kWeightInterPodAffinity);
  run(score_balanced_allocation(pod, snap, feasible, part), kWeightBalancedAllocation);
  return total;
}

ScheduleResult SchedulingAlgorithm::schedule(const PodView& pod, const ClusterSnapshot& snap) {
  ScheduleResult result;
  const auto& nodes = snap.nodes();
  result.num_all_nodes = nodes.size();
  if (nodes.empty()) return result;
  CycleState state;
  state.pod = &pod;
  prefilter(state, snap);

  // A nominated node (from an earlier preemption) is tried first.
  if (!pod.nominated_node_name.empty()) {
    NodeId id = snap.find_node(pod.nominated_node_name);
    if (id != kNone && snap.node(id).present && run_filters(state, snap.node(id)).ok()) {
      result.node = id;
      result.evaluated_nodes = result.feasible_nodes = 1;
      return result;
    }
  }

  const size_t all = nodes.size();
  const size_t want = num_feasible_nodes_to_find(all);
  std::vector<NodeId> feasible;
  feasible.reserve(want);
  size_t start = next_start_ % all, processed = 0;
  for (; processed < all && feasible.size() < want; processed++) {
    NodeId id = nodes[(start + processed) % all];
    FilterStatus s = run_filters(state, snap.node(id));
    if (s.ok())
      feasible.push_back(id);
    else
      result.failures.push_back({id, s});
  }
  next_start_ = (start + processed) % all;
  result.evaluated_nodes = processed;
  result.feasible_nodes = feasible.size();
  if (feasible.empty()) return result;
  if (feasible.size() == 1) {
    result.node = feasible[0];
    return result;
  }
  std::vector<int64_t> scores = score(state, snap, feasible);
  // Reservoir sampling among the best scores, as kube's selectHost.
  int64_t best = scores[0];
  size_t chosen = 0, ties = 1;
  for (size_t i = 1; i < scores.size(); i++) {
    if (scores[i] > best) {
      best = scores[i];
      chosen = i;
      ties = 1;
    } else if (scores[i] == best) {
      ties++;
      if (std::uniform_int_distribution<size_t>(0, ties - 1)(rng_) == 0) chosen = i;
    }
  }
  result.node = feasible[chosen];
  return result;
}

}  // namespace skiff::scheduler
