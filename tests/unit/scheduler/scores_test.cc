#include <gtest/gtest.h>

#include "builders.h"
#include "scheduler/plugins.h"
#include "scheduler/scheduling_algorithm.h"

namespace skiff::scheduler {
namespace {
using testing::json;
using testing::NodeBuilder;
using testing::PodBuilder;

using ScoreFn = bool (*)(const PodView&, const ClusterSnapshot&, const std::vector<NodeId>&, std::vector<int64_t>&);

struct ScoreCase {
  const char* name;
  PodBuilder pod;
  std::vector<NodeBuilder> nodes;
  std::vector<std::pair<PodBuilder, std::string>> existing;
  std::vector<int64_t> expected;
};

void run(ScoreFn fn, std::vector<ScoreCase> cases) {
  for (auto& c : cases) {
    ClusterSnapshot snap;
    std::vector<NodeId> feasible;
    for (auto& n : c.nodes) feasible.push_back(snap.upsert_node(n.view()));
    int i = 0;
    for (auto& [p, node] : c.existing) {
      p.json_()["metadata"]["name"] = "e" + std::to_string(i++);
      testing::add_bound(snap, p, node);
    }
    PodView pod = c.pod.view();
    std::vector<int64_t> scores(feasible.size());
    fn(pod, snap, feasible, scores);
    EXPECT_EQ(scores, c.expected) << c.name;
  }
}

// Cases from kube-scheduler's least_allocated_test.go.
TEST(LeastAllocated, Table) {
  run(score_least_allocated,
      {
          {"nothing scheduled, nothing requested",
           PodBuilder("p").req("0", "0"),
           {NodeBuilder("a").capacity("4000m", "10000"), NodeBuilder("b").capacity("4000m", "10000")},
           {},
           {100, 100}},
          {"nothing scheduled, resources requested, differently sized nodes",
           PodBuilder("p").req("3000m", "5000"),
           {NodeBuilder("a").capacity("4000m", "10000"), NodeBuilder("b").capacity("6000m", "10000")},
           {},
           {37, 50}},
          {"no resources requested, pods scheduled with resources",
           PodBuilder("p").req("0", "0"),
           {NodeBuilder("a").capacity("10000m", "20000"), NodeBuilder("b").capacity("10000m", "20000")},
           {{PodBuilder("x").req("3000m", "0"), "a"},
            {PodBuilder("x").req("3000m", "5000"), "b"},
            {PodBuilder("x").req("3000m", "0"), "b"}},
           {85, 57}},  // a: (70 + 100)/2; b: (40 + 75)/2
          {"requested exceeds capacity scores 0 for that resource",
           PodBuilder("p").req("4000m", "0"),
           {NodeBuilder("a").capacity("4000m", "10000")},
           {{PodBuilder("x").req("1000m", "0"), "a"}},
           {50}},
          {"missing requests count with the defaults (100m, 200Mi)",
           PodBuilder("p"),
           {NodeBuilder("a").capacity("1000m", "400Mi")},
           {},
           {70}},  // cpu 90, memory 50
      });
}

// Cases from kube-scheduler's balanced_allocation_test.go.
TEST(BalancedAllocation, Table) {
  run(score_balanced_allocation,
      {
          {"differently sized nodes",
           PodBuilder("p").req("3000m", "5000"),
           {NodeBuilder("a").capacity("4000m", "10000"), NodeBuilder("b").capacity("6000m", "10000")},
           {},
           {87, 100}},
          {"pods scheduled with resources",
           PodBuilder("p").req("1000m", "2000"),
           {NodeBuilder("a").capacity("10000m", "20000"), NodeBuilder("b").capacity("10000m", "20000")},
           {{PodBuilder("x").req("3000m", "0"), "a"}, {PodBuilder("x").req("3000m", "5000"), "b"}},
           {85, 97}},  // a: cpu .4 mem .1 -> 1-.15; b: cpu .4 mem .35 -> 1-.025
          {"fractions cap at 1",
           PodBuilder("p").req("6000m", "1000"),
           {NodeBuilder("a").capacity("4000m", "10000")},
           {},
           {55}},
      });
  ClusterSnapshot snap;
  std::vector<NodeId> nodes{snap.upsert_node(NodeBuilder("a").view())};
  std::vector<int64_t> scores(1);
  EXPECT_FALSE(score_balanced_allocation(PodBuilder("p").view(), snap, nodes, scores)) << "best effort: skipped";
}

TEST(TaintTolerationScore, FewerUntoleratedPreferNoScheduleIsBetter) {
  run(score_taint_toleration,
      {
          {"counts normalized and reversed",
           PodBuilder("p"),
           {NodeBuilder("a"), NodeBuilder("b").taint("x", "1", "PreferNoSchedule"),
            NodeBuilder("c").taint("x", "1", "PreferNoSchedule").taint("y", "2", "PreferNoSchedule"),
            NodeBuilder("d").taint("z", "1", "NoSchedule")},
           {},
           {100, 50, 0, 100}},
          {"tolerated taints do not count",
           PodBuilder("p").toleration({{"key", "x"}, {"operator", "Exists"}, {"effect", "PreferNoSchedule"}}),
           {NodeBuilder("a").taint("x", "1", "PreferNoSchedule"), NodeBuilder("b").taint("y", "1", "PreferNoSchedule")},
           {},
           {100, 0}},
          {"no taints anywhere",
           PodBuilder("p"),
           {NodeBuilder("a"), NodeBuilder("b")},
           {},
           {100, 100}},
      });
}

TEST(NodeAffinityScore, WeightsOfMatchingPreferredTermsNormalized) {
  json pref = json::parse(R"({"affinity":{"nodeAffinity":{"preferredDuringSchedulingIgnoredDuringExecution":[
    {"weight":2,"preference":{"matchExpressions":[{"key":"zone","operator":"In","values":["a"]}]}},
    {"weight":8,"preference":{"matchExpressions":[{"key":"disk","operator":"In","values":["ssd"]}]}}]}}})");
  run(score_node_affinity, {{"weights",
                             PodBuilder("p").spec(pref),
                             {NodeBuilder("a").label("zone", "a"), NodeBuilder("b").label("disk", "ssd"),
                              NodeBuilder("c").label("zone", "a").label("disk", "ssd"), NodeBuilder("d")},
                             {},
                             {20, 80, 100, 0}}});
}

TEST(ScheduleWeights, DefaultProfileSumsWeightedScores) {
  // Two identical nodes but one PreferNoSchedule taint: TaintToleration
  // (weight 3) makes a 300-point difference.
  ClusterSnapshot snap;
  std::vector<NodeId> nodes{snap.upsert_node(NodeBuilder("a").view()),
                            snap.upsert_node(NodeBuilder("b").taint("x", "1", "PreferNoSchedule").view())};
  PodView pod = PodBuilder("p").req("1", "1Gi").view();
  CycleState state;
  state.pod = &pod;
  SchedulingAlgorithm::prefilter(state, snap);
  auto scores = SchedulingAlgorithm::score(state, snap, nodes);
  EXPECT_EQ(scores[0] - scores[1], 300);
  SchedulingAlgorithm algo;
  for (int i = 0; i < 5; i++) EXPECT_EQ(algo.schedule(pod, snap).node, nodes[0]);
}

TEST(PercentageOfNodesToScore, AdaptiveLikeKube) {
  SchedulingAlgorithm algo;
  EXPECT_EQ(algo.num_feasible_nodes_to_find(50), 50u);
  EXPECT_EQ(algo.num_feasible_nodes_to_find(100), 100u);
  EXPECT_EQ(algo.num_feasible_nodes_to_find(1000), 420u);   // 50 - 8 = 42%
  EXPECT_EQ(algo.num_feasible_nodes_to_find(5000), 500u);   // 50 - 40 = 10%
  EXPECT_EQ(algo.num_feasible_nodes_to_find(10000), 500u);  // min 5%
  SchedulingAlgorithm fixed({.percentage_of_nodes_to_score = 100});
  EXPECT_EQ(fixed.num_feasible_nodes_to_find(5000), 5000u);
}

TEST(PercentageOfNodesToScore, StopsEarlyAndRotatesStart) {
  ClusterSnapshot snap;
  for (int i = 0; i < 1000; i++) snap.upsert_node(NodeBuilder("n" + std::to_string(i)).view());
  SchedulingAlgorithm algo;
  PodView pod = PodBuilder("p").req("100m").view();
  auto r1 = algo.schedule(pod, snap);
  EXPECT_EQ(r1.evaluated_nodes, 420u);
  EXPECT_EQ(r1.feasible_nodes, 420u);
  auto r2 = algo.schedule(pod, snap);
  EXPECT_EQ(r2.evaluated_nodes, 420u);
  // The second cycle starts where the first stopped: it can only pick a node from 420..839.
  size_t pos = snap.node(r2.node).order_pos;
  EXPECT_GE(pos, 420u);
  EXPECT_LT(pos, 840u);
}

}  // namespace
}  // namespace skiff::scheduler
