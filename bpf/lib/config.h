/* Load-time configuration: user space sets these through the skeleton's
 * rodata before load, so one compiled object serves every node. */
#pragma once
#include "common.h"

/* Source address for hairpin flows (a pod reaching itself through a
 * service): 169.254.42.1, link-local so it never collides with pod CIDRs. */
const volatile __be32 skiff_hairpin_addr = bpf_htonl(0xa9fe2a01);

/* Node address used to SNAT north-south flows to remote backends in XDP;
 * 0 disables SNAT (replies must then find their way back by routing). */
const volatile __be32 skiff_snat_addr = 0;
