/* Applying a NAT plan to the packet. XDP writes the headers directly with
 * incremental checksum updates; tc goes through the skb helpers so the
 * kernel keeps skb->csum and CHECKSUM_PARTIAL state right. */
#pragma once
#include "csum.h"
#include "flow.h"
#include "parse.h"

static __always_inline int xdp_apply_nat(struct xdp_md *ctx, const struct skiff_pkt *p,
					 const struct nat_plan *plan)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct iphdr *ip = data + SKIFF_ETH_HLEN;
	void *l4 = data + (p->l4_off & 0x7f);

	if ((void *)(ip + 1) > data_end)
		return -1;
	/* Ports sit in the first 4 bytes of both TCP and UDP headers. */
	__be16 *ports = l4;
	__u64 ip_diff = 0, l4_diff = 0;

	if (p->proto == SKIFF_PROTO_TCP) {
		if (l4 + sizeof(struct tcphdr) > data_end)
			return -1;
	} else if (l4 + sizeof(struct udphdr) > data_end) {
		return -1;
	}
	if (plan->set_src) {
		ip_diff += csum_diff32(ip->saddr, plan->saddr);
		l4_diff += csum_diff16(ports[0], plan->sport);
		ip->saddr = plan->saddr;
		ports[0] = plan->sport;
	}
	if (plan->set_dst) {
		ip_diff += csum_diff32(ip->daddr, plan->daddr);
		l4_diff += csum_diff16(ports[1], plan->dport);
		ip->daddr = plan->daddr;
		ports[1] = plan->dport;
	}
	csum_apply(&ip->check, ip_diff);
	/* The L4 checksum covers the addresses through the pseudo header. */
	if (p->proto == SKIFF_PROTO_TCP)
		csum_apply(&((struct tcphdr *)l4)->check, ip_diff + l4_diff);
	else
		csum_apply_udp(&((struct udphdr *)l4)->check, ip_diff + l4_diff);
	return 0;
}

static __always_inline int skb_rewrite(struct __sk_buff *skb, const struct skiff_pkt *p,
				       __u32 addr_off, __be32 from_addr, __be32 to_addr,
				       __u32 port_off, __be16 from_port, __be16 to_port)
{
	__u32 csum_off = p->l4_off + (p->proto == SKIFF_PROTO_TCP ? SKIFF_TCP_CSUM_OFF
								    : SKIFF_UDP_CSUM_OFF);
	__u64 mangled0 = p->proto == SKIFF_PROTO_UDP ? BPF_F_MARK_MANGLED_0 : 0;

	/* A UDP datagram without checksum keeps none. */
	if (!p->udp_csum_zero) {
		if (bpf_l4_csum_replace(skb, csum_off, from_addr, to_addr,
					BPF_F_PSEUDO_HDR | mangled0 | sizeof(to_addr)))
			return -1;
		if (bpf_l4_csum_replace(skb, csum_off, from_port, to_port,
					mangled0 | sizeof(to_port)))
			return -1;
	}
	if (bpf_l3_csum_replace(skb, SKIFF_IP_CSUM_OFF, from_addr,
				to_addr, sizeof(to_addr)))
		return -1;
	if (bpf_skb_store_bytes(skb, addr_off, &to_addr, sizeof(to_addr), 0))
		return -1;
	if (bpf_skb_store_bytes(skb, port_off, &to_port, sizeof(to_port), 0))
		return -1;
	return 0;
}

static __always_inline int skb_apply_nat(struct __sk_buff *skb, const struct skiff_pkt *p,
					 const struct nat_plan *plan)
{
	if (plan->set_src &&
	    skb_rewrite(skb, p, SKIFF_IP_SADDR_OFF, p->saddr,
			plan->saddr, p->l4_off, p->sport, plan->sport))
		return -1;
	if (plan->set_dst &&
	    skb_rewrite(skb, p, SKIFF_IP_DADDR_OFF, p->daddr,
			plan->daddr, p->l4_off + 2, p->dport, plan->dport))
		return -1;
	return 0;
}
