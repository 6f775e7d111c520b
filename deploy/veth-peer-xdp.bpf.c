// SPDX-License-Identifier: GPL-2.0
/* Passes every frame. Attached to the far end of a veth whose near end runs
 * native XDP: the kernel delivers XDP_TX frames to a veth peer promptly only
 * when the peer has an XDP program of its own (a NIC needs no such thing). */

#define XDP_PASS 2 /* enum xdp_action in linux/bpf.h */

struct xdp_md;

__attribute__((section("xdp"), used)) int veth_peer_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] __attribute__((section("license"), used)) = "GPL";
