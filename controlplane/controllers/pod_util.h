// Pod predicates shared by the workload controllers (podutil and
// controller_utils in Kubernetes).
#pragma once
#include <optional>
#include <vector>

#include "controllers/actions.h"

namespace skiff::controllers {

std::string pod_phase(const Json& pod);  // "Pending" when unset
// Not Succeeded/Failed and not being deleted (controller.IsPodActive).
bool pod_active(const Json& pod);
bool pod_ready(const Json& pod);
std::optional<Time> pod_ready_since(const Json& pod);  // Ready condition's lastTransitionTime
// Ready for at least minReadySeconds (podutil.IsPodAvailable).
bool pod_available(const Json& pod, int64_t min_ready_seconds, Time now);
int64_t pod_max_restarts(const Json& pod);

// Orders pods so that the ones to delete first come first
// (controller.ActivePodsWithRanks with LogarithmicScaleDown, on by default):
// unassigned < assigned; Pending < Unknown < Running; not ready < ready;
// lower pod-deletion-cost first; more co-located related pods first; ready
// for a shorter time first (log2 buckets); more restarts first; newer first
// (log2 buckets); then uid.
// `ranks[i]` is pods[i]'s count of related pods on its node.
void sort_pods_for_deletion(std::vector<const Json*>& pods, const std::vector<int>& ranks, Time now);

}  // namespace skiff::controllers
