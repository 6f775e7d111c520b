// DefaultPreemption (PostFilter): find a node where evicting pods of lower
// priority lets the pod fit, with the fewest and least important victims
// (kube's SelectVictimsOnNode and pickOneNodeForPreemption, without
// PodDisruptionBudgets).
#pragma once
#include <string>
#include <vector>

#include "scheduler/scheduling_algorithm.h"

namespace skiff::scheduler {

struct PreemptionResult {
  bool found = false;
  std::string nominated_node;
  std::vector<std::string> victims;  // pod keys ("ns/name"), most important first
  // PostFilter status message when nothing was found, already prefixed with
  // "preemption: " as the FitError shows it.
  std::string message;
};

// `failures` are the statuses of every node from the failed cycle. The
// snapshot is changed during the dry run and restored before returning.
PreemptionResult preempt(const PodView& pod, ClusterSnapshot& snap, const std::vector<NodeFailure>& failures);

// MoreImportantPod: higher priority, then the earlier start.
bool more_important(const PodView& a, const PodView& b);

}  // namespace skiff::scheduler
