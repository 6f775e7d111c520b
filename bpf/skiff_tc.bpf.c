// SPDX-License-Identifier: GPL-2.0
/* tc programs.
 * - tc_from_pod (ingress of the host side of pod veths) sees what a pod
 *   sends: replies of translated flows are restored first, then packets to
 *   a frontend are DNATed (and SNATed to the hairpin address when a pod
 *   reaches itself).
 * - tc_to_pod (egress of pod veths) restores replies on their way into a
 *   pod (replies from remote backends that the stack routed here).
 * - tc_from_external (ingress of the external devices) finishes what XDP
 *   passed on untranslated, and serves as the whole path where XDP is not
 *   attached: frontends with remote backends SNATed to the node, replies of
 *   such flows restored, both routed straight to their output device. */
#include "lib/flow.h"
#include "lib/nat.h"
#include "lib/reject.h"
#include "lib/route.h"

/* Ethernet + the largest IPv4 header + a TCP header without options. */
#define SKIFF_PULL_LEN (14 + 60 + 20)

static __always_inline int parse_skb(struct __sk_buff *skb, struct skiff_pkt *p)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	__u32 want = skb->len < SKIFF_PULL_LEN ? skb->len : SKIFF_PULL_LEN;

	/* Headers beyond the linear head (rare): pull them in once, only then,
	 * since pulling may copy a cloned skb. */
	if (data + want > data_end) {
		bpf_skb_pull_data(skb, want);
		data = (void *)(long)skb->data;
		data_end = (void *)(long)skb->data_end;
	}
	int r = parse_packet(data, data_end, skb->len, p);

	if (r == PARSE_MALFORMED)
		count_event(SKIFF_EV_MALFORMED);
	return r;
}

/* Translates with the plan; packets given a new source are routed here (see
 * route.h), the others left to the stack. */
static __always_inline long translate(struct __sk_buff *skb, const struct skiff_pkt *p,
				      const struct nat_plan *plan)
{
	if (skb_apply_nat(skb, p, plan))
		return SKIFF_TC_ACT_SHOT;
	count_translated(p, plan);
	return plan->set_src ? skb_route_translated(skb, p, plan) : SKIFF_TC_ACT_OK;
}

/* What both ingress programs do; they differ in whom they SNAT. */
static __always_inline long lb_ingress(struct __sk_buff *skb, int snat_policy)
{
	struct skiff_pkt p;
	struct nat_plan plan = {};
	int r = parse_skb(skb, &p);

	if (r == PARSE_FRAGMENT) {
		if (p.first_fragment && lb_lookup(p.daddr, p.dport, p.proto))
			count_event(SKIFF_EV_FRAGMENT);
		return SKIFF_TC_ACT_OK;
	}
	if (r != PARSE_OK)
		return SKIFF_TC_ACT_OK;

	if (lb_reverse(&p, &plan))
		return translate(skb, &p, &plan);

	struct skiff_service *svc = lb_lookup(p.daddr, p.dport, p.proto);

	if (!svc)
		return SKIFF_TC_ACT_OK;
	switch (lb_forward(&p, svc, snat_policy, &plan)) {
	case FWD_NAT:
		return translate(skb, &p, &plan);
	case FWD_REJECT:
		/* Back out of the device it came in by, to whoever asked. */
		if (skb_reject(skb, &p))
			return SKIFF_TC_ACT_SHOT;
		return bpf_redirect(skb->ifindex, 0);
	default:
		return SKIFF_TC_ACT_SHOT;
	}
}

SEC("tc")
int tc_from_pod(struct __sk_buff *skb)
{
	return lb_ingress(skb, SNAT_HAIRPIN);
}

SEC("tc")
int tc_from_external(struct __sk_buff *skb)
{
	return lb_ingress(skb, SNAT_REMOTE_BACKEND);
}

SEC("tc")
int tc_to_pod(struct __sk_buff *skb)
{
	struct skiff_pkt p;
	struct nat_plan plan = {};

	if (parse_skb(skb, &p) != PARSE_OK)
		return SKIFF_TC_ACT_OK;
	if (!lb_reverse(&p, &plan))
		return SKIFF_TC_ACT_OK;
	if (skb_apply_nat(skb, &p, &plan))
		return SKIFF_TC_ACT_SHOT;
	count_translated(&p, &plan);
	return SKIFF_TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
