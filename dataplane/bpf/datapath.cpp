#include "datapath.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <spdlog/spdlog.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <filesystem>
#include <functional>

#include "skiff/bpf/maglev_map.h"
#include "skiff_sock.skel.h"
#include "skiff_tc.skel.h"
#include "skiff_xdp.skel.h"
#include "tc_filters.h"
#include "unique_fd.h"

namespace skiff::dp {
namespace fs = std::filesystem;

const char* to_string(XdpMode m) { return m == XdpMode::Native ? "native" : "generic"; }

namespace {

constexpr long kBpfFsMagic = 0xcafe4a11;

// The pin root must live on a bpf filesystem; mount one at /sys/fs/bpf if the
// node has none (containers and minimal hosts often don't).
Result<> ensure_pin_root(const std::string& root) {
  struct statfs st{};
  if (statfs("/sys/fs/bpf", &st) != 0 || st.f_type != kBpfFsMagic) {
    ::mkdir("/sys/fs/bpf", 0700);
    if (mount("bpf", "/sys/fs/bpf", "bpf", 0, "mode=0700") != 0) return fail_errno("mount bpffs at /sys/fs/bpf");
  }
  std::error_code ec;
  fs::create_directories(root + "/links", ec);
  if (ec) return fail("create " + root + "/links: " + ec.message());
  return {};
}

// A pinned map must be reused with the size it was created with.
uint32_t pinned_max_entries(const std::string& path) {
  UniqueFd fd(bpf_obj_get(path.c_str()));
  if (!fd) return 0;
  bpf_map_info info{};
  uint32_t len = sizeof(info);
  return bpf_obj_get_info_by_fd(fd.get(), &info, &len) == 0 ? info.max_entries : 0;
}

template <class Skel>
Result<Skel*> open_and_load(Skel* (*open)(const bpf_object_open_opts*), int (*load)(Skel*),
                            void (*destroy)(Skel*), const DatapathOptions& o, uint32_t slots,
                            const char* what, const std::function<void(Skel*)>& configure) {
  LIBBPF_OPTS(bpf_object_open_opts, opts, .pin_root_path = o.pin_root.c_str());
  Skel* skel = open(&opts);
  if (!skel) return fail_errno(std::string("open BPF object ") + what);
  bpf_map__set_max_entries(skel->maps.skiff_maglev_slots, SKIFF_MAGLEV_ENTRIES(slots));
  configure(skel);
  if (int err = load(skel); err) {
    destroy(skel);
    return fail(std::string("load BPF object ") + what + " (see the verifier log above)", -err);
  }
  return skel;
}

}  // namespace

Result<std::unique_ptr<Datapath>> Datapath::load(const DatapathOptions& options) {
  if (auto r = ensure_pin_root(options.pin_root); !r) return std::unexpected(r.error());
  std::unique_ptr<Datapath> dp(new Datapath());
  dp->options_ = options;

  uint32_t slots = options.maglev_slots ? options.maglev_slots : SKIFF_MAGLEV_SLOTS_DEFAULT;
  slots = SKIFF_MAGLEV_ENTRIES(slots) * SKIFF_MAGLEV_GROUP;
  if (uint32_t entries = pinned_max_entries(options.pin_root + "/skiff_maglev_slots")) {
    const uint32_t pinned = entries * SKIFF_MAGLEV_GROUP;
    if (options.maglev_slots && pinned != slots)
      spdlog::warn("keeping the pinned Maglev slot array of {} slots (asked for {}); "
                   "`skiff agent --uninstall` resets it", pinned, options.maglev_slots);
    slots = pinned;
  }
  const uint32_t hairpin = options.hairpin_addr.v4_be();
  const uint32_t snat = options.snat_addr ? options.snat_addr->v4_be() : 0;

  auto xdp = open_and_load<skiff_xdp>(skiff_xdp__open_opts, skiff_xdp__load, skiff_xdp__destroy,
                                      options, slots, "skiff_xdp", [&](skiff_xdp* s) {
                                        s->rodata->skiff_hairpin_addr = hairpin;
                                        s->rodata->skiff_snat_addr = snat;
                                      });
  if (!xdp) return std::unexpected(xdp.error());
  dp->xdp_ = *xdp;
  auto tc = open_and_load<skiff_tc>(skiff_tc__open_opts, skiff_tc__load, skiff_tc__destroy, options,
                                    slots, "skiff_tc", [&](skiff_tc* s) {
                                      s->rodata->skiff_hairpin_addr = hairpin;
                                      s->rodata->skiff_snat_addr = snat;
                                    });
  if (!tc) return std::unexpected(tc.error());
  dp->tc_ = *tc;
  auto sock = open_and_load<skiff_sock>(skiff_sock__open_opts, skiff_sock__load, skiff_sock__destroy,
                                        options, slots, "skiff_sock", [](skiff_sock*) {});
  if (!sock) return std::unexpected(sock.error());
  dp->sock_ = *sock;
  return dp;
}

Datapath::~Datapath() {
  // Programs stay attached through their pinned links and tc filters.
  if (xdp_) skiff_xdp__destroy(xdp_);
  if (tc_) skiff_tc__destroy(tc_);
  if (sock_) skiff_sock__destroy(sock_);
}

// Creates a link (or swaps the program of the one pinned by an earlier agent).
Result<> Datapath::attach_link_pinned(bpf_program* prog, const std::string& pin_name, int target,
                                      int xdp_flags) {
  const std::string path = options_.pin_root + "/links/" + pin_name;
  if (UniqueFd old(bpf_obj_get(path.c_str())); old) {
    if (bpf_link_update(old.get(), bpf_program__fd(prog), nullptr) == 0) return {};
    ::unlink(path.c_str());  // the link died with its device or cgroup
  }
  LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = static_cast<__u32>(xdp_flags));
  UniqueFd link(bpf_link_create(bpf_program__fd(prog), target, bpf_program__expected_attach_type(prog),
                                &opts));
  if (!link) return fail_errno("attach " + pin_name);
  if (int err = bpf_obj_pin(link.get(), path.c_str()); err) return fail("pin " + path, -err);
  return {};
}

Result<XdpMode> Datapath::attach_xdp(const std::string& ifname) {
  int ifindex = static_cast<int>(if_nametoindex(ifname.c_str()));
  if (!ifindex) return fail_errno("device " + ifname);
  bpf_program* prog = xdp_->progs.skiff_xdp_lb;
  // flags 0 lets the kernel pick native mode when the driver has it.
  auto native = attach_link_pinned(prog, "xdp_" + ifname, ifindex, 0);
  if (!native) {
    spdlog::warn("native XDP on {} failed ({}); trying generic mode", ifname, native.error().str());
    if (auto generic = attach_link_pinned(prog, "xdp_" + ifname, ifindex, XDP_FLAGS_SKB_MODE); !generic)
      return std::unexpected(generic.error());
  }
  LIBBPF_OPTS(bpf_xdp_query_opts, q);
  if (bpf_xdp_query(ifindex, 0, &q) == 0 && q.attach_mode == XDP_ATTACHED_DRV) return XdpMode::Native;
  return XdpMode::Generic;
}

Result<> Datapath::attach_tc(int ifindex) {
  if (auto r = attach_tc_filter(ifindex, BPF_TC_INGRESS, tc_->progs.tc_from_pod); !r) return r;
  return attach_tc_filter(ifindex, BPF_TC_EGRESS, tc_->progs.tc_to_pod);
}

Result<> Datapath::attach_external_tc(const std::string& ifname) {
  int ifindex = static_cast<int>(if_nametoindex(ifname.c_str()));
  if (!ifindex) return fail_errno("device " + ifname);
  return attach_tc_filter(ifindex, BPF_TC_INGRESS, tc_->progs.tc_from_external);
}

Result<> Datapath::attach_cgroup(const std::string& cgroup_path) {
  UniqueFd cg(::open(cgroup_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!cg) return fail_errno("open cgroup " + cgroup_path);
  // One pin per program and cgroup, named after the cgroup's inode.
  struct stat st{};
  fstat(cg.get(), &st);
  bpf_program* prog;
  bpf_object__for_each_program(prog, sock_->obj) {
    std::string pin = std::string("cgroup_") + bpf_program__name(prog) + "_" + std::to_string(st.st_ino);
    if (auto r = attach_link_pinned(prog, pin, cg.get(), 0); !r) return r;
  }
  return {};
}

Result<> Datapath::uninstall(const std::string& pin_root) {
  // tc filters first, while the map that identifies them is still pinned.
  if (UniqueFd services(bpf_obj_get((pin_root + "/skiff_services").c_str())); services) {
    bpf_map_info info{};
    uint32_t len = sizeof(info);
    if (bpf_obj_get_info_by_fd(services.get(), &info, &len) == 0) detach_tc_filters_using(info.id);
  }
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(pin_root + "/links", ec)) {
    if (UniqueFd link(bpf_obj_get(entry.path().c_str())); link) bpf_link_detach(link.get());
    fs::remove(entry.path(), ec);
  }
  fs::remove_all(pin_root, ec);
  if (ec) return fail("remove " + pin_root + ": " + ec.message());
  return {};
}

}  // namespace skiff::dp
