/* The per-packet decision shared by XDP and tc: what to do with a packet to a
 * frontend (forward) or a reply of a translated flow (reverse). It returns a
 * NAT plan; the hook applies it with its own packet helpers (nat.h). */
#pragma once
#include "config.h"
#include "conntrack.h"
#include "lb.h"
#include "parse.h"

enum fwd_action {
	FWD_NAT = 0,
	FWD_REJECT, /* no usable backend: answer with RST / ICMP unreachable */
	FWD_DROP,
};

/* Which flows get their source rewritten on the forward path. */
enum snat_policy {
	SNAT_REMOTE_BACKEND, /* XDP: remote backend, frontend not Local: replies must come back here */
	SNAT_HAIRPIN,        /* tc: a pod reaching itself: it would answer itself directly */
};

struct nat_plan {
	__be32 saddr;
	__be32 daddr;
	__be16 sport;
	__be16 dport;
	__u8 set_src;
	__u8 set_dst;
	__u8 reverse;     /* a reply being restored */
	__u32 service_id; /* counted by the hook once it translates (count_translated) */
};

/* Counters of a translated packet. Hooks call it only when they translate,
 * so a packet XDP leaves to tc is counted once. */
static __always_inline void count_translated(const struct skiff_pkt *p, const struct nat_plan *plan)
{
	count_service(plan->service_id, p->ip_len);
	if (plan->reverse)
		count_event(SKIFF_EV_REVNAT);
}

static __always_inline __be32 snat_source(const struct skiff_pkt *p, const struct skiff_service *svc,
					  const struct skiff_backend *be, int policy)
{
	if (policy == SNAT_HAIRPIN)
		return be->addr == p->saddr ? skiff_hairpin_addr : 0;
	if ((be->flags & SKIFF_BACKEND_F_LOCAL) || (svc->flags & SKIFF_SVC_F_LOCAL))
		return 0;
	return skiff_snat_addr;
}

static __always_inline int lb_forward_plan(const struct skiff_pkt *p, const struct skiff_service *svc,
					   int policy, struct nat_plan *plan)
{
	if (svc->slot_count == 0) {
		if (svc->flags & SKIFF_SVC_F_DROP_NO_BACKEND) {
			count_event(SKIFF_EV_NO_BACKEND_DROP);
			return FWD_DROP;
		}
		count_event(SKIFF_EV_NO_BACKEND_REJECT);
		return FWD_REJECT;
	}

	__u64 now = bpf_ktime_get_ns();
	struct skiff_ct_key fkey = ct_key(p->saddr, p->daddr, p->sport, p->dport, p->proto,
					  SKIFF_CT_FORWARD);
	struct skiff_ct_entry *e = bpf_map_lookup_elem(&skiff_conntrack, &fkey);

	plan->set_dst = 1;
	if (e) {
		const struct skiff_backend *be = lb_backend(e->backend_id);

		/* A freed backend (addr 0) makes the flow choose again below. */
		if (be) {
			if (ct_touch(e, now, p->tcp_flags))
				ct_restore_reverse(&fkey, e, be, now);
			plan->daddr = be->addr;
			plan->dport = be->port;
			plan->set_src = (e->flags & SKIFF_CT_F_SNAT) != 0;
			plan->saddr = e->nat_addr;
			plan->sport = e->nat_port;
			return FWD_NAT;
		}
	}

	struct lb_choice c;
	__u32 hash = flow_hash(p->saddr, p->daddr, p->sport, p->dport, svc->affinity_timeout != 0);

	if (lb_select(svc, bpf_ntohl(p->saddr), hash, now, &c) != LB_OK)
		return FWD_DROP; /* transient: the client retransmits once the table is whole */

	struct ct_new_flow f = {
		.client_addr = p->saddr,
		.client_port = p->sport,
		.front_addr = p->daddr,
		.front_port = p->dport,
		.proto = p->proto,
		.backend_id = c.backend_id,
		.service_id = svc->id,
		.be = c.be,
		.snat_addr = snat_source(p, svc, c.be, policy),
	};
	__be16 sport;

	if (ct_create(&fkey, &f, now, &sport))
		return FWD_DROP;
	plan->daddr = c.be->addr;
	plan->dport = c.be->port;
	plan->set_src = f.snat_addr != 0;
	plan->saddr = f.snat_addr;
	plan->sport = sport;
	return FWD_NAT;
}

/* A packet to a frontend: the plan that forwards it (FWD_NAT, counted by the
 * hook once it translates), or a reject or drop, counted here. */
static __always_inline int lb_forward(const struct skiff_pkt *p, const struct skiff_service *svc,
				      int policy, struct nat_plan *plan)
{
	int r = lb_forward_plan(p, svc, policy, plan);

	plan->service_id = svc->id;
	if (r != FWD_NAT)
		count_service(svc->id, p->ip_len);
	return r;
}

/* A reply of a translated flow? Returns 1 with the plan that restores it. */
static __always_inline int lb_reverse(const struct skiff_pkt *p, struct nat_plan *plan)
{
	struct skiff_ct_key rkey = ct_key(p->saddr, p->daddr, p->sport, p->dport, p->proto,
					  SKIFF_CT_REVERSE);
	struct skiff_ct_entry *e = bpf_map_lookup_elem(&skiff_conntrack, &rkey);

	if (!e)
		return 0;
	ct_touch(e, bpf_ktime_get_ns(), p->tcp_flags);
	if (!(e->flags & SKIFF_CT_F_SEEN_REPLY))
		e->flags |= SKIFF_CT_F_SEEN_REPLY;
	plan->reverse = 1;
	plan->service_id = e->service_id;
	plan->set_src = 1;
	plan->saddr = e->nat_addr;
	plan->sport = e->nat_port;
	plan->set_dst = (e->flags & SKIFF_CT_F_SNAT) != 0;
	plan->daddr = e->client_addr;
	plan->dport = e->client_port;
	return 1;
}
