// Per-packet cost of skiff_xdp_lb and tc_from_pod with 1, 1,000, 10,000 and
// 100,000 services (3 backends each) in the maps, printed as ns/packet and as
// the ratio to the 1-service case.
//
// BPF_PROG_TEST_RUN does not reset the packet between repeats, so a DNATed
// packet would be "non-service traffic" from the second repeat on. Two ways
// around it, both reported:
//  - repeat: the measured frontend's backend is the frontend itself, so the
//    rewrite reproduces the input and each of the 1,000,000 repeats does the
//    full established-flow work (lookup, conntrack hit, NAT, counters).
//  - per-call: one packet per syscall (repeat 1) with the kernel's own
//    timing, minus the same measurement of a program that only returns;
//    flows are spread over random services, so large tables pay their cache
//    misses, and new flows (conntrack miss) get a fresh 5-tuple every call.
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <dirent.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "skiff/bpf/backend_map.h"
#include "skiff/bpf/maglev_map.h"
#include "skiff/bpf/service_map.h"
#include "skiff_tc.skel.h"
#include "skiff_xdp.skel.h"

namespace {

constexpr std::uint32_t kSlotsPerService = 251;  // a small prime Maglev table
constexpr std::uint32_t kBackendsPerService = 3;
constexpr std::uint32_t kMaxServices = 100'000;
constexpr std::uint32_t kRepeat = 1'000'000;
constexpr int kCalls = 100'000;
constexpr std::uint32_t kEstFlows = 4096;

std::uint32_t vip(std::uint32_t i) { return (10u << 24 | 96u << 16) + i + 1; }       // 10.96.0.1 ...
std::uint32_t backend_ip(std::uint32_t id) { return (10u << 24 | 128u << 16) + id; }  // 10.128.0.x ...
constexpr std::uint32_t kProbeVip = (10u << 24) | (255u << 16) | 1;
constexpr std::uint32_t kClient = (192u << 24) | (0u << 16) | (2u << 8) | 10;

// A private pin root, removed with its pins.
class PinRoot {
 public:
  PinRoot() {
    struct statfs st {};
    if (statfs("/sys/fs/bpf", &st) != 0 || st.f_type != BPF_FS_MAGIC)
      mount("bpf", "/sys/fs/bpf", "bpf", 0, nullptr);
    path_ = "/sys/fs/bpf/skiff-prog-cost-" + std::to_string(getpid());
    mkdir(path_.c_str(), 0700);
  }
  ~PinRoot() {
    if (DIR* d = opendir(path_.c_str())) {
      while (dirent* e = readdir(d))
        if (e->d_name[0] != '.') unlink((path_ + "/" + e->d_name).c_str());
      closedir(d);
    }
    rmdir(path_.c_str());
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct Mapping {
  void* addr = MAP_FAILED;
  std::size_t len = 0;
  ~Mapping() {
    if (addr != MAP_FAILED) munmap(addr, len);
  }
};

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

std::vector<std::uint8_t> tcp_frame(std::uint32_t src, std::uint16_t sport, std::uint32_t dst, std::uint16_t dport) {
  std::vector<std::uint8_t> f(54, 0);
  f[0] = 0x02, f[6] = 0x02, f[11] = 1;
  f[12] = 0x08;
  f[14] = 0x45;
  f[17] = 40;
  f[22] = 64;
  f[23] = 6;
  auto put32 = [&](std::size_t o, std::uint32_t v) { std::uint32_t n = htonl(v); std::memcpy(&f[o], &n, 4); };
  auto put16 = [&](std::size_t o, std::uint16_t v) { std::uint16_t n = htons(v); std::memcpy(&f[o], &n, 2); };
  put32(26, src);
  put32(30, dst);
  put16(34, sport);
  put16(36, dport);
  put32(38, 1);
  f[46] = 0x50;
  f[47] = 0x10;  // ACK: checksums are not verified by the programs, only updated
  put16(48, 65535);
  return f;
}

struct Run {
  int fd;
  // Mean ns per packet as timed by the kernel.
  double repeat(const std::vector<std::uint8_t>& pkt, std::uint32_t n) const {
    std::vector<std::uint8_t> out(pkt.size() + 256);
    bpf_test_run_opts o{};
    o.sz = sizeof(o);
    o.data_in = pkt.data();
    o.data_size_in = pkt.size();
    o.data_out = out.data();
    o.data_size_out = out.size();
    o.repeat = n;
    if (bpf_prog_test_run_opts(fd, &o) != 0) return -1;
    return o.duration;
  }
};

// A program that only returns: the fixed cost of one test run.
int trivial_prog(bpf_prog_type type) {
  bpf_insn insns[] = {
      {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = type == BPF_PROG_TYPE_XDP ? 2 : 0},
      {.code = BPF_JMP | BPF_EXIT},
  };
  return bpf_prog_load(type, "skiff_nop", "GPL", insns, 2, nullptr);
}

class Bench {
 public:
  bool load() {
    bpf_object_open_opts o{};
    o.sz = sizeof(o);
    o.pin_root_path = root_.path().c_str();
    xdp_.reset(skiff_xdp__open_opts(&o));
    if (!xdp_) return false;
    slots_ = kMaxServices * kSlotsPerService + kSlotsPerService;
    bpf_map__set_max_entries(xdp_->maps.skiff_maglev_slots, SKIFF_MAGLEV_ENTRIES(slots_));
    if (skiff_xdp__load(xdp_.get())) return false;
    tc_.reset(skiff_tc__open_opts(&o));
    if (!tc_) return false;
    bpf_map__set_max_entries(tc_->maps.skiff_maglev_slots, SKIFF_MAGLEV_ENTRIES(slots_));
    if (skiff_tc__load(tc_.get())) return false;
    map_.len = std::size_t(SKIFF_MAGLEV_ENTRIES(slots_)) * sizeof(skiff_maglev_group);
    map_.addr = mmap(nullptr, map_.len, PROT_READ | PROT_WRITE, MAP_SHARED,
                     bpf_map__fd(xdp_->maps.skiff_maglev_slots), 0);
    if (map_.addr == MAP_FAILED) return false;
    add_probe();
    return true;
  }

  // Services [count_, n) with their backends and Maglev ranges.
  void grow_to(std::uint32_t n) {
    auto* slots = static_cast<std::uint32_t*>(map_.addr);
    for (std::uint32_t i = count_; i < n; i++) {
      std::uint32_t first = 1 + i * kBackendsPerService;
      for (std::uint32_t b = 0; b < kBackendsPerService; b++) {
        std::uint32_t id = first + b;
        skiff_backend be{htonl(backend_ip(id)), htons(8080), 6, SKIFF_BACKEND_F_LOCAL};
        bpf_map_update_elem(fd(xdp_->maps.skiff_backends), &id, &be, BPF_ANY);
      }
      std::uint32_t off = kSlotsPerService + i * kSlotsPerService;  // range 0 is the probe's
      for (std::uint32_t s = 0; s < kSlotsPerService; s++) slots[off + s] = first + s % kBackendsPerService;
      skiff_service_key k{htonl(vip(i)), htons(80), 6, 0};
      skiff_service v{.id = i + 2, .slot_offset = off, .slot_count = kSlotsPerService};
      bpf_map_update_elem(fd(xdp_->maps.skiff_services), &k, &v, BPF_ANY);
    }
    count_ = n;
  }

  // Collect first, then delete: restarting the walk after each delete is quadratic.
  void clear_conntrack() {
    int m = fd(xdp_->maps.skiff_conntrack);
    std::vector<std::array<std::uint8_t, 16>> keys;
    std::array<std::uint8_t, 16> k{};
    const void* prev = nullptr;
    while (bpf_map_get_next_key(m, prev, k.data()) == 0) {
      keys.push_back(k);
      prev = keys.back().data();
    }
    for (auto& key : keys) bpf_map_delete_elem(m, key.data());
  }

  int fd(bpf_map* m) const { return bpf_map__fd(m); }
  int xdp_fd() const { return bpf_program__fd(xdp_->progs.skiff_xdp_lb); }
  int tc_fd() const { return bpf_program__fd(tc_->progs.tc_from_pod); }

 private:
  // The frontend whose backend is itself, for the repeat measurement.
  void add_probe() {
    std::uint32_t id = 0;  // backend 0 is the probe's
    skiff_backend be{htonl(kProbeVip), htons(80), 6, SKIFF_BACKEND_F_LOCAL};
    bpf_map_update_elem(fd(xdp_->maps.skiff_backends), &id, &be, BPF_ANY);
    auto* slots = static_cast<std::uint32_t*>(map_.addr);
    for (std::uint32_t s = 0; s < kSlotsPerService; s++) slots[s] = 0;
    skiff_service_key k{htonl(kProbeVip), htons(80), 6, 0};
    skiff_service v{.id = 1, .slot_offset = 0, .slot_count = kSlotsPerService};
    bpf_map_update_elem(fd(xdp_->maps.skiff_services), &k, &v, BPF_ANY);
  }

  PinRoot root_;
  std::unique_ptr<skiff_xdp, decltype(&skiff_xdp__destroy)> xdp_{nullptr, skiff_xdp__destroy};
  std::unique_ptr<skiff_tc, decltype(&skiff_tc__destroy)> tc_{nullptr, skiff_tc__destroy};
  Mapping map_;
  std::uint32_t slots_ = 0;
  std::uint32_t count_ = 0;
};

// Kernel-timed ns of one packet per call: the lowest mean of 5 batches, so a
// neighbour's burst on this shared machine does not land in the figure.
template <class Gen>
double per_call(int fd, int calls, Gen gen) {
  Run r{fd};
  double best = 1e18;
  int batch = calls / 5;
  for (int b = 0; b < 5; b++) {
    double total = 0;
    for (int i = 0; i < batch; i++) total += r.repeat(gen(b * batch + i), 1);
    best = std::min(best, total / batch);
  }
  return best;
}

struct Row {
  std::uint32_t services;
  double est_repeat, est_call, new_call;
};

void print(const char* name, const std::vector<Row>& rows) {
  std::printf("\n%s (ns/packet; ratio to 1 service)\n", name);
  std::printf("%10s  %22s  %22s  %22s\n", "services", "established, repeat", "established, per call",
              "new flow, per call");
  for (const auto& r : rows)
    std::printf("%10u  %14.1f (%5.2fx)  %14.1f (%5.2fx)  %14.1f (%5.2fx)\n", r.services, r.est_repeat,
                r.est_repeat / rows[0].est_repeat, r.est_call, r.est_call / rows[0].est_call, r.new_call,
                r.new_call / rows[0].new_call);
}

}  // namespace

int main() {
  Bench b;
  if (!b.load()) {
    std::fprintf(stderr, "loading the BPF objects failed (root and bpffs needed): %s\n", std::strerror(errno));
    return 1;
  }
  Fd nop_xdp(trivial_prog(BPF_PROG_TYPE_XDP));
  Fd nop_tc(trivial_prog(BPF_PROG_TYPE_SCHED_CLS));
  if (nop_xdp.get() < 0 || nop_tc.get() < 0) {
    std::fprintf(stderr, "loading the baseline programs failed\n");
    return 1;
  }
  std::printf("skiff prog_cost: %u repeats; %d calls per per-call case; %u slots and %u backends per service\n",
              kRepeat, kCalls, kSlotsPerService, kBackendsPerService);

  std::vector<Row> xdp_rows, tc_rows;
  std::uint32_t flow_seq = 0;
  for (std::uint32_t n : {1u, 1'000u, 10'000u, 100'000u}) {
    b.grow_to(n);
    std::mt19937 rng(n);
    for (int pass = 0; pass < 2; pass++) {
      int prog = pass == 0 ? b.xdp_fd() : b.tc_fd();
      int nop = pass == 0 ? nop_xdp.get() : nop_tc.get();
      Row row{n, 0, 0, 0};
      b.clear_conntrack();

      auto probe = tcp_frame(kClient, 40000, kProbeVip, 80);
      Run{prog}.repeat(probe, 1);       // create the flow
      Run{prog}.repeat(probe, kRepeat / 10);  // warm up
      row.est_repeat = 1e18;  // lowest of 5 runs: the machine is shared
      for (int i = 0; i < 5; i++) row.est_repeat = std::min(row.est_repeat, Run{prog}.repeat(probe, kRepeat));

      // Established flows spread over the services.
      std::vector<std::vector<std::uint8_t>> est;
      for (std::uint32_t f = 0; f < kEstFlows; f++) {
        est.push_back(tcp_frame(kClient + f, static_cast<std::uint16_t>(1024 + f), vip(rng() % n), 80));
        Run{prog}.repeat(est.back(), 1);
      }
      auto pick_est = [&](int i) -> const std::vector<std::uint8_t>& { return est[(i * 2654435761u) % kEstFlows]; };
      double base = per_call(nop, kCalls, pick_est);
      row.est_call = per_call(prog, kCalls, pick_est) - base;

      // New flows: a 5-tuple never seen before, to a random service.
      std::vector<std::uint8_t> fresh;
      auto gen_new = [&](int) -> const std::vector<std::uint8_t>& {
        flow_seq++;
        fresh = tcp_frame(kClient + (flow_seq >> 16) + 0x10000, static_cast<std::uint16_t>(flow_seq), vip(rng() % n), 80);
        return fresh;
      };
      double base_new = per_call(nop, kCalls, gen_new);
      row.new_call = per_call(prog, kCalls, gen_new) - base_new;
      (pass == 0 ? xdp_rows : tc_rows).push_back(row);
    }
  }
  print("skiff_xdp_lb (XDP)", xdp_rows);
  print("tc_from_pod (tc)", tc_rows);
  return 0;
}
