/* Internet checksum helpers. Rewrites update checksums incrementally
 * (RFC 1624, eqn. 3: HC' = ~(~HC + ~m + m')) so the cost does not depend on
 * the packet length; freshly built headers (reject replies) are summed whole. */
#pragma once
#include "common.h"

static __always_inline __u16 csum_fold(__u64 sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

/* The ones' complement difference of replacing a 32-bit word: ~m + m'.
 * Summing the 32-bit values and folding later equals summing their halves. */
static __always_inline __u64 csum_diff32(__be32 from, __be32 to)
{
	return (__u64)(__u32)~from + (__u32)to;
}

static __always_inline __u64 csum_diff16(__be16 from, __be16 to)
{
	return (__u64)(__u16)~from + (__u16)to;
}

/* Apply an accumulated difference to a checksum field in place. */
static __always_inline void csum_apply(__sum16 *field, __u64 diff)
{
	__u64 sum = (__u16)~*field;

	*field = (__sum16)~csum_fold(sum + diff);
}

/* UDP: 0 means "no checksum" and must stay 0; a computed 0 is sent as 0xffff. */
static __always_inline void csum_apply_udp(__sum16 *field, __u64 diff)
{
	if (*field == 0)
		return;
	csum_apply(field, diff);
	if (*field == 0)
		*field = (__sum16)0xffff;
}

/* Plain sum of a buffer of 16-bit words, for headers built from scratch.
 * len is a compile-time constant at every call site, so this unrolls. */
static __always_inline __u64 csum_words(const void *buf, __u32 len)
{
	const __u16 *w = buf;
	__u64 sum = 0;

#pragma unroll
	for (__u32 i = 0; i < len / 2; i++)
		sum += w[i];
	return sum;
}

static __always_inline __sum16 csum_finish(__u64 sum)
{
	return (__sum16)~csum_fold(sum);
}
