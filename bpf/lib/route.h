/* Sending restored replies on their way without the stack's forwarding path.
 *
 * A reply restored to a frontend source that is one of the node's own
 * addresses (a NodePort on the node IP) is a martian to the stack: a
 * forwarded packet may not carry a local source, and the kernel drops it.
 * So restored replies are routed here with the FIB and handed to the output
 * device directly, as Cilium does; anything the FIB does not forward (local
 * destinations, no route, forwarding off) goes to the stack unchanged. */
#pragma once
#include "common.h"
#include "flow.h"
#include "parse.h"

#define SKIFF_AF_INET 2

static __always_inline int route_restored(void *ctx, __u32 ifindex, const struct skiff_pkt *p,
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

/* tc: 0 when the stack should take the packet, else the redirect verdict. */
static __always_inline long skb_redirect_restored(struct __sk_buff *skb, const struct skiff_pkt *p,
						  const struct nat_plan *plan)
{
	struct bpf_fib_lookup fib;
	int r = route_restored(skb, skb->ifindex, p, plan, &fib);

	if (r != BPF_FIB_LKUP_RET_SUCCESS && r != BPF_FIB_LKUP_RET_NO_NEIGH)
		return SKIFF_TC_ACT_OK;
	/* The kernel resolves the neighbour itself, also when none is cached. */
	return bpf_redirect_neigh(fib.ifindex, NULL, 0, 0);
}

/* XDP: a restored reply leaving by the interface it came in on goes straight
 * back out (the common case: client and remote backend both beyond the
 * external device); everything else is left to the stack. */
static __always_inline int xdp_tx_restored(struct xdp_md *ctx, const struct skiff_pkt *p,
					   const struct nat_plan *plan)
{
	struct bpf_fib_lookup fib;

	if (route_restored(ctx, ctx->ingress_ifindex, p, plan, &fib) != BPF_FIB_LKUP_RET_SUCCESS ||
	    fib.ifindex != ctx->ingress_ifindex)
		return XDP_PASS;
	void *data = (void *)(long)ctx->data;
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > (void *)(long)ctx->data_end)
		return XDP_PASS;
	__builtin_memcpy(eth->h_dest, fib.dmac, SKIFF_ETH_ALEN);
	__builtin_memcpy(eth->h_source, fib.smac, SKIFF_ETH_ALEN);
	return XDP_TX;
}
