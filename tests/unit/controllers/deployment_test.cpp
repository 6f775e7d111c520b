#include <gtest/gtest.h>

#include <functional>

#include "controllers/deployment_controller.h"
#include "controllers/pod_util.h"
#include "controllers/replicaset_controller.h"
#include "harness.h"

namespace skiff::controllers {
namespace {
using testing::Cluster;
using testing::make_deployment;

const Json& deploy(Cluster& c, const std::string& name = "web") { return *c.store.get("Deployment", "default", name); }

const Json* rs_with_revision(Cluster& c, const std::string& revision) {
  for (const Json* rs : c.replica_sets())
    if (annotation(*rs, kRevisionAnnotation) == revision) return rs;
  return nullptr;
}

// kubectl rollout status's completion test (rollout_status.go).
bool rollout_done(const Json& d) {
  const Json& st = d["status"];
  const Json* p = find_condition(st, "Progressing");
  if (p && str(field(*p, "reason")) == "ProgressDeadlineExceeded") return false;
  int64_t replicas = integer(path(d, {"spec", "replicas"}), 1);
  return integer(field(st, "observedGeneration"), 0) >= generation_of(d) &&
         integer(field(st, "updatedReplicas"), 0) >= replicas &&
         integer(field(st, "replicas"), 0) == integer(field(st, "updatedReplicas"), 0) &&
         integer(field(st, "availableReplicas"), 0) >= integer(field(st, "updatedReplicas"), 0);
}

// A user's spec edit: the API server bumps metadata.generation.
void edit_spec(Cluster& c, const std::function<void(Json&)>& edit, const std::string& name = "web") {
  Json* d = c.store.get_mutable("Deployment", "default", name);
  edit((*d)["spec"]);
  (*d)["metadata"]["generation"] = generation_of(*d) + 1;
}

void set_image(Cluster& c, const std::string& image, const std::string& name = "web") {
  Action patch = make_patch(deploy(c, name), kMergePatch,
                            Json{{"spec", {{"template", {{"spec", {{"containers", Json::array({{{"name", "main"}, {"image", image}}})}}}}}}}});
  ASSERT_TRUE(c.store.apply(patch, c.now));
}

// Rolls out until done, making at most `ready_per_step` pods ready between
// syncs, checking surge/unavailability bounds on the ReplicaSets at every step.
void roll_out(Cluster& c, int64_t max_total, int64_t min_available, std::size_t ready_per_step = 2) {
  for (int step = 0; step < 200; ++step) {
    c.settle(1);
    int64_t spec_total = 0, available = 0, pods = 0;
    for (const Json* rs : c.replica_sets()) {
      spec_total += integer(path(*rs, {"spec", "replicas"}), 0);
      available += integer(path(*rs, {"status", "availableReplicas"}), 0);
    }
    for (const Json* p : c.pods())
      if (pod_active(*p)) ++pods;
    ASSERT_LE(spec_total, max_total) << "step " << step;
    ASSERT_LE(pods, max_total) << "step " << step;
    ASSERT_GE(available, min_available) << "step " << step;
    if (rollout_done(deploy(c))) return;
    c.make_pods_ready(ready_per_step);
  }
  FAIL() << "rollout did not finish";
}

TEST(Deployment, CreatesReplicaSetNamedByTemplateHash) {
  Cluster c;
  c.store.put(make_deployment("web", 3, "nginx:1"), c.now);
  auto r = reconcile_deployment(deploy(c), c.ctx());
  ASSERT_EQ(r.count(Verb::Create, "ReplicaSet"), 1u);
  const Json* rs = nullptr;
  for (const auto& a : r.actions)
    if (a.verb == Verb::Create) rs = &a.object;
  std::string hash = compute_template_hash(deploy(c)["spec"]["template"], std::nullopt);
  EXPECT_EQ(name_of(*rs), "web-" + hash);
  EXPECT_EQ((*rs)["metadata"]["labels"]["pod-template-hash"], hash);
  EXPECT_EQ((*rs)["spec"]["template"]["metadata"]["labels"]["pod-template-hash"], hash);
  EXPECT_EQ((*rs)["spec"]["selector"]["matchLabels"]["pod-template-hash"], hash);
  EXPECT_EQ((*rs)["spec"]["replicas"], 3);
  EXPECT_EQ(annotation(*rs, kRevisionAnnotation), "1");
  EXPECT_EQ(annotation(*rs, kDesiredReplicasAnnotation), "3");
  EXPECT_EQ(annotation(*rs, kMaxReplicasAnnotation), "4");  // 3 + ceil(25% of 3)
  EXPECT_TRUE(controlled_by(*rs, deploy(c)));
  c.apply(r);
  EXPECT_EQ(annotation(deploy(c), kRevisionAnnotation), "1");
  const Json* prog = find_condition(deploy(c)["status"], "Progressing");
  ASSERT_TRUE(prog);
  EXPECT_EQ((*prog)["reason"], "NewReplicaSetCreated");
  EXPECT_EQ((*prog)["message"], "Created new replica set \"web-" + hash + "\"");
  EXPECT_EQ(c.events("ScalingReplicaSet"), (std::vector<std::string>{"Scaled up replica set web-" + hash + " from 0 to 3"}));
}

TEST(Deployment, InitialRolloutCompletesWithConditions) {
  Cluster c;
  c.store.put(make_deployment("web", 4, "nginx:1"), c.now);
  roll_out(c, 5, 0, 4);
  const Json& st = deploy(c)["status"];
  EXPECT_EQ(st["replicas"], 4);
  EXPECT_EQ(st["updatedReplicas"], 4);
  EXPECT_EQ(st["readyReplicas"], 4);
  EXPECT_EQ(st["availableReplicas"], 4);
  EXPECT_FALSE(st.contains("unavailableReplicas"));
  EXPECT_EQ(st["observedGeneration"], 1);
  EXPECT_EQ((*find_condition(st, "Available"))["reason"], "MinimumReplicasAvailable");
  EXPECT_EQ((*find_condition(st, "Progressing"))["reason"], "NewReplicaSetAvailable");
  // Converged: another sync of everything writes nothing.
  EXPECT_TRUE(reconcile_deployment(deploy(c), c.ctx()).actions.empty());
}

TEST(Deployment, RollingUpdateRespectsSurgeAndUnavailableAtEveryStep) {
  Cluster c;
  c.store.put(make_deployment("web", 10, "nginx:1"), c.now);
  roll_out(c, 13, 0, 10);
  set_image(c, "nginx:2");
  roll_out(c, 13, 8, 2);  // surge ceil(2.5)=3, unavailable floor(2.5)=2
  EXPECT_EQ(annotation(deploy(c), kRevisionAnnotation), "2");
  const Json* v1 = rs_with_revision(c, "1");
  const Json* v2 = rs_with_revision(c, "2");
  ASSERT_TRUE(v1 && v2);
  EXPECT_EQ((*v1)["spec"]["replicas"], 0);
  EXPECT_EQ((*v2)["spec"]["replicas"], 10);
  for (const Json* p : c.pods()) EXPECT_EQ(p->at("spec")["containers"][0]["image"], "nginx:2");
  EXPECT_FALSE(c.events("ScalingReplicaSet").empty());
}

TEST(Deployment, ExplicitSurgeAndUnavailableValues) {
  Cluster c;
  Json d = make_deployment("web", 6, "a");
  d["spec"]["strategy"] = {{"type", "RollingUpdate"}, {"rollingUpdate", {{"maxSurge", 0}, {"maxUnavailable", 1}}}};
  c.store.put(d, c.now);
  roll_out(c, 6, 0, 6);
  set_image(c, "b");
  roll_out(c, 6, 5, 1);
  EXPECT_EQ(resolve_fenceposts(deploy(c)).surge, 0);
  EXPECT_EQ(resolve_fenceposts(deploy(c)).unavailable, 1);
  Json zero = make_deployment("z", 6, "a");
  zero["spec"]["strategy"]["rollingUpdate"] = {{"maxSurge", "0%"}, {"maxUnavailable", "0%"}};
  EXPECT_EQ(resolve_fenceposts(zero).unavailable, 1);  // both zero: one unavailable allowed
}

TEST(Deployment, RollbackReusesOldReplicaSetWithNextRevision) {
  Cluster c;
  c.store.put(make_deployment("web", 3, "nginx:1"), c.now);
  roll_out(c, 4, 0, 3);
  std::string v1_name = name_of(*rs_with_revision(c, "1"));
  set_image(c, "nginx:2");
  roll_out(c, 4, 2, 3);
  // kubectl rollout undo: JSON patch of spec.template back to revision 1's
  // template minus pod-template-hash.
  Json tmpl = rs_with_revision(c, "1")->at("spec")["template"];
  tmpl["metadata"]["labels"].erase("pod-template-hash");
  edit_spec(c, [&](Json& spec) { spec["template"] = tmpl; });
  roll_out(c, 4, 2, 3);
  EXPECT_EQ(c.replica_sets().size(), 2u);  // no third ReplicaSet
  const Json* v3 = rs_with_revision(c, "3");
  ASSERT_TRUE(v3);
  EXPECT_EQ(name_of(*v3), v1_name);
  EXPECT_EQ(annotation(*v3, kRevisionHistoryAnnotation), "1");
  EXPECT_EQ((*v3)["spec"]["replicas"], 3);
  EXPECT_EQ(annotation(deploy(c), kRevisionAnnotation), "3");
  for (const Json* p : c.pods()) EXPECT_EQ(p->at("spec")["containers"][0]["image"], "nginx:1");
}

TEST(Deployment, ScalingMidRolloutIsProportional) {
  Cluster c;
  c.store.put(make_deployment("web", 10, "a"), c.now);
  roll_out(c, 13, 0, 10);
  set_image(c, "b");
  c.settle(1);  // new RS at 3 (surge), old scaled to 8, then new to 5
  ASSERT_EQ(rs_with_revision(c, "1")->at("spec")["replicas"], 8);
  ASSERT_EQ(rs_with_revision(c, "2")->at("spec")["replicas"], 5);
  edit_spec(c, [](Json& spec) { spec["replicas"] = 20; });
  c.sync_deployments();
  int64_t total = 0;
  for (const Json* rs : c.replica_sets()) total += integer(path(*rs, {"spec", "replicas"}), 0);
  EXPECT_EQ(total, 25);  // 20 + 25% surge
  // From 8 (old) + 5 (new), both annotated max-replicas 13, to 25: old gets
  // round(8*25/13)-8 = 7, new round(5*25/13)-5 = 5 (GetProportion).
  EXPECT_EQ(rs_with_revision(c, "1")->at("spec")["replicas"], 15);
  EXPECT_EQ(rs_with_revision(c, "2")->at("spec")["replicas"], 10);
  for (const Json* rs : c.replica_sets()) EXPECT_EQ(annotation(*rs, kDesiredReplicasAnnotation), "20");
  roll_out(c, 25, 8, 5);
}

TEST(Deployment, RecreateScalesOldToZeroBeforeCreatingNew) {
  Cluster c;
  Json d = make_deployment("web", 3, "a");
  d["spec"]["strategy"] = {{"type", "Recreate"}};
  c.store.put(d, c.now);
  roll_out(c, 3, 0, 3);
  set_image(c, "b");
  c.sync_deployments();
  EXPECT_EQ(c.replica_sets().size(), 1u);  // new one waits for old pods to go
  EXPECT_EQ(c.replica_sets()[0]->at("spec")["replicas"], 0);
  c.sync_replica_sets();  // deletes the old pods
  c.sync_replica_sets();  // status: 0 replicas
  c.sync_deployments();
  ASSERT_EQ(c.replica_sets().size(), 2u);
  EXPECT_EQ(rs_with_revision(c, "2")->at("spec")["replicas"], 3);
  roll_out(c, 3, 0, 3);
}

TEST(Deployment, ProgressDeadlineExceededWhenPodsNeverBecomeReady) {
  Cluster c;
  Json d = make_deployment("web", 2, "a");
  d["spec"]["progressDeadlineSeconds"] = 60;
  c.store.put(d, c.now);
  c.settle();
  auto r = reconcile_deployment(deploy(c), c.ctx());
  ASSERT_TRUE(r.requeue_after);
  EXPECT_LE(r.requeue_after->count(), 61);
  c.advance(std::chrono::seconds(62));
  c.settle();
  const Json* p = find_condition(deploy(c)["status"], "Progressing");
  ASSERT_TRUE(p);
  EXPECT_EQ((*p)["status"], "False");
  EXPECT_EQ((*p)["reason"], "ProgressDeadlineExceeded");
  EXPECT_NE(str((*p)["message"]).find("has timed out progressing"), std::string::npos);
  EXPECT_EQ((*find_condition(deploy(c)["status"], "Available"))["status"], "False");
  // Pods becoming ready afterwards complete the rollout.
  c.make_pods_ready();
  c.settle();
  EXPECT_EQ((*find_condition(deploy(c)["status"], "Progressing"))["reason"], "NewReplicaSetAvailable");
}

TEST(Deployment, PausedDeploymentDoesNotRollOutUntilResumed) {
  Cluster c;
  c.store.put(make_deployment("web", 2, "a"), c.now);
  roll_out(c, 3, 0, 2);
  edit_spec(c, [](Json& spec) { spec["paused"] = true; });
  c.settle();
  EXPECT_EQ((*find_condition(deploy(c)["status"], "Progressing"))["reason"], "DeploymentPaused");
  set_image(c, "b");
  c.settle();
  EXPECT_EQ(c.replica_sets().size(), 1u);
  edit_spec(c, [](Json& spec) { spec["paused"] = false; });
  c.sync_deployments();
  EXPECT_EQ(c.replica_sets().size(), 2u);
  roll_out(c, 3, 1, 2);
}

TEST(Deployment, RevisionHistoryLimitDeletesOldestScaledDownReplicaSets) {
  Cluster c;
  Json d = make_deployment("web", 1, "v1");
  d["spec"]["revisionHistoryLimit"] = 1;
  c.store.put(d, c.now);
  roll_out(c, 2, 0, 1);
  for (std::string image : {"v2", "v3", "v4"}) {
    set_image(c, image);
    roll_out(c, 2, 0, 1);
    c.settle();
  }
  EXPECT_EQ(c.replica_sets().size(), 2u);
  EXPECT_TRUE(rs_with_revision(c, "4"));
  EXPECT_TRUE(rs_with_revision(c, "3"));
}

TEST(Deployment, SelectorMismatchIsReportedOnceWithoutActions) {
  Cluster c;
  Json d = make_deployment("web", 2, "a");
  d["spec"]["selector"]["matchLabels"]["app"] = "nope";
  c.store.put(d, c.now);
  auto r = reconcile_deployment(deploy(c), c.ctx());
  EXPECT_EQ(r.count(Verb::Create), 0u);
  EXPECT_EQ(r.count(Verb::Event), 1u);
  c.apply(r);
  const Json* rf = find_condition(deploy(c)["status"], "ReplicaFailure");
  ASSERT_TRUE(rf);
  EXPECT_EQ((*rf)["reason"], "InvalidSelector");
  EXPECT_TRUE(reconcile_deployment(deploy(c), c.ctx()).actions.empty());

  Json all = make_deployment("all", 2, "a");
  all["spec"]["selector"] = Json::object();
  c.store.put(all, c.now);
  auto r2 = reconcile_deployment(deploy(c, "all"), c.ctx());
  EXPECT_EQ(c.events("SelectingAll").size(), 0u);
  c.apply(r2);
  EXPECT_EQ(c.events("SelectingAll").size(), 1u);
  EXPECT_TRUE(reconcile_deployment(deploy(c, "all"), c.ctx()).actions.empty());
}

TEST(Deployment, HashCollisionBumpsCollisionCount) {
  Cluster c;
  Json d = make_deployment("web", 1, "a");
  c.store.put(d, c.now);
  std::string hash = compute_template_hash(deploy(c)["spec"]["template"], std::nullopt);
  Json squatter{{"apiVersion", "apps/v1"},
                {"kind", "ReplicaSet"},
                {"metadata", {{"name", "web-" + hash}, {"namespace", "default"}}},
                {"spec",
                 {{"replicas", 0},
                  {"selector", {{"matchLabels", {{"app", "other"}}}}},
                  {"template", {{"metadata", {{"labels", {{"app", "other"}}}}}}}}}};
  c.store.put(squatter, c.now);
  c.settle();
  EXPECT_EQ(deploy(c)["status"]["collisionCount"], 1);
  std::string hash1 = compute_template_hash(deploy(c)["spec"]["template"], 1);
  EXPECT_TRUE(c.store.get("ReplicaSet", "default", "web-" + hash1));
}

TEST(Deployment, AdoptsMatchingOrphanReplicaSet) {
  Cluster c;
  c.store.put(make_deployment("web", 2, "a"), c.now);
  roll_out(c, 3, 0, 2);
  // Orphan the ReplicaSet (as `kubectl delete --cascade=orphan` would), then
  // the Deployment comes back: it adopts instead of creating a new one.
  Json* rs = c.store.get_mutable("ReplicaSet", "default", name_of(*c.replica_sets()[0]));
  (*rs)["metadata"].erase("ownerReferences");
  auto r = reconcile_deployment(deploy(c), c.ctx());
  EXPECT_EQ(r.count(Verb::Patch, "ReplicaSet"), 1u);
  EXPECT_EQ(r.count(Verb::Create, "ReplicaSet"), 0u);
  c.apply(r);
  EXPECT_TRUE(controlled_by(*c.replica_sets()[0], deploy(c)));
}

}  // namespace
}  // namespace skiff::controllers
