// The part of a core/v1 Pod the kubelet acts on, parsed from its JSON.
// Unknown fields are ignored; a field of the wrong type is an error naming it.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "skiff/util/result.h"

namespace skiff::kubelet {

struct KeySelector {  // configMapKeyRef / secretKeyRef
  std::string name;
  std::string key;
  bool optional = false;
};

struct EnvVar {
  std::string name;
  std::optional<std::string> value;  // literal (may contain $(VAR) references)
  std::optional<KeySelector> config_map_key;
  std::optional<KeySelector> secret_key;
  std::optional<std::string> field_path;     // fieldRef.fieldPath
  std::optional<std::string> resource_field; // resourceFieldRef.resource
  std::string resource_divisor;              // resourceFieldRef.divisor
};

struct EnvFromSource {
  std::string prefix;
  std::optional<std::string> config_map;
  std::optional<std::string> secret;
  bool optional = false;
};

struct Probe {
  enum class Kind { None, Exec, HttpGet, TcpSocket };
  Kind kind = Kind::None;
  std::vector<std::string> command;  // Exec
  std::string path = "/";            // HttpGet
  std::string scheme = "HTTP";
  std::string host;                  // default: pod IP
  std::vector<std::pair<std::string, std::string>> headers;
  int32_t port = 0;                  // HttpGet, TcpSocket (named ports resolved at parse)
  int32_t initial_delay_seconds = 0;
  int32_t period_seconds = 10;
  int32_t timeout_seconds = 1;
  int32_t success_threshold = 1;
  int32_t failure_threshold = 3;
  bool set() const { return kind != Kind::None; }
};

struct ContainerPort {
  std::string name;
  int32_t container_port = 0;
  int32_t host_port = 0;
  std::string protocol = "TCP";
  std::string host_ip;
};

struct VolumeMount {
  std::string name;
  std::string mount_path;
  bool read_only = false;
  std::string sub_path;
};

struct Resources {
  std::optional<int64_t> cpu_request_millis;
  std::optional<int64_t> cpu_limit_millis;
  std::optional<int64_t> memory_request_bytes;
  std::optional<int64_t> memory_limit_bytes;
};

struct SecurityContext {
  std::optional<int64_t> run_as_user;
  std::optional<int64_t> run_as_group;
  bool run_as_non_root = false;
  bool read_only_root_filesystem = false;
  bool privileged = false;
  std::optional<bool> allow_privilege_escalation;
  std::vector<std::string> capabilities_add;
  std::vector<std::string> capabilities_drop;
};

struct ContainerSpec {
  std::string name;
  std::string image;
  std::string image_pull_policy;  // Always / IfNotPresent / Never (defaulted at parse)
  std::vector<std::string> command;
  std::vector<std::string> args;
  std::string working_dir;
  std::vector<EnvVar> env;
  std::vector<EnvFromSource> env_from;
  std::vector<ContainerPort> ports;
  std::vector<VolumeMount> volume_mounts;
  Resources resources;
  SecurityContext security_context;
  Probe liveness, readiness, startup;
  std::vector<std::string> pre_stop_exec;  // lifecycle.preStop.exec.command
  bool tty = false;
  bool stdin = false;
  bool stdin_once = false;
  std::string termination_message_path = "/dev/termination-log";
};

struct KeyToPath {
  std::string key;
  std::string path;
  std::optional<int32_t> mode;
};

struct ProjectedSource {
  enum class Kind { ConfigMap, Secret, ServiceAccountToken, DownwardApi };
  Kind kind = Kind::ConfigMap;
  std::string name;  // ConfigMap / Secret
  std::vector<KeyToPath> items;
  bool optional = false;
  std::string token_path;       // ServiceAccountToken
  std::string token_audience;
  int64_t token_expiration_seconds = 3600;
  std::vector<std::pair<std::string, std::string>> downward_items;  // path -> fieldPath
};

struct Volume {
  enum class Kind { EmptyDir, HostPath, ConfigMap, Secret, Projected, PersistentVolumeClaim, Unsupported };
  Kind kind = Kind::Unsupported;
  std::string name;
  std::string source_name;  // ConfigMap / Secret / PVC claim name
  std::vector<KeyToPath> items;
  bool optional = false;
  int32_t default_mode = 0644;
  std::string host_path;  // HostPath
  std::string host_path_type;
  std::string empty_dir_medium;  // "" or "Memory"
  std::vector<ProjectedSource> projected;
  std::string unsupported_kind;  // the field name, for the error event
};

struct PodDnsConfig {
  std::vector<std::string> nameservers;
  std::vector<std::string> searches;
  std::vector<std::pair<std::string, std::optional<std::string>>> options;
};

struct PodSpec {
  // metadata
  std::string ns = "default";
  std::string name;
  std::string uid;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  bool deleting = false;  // metadata.deletionTimestamp set
  std::optional<int64_t> deletion_grace_period_seconds;
  // spec
  std::string node_name;
  std::string service_account_name = "default";
  std::string hostname;
  std::string subdomain;
  bool host_network = false;
  bool host_pid = false;
  bool host_ipc = false;
  std::string dns_policy = "ClusterFirst";
  std::optional<PodDnsConfig> dns_config;
  std::string restart_policy = "Always";
  int64_t termination_grace_period_seconds = 30;
  std::optional<int64_t> active_deadline_seconds;
  std::optional<int64_t> run_as_user;  // pod securityContext
  std::optional<int64_t> run_as_group;
  std::optional<int64_t> fs_group;
  std::vector<int64_t> supplemental_groups;
  std::vector<ContainerSpec> init_containers;
  std::vector<ContainerSpec> containers;
  std::vector<Volume> volumes;
  std::vector<std::pair<std::string, std::vector<std::string>>> host_aliases;  // ip -> hostnames

  std::string key() const { return ns + "/" + name; }
  const ContainerSpec* find_container(const std::string& container_name) const;
};

Result<PodSpec> parse_pod(const nlohmann::json& pod);

}  // namespace skiff::kubelet
