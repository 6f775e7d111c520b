// kube-scheduler's default-profile plugins, as plain functions over the
// snapshot and the cycle state. Filters run in kube's order:
// NodeUnschedulable, NodeName, TaintToleration, NodeAffinity, NodePorts,
// NodeResourcesFit, PodTopologySpread, InterPodAffinity.
#pragma once
#include <cstdint>
#include <vector>

#include "scheduler/cycle_state.h"
#include "scheduler/filter_status.h"

namespace skiff::scheduler {

inline constexpr int64_t kMaxNodeScore = 100;

// ---- simple node filters (node_filters.cc) ----
FilterStatus filter_node_unschedulable(const PodView& pod, const NodeInfo& node);
FilterStatus filter_node_name(const PodView& pod, const NodeInfo& node);
FilterStatus filter_taint_toleration(const PodView& pod, const NodeInfo& node);
FilterStatus filter_node_affinity(const PodView& pod, const NodeInfo& node);
FilterStatus filter_node_ports(const PodView& pod, const NodeInfo& node);
FilterStatus filter_node_resources_fit(const PodView& pod, const NodeInfo& node);

bool tolerates(const std::vector<Toleration>& tolerations, const Taint& taint);
// nodeSelector AND required node affinity (kube's RequiredNodeAffinity).
bool matches_required_node_affinity(const PodView& pod, const NodeInfo& node);
// No untolerated NoSchedule/NoExecute taint.
bool tolerates_node_taints(const PodView& pod, const NodeInfo& node);

// ---- PodTopologySpread (pod_topology_spread.cc) ----
void prefilter_topology_spread(CycleState& state, const ClusterSnapshot& snap);
FilterStatus filter_topology_spread(const CycleState& state, const NodeInfo& node);
// Preemption: the pod leaves (sign -1) or returns to (+1) a node.
void spread_update(CycleState& state, const ClusterSnapshot& snap, const PodRecord& pod, int sign);
// ScheduleAnyway constraints; returns false when the plugin is skipped.
bool score_topology_spread(const CycleState& state, const ClusterSnapshot& snap, const std::vector<NodeId>& feasible,
                           std::vector<int64_t>& scores);

// ---- InterPodAffinity (inter_pod_affinity.cc) ----
void prefilter_inter_pod_affinity(CycleState& state, const ClusterSnapshot& snap);
FilterStatus filter_inter_pod_affinity(const CycleState& state, const NodeInfo& node);
void inter_pod_update(CycleState& state, const ClusterSnapshot& snap, const PodRecord& pod, int sign);
bool score_inter_pod_affinity(const CycleState& state, const ClusterSnapshot& snap,
                              const std::vector<NodeId>& feasible, std::vector<int64_t>& scores);

// ---- scores (node_scores.cc); each fills scores[i] for feasible[i], 0-100 ----
bool score_least_allocated(const PodView& pod, const ClusterSnapshot& snap, const std::vector<NodeId>& feasible,
                           std::vector<int64_t>& scores);
bool score_balanced_allocation(const PodView& pod, const ClusterSnapshot& snap, const std::vector<NodeId>& feasible,
                               std::vector<int64_t>& scores);
bool score_node_affinity(const PodView& pod, const ClusterSnapshot& snap, const std::vector<NodeId>& feasible,
                         std::vector<int64_t>& scores);
bool score_taint_toleration(const PodView& pod, const ClusterSnapshot& snap, const std::vector<NodeId>& feasible,
                            std::vector<int64_t>& scores);

// helpers.DefaultNormalizeScore
void default_normalize(std::vector<int64_t>& scores, bool reverse);

}  // namespace skiff::scheduler
