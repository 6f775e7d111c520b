#include "tc_filters.h"

#include <bpf/bpf.h>
#include <net/if.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "unique_fd.h"

namespace skiff::dp {
namespace {

// Skiff's filter slot on every hook; other users' filters are left alone.
constexpr uint32_t kHandle = 1;
constexpr uint32_t kPriority = 1;

// libbpf prints the kernel's message for every refused netlink request. For
// the requests below a refusal is an expected answer ("the qdisc is already
// there", "no filter on this device"), so printing is off while they run.
class QuietLibbpf {
 public:
  QuietLibbpf() : previous_(libbpf_set_print(nullptr)) {}
  ~QuietLibbpf() { libbpf_set_print(previous_); }

 private:
  libbpf_print_fn_t previous_;
};

bool prog_uses_map(uint32_t prog_id, uint32_t map_id) {
  UniqueFd prog(bpf_prog_get_fd_by_id(prog_id));
  if (!prog) return false;
  std::vector<uint32_t> ids(64);
  bpf_prog_info info{};
  info.nr_map_ids = static_cast<uint32_t>(ids.size());
  info.map_ids = reinterpret_cast<uint64_t>(ids.data());
  uint32_t len = sizeof(info);
  if (bpf_obj_get_info_by_fd(prog.get(), &info, &len) != 0) return false;
  ids.resize(std::min<size_t>(info.nr_map_ids, ids.size()));
  return std::find(ids.begin(), ids.end(), map_id) != ids.end();
}

}  // namespace

Result<> attach_tc_filter(int ifindex, bpf_tc_attach_point point, const bpf_program* prog) {
  // One clsact qdisc carries both directions; EEXIST when it is there already.
  LIBBPF_OPTS(bpf_tc_hook, qdisc, .ifindex = ifindex,
              .attach_point = static_cast<bpf_tc_attach_point>(BPF_TC_INGRESS | BPF_TC_EGRESS));
  int err;
  {
    QuietLibbpf quiet;
    err = bpf_tc_hook_create(&qdisc);
  }
  if (err && err != -EEXIST) return fail("create clsact on ifindex " + std::to_string(ifindex), -err);
  LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = point);
  LIBBPF_OPTS(bpf_tc_opts, opts, .prog_fd = bpf_program__fd(prog), .flags = BPF_TC_F_REPLACE,
              .handle = kHandle, .priority = kPriority);
  if (err = bpf_tc_attach(&hook, &opts); err)
    return fail(std::string("attach ") + bpf_program__name(prog) + " on ifindex " + std::to_string(ifindex), -err);
  return {};
}

int detach_tc_filters_using(uint32_t map_id) {
  std::unique_ptr<struct if_nameindex, decltype(&if_freenameindex)> ifs(if_nameindex(), &if_freenameindex);
  int removed = 0;
  for (auto* i = ifs.get(); i && i->if_index; ++i) {
    for (auto point : {BPF_TC_INGRESS, BPF_TC_EGRESS}) {
      LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = static_cast<int>(i->if_index), .attach_point = point);
      LIBBPF_OPTS(bpf_tc_opts, query, .handle = kHandle, .priority = kPriority);
      int err;
      {
        QuietLibbpf quiet;
        err = bpf_tc_query(&hook, &query);
      }
      if (err != 0 || !prog_uses_map(query.prog_id, map_id)) continue;
      LIBBPF_OPTS(bpf_tc_opts, del, .handle = kHandle, .priority = kPriority);
      if (bpf_tc_detach(&hook, &del) == 0) ++removed;
    }
  }
  return removed;
}

}  // namespace skiff::dp
