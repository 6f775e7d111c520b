// Test environment for the BPF programs: a private pin root (so tests never
// touch a running agent's /sys/fs/bpf/skiff), skeletons loaded against it,
// map helpers, and BPF_PROG_TEST_RUN.
#pragma once

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "packet.h"
#include "skiff/bpf/affinity_map.h"
#include "skiff/bpf/backend_map.h"
#include "skiff/bpf/maglev_map.h"
#include "skiff/bpf/conntrack_map.h"
#include "skiff/bpf/service_map.h"
#include "skiff/bpf/sock_revnat_map.h"
#include "skiff/bpf/stats_map.h"
#include "skiff_sock.skel.h"
#include "skiff_tc.skel.h"
#include "skiff_xdp.skel.h"

namespace skiff::test {

// Mounts bpffs if needed, creates a unique directory under it and removes it
// with every pin inside when destroyed.
class PinRoot {
 public:
  PinRoot();
  ~PinRoot();
  PinRoot(const PinRoot&) = delete;
  PinRoot& operator=(const PinRoot&) = delete;
  const std::string& path() const { return path_; }
  bool ok() const { return !path_.empty(); }

 private:
  std::string path_;
};

struct LoadConfig {
  std::uint32_t snat_addr = 0;     // host order; 0: no SNAT in XDP
  std::uint32_t hairpin_addr = 0;  // host order; 0: keep the compiled default
  std::uint32_t maglev_slots = 1u << 16;
};

template <class T>
using Owned = std::unique_ptr<T, void (*)(T*)>;

Owned<skiff_xdp> load_xdp(const PinRoot& root, const LoadConfig& cfg = {});
Owned<skiff_tc> load_tc(const PinRoot& root, const LoadConfig& cfg = {});
Owned<skiff_sock> load_sock(const PinRoot& root, const LoadConfig& cfg = {});

struct RunResult {
  int err = 0;               // the syscall's result (negative errno)
  std::uint32_t retval = 0;  // the program's verdict
  Bytes out;
};
RunResult test_run(const bpf_program* prog, const Bytes& in);

struct Frontend {
  std::uint32_t addr = 0;  // host order
  std::uint16_t port = 0;
  std::uint8_t proto = kTcp;
  std::vector<std::uint32_t> backends;  // ids, spread round robin over the slots
  std::uint32_t slots = 13;             // 0: no usable backend
  std::uint16_t flags = 0;
  std::uint32_t affinity_timeout = 0;
};

// Reads and writes the shared maps, by pinned-map fd.
class LbMaps {
 public:
  template <class Skel>
  explicit LbMaps(const Skel& s)
      : services_(bpf_map__fd(s.maps.skiff_services)),
        backends_(bpf_map__fd(s.maps.skiff_backends)),
        slots_(bpf_map__fd(s.maps.skiff_maglev_slots)),
        ct_(bpf_map__fd(s.maps.skiff_conntrack)),
        affinity_(bpf_map__fd(s.maps.skiff_affinity)),
        sock_revnat_(bpf_map__fd(s.maps.skiff_sock_revnat)),
        stats_(bpf_map__fd(s.maps.skiff_service_stats)),
        events_(bpf_map__fd(s.maps.skiff_events)) {}

  void set_backend(std::uint32_t id, std::uint32_t addr, std::uint16_t port, std::uint8_t proto,
                   std::uint8_t flags = 0);
  void free_backend(std::uint32_t id);
  // Returns the service id; slot ranges are allocated one after another.
  std::uint32_t add_frontend(const Frontend& f);
  void fill_slots(std::uint32_t offset, std::uint32_t count, const std::vector<std::uint32_t>& backends);
  std::optional<skiff_service> service(std::uint32_t addr, std::uint16_t port, std::uint8_t proto) const;
  void put_service(std::uint32_t addr, std::uint16_t port, std::uint8_t proto, const skiff_service& s);

  std::optional<skiff_ct_entry> ct(const skiff_ct_key& k) const;
  void put_ct(const skiff_ct_key& k, const skiff_ct_entry& e);
  std::optional<skiff_affinity> affinity(std::uint64_t client, std::uint32_t service_id) const;
  void put_affinity(std::uint64_t client, std::uint32_t service_id, const skiff_affinity& a);
  skiff_service_stats stats(std::uint32_t service_id) const;  // summed over CPUs
  std::uint64_t event(skiff_event ev) const;                 // summed over CPUs
  int sock_revnat_fd() const { return sock_revnat_; }

 private:
  int services_, backends_, slots_, ct_, affinity_, sock_revnat_, stats_, events_;
  std::uint32_t next_offset_ = 0;
  std::uint32_t next_id_ = 1;
};

// Conntrack keys in the maps' byte order from host-order values.
skiff_ct_key ct_key(std::uint32_t src, std::uint32_t dst, std::uint16_t sport, std::uint16_t dport,
                    std::uint8_t proto, std::uint8_t dir);

std::uint64_t monotonic_ns();  // the clock bpf_ktime_get_ns() reads

}  // namespace skiff::test
