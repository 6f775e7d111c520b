// What the kubelet library is configured with, and the callbacks through
// which it reports to the agent (status, events) and reads cluster data
// (ConfigMaps, Secrets, ServiceAccount tokens).
#pragma once
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "kubelet/backoff.h"
#include "kubelet/dns_config.h"
#include "kubelet/env_resolver.h"
#include "kubelet/pod_spec.h"
#include "kubelet/volumes.h"

namespace skiff::kubelet {

struct KubeletConfig {
  std::string node_name;
  std::string node_ip;                                  // status.hostIP
  std::filesystem::path root_dir = "/var/lib/skiff/kubelet";  // pods/<uid>/volumes/...
  std::filesystem::path log_dir = "/var/log/pods";
  ClusterDns dns;
  BackoffPolicy restart_backoff;                        // crash loops (10 s doubling to 300 s)
  BackoffPolicy image_backoff;                          // failed pulls
  // How often a pod's worker looks at its containers when nothing else is
  // due (container exits are noticed at this rate).
  std::chrono::milliseconds sync_interval = std::chrono::seconds(1);
  std::string runtime_handler;                          // RuntimeClass handler ("" = default)
};

struct KubeletEvent {
  std::string type;     // Normal, Warning
  std::string reason;   // Pulled, Created, Started, Failed, BackOff, Unhealthy, Killing, ...
  std::string message;
};

struct KubeletHooks {
  // The pod's status changed (core/v1 PodStatus JSON).
  std::function<void(const PodSpec& pod, const nlohmann::json& status)> on_status;
  std::function<void(const PodSpec& pod, const KubeletEvent& event)> on_event;
  // The pod's worker finished termination: sandbox, containers and volumes
  // are gone (the agent may now delete the Pod object for good).
  std::function<void(const PodSpec& pod)> on_removed;
  const ConfigSource* config = nullptr;  // ConfigMaps and Secrets; may be null (then they are "not found")
  TokenSource token;                     // projected ServiceAccount tokens; may be empty
};

}  // namespace skiff::kubelet
