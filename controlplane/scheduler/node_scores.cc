// Score plugins that read one node at a time.
#include <algorithm>
#include <cmath>

#include "scheduler/plugins.h"

namespace skiff::scheduler {

void default_normalize(std::vector<int64_t>& scores, bool reverse) {
  int64_t max = 0;
  for (int64_t s : scores) max = std::max(max, s);
  if (max == 0) {
    if (reverse) std::fill(scores.begin(), scores.end(), kMaxNodeScore);
    return;
  }
  for (auto& s : scores) {
    s = kMaxNodeScore * s / max;
    if (reverse) s = kMaxNodeScore - s;
  }
}

namespace {
int64_t least_requested(int64_t requested, int64_t capacity) {
  if (capacity == 0 || requested > capacity) return 0;
  return (capacity - requested) * kMaxNodeScore / capacity;
}
}  // namespace

// NodeResourcesFit, LeastAllocated over cpu and memory (weight 1 each), with
// the non-zero requests so best-effort pods spread too.
bool score_least_allocated(const PodView& pod, const ClusterSnapshot& snap, const std::vector<NodeId>& feasible,
                           std::vector<int64_t>& scores) {
  for (size_t i = 0; i < feasible.size(); i++) {
    const NodeInfo& n = snap.node(feasible[i]);
    int64_t sum = 0, weights = 0;
    if (n.view.allocatable.milli_cpu != 0) {
      sum += least_requested(n.nonzero_milli_cpu + pod.nonzero_milli_cpu, n.view.allocatable.milli_cpu);
      weights++;
    }
    if (n.view.allocatable.memory != 0) {
      sum += least_requested(n.nonzero_memory + pod.nonzero_memory, n.view.allocatable.memory);
      weights++;
    }
    scores[i] = weights ? sum / weights : 0;
  }
  return true;
}

// NodeResourcesBalancedAllocation: 1 - the spread of the cpu and memory
// fractions after placing the pod (actual requests). Skipped for pods that
// request neither, as kube's PreScore does.
bool score_balanced_allocation(const PodView& pod, const ClusterSnapshot& snap, const std::vector<NodeId>& feasible,
                               std::vector<int64_t>& scores) {
  if (pod.requests.milli_cpu == 0 && pod.requests.memory == 0) return false;
  for (size_t i = 0; i < feasible.size(); i++) {
    const NodeInfo& n = snap.node(feasible[i]);
    double fractions[2];
    int count = 0;
    auto fraction = [&](int64_t requested, int64_t alloc) {
      if (alloc == 0) return;
      fractions[count++] = std::min(1.0, static_cast<double>(requested) / static_cast<double>(alloc));
    };
    fraction(n.requested.milli_cpu + pod.requests.milli_cpu, n.view.allocatable.milli_cpu);
    fraction(n.requested.memory + pod.requests.memory, n.view.allocatable.memory);
    double std_dev = count == 2 ? std::abs((fractions[0] - fractions[1]) / 2) : 0.0;
    scores[i] = static_cast<int64_t>((1 - std_dev) * static_cast<double>(kMaxNodeScore));
  }
  return true;
}

// NodeAffinity: sum of the weights of matching preferred terms, normalized.
bool score_node_affinity(const PodView& pod, const ClusterSnapshot& snap, const std::vector<NodeId>& feasible,
                         std::vector<int64_t>& scores) {
  if (pod.preferred_node_terms.empty()) return false;
  for (size_t i = 0; i < feasible.size(); i++) {
    const NodeInfo& n = snap.node(feasible[i]);
    int64_t s = 0;
    for (const auto& t : pod.preferred_node_terms)
      if (t.term.matches(n.view.labels, n.view.name)) s += t.weight;
    scores[i] = s;
  }
  default_normalize(scores, false);
  return true;
}

// TaintToleration: fewer untolerated PreferNoSchedule taints score higher.
bool score_taint_toleration(const PodView& pod, const ClusterSnapshot& snap, const std::vector<NodeId>& feasible,
                            std::vector<int64_t>& scores) {
  std::vector<Toleration> prefer;
  for (const auto& t : pod.tolerations)
    if (t.effect.empty() || t.effect == "PreferNoSchedule") prefer.push_back(t);
  for (size_t i = 0; i < feasible.size(); i++) {
    int64_t count = 0;
    for (const auto& taint : snap.node(feasible[i]).view.taints)
      if (taint.effect == "PreferNoSchedule" && !tolerates(prefer, taint)) count++;
    scores[i] = count;
  }
  default_normalize(scores, true);
  return true;
}

}  // namespace skiff::scheduler
