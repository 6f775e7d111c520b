/* Conntrack entries for translated flows. Forward: client -> frontend pins
 * the backend (and the SNAT source, if any). Reverse: backend -> client (or
 * the SNAT address) tells how to restore a reply. Idle entries are collected
 * by user space; here entries are created, touched and flagged. */
#pragma once
#include "maps.h"
#include "stats.h"
#include "hash.h"

static __always_inline struct skiff_ct_key ct_key(__be32 src, __be32 dst, __be16 sport,
						  __be16 dport, __u8 proto, __u8 dir)
{
	struct skiff_ct_key k = {
		.src = src, .dst = dst, .sport = sport, .dport = dport, .proto = proto, .dir = dir,
	};
	return k;
}

/* Returns 1 when last_seen was refreshed (at most once a second, to keep
 * cache lines of busy flows from bouncing between CPUs). */
static __always_inline int ct_touch(struct skiff_ct_entry *e, __u64 now, __u8 tcp_flags)
{
	if ((tcp_flags & (SKIFF_TCP_FIN | SKIFF_TCP_RST)) && !(e->flags & SKIFF_CT_F_CLOSING))
		e->flags |= SKIFF_CT_F_CLOSING;
	if (now - e->last_seen < SKIFF_NSEC_PER_SEC)
		return 0;
	e->last_seen = now;
	return 1;
}

/* Is this existing reverse entry the one of the same client -> frontend flow?
 * (A reselected flow meets its own old entry.) */
static __always_inline int ct_rev_same_flow(const struct skiff_ct_entry *r,
					    const struct skiff_ct_entry *want)
{
	return r->client_addr == want->client_addr && r->client_port == want->client_port &&
	       r->nat_addr == want->nat_addr && r->nat_port == want->nat_port;
}

#define SKIFF_SNAT_TRIES 4

/* Claim the reverse key for a SNATed flow: keep the client port when it is
 * free, else probe a few ports derived from the flow hash. Returns the port
 * (network order) or 0 when every probe is taken. */
static __always_inline __be16 ct_claim_snat(struct skiff_ct_key *rkey,
					    struct skiff_ct_entry *rev)
{
#pragma unroll
	for (__u32 i = 0; i < SKIFF_SNAT_TRIES; i++) {
		if (i > 0) {
			__u32 h = skiff_hash3(rev->client_addr, rev->client_port, i);

			rkey->dport = bpf_htons(1024 + h % (65536 - 1024));
		}
		if (bpf_map_update_elem(&skiff_conntrack, rkey, rev, BPF_NOEXIST) == 0)
			return rkey->dport;
		struct skiff_ct_entry *old = bpf_map_lookup_elem(&skiff_conntrack, rkey);

		if (old && ct_rev_same_flow(old, rev)) {
			*old = *rev;
			return rkey->dport;
		}
	}
	return 0;
}

struct ct_new_flow {
	__be32 client_addr;
	__be16 client_port;
	__be32 front_addr;
	__be16 front_port;
	__u8 proto;
	__u32 backend_id;
	__u32 service_id;
	const struct skiff_backend *be;
	__be32 snat_addr; /* 0: no SNAT */
};

/* Create both entries. On success *snat_port holds the source port to use
 * when SNATing. Returns 0, or -1 when the tables refused (counted). */
static __always_inline int ct_create(const struct skiff_ct_key *fkey, const struct ct_new_flow *f,
				     __u64 now, __be16 *snat_port)
{
	struct skiff_ct_entry rev = {
		.last_seen = now,
		.backend_id = f->backend_id,
		.service_id = f->service_id,
		.nat_addr = f->front_addr,
		.nat_port = f->front_port,
	};
	struct skiff_ct_key rkey = ct_key(f->be->addr, f->client_addr, f->be->port,
					  f->client_port, f->proto, SKIFF_CT_REVERSE);
	__be16 port = f->client_port;

	if (f->snat_addr) {
		rev.client_addr = f->client_addr;
		rev.client_port = f->client_port;
		rev.flags = SKIFF_CT_F_SNAT;
		rkey.dst = f->snat_addr;
		port = ct_claim_snat(&rkey, &rev);
		if (!port)
			goto fail;
	} else if (bpf_map_update_elem(&skiff_conntrack, &rkey, &rev, BPF_ANY)) {
		goto fail;
	}

	struct skiff_ct_entry fwd = {
		.last_seen = now,
		.backend_id = f->backend_id,
		.service_id = f->service_id,
	};
	if (f->snat_addr) {
		fwd.nat_addr = f->snat_addr;
		fwd.nat_port = port;
		fwd.flags = SKIFF_CT_F_SNAT;
	}
	if (bpf_map_update_elem(&skiff_conntrack, fkey, &fwd, BPF_ANY))
		goto fail;
	*snat_port = port;
	return 0;
fail:
	count_event(SKIFF_EV_CT_CREATE_FAILED);
	return -1;
}

/* The LRU may evict a reverse entry while its forward entry lives on; put it
 * back when the forward entry is refreshed (once a second per flow). */
static __always_inline void ct_restore_reverse(const struct skiff_ct_key *fkey,
					       const struct skiff_ct_entry *fwd,
					       const struct skiff_backend *be, __u64 now)
{
	struct skiff_ct_key rkey = ct_key(be->addr, fkey->src, be->port, fkey->sport, fkey->proto,
					  SKIFF_CT_REVERSE);
	struct skiff_ct_entry rev = {
		.last_seen = now,
		.backend_id = fwd->backend_id,
		.service_id = fwd->service_id,
		.nat_addr = fkey->dst,
		.nat_port = fkey->dport,
	};

	if (fwd->flags & SKIFF_CT_F_SNAT) {
		rkey.dst = fwd->nat_addr;
		rkey.dport = fwd->nat_port;
		rev.client_addr = fkey->src;
		rev.client_port = fkey->sport;
		rev.flags = SKIFF_CT_F_SNAT;
	}
	bpf_map_update_elem(&skiff_conntrack, &rkey, &rev, BPF_NOEXIST);
}
