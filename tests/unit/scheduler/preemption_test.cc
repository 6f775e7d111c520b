#include <gtest/gtest.h>

#include "builders.h"
#include "recording_binder.h"
#include "scheduler/preemption.h"
#include "scheduler/scheduler.h"

namespace skiff::scheduler {
namespace {
using testing::json;
using testing::NodeBuilder;
using testing::PodBuilder;

PreemptionResult run_preemption(ClusterSnapshot& snap, const PodView& pod) {
  SchedulingAlgorithm algo;
  ScheduleResult r = algo.schedule(pod, snap);
  EXPECT_FALSE(r.fits());
  size_t pods_before = snap.pod_count();
  PreemptionResult p = preempt(pod, snap, r.failures);
  EXPECT_EQ(snap.pod_count(), pods_before) << "the dry run restores the snapshot";
  return p;
}

TEST(Preemption, MinimalVictimsReprievingTheMostImportant) {
  ClusterSnapshot snap;
  snap.upsert_node(NodeBuilder("a").capacity("4", "8Gi").view());
  testing::add_bound(snap, PodBuilder("l1").req("1").priority(0).started("2024-01-01T00:00:01Z"), "a");
  testing::add_bound(snap, PodBuilder("l2").req("1").priority(0).started("2024-01-01T00:00:02Z"), "a");
  testing::add_bound(snap, PodBuilder("l3").req("1").priority(0).started("2024-01-01T00:00:03Z"), "a");
  testing::add_bound(snap, PodBuilder("m").req("1").priority(5), "a");
  PreemptionResult p = run_preemption(snap, PodBuilder("hi").req("2").priority(10).view());
  ASSERT_TRUE(p.found) << p.message;
  EXPECT_EQ(p.nominated_node, "a");
  // m (priority 5) and l1 (oldest) are reprieved; the two youngest go.
  EXPECT_EQ(p.victims, (std::vector<std::string>{"default/l2", "default/l3"}));
  const NodeInfo& a = snap.node(snap.find_node("a"));
  EXPECT_EQ(a.requested.milli_cpu, 4000);
}

TEST(Preemption, PrefersLowerPriorityVictimsThenFewer) {
  ClusterSnapshot snap;
  snap.upsert_node(NodeBuilder("a").capacity("2", "8Gi").view());
  snap.upsert_node(NodeBuilder("b").capacity("2", "8Gi").view());
  snap.upsert_node(NodeBuilder("c").capacity("2", "8Gi").view());
  testing::add_bound(snap, PodBuilder("a1").req("2").priority(5), "a");
  testing::add_bound(snap, PodBuilder("b1").req("1").priority(1), "b");
  testing::add_bound(snap, PodBuilder("b2").req("1").priority(1), "b");
  testing::add_bound(snap, PodBuilder("c1").req("2").priority(1), "c");
  PreemptionResult p = run_preemption(snap, PodBuilder("hi").req("2").priority(10).view());
  ASSERT_TRUE(p.found);
  // b and c both have highest victim priority 1 (< 5 on a); c needs one victim, b two.
  EXPECT_EQ(p.nominated_node, "c");
  EXPECT_EQ(p.victims, std::vector<std::string>{"default/c1"});
}

TEST(Preemption, NotHelpfulAndNoVictims) {
  ClusterSnapshot snap;
  snap.upsert_node(NodeBuilder("a").capacity("1", "8Gi").label("disk", "hdd").view());
  snap.upsert_node(NodeBuilder("b").capacity("1", "8Gi").label("disk", "ssd").view());
  snap.upsert_node(NodeBuilder("c").capacity("1", "8Gi").label("disk", "ssd").view());
  testing::add_bound(snap, PodBuilder("same").req("1").priority(10), "b");
  testing::add_bound(snap, PodBuilder("higher").req("1").priority(20), "c");
  PodView pod = PodBuilder("p").req("1").priority(10).spec({{"nodeSelector", {{"disk", "ssd"}}}}).view();
  PreemptionResult p = run_preemption(snap, pod);
  EXPECT_FALSE(p.found);
  EXPECT_EQ(p.message,
            "preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption "
            "victims found for incoming pod.");
}

TEST(Preemption, EvictingDoesNotHelpReportsTheFilterReason) {
  ClusterSnapshot snap;
  snap.upsert_node(NodeBuilder("a").capacity("1", "8Gi").view());
  testing::add_bound(snap, PodBuilder("low").req("500m").priority(0), "a");
  PreemptionResult p = run_preemption(snap, PodBuilder("big").req("2").priority(10).view());
  EXPECT_FALSE(p.found);
  EXPECT_EQ(p.message, "preemption: 0/1 nodes are available: 1 Insufficient cpu.");
}

TEST(Preemption, RemovesAnExistingPodsAntiAffinity) {
  ClusterSnapshot snap;
  snap.upsert_node(NodeBuilder("a").view());
  json anti = json::parse(R"({"affinity":{"podAntiAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":[
    {"labelSelector":{"matchLabels":{"app":"web"}},"topologyKey":"kubernetes.io/hostname"}]}}})");
  testing::add_bound(snap, PodBuilder("loner").priority(0).spec(anti), "a");
  testing::add_bound(snap, PodBuilder("bystander").priority(0).req("100m"), "a");
  PreemptionResult p = run_preemption(snap, PodBuilder("web").label("app", "web").priority(10).view());
  ASSERT_TRUE(p.found);
  EXPECT_EQ(p.victims, std::vector<std::string>{"default/loner"});
}

TEST(Preemption, SchedulerNominatesEvictsAndBindsAfterBackoff) {
  auto now = std::chrono::steady_clock::time_point{};
  testing::RecordingBinder b;
  Scheduler s(b, {}, [&] { return now; });
  s.on_node(NodeBuilder("a").capacity("2", "8Gi").view());
  s.on_pod(PodBuilder("low").req("2").priority(0).node("a").view());
  s.on_pod(PodBuilder("hi").req("2").priority(100).view());
  ASSERT_TRUE(s.schedule_one());
  EXPECT_EQ(b.nominated["default/hi"], "a");
  EXPECT_EQ(b.evicted, std::vector<std::string>{"default/low"});
  EXPECT_EQ(b.messages["default/hi"], "0/1 nodes are available: 1 Insufficient cpu.");
  EXPECT_EQ(s.snapshot().find_pod("default/low"), kNone);
  EXPECT_FALSE(s.schedule_one()) << "backing off";
  now += std::chrono::seconds(1);
  s.tick();
  ASSERT_TRUE(s.schedule_one());
  EXPECT_EQ(b.bindings["default/hi"], "a");
}

TEST(Preemption, NominatedPodHoldsTheRoomAgainstLowerPriorityPods) {
  auto now = std::chrono::steady_clock::time_point{};
  testing::RecordingBinder b;
  Scheduler s(b, {}, [&] { return now; });
  s.on_node(NodeBuilder("a").capacity("2", "8Gi").view());
  s.on_pod(PodBuilder("low").req("2").priority(0).node("a").view());
  s.on_pod(PodBuilder("hi").req("2").priority(100).view());
  ASSERT_TRUE(s.schedule_one());
  ASSERT_EQ(b.nominated["default/hi"], "a");
  // The victim is gone, but a pod of lower priority must not take its place.
  s.on_pod(PodBuilder("sneaky").req("1").priority(50).view());
  ASSERT_TRUE(s.schedule_one());
  EXPECT_EQ(b.bindings.count("default/sneaky"), 0u);
  EXPECT_EQ(b.messages["default/sneaky"].rfind("0/1 nodes are available: 1 Insufficient cpu.", 0), 0u)
      << b.messages["default/sneaky"];
  EXPECT_EQ(b.nominated.count("default/sneaky"), 0u) << "a nominated reservation is never a victim";
  now += std::chrono::seconds(1);
  s.tick();
  ASSERT_TRUE(s.schedule_one());
  EXPECT_EQ(b.bindings["default/hi"], "a");
  EXPECT_EQ(s.snapshot().node(s.snapshot().find_node("a")).requested.milli_cpu, 2000) << "reservation replaced";
}

TEST(Preemption, HigherPriorityPodsIgnoreAReservation) {
  testing::RecordingBinder b;
  Scheduler s(b);
  s.on_node(NodeBuilder("a").capacity("2", "8Gi").view());
  s.on_pod(PodBuilder("low").req("2").priority(0).node("a").view());
  s.on_pod(PodBuilder("hi").req("2").priority(100).view());
  ASSERT_TRUE(s.schedule_one());
  s.on_pod(PodBuilder("higher").req("2").priority(1000).view());
  ASSERT_TRUE(s.schedule_one());
  EXPECT_EQ(b.bindings["default/higher"], "a");
}

TEST(Preemption, ImportanceOrder) {
  PodView a = PodBuilder("a").priority(5).started("2024-01-01T00:00:00Z").view();
  PodView b = PodBuilder("b").priority(5).started("2024-01-02T00:00:00Z").view();
  PodView c = PodBuilder("c").priority(6).view();
  PodView d = PodBuilder("d").priority(5).view();
  d.start_time.clear();  // not started: counts as now
  EXPECT_TRUE(more_important(c, a));
  EXPECT_TRUE(more_important(a, b));
  EXPECT_FALSE(more_important(b, a));
  EXPECT_TRUE(more_important(b, d));
}

}  // namespace
}  // namespace skiff::scheduler
