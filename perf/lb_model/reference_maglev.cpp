#include "reference_maglev.h"

#include <arpa/inet.h>

#include <algorithm>
#include <numeric>

namespace skiff::perf {

namespace {

// Must match dataplane/lb/maglev.cpp for the tables to agree.
uint64_t mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51'afd7'ed55'8ccdULL;
  x ^= x >> 33;
  x *= 0xc4ce'b9fe'1a85'ec53ULL;
  x ^= x >> 33;
  return x;
}

uint64_t backend_hash(const lb::L4Addr& addr, uint64_t seed) {
  const uint64_t identity =
      (uint64_t{ntohl(addr.addr_be)} << 32) | (uint64_t{ntohs(addr.port_be)} << 8) | uint64_t{addr.proto};
  return mix64(mix64(identity ^ seed) + seed);
}

}  // namespace

std::vector<uint32_t> reference_maglev_table(std::span<const lb::BackendState> backends, uint32_t m) {
  const size_t n = backends.size();
  if (n == 0) return {};
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return backends[a].addr < backends[b].addr; });
  std::vector<std::vector<uint32_t>> permutation(n, std::vector<uint32_t>(m));
  for (size_t i = 0; i < n; ++i) {
    const auto& addr = backends[order[i]].addr;
    const uint64_t offset = backend_hash(addr, 0x5d1f'f3c2'7a0b'9e41ULL) % m;
    const uint64_t skip = backend_hash(addr, 0xc2b2'ae3d'27d4'eb4fULL) % (m - 1) + 1;
    for (uint32_t j = 0; j < m; ++j) permutation[i][j] = static_cast<uint32_t>((offset + j * skip) % m);
  }
  std::vector<uint32_t> next(n, 0);
  std::vector<int64_t> entry(m, -1);
  uint32_t filled = 0;
  for (;;) {
    for (size_t i = 0; i < n; ++i) {
      uint32_t c = permutation[i][next[i]];
      while (entry[c] >= 0) {
        ++next[i];
        c = permutation[i][next[i]];
      }
      entry[c] = order[i];
      ++next[i];
      if (++filled == m) {
        return std::vector<uint32_t>(entry.begin(), entry.end());
      }
    }
  }
}

}  // namespace skiff::perf
