/* Ethernet + IPv4 + TCP/UDP parsing over a [data, data_end) window, shared by
 * the XDP and tc paths. It reads only; it never touches the packet. */
#pragma once
#include "common.h"

enum parse_result {
	PARSE_OK = 0,
	PARSE_NOT_IPV4,   /* not ours: pass untouched, no counter */
	PARSE_OTHER_L4,   /* IPv4 but neither TCP nor UDP: pass untouched */
	PARSE_FRAGMENT,   /* ports valid only when it is the first fragment */
	PARSE_MALFORMED,  /* truncated or inconsistent headers */
};

struct skiff_pkt {
	__u32 l4_off;      /* from the start of the frame: 14 + ihl * 4 */
	__u32 ip_len;      /* IPv4 total length */
	__u32 payload_len; /* L4 payload bytes (TCP: after options) */
	__be32 saddr;
	__be32 daddr;
	__be16 sport;
	__be16 dport;
	__be32 seq;        /* TCP only */
	__be32 ack_seq;    /* TCP only */
	__u8 proto;
	__u8 tcp_flags;
	__u8 first_fragment; /* PARSE_FRAGMENT with offset 0: ports are valid */
	__u8 udp_csum_zero;
};

#define SKIFF_ETH_HLEN 14

/* Fixed wire offsets for the skb helpers. Plain numbers, not offsetof():
 * vmlinux.h types carry CO-RE relocations, which these wire formats must not. */
#define SKIFF_IP_CSUM_OFF (SKIFF_ETH_HLEN + 10)
#define SKIFF_IP_SADDR_OFF (SKIFF_ETH_HLEN + 12)
#define SKIFF_IP_DADDR_OFF (SKIFF_ETH_HLEN + 16)
#define SKIFF_TCP_CSUM_OFF 16 /* from the L4 header */
#define SKIFF_UDP_CSUM_OFF 6

static __always_inline int parse_l4(void *l4, void *data_end, struct skiff_pkt *p,
				    __u32 l4_len)
{
	if (p->proto == SKIFF_PROTO_TCP) {
		struct tcphdr *th = l4;

		if ((void *)(th + 1) > data_end)
			return PARSE_MALFORMED;
		__u32 doff = th->doff * 4;

		if (doff < sizeof(*th) || doff > l4_len)
			return PARSE_MALFORMED;
		p->sport = th->source;
		p->dport = th->dest;
		p->seq = th->seq;
		p->ack_seq = th->ack_seq;
		p->tcp_flags = ((__u8 *)th)[13];
		p->payload_len = l4_len - doff;
		return PARSE_OK;
	}
	if (p->proto == SKIFF_PROTO_UDP) {
		struct udphdr *uh = l4;

		if ((void *)(uh + 1) > data_end)
			return PARSE_MALFORMED;
		if (l4_len < sizeof(*uh))
			return PARSE_MALFORMED;
		p->sport = uh->source;
		p->dport = uh->dest;
		p->udp_csum_zero = uh->check == 0;
		p->payload_len = l4_len - sizeof(*uh);
		return PARSE_OK;
	}
	return PARSE_OTHER_L4;
}

/* frame_len is the whole frame's length, which for an skb can exceed
 * data_end - data: payload may sit in page fragments beyond the linear head. */
static __always_inline int parse_packet(void *data, void *data_end, __u32 frame_len,
					struct skiff_pkt *p)
{
	struct ethhdr *eth = data;
	struct iphdr *ip = data + SKIFF_ETH_HLEN;

	if ((void *)(eth + 1) > data_end)
		return PARSE_NOT_IPV4;
	if (eth->h_proto != bpf_htons(SKIFF_ETH_P_IP))
		return PARSE_NOT_IPV4;
	if ((void *)(ip + 1) > data_end)
		return PARSE_MALFORMED;

	__u32 ihl = ip->ihl * 4;
	__u32 tot_len = bpf_ntohs(ip->tot_len);

	if (ip->version != 4 || ihl < sizeof(*ip) || tot_len < ihl)
		return PARSE_MALFORMED;
	/* The frame may carry Ethernet padding beyond tot_len, never less. */
	if (SKIFF_ETH_HLEN + tot_len > frame_len)
		return PARSE_MALFORMED;

	p->ip_len = tot_len;
	p->saddr = ip->saddr;
	p->daddr = ip->daddr;
	p->proto = ip->protocol;
	p->l4_off = SKIFF_ETH_HLEN + ihl;
	p->tcp_flags = 0;
	p->first_fragment = 0;
	p->udp_csum_zero = 0;

	if (p->proto != SKIFF_PROTO_TCP && p->proto != SKIFF_PROTO_UDP)
		return PARSE_OTHER_L4;

	/* ihl is at most 60: a bounded variable offset the verifier follows. */
	void *l4 = (void *)ip + (ihl & 0x3c);
	__u16 frag = bpf_ntohs(ip->frag_off);

	if (frag & SKIFF_IP_OFFMASK)
		return PARSE_FRAGMENT;
	int r = parse_l4(l4, data_end, p, tot_len - ihl);

	if (frag & SKIFF_IP_MF) {
		p->first_fragment = r == PARSE_OK;
		return PARSE_FRAGMENT;
	}
	return r;
}
