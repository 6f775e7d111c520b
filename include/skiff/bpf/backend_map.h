/* skiff_backends: array indexed by backend id (allocated densely by user
 * space). An entry with addr 0 is free. A backend stays here while any
 * frontend uses it or while it is terminating, so open flows drain. */
#pragma once
#include "abi.h"

#define SKIFF_BACKENDS_MAX 1048576

#define SKIFF_BACKEND_F_LOCAL 0x1       /* the endpoint runs on this node */
#define SKIFF_BACKEND_F_TERMINATING 0x2 /* no new flows (it is out of every Maglev table) */

struct skiff_backend {
	__be32 addr;
	__be16 port;
	__u8 proto;
	__u8 flags; /* SKIFF_BACKEND_F_* */
};
SKIFF_ABI_ASSERT(sizeof(struct skiff_backend) == 8, "skiff_backend layout");
