// Scheduler throughput in the shape of kube-scheduler's scheduler_perf
// workloads (SchedulingBasic, SchedulingNodeAffinity, TopologySpreading,
// PreferredTopologySpreading, SchedulingPodAffinity, SchedulingPodAntiAffinity)
// and a mix of them: 5,000 fake nodes, 10,000 pods, timed from the pods
// sitting in the scheduling queue to the last binding decision.
//
// kube-scheduler is not installed here, so its figure is the one its own
// scheduler_perf CI publishes for SchedulingBasic/5000Nodes (about 700-800
// pods/s, perf-dash "SchedulingThroughput"); the ratio is against that.
//
// Usage: scheduler_bench [nodes=5000] [pods=10000] [workload-name-substring]
#include <fmt/core.h>

#include <chrono>
#include <ctime>
#include <cstdlib>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "scheduler/scheduler.h"

using namespace skiff::scheduler;
using nlohmann::json;

namespace {

constexpr int kZones = 10;
constexpr double kKubeLow = 700, kKubeHigh = 800;

class CountingBinder : public Binder {
 public:
  skiff::Result<void> bind(const Binding&) override {
    bound++;
    return {};
  }
  void unschedulable(const PodView&, const std::string&) override { failed++; }
  void preempt(const PodView&, const std::string&, const std::vector<std::string>&) override {}
  size_t bound = 0, failed = 0;
};

NodeView make_node(int i) {
  json n = {{"metadata",
             {{"name", fmt::format("node-{}", i)},
              {"labels",
               {{"kubernetes.io/hostname", fmt::format("node-{}", i)},
                {"topology.kubernetes.io/zone", fmt::format("zone-{}", i % kZones)}}}}},
            {"status", {{"allocatable", {{"cpu", "4"}, {"memory", "32Gi"}, {"pods", "110"}}}}}};
  return *parse_node(n);
}

json base_pod(int i, const std::string& app) {
  return {{"metadata", {{"name", fmt::format("pod-{}", i)}, {"namespace", "bench"}, {"labels", {{"app", app}}}}},
          {"spec",
           {{"containers", json::array({{{"name", "c"},
                                         {"image", "registry.k8s.io/pause:3.9"},
                                         {"resources", {{"requests", {{"cpu", "100m"}, {"memory", "500Mi"}}}}}}})}}}};
}

json node_affinity_pod(int i) {
  json p = base_pod(i, "na");
  p["spec"]["affinity"] = json::parse(R"({"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":
    {"nodeSelectorTerms":[{"matchExpressions":[{"key":"topology.kubernetes.io/zone","operator":"In",
    "values":["zone-0","zone-1","zone-2","zone-3","zone-4"]}]}]}}})");
  return p;
}

json spread_pod(int i, const char* when) {
  json p = base_pod(i, "spread");
  p["spec"]["topologySpreadConstraints"] = json::array(
      {{{"maxSkew", 1},
        {"topologyKey", "topology.kubernetes.io/zone"},
        {"whenUnsatisfiable", when},
        {"labelSelector", {{"matchLabels", {{"app", "spread"}}}}}}});
  return p;
}

json pod_affinity_pod(int i) {
  json p = base_pod(i, "web");
  p["spec"]["affinity"] = json::parse(R"({"podAffinity":{"preferredDuringSchedulingIgnoredDuringExecution":[
    {"weight":1,"podAffinityTerm":{"labelSelector":{"matchLabels":{"app":"web"}},
    "topologyKey":"topology.kubernetes.io/zone"}}]}})");
  return p;
}

// Ten pods per group, each group anti-affine to itself per host.
json anti_affinity_pod(int i) {
  std::string group = fmt::format("anti-{}", i / 10);
  json p = base_pod(i, group);
  p["spec"]["affinity"] = {
      {"podAntiAffinity",
       {{"requiredDuringSchedulingIgnoredDuringExecution",
         json::array({{{"labelSelector", {{"matchLabels", {{"app", group}}}}},
                       {"topologyKey", "kubernetes.io/hostname"}}})}}}};
  return p;
}

json mixed_pod(int i) {
  switch (i % 20) {
    case 0:
    case 1:
      return node_affinity_pod(i);
    case 2:
    case 3:
      return spread_pod(i, "DoNotSchedule");
    case 4:
    case 5:
      return spread_pod(i, "ScheduleAnyway");
    case 6:
      return pod_affinity_pod(i);
    case 7:
      return anti_affinity_pod(i);
    default:
      return base_pod(i, "basic");
  }
}

struct Outcome {
  double pods_per_second;      // wall clock
  double pods_per_cpu_second;  // this thread's CPU time: the machine is shared
  size_t bound;
  size_t failed;
};

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

Outcome run(int nodes, int pods, const std::function<json(int)>& make_pod) {
  CountingBinder binder;
  Scheduler scheduler(binder);
  for (int i = 0; i < nodes; i++) scheduler.on_node(make_node(i));
  for (int i = 0; i < pods; i++) {
    auto v = parse_pod(make_pod(i));
    if (!v) {
      fmt::print(stderr, "bad pod: {}\n", v.error().message);
      std::exit(1);
    }
    scheduler.on_pod(std::move(*v));
  }
  auto start = std::chrono::steady_clock::now();
  double cpu_start = thread_cpu_seconds();
  scheduler.run_until_idle();
  double cpu = thread_cpu_seconds() - cpu_start;
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double bound = static_cast<double>(binder.bound);
  return {bound / seconds, bound / cpu, binder.bound, binder.failed};
}

}  // namespace

int main(int argc, char** argv) {
  int nodes = argc > 1 ? std::atoi(argv[1]) : 5000;
  int pods = argc > 2 ? std::atoi(argv[2]) : 10000;
  std::string only = argc > 3 ? argv[3] : "";  // run only workloads whose name contains this
  struct Workload {
    const char* name;
    std::function<json(int)> make;
  };
  std::vector<Workload> workloads = {
      {"SchedulingBasic", [](int i) { return base_pod(i, "basic"); }},
      {"SchedulingNodeAffinity", node_affinity_pod},
      {"TopologySpreading", [](int i) { return spread_pod(i, "DoNotSchedule"); }},
      {"PreferredTopologySpreading", [](int i) { return spread_pod(i, "ScheduleAnyway"); }},
      {"SchedulingPreferredPodAffinity", pod_affinity_pod},
      {"SchedulingPodAntiAffinity", anti_affinity_pod},
      {"Mix (60% basic, 10% node affinity, 10% spread, 10% preferred spread, 5% pod affinity, 5% anti-affinity)",
       mixed_pod},
  };
  fmt::print("skiff scheduler: {} nodes, {} pods per workload, queue -> binding decision, one thread\n", nodes, pods);
  fmt::print("peer: kube-scheduler scheduler_perf SchedulingBasic/5000Nodes ~{:.0f}-{:.0f} pods/s (published CI "
             "figure; kube-scheduler is not installed here)\n\n",
             kKubeLow, kKubeHigh);
  fmt::print("{:<32} {:>8} {:>12} {:>8} {:>18}\n", "workload", "pods/s", "pods/CPU-s", "bound", "x kube (700-800)");
  for (const auto& w : workloads) {
    if (!only.empty() && std::string(w.name).find(only) == std::string::npos) continue;
    Outcome o = run(nodes, pods, w.make);
    std::string name = w.name;
    if (name.size() > 32) name = "Mix";
    fmt::print("{:<32} {:>8.0f} {:>12.0f} {:>8} {:>8.1f}-{:<8.1f}{}\n", name, o.pods_per_second,
               o.pods_per_cpu_second, o.bound, o.pods_per_second / kKubeHigh, o.pods_per_second / kKubeLow,
               o.failed ? fmt::format("  ({} unschedulable)", o.failed) : "");
  }
  fmt::print("\nratio = wall-clock pods/s over kube's 800 and 700 pods/s\n");
  fmt::print("Mix = 60% basic, 10% node affinity, 10% DoNotSchedule spread, 10% ScheduleAnyway spread, "
             "5% preferred pod affinity, 5% hostname anti-affinity\n");
  return 0;
}
