/* skiff_conntrack: an LRU hash holding both directions of every translated
 * flow. The forward entry (client -> frontend) pins the chosen backend so an
 * established flow keeps it when the backend set changes; the reverse entry
 * (backend -> client, as the reply is seen) restores the frontend as source.
 * Garbage collection of idle entries runs in user space. */
#pragma once
#include "abi.h"

#define SKIFF_CONNTRACK_MAX 524288

#define SKIFF_CT_FORWARD 0
#define SKIFF_CT_REVERSE 1

struct skiff_ct_key {
	__be32 src;
	__be32 dst;
	__be16 sport;
	__be16 dport;
	__u8 proto;
	__u8 dir; /* SKIFF_CT_FORWARD or SKIFF_CT_REVERSE */
	__u16 pad;
};
SKIFF_ABI_ASSERT(sizeof(struct skiff_ct_key) == 16, "skiff_ct_key layout");

#define SKIFF_CT_F_SEEN_REPLY 0x1 /* a reply went through: the flow is established */
#define SKIFF_CT_F_CLOSING 0x2    /* FIN or RST seen: short idle timeout */
#define SKIFF_CT_F_SNAT 0x4       /* the client address was rewritten (hairpin, remote backend) */

struct skiff_ct_entry {
	__u64 last_seen;     /* bpf_ktime_get_ns(), refreshed at most once a second */
	__u32 backend_id;    /* forward: the backend chosen for this flow */
	__u32 service_id;    /* the frontend's service id, for counters */
	__be32 nat_addr;     /* reverse: source to restore (the frontend address);
	                      * forward with SNAT: the source address the flow is SNATed to */
	__be32 client_addr;  /* reverse with SNAT: destination to restore (the real client) */
	__be16 nat_port;     /* reverse: source port to restore (the frontend port);
	                      * forward with SNAT: the source port it is SNATed to */
	__be16 client_port;  /* reverse with SNAT: destination port to restore */
	__u8 flags;          /* SKIFF_CT_F_* */
	__u8 pad[7];
};
SKIFF_ABI_ASSERT(sizeof(struct skiff_ct_entry) == 40, "skiff_ct_entry layout");
