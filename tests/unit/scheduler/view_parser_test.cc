#include <gtest/gtest.h>

#include "builders.h"

namespace skiff::scheduler {
namespace {
using testing::json;
using testing::NodeBuilder;
using testing::PodBuilder;

TEST(PodView, RequestsSumContainersAndTakeInitMaxAndOverhead) {
  PodBuilder p("p");
  p.json_()["spec"]["containers"] = json::parse(R"([
    {"name":"a","resources":{"requests":{"cpu":"500m","memory":"1Gi"}}},
    {"name":"b","resources":{"requests":{"cpu":"1","memory":"1Gi"}}}])");
  p.json_()["spec"]["initContainers"] = json::parse(R"([
    {"name":"i1","resources":{"requests":{"cpu":"2","memory":"512Mi"}}},
    {"name":"i2","resources":{"requests":{"cpu":"100m","memory":"3Gi"}}}])");
  p.json_()["spec"]["overhead"] = {{"cpu", "250m"}, {"memory", "120Mi"}};
  PodView v = p.view();
  EXPECT_EQ(v.requests.milli_cpu, 2000 + 250);  // init max 2 > 1.5
  EXPECT_EQ(v.requests.memory, 3LL * 1024 * 1024 * 1024 + 120LL * 1024 * 1024);
}

TEST(PodView, SidecarInitContainersAddToEverythingAfterThem) {
  PodBuilder p("p");
  p.json_()["spec"]["containers"] = json::parse(R"([{"name":"a","resources":{"requests":{"cpu":"1"}}}])");
  p.json_()["spec"]["initContainers"] = json::parse(R"([
    {"name":"side","restartPolicy":"Always","resources":{"requests":{"cpu":"500m"}}},
    {"name":"init","resources":{"requests":{"cpu":"2"}}}])");
  // containers 1 + sidecar 0.5 = 1.5; init step 2 + sidecar 0.5 = 2.5 wins.
  EXPECT_EQ(p.view().requests.milli_cpu, 2500);
}

TEST(PodView, LimitsDefaultMissingRequestsAndNonZeroDefaultsForScoring) {
  PodBuilder p("p");
  p.json_()["spec"]["containers"] = json::parse(R"([
    {"name":"a","resources":{"limits":{"cpu":"300m"}}},
    {"name":"b"}])");
  PodView v = p.view();
  EXPECT_EQ(v.requests.milli_cpu, 300);
  EXPECT_EQ(v.requests.memory, 0);
  EXPECT_EQ(v.nonzero_milli_cpu, 300 + kDefaultMilliCpuRequest);
  EXPECT_EQ(v.nonzero_memory, 2 * kDefaultMemoryRequest);
}

TEST(PodView, FieldsAndDefaults) {
  PodView v = PodBuilder("web", "shop")
                  .label("app", "web")
                  .priority(1000)
                  .host_port(8080)
                  .spec({{"nodeSelector", {{"disk", "ssd"}}},
                         {"schedulerName", "other"},
                         {"preemptionPolicy", "Never"},
                         {"priorityClassName", "high"}})
                  .view();
  EXPECT_EQ(v.key(), "shop/web");
  EXPECT_EQ(v.priority, 1000);
  EXPECT_EQ(v.priority_class_name, "high");
  EXPECT_TRUE(v.preemption_never);
  EXPECT_EQ(v.scheduler_name, "other");
  ASSERT_EQ(v.host_ports.size(), 1u);
  EXPECT_EQ(v.host_ports[0], (HostPort{"0.0.0.0", "TCP", 8080}));
  ASSERT_EQ(v.node_selector.size(), 1u);
  EXPECT_EQ(v.node_selector[0].second, "ssd");
}

TEST(PodView, AffinityTermDefaultsToOwnNamespaceAndMergesMatchLabelKeys) {
  PodView v = PodBuilder("p", "team").label("app", "x").label("rev", "7").spec(json::parse(R"({
    "affinity":{"podAntiAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":[
      {"labelSelector":{"matchLabels":{"app":"x"}},"topologyKey":"kubernetes.io/hostname","matchLabelKeys":["rev"]}]}}})")).view();
  ASSERT_EQ(v.required_anti_affinity.size(), 1u);
  const auto& t = v.required_anti_affinity[0];
  EXPECT_EQ(t.namespaces, std::vector<std::string>{"team"});
  EXPECT_TRUE(t.selector.matches({{"app", "x"}, {"rev", "7"}}));
  EXPECT_FALSE(t.selector.matches({{"app", "x"}, {"rev", "6"}}));
  EXPECT_TRUE(v.has_pod_affinity());
}

struct BadPod {
  json spec_patch;
  std::string error;
};

TEST(PodView, ErrorsNameTheFieldPath) {
  std::vector<BadPod> cases = {
      {json::parse(R"({"containers":[{"name":"a","resources":{"requests":{"cpu":"lots"}}}]})"),
       "spec.containers[0].resources.requests.cpu: invalid quantity \"lots\""},
      {json::parse(R"({"containers":[{"name":"a","resources":{"requests":{"memory":"-1Gi"}}}]})"),
       "spec.containers[0].resources.requests.memory: must be greater than or equal to 0"},
      {json::parse(R"({"affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"a","operator":"Gt","values":["x"]}]}]}}}})"),
       "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values[0]: must be an integer"},
      {json::parse(R"({"tolerations":[{"key":"a","operator":"Maybe"}]})"), "spec.tolerations[0].operator: Unsupported value"},
      {json::parse(R"({"topologySpreadConstraints":[{"maxSkew":0,"topologyKey":"zone","whenUnsatisfiable":"DoNotSchedule"}]})"),
       "spec.topologySpreadConstraints[0].maxSkew: must be greater than zero"},
      {json::parse(R"({"affinity":{"podAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":[{"labelSelector":{}}]}}})"),
       "spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: can not be empty"},
      {json::parse(R"({"nodeSelector":{"a":1}})"), "spec.nodeSelector.a: must be a string"},
  };
  for (const auto& c : cases) {
    PodBuilder p("p");
    p.spec(c.spec_patch);
    auto v = parse_pod(p.json_());
    ASSERT_FALSE(v.has_value()) << c.spec_patch.dump();
    EXPECT_EQ(v.error().message.rfind(c.error, 0), 0u) << v.error().message;
  }
  auto no_meta = parse_pod(json::parse(R"({"spec":{}})"));
  ASSERT_FALSE(no_meta.has_value());
  EXPECT_EQ(no_meta.error().message, "metadata: Required value");
}

TEST(NodeView, ParsesAllocatableTaintsConditions) {
  auto j = NodeBuilder("n1").taint("dedicated", "gpu", "NoSchedule").allocatable("nvidia.com/gpu", "2").json_();
  j["status"]["conditions"] = json::parse(R"([{"type":"Ready","status":"True"}])");
  auto v = parse_node(j);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->allocatable.milli_cpu, 4000);
  EXPECT_EQ(v->allocatable.memory, 8LL << 30);
  EXPECT_EQ(v->allocatable.pods, 110);
  EXPECT_EQ(v->allocatable.scalar_value("nvidia.com/gpu"), 2);
  EXPECT_TRUE(v->ready);
  ASSERT_EQ(v->taints.size(), 1u);
  EXPECT_EQ(v->taints[0].untolerated_reason, "node(s) had untolerated taint {dedicated: gpu}");
  j["spec"]["taints"][0]["effect"] = "Sometimes";
  auto bad = parse_node(j);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message, "spec.taints[0].effect: Unsupported value: \"Sometimes\"");
}

}  // namespace
}  // namespace skiff::scheduler
