#include "bpf_env.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <atomic>
#include <ctime>

namespace skiff::test {
namespace {

constexpr const char* kBpffs = "/sys/fs/bpf";

bool ensure_bpffs() {
  struct statfs st {};
  if (statfs(kBpffs, &st) == 0 && st.f_type == BPF_FS_MAGIC) return true;
  mkdir(kBpffs, 0700);
  return mount("bpf", kBpffs, "bpf", 0, nullptr) == 0;
}

void remove_tree(const std::string& dir) {
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string name = e->d_name;
      if (name == "." || name == "..") continue;
      std::string p = dir + "/" + name;
      if (e->d_type == DT_DIR)
        remove_tree(p);
      else
        unlink(p.c_str());
    }
    closedir(d);
  }
  rmdir(dir.c_str());
}

bpf_object_open_opts open_opts(const PinRoot& root) {
  bpf_object_open_opts o{};
  o.sz = sizeof(o);
  o.pin_root_path = root.path().c_str();
  return o;
}

template <class Skel>
Owned<Skel> finish(Skel* s, void (*destroy)(Skel*), int (*load)(Skel*), const LoadConfig& cfg) {
  Owned<Skel> p(s, destroy);
  if (!s) return p;
  bpf_map__set_max_entries(s->maps.skiff_maglev_slots, SKIFF_MAGLEV_ENTRIES(cfg.maglev_slots));
  if constexpr (requires { s->rodata->skiff_snat_addr; }) {
    s->rodata->skiff_snat_addr = htonl(cfg.snat_addr);
    if (cfg.hairpin_addr) s->rodata->skiff_hairpin_addr = htonl(cfg.hairpin_addr);
  }
  if (load(s) != 0) p.reset();
  return p;
}

template <class T>
void sum_percpu(int fd, std::uint32_t key, T* acc) {
  std::vector<T> v(libbpf_num_possible_cpus());
  if (bpf_map_lookup_elem(fd, &key, v.data()) != 0) return;
  for (auto& x : v) *acc += x;
}

}  // namespace

PinRoot::PinRoot() {
  static std::atomic<int> counter{0};
  if (!ensure_bpffs()) return;
  std::string p = std::string(kBpffs) + "/skiff-test-" + std::to_string(getpid()) + "-" +
                  std::to_string(counter++);
  remove_tree(p);  // a crashed earlier run with the same pid
  if (mkdir(p.c_str(), 0700) == 0) path_ = p;
}

PinRoot::~PinRoot() {
  if (!path_.empty()) remove_tree(path_);
}

Owned<skiff_xdp> load_xdp(const PinRoot& root, const LoadConfig& cfg) {
  auto o = open_opts(root);
  return finish(skiff_xdp__open_opts(&o), skiff_xdp__destroy, skiff_xdp__load, cfg);
}
Owned<skiff_tc> load_tc(const PinRoot& root, const LoadConfig& cfg) {
  auto o = open_opts(root);
  return finish(skiff_tc__open_opts(&o), skiff_tc__destroy, skiff_tc__load, cfg);
}
Owned<skiff_sock> load_sock(const PinRoot& root, const LoadConfig& cfg) {
  auto o = open_opts(root);
  return finish(skiff_sock__open_opts(&o), skiff_sock__destroy, skiff_sock__load, cfg);
}

RunResult test_run(const bpf_program* prog, const Bytes& in) {
  RunResult r;
  r.out.resize(in.size() + 512);
  bpf_test_run_opts o{};
  o.sz = sizeof(o);
  o.data_in = in.data();
  o.data_size_in = static_cast<std::uint32_t>(in.size());
  o.data_out = r.out.data();
  o.data_size_out = static_cast<std::uint32_t>(r.out.size());
  o.repeat = 1;
  r.err = bpf_prog_test_run_opts(bpf_program__fd(prog), &o);
  r.retval = o.retval;
  r.out.resize(r.err == 0 ? o.data_size_out : 0);
  return r;
}

void LbMaps::set_backend(std::uint32_t id, std::uint32_t addr, std::uint16_t port, std::uint8_t proto,
                         std::uint8_t flags) {
  skiff_backend b{htonl(addr), htons(port), proto, flags};
  bpf_map_update_elem(backends_, &id, &b, BPF_ANY);
}

void LbMaps::free_backend(std::uint32_t id) {
  skiff_backend b{};
  bpf_map_update_elem(backends_, &id, &b, BPF_ANY);
}

void LbMaps::fill_slots(std::uint32_t offset, std::uint32_t count, const std::vector<std::uint32_t>& backends) {
  for (std::uint32_t i = 0; i < count && !backends.empty(); i++) {
    std::uint32_t slot = offset + i, group = slot / SKIFF_MAGLEV_GROUP;
    skiff_maglev_group g{};
    bpf_map_lookup_elem(slots_, &group, &g);
    g.backend_id[slot % SKIFF_MAGLEV_GROUP] = backends[i % backends.size()];
    bpf_map_update_elem(slots_, &group, &g, BPF_ANY);
  }
}

std::uint32_t LbMaps::add_frontend(const Frontend& f) {
  skiff_service s{};
  s.id = next_id_++;
  s.slot_offset = next_offset_;
  s.slot_count = f.backends.empty() ? 0 : f.slots;
  s.affinity_timeout = f.affinity_timeout;
  s.flags = f.flags;
  fill_slots(s.slot_offset, s.slot_count, f.backends);
  next_offset_ += s.slot_count;
  put_service(f.addr, f.port, f.proto, s);
  return s.id;
}

std::optional<skiff_service> LbMaps::service(std::uint32_t addr, std::uint16_t port, std::uint8_t proto) const {
  skiff_service_key k{htonl(addr), htons(port), proto, 0};
  skiff_service s{};
  if (bpf_map_lookup_elem(services_, &k, &s) != 0) return std::nullopt;
  return s;
}

void LbMaps::put_service(std::uint32_t addr, std::uint16_t port, std::uint8_t proto, const skiff_service& s) {
  skiff_service_key k{htonl(addr), htons(port), proto, 0};
  bpf_map_update_elem(services_, &k, &s, BPF_ANY);
}

std::optional<skiff_ct_entry> LbMaps::ct(const skiff_ct_key& k) const {
  skiff_ct_entry e{};
  if (bpf_map_lookup_elem(ct_, &k, &e) != 0) return std::nullopt;
  return e;
}

void LbMaps::put_ct(const skiff_ct_key& k, const skiff_ct_entry& e) { bpf_map_update_elem(ct_, &k, &e, BPF_ANY); }

std::optional<skiff_affinity> LbMaps::affinity(std::uint64_t client, std::uint32_t service_id) const {
  skiff_affinity_key k{client, service_id, 0};
  skiff_affinity a{};
  if (bpf_map_lookup_elem(affinity_, &k, &a) != 0) return std::nullopt;
  return a;
}

void LbMaps::put_affinity(std::uint64_t client, std::uint32_t service_id, const skiff_affinity& a) {
  skiff_affinity_key k{client, service_id, 0};
  bpf_map_update_elem(affinity_, &k, &a, BPF_ANY);
}

skiff_service_stats LbMaps::stats(std::uint32_t service_id) const {
  int n = libbpf_num_possible_cpus();
  std::vector<skiff_service_stats> v(n);
  skiff_service_stats total{};
  if (bpf_map_lookup_elem(stats_, &service_id, v.data()) != 0) return total;
  for (auto& s : v) {
    total.packets += s.packets;
    total.bytes += s.bytes;
  }
  return total;
}

std::uint64_t LbMaps::event(skiff_event ev) const {
  std::uint64_t total = 0;
  sum_percpu<std::uint64_t>(events_, ev, &total);
  return total;
}

skiff_ct_key ct_key(std::uint32_t src, std::uint32_t dst, std::uint16_t sport, std::uint16_t dport,
                    std::uint8_t proto, std::uint8_t dir) {
  return skiff_ct_key{htonl(src), htonl(dst), htons(sport), htons(dport), proto, dir, 0};
}

std::uint64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::uint64_t(ts.tv_sec) * 1'000'000'000ull + ts.tv_nsec;
}

}  // namespace skiff::test
