#include <gtest/gtest.h>

#include "builders.h"
#include "scheduler/plugins.h"
#include "scheduler/scheduling_algorithm.h"

namespace skiff::scheduler {
namespace {
using testing::json;
using testing::NodeBuilder;
using testing::PodBuilder;

json spread(const std::string& key, int max_skew, const std::string& when, const std::string& extra = "") {
  return json::parse(R"({"topologySpreadConstraints":[{"maxSkew":)" + std::to_string(max_skew) +
                     R"(,"topologyKey":")" + key + R"(","whenUnsatisfiable":")" + when +
                     R"(","labelSelector":{"matchLabels":{"app":"web"}})" + (extra.empty() ? "" : "," + extra) +
                     "}]}");
}

struct Zones {
  ClusterSnapshot snap;
  std::vector<std::string> names{"a1", "a2", "b1", "c1", "x"};
  Zones() {
    snap.upsert_node(NodeBuilder("a1").label("zone", "a").view());
    snap.upsert_node(NodeBuilder("a2").label("zone", "a").view());
    snap.upsert_node(NodeBuilder("b1").label("zone", "b").view());
    snap.upsert_node(NodeBuilder("c1").label("zone", "c").label("gpu", "true").view());
    snap.upsert_node(NodeBuilder("x").view());  // no zone
  }
  void web(const std::string& name, const std::string& node, const std::string& ns = "default") {
    testing::add_bound(snap, PodBuilder(name, ns).label("app", "web"), node);
  }
  std::string filter(const PodView& pod, std::vector<std::string>* reasons = nullptr) {
    CycleState state;
    state.pod = &pod;
    SchedulingAlgorithm::prefilter(state, snap);
    std::string out;
    for (const auto& n : names) {
      FilterStatus s = filter_topology_spread(state, snap.node(snap.find_node(n)));
      out += s.ok() ? '+' : s.code == FilterStatus::Code::Unschedulable ? 'U' : 'R';
      if (!s.ok() && reasons) reasons->emplace_back(s.reasons[0]);
    }
    return out;
  }
};

TEST(PodTopologySpread, SkewAgainstTheEmptiestDomain) {
  Zones z;
  z.web("w1", "a1");
  z.web("w2", "a2");
  z.web("w3", "b1");
  std::vector<std::string> reasons;
  // zone a: 2, b: 1, c: 0 -> min 0; placing in a gives skew 3, b 2, c 1.
  EXPECT_EQ(z.filter(PodBuilder("p").label("app", "web").spec(spread("zone", 1, "DoNotSchedule")).view(), &reasons),
            "UUU+R");
  EXPECT_EQ(reasons[0], "node(s) didn't match pod topology spread constraints");
  EXPECT_EQ(reasons.back(), "node(s) didn't match pod topology spread constraints (missing required label)");
  EXPECT_EQ(z.filter(PodBuilder("p").label("app", "web").spec(spread("zone", 2, "DoNotSchedule")).view()), "UU++R");
  // A pod that does not match its own selector does not add itself.
  EXPECT_EQ(z.filter(PodBuilder("p").label("app", "other").spec(spread("zone", 2, "DoNotSchedule")).view()), "++++R");
}

TEST(PodTopologySpread, CountsOnlyTheSameNamespaceAndIgnoresScheduleAnyway) {
  Zones z;
  z.web("w1", "a1", "other");
  z.web("w2", "a1", "other");
  EXPECT_EQ(z.filter(PodBuilder("p").label("app", "web").spec(spread("zone", 1, "DoNotSchedule")).view()), "++++R");
  z.web("w3", "a1");
  EXPECT_EQ(z.filter(PodBuilder("p").label("app", "web").spec(spread("zone", 1, "ScheduleAnyway")).view()), "+++++");
}

TEST(PodTopologySpread, NodeAffinityPolicyLimitsTheDomains) {
  Zones z;
  z.web("w1", "a1");
  z.web("w2", "b1");
  json s = spread("zone", 1, "DoNotSchedule");
  s["nodeSelector"] = {{"zone", "a"}};
  // Honor (default): only zone a counts as a domain, min = 1 -> a is fine.
  EXPECT_EQ(z.filter(PodBuilder("p").label("app", "web").spec(s).view()).substr(0, 2), "++");
  s["topologySpreadConstraints"][0]["nodeAffinityPolicy"] = "Ignore";
  // Ignore: zone c (0 pods) counts too -> a would have skew 2.
  EXPECT_EQ(z.filter(PodBuilder("p").label("app", "web").spec(s).view()).substr(0, 2), "UU");
}

TEST(PodTopologySpread, MinDomainsForcesGlobalMinimumZero) {
  Zones z;
  z.web("w1", "a1");
  z.web("w2", "b1");
  z.web("w3", "c1");
  EXPECT_EQ(z.filter(PodBuilder("p").label("app", "web").spec(spread("zone", 1, "DoNotSchedule")).view()), "++++R");
  EXPECT_EQ(z.filter(PodBuilder("p").label("app", "web").spec(spread("zone", 1, "DoNotSchedule", R"("minDomains":4)")).view()),
            "UUUUR");
}

TEST(PodTopologySpreadScore, FewerMatchingPodsScoreHigher) {
  Zones z;
  z.web("w1", "a1");
  z.web("w2", "a2");
  z.web("w3", "b1");
  PodView pod = PodBuilder("p").label("app", "web").spec(spread("zone", 1, "ScheduleAnyway")).view();
  CycleState state;
  state.pod = &pod;
  SchedulingAlgorithm::prefilter(state, z.snap);
  std::vector<NodeId> nodes;
  for (const auto& n : z.names) nodes.push_back(z.snap.find_node(n));
  std::vector<int64_t> scores(nodes.size());
  ASSERT_TRUE(score_topology_spread(state, z.snap, nodes, scores));
  // weight = ln(3 zones + 2); raw a = round(2w) = 3, b = round(w) = 2, c = 0;
  // normalized 100 * (max + min - s) / max; x lacks the key: 0.
  EXPECT_EQ(scores, (std::vector<int64_t>{0, 0, 33, 100, 0}));
  PodView plain = PodBuilder("q").view();
  state.pod = &plain;
  EXPECT_FALSE(score_topology_spread(state, z.snap, nodes, scores)) << "no ScheduleAnyway constraint: skipped";
}

TEST(PodTopologySpreadScore, HostnameCountsPerNode) {
  Zones z;
  z.web("w1", "a1");
  z.web("w2", "a1");
  z.web("w3", "a2");
  PodView pod = PodBuilder("p").label("app", "web").spec(spread("kubernetes.io/hostname", 1, "ScheduleAnyway")).view();
  CycleState state;
  state.pod = &pod;
  std::vector<NodeId> nodes;
  for (const auto& n : z.names) nodes.push_back(z.snap.find_node(n));
  std::vector<int64_t> scores(nodes.size());
  ASSERT_TRUE(score_topology_spread(state, z.snap, nodes, scores));
  // weight ln(5+2) = 1.95: a1 round(3.89) = 4, a2 2, others 0 -> 100*(4+0-s)/4.
  EXPECT_EQ(scores, (std::vector<int64_t>{0, 50, 100, 100, 100}));
}

}  // namespace
}  // namespace skiff::scheduler
