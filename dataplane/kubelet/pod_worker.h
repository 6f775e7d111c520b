// PodWorker: converges one pod, on its own thread. Each pass: make sure the
// sandbox runs (recreating it if it died), volumes are in place, init
// containers ran to completion in order, then every container runs (image
// pulled per imagePullPolicy, created, started; restarted per restartPolicy
// with crash-loop backoff), probes run when due; then the status is computed
// and reported when it changed. A deletion runs graceful termination:
// preStop, stop signal, grace period, kill; then the sandbox and the pod's
// directories are removed.
#pragma once
#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "kubelet/cri_client.h"
#include "kubelet/kubelet_config.h"
#include "kubelet/pod_spec.h"
#include "kubelet/pod_status.h"
#include "kubelet/probes.h"

namespace skiff::kubelet {

class PodWorker {
 public:
  PodWorker(std::shared_ptr<CriClient> cri, const KubeletConfig& config, const KubeletHooks& hooks, PodSpec spec);
  ~PodWorker();  // stops the thread; leaves the pod running (unless it was terminated)
  PodWorker(const PodWorker&) = delete;
  PodWorker& operator=(const PodWorker&) = delete;

  void update(PodSpec spec);
  // Graceful termination; grace: override of the pod's period.
  void terminate(std::optional<int64_t> grace_seconds = std::nullopt);
  // True once termination finished (nothing of the pod is left).
  bool finished() const { return finished_.load(); }
  nlohmann::json status() const;
  PodSpec spec() const;

  struct ContainerRef {
    std::string id;
    uint32_t attempt = 0;
    std::string previous_id;
    uint32_t previous_attempt = 0;
    bool has_previous = false;
  };
  std::optional<ContainerRef> container(const std::string& name) const;
  std::string sandbox_id() const;
  std::filesystem::path log_directory() const;

 private:
  struct Runtime;  // per-container state, worker thread only
  void run();
  void adopt();
  void sync(const PodSpec& spec);
  bool ensure_sandbox(const PodSpec& spec);
  bool ensure_volumes(const PodSpec& spec);
  // Returns true when the init phase is complete.
  bool sync_init_containers(const PodSpec& spec);
  void sync_container(const PodSpec& spec, const ContainerSpec& c, bool is_init);
  void refresh(Runtime& rt);
  bool start_container(const PodSpec& spec, const ContainerSpec& c, Runtime& rt);
  bool ensure_image(const PodSpec& spec, const ContainerSpec& c, Runtime& rt);
  void run_probes(const PodSpec& spec, const ContainerSpec& c, Runtime& rt);
  void kill_container(const PodSpec& spec, const ContainerSpec* c, Runtime& rt, int64_t grace_seconds,
                      const std::string& reason);
  void do_terminate(const PodSpec& spec, int64_t grace_seconds);
  void stop_sandbox_when_terminal(const PodSpec& spec);
  void publish(const PodSpec& spec);
  void event(const PodSpec& spec, const std::string& type, const std::string& reason, const std::string& message);
  void note_wake(std::chrono::steady_clock::time_point t);

  std::shared_ptr<CriClient> cri_;
  const KubeletConfig& config_;
  const KubeletHooks& hooks_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  PodSpec spec_;
  bool spec_changed_ = false;
  bool stop_ = false;
  bool terminate_requested_ = false;
  std::optional<int64_t> grace_override_;
  nlohmann::json status_ = nlohmann::json::object();
  std::map<std::string, ContainerRef> refs_;
  std::string sandbox_id_shared_;
  std::atomic<bool> finished_{false};

  // Worker-thread state.
  std::string sandbox_id_;
  cri::PodSandboxConfig sandbox_config_;
  uint32_t sandbox_attempt_ = 0;
  bool sandbox_stopped_ = false;
  std::string pod_ip_;
  std::string start_time_;
  bool volumes_ready_ = false;
  std::map<std::string, std::filesystem::path> volumes_;
  std::map<std::string, std::unique_ptr<Runtime>> runtimes_;
  Backoff restart_backoff_;
  Backoff image_backoff_;
  Backoff sandbox_backoff_;
  std::chrono::steady_clock::time_point next_wake_;
  nlohmann::json last_published_;
  bool force_failed_ = false;
  std::set<std::string> crash_looping_;  // containers waiting out a backoff in this pass

  std::thread thread_;
};

}  // namespace skiff::kubelet
