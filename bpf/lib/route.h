/* Sending translated packets on their way without the stack's forwarding path.
 *
 * A packet whose source becomes one of the node's own addresses (SNAT towards
 * a remote backend, or a reply restored to a NodePort on the node IP) is a
 * martian to the stack: a forwarded packet may not carry a local source, and
 * the kernel drops it. Such packets are routed here with the FIB and handed
 * to the output device directly, as Cilium does; anything the FIB does not
 * forward (local destinations, no route, forwarding off) goes to the stack. */
#pragma once
#include "common.h"
#include "flow.h"
#include "nat.h"
#include "parse.h"

#define SKIFF_AF_INET 2

/* FIB lookup for the packet as the plan will leave it. */
static __always_inline int route_translated(void *ctx, __u32 ifindex, const struct skiff_pkt *p,
					    const struct nat_plan *plan, struct bpf_fib_lookup *fib)
{
	__builtin_memset(fib, 0, sizeof(*fib));
	fib->family = SKIFF_AF_INET;
	fib->l4_protocol = p->proto;
	fib->tot_len = p->ip_len;
	fib->ifindex = ifindex;
	fib->ipv4_src = plan->set_src ? plan->saddr : p->saddr;
	fib->ipv4_dst = plan->set_dst ? plan->daddr : p->daddr;
	return bpf_fib_lookup(ctx, fib, sizeof(*fib), 0);
}

/* tc, after the plan was applied: the redirect verdict, or TC_ACT_OK when the
 * stack should take the packet. */
static __always_inline long skb_route_translated(struct __sk_buff *skb, const struct skiff_pkt *p,
						 const struct nat_plan *plan)
{
	struct bpf_fib_lookup fib;
	int r = route_translated(skb, skb->ifindex, p, plan, &fib);

	if (r != BPF_FIB_LKUP_RET_SUCCESS && r != BPF_FIB_LKUP_RET_NO_NEIGH)
		return SKIFF_TC_ACT_OK;
	/* The kernel resolves the neighbour itself, also when none is cached. */
	return bpf_redirect_neigh(fib.ifindex, NULL, 0, 0);
}

/* XDP, before the plan is applied: a packet that leaves by the interface it
 * came in on is translated and sent straight back out (the common case for
 * remote backends and their replies: all beyond the external device).
 * Anything else passes untranslated, and the tc program on the device
 * finishes the job with the same conntrack entries. */
static __always_inline int xdp_tx_translated(struct xdp_md *ctx, const struct skiff_pkt *p,
					     const struct nat_plan *plan)
{
	struct bpf_fib_lookup fib;

	if (route_translated(ctx, ctx->ingress_ifindex, p, plan, &fib) != BPF_FIB_LKUP_RET_SUCCESS ||
	    fib.ifindex != ctx->ingress_ifindex)
		return XDP_PASS;
	struct ethhdr *eth = (void *)(long)ctx->data;

	if ((void *)(eth + 1) > (void *)(long)ctx->data_end || xdp_apply_nat(ctx, p, plan))
		return XDP_DROP;
	count_translated(p, plan);
	__builtin_memcpy(eth->h_dest, fib.dmac, SKIFF_ETH_ALEN);
	__builtin_memcpy(eth->h_source, fib.smac, SKIFF_ETH_ALEN);
	return XDP_TX;
}
