// A container's environment from env and envFrom, as the kubelet builds it:
// envFrom sources first (in order, with their prefix), then env entries,
// later ones overriding earlier; $(VAR) in values refers to variables
// defined before it ($$ escapes); fieldRef and resourceFieldRef from the pod.
// A missing ConfigMap/Secret/key that is not optional is an error
// (the kubelet reports CreateContainerConfigError).
#pragma once
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kubelet/pod_spec.h"
#include "skiff/util/result.h"

namespace skiff::kubelet {

// Where ConfigMap and Secret data come from (the agent's informer cache).
// Secret values are the decoded bytes.
class ConfigSource {
 public:
  virtual ~ConfigSource() = default;
  virtual std::optional<std::map<std::string, std::string>> config_map(const std::string& ns,
                                                                       const std::string& name) const = 0;
  virtual std::optional<std::map<std::string, std::string>> secret(const std::string& ns,
                                                                   const std::string& name) const = 0;
};

struct PodRuntimeFacts {
  std::string pod_ip;
  std::string host_ip;
  std::string node_name;
};

using EnvList = std::vector<std::pair<std::string, std::string>>;

Result<EnvList> resolve_env(const ContainerSpec& container, const PodSpec& pod, const ConfigSource& source,
                            const PodRuntimeFacts& facts);

// $(NAME) expansion against `env` (Kubernetes expansion rules: unknown
// references stay as written, $$ gives a literal $).
std::string expand_env_refs(const std::string& in, const EnvList& env);

// A pod field for fieldRef (metadata.name, status.podIP, metadata.labels['k'], ...).
std::optional<std::string> pod_field(const PodSpec& pod, const PodRuntimeFacts& facts, const std::string& path);

}  // namespace skiff::kubelet
