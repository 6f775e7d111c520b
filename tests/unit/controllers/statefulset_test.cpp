#include <gtest/gtest.h>

#include <functional>

#include "controllers/controller_revision.h"
#include "controllers/pod_util.h"
#include "controllers/statefulset_controller.h"
#include "harness.h"

namespace skiff::controllers {
namespace {
using testing::Cluster;

Json make_set(int replicas, const std::string& policy = "OrderedReady") {
  return Json{{"apiVersion", "apps/v1"},
              {"kind", "StatefulSet"},
              {"metadata", {{"name", "db"}, {"namespace", "default"}, {"generation", 1}}},
              {"spec",
               {{"replicas", replicas},
                {"serviceName", "db"},
                {"podManagementPolicy", policy},
                {"selector", {{"matchLabels", {{"app", "db"}}}}},
                {"template",
                 {{"metadata", {{"labels", {{"app", "db"}}}}},
                  {"spec", {{"containers", Json::array({{{"name", "c"}, {"image", "pg:1"}}})}}}}},
                {"volumeClaimTemplates",
                 Json::array({{{"metadata", {{"name", "data"}}},
                               {"spec", {{"accessModes", Json::array({"ReadWriteOnce"})},
                                         {"resources", {{"requests", {{"storage", "1Gi"}}}}}}}}})}}}};
}

const Json& sts(Cluster& c) { return *c.store.get("StatefulSet", "default", "db"); }
void sync(Cluster& c) { c.apply(reconcile_stateful_set(sts(c), c.ctx())); }
std::vector<std::string> pod_names(Cluster& c) {
  std::vector<std::string> n;
  for (const Json* p : c.pods()) n.push_back(name_of(*p));
  return n;
}
void edit(Cluster& c, const std::function<void(Json&)>& f) {
  Json* s = c.store.get_mutable("StatefulSet", "default", "db");
  f((*s)["spec"]);
  (*s)["metadata"]["generation"] = generation_of(*s) + 1;
}

TEST(StatefulSet, OrderedReadyCreatesOneAtATimeWithClaims) {
  Cluster c;
  c.store.put(make_set(3), c.now);
  sync(c);
  EXPECT_EQ(pod_names(c), (std::vector<std::string>{"db-0"}));
  const Json& pod = *c.store.get("Pod", "default", "db-0");
  EXPECT_EQ(pod["spec"]["hostname"], "db-0");
  EXPECT_EQ(pod["spec"]["subdomain"], "db");
  EXPECT_EQ(labels_of(pod)["statefulset.kubernetes.io/pod-name"], "db-0");
  EXPECT_EQ(labels_of(pod)["apps.kubernetes.io/pod-index"], "0");
  EXPECT_EQ(pod["spec"]["volumes"][0]["persistentVolumeClaim"]["claimName"], "data-db-0");
  ASSERT_TRUE(c.store.get("PersistentVolumeClaim", "default", "data-db-0"));
  EXPECT_EQ(c.store.get("PersistentVolumeClaim", "default", "data-db-0")->at("spec")["resources"]["requests"]["storage"], "1Gi");
  sync(c);  // db-0 not ready: wait
  EXPECT_EQ(pod_names(c).size(), 1u);
  c.make_pods_ready();
  sync(c);
  EXPECT_EQ(pod_names(c), (std::vector<std::string>{"db-0", "db-1"}));
  c.make_pods_ready();
  sync(c);
  c.make_pods_ready();
  sync(c);
  EXPECT_EQ(pod_names(c), (std::vector<std::string>{"db-0", "db-1", "db-2"}));
  EXPECT_EQ(sts(c)["status"]["readyReplicas"], 3);
  EXPECT_EQ(sts(c)["status"]["currentRevision"], sts(c)["status"]["updateRevision"]);
  EXPECT_EQ(c.store.size("PersistentVolumeClaim"), 3u);

  // Scale down: highest ordinal first, one at a time; claims are kept.
  edit(c, [](Json& s) { s["replicas"] = 1; });
  sync(c);
  EXPECT_EQ(pod_names(c), (std::vector<std::string>{"db-0", "db-1"}));
  sync(c);
  EXPECT_EQ(pod_names(c), (std::vector<std::string>{"db-0"}));
  EXPECT_EQ(c.store.size("PersistentVolumeClaim"), 3u);
}

TEST(StatefulSet, ParallelCreatesAllAtOnce) {
  Cluster c;
  c.store.put(make_set(4, "Parallel"), c.now);
  sync(c);
  EXPECT_EQ(pod_names(c).size(), 4u);
}

TEST(StatefulSet, RollingUpdateHonoursPartitionThenCompletes) {
  Cluster c;
  c.store.put(make_set(3, "Parallel"), c.now);
  sync(c);
  c.make_pods_ready();
  sync(c);
  std::string rev1 = str(sts(c)["status"]["currentRevision"]);
  ASSERT_EQ(c.store.size("ControllerRevision"), 1u);
  const Json* cr1 = c.store.get("ControllerRevision", "default", rev1);
  ASSERT_TRUE(cr1);
  EXPECT_EQ((*cr1)["revision"], 1);
  EXPECT_EQ((*cr1)["data"]["spec"]["template"]["$patch"], "replace");
  EXPECT_EQ(rev1.substr(0, 3), "db-");

  edit(c, [](Json& s) {
    s["template"]["spec"]["containers"][0]["image"] = "pg:2";
    s["updateStrategy"] = {{"type", "RollingUpdate"}, {"rollingUpdate", {{"partition", 1}}}};
  });
  std::vector<std::string> order;
  for (int i = 0; i < 10; ++i) {
    auto r = reconcile_stateful_set(sts(c), c.ctx());
    for (const auto& a : r.actions)
      if (a.verb == Verb::Delete && a.kind == "Pod") order.push_back(a.name);
    c.apply(r);
    c.make_pods_ready();
  }
  EXPECT_EQ(order, (std::vector<std::string>{"db-2", "db-1"}));
  std::string rev2 = str(sts(c)["status"]["updateRevision"]);
  EXPECT_NE(rev1, rev2);
  EXPECT_EQ(sts(c)["status"]["currentRevision"], rev1);  // db-0 still runs revision 1
  EXPECT_EQ(c.store.get("Pod", "default", "db-0")->at("spec")["containers"][0]["image"], "pg:1");
  EXPECT_EQ(c.store.get("Pod", "default", "db-2")->at("spec")["containers"][0]["image"], "pg:2");
  EXPECT_EQ(sts(c)["status"]["updatedReplicas"], 2);

  edit(c, [](Json& s) { s["updateStrategy"]["rollingUpdate"]["partition"] = 0; });
  for (int i = 0; i < 4; ++i) {
    sync(c);
    c.make_pods_ready();
  }
  EXPECT_EQ(sts(c)["status"]["currentRevision"], rev2);
  EXPECT_EQ(c.store.get("Pod", "default", "db-0")->at("spec")["containers"][0]["image"], "pg:2");

  // Rolling back to the first template reuses its revision with number 3.
  edit(c, [](Json& s) { s["template"]["spec"]["containers"][0]["image"] = "pg:1"; });
  sync(c);
  EXPECT_EQ(sts(c)["status"]["updateRevision"], rev1);
  EXPECT_EQ(c.store.get("ControllerRevision", "default", rev1)->at("revision"), 3);
}

TEST(StatefulSet, OnDeleteOnlyReplacesPodsTheUserDeletes) {
  Cluster c;
  Json s = make_set(2, "Parallel");
  s["spec"]["updateStrategy"] = {{"type", "OnDelete"}};
  c.store.put(s, c.now);
  sync(c);
  c.make_pods_ready();
  sync(c);
  edit(c, [](Json& spec) { spec["template"]["spec"]["containers"][0]["image"] = "pg:2"; });
  sync(c);
  sync(c);
  EXPECT_EQ(c.store.get("Pod", "default", "db-1")->at("spec")["containers"][0]["image"], "pg:1");
  c.store.erase("Pod", "default", "db-1");
  sync(c);
  EXPECT_EQ(c.store.get("Pod", "default", "db-1")->at("spec")["containers"][0]["image"], "pg:2");
  EXPECT_EQ(c.store.get("Pod", "default", "db-0")->at("spec")["containers"][0]["image"], "pg:1");
}

}  // namespace
}  // namespace skiff::controllers
