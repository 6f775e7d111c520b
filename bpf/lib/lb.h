/* Frontend lookup and backend selection: affinity first (when the frontend
 * has it), then the frontend's Maglev table. One hash lookup finds the
 * frontend; everything after it is array lookups (affinity aside). */
#pragma once
#include "maps.h"
#include "stats.h"

enum lb_result {
	LB_OK = 0,
	LB_MISSING, /* a slot points at a free backend: user space is mid-update */
};

struct lb_choice {
	__u32 backend_id;
	struct skiff_backend *be;
};

static __always_inline struct skiff_service *lb_lookup(__be32 addr, __be16 port, __u8 proto)
{
	struct skiff_service_key key = { .addr = addr, .port = port, .proto = proto };

	return bpf_map_lookup_elem(&skiff_services, &key);
}

static __always_inline struct skiff_backend *lb_backend(__u32 id)
{
	struct skiff_backend *be = bpf_map_lookup_elem(&skiff_backends, &id);

	return be && be->addr ? be : NULL;
}

/* svc->slot_count must be non-zero. client keys affinity: an IPv4 address in
 * host order on the packet paths, the netns cookie on the socket path. */
static __always_inline int lb_select(const struct skiff_service *svc, __u64 client, __u32 hash,
				     __u64 now, struct lb_choice *out)
{
	struct skiff_affinity_key akey = { .client = client, .service_id = svc->id };
	__u32 timeout = svc->affinity_timeout;

	if (timeout) {
		struct skiff_affinity *a = bpf_map_lookup_elem(&skiff_affinity, &akey);

		if (a && now - a->last_used < (__u64)timeout * SKIFF_NSEC_PER_SEC) {
			struct skiff_backend *be = lb_backend(a->backend_id);

			if (be && !(be->flags & SKIFF_BACKEND_F_TERMINATING)) {
				a->last_used = now;
				out->backend_id = a->backend_id;
				out->be = be;
				return LB_OK;
			}
		}
	}

	__u32 slot = svc->slot_offset + hash % svc->slot_count;
	__u32 group = slot / SKIFF_MAGLEV_GROUP;
	struct skiff_maglev_group *g = bpf_map_lookup_elem(&skiff_maglev_slots, &group);

	if (!g)
		goto missing;
	__u32 id = g->backend_id[slot % SKIFF_MAGLEV_GROUP];
	struct skiff_backend *be = lb_backend(id);

	if (!be)
		goto missing;
	out->backend_id = id;
	out->be = be;
	if (timeout) {
		struct skiff_affinity val = { .last_used = now, .backend_id = id };

		bpf_map_update_elem(&skiff_affinity, &akey, &val, BPF_ANY);
	}
	return LB_OK;
missing:
	count_event(SKIFF_EV_BACKEND_MISSING);
	return LB_MISSING;
}
