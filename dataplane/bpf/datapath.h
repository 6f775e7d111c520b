// Loads the three BPF objects (XDP, tc, cgroup sock) against the maps pinned
// under the pin root, and attaches them. Attachments outlive the agent (XDP
// and cgroup links are pinned, tc filters stay in the kernel), so a restart or
// an upgrade swaps programs in place and no packet meets an empty hook.
#pragma once
#include <memory>
#include <optional>
#include <string>

#include "skiff/net/ip.h"
#include "skiff/util/result.h"

struct skiff_xdp;
struct skiff_tc;
struct skiff_sock;
struct bpf_program;

namespace skiff::dp {

struct DatapathOptions {
  std::string pin_root;             // SKIFF_PIN_ROOT unless a test isolates itself
  uint32_t maglev_slots = 0;        // 0: SKIFF_MAGLEV_SLOTS_DEFAULT (or what is pinned)
  net::IpAddr hairpin_addr;         // source for pod -> own service -> itself
  std::optional<net::IpAddr> snat_addr;  // source for NodePort flows to remote backends
};

enum class XdpMode { Native, Generic };
const char* to_string(XdpMode);

class Datapath {
 public:
  static Result<std::unique_ptr<Datapath>> load(const DatapathOptions& options);
  ~Datapath();

  // XDP on an external device: native where the driver supports it, else generic.
  Result<XdpMode> attach_xdp(const std::string& ifname);
  // tc on the host side of a pod veth: from_pod on ingress, to_pod on egress.
  Result<> attach_tc(int ifindex);
  // tc ingress on an external device: what XDP leaves to the stack's side.
  Result<> attach_external_tc(const std::string& ifname);
  // The socket-level LB on a cgroup v2 directory (the root for the whole node).
  Result<> attach_cgroup(const std::string& cgroup_path);

  // Removes every attachment recorded under the pin root, Skiff's tc filters
  // on this network namespace's devices, and the pins themselves (maps
  // included): what `skiff agent --uninstall` does.
  static Result<> uninstall(const std::string& pin_root);

 private:
  Datapath() = default;
  Result<> attach_link_pinned(::bpf_program* prog, const std::string& pin_name, int target_fd,
                              int ifindex);

  DatapathOptions options_;
  skiff_xdp* xdp_ = nullptr;
  skiff_tc* tc_ = nullptr;
  skiff_sock* sock_ = nullptr;
};

}  // namespace skiff::dp
