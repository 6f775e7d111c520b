// PodTopologySpread: DoNotSchedule constraints filter on skew, ScheduleAnyway
// constraints score. Counts come from the snapshot's label sets (pods in the
// pod's namespace, not terminating, matching the selector) per node, then
// per topology domain.
#include <algorithm>
#include <cmath>
#include <limits>

#include "scheduler/plugins.h"

namespace skiff::scheduler {
namespace {

constexpr std::string_view kHostnameLabel = "kubernetes.io/hostname";

// Matching pods per node, indexed by NodeId.
std::vector<int64_t> matching_pods_per_node(const ClusterSnapshot& snap, const PodView& pod, const LabelSelector& sel) {
  std::vector<int64_t> out(snap.node_slots(), 0);
  snap.for_each_label_set(sel, [&](const LabelSet& ls) {
    if (ls.terminating || ls.ns != pod.ns || !sel.matches(ls.labels)) return;
    for (const auto& [node, c] : ls.per_node) out[node] += c;
  });
  return out;
}

bool has_all_keys(const NodeInfo& node, const std::vector<uint32_t>& keys) {
  for (uint32_t k : keys)
    if (k == kNone || node.label_value(k) == kNone) return false;
  return true;
}

// nodeAffinityPolicy / nodeTaintsPolicy (MatchNodeInclusionPolicies).
bool included(const PodView& pod, const TopologySpreadConstraint& c, const NodeInfo& node) {
  if (c.honor_node_affinity && !matches_required_node_affinity(pod, node)) return false;
  if (c.honor_node_taints && !tolerates_node_taints(pod, node)) return false;
  return true;
}

std::vector<uint32_t> filter_keys(const SpreadFilterState& s) {
  std::vector<uint32_t> keys;
  for (const auto& c : s.constraints) keys.push_back(c.key_id);
  return keys;
}

}  // namespace

int64_t SpreadConstraintState::global_min() const {
  if (static_cast<int64_t>(domains.size()) < constraint->min_domains) return 0;
  if (min_dirty) {
    int64_t m = std::numeric_limits<int64_t>::max();
    for (uint32_t d : domains) m = std::min(m, counts[d]);
    min_count = domains.empty() ? 0 : m;
    min_dirty = false;
  }
  return min_count;
}

void prefilter_topology_spread(CycleState& state, const ClusterSnapshot& snap) {
  const PodView& pod = *state.pod;
  SpreadFilterState& s = state.spread;
  s = SpreadFilterState{};
  for (const auto& c : pod.spread_constraints) {
    if (!c.do_not_schedule) continue;
    SpreadConstraintState cs;
    cs.constraint = &c;
    cs.key_id = snap.strings().find(c.topology_key);
    cs.self_match = c.selector.matches(pod.labels);
    s.constraints.push_back(std::move(cs));
  }
  if (s.constraints.empty()) return;
  s.active = true;
  std::vector<uint32_t> keys = filter_keys(s);
  std::vector<std::vector<int64_t>> per_node;
  for (auto& cs : s.constraints) {
    per_node.push_back(matching_pods_per_node(snap, pod, cs.constraint->selector));
    cs.counts.assign(snap.strings().size(), -1);
  }
  for (NodeId id : snap.nodes()) {
    const NodeInfo& node = snap.node(id);
    if (!has_all_keys(node, keys)) continue;
    for (size_t i = 0; i < s.constraints.size(); i++) {
      auto& cs = s.constraints[i];
      if (!included(pod, *cs.constraint, node)) continue;
      int64_t& c = cs.counts[node.label_value(cs.key_id)];
      if (c < 0) {
        c = 0;
        cs.domains.push_back(node.label_value(cs.key_id));
      }
      c += per_node[i][id];
    }
  }
}

FilterStatus filter_topology_spread(const CycleState& state, const NodeInfo& node) {
  const SpreadFilterState& s = state.spread;
  if (!s.active) return FilterStatus::success();
  for (const auto& cs : s.constraints) {
    uint32_t value = cs.key_id == kNone ? kNone : node.label_value(cs.key_id);
    if (value == kNone) return FilterStatus::unresolvable(reason::kSpreadMissingLabel);
  }
  for (const auto& cs : s.constraints) {
    int64_t matching = std::max<int64_t>(cs.counts[node.label_value(cs.key_id)], 0);
    int64_t skew = matching + (cs.self_match ? 1 : 0) - cs.global_min();
    if (skew > cs.constraint->max_skew) return FilterStatus::unschedulable(reason::kSpreadConstraintsNotMatch);
  }
  return FilterStatus::success();
}

void spread_update(CycleState& state, const ClusterSnapshot& snap, const PodRecord& other, int sign) {
  SpreadFilterState& s = state.spread;
  if (!s.active) return;
  const PodView& pod = *state.pod;
  if (other.view.ns != pod.ns || other.view.terminating) return;
  const NodeInfo& node = snap.node(other.node);
  if (!node.present || !has_all_keys(node, filter_keys(s))) return;
  for (auto& cs : s.constraints) {
    if (!included(pod, *cs.constraint, node) || !cs.constraint->selector.matches(other.view.labels)) continue;
    int64_t& c = cs.counts[node.label_value(cs.key_id)];
    if (c >= 0) c += sign;
    cs.min_dirty = true;
  }
}

bool score_topology_spread(const CycleState& state, const ClusterSnapshot& snap, const std::vector<NodeId>& feasible,
                           std::vector<int64_t>& scores) {
  const PodView& pod = *state.pod;
  std::vector<const TopologySpreadConstraint*> constraints;
  for (const auto& c : pod.spread_constraints)
    if (!c.do_not_schedule) constraints.push_back(&c);
  if (constraints.empty()) return false;
  const size_t n = constraints.size();
  std::vector<uint32_t> keys;
  std::vector<bool> hostname(n);
  for (size_t i = 0; i < n; i++) {
    keys.push_back(snap.strings().find(constraints[i]->topology_key));
    hostname[i] = constraints[i]->topology_key == kHostnameLabel;
  }
  // Domains among the feasible nodes that carry every key; others are ignored.
  std::vector<bool> ignored(feasible.size());
  // Per constraint, by domain value id: -1 = no candidate node in that domain.
  std::vector<std::vector<int64_t>> counts(n);
  std::vector<size_t> domains(n, 0);
  for (auto& c : counts) c.assign(snap.strings().size(), -1);
  size_t usable = 0;
  for (size_t f = 0; f < feasible.size(); f++) {
    const NodeInfo& node = snap.node(feasible[f]);
    if (!has_all_keys(node, keys)) {
      ignored[f] = true;
      continue;
    }
    usable++;
    for (size_t i = 0; i < n; i++) {
      int64_t& c = counts[i][node.label_value(keys[i])];
      if (!hostname[i] && c < 0) {
        c = 0;
        domains[i]++;
      }
    }
  }
  std::vector<double> weight(n);
  for (size_t i = 0; i < n; i++) weight[i] = std::log(static_cast<double>((hostname[i] ? usable : domains[i]) + 2));
  std::vector<std::vector<int64_t>> per_node;
  for (size_t i = 0; i < n; i++) per_node.push_back(matching_pods_per_node(snap, pod, constraints[i]->selector));
  // Counts over all nodes, but only for domains a candidate node is in.
  for (size_t i = 0; i < n; i++) {
    if (hostname[i]) continue;
    for (NodeId id : snap.nodes()) {
      int64_t c = per_node[i][id];
      if (c == 0) continue;
      const NodeInfo& node = snap.node(id);
      if (!has_all_keys(node, keys) || !included(pod, *constraints[i], node)) continue;
      int64_t& d = counts[i][node.label_value(keys[i])];
      if (d >= 0) d += c;
    }
  }
  int64_t min_score = std::numeric_limits<int64_t>::max(), max_score = 0;
  for (size_t f = 0; f < feasible.size(); f++) {
    if (ignored[f]) continue;
    const NodeInfo& node = snap.node(feasible[f]);
    double score = 0;
    for (size_t i = 0; i < n; i++) {
      int64_t cnt;
      if (hostname[i]) {
        cnt = per_node[i][feasible[f]];
      } else {
        cnt = counts[i][node.label_value(keys[i])];
      }
      score += static_cast<double>(cnt) * weight[i] + static_cast<double>(constraints[i]->max_skew - 1);
    }
    scores[f] = static_cast<int64_t>(std::round(score));
    min_score = std::min(min_score, scores[f]);
    max_score = std::max(max_score, scores[f]);
  }
  // Fewer matching pods in the node's domains score higher.
  for (size_t f = 0; f < feasible.size(); f++) {
    if (ignored[f])
      scores[f] = 0;
    else if (max_score == 0)
      scores[f] = kMaxNodeScore;
    else
      scores[f] = kMaxNodeScore * (max_score + min_score - scores[f]) / max_score;
  }
  return true;
}

}  // namespace skiff::scheduler
