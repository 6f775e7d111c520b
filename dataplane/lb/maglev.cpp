// Maglev table population (Eisenbud et al., NSDI 2016, section 3.4). Each
// backend walks its own permutation of the slots (offset + j * skip mod M,
// M prime so every skip visits every slot); backends take turns claiming
// their next free preference until the table is full, which gives every
// backend floor(M/N) or ceil(M/N) slots.
#include "skiff/lb/maglev.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <numeric>

namespace skiff::lb {

namespace {

constexpr std::array<uint32_t, 10> kSizeLadder = {251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521, 131071};

// Different seeds give the offset and the skip independent hashes of the
// same backend.
constexpr uint64_t kOffsetSeed = 0x5d1f'f3c2'7a0b'9e41ULL;
constexpr uint64_t kSkipSeed = 0xc2b2'ae3d'27d4'eb4fULL;

// MurmurHash3's 64-bit finalizer: every input bit flips each output bit
// with probability close to 1/2, which is all a permutation seed needs.
constexpr uint64_t mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51'afd7'ed55'8ccdULL;
  x ^= x >> 33;
  x *= 0xc4ce'b9fe'1a85'ec53ULL;
  x ^= x >> 33;
  return x;
}

// Hashes the backend's identity in host order so every node, whatever its
// endianness, derives the same permutation.
uint64_t backend_hash(const L4Addr& addr, uint64_t seed) {
  const uint64_t identity =
      (uint64_t{ntohl(addr.addr_be)} << 32) | (uint64_t{ntohs(addr.port_be)} << 8) | uint64_t{addr.proto};
  // Two rounds: the seed is folded in after the first so that backends
  // differing in one bit do not keep correlated offsets and skips.
  return mix64(mix64(identity ^ seed) + seed);
}

bool is_prime(uint32_t n) {
  if (n < 2) return false;
  if (n % 2 == 0) return n == 2;
  for (uint32_t d = 3; d * d <= n; d += 2) {
    if (n % d == 0) return false;
  }
  return true;
}

struct Walker {
  uint32_t next;   // the next slot this backend prefers
  uint32_t skip;
  uint32_t index;  // into the caller's span
};

}  // namespace

bool maglev_size_allowed(uint32_t m) {
  return std::find(kSizeLadder.begin(), kSizeLadder.end(), m) != kSizeLadder.end();
}

uint32_t maglev_table_size(size_t n_backends, uint32_t max) {
  // An off-ladder cap means the largest ladder size under it.
  uint32_t cap = kSizeLadder.front();
  for (uint32_t m : kSizeLadder) {
    if (m <= max) cap = m;
  }
  const uint64_t wanted = uint64_t{n_backends} * 100;
  for (uint32_t m : kSizeLadder) {
    if (m >= cap || m >= wanted) return std::min(m, cap);
  }
  return cap;
}

std::vector<uint32_t> maglev_table(std::span<const BackendState> backends, uint32_t m) {
  // A non-prime size would leave some permutations short of a full cycle
  // and the population loop could spin forever.
  if (backends.empty() || !is_prime(m)) return {};

  // Walk backends in address order, not input order, so the table maps
  // slots to the same backends however the caller ordered them.
  std::vector<uint32_t> order(backends.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return backends[a].addr < backends[b].addr; });

  std::vector<Walker> walkers;
  walkers.reserve(order.size());
  for (uint32_t i : order) {
    const L4Addr& addr = backends[i].addr;
    walkers.push_back(Walker{static_cast<uint32_t>(backend_hash(addr, kOffsetSeed) % m),
                             static_cast<uint32_t>(backend_hash(addr, kSkipSeed) % (m - 1)) + 1, i});
  }

  constexpr uint32_t kFree = UINT32_MAX;
  std::vector<uint32_t> table(m, kFree);
  uint32_t filled = 0;
  for (;;) {
    for (Walker& w : walkers) {
      uint32_t slot = w.next;
      while (table[slot] != kFree) {
        slot += w.skip;
        if (slot >= m) slot -= m;
      }
      table[slot] = w.index;
      slot += w.skip;
      w.next = slot >= m ? slot - m : slot;
      if (++filled == m) return table;
    }
  }
}

}  // namespace skiff::lb
