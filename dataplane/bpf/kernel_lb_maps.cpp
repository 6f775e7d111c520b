#include "kernel_lb_maps.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <sys/mman.h>

#include <cstring>

#include "skiff/bpf/affinity_map.h"
#include "skiff/bpf/maglev_map.h"
#include "skiff/bpf/service_names_map.h"

namespace skiff::lb {
namespace {

Result<UniqueFd> open_pinned(const std::string& root, const char* name) {
  std::string path = root + "/" + name;
  int fd = bpf_obj_get(path.c_str());
  if (fd < 0) return fail("open pinned map " + path, -fd == 0 ? errno : -fd);
  return UniqueFd(fd);
}

// The names map belongs to user space alone, so it is created here on first use.
Result<UniqueFd> open_or_create_names(const std::string& root) {
  if (auto fd = open_pinned(root, "skiff_service_names")) return fd;
  LIBBPF_OPTS(bpf_map_create_opts, opts);
  int fd = bpf_map_create(BPF_MAP_TYPE_HASH, "skiff_svc_names", sizeof(uint32_t),
                          sizeof(skiff_service_name), SKIFF_SERVICES_MAX, &opts);
  if (fd < 0) return fail("create map skiff_service_names", -fd);
  UniqueFd owned(fd);
  std::string path = root + "/skiff_service_names";
  if (int err = bpf_obj_pin(fd, path.c_str()); err) return fail("pin " + path, -err);
  return owned;
}

Result<> check(int err, const char* what) {
  if (err) return fail(what, -err);
  return {};
}

template <class Key, class Fn>
void for_each_key(int fd, Fn&& fn) {
  Key key{}, next{};
  const void* prev = nullptr;
  while (bpf_map_get_next_key(fd, prev, &next) == 0) {
    key = next;
    prev = &key;
    fn(key);
  }
}

}  // namespace

Result<std::unique_ptr<KernelLbMaps>> KernelLbMaps::open(const std::string& root) {
  std::unique_ptr<KernelLbMaps> m(new KernelLbMaps());
  struct Slot {
    UniqueFd* fd;
    const char* name;
  } maps[] = {{&m->services_, "skiff_services"},       {&m->backends_, "skiff_backends"},
              {&m->slots_fd_, "skiff_maglev_slots"},   {&m->conntrack_, "skiff_conntrack"},
              {&m->affinity_, "skiff_affinity"},       {&m->stats_, "skiff_service_stats"},
              {&m->events_, "skiff_events"}};
  for (auto& s : maps) {
    auto fd = open_pinned(root, s.name);
    if (!fd) return std::unexpected(fd.error());
    *s.fd = std::move(*fd);
  }
  auto names = open_or_create_names(root);
  if (!names) return std::unexpected(names.error());
  m->names_ = std::move(*names);

  bpf_map_info info{};
  uint32_t len = sizeof(info);
  if (int err = bpf_obj_get_info_by_fd(m->slots_fd_.get(), &info, &len); err)
    return fail("inspect skiff_maglev_slots", -err);
  if (info.value_size != sizeof(skiff_maglev_group))
    return fail("skiff_maglev_slots was pinned by an incompatible agent; `skiff agent --uninstall` resets it",
                EINVAL);
  size_t bytes = size_t(info.max_entries) * sizeof(skiff_maglev_group);
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, m->slots_fd_.get(), 0);
  if (p == MAP_FAILED) return fail_errno("mmap skiff_maglev_slots (needs BPF_F_MMAPABLE)");
  m->slots_ = {static_cast<uint32_t*>(p), size_t(info.max_entries) * SKIFF_MAGLEV_GROUP};
  m->ncpus_ = libbpf_num_possible_cpus();
  return m;
}

KernelLbMaps::~KernelLbMaps() {
  if (!slots_.empty()) munmap(slots_.data(), slots_.size_bytes());
}

Result<> KernelLbMaps::put_service(const skiff_service_key& k, const skiff_service& v) {
  return check(bpf_map_update_elem(services_.get(), &k, &v, BPF_ANY), "update skiff_services");
}
Result<> KernelLbMaps::delete_service(const skiff_service_key& k) {
  int err = bpf_map_delete_elem(services_.get(), &k);
  return check(err == -ENOENT ? 0 : err, "delete from skiff_services");
}
Result<> KernelLbMaps::put_backend(uint32_t id, const skiff_backend& v) {
  return check(bpf_map_update_elem(backends_.get(), &id, &v, BPF_ANY), "update skiff_backends");
}
Result<> KernelLbMaps::delete_backend(uint32_t id) {
  skiff_backend empty{};  // array maps cannot delete: addr 0 marks a free entry
  return check(bpf_map_update_elem(backends_.get(), &id, &empty, BPF_ANY), "clear skiff_backends");
}
Result<> KernelLbMaps::put_service_name(uint32_t id, std::string_view name) {
  skiff_service_name v{};
  std::memcpy(v.name, name.data(), std::min(name.size(), sizeof(v.name) - 1));
  return check(bpf_map_update_elem(names_.get(), &id, &v, BPF_ANY), "update skiff_service_names");
}
Result<> KernelLbMaps::delete_service_name(uint32_t id) {
  int err = bpf_map_delete_elem(names_.get(), &id);
  return check(err == -ENOENT ? 0 : err, "delete from skiff_service_names");
}

void KernelLbMaps::reset_stats(uint32_t id) {
  std::vector<skiff_service_stats> zero(ncpus_);
  bpf_map_update_elem(stats_.get(), &id, zero.data(), BPF_ANY);
}

void KernelLbMaps::purge_affinity(const std::unordered_set<uint32_t>& backend_ids) {
  std::vector<skiff_affinity_key> doomed;
  for_each_key<skiff_affinity_key>(affinity_.get(), [&](const skiff_affinity_key& k) {
    skiff_affinity v;
    if (bpf_map_lookup_elem(affinity_.get(), &k, &v) == 0 && backend_ids.contains(v.backend_id))
      doomed.push_back(k);
  });
  for (const auto& k : doomed) bpf_map_delete_elem(affinity_.get(), &k);
}

void KernelLbMaps::for_each_service(
    const std::function<void(const skiff_service_key&, const skiff_service&)>& fn) {
  for_each_key<skiff_service_key>(services_.get(), [&](const skiff_service_key& k) {
    skiff_service v;
    if (bpf_map_lookup_elem(services_.get(), &k, &v) == 0) fn(k, v);
  });
}

void KernelLbMaps::for_each_backend(const std::function<void(uint32_t, const skiff_backend&)>& fn) {
  // An array map: batch-read it in chunks rather than one syscall per entry.
  constexpr uint32_t kChunk = 4096;
  std::vector<uint32_t> keys(kChunk);
  std::vector<skiff_backend> values(kChunk);
  uint32_t in = 0, out = 0;
  bool first = true;
  for (;;) {
    uint32_t count = kChunk;
    LIBBPF_OPTS(bpf_map_batch_opts, opts);
    int err = bpf_map_lookup_batch(backends_.get(), first ? nullptr : &in, &out, keys.data(),
                                   values.data(), &count, &opts);
    for (uint32_t i = 0; i < count; ++i)
      if (values[i].addr) fn(keys[i], values[i]);
    if (err) break;  // -ENOENT: the last chunk was read
    in = out;
    first = false;
  }
}

void KernelLbMaps::for_each_service_name(const std::function<void(uint32_t, std::string_view)>& fn) {
  for_each_key<uint32_t>(names_.get(), [&](uint32_t id) {
    skiff_service_name v;
    if (bpf_map_lookup_elem(names_.get(), &id, &v) == 0)
      fn(id, std::string_view(v.name, strnlen(v.name, sizeof(v.name))));
  });
}

skiff_service_stats KernelLbMaps::service_stats(uint32_t id) {
  std::vector<skiff_service_stats> per_cpu(ncpus_);
  skiff_service_stats sum{};
  if (bpf_map_lookup_elem(stats_.get(), &id, per_cpu.data()) == 0)
    for (const auto& s : per_cpu) {
      sum.packets += s.packets;
      sum.bytes += s.bytes;
    }
  return sum;
}

std::vector<uint64_t> KernelLbMaps::events() {
  std::vector<uint64_t> totals(SKIFF_EV_MAX);
  std::vector<uint64_t> per_cpu(ncpus_);
  for (uint32_t ev = 0; ev < SKIFF_EV_MAX; ++ev)
    if (bpf_map_lookup_elem(events_.get(), &ev, per_cpu.data()) == 0)
      for (uint64_t v : per_cpu) totals[ev] += v;
  return totals;
}

}  // namespace skiff::lb
