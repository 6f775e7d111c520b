// Where the scheduler's decisions go. The API-server wiring implements it:
// bind -> POST pods/NAME/binding; unschedulable -> PodScheduled=False
// (reason Unschedulable) and a FailedScheduling event; preempt -> set
// status.nominatedNodeName and delete the victims.
#pragma once
#include <string>
#include <vector>

#include "scheduler/pod_view.h"
#include "skiff/util/result.h"

namespace skiff::scheduler {

struct Binding {
  std::string ns;
  std::string name;
  std::string uid;
  std::string node;
};

class Binder {
 public:
  virtual ~Binder() = default;
  virtual Result<void> bind(const Binding& binding) = 0;
  // message: exactly kube-scheduler's FitError text, already cut to the
  // event note limit.
  virtual void unschedulable(const PodView& pod, const std::string& message) = 0;
  virtual void preempt(const PodView& preemptor, const std::string& nominated_node,
                       const std::vector<std::string>& victim_keys) = 0;
};

}  // namespace skiff::scheduler
