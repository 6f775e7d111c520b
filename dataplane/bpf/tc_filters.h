// tc filters of Skiff's programs on network devices. Unlike XDP and cgroup
// attachments they cannot be pinned: they live on the devices, so an agent
// restart replaces them in place, and uninstall finds them by the maps their
// programs use.
#pragma once
#include <bpf/libbpf.h>

#include <string>

#include "skiff/util/result.h"

namespace skiff::dp {

// Attaches (or replaces) `prog` as Skiff's filter at `point` of the device.
Result<> attach_tc_filter(int ifindex, bpf_tc_attach_point point, const bpf_program* prog);

// Removes, from every device of the current network namespace, Skiff's
// filters whose programs use the map with id `map_id`. Returns how many.
int detach_tc_filters_using(uint32_t map_id);

}  // namespace skiff::dp
