/* skiff_service_stats: per-CPU packet and byte counters, indexed by service id.
 * skiff_events: per-CPU counters of packets the programs dropped, rejected
 * or passed untranslated (and of translated replies), indexed by enum
 * skiff_event. */
#pragma once
#include "abi.h"

struct skiff_service_stats {
	__u64 packets;
	__u64 bytes;
};
SKIFF_ABI_ASSERT(sizeof(struct skiff_service_stats) == 16, "skiff_service_stats layout");

enum skiff_event {
	SKIFF_EV_NO_BACKEND_REJECT = 0, /* no usable backend: RST or ICMP unreachable sent */
	SKIFF_EV_NO_BACKEND_DROP,       /* policy Local and no local backend: dropped */
	SKIFF_EV_MALFORMED,             /* truncated or malformed header: passed untouched */
	SKIFF_EV_FRAGMENT,              /* IP fragment to a frontend: passed untouched */
	SKIFF_EV_CT_CREATE_FAILED,      /* conntrack insert failed */
	SKIFF_EV_BACKEND_MISSING,       /* a Maglev slot pointed at a free backend */
	SKIFF_EV_REVNAT,                /* replies translated back to a frontend */
	SKIFF_EV_MAX,
};
