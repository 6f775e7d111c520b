#include "scheduler/snapshot.h"

#include <algorithm>

namespace skiff::scheduler {

uint32_t StringPool::intern(std::string_view s) {
  auto it = ids_.find(std::string(s));
  if (it != ids_.end()) return it->second;
  uint32_t id = static_cast<uint32_t>(strings_.size());
  strings_.emplace_back(s);
  ids_.emplace(strings_.back(), id);
  return id;
}

uint32_t StringPool::find(std::string_view s) const {
  auto it = ids_.find(std::string(s));
  return it == ids_.end() ? kNone : it->second;
}

void NodeCounts::add(NodeId node, int32_t delta) {
  auto it = index_.find(node);
  if (it == index_.end()) {
    if (delta == 0) return;
    index_.emplace(node, static_cast<uint32_t>(entries_.size()));
    entries_.emplace_back(node, delta);
    return;
  }
  auto& e = entries_[it->second];
  e.second += delta;
  if (e.second != 0) return;
  // Swap-remove the emptied entry.
  uint32_t pos = it->second;
  index_.erase(it);
  if (pos + 1 != entries_.size()) {
    entries_[pos] = entries_.back();
    index_[entries_[pos].first] = pos;
  }
  entries_.pop_back();
}

// A wildcard address (0.0.0.0) conflicts with the same port/protocol on any
// address, and any address conflicts with the wildcard (HostPortInfo).
bool NodeInfo::port_conflicts(const HostPort& p) const {
  for (const auto& u : ports) {
    if (u.port.port != p.port || u.port.protocol != p.protocol) continue;
    if (p.ip == "0.0.0.0" || u.port.ip == "0.0.0.0" || u.port.ip == p.ip) return true;
  }
  return false;
}

NodeId ClusterSnapshot::node_slot(const std::string& name) {
  auto it = node_ids_.find(name);
  if (it != node_ids_.end()) return it->second;
  NodeId id;
  if (!free_nodes_.empty()) {
    id = free_nodes_.back();
    free_nodes_.pop_back();
    nodes_[id] = NodeInfo{};
  } else {
    id = static_cast<NodeId>(nodes_.size());
    nodes_.emplace_back();
  }
  nodes_[id].view.name = name;
  nodes_[id].id = id;
  nodes_[id].label_columns = &label_columns_;
  node_ids_.emplace(name, id);
  return id;
}

// Writes the node's labels into the columns, or clears them (kNone).
void ClusterSnapshot::set_label_columns(NodeId id, bool write) {
  for (const auto& [k, v] : nodes_[id].label_ids) {
    if (label_columns_.size() <= k) label_columns_.resize(k + 1);
    auto& column = label_columns_[k];
    if (column.size() <= id) column.resize(nodes_.size(), kNone);
    column[id] = write ? v : kNone;
  }
}

void ClusterSnapshot::release_node_if_unused(NodeId id) {
  NodeInfo& n = nodes_[id];
  if (n.present || !n.pods.empty()) return;
  node_ids_.erase(n.view.name);
  free_nodes_.push_back(id);
}

NodeId ClusterSnapshot::upsert_node(NodeView view) {
  NodeId id = node_slot(view.name);
  NodeInfo& n = nodes_[id];
  set_label_columns(id, false);
  n.label_ids.clear();
  for (const auto& [k, v] : view.labels) n.label_ids.emplace_back(strings_.intern(k), strings_.intern(v));
  std::sort(n.label_ids.begin(), n.label_ids.end());
  set_label_columns(id, true);
  n.view = std::move(view);
  if (!n.present) {
    n.present = true;
    n.order_pos = order_.size();
    order_.push_back(id);
  }
  return id;
}

bool ClusterSnapshot::remove_node(const std::string& name) {
  NodeId id = find_node(name);
  if (id == kNone || !nodes_[id].present) return false;
  NodeInfo& n = nodes_[id];
  // Swap-remove from the scheduling order.
  NodeId last = order_.back();
  order_[n.order_pos] = last;
  nodes_[last].order_pos = n.order_pos;
  order_.pop_back();
  n.present = false;
  set_label_columns(id, false);
  n.label_ids.clear();
  // Pods still bound there stay counted (kube keeps them until deleted).
  release_node_if_unused(id);
  return true;
}

NodeId ClusterSnapshot::find_node(const std::string& name) const {
  auto it = node_ids_.find(name);
  return it == node_ids_.end() ? kNone : it->second;
}

PodId ClusterSnapshot::find_pod(const std::string& key) const {
  auto it = pod_ids_.find(key);
  return it == pod_ids_.end() ? kNone : it->second;
}

uint32_t ClusterSnapshot::label_set_for(const PodView& pod) {
  std::string key = pod.ns;
  key += pod.terminating ? "\1T" : "\1";
  for (const auto& [k, v] : pod.labels) {
    key += '\1';
    key += k;
    key += '\2';
    key += v;
  }
  auto it = label_set_ids_.find(key);
  if (it != label_set_ids_.end()) return it->second;
  uint32_t id = static_cast<uint32_t>(label_sets_.size());
  label_sets_.push_back(LabelSet{pod.ns, pod.labels, pod.terminating, {}, 0});
  label_set_ids_.emplace(std::move(key), id);
  for (const auto& [k, v] : pod.labels) label_index_[k + '\0' + v].push_back(id);
  return id;
}

uint32_t ClusterSnapshot::affinity_group_for(const PodView& pod) {
  if (!pod.has_pod_affinity()) return kNone;
  auto it = group_ids_.find(pod.affinity_signature);
  if (it != group_ids_.end()) return it->second;
  uint32_t id = static_cast<uint32_t>(groups_.size());
  groups_.push_back(AffinityGroup{pod.ns, pod.required_affinity, pod.required_anti_affinity, pod.preferred_affinity,
                                  pod.preferred_anti_affinity, {}, 0});
  group_ids_.emplace(pod.affinity_signature, id);
  return id;
}

void ClusterSnapshot::account(PodId id, int sign) {
  PodRecord& p = pods_[id];
  NodeInfo& n = nodes_[p.node];
  const PodView& v = p.view;
  if (sign > 0)
    n.requested.add(v.requests);
  else
    n.requested.subtract(v.requests);
  n.nonzero_milli_cpu += sign * v.nonzero_milli_cpu;
  n.nonzero_memory += sign * v.nonzero_memory;
  n.pod_count += sign;
  for (const auto& hp : v.host_ports) {
    auto it = std::find_if(n.ports.begin(), n.ports.end(), [&](const HostPortUse& u) { return u.port == hp; });
    if (sign > 0) {
      if (it == n.ports.end())
        n.ports.push_back({hp, 1});
      else
        it->count++;
    } else if (it != n.ports.end() && --it->count == 0) {
      n.ports.erase(it);
    }
  }
  auto bump = [&](NodeCounts& per_node, int32_t& total) {
    total += sign;
    per_node.add(p.node, sign);
  };
  LabelSet& ls = label_sets_[p.label_set];
  bump(ls.per_node, ls.total);
  if (p.affinity_group != kNone) {
    AffinityGroup& g = groups_[p.affinity_group];
    bump(g.per_node, g.total);
    pods_with_affinity_ += sign;
    if (!g.required_anti_affinity.empty()) pods_with_required_anti_ += sign;
  }
  p.counted = sign > 0;
}

void ClusterSnapshot::set_counted(PodId id, bool counted) {
  if (pods_[id].counted == counted) return;
  account(id, counted ? 1 : -1);
}

Result<PodId> ClusterSnapshot::insert_pod(PodView view, bool assumed, bool nominated) {
  std::string key = view.key();
  remove_pod(key);
  PodId id;
  if (!free_pods_.empty()) {
    id = free_pods_.back();
    free_pods_.pop_back();
  } else {
    id = static_cast<PodId>(pods_.size());
    pods_.emplace_back();
  }
  PodRecord& p = pods_[id];
  p = PodRecord{};
  p.node = node_slot(view.node_name);
  p.label_set = label_set_for(view);
  p.affinity_group = affinity_group_for(view);
  p.assumed = assumed;
  p.nominated = nominated;
  p.view = std::move(view);
  nodes_[p.node].pods.push_back(id);
  pod_ids_.emplace(std::move(key), id);
  account(id, 1);
  return id;
}

Result<PodId> ClusterSnapshot::upsert_pod(PodView view) {
  if (view.node_name.empty() || view.phase == "Succeeded" || view.phase == "Failed") {
    remove_pod(view.key());
    return kNone;
  }
  return insert_pod(std::move(view), false);
}

Result<PodId> ClusterSnapshot::assume_pod(PodView view, const std::string& node_name) {
  if (node_name.empty()) return fail("assume pod " + view.key() + ": empty node name");
  view.node_name = node_name;
  return insert_pod(std::move(view), true);
}

Result<PodId> ClusterSnapshot::reserve_nominated(PodView view, const std::string& node_name) {
  if (node_name.empty()) return fail("reserve room for pod " + view.key() + ": empty node name");
  view.node_name = node_name;
  return insert_pod(std::move(view), false, true);
}

void ClusterSnapshot::unlink_pod(PodId id) {
  PodRecord& p = pods_[id];
  if (p.counted) account(id, -1);
  auto& list = nodes_[p.node].pods;
  list.erase(std::find(list.begin(), list.end(), id));
  NodeId node = p.node;
  pod_ids_.erase(p.view.key());
  p = PodRecord{};
  free_pods_.push_back(id);
  release_node_if_unused(node);
}

bool ClusterSnapshot::remove_pod(const std::string& key) {
  PodId id = find_pod(key);
  if (id == kNone) return false;
  unlink_pod(id);
  return true;
}

void ClusterSnapshot::set_namespace_labels(const std::string& ns, Labels labels) {
  labels.emplace_back("kubernetes.io/metadata.name", ns);
  sort_labels(labels);
  namespaces_[ns] = std::move(labels);
}

const Labels& ClusterSnapshot::namespace_labels(const std::string& ns) const {
  auto it = namespaces_.find(ns);
  if (it != namespaces_.end()) return it->second;
  auto& d = default_namespace_labels_[ns];
  if (d.empty()) d.emplace_back("kubernetes.io/metadata.name", ns);
  return d;
}

void ClusterSnapshot::for_each_label_set(const LabelSelector& sel,
                                         const std::function<void(const LabelSet&)>& fn) const {
  if (sel.nothing) return;
  for (const auto& r : sel.requirements) {
    if (r.op != LabelRequirement::Op::In || r.values.size() != 1) continue;
    auto it = label_index_.find(r.key + '\0' + r.values[0]);
    if (it == label_index_.end()) return;
    for (uint32_t id : it->second)
      if (label_sets_[id].total > 0) fn(label_sets_[id]);
    return;
  }
  for (const auto& ls : label_sets_)
    if (ls.total > 0) fn(ls);
}

}  // namespace skiff::scheduler
