#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "controllers/daemonset_controller.h"
#include "controllers/pod_util.h"
#include "harness.h"

namespace skiff::controllers {
namespace {
using testing::Cluster;

Json node(const std::string& name, Json labels = Json::object(), Json taints = Json::array()) {
  return Json{{"apiVersion", "v1"},
              {"kind", "Node"},
              {"metadata", {{"name", name}, {"labels", labels}}},
              {"spec", {{"taints", taints}}}};
}

Json make_ds(Json node_selector = nullptr) {
  Json ds{{"apiVersion", "apps/v1"},
          {"kind", "DaemonSet"},
          {"metadata", {{"name", "agent"}, {"namespace", "default"}, {"generation", 1}}},
          {"spec",
           {{"selector", {{"matchLabels", {{"app", "agent"}}}}},
            {"template",
             {{"metadata", {{"labels", {{"app", "agent"}}}}},
              {"spec", {{"containers", Json::array({{{"name", "c"}, {"image", "agent:1"}}})}}}}}}}};
  if (!node_selector.is_null()) ds["spec"]["template"]["spec"]["nodeSelector"] = node_selector;
  return ds;
}

const Json& ds(Cluster& c) { return *c.store.get("DaemonSet", "default", "agent"); }
void sync(Cluster& c) { c.apply(reconcile_daemon_set(ds(c), c.ctx())); }
std::set<std::string> pod_nodes(Cluster& c) {
  std::set<std::string> n;
  for (const Json* p : c.pods())
    n.insert(str(p->at("spec")["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
                     ["nodeSelectorTerms"][0]["matchFields"][0]["values"][0]));
  return n;
}

TEST(DaemonSet, OnePodPerEligibleNode) {
  Cluster c;
  c.store.put(node("plain", {{"disk", "ssd"}}), c.now);
  c.store.put(node("hdd", {{"disk", "hdd"}}), c.now);
  c.store.put(node("tainted", {{"disk", "ssd"}}, Json::array({{{"key", "dedicated"}, {"value", "db"}, {"effect", "NoSchedule"}}})), c.now);
  c.store.put(node("notready", {{"disk", "ssd"}}, Json::array({{{"key", "node.kubernetes.io/not-ready"}, {"effect", "NoExecute"}}})), c.now);
  c.store.put(node("cordoned", {{"disk", "ssd"}}, Json::array({{{"key", "node.kubernetes.io/unschedulable"}, {"effect", "NoSchedule"}}})), c.now);
  c.store.put(node("soft", {{"disk", "ssd"}}, Json::array({{{"key", "x"}, {"effect", "PreferNoSchedule"}}})), c.now);
  c.store.put(make_ds(Json{{"disk", "ssd"}}), c.now);
  sync(c);
  EXPECT_EQ(pod_nodes(c), (std::set<std::string>{"plain", "notready", "cordoned", "soft"}));
  const Json& pod = *c.pods()[0];
  EXPECT_EQ(labels_of(pod)["controller-revision-hash"].get<std::string>().empty(), false);
  bool has_default = false;
  for (const auto& t : pod["spec"]["tolerations"])
    if (t["key"] == "node.kubernetes.io/unreachable" && t["effect"] == "NoExecute") has_default = true;
  EXPECT_TRUE(has_default);
  EXPECT_EQ(ds(c)["status"]["desiredNumberScheduled"], 4);
  sync(c);
  EXPECT_EQ(ds(c)["status"]["currentNumberScheduled"], 4);

  // A toleration in the template admits the tainted node.
  Json* d = c.store.get_mutable("DaemonSet", "default", "agent");
  (*d)["spec"]["template"]["spec"]["tolerations"] = Json::array({{{"key", "dedicated"}, {"operator", "Equal"}, {"value", "db"}, {"effect", "NoSchedule"}}});
  EXPECT_TRUE(node_should_run_daemon_pod(*c.store.get("Node", "", "tainted"), ds(c)));
}

TEST(DaemonSet, FollowsNodesJoiningAndLeaving) {
  Cluster c;
  c.store.put(node("a"), c.now);
  c.store.put(make_ds(), c.now);
  sync(c);
  EXPECT_EQ(pod_nodes(c), (std::set<std::string>{"a"}));
  c.store.put(node("b"), c.now);
  sync(c);
  EXPECT_EQ(pod_nodes(c), (std::set<std::string>{"a", "b"}));
  c.store.erase("Node", "", "a");
  sync(c);
  EXPECT_EQ(pod_nodes(c), (std::set<std::string>{"b"}));
}

TEST(DaemonSet, RequiredNodeAffinityIsHonoured) {
  Cluster c;
  c.store.put(node("x", {{"zone", "a"}}), c.now);
  c.store.put(node("y", {{"zone", "b"}}), c.now);
  Json d = make_ds();
  d["spec"]["template"]["spec"]["affinity"] = Json::parse(R"({"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":
      {"nodeSelectorTerms":[{"matchExpressions":[{"key":"zone","operator":"In","values":["b"]}]}]}}})");
  c.store.put(d, c.now);
  sync(c);
  EXPECT_EQ(pod_nodes(c), (std::set<std::string>{"y"}));
}

TEST(DaemonSet, RollingUpdateStaysWithinMaxUnavailable) {
  Cluster c;
  for (int i = 0; i < 4; ++i) c.store.put(node("n" + std::to_string(i)), c.now);
  c.store.put(make_ds(), c.now);
  sync(c);
  c.make_pods_ready();
  sync(c);
  Json* d = c.store.get_mutable("DaemonSet", "default", "agent");
  (*d)["spec"]["template"]["spec"]["containers"][0]["image"] = "agent:2";
  (*d)["metadata"]["generation"] = 2;
  for (int step = 0; step < 20; ++step) {
    auto r = reconcile_daemon_set(ds(c), c.ctx());
    ASSERT_LE(r.count(Verb::Delete, "Pod"), 1u);
    c.apply(r);
    std::size_t ready = c.ready_pods();
    EXPECT_GE(ready, 3u);  // at most one of four unavailable
    c.make_pods_ready();
  }
  sync(c);
  for (const Json* p : c.pods()) EXPECT_EQ(p->at("spec")["containers"][0]["image"], "agent:2");
  EXPECT_EQ(ds(c)["status"]["updatedNumberScheduled"], 4);
  EXPECT_EQ(c.store.size("ControllerRevision"), 2u);
}

}  // namespace
}  // namespace skiff::controllers
