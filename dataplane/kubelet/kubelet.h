// Kubelet: the node's pods. The agent hands it desired Pods (core/v1 JSON,
// already bound to this node) and deletions; one PodWorker per pod converges
// it through CRI and reports status and events through KubeletHooks. It also
// answers `kubectl logs` (CRI log files) and hands out the runtime's
// streaming URLs for exec, attach and port-forward.
#pragma once
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kubelet/cri_client.h"
#include "kubelet/cri_log.h"
#include "kubelet/kubelet_config.h"
#include "kubelet/pod_worker.h"

namespace skiff::kubelet {

class Kubelet {
 public:
  Kubelet(std::shared_ptr<CriClient> cri, KubeletConfig config, KubeletHooks hooks);
  ~Kubelet();  // stops the workers; running pods keep running (a restarted kubelet adopts them)
  Kubelet(const Kubelet&) = delete;
  Kubelet& operator=(const Kubelet&) = delete;

  // Creates or updates the pod (by metadata.uid). A pod with
  // deletionTimestamp set is terminated gracefully.
  Result<> upsert_pod(const nlohmann::json& pod);
  // Graceful termination and removal; grace overrides the pod's period.
  void delete_pod(const std::string& uid, std::optional<int64_t> grace_seconds = std::nullopt);
  // The last status computed for the pod; nullopt for an unknown pod.
  std::optional<nlohmann::json> pod_status(const std::string& uid) const;
  // True when the pod was deleted and nothing of it is left (or it was never known).
  bool pod_removed(const std::string& uid) const;
  std::vector<std::string> pod_uids() const;

  // Removes sandboxes Skiff's kubelet created whose pod is not among the
  // known ones (call after the desired pods were loaded on start).
  void remove_orphaned_sandboxes();

  // kubectl logs: previous = the last dead instance of the container.
  Result<> logs(const std::string& uid, const std::string& container, bool previous, const LogOptions& options,
                const std::function<void(std::string_view)>& out, const std::function<bool()>& stop = {}) const;
  Result<std::string> exec_url(const std::string& uid, const std::string& container,
                               const std::vector<std::string>& cmd, bool tty, bool stdin, bool stdout, bool stderr);
  Result<std::string> attach_url(const std::string& uid, const std::string& container, bool tty, bool stdin,
                                 bool stdout, bool stderr);
  Result<std::string> port_forward_url(const std::string& uid, const std::vector<int32_t>& ports);

  CriClient& cri() { return *cri_; }
  const KubeletConfig& config() const { return config_; }

 private:
  PodWorker* find(const std::string& uid) const;
  void reap_finished();

  std::shared_ptr<CriClient> cri_;
  KubeletConfig config_;
  KubeletHooks hooks_;
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<PodWorker>> workers_;
};

}  // namespace skiff::kubelet
