// Pod volumes on the node. Each volume the kubelet materialises lives under
// the pod's directory, as in the kubelet:
//   <root>/pods/<uid>/volumes/kubernetes.io~empty-dir/<name>
//   <root>/pods/<uid>/volumes/kubernetes.io~configmap/<name>   (one file per key)
//   <root>/pods/<uid>/volumes/kubernetes.io~secret/<name>
//   <root>/pods/<uid>/volumes/kubernetes.io~projected/<name>
// hostPath volumes are the host path itself. Containers get them as bind
// mounts; configMap, secret and projected volumes are always read-only.
#pragma once
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "kubelet/env_resolver.h"
#include "kubelet/pod_spec.h"
#include "skiff/util/result.h"

namespace skiff::kubelet {

// A ServiceAccount token for a projected volume (the agent asks the API
// server's TokenRequest); audience empty = the API server's.
using TokenSource =
    std::function<Result<std::string>(const PodSpec& pod, const std::string& audience, int64_t expiration_seconds)>;

struct VolumeContext {
  std::filesystem::path root;  // kubelet root dir, e.g. /var/lib/skiff/kubelet
  const ConfigSource* config = nullptr;
  TokenSource token;
  PodRuntimeFacts facts;
};

struct HostMount {
  std::string container_path;
  std::string host_path;
  bool read_only = false;
};

std::filesystem::path pod_directory(const std::filesystem::path& root, const std::string& uid);
// Where a volume lives on the host (for hostPath, the path itself).
std::filesystem::path volume_host_path(const std::filesystem::path& root, const std::string& uid, const Volume& v);

// Creates/refreshes every volume of the pod; returns name -> host path.
Result<std::map<std::string, std::filesystem::path>> prepare_volumes(const PodSpec& pod, const VolumeContext& ctx);

// The bind mounts of one container from its volumeMounts (subPath resolved
// and created, so it is a directory when absent).
Result<std::vector<HostMount>> container_mounts(const ContainerSpec& container, const PodSpec& pod,
                                                const std::map<std::string, std::filesystem::path>& volumes);

// Removes <root>/pods/<uid> (never following into hostPath volumes).
void remove_pod_directory(const std::filesystem::path& root, const std::string& uid);

// The files a configMap/secret volume holds: key (or item path) -> bytes and mode.
struct VolumeFile {
  std::string path;
  std::string content;
  int32_t mode = 0644;
};
Result<std::vector<VolumeFile>> key_files(const std::map<std::string, std::string>& data,
                                          const std::vector<KeyToPath>& items, int32_t default_mode,
                                          const std::string& what);

}  // namespace skiff::kubelet
