#include <gtest/gtest.h>

#include "builders.h"
#include "recording_binder.h"
#include "scheduler/failure_message.h"
#include "scheduler/scheduler.h"

namespace skiff::scheduler {
namespace {
using testing::NodeBuilder;
using testing::PodBuilder;
using testing::RecordingBinder;

std::string schedule_and_report(Scheduler& s, RecordingBinder& b, PodBuilder pod) {
  PodView v = pod.view();
  s.on_pod(v);
  EXPECT_TRUE(s.schedule_one());
  EXPECT_EQ(b.bindings.count(v.key()), 0u);
  return b.messages[v.key()];
}

TEST(FailureMessage, AsKubeSchedulerWritesIt) {
  RecordingBinder b;
  Scheduler s(b);
  s.on_node(NodeBuilder("cp").taint("node-role.kubernetes.io/control-plane", "", "NoSchedule").view());
  s.on_node(NodeBuilder("w1").view());
  s.on_node(NodeBuilder("w2").view());
  s.on_pod(PodBuilder("busy1").req("3500m").node("w1").view());
  s.on_pod(PodBuilder("busy2").req("3500m").node("w2").view());
  EXPECT_EQ(schedule_and_report(s, b, PodBuilder("p").req("1")),
            "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, "
            "2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, "
            "2 No preemption victims found for incoming pod..");
}

TEST(FailureMessage, EveryReasonCountedOnce) {
  RecordingBinder b;
  Scheduler s(b);
  for (const char* n : {"a", "b", "c"}) s.on_node(NodeBuilder(n).capacity("1", "1Gi").view());
  EXPECT_EQ(schedule_and_report(s, b, PodBuilder("p").req("2", "2Gi")),
            "0/3 nodes are available: 3 Insufficient cpu, 3 Insufficient memory. preemption: 0/3 nodes are "
            "available: 3 No preemption victims found for incoming pod..");
}

TEST(FailureMessage, NodeSelectorAndUnschedulable) {
  RecordingBinder b;
  Scheduler s(b);
  s.on_node(NodeBuilder("a").unschedulable().view());
  s.on_node(NodeBuilder("b").view());
  EXPECT_EQ(schedule_and_report(s, b, PodBuilder("p").spec({{"nodeSelector", {{"disk", "ssd"}}}})),
            "0/2 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) were "
            "unschedulable. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling..");
}

TEST(FailureMessage, PreemptionPolicyNever) {
  RecordingBinder b;
  Scheduler s(b);
  s.on_node(NodeBuilder("a").capacity("1", "1Gi").view());
  EXPECT_EQ(schedule_and_report(s, b, PodBuilder("p").req("2").spec({{"preemptionPolicy", "Never"}})),
            "0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never..");
}

TEST(FailureMessage, NoNodes) {
  RecordingBinder b;
  Scheduler s(b);
  EXPECT_EQ(schedule_and_report(s, b, PodBuilder("p")), "no nodes available to schedule pods");
}

TEST(FailureMessage, HistogramSortsAsStrings) {
  std::vector<NodeFailure> failures;
  for (int i = 0; i < 10; i++) failures.push_back({0, FilterStatus::unschedulable(reason::kInsufficientCpu)});
  for (int i = 0; i < 2; i++) failures.push_back({0, FilterStatus::unresolvable(reason::kNodeAffinity)});
  // kube sorts the "count reason" strings, so "10 ..." comes before "2 ...".
  EXPECT_EQ(fit_error_message(12, failures),
            "0/12 nodes are available: 10 Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector.");
}

TEST(FailureMessage, TruncatedToTheEventNoteLimit) {
  std::string shortmsg(1024, 'x');
  EXPECT_EQ(truncate_event_message(shortmsg), shortmsg);
  std::string longmsg(1500, 'y');
  std::string t = truncate_event_message(longmsg);
  EXPECT_EQ(t.size(), 1024u);
  EXPECT_EQ(t.substr(1020), " ...");
}

}  // namespace
}  // namespace skiff::scheduler
