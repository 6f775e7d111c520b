// The scheduler's typed view of a core/v1 Node.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "scheduler/labels.h"
#include "scheduler/resources.h"
#include "skiff/util/result.h"

namespace skiff::scheduler {

struct Taint {
  std::string key;
  std::string value;
  std::string effect;  // NoSchedule, PreferNoSchedule, NoExecute
  // "node(s) had untolerated taint {key: value}", built once: the filter
  // reports it without allocating.
  std::string untolerated_reason;
};

struct NodeView {
  std::string name;
  Labels labels;
  Resources allocatable;
  std::vector<Taint> taints;
  bool unschedulable = false;
  bool ready = false;  // condition Ready=True (informational: kube filters on taints, not conditions)
};

Result<NodeView> parse_node(const nlohmann::json& node);
Taint make_taint(std::string key, std::string value, std::string effect);

}  // namespace skiff::scheduler
