/* skiff_services: one entry per frontend (VIP, port, protocol).
 * A Kubernetes Service port becomes several frontends: its ClusterIPs, each
 * node address with its nodePort, each externalIP and LoadBalancer ingress IP.
 * Frontends that use different traffic policies carry different slot ranges. */
#pragma once
#include "abi.h"

#define SKIFF_SERVICES_MAX 262144

struct skiff_service_key {
	__be32 addr;  /* frontend IPv4 address */
	__be16 port;  /* frontend port */
	__u8 proto;   /* SKIFF_PROTO_* */
	__u8 pad;
};
SKIFF_ABI_ASSERT(sizeof(struct skiff_service_key) == 8, "skiff_service_key layout");

/* Frontend flags. */
#define SKIFF_SVC_F_NODEPORT 0x1        /* reached as <node address>:<nodePort> */
#define SKIFF_SVC_F_EXTERNAL 0x2        /* LoadBalancer ingress IP or externalIP */
#define SKIFF_SVC_F_LOCAL 0x4           /* traffic policy Local: keep the client address, no SNAT */
#define SKIFF_SVC_F_DROP_NO_BACKEND 0x8 /* has endpoints, none eligible here: drop rather than reject */

struct skiff_service {
	__u32 id;               /* index into skiff_service_stats and part of the affinity key */
	__u32 slot_offset;      /* first slot of this frontend's Maglev table in skiff_maglev_slots */
	__u32 slot_count;       /* Maglev table size (prime); 0: no usable backend, reject or drop */
	__u32 affinity_timeout; /* ClientIP affinity in seconds; 0: no affinity */
	__u16 flags;            /* SKIFF_SVC_F_* */
	__u16 pad;
	__u32 pad2;
};
SKIFF_ABI_ASSERT(sizeof(struct skiff_service) == 24, "skiff_service layout");
