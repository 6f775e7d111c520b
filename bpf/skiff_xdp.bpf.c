// SPDX-License-Identifier: GPL-2.0
/* XDP on the node's external interfaces: NodePort, LoadBalancer and
 * externalIP frontends (and any other frontend a packet hits here).
 * - To a local backend: DNAT, then the stack routes it into the pod.
 * - To a remote backend (DNAT + SNAT to the node) and replies of such flows:
 *   sent back out with XDP_TX when they leave by the same interface; else
 *   passed untranslated to tc_from_external, which routes them itself.
 * - No usable backend: RST / ICMP unreachable straight back with XDP_TX. */
#include "lib/flow.h"
#include "lib/nat.h"
#include "lib/reject.h"
#include "lib/route.h"

SEC("xdp")
int skiff_xdp_lb(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct skiff_pkt p;
	struct nat_plan plan = {};
	int r = parse_packet(data, data_end, (__u32)(data_end - data), &p);

	switch (r) {
	case PARSE_OK:
		break;
	case PARSE_MALFORMED:
		count_event(SKIFF_EV_MALFORMED);
		return XDP_PASS;
	case PARSE_FRAGMENT:
		if (p.first_fragment && lb_lookup(p.daddr, p.dport, p.proto))
			count_event(SKIFF_EV_FRAGMENT);
		return XDP_PASS;
	default:
		return XDP_PASS;
	}

	struct skiff_service *svc = lb_lookup(p.daddr, p.dport, p.proto);

	if (svc) {
		switch (lb_forward(&p, svc, SNAT_REMOTE_BACKEND, &plan)) {
		case FWD_NAT:
			if (plan.set_src)
				return xdp_tx_translated(ctx, &p, &plan);
			if (xdp_apply_nat(ctx, &p, &plan))
				return XDP_DROP;
			count_translated(&p, &plan);
			return XDP_PASS;
		case FWD_REJECT:
			return xdp_reject(ctx, &p);
		default:
			return XDP_DROP;
		}
	}
	if (lb_reverse(&p, &plan))
		return xdp_tx_translated(ctx, &p, &plan);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
