#include <gtest/gtest.h>

#include "builders.h"
#include "recording_binder.h"
#include "scheduler/scheduler.h"

namespace skiff::scheduler {
namespace {
using testing::json;
using testing::NodeBuilder;
using testing::PodBuilder;
using testing::RecordingBinder;

TEST(Scheduler, BindsAndCountsAssumedPods) {
  auto now = std::chrono::steady_clock::time_point{};
  RecordingBinder b;
  Scheduler s(b, {}, [&] { return now; });
  s.on_node(NodeBuilder("a").capacity("2", "4Gi").view());
  s.on_node(NodeBuilder("b").capacity("2", "4Gi").view());
  for (int i = 0; i < 4; i++) s.on_pod(PodBuilder("p" + std::to_string(i)).req("1", "1Gi").view());
  s.on_pod(PodBuilder("extra").req("1", "1Gi").view());
  EXPECT_EQ(s.run_until_idle(), 5u);
  EXPECT_EQ(b.bindings.size(), 4u);
  std::map<std::string, int> per_node;
  for (auto& [pod, node] : b.bindings) per_node[node]++;
  EXPECT_EQ(per_node["a"], 2);
  EXPECT_EQ(per_node["b"], 2);
  EXPECT_EQ(b.messages["default/extra"],
            "0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption "
            "victims found for incoming pod..");
  // A pod finishing frees room: the unschedulable pod is retried.
  PodView done = PodBuilder(b.order[0]).view();
  done.name = b.order[0].substr(std::string("default/").size());
  done.node_name = b.bindings[b.order[0]];
  done.phase = "Succeeded";
  s.on_pod(done);
  s.tick();
  EXPECT_EQ(s.run_until_idle(), 0u) << "still backing off";
  now += std::chrono::seconds(1);
  s.tick();
  EXPECT_EQ(s.run_until_idle(), 1u);
  EXPECT_EQ(b.bindings["default/extra"], done.node_name);
}

TEST(Scheduler, IgnoresOtherSchedulersAndBoundPods) {
  RecordingBinder b;
  Scheduler s(b);
  s.on_node(NodeBuilder("a").view());
  s.on_pod(PodBuilder("theirs").spec({{"schedulerName", "custom"}}).view());
  s.on_pod(PodBuilder("bound").node("a").view());
  EXPECT_EQ(s.run_until_idle(), 0u);
  EXPECT_NE(s.snapshot().find_pod("default/bound"), kNone);
}

TEST(Scheduler, TerminatingPendingPodLeavesTheQueue) {
  RecordingBinder b;
  Scheduler s(b);
  s.on_pod(PodBuilder("p").view());
  EXPECT_TRUE(s.queue().contains("default/p"));
  PodBuilder gone("p");
  gone.json_()["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z";
  s.on_pod(gone.view());
  EXPECT_FALSE(s.queue().contains("default/p"));
}

TEST(Scheduler, BindingFailureForgetsTheAssumptionAndRetries) {
  auto now = std::chrono::steady_clock::time_point{};
  RecordingBinder b;
  b.fail_binds = 1;
  Scheduler s(b, {}, [&] { return now; });
  s.on_node(NodeBuilder("a").capacity("1", "1Gi").view());
  s.on_pod(PodBuilder("p").req("1").view());
  EXPECT_TRUE(s.schedule_one());
  EXPECT_EQ(s.snapshot().find_pod("default/p"), kNone);
  EXPECT_EQ(s.snapshot().node(s.snapshot().find_node("a")).requested.milli_cpu, 0);
  now += std::chrono::seconds(1);
  s.tick();
  EXPECT_TRUE(s.schedule_one());
  EXPECT_EQ(b.bindings["default/p"], "a");
}

TEST(Scheduler, NodeAddedRetriesUnschedulablePods) {
  auto now = std::chrono::steady_clock::time_point{};
  RecordingBinder b;
  Scheduler s(b, {}, [&] { return now; });
  s.on_pod(PodBuilder("p").spec({{"nodeSelector", {{"disk", "ssd"}}}}).view());
  s.on_node(NodeBuilder("hdd").view());
  EXPECT_TRUE(s.schedule_one());
  EXPECT_EQ(s.queue().unschedulable_size(), 1u);
  now += std::chrono::seconds(5);
  s.on_node(NodeBuilder("ssd").label("disk", "ssd").view());
  EXPECT_TRUE(s.schedule_one());
  EXPECT_EQ(b.bindings["default/p"], "ssd");
}

TEST(Scheduler, SpreadAcrossZonesEndToEnd) {
  RecordingBinder b;
  Scheduler s(b);
  for (const char* z : {"a", "b", "c"})
    for (int i = 0; i < 2; i++)
      s.on_node(NodeBuilder(std::string(z) + std::to_string(i)).label("topology.kubernetes.io/zone", z).view());
  json spread = json::parse(R"({"topologySpreadConstraints":[{"maxSkew":1,"topologyKey":"topology.kubernetes.io/zone",
    "whenUnsatisfiable":"DoNotSchedule","labelSelector":{"matchLabels":{"app":"web"}}}]})");
  for (int i = 0; i < 9; i++) s.on_pod(PodBuilder("w" + std::to_string(i)).label("app", "web").spec(spread).view());
  EXPECT_EQ(s.run_until_idle(), 9u);
  std::map<char, int> per_zone;
  for (auto& [pod, node] : b.bindings) per_zone[node[0]]++;
  EXPECT_EQ(per_zone, (std::map<char, int>{{'a', 3}, {'b', 3}, {'c', 3}}));
}

}  // namespace
}  // namespace skiff::scheduler

namespace skiff::scheduler {
namespace {

TEST(ClusterSnapshot, LabelColumnsFollowNodeUpdatesAndRemovals) {
  using testing::NodeBuilder;
  ClusterSnapshot snap;
  NodeId n1 = snap.upsert_node(NodeBuilder("n1").label("zone", "a").view());
  uint32_t zone = snap.strings().find("zone");
  ASSERT_NE(zone, kNone);
  EXPECT_EQ(snap.node(n1).label_value(zone), snap.strings().find("a"));
  snap.upsert_node(NodeBuilder("n1").label("zone", "b").view());
  EXPECT_EQ(snap.node(n1).label_value(zone), snap.strings().find("b"));
  snap.upsert_node(NodeBuilder("n1").view());
  EXPECT_EQ(snap.node(n1).label_value(zone), kNone);
  snap.upsert_node(NodeBuilder("n1").label("zone", "c").view());
  NodeId n2 = snap.upsert_node(NodeBuilder("n2").view());
  EXPECT_EQ(snap.node(n2).label_value(zone), kNone) << "a node added later has no stale column entry";
  ASSERT_TRUE(snap.remove_node("n1"));
  NodeId n3 = snap.upsert_node(NodeBuilder("n3").view());  // may reuse n1's slot
  EXPECT_EQ(snap.node(n3).label_value(zone), kNone);
  EXPECT_EQ(snap.node_count(), 2u);
  EXPECT_EQ(snap.node(n2).label_value(snap.strings().find("kubernetes.io/hostname")), snap.strings().find("n2"));
}

}  // namespace
}  // namespace skiff::scheduler
