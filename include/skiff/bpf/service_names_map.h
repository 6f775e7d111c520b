/* skiff_service_names: written by user space only, never read by the BPF
 * programs: the "ns/name:port" of each service id, so `skiff lb list` can name
 * what it shows from the pinned maps alone. */
#pragma once
#include "abi.h"

#define SKIFF_SERVICE_NAME_LEN 128

struct skiff_service_name {
	char name[SKIFF_SERVICE_NAME_LEN]; /* NUL-terminated, truncated if longer */
};
SKIFF_ABI_ASSERT(sizeof(struct skiff_service_name) == 128, "skiff_service_name layout");
