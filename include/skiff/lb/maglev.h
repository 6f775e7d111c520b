// Maglev consistent hashing (Eisenbud et al., NSDI 2016), built in user space.
// The permutation of each backend derives from its address and port only, so
// every node computes the same table for the same backend set.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "skiff/lb/frontends.h"

namespace skiff::lb {

inline constexpr uint32_t kMaglevDefaultMax = 16381;

// The table size for n backends: the smallest prime of a fixed ladder (251,
// 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521, 131071) that is at least
// 100 * n, capped at `max` (a prime from the ladder; an off-ladder cap means
// the largest ladder size below it). A backend change moves its own 1/N of
// the slots plus, at M ~ 100 N, about 1.5-2.5% of M between the other
// backends (under 1% once M ~ 1000 N); small services get small tables.
uint32_t maglev_table_size(size_t n_backends, uint32_t max = kMaglevDefaultMax);
bool maglev_size_allowed(uint32_t m);

// Fills a table of size m with indexes into `backends`. The same backend
// set gives the same slot->backend mapping whatever the input order (only
// address, port and protocol count). Empty backends or a non-prime m:
// empty result.
std::vector<uint32_t> maglev_table(std::span<const BackendState> backends, uint32_t m);

}  // namespace skiff::lb
