#include <gtest/gtest.h>

#include "controllers/replicaset_controller.h"
#include "harness.h"

namespace skiff::controllers {
namespace {
using testing::Cluster;
using testing::make_pod;

Json make_rs(const std::string& name, int replicas, int min_ready = 0) {
  return Json{{"apiVersion", "apps/v1"},
              {"kind", "ReplicaSet"},
              {"metadata", {{"name", name}, {"namespace", "default"}, {"generation", 1}}},
              {"spec",
               {{"replicas", replicas},
                {"minReadySeconds", min_ready},
                {"selector", {{"matchLabels", {{"app", "web"}}}}},
                {"template",
                 {{"metadata", {{"labels", {{"app", "web"}, {"tier", "fe"}}}}},
                  {"spec", {{"containers", Json::array({{{"name", "c"}, {"image", "nginx"}}})}}}}}}}};
}

TEST(ReplicaSet, CreatesPodsInSlowStartBatchesWithOwnerReferences) {
  Cluster c;
  const Json& rs = c.store.put(make_rs("web", 10), c.now);
  auto r = reconcile_replica_set(rs, c.ctx());
  ASSERT_EQ(r.count(Verb::Create, "Pod"), 10u);
  std::vector<int> batch_sizes(4, 0);
  for (const auto& a : r.actions) {
    if (a.verb != Verb::Create) continue;
    ASSERT_LT(a.batch, 4);
    ++batch_sizes[static_cast<std::size_t>(a.batch)];
    const Json& pod = a.object;
    std::string name = name_of(pod);
    ASSERT_EQ(name.size(), std::string("web-").size() + 5);
    EXPECT_EQ(name.substr(0, 4), "web-");
    EXPECT_EQ(str(path(pod, {"metadata", "generateName"})), "web-");
    for (char ch : name.substr(4)) EXPECT_NE(kSafeAlphabet.find(ch), std::string_view::npos);
    const Json& ref = pod["metadata"]["ownerReferences"][0];
    EXPECT_EQ(ref["kind"], "ReplicaSet");
    EXPECT_EQ(ref["uid"], uid_of(rs));
    EXPECT_EQ(ref["controller"], true);
    EXPECT_EQ(ref["blockOwnerDeletion"], true);
    EXPECT_EQ(pod["metadata"]["labels"]["tier"], "fe");
    EXPECT_EQ(pod["spec"]["containers"][0]["image"], "nginx");
  }
  EXPECT_EQ(batch_sizes, (std::vector<int>{1, 2, 4, 3}));
  EXPECT_EQ(r.count(Verb::Event), 10u);
  c.apply(r);
  EXPECT_EQ(c.pods().size(), 10u);
  // Converged: nothing more to create; status reports the pods.
  auto again = reconcile_replica_set(*c.store.get("ReplicaSet", "default", "web"), c.ctx());
  EXPECT_EQ(again.count(Verb::Create), 0u);
  ASSERT_EQ(again.count(Verb::UpdateStatus), 1u);
  c.apply(again);
  const Json& st = c.store.get("ReplicaSet", "default", "web")->at("status");
  EXPECT_EQ(st["replicas"], 10);
  EXPECT_EQ(st["fullyLabeledReplicas"], 10);
  EXPECT_EQ(st["readyReplicas"], 0);
  EXPECT_EQ(st["observedGeneration"], 1);
  EXPECT_TRUE(reconcile_replica_set(*c.store.get("ReplicaSet", "default", "web"), c.ctx()).actions.empty());
}

TEST(ReplicaSet, BurstLimitsCreationsPerSync) {
  Cluster c;
  const Json& rs = c.store.put(make_rs("big", 1200), c.now);
  auto r = reconcile_replica_set(rs, c.ctx(), ReplicaSetOptions{.burst_replicas = 500});
  EXPECT_EQ(r.count(Verb::Create, "Pod"), 500u);
}

TEST(ReplicaSet, AdoptsMatchingOrphansAndReleasesNonMatching) {
  Cluster c;
  const Json& rs = c.store.put(make_rs("web", 2), c.now);
  std::string rs_uid = uid_of(rs);
  c.store.put(make_pod("orphan", Json{{"app", "web"}}, true), c.now);
  Json owned = make_pod("relabelled", Json{{"app", "other"}}, true);
  owned["metadata"]["ownerReferences"] =
      Json::array({{{"apiVersion", "apps/v1"}, {"kind", "ReplicaSet"}, {"name", "web"}, {"uid", rs_uid}, {"controller", true}}});
  c.store.put(owned, c.now);
  Json foreign = make_pod("foreign", Json{{"app", "web"}}, true);
  foreign["metadata"]["ownerReferences"] =
      Json::array({{{"apiVersion", "apps/v1"}, {"kind", "ReplicaSet"}, {"name", "x"}, {"uid", "other"}, {"controller", true}}});
  c.store.put(foreign, c.now);

  auto r = reconcile_replica_set(*c.store.get("ReplicaSet", "default", "web"), c.ctx());
  ASSERT_EQ(r.count(Verb::Patch, "Pod"), 2u);
  EXPECT_EQ(r.count(Verb::Create, "Pod"), 1u);  // orphan adopted + 1 new = 2
  c.apply(r);
  const Json* orphan = c.store.get("Pod", "default", "orphan");
  ASSERT_TRUE(controller_ref(*orphan));
  EXPECT_EQ(str(field(*controller_ref(*orphan), "uid")), rs_uid);
  EXPECT_FALSE(controller_ref(*c.store.get("Pod", "default", "relabelled")));
  EXPECT_EQ(str(field(*controller_ref(*c.store.get("Pod", "default", "foreign")), "uid")), "other");
}

TEST(ReplicaSet, DeletesInKubernetesPreferenceOrder) {
  Cluster c;
  const Json& rs = c.store.put(make_rs("web", 0), c.now);
  Json ref = Json::array({{{"apiVersion", "apps/v1"}, {"kind", "ReplicaSet"}, {"name", "web"}, {"uid", uid_of(rs)},
                           {"controller", true}}});
  auto add = [&](const std::string& name, Json pod, int age_seconds) {
    pod["metadata"]["ownerReferences"] = ref;
    pod["metadata"]["creationTimestamp"] = format_time(c.now - std::chrono::seconds(age_seconds));
    pod["metadata"]["name"] = name;
    c.store.put(pod, c.now);
  };
  Json ready_old = make_pod("", Json{{"app", "web"}}, true);
  add("ready-old", ready_old, 100000);
  Json ready_restarts = make_pod("", Json{{"app", "web"}}, true);
  ready_restarts["status"]["containerStatuses"] = Json::array({{{"name", "c"}, {"restartCount", 5}}});
  add("ready-restarting", ready_restarts, 100000);
  Json running_not_ready = make_pod("", Json{{"app", "web"}}, false);
  running_not_ready["status"]["phase"] = "Running";
  add("running-not-ready", running_not_ready, 50);
  add("pending", make_pod("", Json{{"app", "web"}}, false), 50);
  add("unassigned", make_pod("", Json{{"app", "web"}}, false, ""), 50);
  Json unknown = make_pod("", Json{{"app", "web"}}, false);
  unknown["status"]["phase"] = "Unknown";
  add("unknown", unknown, 50);

  std::vector<std::string> order;
  for (int keep = 5; keep >= 0; --keep) {
    Json cur = *c.store.get("ReplicaSet", "default", "web");
    cur["spec"]["replicas"] = keep;
    c.store.put(cur, c.now);
    auto r = reconcile_replica_set(*c.store.get("ReplicaSet", "default", "web"), c.ctx());
    ASSERT_EQ(r.count(Verb::Delete, "Pod"), 1u) << keep;
    for (const auto& a : r.actions)
      if (a.verb == Verb::Delete) order.push_back(a.name);
    c.apply(r);
  }
  EXPECT_EQ(order, (std::vector<std::string>{"unassigned", "pending", "unknown", "running-not-ready",
                                             "ready-restarting", "ready-old"}));
}

TEST(ReplicaSet, NewerReadyPodsGoBeforeOlderOnes) {
  Cluster c;
  const Json& rs = c.store.put(make_rs("web", 1), c.now);
  Json ref = Json::array({{{"apiVersion", "apps/v1"}, {"kind", "ReplicaSet"}, {"name", "web"}, {"uid", uid_of(rs)},
                           {"controller", true}}});
  for (auto [name, ready_age] : {std::pair{"young", 10}, std::pair{"old", 100000}}) {
    Json p = make_pod(name, Json{{"app", "web"}}, true);
    p["metadata"]["ownerReferences"] = ref;
    p["status"]["conditions"][0]["lastTransitionTime"] = format_time(c.now - std::chrono::seconds(ready_age));
    c.store.put(p, c.now - std::chrono::seconds(ready_age));
  }
  auto r = reconcile_replica_set(*c.store.get("ReplicaSet", "default", "web"), c.ctx());
  ASSERT_EQ(r.count(Verb::Delete), 1u);
  for (const auto& a : r.actions) {
    if (a.verb == Verb::Delete) {
      EXPECT_EQ(a.name, "young");
    }
  }
}

TEST(ReplicaSet, AvailabilityWaitsForMinReadySecondsAndRequeues) {
  Cluster c;
  const Json& rs = c.store.put(make_rs("web", 2, 30), c.now);
  c.apply(reconcile_replica_set(rs, c.ctx()));
  c.make_pods_ready();
  auto r = reconcile_replica_set(*c.store.get("ReplicaSet", "default", "web"), c.ctx());
  ASSERT_TRUE(r.requeue_after);
  EXPECT_EQ(r.requeue_after->count(), 30);
  c.apply(r);
  EXPECT_EQ(c.store.get("ReplicaSet", "default", "web")->at("status")["readyReplicas"], 2);
  EXPECT_EQ(c.store.get("ReplicaSet", "default", "web")->at("status")["availableReplicas"], 0);
  c.advance(std::chrono::seconds(31));
  c.apply(reconcile_replica_set(*c.store.get("ReplicaSet", "default", "web"), c.ctx()));
  EXPECT_EQ(c.store.get("ReplicaSet", "default", "web")->at("status")["availableReplicas"], 2);
}

TEST(ReplicaSet, SelectorNotMatchingTemplateIsReportedOnceAndCreatesNothing) {
  Cluster c;
  Json bad = make_rs("bad", 3);
  bad["spec"]["selector"]["matchLabels"]["app"] = "other";
  c.store.put(bad, c.now);
  auto r = reconcile_replica_set(*c.store.get("ReplicaSet", "default", "bad"), c.ctx());
  EXPECT_EQ(r.count(Verb::Create), 0u);
  ASSERT_EQ(r.count(Verb::Event), 1u);
  c.apply(r);
  const Json* cond = find_condition(c.store.get("ReplicaSet", "default", "bad")->at("status"), "ReplicaFailure");
  ASSERT_TRUE(cond);
  EXPECT_EQ((*cond)["reason"], "InvalidSelector");
  EXPECT_NE(str((*cond)["message"]).find("does not match"), std::string::npos);
  // No storm: the next sync does nothing at all.
  EXPECT_TRUE(reconcile_replica_set(*c.store.get("ReplicaSet", "default", "bad"), c.ctx()).actions.empty());
}

}  // namespace
}  // namespace skiff::controllers
