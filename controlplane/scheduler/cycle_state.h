// Per-pod state of one scheduling cycle: what PreFilter/PreScore compute
// once so that Filter/Score per node are cheap. The incremental remove/add
// hooks let preemption's dry run take victims out and put them back.
#pragma once
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "scheduler/snapshot.h"

namespace skiff::scheduler {

struct SpreadConstraintState {
  const TopologySpreadConstraint* constraint = nullptr;
  uint32_t key_id = kNone;  // kNone: no node has the key
  bool self_match = false;
  // Matching pods per domain, indexed by the domain's value id; -1 = not a
  // domain (no eligible node has that value). Dense: value ids are small.
  std::vector<int64_t> counts;
  std::vector<uint32_t> domains;
  // Cached global minimum over domains; recomputed when counts change.
  mutable bool min_dirty = true;
  mutable int64_t min_count = 0;
  int64_t global_min() const;
};

struct SpreadFilterState {
  bool active = false;
  std::vector<SpreadConstraintState> constraints;  // DoNotSchedule ones
};

struct InterPodAffinityState {
  bool active = false;
  std::vector<uint32_t> affinity_keys;  // per required affinity term
  std::vector<uint32_t> anti_keys;      // per required anti-affinity term
  std::unordered_map<uint64_t, int64_t> affinity_counts;
  std::unordered_map<uint64_t, int64_t> anti_counts;
  std::unordered_map<uint64_t, int64_t> existing_anti_counts;
  std::vector<uint32_t> existing_anti_keys;
  bool pod_matches_own_affinity = false;
};

struct CycleState {
  const PodView* pod = nullptr;
  const Labels* pod_ns_labels = nullptr;
  SpreadFilterState spread;
  InterPodAffinityState inter_pod;
};

}  // namespace skiff::scheduler
