#include <gtest/gtest.h>

#include "builders.h"
#include "scheduler/plugins.h"

namespace skiff::scheduler {
namespace {
using testing::json;
using testing::NodeBuilder;
using testing::PodBuilder;
using Code = FilterStatus::Code;

std::vector<std::string> reasons(const FilterStatus& s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.count; i++) out.emplace_back(s.reasons[i]);
  return out;
}

// ---- NodeResourcesFit ----
struct FitCase {
  const char* name;
  PodBuilder pod;
  std::vector<PodBuilder> existing;
  NodeBuilder node;
  Code code;
  std::vector<std::string> reasons;
};

TEST(NodeResourcesFit, Table) {
  std::vector<FitCase> cases = {
      {"fits", PodBuilder("p").req("1", "1Gi"), {PodBuilder("e").req("2", "4Gi")}, NodeBuilder("n"), Code::Success, {}},
      {"exactly full fits", PodBuilder("p").req("2", "4Gi"), {PodBuilder("e").req("2", "4Gi")}, NodeBuilder("n"),
       Code::Success, {}},
      {"insufficient cpu", PodBuilder("p").req("2500m"), {PodBuilder("e").req("2")}, NodeBuilder("n"),
       Code::Unschedulable, {"Insufficient cpu"}},
      {"insufficient cpu and memory", PodBuilder("p").req("3", "5Gi"), {PodBuilder("e").req("2", "4Gi")},
       NodeBuilder("n"), Code::Unschedulable, {"Insufficient cpu", "Insufficient memory"}},
      {"too many pods comes first", PodBuilder("p").req("3"), {PodBuilder("e").req("2")},
       NodeBuilder("n").capacity("4", "8Gi", "1"), Code::Unschedulable, {"Too many pods", "Insufficient cpu"}},
      {"best effort pod fits a full node", PodBuilder("p"), {PodBuilder("e").req("4", "8Gi")}, NodeBuilder("n"),
       Code::Success, {}},
      {"ephemeral storage", PodBuilder("p").request("ephemeral-storage", "2Gi"), {},
       NodeBuilder("n").allocatable("ephemeral-storage", "1Gi"), Code::Unschedulable,
       {"Insufficient ephemeral-storage"}},
      {"extended resource missing on node", PodBuilder("p").request("nvidia.com/gpu", "1"), {}, NodeBuilder("n"),
       Code::Unschedulable, {"Insufficient nvidia.com/gpu"}},
      {"extended resource available", PodBuilder("p").request("nvidia.com/gpu", "1"),
       {PodBuilder("e").request("nvidia.com/gpu", "1")}, NodeBuilder("n").allocatable("nvidia.com/gpu", "2"),
       Code::Success, {}},
  };
  for (auto& c : cases) {
    ClusterSnapshot snap;
    snap.upsert_node(c.node.view());
    int i = 0;
    for (auto& e : c.existing) {
      e.json_()["metadata"]["name"] = "e" + std::to_string(i++);
      testing::add_bound(snap, e, "n");
    }
    PodView pod = c.pod.view();
    FilterStatus s = filter_node_resources_fit(pod, snap.node(snap.find_node("n")));
    EXPECT_EQ(s.code, c.code) << c.name;
    EXPECT_EQ(reasons(s), c.reasons) << c.name;
  }
}

// ---- TaintToleration ----
struct TaintCase {
  const char* name;
  std::vector<json> tolerations;
  std::vector<std::array<std::string, 3>> taints;
  bool fits;
  std::string reason;
};

TEST(TaintToleration, FilterTable) {
  std::vector<TaintCase> cases = {
      {"no taints", {}, {}, true, ""},
      {"untolerated NoSchedule", {}, {{"dedicated", "gpu", "NoSchedule"}}, false,
       "node(s) had untolerated taint {dedicated: gpu}"},
      {"empty value shows as blank", {}, {{"node-role.kubernetes.io/control-plane", "", "NoSchedule"}}, false,
       "node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"},
      {"Equal toleration", {{{"key", "dedicated"}, {"value", "gpu"}, {"effect", "NoSchedule"}}},
       {{"dedicated", "gpu", "NoSchedule"}}, true, ""},
      {"Equal with other value", {{{"key", "dedicated"}, {"value", "cpu"}}}, {{"dedicated", "gpu", "NoSchedule"}},
       false, "node(s) had untolerated taint {dedicated: gpu}"},
      {"Exists on key", {{{"key", "dedicated"}, {"operator", "Exists"}}}, {{"dedicated", "gpu", "NoExecute"}}, true,
       ""},
      {"Exists without key tolerates all", {{{"operator", "Exists"}}},
       {{"a", "1", "NoSchedule"}, {"b", "2", "NoExecute"}}, true, ""},
      {"effect mismatch", {{{"key", "dedicated"}, {"operator", "Exists"}, {"effect", "NoExecute"}}},
       {{"dedicated", "gpu", "NoSchedule"}}, false, "node(s) had untolerated taint {dedicated: gpu}"},
      {"PreferNoSchedule does not filter", {}, {{"soft", "x", "PreferNoSchedule"}}, true, ""},
      {"first untolerated in node order", {{{"key", "a"}, {"operator", "Exists"}}},
       {{"a", "1", "NoSchedule"}, {"b", "2", "NoExecute"}, {"c", "3", "NoSchedule"}}, false,
       "node(s) had untolerated taint {b: 2}"},
  };
  for (auto& c : cases) {
    NodeBuilder nb("n");
    for (auto& t : c.taints) nb.taint(t[0], t[1], t[2]);
    PodBuilder pb("p");
    for (auto& t : c.tolerations) pb.toleration(t);
    ClusterSnapshot snap;
    NodeId id = snap.upsert_node(nb.view());
    PodView pod = pb.view();
    FilterStatus s = filter_taint_toleration(pod, snap.node(id));
    EXPECT_EQ(s.ok(), c.fits) << c.name;
    if (!c.fits) {
      EXPECT_EQ(s.code, Code::UnschedulableAndUnresolvable) << c.name;
      EXPECT_EQ(reasons(s), std::vector<std::string>{c.reason}) << c.name;
    }
  }
}

TEST(NodeUnschedulable, FailsUnlessTolerated) {
  ClusterSnapshot snap;
  NodeId id = snap.upsert_node(NodeBuilder("n").unschedulable().view());
  PodView plain = PodBuilder("p").view();
  FilterStatus s = filter_node_unschedulable(plain, snap.node(id));
  EXPECT_EQ(s.code, Code::UnschedulableAndUnresolvable);
  EXPECT_EQ(reasons(s), std::vector<std::string>{"node(s) were unschedulable"});
  PodView tolerant =
      PodBuilder("p").toleration({{"key", "node.kubernetes.io/unschedulable"}, {"operator", "Exists"}}).view();
  EXPECT_TRUE(filter_node_unschedulable(tolerant, snap.node(id)).ok());
}

TEST(NodeName, MatchesOnlyTheNamedNode) {
  ClusterSnapshot snap;
  NodeId a = snap.upsert_node(NodeBuilder("a").view());
  NodeId b = snap.upsert_node(NodeBuilder("b").view());
  PodView pod = PodBuilder("p").node("a").view();
  EXPECT_TRUE(filter_node_name(pod, snap.node(a)).ok());
  FilterStatus s = filter_node_name(pod, snap.node(b));
  EXPECT_EQ(s.code, Code::UnschedulableAndUnresolvable);
  EXPECT_EQ(reasons(s), std::vector<std::string>{"node(s) didn't match the requested node name"});
}

// ---- NodeAffinity ----
struct AffinityCase {
  const char* name;
  json spec;
  bool fits;
};

TEST(NodeAffinity, FilterTable) {
  auto required = [](const char* terms) {
    return json::parse(std::string(R"({"affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":)") +
                       terms + "}}}}");
  };
  std::vector<AffinityCase> cases = {
      {"no constraints", json::object(), true},
      {"nodeSelector matches", {{"nodeSelector", {{"zone", "a"}}}}, true},
      {"nodeSelector value differs", {{"nodeSelector", {{"zone", "b"}}}}, false},
      {"nodeSelector label missing", {{"nodeSelector", {{"gpu", "true"}}}}, false},
      {"In", required(R"([{"matchExpressions":[{"key":"zone","operator":"In","values":["b","a"]}]}])"), true},
      {"In other", required(R"([{"matchExpressions":[{"key":"zone","operator":"In","values":["b"]}]}])"), false},
      {"NotIn", required(R"([{"matchExpressions":[{"key":"zone","operator":"NotIn","values":["b"]}]}])"), true},
      {"NotIn missing label", required(R"([{"matchExpressions":[{"key":"gpu","operator":"NotIn","values":["x"]}]}])"), true},
      {"Exists", required(R"([{"matchExpressions":[{"key":"zone","operator":"Exists"}]}])"), true},
      {"DoesNotExist", required(R"([{"matchExpressions":[{"key":"zone","operator":"DoesNotExist"}]}])"), false},
      {"Gt", required(R"([{"matchExpressions":[{"key":"cores","operator":"Gt","values":["8"]}]}])"), true},
      {"Gt equal", required(R"([{"matchExpressions":[{"key":"cores","operator":"Gt","values":["16"]}]}])"), false},
      {"Lt", required(R"([{"matchExpressions":[{"key":"cores","operator":"Lt","values":["32"]}]}])"), true},
      {"Lt non-numeric label", required(R"([{"matchExpressions":[{"key":"zone","operator":"Lt","values":["32"]}]}])"), false},
      {"terms are ORed",
       required(R"([{"matchExpressions":[{"key":"zone","operator":"In","values":["x"]}]},{"matchExpressions":[{"key":"zone","operator":"In","values":["a"]}]}])"),
       true},
      {"expressions are ANDed",
       required(R"([{"matchExpressions":[{"key":"zone","operator":"In","values":["a"]},{"key":"cores","operator":"Lt","values":["4"]}]}])"),
       false},
      {"matchFields metadata.name",
       required(R"([{"matchFields":[{"key":"metadata.name","operator":"In","values":["n1"]}]}])"), true},
      {"matchFields other name",
       required(R"([{"matchFields":[{"key":"metadata.name","operator":"In","values":["n2"]}]}])"), false},
      {"empty term matches nothing", required(R"([{}])"), false},
      {"no terms match nothing", required(R"([])"), false},
      {"selector and affinity both needed",
       [&] {
         json j = required(R"([{"matchExpressions":[{"key":"zone","operator":"In","values":["a"]}]}])");
         j["nodeSelector"] = {{"zone", "b"}};
         return j;
       }(),
       false},
  };
  ClusterSnapshot snap;
  NodeId id = snap.upsert_node(NodeBuilder("n1").label("zone", "a").label("cores", "16").view());
  for (auto& c : cases) {
    PodView pod = PodBuilder("p").spec(c.spec).view();
    FilterStatus s = filter_node_affinity(pod, snap.node(id));
    EXPECT_EQ(s.ok(), c.fits) << c.name;
    if (!c.fits) {
      EXPECT_EQ(reasons(s), std::vector<std::string>{"node(s) didn't match Pod's node affinity/selector"}) << c.name;
    }
  }
}

// ---- NodePorts ----
struct PortCase {
  const char* name;
  int port;
  const char* proto;
  const char* ip;
  bool fits;
};

TEST(NodePorts, ConflictTable) {
  ClusterSnapshot snap;
  NodeId id = snap.upsert_node(NodeBuilder("n").view());
  testing::add_bound(snap, PodBuilder("wild").host_port(80), "n");
  testing::add_bound(snap, PodBuilder("specific").host_port(9000, "TCP", "10.0.0.1"), "n");
  std::vector<PortCase> cases = {
      {"same port", 80, "TCP", "", false},
      {"same port other protocol", 80, "UDP", "", true},
      {"specific ip vs wildcard", 80, "TCP", "10.0.0.2", false},
      {"wildcard vs specific", 9000, "TCP", "", false},
      {"same specific ip", 9000, "TCP", "10.0.0.1", false},
      {"other specific ip", 9000, "TCP", "10.0.0.2", true},
      {"free port", 81, "TCP", "", true},
  };
  for (auto& c : cases) {
    PodView pod = PodBuilder("p").host_port(c.port, c.proto, c.ip).view();
    FilterStatus s = filter_node_ports(pod, snap.node(id));
    EXPECT_EQ(s.ok(), c.fits) << c.name;
    if (!c.fits) {
      EXPECT_EQ(s.code, Code::Unschedulable);
      EXPECT_EQ(reasons(s), std::vector<std::string>{"node(s) didn't have free ports for the requested pod ports"});
    }
  }
  ASSERT_TRUE(snap.remove_pod("default/wild"));
  EXPECT_TRUE(filter_node_ports(PodBuilder("p").host_port(80).view(), snap.node(id)).ok()) << "port freed";
}

}  // namespace
}  // namespace skiff::scheduler
