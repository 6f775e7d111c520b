// A Binder that records what the scheduler decided.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "scheduler/binder.h"

namespace skiff::scheduler::testing {

class RecordingBinder : public Binder {
 public:
  Result<void> bind(const Binding& b) override {
    if (fail_binds > 0) {
      fail_binds--;
      return fail("binding refused");
    }
    bindings[b.ns + "/" + b.name] = b.node;
    order.push_back(b.ns + "/" + b.name);
    return {};
  }
  void unschedulable(const PodView& pod, const std::string& message) override { messages[pod.key()] = message; }
  void preempt(const PodView& pod, const std::string& node, const std::vector<std::string>& victims) override {
    nominated[pod.key()] = node;
    evicted.insert(evicted.end(), victims.begin(), victims.end());
  }

  int fail_binds = 0;
  std::map<std::string, std::string> bindings;
  std::vector<std::string> order;
  std::map<std::string, std::string> messages;
  std::map<std::string, std::string> nominated;
  std::vector<std::string> evicted;
};

}  // namespace skiff::scheduler::testing
