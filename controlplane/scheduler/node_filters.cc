// Filters that look at one node and the pod only.
#include <algorithm>

#include "scheduler/plugins.h"

namespace skiff::scheduler {

bool tolerates(const std::vector<Toleration>& tolerations, const Taint& taint) {
  for (const auto& t : tolerations) {
    if (!t.effect.empty() && t.effect != taint.effect) continue;
    if (!t.key.empty() && t.key != taint.key) continue;
    // An empty key with Exists tolerates every taint; an empty key with
    // Equal tolerates nothing (validation forbids it).
    if (t.key.empty() && t.op != Toleration::Op::Exists) continue;
    if (t.op == Toleration::Op::Exists || t.value == taint.value) return true;
  }
  return false;
}

FilterStatus filter_node_unschedulable(const PodView& pod, const NodeInfo& node) {
  if (!node.view.unschedulable) return FilterStatus::success();
  static const Taint unschedulable_taint = make_taint("node.kubernetes.io/unschedulable", "", "NoSchedule");
  if (tolerates(pod.tolerations, unschedulable_taint)) return FilterStatus::success();
  return FilterStatus::unresolvable(reason::kNodeUnschedulable);
}

FilterStatus filter_node_name(const PodView& pod, const NodeInfo& node) {
  if (pod.node_name.empty() || pod.node_name == node.view.name) return FilterStatus::success();
  return FilterStatus::unresolvable(reason::kNodeName);
}

// The first NoSchedule/NoExecute taint (in node order) the pod does not tolerate.
FilterStatus filter_taint_toleration(const PodView& pod, const NodeInfo& node) {
  for (const auto& taint : node.view.taints) {
    if (taint.effect != "NoSchedule" && taint.effect != "NoExecute") continue;
    if (!tolerates(pod.tolerations, taint)) return FilterStatus::unresolvable(taint.untolerated_reason);
  }
  return FilterStatus::success();
}

bool tolerates_node_taints(const PodView& pod, const NodeInfo& node) {
  return filter_taint_toleration(pod, node).ok();
}

bool matches_required_node_affinity(const PodView& pod, const NodeInfo& node) {
  for (const auto& [k, v] : pod.node_selector) {
    const std::string* have = find_label(node.view.labels, k);
    if (!have || *have != v) return false;
  }
  if (!pod.has_required_node_affinity) return true;
  for (const auto& term : pod.required_node_terms)
    if (term.matches(node.view.labels, node.view.name)) return true;
  return false;
}

FilterStatus filter_node_affinity(const PodView& pod, const NodeInfo& node) {
  if (matches_required_node_affinity(pod, node)) return FilterStatus::success();
  return FilterStatus::unresolvable(reason::kNodeAffinity);
}

FilterStatus filter_node_ports(const PodView& pod, const NodeInfo& node) {
  for (const auto& hp : pod.host_ports)
    if (node.port_conflicts(hp)) return FilterStatus::unschedulable(reason::kNodePorts);
  return FilterStatus::success();
}

// NodeResourcesFit: every shortage is its own reason, pods count first.
FilterStatus filter_node_resources_fit(const PodView& pod, const NodeInfo& node) {
  FilterStatus s;
  const Resources& alloc = node.view.allocatable;
  const Resources& used = node.requested;
  if (node.pod_count + 1 > alloc.pods) s.add(reason::kTooManyPods);
  const Resources& req = pod.requests;
  if (!req.empty()) {
    if (req.milli_cpu > 0 && req.milli_cpu > alloc.milli_cpu - used.milli_cpu) s.add(reason::kInsufficientCpu);
    if (req.memory > 0 && req.memory > alloc.memory - used.memory) s.add(reason::kInsufficientMemory);
    if (req.ephemeral_storage > 0 && req.ephemeral_storage > alloc.ephemeral_storage - used.ephemeral_storage)
      s.add(reason::kInsufficientEphemeralStorage);
    size_t i = 0;
    for (const auto& [name, v] : req.scalar) {
      if (v <= 0) continue;
      if (v > alloc.scalar_value(name) - used.scalar_value(name)) s.add(pod.insufficient_scalar_reasons[i]);
      i++;
    }
  }
  if (s.count > 0) s.code = FilterStatus::Code::Unschedulable;
  return s;
}

}  // namespace skiff::scheduler
