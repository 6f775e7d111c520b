// The message of an unschedulable pod, formatted exactly as kube-scheduler's
// FitError: it is the PodScheduled=False (reason Unschedulable) condition
// message and the FailedScheduling event note, e.g.
//   0/3 nodes are available: 1 node(s) had untolerated taint
//   {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu.
//   preemption: 0/3 nodes are available: 3 No preemption victims found for
//   incoming pod..
// (the doubled final period is kube's own: the preemption message ends in
// one and the separator adds another).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "scheduler/scheduling_algorithm.h"

namespace skiff::scheduler {

inline constexpr std::string_view kNoNodesAvailable = "no nodes available to schedule pods";

// "2 Insufficient cpu, 3 node(s) were unschedulable": each reason counted
// over nodes, the strings sorted.
std::string reasons_histogram(const std::vector<NodeFailure>& failures);

std::string fit_error_message(size_t num_all_nodes, const std::vector<NodeFailure>& failures,
                              std::string_view post_filter_message = {});

// Event notes are limited to 1024 bytes; longer ones end in " ...".
std::string truncate_event_message(std::string message);

}  // namespace skiff::scheduler
