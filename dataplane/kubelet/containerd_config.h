// The containerd configuration Skiff runs containerd with: everything it
// owns (root, state, sockets, runc root, netns mounts) under one directory,
// so a test's containerd never touches a system one; CRI enabled with Skiff's
// CNI dirs and a locally imported sandbox image.
#pragma once
#include <filesystem>
#include <string>

namespace skiff::kubelet {

struct ContainerdConfig {
  std::filesystem::path state_dir;  // root/, state/, containerd.sock, runc/ under it
  std::filesystem::path socket;     // default: state_dir/containerd.sock
  std::filesystem::path cni_bin_dir = "/opt/cni/bin";
  std::filesystem::path cni_conf_dir = "/etc/cni/net.d";
  std::string sandbox_image;        // normalised name, e.g. docker.io/skiff/pause:3.9
  std::string snapshotter = "overlayfs";
  std::string stream_server_address = "127.0.0.1";
  std::string log_level = "info";
};

std::filesystem::path containerd_socket(const ContainerdConfig& config);

// containerd config file (version 2 TOML).
std::string render_containerd_config(const ContainerdConfig& config);

}  // namespace skiff::kubelet
