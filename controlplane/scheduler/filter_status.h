// The outcome of one filter on one node, as kube-scheduler's framework.Status:
// a code and the reasons that the failure message counts per node.
#pragma once
#include <array>
#include <cstdint>
#include <string_view>

namespace skiff::scheduler {

struct FilterStatus {
  enum class Code : uint8_t { Success, Unschedulable, UnschedulableAndUnresolvable };
  Code code = Code::Success;
  uint8_t count = 0;
  // Views of static strings or of strings owned by the pod/node views, so a
  // failing node costs no allocation.
  std::array<std::string_view, 6> reasons{};

  bool ok() const { return code == Code::Success; }
  void add(std::string_view reason) {
    if (count < reasons.size()) reasons[count++] = reason;
  }
  static FilterStatus success() { return {}; }
  static FilterStatus unschedulable(std::string_view reason) {
    FilterStatus s;
    s.code = Code::Unschedulable;
    s.add(reason);
    return s;
  }
  static FilterStatus unresolvable(std::string_view reason) {
    FilterStatus s;
    s.code = Code::UnschedulableAndUnresolvable;
    s.add(reason);
    return s;
  }
};

// The reasons kube-scheduler's plugins report, verbatim: users read them in
// `kubectl describe pod` and tools match on them.
namespace reason {
inline constexpr std::string_view kNodeUnschedulable = "node(s) were unschedulable";
inline constexpr std::string_view kNodeName = "node(s) didn't match the requested node name";
inline constexpr std::string_view kNodeAffinity = "node(s) didn't match Pod's node affinity/selector";
inline constexpr std::string_view kNodePorts = "node(s) didn't have free ports for the requested pod ports";
inline constexpr std::string_view kTooManyPods = "Too many pods";
inline constexpr std::string_view kInsufficientCpu = "Insufficient cpu";
inline constexpr std::string_view kInsufficientMemory = "Insufficient memory";
inline constexpr std::string_view kInsufficientEphemeralStorage = "Insufficient ephemeral-storage";
inline constexpr std::string_view kAffinityRulesNotMatch = "node(s) didn't match pod affinity rules";
inline constexpr std::string_view kAntiAffinityRulesNotMatch = "node(s) didn't match pod anti-affinity rules";
inline constexpr std::string_view kExistingAntiAffinity = "node(s) didn't satisfy existing pods anti-affinity rules";
inline constexpr std::string_view kSpreadConstraintsNotMatch = "node(s) didn't match pod topology spread constraints";
inline constexpr std::string_view kSpreadMissingLabel =
    "node(s) didn't match pod topology spread constraints (missing required label)";
inline constexpr std::string_view kNoVictims = "No preemption victims found for incoming pod";
inline constexpr std::string_view kPreemptionNotHelpful = "Preemption is not helpful for scheduling";
}  // namespace reason

}  // namespace skiff::scheduler
