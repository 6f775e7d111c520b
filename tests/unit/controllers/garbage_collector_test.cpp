#include <gtest/gtest.h>

#include "controllers/garbage_collector.h"
#include "harness.h"

namespace skiff::controllers {
namespace {
using testing::Cluster;

Json obj(const std::string& kind, const std::string& name, Json owners = Json::array()) {
  Json o{{"apiVersion", kind == "Pod" ? "v1" : "apps/v1"},
         {"kind", kind},
         {"metadata", {{"name", name}, {"namespace", "default"}}}};
  if (!owners.empty()) o["metadata"]["ownerReferences"] = owners;
  return o;
}

Json owner_ref(const Json& owner, bool block = true) {
  return Json{{"apiVersion", owner["apiVersion"]}, {"kind", owner["kind"]}, {"name", name_of(owner)},
              {"uid", uid_of(owner)}, {"controller", true}, {"blockOwnerDeletion", block}};
}

// Runs the collector over every object until nothing changes.
void collect_all(Cluster& c) {
  for (int round = 0; round < 20; ++round) {
    std::vector<Json> all;
    for (const auto& k : default_gc_kinds())
      for (const Json* o : c.store.list(k, "")) all.push_back(*o);
    bool any = false;
    for (const auto& o : all) {
      auto r = collect_garbage(o, c.ctx());
      for (const auto& a : r.actions)
        if (a.verb != Verb::Event) any = true;
      for (const auto& a : r.actions) {
        // The API server: Foreground/Orphan deletion adds the finalizer.
        if (a.verb == Verb::Delete && a.object.value("propagationPolicy", "") == "Foreground") {
          Json* t = c.store.get_mutable(a.kind, a.ns, a.name);
          if (t && !being_deleted(*t)) {
            (*t)["metadata"]["finalizers"].push_back("foregroundDeletion");
          }
        }
        (void)c.store.apply(a, c.now);
      }
    }
    if (!any) return;
  }
}

void delete_with(Cluster& c, const std::string& kind, const std::string& name, const char* finalizer) {
  Json* o = c.store.get_mutable(kind, "default", name);
  if (finalizer) (*o)["metadata"]["finalizers"] = Json::array({finalizer});
  Action del;
  del.verb = Verb::Delete;
  del.kind = kind;
  del.ns = "default";
  del.name = name;
  ASSERT_TRUE(c.store.apply(del, c.now));
}

struct Tree {
  Json deploy, rs, pod;
};
Tree build(Cluster& c) {
  Tree t;
  t.deploy = c.store.put(obj("Deployment", "web"), c.now);
  t.rs = c.store.put(obj("ReplicaSet", "web-1", Json::array({owner_ref(t.deploy)})), c.now);
  t.pod = c.store.put(obj("Pod", "web-1-a", Json::array({owner_ref(t.rs)})), c.now);
  return t;
}

TEST(GarbageCollector, BackgroundDeletionRemovesDependentsAfterTheOwner) {
  Cluster c;
  build(c);
  delete_with(c, "Deployment", "web", nullptr);
  collect_all(c);
  EXPECT_EQ(c.store.size("ReplicaSet"), 0u);
  EXPECT_EQ(c.store.size("Pod"), 0u);
}

TEST(GarbageCollector, ForegroundDeletionWaitsForDependents) {
  Cluster c;
  build(c);
  delete_with(c, "Deployment", "web", "foregroundDeletion");
  // First pass: the owner stays while its dependents go.
  auto r = collect_garbage(*c.store.get("Deployment", "default", "web"), c.ctx());
  EXPECT_EQ(r.count(Verb::Delete, "ReplicaSet"), 1u);
  EXPECT_EQ(r.count(Verb::Patch), 0u);
  collect_all(c);
  EXPECT_EQ(c.store.size("Deployment"), 0u);
  EXPECT_EQ(c.store.size("ReplicaSet"), 0u);
  EXPECT_EQ(c.store.size("Pod"), 0u);
}

TEST(GarbageCollector, OrphanDeletionKeepsDependentsWithoutTheReference) {
  Cluster c;
  build(c);
  delete_with(c, "Deployment", "web", "orphan");
  collect_all(c);
  EXPECT_EQ(c.store.size("Deployment"), 0u);
  ASSERT_EQ(c.store.size("ReplicaSet"), 1u);
  EXPECT_FALSE(c.store.get("ReplicaSet", "default", "web-1")->at("metadata").contains("ownerReferences"));
  EXPECT_EQ(c.store.size("Pod"), 1u);
}

TEST(GarbageCollector, DanglingReferenceNextToALiveOwnerIsRemoved) {
  Cluster c;
  Json a = c.store.put(obj("ConfigMap", "a"), c.now);
  Json gone = obj("ConfigMap", "gone");
  gone["metadata"]["uid"] = "uid-gone";
  Json r1 = owner_ref(a, false), r2 = owner_ref(gone, false);
  r1["controller"] = false;
  r2["controller"] = false;
  c.store.put(obj("Secret", "s", Json::array({r1, r2})), c.now);
  auto r = collect_garbage(*c.store.get("Secret", "default", "s"), c.ctx());
  ASSERT_EQ(r.count(Verb::Patch), 1u);
  c.apply(r);
  ASSERT_EQ(c.store.get("Secret", "default", "s")->at("metadata")["ownerReferences"].size(), 1u);
  EXPECT_TRUE(collect_garbage(*c.store.get("Secret", "default", "s"), c.ctx()).actions.empty());
}

TEST(GarbageCollector, CyclesAreReportedOnceAndForegroundDeletionCompletes) {
  Cluster c;
  Json a = c.store.put(obj("ConfigMap", "a"), c.now);
  Json b = c.store.put(obj("ConfigMap", "b", Json::array({owner_ref(a)})), c.now);
  Json* am = c.store.get_mutable("ConfigMap", "default", "a");
  (*am)["metadata"]["ownerReferences"] = Json::array({owner_ref(b)});
  auto cycle = find_owner_cycle(*c.store.get("ConfigMap", "default", "a"), c.store);
  EXPECT_EQ(cycle, (std::vector<std::string>{"ConfigMap/a", "ConfigMap/b"}));
  auto r = collect_garbage(*c.store.get("ConfigMap", "default", "a"), c.ctx());
  ASSERT_EQ(r.count(Verb::Event), 1u);
  EXPECT_EQ(r.actions[0].object["reason"], "OwnerReferenceCycle");
  EXPECT_EQ(r.count(Verb::Delete), 0u);  // both owners exist: nothing to collect
  c.apply(r);
  EXPECT_TRUE(collect_garbage(*c.store.get("ConfigMap", "default", "a"), c.ctx()).actions.empty());  // reported once
  delete_with(c, "ConfigMap", "a", "foregroundDeletion");
  collect_all(c);
  EXPECT_EQ(c.store.size("ConfigMap"), 0u);
}

TEST(GarbageCollector, ConflictingControllersAreReported) {
  Cluster c;
  Json a = c.store.put(obj("ReplicaSet", "a"), c.now);
  Json b = c.store.put(obj("ReplicaSet", "b"), c.now);
  c.store.put(obj("Pod", "p", Json::array({owner_ref(a), owner_ref(b)})), c.now);
  auto r = collect_garbage(*c.store.get("Pod", "default", "p"), c.ctx());
  ASSERT_EQ(r.count(Verb::Event), 1u);
  EXPECT_EQ(r.actions[0].object["reason"], "ConflictingControllers");
  EXPECT_EQ(r.count(Verb::Delete), 0u);
}

}  // namespace
}  // namespace skiff::controllers
