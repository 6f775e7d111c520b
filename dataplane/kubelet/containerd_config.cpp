#include "kubelet/containerd_config.h"

#include <fmt/format.h>

namespace skiff::kubelet {

std::filesystem::path containerd_socket(const ContainerdConfig& config) {
  return config.socket.empty() ? config.state_dir / "containerd.sock" : config.socket;
}

namespace {

// TOML basic string.
std::string q(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string render_containerd_config(const ContainerdConfig& c) {
  const auto& dir = c.state_dir;
  std::string sock = containerd_socket(c).string();
  return fmt::format(
      R"(# Written by Skiff: a containerd whose every path is under {dir}.
version = 2
root = {root}
state = {state}
# Plugins a Skiff node does not use; fewer plugins start faster.
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
                    "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs",
                    "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]

[grpc]
  address = {sock}

[ttrpc]
  address = {ttrpc}

[debug]
  level = {level}

[plugins]
  [plugins."io.containerd.internal.v1.opt"]
    path = {opt}
  [plugins."io.containerd.grpc.v1.cri"]
    sandbox_image = {sandbox}
    stream_server_address = {stream}
    stream_server_port = "0"
    enable_selinux = false
    disable_apparmor = true
    # Sandboxes ask for oom_score_adj -998; where lowering it is denied (seen
    # in VMs and nested containers) runc fails, so clamp to containerd's own.
    restrict_oom_score_adj = true
    # Pod network namespaces under our state dir, not /var/run/netns.
    netns_mounts_under_state_dir = true
    max_container_log_line_size = 16384
    [plugins."io.containerd.grpc.v1.cri".containerd]
      snapshotter = {snapshotter}
      default_runtime_name = "runc"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
        runtime_type = "io.containerd.runc.v2"
        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
          Root = {runc_root}
          SystemdCgroup = false
    [plugins."io.containerd.grpc.v1.cri".cni]
      bin_dir = {cni_bin}
      conf_dir = {cni_conf}
      max_conf_num = 1
)",
      fmt::arg("dir", dir.string()), fmt::arg("root", q((dir / "root").string())),
      fmt::arg("state", q((dir / "state").string())), fmt::arg("sock", q(sock)),
      fmt::arg("ttrpc", q(sock + ".ttrpc")), fmt::arg("level", q(c.log_level)),
      fmt::arg("opt", q((dir / "opt").string())), fmt::arg("sandbox", q(c.sandbox_image)),
      fmt::arg("stream", q(c.stream_server_address)), fmt::arg("snapshotter", q(c.snapshotter)),
      fmt::arg("runc_root", q((dir / "runc").string())), fmt::arg("cni_bin", q(c.cni_bin_dir.string())),
      fmt::arg("cni_conf", q(c.cni_conf_dir.string())));
}

}  // namespace skiff::kubelet
