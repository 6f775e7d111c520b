/* skiff_affinity: sessionAffinity ClientIP. The client is its IPv4 address on
 * the per-packet paths, and its network namespace cookie on the socket path
 * (where one netns is one client). User space removes entries that point at
 * backends a service no longer has. */
#pragma once
#include "abi.h"

#define SKIFF_AFFINITY_MAX 65536

struct skiff_affinity_key {
	__u64 client;     /* IPv4 address (host order, zero-extended) or netns cookie */
	__u32 service_id;
	__u32 pad;
};
SKIFF_ABI_ASSERT(sizeof(struct skiff_affinity_key) == 16, "skiff_affinity_key layout");

struct skiff_affinity {
	__u64 last_used; /* bpf_ktime_get_ns() */
	__u32 backend_id;
	__u32 pad;
};
SKIFF_ABI_ASSERT(sizeof(struct skiff_affinity) == 16, "skiff_affinity layout");
