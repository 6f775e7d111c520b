// ContainerdSupervisor: makes sure a containerd answers CRI on the node.
// If one already answers on the configured socket it is used as it is;
// otherwise containerd is started with Skiff's config (containerd_config.h)
// written into the state dir, and the sandbox image is built from the
// skiff-pause binary and imported when containerd lacks it. Stops (and,
// when asked, cleans up after) only a containerd it started itself.
#pragma once
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "kubelet/containerd_config.h"
#include "skiff/util/result.h"

namespace skiff::kubelet {

struct ContainerdSupervisorOptions {
  ContainerdConfig config;  // state_dir is required; snapshotter "" = overlayfs when it works, else native
  std::filesystem::path containerd_binary = "containerd";
  std::string ctr_binary = "ctr";
  std::filesystem::path pause_binary;  // default: skiff-pause beside the running executable
  std::string pause_image = "skiff/pause:3.9";
  bool use_running = true;   // adopt a containerd already answering on the socket
  // On stop of a containerd started here: remove every sandbox first (their
  // shims outlive containerd otherwise), then unmount what is left under the
  // state dir. Tests want this; a node agent restarting does not.
  bool remove_pods_on_stop = false;
  std::chrono::milliseconds start_timeout = std::chrono::seconds(60);
};

class ContainerdSupervisor {
 public:
  static Result<std::unique_ptr<ContainerdSupervisor>> start(ContainerdSupervisorOptions options);
  ~ContainerdSupervisor();
  ContainerdSupervisor(const ContainerdSupervisor&) = delete;
  ContainerdSupervisor& operator=(const ContainerdSupervisor&) = delete;

  const std::string& socket() const { return socket_; }
  bool started_here() const { return pid_ > 0; }
  const std::string& snapshotter() const { return snapshotter_; }
  const std::string& sandbox_image() const { return sandbox_image_; }
  const std::filesystem::path& log_file() const { return log_file_; }
  // Idempotent; also run by the destructor.
  void stop();

 private:
  explicit ContainerdSupervisor(ContainerdSupervisorOptions options) : options_(std::move(options)) {}
  Result<> launch();
  Result<> ensure_sandbox_image();

  ContainerdSupervisorOptions options_;
  std::string socket_;
  std::string snapshotter_;
  std::string sandbox_image_;
  std::filesystem::path log_file_;
  pid_t pid_ = -1;
};

// True when an overlay mount works in `dir` (tried for real, then undone).
bool overlay_supported(const std::filesystem::path& dir);

// Lazily unmounts every mount point at or under `dir`, deepest first.
void unmount_under(const std::filesystem::path& dir);

// The file beside the running executable (for skiff-pause), if it exists.
std::filesystem::path beside_executable(const std::string& name);

}  // namespace skiff::kubelet
