/* Reject replies for a frontend without usable backend: a TCP RST the
 * client's stack accepts (RFC 9293 3.10.7.1 reset generation), or an ICMP
 * port unreachable quoting the offending IP header and 8 bytes (RFC 792).
 * The reply is built on the stack and written over the packet, which is then
 * sent back where it came from by the hook. */
#pragma once
#include "csum.h"
#include "parse.h"

/* The leading pad puts the IP header on a 4-byte boundary on the stack;
 * only the bytes from eth on are written to the packet. */
struct rst_frame {
	__u16 pad;
	struct ethhdr eth;
	struct iphdr ip;
	struct tcphdr tcp;
};
#define SKIFF_RST_LEN (sizeof(struct rst_frame) - 2)

struct icmp_frame {
	__u16 pad;
	struct ethhdr eth;
	struct iphdr ip;
	__u8 type;
	__u8 code;
	__sum16 check;
	__u32 unused;
};
#define SKIFF_ICMP_LEN (sizeof(struct icmp_frame) - 2)

#define SKIFF_ICMP_QUOTE_MAX (60 + 8)
#define SKIFF_ICMP_GROW (sizeof(struct iphdr) + 8) /* the new IP + ICMP headers */

static __always_inline void reply_l2_l3(struct ethhdr *eth, struct iphdr *ip,
					const struct ethhdr *in, const struct skiff_pkt *p,
					__u8 proto, __u16 tot_len)
{
	__builtin_memcpy(eth->h_dest, in->h_source, SKIFF_ETH_ALEN);
	__builtin_memcpy(eth->h_source, in->h_dest, SKIFF_ETH_ALEN);
	eth->h_proto = bpf_htons(SKIFF_ETH_P_IP);
	ip->version = 4;
	ip->ihl = 5;
	ip->tos = 0;
	ip->tot_len = bpf_htons(tot_len);
	ip->id = 0;
	ip->frag_off = bpf_htons(SKIFF_IP_DF);
	ip->ttl = 64;
	ip->protocol = proto;
	ip->check = 0;
	ip->saddr = p->daddr; /* the frontend answers */
	ip->daddr = p->saddr;
	ip->check = csum_finish(csum_words(ip, sizeof(*ip)));
}

static __always_inline void build_rst(struct rst_frame *f, const struct ethhdr *in,
				      const struct skiff_pkt *p)
{
	__builtin_memset(f, 0, sizeof(*f));
	reply_l2_l3(&f->eth, &f->ip, in, p, SKIFF_PROTO_TCP, sizeof(f->ip) + sizeof(f->tcp));

	struct tcphdr *th = &f->tcp;
	__u8 *flags = (__u8 *)th + 13;

	th->source = p->dport;
	th->dest = p->sport;
	th->doff = sizeof(*th) / 4;
	if (p->tcp_flags & SKIFF_TCP_ACK) {
		/* <SEQ=SEG.ACK><CTL=RST> */
		th->seq = p->ack_seq;
		*flags = SKIFF_TCP_RST;
	} else {
		/* <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>; SYN and FIN count as one */
		__u32 seg_len = p->payload_len + !!(p->tcp_flags & SKIFF_TCP_SYN) +
				!!(p->tcp_flags & SKIFF_TCP_FIN);

		th->ack_seq = bpf_htonl(bpf_ntohl(p->seq) + seg_len);
		*flags = SKIFF_TCP_RST | SKIFF_TCP_ACK;
	}

	__u64 sum = csum_words(&f->ip.saddr, 8) + bpf_htons(SKIFF_PROTO_TCP) +
		    bpf_htons(sizeof(*th)) + csum_words(th, sizeof(*th));
	th->check = csum_finish(sum);
}

/* quote holds the original IP header and 8 bytes, zero padded, so summing
 * the whole buffer equals summing quote_len bytes. */
static __always_inline void build_icmp(struct icmp_frame *f, const struct ethhdr *in,
				       const struct skiff_pkt *p, const __u8 *quote, __u32 quote_len)
{
	__builtin_memset(f, 0, sizeof(*f));
	reply_l2_l3(&f->eth, &f->ip, in, p, SKIFF_PROTO_ICMP,
		    sizeof(f->ip) + 8 + quote_len);
	f->type = SKIFF_ICMP_DEST_UNREACH;
	f->code = SKIFF_ICMP_PORT_UNREACH;
	f->check = csum_finish(csum_words(&f->type, 8) + csum_words(quote, SKIFF_ICMP_QUOTE_MAX));
}

static __always_inline __u32 icmp_quote_len(const struct skiff_pkt *p)
{
	return p->l4_off - SKIFF_ETH_HLEN + 8;
}

static __always_inline int xdp_reject(struct xdp_md *ctx, const struct skiff_pkt *p)
{
	struct ethhdr in;

	if (bpf_xdp_load_bytes(ctx, 0, &in, sizeof(in)))
		return XDP_DROP;
	if (p->proto == SKIFF_PROTO_TCP) {
		struct rst_frame f;
		int len = (int)bpf_xdp_get_buff_len(ctx);

		build_rst(&f, &in, p);
		if (bpf_xdp_adjust_tail(ctx, (int)SKIFF_RST_LEN - len) ||
		    bpf_xdp_store_bytes(ctx, 0, &f.eth, SKIFF_RST_LEN))
			return XDP_DROP;
		return XDP_TX;
	}

	__u8 quote[SKIFF_ICMP_QUOTE_MAX] = {};
	__u32 qlen = icmp_quote_len(p);
	struct icmp_frame f;

	if (qlen > sizeof(quote) || bpf_xdp_load_bytes(ctx, SKIFF_ETH_HLEN, quote, qlen))
		return XDP_DROP;
	build_icmp(&f, &in, p, quote, qlen);
	/* Grow at the front so the original IP header lands right after ours. */
	if (bpf_xdp_adjust_head(ctx, -(int)SKIFF_ICMP_GROW))
		return XDP_DROP;
	int len = (int)bpf_xdp_get_buff_len(ctx);

	if (bpf_xdp_adjust_tail(ctx, (int)(SKIFF_ICMP_LEN + qlen) - len) ||
	    bpf_xdp_store_bytes(ctx, 0, &f.eth, SKIFF_ICMP_LEN))
		return XDP_DROP;
	return XDP_TX;
}

/* Rewrites the skb into the reply; the caller redirects it. */
static __always_inline int skb_reject(struct __sk_buff *skb, const struct skiff_pkt *p)
{
	struct ethhdr in;

	if (bpf_skb_load_bytes(skb, 0, &in, sizeof(in)))
		return -1;
	if (p->proto == SKIFF_PROTO_TCP) {
		struct rst_frame f;

		build_rst(&f, &in, p);
		if (bpf_skb_change_tail(skb, SKIFF_RST_LEN, 0) ||
		    bpf_skb_store_bytes(skb, 0, &f.eth, SKIFF_RST_LEN, 0))
			return -1;
		return 0;
	}

	__u8 quote[SKIFF_ICMP_QUOTE_MAX] = {};
	__u32 qlen = icmp_quote_len(p);
	struct icmp_frame f;

	if (qlen > sizeof(quote) || bpf_skb_load_bytes(skb, SKIFF_ETH_HLEN, quote, qlen))
		return -1;
	build_icmp(&f, &in, p, quote, qlen);
	if (bpf_skb_change_head(skb, SKIFF_ICMP_GROW, 0) ||
	    bpf_skb_change_tail(skb, SKIFF_ICMP_LEN + qlen, 0) ||
	    bpf_skb_store_bytes(skb, 0, &f.eth, SKIFF_ICMP_LEN, 0))
		return -1;
	return 0;
}
