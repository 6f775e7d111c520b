// The scheduler's typed, compact view of a core/v1 Pod: only what filters,
// scores, preemption and the queue read.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "scheduler/labels.h"
#include "scheduler/resources.h"
#include "skiff/util/result.h"

namespace skiff::scheduler {

inline constexpr const char* kDefaultSchedulerName = "default-scheduler";

struct Toleration {
  enum class Op : uint8_t { Equal, Exists };
  std::string key;
  Op op = Op::Equal;
  std::string value;
  std::string effect;  // "" = every effect
};

struct PodAffinityTerm {
  LabelSelector selector;
  // Empty namespaces and no namespaceSelector mean the pod's own namespace
  // (filled in at parse time).
  std::vector<std::string> namespaces;
  std::optional<LabelSelector> namespace_selector;
  std::string topology_key;
  bool matches(const std::string& ns, const Labels& labels, const Labels& ns_labels) const;
};

struct WeightedPodAffinityTerm {
  int32_t weight = 0;
  PodAffinityTerm term;
};

struct PreferredNodeTerm {
  int32_t weight = 0;
  NodeSelectorTerm term;
};

struct TopologySpreadConstraint {
  int32_t max_skew = 1;
  std::string topology_key;
  bool do_not_schedule = true;  // whenUnsatisfiable
  LabelSelector selector;       // matchLabelKeys already merged in
  int32_t min_domains = 1;
  bool honor_node_affinity = true;  // nodeAffinityPolicy (default Honor)
  bool honor_node_taints = false;   // nodeTaintsPolicy (default Ignore)
};

struct HostPort {
  std::string ip;        // "0.0.0.0" when unset
  std::string protocol;  // TCP, UDP, SCTP
  int32_t port = 0;
  bool operator==(const HostPort&) const = default;
};

struct PodView {
  std::string ns;
  std::string name;
  std::string uid;
  Labels labels;
  std::string node_name;
  std::string nominated_node_name;
  std::string scheduler_name = kDefaultSchedulerName;
  std::string phase;
  bool terminating = false;  // metadata.deletionTimestamp set
  std::string start_time;    // RFC 3339 (status.startTime or creationTimestamp); "" = not started
  int32_t priority = 0;
  std::string priority_class_name;
  bool preemption_never = false;  // preemptionPolicy: Never

  Resources requests;          // effective pod requests (containers, init max rule, overhead)
  int64_t nonzero_milli_cpu = 0;  // the same with kube's defaults for missing requests, for scoring
  int64_t nonzero_memory = 0;
  std::vector<std::string> insufficient_scalar_reasons;  // "Insufficient <name>" per scalar request

  Labels node_selector;
  bool has_required_node_affinity = false;
  std::vector<NodeSelectorTerm> required_node_terms;  // ORed
  std::vector<PreferredNodeTerm> preferred_node_terms;

  std::vector<PodAffinityTerm> required_affinity;
  std::vector<PodAffinityTerm> required_anti_affinity;
  std::vector<WeightedPodAffinityTerm> preferred_affinity;
  std::vector<WeightedPodAffinityTerm> preferred_anti_affinity;
  std::string affinity_signature;  // canonical form of the pod (anti-)affinity, "" when none

  std::vector<Toleration> tolerations;
  std::vector<TopologySpreadConstraint> spread_constraints;
  std::vector<HostPort> host_ports;

  std::string key() const { return ns + "/" + name; }
  bool has_pod_affinity() const { return !affinity_signature.empty(); }
};

// Parses a core/v1 Pod. Errors name the field path, e.g.
// "spec.containers[0].resources.requests.cpu: invalid quantity \"x\": ...".
Result<PodView> parse_pod(const nlohmann::json& pod);

}  // namespace skiff::scheduler
