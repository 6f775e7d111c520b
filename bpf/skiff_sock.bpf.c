// SPDX-License-Identifier: GPL-2.0
/* cgroup v2 socket hooks: socket-level load balancing. connect() and
 * unconnected sendmsg() to a frontend are pointed at a backend before any
 * packet exists, so the flow needs no per-packet NAT; recvmsg() and
 * getpeername() show the frontend again. */
#include "lib/hash.h"
#include "lib/lb.h"
#include "lib/maps.h"
#include "lib/stats.h"

#define SKIFF_AF_INET 2

/* 1: the kernel goes on (translated or not ours); 0: the call fails. */
static __always_inline int sock_translate(struct bpf_sock_addr *ctx)
{
	if (ctx->family != SKIFF_AF_INET)
		return 1;

	__u8 proto = ctx->protocol;
	__be32 vip = ctx->user_ip4;
	__be16 vport = (__be16)ctx->user_port;
	struct skiff_service *svc = lb_lookup(vip, vport, proto);

	if (!svc)
		return 1;
	count_service(svc->id, 0);
	if (svc->slot_count == 0) {
		if (svc->flags & SKIFF_SVC_F_DROP_NO_BACKEND) {
			count_event(SKIFF_EV_NO_BACKEND_DROP);
			return 0; /* EPERM: nothing may be sent there */
		}
		count_event(SKIFF_EV_NO_BACKEND_REJECT);
		bpf_set_retval(-SKIFF_ECONNREFUSED);
		return 0;
	}

	/* One netns is one client for affinity; without affinity every socket
	 * is its own flow. */
	__u64 cookie = bpf_get_socket_cookie(ctx);
	__u64 netns = bpf_get_netns_cookie(ctx);
	__u64 key = svc->affinity_timeout ? netns : cookie;
	__u32 hash = skiff_hash3((__u32)key, (__u32)(key >> 32), vport);
	struct lb_choice c;

	if (lb_select(svc, netns, hash, bpf_ktime_get_ns(), &c) != LB_OK) {
		bpf_set_retval(-SKIFF_ECONNREFUSED);
		return 0;
	}

	struct skiff_sock_revnat_key rkey = { .cookie = cookie, .addr = c.be->addr,
					      .port = c.be->port };
	struct skiff_sock_revnat *old = bpf_map_lookup_elem(&skiff_sock_revnat, &rkey);

	if (!old || old->addr != vip || old->port != vport) {
		struct skiff_sock_revnat val = { .addr = vip, .port = vport };

		bpf_map_update_elem(&skiff_sock_revnat, &rkey, &val, BPF_ANY);
	}
	ctx->user_ip4 = c.be->addr;
	ctx->user_port = c.be->port;
	return 1;
}

static __always_inline int sock_restore(struct bpf_sock_addr *ctx)
{
	if (ctx->family != SKIFF_AF_INET)
		return 1;

	struct skiff_sock_revnat_key rkey = {
		.cookie = bpf_get_socket_cookie(ctx),
		.addr = ctx->user_ip4,
		.port = (__be16)ctx->user_port,
	};
	struct skiff_sock_revnat *v = bpf_map_lookup_elem(&skiff_sock_revnat, &rkey);

	if (v) {
		ctx->user_ip4 = v->addr;
		ctx->user_port = v->port;
	}
	return 1;
}

SEC("cgroup/connect4")
int skiff_connect4(struct bpf_sock_addr *ctx)
{
	return sock_translate(ctx);
}

SEC("cgroup/sendmsg4")
int skiff_sendmsg4(struct bpf_sock_addr *ctx)
{
	return sock_translate(ctx);
}

SEC("cgroup/recvmsg4")
int skiff_recvmsg4(struct bpf_sock_addr *ctx)
{
	return sock_restore(ctx);
}

SEC("cgroup/getpeername4")
int skiff_getpeername4(struct bpf_sock_addr *ctx)
{
	return sock_restore(ctx);
}

char LICENSE[] SEC("license") = "GPL";
