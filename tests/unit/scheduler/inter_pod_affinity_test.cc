#include <gtest/gtest.h>

#include "builders.h"
#include "scheduler/plugins.h"
#include "scheduler/scheduling_algorithm.h"

namespace skiff::scheduler {
namespace {
using testing::json;
using testing::NodeBuilder;
using testing::PodBuilder;

json term(const char* kind, const char* req_or_pref, const std::string& app, const std::string& key,
          const std::string& extra = "") {
  std::string t = R"({"labelSelector":{"matchLabels":{"app":")" + app + R"("}},"topologyKey":")" + key + "\"" +
                  (extra.empty() ? "" : "," + extra) + "}";
  std::string list = std::string(req_or_pref) == "required"
                         ? "[" + t + "]"
                         : R"([{"weight":10,"podAffinityTerm":)" + t + "}]";
  std::string field = std::string(req_or_pref) == "required" ? "requiredDuringSchedulingIgnoredDuringExecution"
                                                             : "preferredDuringSchedulingIgnoredDuringExecution";
  return json::parse(std::string(R"({"affinity":{")") + kind + R"(":{")" + field + "\":" + list + "}}}");
}

struct Cluster {
  ClusterSnapshot snap;
  Cluster() {
    snap.upsert_node(NodeBuilder("n1").label("zone", "a").view());
    snap.upsert_node(NodeBuilder("n2").label("zone", "a").view());
    snap.upsert_node(NodeBuilder("n3").label("zone", "b").view());
    snap.upsert_node(NodeBuilder("n4").view());  // no zone label
  }
  // "+" fits, "R" unresolvable, "U" unschedulable, per node n1..n4; reasons collected.
  std::string filter(const PodView& pod, std::vector<std::string>* reasons = nullptr) {
    CycleState state;
    state.pod = &pod;
    SchedulingAlgorithm::prefilter(state, snap);
    std::string out;
    for (const char* n : {"n1", "n2", "n3", "n4"}) {
      FilterStatus s = filter_inter_pod_affinity(state, snap.node(snap.find_node(n)));
      out += s.ok() ? '+' : s.code == FilterStatus::Code::Unschedulable ? 'U' : 'R';
      if (!s.ok() && reasons) reasons->emplace_back(s.reasons[0]);
    }
    return out;
  }
};

TEST(InterPodAffinity, RequiredAffinityFollowsMatchingPodsDomain) {
  Cluster c;
  testing::add_bound(c.snap, PodBuilder("db").label("app", "db"), "n1");
  std::vector<std::string> reasons;
  EXPECT_EQ(c.filter(PodBuilder("p").spec(term("podAffinity", "required", "db", "zone")).view(), &reasons), "++RR");
  EXPECT_EQ(reasons[0], "node(s) didn't match pod affinity rules");
  EXPECT_EQ(c.filter(PodBuilder("p").spec(term("podAffinity", "required", "db", "kubernetes.io/hostname")).view()),
            "+RRR");
}

TEST(InterPodAffinity, NoMatchingPodsAnywhere) {
  Cluster c;
  EXPECT_EQ(c.filter(PodBuilder("p").spec(term("podAffinity", "required", "db", "zone")).view()), "RRRR");
  // The first pod of a group with affinity to itself goes where the topology key exists.
  EXPECT_EQ(c.filter(PodBuilder("p").label("app", "db").spec(term("podAffinity", "required", "db", "zone")).view()),
            "+++R");
}

TEST(InterPodAffinity, RequiredAntiAffinity) {
  Cluster c;
  testing::add_bound(c.snap, PodBuilder("web").label("app", "web"), "n1");
  std::vector<std::string> reasons;
  EXPECT_EQ(c.filter(PodBuilder("p").spec(term("podAntiAffinity", "required", "web", "kubernetes.io/hostname")).view(),
                     &reasons),
            "U+++");
  EXPECT_EQ(reasons[0], "node(s) didn't match pod anti-affinity rules");
  // Zone anti-affinity: nodes without the zone label are not in any domain and fit.
  EXPECT_EQ(c.filter(PodBuilder("p").spec(term("podAntiAffinity", "required", "web", "zone")).view()), "UU++");
}

TEST(InterPodAffinity, ExistingPodsAntiAffinityProtectsThem) {
  Cluster c;
  testing::add_bound(c.snap, PodBuilder("lonely").spec(term("podAntiAffinity", "required", "web", "zone")), "n1");
  std::vector<std::string> reasons;
  EXPECT_EQ(c.filter(PodBuilder("p").label("app", "web").view(), &reasons), "UU++");
  EXPECT_EQ(reasons[0], "node(s) didn't satisfy existing pods anti-affinity rules");
  EXPECT_EQ(c.filter(PodBuilder("p").label("app", "other").view()), "++++");
  // Only pods in the existing pod's namespace are repelled by default.
  EXPECT_EQ(c.filter(PodBuilder("p", "elsewhere").label("app", "web").view()), "++++");
  ASSERT_TRUE(c.snap.remove_pod("default/lonely"));
  EXPECT_EQ(c.filter(PodBuilder("p").label("app", "web").view()), "++++");
}

TEST(InterPodAffinity, NamespacesAndNamespaceSelector) {
  Cluster c;
  c.snap.set_namespace_labels("data", {{"tier", "storage"}});
  testing::add_bound(c.snap, PodBuilder("db", "data").label("app", "db"), "n3");
  EXPECT_EQ(c.filter(PodBuilder("p").spec(term("podAffinity", "required", "db", "zone")).view()), "RRRR");
  EXPECT_EQ(c.filter(PodBuilder("p").spec(term("podAffinity", "required", "db", "zone", R"("namespaces":["data"])")).view()),
            "RR+R");
  EXPECT_EQ(c.filter(PodBuilder("p").spec(term("podAffinity", "required", "db", "zone", R"("namespaceSelector":{})")).view()),
            "RR+R");
  EXPECT_EQ(c.filter(PodBuilder("p")
                         .spec(term("podAffinity", "required", "db", "zone",
                                    R"("namespaceSelector":{"matchLabels":{"tier":"storage"}})"))
                         .view()),
            "RR+R");
  EXPECT_EQ(c.filter(PodBuilder("p")
                         .spec(term("podAffinity", "required", "db", "zone",
                                    R"("namespaceSelector":{"matchLabels":{"tier":"web"}})"))
                         .view()),
            "RRRR");
}

std::vector<int64_t> scores(Cluster& c, const PodView& pod) {
  CycleState state;
  state.pod = &pod;
  SchedulingAlgorithm::prefilter(state, c.snap);
  std::vector<NodeId> nodes;
  for (const char* n : {"n1", "n2", "n3", "n4"}) nodes.push_back(c.snap.find_node(n));
  std::vector<int64_t> out(nodes.size());
  score_inter_pod_affinity(state, c.snap, nodes, out);
  return out;
}

TEST(InterPodAffinityScore, PreferredTermsOfBothSides) {
  Cluster c;
  testing::add_bound(c.snap, PodBuilder("db").label("app", "db"), "n1");
  EXPECT_EQ(scores(c, PodBuilder("p").spec(term("podAffinity", "preferred", "db", "zone")).view()),
            (std::vector<int64_t>{100, 100, 0, 0}));
  EXPECT_EQ(scores(c, PodBuilder("p").spec(term("podAntiAffinity", "preferred", "db", "zone")).view()),
            (std::vector<int64_t>{0, 0, 100, 100}));
  // An existing pod's preferred affinity to the incoming pod attracts it.
  testing::add_bound(c.snap, PodBuilder("fan").spec(term("podAffinity", "preferred", "web", "zone")), "n3");
  EXPECT_EQ(scores(c, PodBuilder("p").label("app", "web").view()), (std::vector<int64_t>{0, 0, 100, 0}));
  // Existing required affinity counts with hardPodAffinityWeight (1), the preferred term with 10.
  testing::add_bound(c.snap, PodBuilder("needy").spec(term("podAffinity", "required", "web", "kubernetes.io/hostname")),
                     "n2");
  EXPECT_EQ(scores(c, PodBuilder("p").label("app", "web").view()), (std::vector<int64_t>{0, 10, 100, 0}));
}

}  // namespace
}  // namespace skiff::scheduler
