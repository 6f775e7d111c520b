/* Per-CPU counters: no atomics needed, user space sums the CPUs. */
#pragma once
#include "maps.h"

static __always_inline void count_event(enum skiff_event ev)
{
	__u32 key = ev;
	__u64 *n = bpf_map_lookup_elem(&skiff_events, &key);

	if (n)
		*n += 1;
}

static __always_inline void count_service(__u32 service_id, __u32 bytes)
{
	struct skiff_service_stats *s = bpf_map_lookup_elem(&skiff_service_stats, &service_id);

	if (s) {
		s->packets += 1;
		s->bytes += bytes;
	}
}
