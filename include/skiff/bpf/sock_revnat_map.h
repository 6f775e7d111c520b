/* skiff_sock_revnat: the socket-level LB rewrites connect()/sendmsg()
 * destinations from a frontend to a backend; this map lets recvmsg() and
 * getpeername() show the frontend again. Keyed by socket cookie and backend. */
#pragma once
#include "abi.h"

#define SKIFF_SOCK_REVNAT_MAX 262144

struct skiff_sock_revnat_key {
	__u64 cookie;   /* bpf_get_socket_cookie() */
	__be32 addr;    /* backend address */
	__be16 port;    /* backend port */
	__u16 pad;
};
SKIFF_ABI_ASSERT(sizeof(struct skiff_sock_revnat_key) == 16, "skiff_sock_revnat_key layout");

struct skiff_sock_revnat {
	__be32 addr;    /* frontend address */
	__be16 port;    /* frontend port */
	__u16 pad;
};
SKIFF_ABI_ASSERT(sizeof(struct skiff_sock_revnat) == 8, "skiff_sock_revnat layout");
