#include "conntrack_gc.h"

#include <bpf/bpf.h>

#include <vector>

#include "skiff/bpf/conntrack_map.h"

namespace skiff::lb {
namespace {

bool expired(const skiff_ct_key& k, const skiff_ct_entry& e, uint64_t now, const ConntrackTimeouts& t) {
  std::chrono::seconds limit = t.other;
  if (k.proto == SKIFF_PROTO_TCP) {
    if (e.flags & SKIFF_CT_F_CLOSING)
      limit = t.tcp_closing;
    else if (e.flags & SKIFF_CT_F_SEEN_REPLY)
      limit = t.tcp_established;
    else
      limit = t.tcp_opening;
  }
  const uint64_t limit_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(limit).count();
  return now > e.last_seen && now - e.last_seen > limit_ns;
}

}  // namespace

GcResult collect_conntrack(int fd, uint64_t now, const ConntrackTimeouts& timeouts) {
  GcResult result;
  constexpr uint32_t kChunk = 8192;
  std::vector<skiff_ct_key> keys(kChunk), doomed;
  std::vector<skiff_ct_entry> values(kChunk);
  skiff_ct_key in{}, out{};
  bool first = true;
  for (;;) {
    uint32_t count = kChunk;
    LIBBPF_OPTS(bpf_map_batch_opts, opts);
    int err = bpf_map_lookup_batch(fd, first ? nullptr : &in, &out, keys.data(), values.data(), &count, &opts);
    for (uint32_t i = 0; i < count; ++i)
      if (expired(keys[i], values[i], now, timeouts)) doomed.push_back(keys[i]);
    result.scanned += count;
    if (err) break;  // -ENOENT after the last chunk
    in = out;
    first = false;
  }
  for (const auto& k : doomed)
    if (bpf_map_delete_elem(fd, &k) == 0) ++result.deleted;
  return result;
}

}  // namespace skiff::lb
