// A throwaway node for kubelet tests and benchmarks: a temp directory with
// a containerd of its own (socket, root, state, runc root, netns mounts all
// inside), a CNI conf dir holding a conflist for skiff-cni (and a bin dir
// with skiff-cni and loopback), a busybox test image imported, and a
// Kubelet wired to it that records events. Nothing in /etc/cni, /opt/cni or a
// system containerd is touched. Destruction removes the pods, stops
// containerd, unmounts and deletes the directory.
#pragma once
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kubelet/containerd_supervisor.h"
#include "kubelet/kubelet.h"

namespace skiff::kubelet::testing {

struct NodeEnvOptions {
  std::filesystem::path skiff_cni;    // the plugin binary
  std::filesystem::path loopback = "/usr/lib/cni/loopback";
  std::filesystem::path pause;        // skiff-pause
  BackoffPolicy restart_backoff{std::chrono::seconds(1), std::chrono::seconds(8), std::chrono::minutes(10)};
  std::string test_image = "skiff/busybox:test";
  std::chrono::milliseconds sync_interval = std::chrono::milliseconds(200);
  // Also told of every status (benchmarks time phase changes with it).
  std::function<void(const PodSpec&, const nlohmann::json&)> on_status;
};

struct ConfigData : ConfigSource {
  std::map<std::string, std::map<std::string, std::string>> config_maps, secrets;  // "ns/name" -> data
  std::optional<std::map<std::string, std::string>> config_map(const std::string& ns,
                                                               const std::string& name) const override;
  std::optional<std::map<std::string, std::string>> secret(const std::string& ns,
                                                           const std::string& name) const override;
};

class NodeEnv {
 public:
  static Result<std::unique_ptr<NodeEnv>> create(const NodeEnvOptions& options);
  ~NodeEnv();

  Kubelet& kubelet() { return *kubelet_; }
  CriClient& cri() { return *cri_; }
  ConfigData& config() { return config_; }
  const std::string& image() const { return image_; }  // the normalised test image name
  const std::string& pod_cidr_prefix() const { return cidr_prefix_; }  // "10.250.7."
  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path lease_dir() const { return dir_ / "cni-data" / "networks" / "skiff-test"; }

  std::vector<KubeletEvent> events(const std::string& uid);
  int status_updates(const std::string& uid);

 private:
  NodeEnv() = default;
  std::filesystem::path dir_;
  std::string image_;
  std::string cidr_prefix_;
  ConfigData config_;
  std::unique_ptr<ContainerdSupervisor> containerd_;
  std::shared_ptr<CriClient> cri_;
  std::unique_ptr<Kubelet> kubelet_;
  std::mutex mu_;
  std::map<std::string, std::vector<KubeletEvent>> events_;
  std::map<std::string, int> status_updates_;
};

// A Pod JSON with the given containers (each a core/v1 Container object).
nlohmann::json make_pod(const std::string& name, const std::string& uid, const nlohmann::json& containers,
                        const nlohmann::json& spec_extra = nlohmann::json::object());

// Host interfaces whose names start with `prefix` (ip -o link).
std::vector<std::string> host_links(const std::string& prefix);

}  // namespace skiff::kubelet::testing
