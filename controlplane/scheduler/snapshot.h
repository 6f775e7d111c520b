// ClusterSnapshot: the scheduler's in-memory cluster state, updated
// incrementally. Per node it keeps the aggregates the filters read
// (requested resources, host ports, pods); pods are grouped by identical
// (namespace, labels) into label sets and by identical pod (anti-)affinity
// into affinity groups, each with per-node counts, so that counting the pods
// a selector matches per topology domain costs O(matching groups x their
// nodes), not O(all pods).
#pragma once
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "scheduler/node_view.h"
#include "scheduler/pod_view.h"
#include "skiff/util/result.h"

namespace skiff::scheduler {

using NodeId = uint32_t;
using PodId = uint32_t;
inline constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();

// Interned strings: node label keys and values become small integers so a
// topology domain is one 64-bit key.
class StringPool {
 public:
  uint32_t intern(std::string_view s);
  uint32_t find(std::string_view s) const;  // kNone when never interned
  const std::string& str(uint32_t id) const { return strings_[id]; }
  size_t size() const { return strings_.size(); }

 private:
  std::unordered_map<std::string, uint32_t> ids_;
  std::vector<std::string> strings_;
};

inline uint64_t topology_pair(uint32_t key, uint32_t value) { return (static_cast<uint64_t>(key) << 32) | value; }

struct HostPortUse {
  HostPort port;
  int32_t count = 0;
};

// Node label values by key id, then by NodeId: one contiguous column per
// label key, so reading a topology key across 5,000 nodes stays in cache.
using LabelColumns = std::vector<std::vector<uint32_t>>;

struct NodeInfo {
  NodeId id = kNone;
  const LabelColumns* label_columns = nullptr;
  bool present = false;  // the Node object is known (pods may arrive first)
  NodeView view;
  std::vector<std::pair<uint32_t, uint32_t>> label_ids;  // sorted by key id
  Resources requested;
  int64_t nonzero_milli_cpu = 0;
  int64_t nonzero_memory = 0;
  int32_t pod_count = 0;
  std::vector<HostPortUse> ports;
  std::vector<PodId> pods;
  size_t order_pos = 0;

  // kNone when the node lacks the label.
  uint32_t label_value(uint32_t key_id) const {
    if (key_id >= label_columns->size()) return kNone;
    const auto& column = (*label_columns)[key_id];
    return id < column.size() ? column[id] : kNone;
  }
  bool port_conflicts(const HostPort& p) const;
};

struct PodRecord {
  PodView view;
  NodeId node = kNone;
  uint32_t label_set = kNone;
  uint32_t affinity_group = kNone;
  bool assumed = false;
  // A reservation for a pod nominated to this node by preemption, waiting
  // for its victims to go: it holds the room against other pods.
  bool nominated = false;
  bool counted = false;  // its resources/labels are in the node aggregates
};

// Pods per node for one group: entries stored contiguously (iterated on
// every scheduling cycle) with an index for the incremental updates.
class NodeCounts {
 public:
  void add(NodeId node, int32_t delta);
  auto begin() const { return entries_.begin(); }
  auto end() const { return entries_.end(); }
  size_t size() const { return entries_.size(); }

 private:
  std::vector<std::pair<NodeId, int32_t>> entries_;
  std::unordered_map<NodeId, uint32_t> index_;
};

struct LabelSet {
  std::string ns;
  Labels labels;
  bool terminating = false;
  NodeCounts per_node;
  int32_t total = 0;
};

struct AffinityGroup {
  std::string ns;
  std::vector<PodAffinityTerm> required_affinity;
  std::vector<PodAffinityTerm> required_anti_affinity;
  std::vector<WeightedPodAffinityTerm> preferred_affinity;
  std::vector<WeightedPodAffinityTerm> preferred_anti_affinity;
  NodeCounts per_node;
  int32_t total = 0;
};

class ClusterSnapshot {
 public:
  ClusterSnapshot() = default;
  // Nodes point at the snapshot's label columns.
  ClusterSnapshot(const ClusterSnapshot&) = delete;
  ClusterSnapshot& operator=(const ClusterSnapshot&) = delete;

  NodeId upsert_node(NodeView node);
  bool remove_node(const std::string& name);

  // A bound pod (spec.nodeName set). Pods without a node, and finished pods
  // (Succeeded/Failed), are removed instead: they hold no resources.
  Result<PodId> upsert_pod(PodView pod);
  // The scheduler's own decision, counted before the binding is confirmed.
  Result<PodId> assume_pod(PodView pod, const std::string& node_name);
  // Holds room on node_name for a preemptor (PodRecord::nominated); replaced
  // when the pod is assumed or bound, gone when it is removed.
  Result<PodId> reserve_nominated(PodView pod, const std::string& node_name);
  bool remove_pod(const std::string& key);

  // Preemption's dry run: take a pod out of (or back into) the aggregates
  // without forgetting it.
  void set_counted(PodId id, bool counted);

  void set_namespace_labels(const std::string& ns, Labels labels);
  const Labels& namespace_labels(const std::string& ns) const;

  NodeId find_node(const std::string& name) const;
  PodId find_pod(const std::string& key) const;
  const std::vector<NodeId>& nodes() const { return order_; }  // present nodes, scheduling order
  size_t node_count() const { return order_.size(); }
  size_t node_slots() const { return nodes_.size(); }  // NodeIds are below this
  const NodeInfo& node(NodeId id) const { return nodes_[id]; }
  const PodRecord& pod(PodId id) const { return pods_[id]; }
  size_t pod_count() const { return pod_ids_.size(); }

  const StringPool& strings() const { return strings_; }
  const std::vector<LabelSet>& label_sets() const { return label_sets_; }
  // Calls fn for each non-empty label set that could match sel (narrowed by
  // an index on one of its In requirements; the caller still checks).
  void for_each_label_set(const LabelSelector& sel, const std::function<void(const LabelSet&)>& fn) const;
  const std::vector<AffinityGroup>& affinity_groups() const { return groups_; }
  // Nodes hosting at least one pod with pod (anti-)affinity.
  size_t pods_with_affinity() const { return pods_with_affinity_; }
  size_t pods_with_required_anti_affinity() const { return pods_with_required_anti_; }

 private:
  NodeId node_slot(const std::string& name);
  void release_node_if_unused(NodeId id);
  void set_label_columns(NodeId id, bool write);
  void account(PodId id, int sign);
  uint32_t label_set_for(const PodView& pod);
  uint32_t affinity_group_for(const PodView& pod);
  void unlink_pod(PodId id);
  Result<PodId> insert_pod(PodView pod, bool assumed, bool nominated = false);

  StringPool strings_;
  std::vector<NodeInfo> nodes_;
  LabelColumns label_columns_;
  std::unordered_map<std::string, NodeId> node_ids_;
  std::vector<NodeId> free_nodes_;
  std::vector<NodeId> order_;

  std::vector<PodRecord> pods_;
  std::unordered_map<std::string, PodId> pod_ids_;
  std::vector<PodId> free_pods_;

  std::vector<LabelSet> label_sets_;
  std::unordered_map<std::string, uint32_t> label_set_ids_;
  std::unordered_map<std::string, std::vector<uint32_t>> label_index_;  // "key\0value" -> label sets
  std::vector<AffinityGroup> groups_;
  std::unordered_map<std::string, uint32_t> group_ids_;
  size_t pods_with_affinity_ = 0;
  size_t pods_with_required_anti_ = 0;

  std::map<std::string, Labels> namespaces_;
  mutable std::map<std::string, Labels> default_namespace_labels_;
};

}  // namespace skiff::scheduler
