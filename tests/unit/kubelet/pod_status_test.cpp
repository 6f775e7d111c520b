#include "kubelet/pod_status.h"

#include <gtest/gtest.h>

namespace skiff::kubelet {
namespace {

using nlohmann::json;
using S = ContainerObservation::State;

PodSpec pod(const std::string& restart_policy, int init = 0) {
  json containers = json::array({{{"name", "app"}, {"image", "i:1"}}, {{"name", "side"}, {"image", "i:1"}}});
  json inits = json::array();
  for (int i = 0; i < init; ++i) inits.push_back({{"name", "init" + std::to_string(i)}, {"image", "i:1"}});
  json p = {{"metadata", {{"name", "web"}, {"namespace", "shop"}, {"uid", "u"}}},
            {"spec", {{"restartPolicy", restart_policy}, {"containers", containers}, {"initContainers", inits}}}};
  return *parse_pod(p);
}

ContainerObservation c(const std::string& name, S state, int exit = 0, bool ready = false) {
  ContainerObservation o;
  o.name = name;
  o.state = state;
  o.exit_code = exit;
  o.ready = ready;
  return o;
}

const json& condition(const json& status, const std::string& type) {
  for (const auto& c : status["conditions"])
    if (c["type"] == type) return c;
  static json none;
  return none;
}

TEST(PodStatus, PendingWhileInitContainersRun) {
  PodSpec p = pod("Always", 2);
  PodObservation o;
  o.init_containers = {c("init0", S::Terminated, 0), c("init1", S::Running)};
  EXPECT_EQ(pod_phase(p, o), "Pending");
  json s = compute_pod_status(p, o, json::object(), "T1");
  EXPECT_EQ(condition(s, "Initialized")["status"], "False");
  EXPECT_EQ(condition(s, "Initialized")["reason"], "ContainersNotInitialized");
  EXPECT_EQ(s["containerStatuses"][0]["state"]["waiting"]["reason"], "PodInitializing");
  EXPECT_EQ(s["initContainerStatuses"][1]["state"].contains("running"), true);
}

TEST(PodStatus, RunningAndReadyWhenAllContainersReady) {
  PodSpec p = pod("Always", 1);
  PodObservation o;
  o.init_containers = {c("init0", S::Terminated, 0)};
  o.containers = {c("app", S::Running, 0, true), c("side", S::Running, 0, false)};
  o.pod_ip = "10.244.0.5";
  json s = compute_pod_status(p, o, json::object(), "T1");
  EXPECT_EQ(s["phase"], "Running");
  EXPECT_EQ(condition(s, "Initialized")["status"], "True");
  EXPECT_EQ(condition(s, "Ready")["status"], "False");
  EXPECT_EQ(condition(s, "ContainersReady")["message"], "containers with unready status: [side]");
  EXPECT_EQ(s["podIP"], "10.244.0.5");
  EXPECT_EQ(s["podIPs"][0]["ip"], "10.244.0.5");
  o.containers[1].ready = true;
  json s2 = compute_pod_status(p, o, s, "T2");
  EXPECT_EQ(condition(s2, "Ready")["status"], "True");
  EXPECT_EQ(condition(s2, "Ready")["lastTransitionTime"], "T2");
  // Unchanged conditions keep their transition time.
  EXPECT_EQ(condition(s2, "PodScheduled")["lastTransitionTime"], "T1");
  EXPECT_EQ(condition(s2, "Initialized")["lastTransitionTime"], "T1");
}

TEST(PodStatus, PhaseByRestartPolicy) {
  PodObservation done;
  done.containers = {c("app", S::Terminated, 0), c("side", S::Terminated, 0)};
  PodObservation failed;
  failed.containers = {c("app", S::Terminated, 0), c("side", S::Terminated, 1)};
  EXPECT_EQ(pod_phase(pod("Always"), done), "Running");
  EXPECT_EQ(pod_phase(pod("Never"), done), "Succeeded");
  EXPECT_EQ(pod_phase(pod("OnFailure"), done), "Succeeded");
  EXPECT_EQ(pod_phase(pod("Never"), failed), "Failed");
  EXPECT_EQ(pod_phase(pod("OnFailure"), failed), "Running");
}

TEST(PodStatus, WaitingWithoutHistoryIsPendingCrashLoopIsRunning) {
  PodSpec p = pod("Always");
  PodObservation o;
  o.containers = {c("app", S::Running, 0, true), c("side", S::Waiting)};
  o.containers[1].reason = "ErrImagePull";
  EXPECT_EQ(pod_phase(p, o), "Pending");
  o.containers[1].reason = "CrashLoopBackOff";
  o.containers[1].last_state = {{"terminated", {{"exitCode", 1}}}};
  o.containers[1].restart_count = 3;
  EXPECT_EQ(pod_phase(p, o), "Running");
  json s = compute_pod_status(p, o, json::object(), "T");
  const json& side = s["containerStatuses"][1];
  EXPECT_EQ(side["state"]["waiting"]["reason"], "CrashLoopBackOff");
  EXPECT_EQ(side["lastState"]["terminated"]["exitCode"], 1);
  EXPECT_EQ(side["restartCount"], 3);
  EXPECT_EQ(side["ready"], false);
}

TEST(PodStatus, FailedInitWithNeverFailsThePod) {
  PodSpec p = pod("Never", 1);
  PodObservation o;
  o.init_containers = {c("init0", S::Terminated, 2)};
  EXPECT_EQ(pod_phase(p, o), "Failed");
}

TEST(PodStatus, ContainerStatusFields) {
  ContainerObservation o = c("app", S::Terminated, 137);
  o.reason = "OOMKilled";
  o.started_at = "A";
  o.finished_at = "B";
  o.container_id = "containerd://abc";
  o.image = "busybox:1";
  o.image_id = "sha256:1";
  json s = container_status_json(o);
  EXPECT_EQ(s["state"]["terminated"]["reason"], "OOMKilled");
  EXPECT_EQ(s["state"]["terminated"]["exitCode"], 137);
  EXPECT_EQ(s["containerID"], "containerd://abc");
  EXPECT_EQ(s["imageID"], "sha256:1");
  EXPECT_EQ(s["started"], false);
  EXPECT_EQ(rfc3339_from_nanos(1700000000123456789), "2023-11-14T22:13:20Z");
}

}  // namespace
}  // namespace skiff::kubelet
