#include "scheduler/preemption.h"

#include <algorithm>
#include <limits>

#include "scheduler/failure_message.h"
#include "scheduler/plugins.h"

namespace skiff::scheduler {
namespace {

struct Candidate {
  NodeId node = kNone;
  std::vector<PodId> victims;  // most important first
};

// Start times compare as RFC 3339 strings; a pod that has not started counts as now (latest).
bool started_before(const std::string& a, const std::string& b) {
  if (a.empty()) return false;
  if (b.empty()) return true;
  return a < b;
}

void take_out(CycleState& state, ClusterSnapshot& snap, PodId id) {
  snap.set_counted(id, false);
  spread_update(state, snap, snap.pod(id), -1);
  inter_pod_update(state, snap, snap.pod(id), -1);
}

void put_back(CycleState& state, ClusterSnapshot& snap, PodId id) {
  snap.set_counted(id, true);
  spread_update(state, snap, snap.pod(id), 1);
  inter_pod_update(state, snap, snap.pod(id), 1);
}

// SelectVictimsOnNode: remove every lower-priority pod; if the pod fits,
// reprieve as many as possible, most important first.
FilterStatus select_victims(CycleState& state, ClusterSnapshot& snap, NodeId node_id, std::vector<PodId>& victims) {
  const PodView& pod = *state.pod;
  std::vector<PodId> potential;
  for (PodId id : snap.node(node_id).pods)
    if (snap.pod(id).counted && !snap.pod(id).nominated && snap.pod(id).view.priority < pod.priority)
      potential.push_back(id);
  if (potential.empty()) return FilterStatus::unresolvable(reason::kNoVictims);
  for (PodId id : potential) take_out(state, snap, id);
  FilterStatus s = SchedulingAlgorithm::run_filters(state, snap.node(node_id));
  if (!s.ok()) {
    for (PodId id : potential) put_back(state, snap, id);
    return s;
  }
  std::sort(potential.begin(), potential.end(),
            [&](PodId a, PodId b) { return more_important(snap.pod(a).view, snap.pod(b).view); });
  for (PodId id : potential) {
    put_back(state, snap, id);
    if (!SchedulingAlgorithm::run_filters(state, snap.node(node_id)).ok()) {
      take_out(state, snap, id);
      victims.push_back(id);
    }
  }
  for (PodId id : victims) put_back(state, snap, id);
  return FilterStatus::success();
}

// pickOneNodeForPreemption without PDBs: lowest highest-victim priority,
// lowest priority sum, fewest victims, latest start of the most important
// victims, then the first.
size_t pick_candidate(const ClusterSnapshot& snap, const std::vector<Candidate>& candidates) {
  std::vector<size_t> left(candidates.size());
  for (size_t i = 0; i < left.size(); i++) {
    if (candidates[i].victims.empty()) return i;
    left[i] = i;
  }
  auto keep_min = [&](auto key) {
    auto best = key(candidates[left[0]]);
    for (size_t i : left) best = std::min(best, key(candidates[i]));
    std::erase_if(left, [&](size_t i) { return key(candidates[i]) != best; });
  };
  keep_min([&](const Candidate& c) { return static_cast<int64_t>(snap.pod(c.victims[0]).view.priority); });
  keep_min([&](const Candidate& c) {
    int64_t sum = 0;
    for (PodId v : c.victims)
      sum += static_cast<int64_t>(snap.pod(v).view.priority) + std::numeric_limits<int32_t>::max() + 1;
    return sum;
  });
  keep_min([&](const Candidate& c) { return c.victims.size(); });
  if (left.size() == 1) return left[0];
  // The earliest start among the highest-priority victims; the latest of those wins.
  auto earliest = [&](const Candidate& c) {
    int32_t top = snap.pod(c.victims[0]).view.priority;
    const std::string* e = nullptr;
    for (PodId v : c.victims) {
      const PodView& p = snap.pod(v).view;
      if (p.priority == top && (!e || started_before(p.start_time, *e))) e = &p.start_time;
    }
    return e;
  };
  size_t best = left[0];
  for (size_t i : left)
    if (started_before(*earliest(candidates[best]), *earliest(candidates[i]))) best = i;
  return best;
}

}  // namespace

bool more_important(const PodView& a, const PodView& b) {
  if (a.priority != b.priority) return a.priority > b.priority;
  return started_before(a.start_time, b.start_time);
}

PreemptionResult preempt(const PodView& pod, ClusterSnapshot& snap, const std::vector<NodeFailure>& failures) {
  PreemptionResult result;
  if (pod.preemption_never) {
    result.message = "preemption: not eligible due to preemptionPolicy=Never.";
    return result;
  }
  std::vector<NodeFailure> statuses;
  std::vector<NodeId> potential;
  for (const auto& f : failures) {
    if (f.status.code == FilterStatus::Code::Unschedulable)
      potential.push_back(f.node);
    else
      statuses.push_back({f.node, FilterStatus::unresolvable(reason::kPreemptionNotHelpful)});
  }
  CycleState state;
  state.pod = &pod;
  std::vector<Candidate> candidates;
  if (!potential.empty()) {
    SchedulingAlgorithm::prefilter(state, snap);
    // As kube: stop once max(10% of the nodes, 100) candidates are found.
    size_t want = std::min(potential.size(), std::max<size_t>(potential.size() / 10, 100));
    for (NodeId id : potential) {
      if (candidates.size() >= want) break;
      Candidate c{id, {}};
      FilterStatus s = select_victims(state, snap, id, c.victims);
      if (s.ok())
        candidates.push_back(std::move(c));
      else
        statuses.push_back({id, s});
    }
  }
  if (candidates.empty()) {
    result.message = "preemption: " + fit_error_message(statuses.size(), statuses);
    return result;
  }
  const Candidate& best = candidates[pick_candidate(snap, candidates)];
  result.found = true;
  result.nominated_node = snap.node(best.node).view.name;
  for (PodId v : best.victims) result.victims.push_back(snap.pod(v).view.key());
  return result;
}

}  // namespace skiff::scheduler
