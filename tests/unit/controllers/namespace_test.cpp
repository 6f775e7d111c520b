#include <gtest/gtest.h>

#include "controllers/namespace_controller.h"
#include "harness.h"

namespace skiff::controllers {
namespace {
using testing::Cluster;
using testing::make_pod;

TEST(Namespace, TerminatingNamespaceIsEmptiedThenFinalized) {
  Cluster c;
  c.store.put(Json{{"apiVersion", "v1"}, {"kind", "Namespace"},
                   {"metadata", {{"name", "team"}, {"deletionTimestamp", format_time(c.now)}}},
                   {"spec", {{"finalizers", Json::array({"kubernetes"})}}}}, c.now);
  Json p1 = make_pod("a", Json::object(), true);
  p1["metadata"]["namespace"] = "team";
  c.store.put(p1, c.now);
  Json p2 = make_pod("b", Json::object(), true);
  p2["metadata"]["namespace"] = "team";
  p2["metadata"]["finalizers"] = Json::array({"example.com/keep"});
  c.store.put(p2, c.now);
  c.store.put(make_pod("elsewhere", Json::object(), true), c.now);  // in default: untouched

  auto r = reconcile_namespace(*c.store.get("Namespace", "", "team"), c.ctx());
  EXPECT_EQ(r.count(Verb::Delete, "Pod"), 2u);
  EXPECT_EQ(r.count(Verb::Update), 0u);  // content remains: not finalized yet
  ASSERT_TRUE(r.requeue_after);
  c.apply(r);
  const Json& st = c.store.get("Namespace", "", "team")->at("status");
  EXPECT_EQ(st["phase"], "Terminating");
  const Json* remaining = find_condition(st, "NamespaceContentRemaining");
  ASSERT_TRUE(remaining);
  EXPECT_EQ((*remaining)["reason"], "SomeResourcesRemain");
  EXPECT_NE(str((*remaining)["message"]).find("pods has 2 resource instances"), std::string::npos);
  EXPECT_EQ((*find_condition(st, "NamespaceFinalizersRemaining"))["reason"], "SomeFinalizersRemain");

  // The finalizer owner finishes; the namespace empties and is finalized.
  Json* b = c.store.get_mutable("Pod", "team", "b");
  (*b)["metadata"].erase("finalizers");
  c.store.erase("Pod", "team", "b");
  r = reconcile_namespace(*c.store.get("Namespace", "", "team"), c.ctx());
  ASSERT_EQ(r.count(Verb::Update), 1u);
  for (const auto& a : r.actions)
    if (a.verb == Verb::Update) {
      EXPECT_EQ(a.subresource, "finalize");
      EXPECT_TRUE(a.object["spec"]["finalizers"].empty());
    }
  EXPECT_TRUE(c.store.get("Pod", "default", "elsewhere"));
  // A namespace not being deleted is left alone.
  Json live{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "live"}}}};
  EXPECT_TRUE(reconcile_namespace(live, c.ctx()).actions.empty());
}

}  // namespace
}  // namespace skiff::controllers
