// InterPodAffinity: the incoming pod's required (anti-)affinity against
// existing pods, existing pods' required anti-affinity against the incoming
// pod, and the preferred terms of both for scoring. Existing pods are read
// through label sets (for the incoming pod's terms) and affinity groups
// (for existing pods' terms), each with per-node counts.
#include <algorithm>
#include <limits>

#include "scheduler/plugins.h"

namespace skiff::scheduler {
namespace {

constexpr int64_t kHardPodAffinityWeight = 1;

void bump(std::unordered_map<uint64_t, int64_t>& m, uint64_t pair, int64_t delta) {
  int64_t& v = m[pair];
  v += delta;
  if (v == 0) m.erase(pair);
}

// Adds count x delta to the domain of each node hosting matched pods.
void add_per_node(const ClusterSnapshot& snap, const NodeCounts& per_node, uint32_t key,
                  int64_t delta, std::unordered_map<uint64_t, int64_t>& out) {
  if (key == kNone) return;
  for (const auto& [id, c] : per_node) {
    const NodeInfo& node = snap.node(id);
    if (!node.present) continue;
    uint32_t v = node.label_value(key);
    if (v != kNone) bump(out, topology_pair(key, v), delta * c);
  }
}

bool matches_all(const std::vector<PodAffinityTerm>& terms, const std::string& ns, const Labels& labels,
                 const Labels& ns_labels) {
  for (const auto& t : terms)
    if (!t.matches(ns, labels, ns_labels)) return false;
  return true;
}

}  // namespace

void prefilter_inter_pod_affinity(CycleState& state, const ClusterSnapshot& snap) {
  const PodView& pod = *state.pod;
  InterPodAffinityState& s = state.inter_pod;
  s = InterPodAffinityState{};
  const Labels& pod_ns_labels = snap.namespace_labels(pod.ns);
  const auto& strings = snap.strings();
  if (snap.pods_with_required_anti_affinity() > 0) {
    for (const auto& g : snap.affinity_groups()) {
      if (g.total == 0 || g.required_anti_affinity.empty()) continue;
      for (const auto& t : g.required_anti_affinity) {
        if (!t.matches(pod.ns, pod.labels, pod_ns_labels)) continue;
        uint32_t key = strings.find(t.topology_key);
        if (key == kNone) continue;
        add_per_node(snap, g.per_node, key, 1, s.existing_anti_counts);
        if (std::find(s.existing_anti_keys.begin(), s.existing_anti_keys.end(), key) == s.existing_anti_keys.end())
          s.existing_anti_keys.push_back(key);
      }
    }
  }
  for (const auto& t : pod.required_affinity) s.affinity_keys.push_back(strings.find(t.topology_key));
  for (const auto& t : pod.required_anti_affinity) s.anti_keys.push_back(strings.find(t.topology_key));
  if (!pod.required_affinity.empty()) {
    s.pod_matches_own_affinity = matches_all(pod.required_affinity, pod.ns, pod.labels, pod_ns_labels);
    snap.for_each_label_set(pod.required_affinity[0].selector, [&](const LabelSet& ls) {
      if (!matches_all(pod.required_affinity, ls.ns, ls.labels, snap.namespace_labels(ls.ns))) return;
      for (size_t i = 0; i < pod.required_affinity.size(); i++)
        add_per_node(snap, ls.per_node, s.affinity_keys[i], 1, s.affinity_counts);
    });
  }
  for (size_t i = 0; i < pod.required_anti_affinity.size(); i++) {
    const auto& t = pod.required_anti_affinity[i];
    snap.for_each_label_set(t.selector, [&](const LabelSet& ls) {
      if (t.matches(ls.ns, ls.labels, snap.namespace_labels(ls.ns)))
        add_per_node(snap, ls.per_node, s.anti_keys[i], 1, s.anti_counts);
    });
  }
  s.active = !pod.required_affinity.empty() || !pod.required_anti_affinity.empty() || !s.existing_anti_keys.empty();
}

FilterStatus filter_inter_pod_affinity(const CycleState& state, const NodeInfo& node) {
  const InterPodAffinityState& s = state.inter_pod;
  if (!s.active) return FilterStatus::success();
  if (!s.affinity_keys.empty()) {
    bool pods_exist = true;
    for (uint32_t key : s.affinity_keys) {
      uint32_t v = key == kNone ? kNone : node.label_value(key);
      if (v == kNone) return FilterStatus::unresolvable(reason::kAffinityRulesNotMatch);
      auto it = s.affinity_counts.find(topology_pair(key, v));
      if (it == s.affinity_counts.end() || it->second <= 0) pods_exist = false;
    }
    // The first pod of a group with affinity to itself may go anywhere
    // that has the topology labels.
    if (!pods_exist && !(s.affinity_counts.empty() && s.pod_matches_own_affinity))
      return FilterStatus::unresolvable(reason::kAffinityRulesNotMatch);
  }
  for (uint32_t key : s.anti_keys) {
    uint32_t v = key == kNone ? kNone : node.label_value(key);
    if (v == kNone) continue;
    auto it = s.anti_counts.find(topology_pair(key, v));
    if (it != s.anti_counts.end() && it->second > 0)
      return FilterStatus::unschedulable(reason::kAntiAffinityRulesNotMatch);
  }
  for (uint32_t key : s.existing_anti_keys) {
    uint32_t v = node.label_value(key);
    if (v == kNone) continue;
    auto it = s.existing_anti_counts.find(topology_pair(key, v));
    if (it != s.existing_anti_counts.end() && it->second > 0)
      return FilterStatus::unschedulable(reason::kExistingAntiAffinity);
  }
  return FilterStatus::success();
}

void inter_pod_update(CycleState& state, const ClusterSnapshot& snap, const PodRecord& other, int sign) {
  InterPodAffinityState& s = state.inter_pod;
  const PodView& pod = *state.pod;
  const NodeInfo& node = snap.node(other.node);
  if (!node.present) return;
  const Labels& other_ns_labels = snap.namespace_labels(other.view.ns);
  auto add = [&](uint32_t key, std::unordered_map<uint64_t, int64_t>& m) {
    if (key == kNone) return;
    uint32_t v = node.label_value(key);
    if (v != kNone) bump(m, topology_pair(key, v), sign);
  };
  if (!pod.required_affinity.empty() &&
      matches_all(pod.required_affinity, other.view.ns, other.view.labels, other_ns_labels))
    for (uint32_t key : s.affinity_keys) add(key, s.affinity_counts);
  for (size_t i = 0; i < pod.required_anti_affinity.size(); i++)
    if (pod.required_anti_affinity[i].matches(other.view.ns, other.view.labels, other_ns_labels))
      add(s.anti_keys[i], s.anti_counts);
  const Labels& pod_ns_labels = snap.namespace_labels(pod.ns);
  for (const auto& t : other.view.required_anti_affinity) {
    if (!t.matches(pod.ns, pod.labels, pod_ns_labels)) continue;
    uint32_t key = snap.strings().find(t.topology_key);
    if (key == kNone) continue;
    add(key, s.existing_anti_counts);
    if (std::find(s.existing_anti_keys.begin(), s.existing_anti_keys.end(), key) == s.existing_anti_keys.end())
      s.existing_anti_keys.push_back(key);
  }
  s.active = !pod.required_affinity.empty() || !pod.required_anti_affinity.empty() || !s.existing_anti_keys.empty();
}

bool score_inter_pod_affinity(const CycleState& state, const ClusterSnapshot& snap,
                              const std::vector<NodeId>& feasible, std::vector<int64_t>& scores) {
  const PodView& pod = *state.pod;
  bool has_preferences = !pod.preferred_affinity.empty() || !pod.preferred_anti_affinity.empty();
  if (!has_preferences && snap.pods_with_affinity() == 0) return false;
  const auto& strings = snap.strings();
  std::unordered_map<uint64_t, int64_t> by_domain;
  std::vector<uint32_t> keys;
  auto note_key = [&](uint32_t key) {
    if (key != kNone && std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
  };
  // The incoming pod's preferred terms against existing pods.
  auto incoming = [&](const std::vector<WeightedPodAffinityTerm>& terms, int64_t sign) {
    for (const auto& w : terms) {
      uint32_t key = strings.find(w.term.topology_key);
      if (key == kNone) continue;
      note_key(key);
      snap.for_each_label_set(w.term.selector, [&](const LabelSet& ls) {
        if (w.term.matches(ls.ns, ls.labels, snap.namespace_labels(ls.ns)))
          add_per_node(snap, ls.per_node, key, sign * w.weight, by_domain);
      });
    }
  };
  incoming(pod.preferred_affinity, 1);
  incoming(pod.preferred_anti_affinity, -1);
  // Existing pods' terms against the incoming pod.
  const Labels& pod_ns_labels = snap.namespace_labels(pod.ns);
  for (const auto& g : snap.affinity_groups()) {
    if (g.total == 0) continue;
    auto existing = [&](const PodAffinityTerm& t, int64_t weight) {
      if (!t.matches(pod.ns, pod.labels, pod_ns_labels)) return;
      uint32_t key = strings.find(t.topology_key);
      if (key == kNone) return;
      note_key(key);
      add_per_node(snap, g.per_node, key, weight, by_domain);
    };
    for (const auto& t : g.required_affinity) existing(t, kHardPodAffinityWeight);
    for (const auto& w : g.preferred_affinity) existing(w.term, w.weight);
    for (const auto& w : g.preferred_anti_affinity) existing(w.term, -static_cast<int64_t>(w.weight));
  }
  if (by_domain.empty()) return false;
  int64_t min = std::numeric_limits<int64_t>::max(), max = std::numeric_limits<int64_t>::min();
  for (size_t f = 0; f < feasible.size(); f++) {
    const NodeInfo& node = snap.node(feasible[f]);
    int64_t s = 0;
    for (uint32_t key : keys) {
      uint32_t v = node.label_value(key);
      if (v == kNone) continue;
      auto it = by_domain.find(topology_pair(key, v));
      if (it != by_domain.end()) s += it->second;
    }
    scores[f] = s;
    min = std::min(min, s);
    max = std::max(max, s);
  }
  int64_t diff = max - min;
  for (auto& s : scores)
    s = diff > 0 ? static_cast<int64_t>(static_cast<double>(kMaxNodeScore) * (static_cast<double>(s - min) /
                                                                                 static_cast<double>(diff)))
                 : 0;
  return true;
}

}  // namespace skiff::scheduler
