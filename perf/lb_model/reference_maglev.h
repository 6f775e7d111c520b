// The peer for the Maglev benchmark: Pseudocode 1 of the Maglev paper as
// written, with the whole permutation matrix computed up front (N x M
// entries) and the permutation index advanced per probe. Same hash and
// turn order as skiff's, so both produce identical tables.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "skiff/lb/frontends.h"

namespace skiff::perf {

std::vector<uint32_t> reference_maglev_table(std::span<const lb::BackendState> backends, uint32_t m);

}  // namespace skiff::perf
