/* Common ground for the map ABI headers: fixed-width types and a layout
 * assertion that works in both the BPF C (clang -target bpf) and C++. */
#pragma once

#if defined(__bpf__)
#include "vmlinux.h"
#else
#include <linux/types.h>
#endif

#ifdef __cplusplus
#define SKIFF_ABI_ASSERT(cond, msg) static_assert(cond, msg)
#else
#define SKIFF_ABI_ASSERT(cond, msg) _Static_assert(cond, msg)
#endif

/* Where every map is pinned; an agent restart or upgrade reuses them. */
#define SKIFF_PIN_ROOT "/sys/fs/bpf/skiff"

/* Protocol numbers as they appear in the IP header. */
#define SKIFF_PROTO_TCP 6
#define SKIFF_PROTO_UDP 17
