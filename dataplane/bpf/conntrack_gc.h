// Removes idle conntrack entries. The map is an LRU, so it never refuses a new
// flow, but without GC a busy node would evict live flows before dead ones.
// Timeouts follow Cilium's defaults.
#pragma once
#include <chrono>
#include <cstdint>

namespace skiff::lb {

struct ConntrackTimeouts {
  std::chrono::seconds tcp_established{21600};  // 6 h
  std::chrono::seconds tcp_opening{60};         // no reply seen yet
  std::chrono::seconds tcp_closing{10};         // FIN or RST seen
  std::chrono::seconds other{60};               // UDP
};

struct GcResult {
  uint64_t scanned = 0;
  uint64_t deleted = 0;
};

// One pass over the map behind `conntrack_fd`; `now_ns` is CLOCK_MONOTONIC
// (what bpf_ktime_get_ns() reads).
GcResult collect_conntrack(int conntrack_fd, uint64_t now_ns, const ConntrackTimeouts& timeouts = {});

}  // namespace skiff::lb
