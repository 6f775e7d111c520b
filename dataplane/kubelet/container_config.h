// PodSpec -> CRI configs: the sandbox (metadata, hostname, DNS, ports,
// labels the kubelet uses to find its pods again, log directory, namespaces)
// and each container (image, command/args with $(VAR) expanded, env, mounts,
// linux resources and security context, log path).
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "kubelet/cri_client.h"
#include "kubelet/dns_config.h"
#include "kubelet/env_resolver.h"
#include "kubelet/pod_spec.h"
#include "kubelet/volumes.h"

namespace skiff::kubelet {

// Labels on every sandbox and container the kubelet creates (the kubelet's own names).
inline constexpr const char* kPodNameLabel = "io.kubernetes.pod.name";
inline constexpr const char* kPodNamespaceLabel = "io.kubernetes.pod.namespace";
inline constexpr const char* kPodUidLabel = "io.kubernetes.pod.uid";
inline constexpr const char* kContainerNameLabel = "io.kubernetes.container.name";
// Marks objects created by Skiff's kubelet (so orphans can be found and removed).
inline constexpr const char* kManagedByLabel = "skiff.io/kubelet";
// Annotation on containers: the restart count of that instance.
inline constexpr const char* kRestartCountAnnotation = "io.kubernetes.container.restartCount";

cri::PodSandboxConfig make_sandbox_config(const PodSpec& pod, const DnsSettings& dns,
                                          const std::filesystem::path& log_directory, uint32_t attempt);

cri::ContainerConfig make_container_config(const PodSpec& pod, const ContainerSpec& container, const EnvList& env,
                                           const std::vector<HostMount>& mounts, uint32_t attempt,
                                           const std::string& image);

// requests/limits -> cgroup settings (shares = request * 1024 / 1000, min 2;
// quota = limit * period / 1000 over a 100 ms period; memory limit;
// oom_score_adj by QoS class against the node's memory capacity).
cri::LinuxContainerResources linux_resources(const PodSpec& pod, const Resources& r, int64_t node_memory_bytes);

// "Guaranteed", "Burstable" or "BestEffort" (containers, not init containers, decide).
std::string qos_class(const PodSpec& pod);

}  // namespace skiff::kubelet
