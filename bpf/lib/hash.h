/* A deterministic flow hash (Bob Jenkins' lookup3 final mix over three
 * words, fixed seed): every node maps a flow to the same Maglev slot. */
#pragma once
#include "common.h"

#define SKIFF_HASH_SEED 0x2f5a1c3bu
#define SKIFF_HASH_INIT (0xdeadbeefu + (3u << 2) + SKIFF_HASH_SEED)

static __always_inline __u32 skiff_rol32(__u32 w, __u32 s)
{
	return (w << s) | (w >> (32 - s));
}

static __always_inline __u32 skiff_hash3(__u32 a, __u32 b, __u32 c)
{
	a += SKIFF_HASH_INIT;
	b += SKIFF_HASH_INIT;
	c += SKIFF_HASH_INIT;
	c ^= b; c -= skiff_rol32(b, 14);
	a ^= c; a -= skiff_rol32(c, 11);
	b ^= a; b -= skiff_rol32(a, 25);
	c ^= b; c -= skiff_rol32(b, 16);
	a ^= c; a -= skiff_rol32(c, 4);
	b ^= a; b -= skiff_rol32(a, 14);
	c ^= b; c -= skiff_rol32(b, 24);
	return c;
}

/* Per-packet paths: the full 5-tuple spreads flows; with ClientIP affinity
 * the source port is left out so one client lands on one backend even when
 * its affinity entry is gone (the same choice Cilium made for Maglev). */
static __always_inline __u32 flow_hash(__be32 saddr, __be32 daddr, __be16 sport,
				       __be16 dport, int affinity)
{
	__u32 ports = affinity ? (__u32)dport : ((__u32)sport << 16) | dport;

	return skiff_hash3(saddr, daddr, ports);
}
