#include <gtest/gtest.h>

#include "controllers/endpointslice_controller.h"
#include "harness.h"

namespace skiff::controllers {
namespace {
using testing::Cluster;
using testing::make_pod;

Json make_service(const std::string& name, Json target_port = "http") {
  return Json{{"apiVersion", "v1"},
              {"kind", "Service"},
              {"metadata", {{"name", name}, {"namespace", "default"}, {"labels", {{"team", "a"}}}}},
              {"spec",
               {{"clusterIP", "10.96.0.10"},
                {"selector", {{"app", name}}},
                {"ports", Json::array({{{"name", "web"}, {"port", 80}, {"protocol", "TCP"}, {"targetPort", target_port}}})}}}};
}

Json backend(const std::string& name, const std::string& app, int index, bool ready, int container_port = 8080) {
  Json p = make_pod(name, Json{{"app", app}}, ready, "node-" + std::to_string(index % 3));
  p["status"]["podIP"] = "10.0." + std::to_string(index / 250) + "." + std::to_string(index % 250 + 1);
  p["spec"]["containers"][0]["ports"] =
      Json::array({{{"name", "http"}, {"containerPort", container_port}, {"protocol", "TCP"}}});
  return p;
}

std::vector<const Json*> slices(Cluster& c) { return c.store.list("EndpointSlice", "default"); }

std::size_t total_endpoints(Cluster& c) {
  std::size_t n = 0;
  for (const Json* s : slices(c)) n += s->at("endpoints").size();
  return n;
}

TEST(EndpointSlice, SplitsAtOneHundredWithLabelsOwnerAndResolvedPorts) {
  Cluster c;
  c.store.put(Json{{"apiVersion", "v1"}, {"kind", "Node"}, {"metadata", {{"name", "node-1"}, {"labels", {{"topology.kubernetes.io/zone", "z1"}}}}}}, c.now);
  const Json& svc = c.store.put(make_service("web"), c.now);
  for (int i = 0; i < 250; ++i) c.store.put(backend("web-" + std::to_string(i), "web", i, true), c.now);
  auto r = reconcile_endpoint_slices(svc, c.ctx());
  ASSERT_EQ(r.count(Verb::Create, "EndpointSlice"), 3u);
  c.apply(r);
  std::vector<std::size_t> sizes;
  for (const Json* s : slices(c)) {
    sizes.push_back(s->at("endpoints").size());
    EXPECT_EQ(s->at("addressType"), "IPv4");
    EXPECT_EQ(labels_of(*s)["kubernetes.io/service-name"], "web");
    EXPECT_EQ(labels_of(*s)["endpointslice.kubernetes.io/managed-by"], "endpointslice-controller.k8s.io");
    EXPECT_EQ(labels_of(*s)["team"], "a");
    EXPECT_EQ(str(path(*s, {"metadata", "generateName"})), "web-");
    EXPECT_EQ(name_of(*s).substr(0, 4), "web-");
    EXPECT_EQ(str(field(*controller_ref(*s), "kind")), "Service");
    EXPECT_EQ(str(field(*controller_ref(*s), "uid")), uid_of(svc));
    EXPECT_EQ(s->at("ports"), Json::parse(R"([{"name":"web","port":8080,"protocol":"TCP"}])"));
  }
  std::sort(sizes.begin(), sizes.end());
  EXPECT_EQ(sizes, (std::vector<std::size_t>{50, 100, 100}));
  bool zoned = false;
  for (const Json* s : slices(c))
    for (const auto& ep : s->at("endpoints"))
      if (ep.contains("zone")) {
        zoned = true;
        EXPECT_EQ(ep["nodeName"], "node-1");
        EXPECT_EQ(ep["zone"], "z1");
      }
  EXPECT_TRUE(zoned);
  EXPECT_TRUE(reconcile_endpoint_slices(svc, c.ctx()).actions.empty());
}

TEST(EndpointSlice, ConditionsFollowReadinessAndTermination) {
  Cluster c;
  const Json& svc = c.store.put(make_service("web", 8080), c.now);
  c.store.put(backend("ready", "web", 1, true), c.now);
  c.store.put(backend("unready", "web", 2, false), c.now);
  Json term = backend("terminating", "web", 3, true);
  term["metadata"]["deletionTimestamp"] = format_time(c.now);
  c.store.put(term, c.now);
  Json done = backend("succeeded", "web", 4, false);
  done["status"]["phase"] = "Succeeded";
  c.store.put(done, c.now);
  Json no_ip = make_pod("no-ip", Json{{"app", "web"}}, false);
  c.store.put(no_ip, c.now);
  c.apply(reconcile_endpoint_slices(svc, c.ctx()));
  ASSERT_EQ(slices(c).size(), 1u);
  std::map<std::string, Json> conds;
  for (const auto& ep : slices(c)[0]->at("endpoints")) conds[str(ep["targetRef"]["name"])] = ep["conditions"];
  ASSERT_EQ(conds.size(), 3u);
  EXPECT_EQ(conds["ready"], Json::parse(R"({"ready":true,"serving":true,"terminating":false})"));
  EXPECT_EQ(conds["unready"], Json::parse(R"({"ready":false,"serving":false,"terminating":false})"));
  EXPECT_EQ(conds["terminating"], Json::parse(R"({"ready":false,"serving":true,"terminating":true})"));

  Json publish = make_service("web", 8080);
  publish["spec"]["publishNotReadyAddresses"] = true;
  publish["metadata"]["uid"] = uid_of(svc);
  const Json& svc2 = c.store.put(publish, c.now);
  auto r = reconcile_endpoint_slices(svc2, c.ctx());
  EXPECT_EQ(r.count(Verb::Update), 1u);
  c.apply(r);
  for (const auto& ep : slices(c)[0]->at("endpoints")) EXPECT_EQ(ep["conditions"]["ready"], true);
}

TEST(EndpointSlice, NamedPortsResolvePerPod) {
  Cluster c;
  const Json& svc = c.store.put(make_service("web"), c.now);
  c.store.put(backend("a", "web", 1, true, 8080), c.now);
  c.store.put(backend("b", "web", 2, true, 9090), c.now);
  c.store.put(backend("c", "web", 3, true, 9090), c.now);
  c.apply(reconcile_endpoint_slices(svc, c.ctx()));
  ASSERT_EQ(slices(c).size(), 2u);
  std::map<int64_t, std::size_t> by_port;
  for (const Json* s : slices(c)) by_port[s->at("ports")[0]["port"].get<int64_t>()] = s->at("endpoints").size();
  EXPECT_EQ(by_port, (std::map<int64_t, std::size_t>{{8080, 1}, {9090, 2}}));
}

TEST(EndpointSlice, ChangesTouchOnlyTheSlicesThatMust) {
  Cluster c;
  const Json& svc = c.store.put(make_service("web"), c.now);
  for (int i = 0; i < 150; ++i) c.store.put(backend("p" + std::to_string(i), "web", i, true), c.now);
  c.apply(reconcile_endpoint_slices(svc, c.ctx()));
  ASSERT_EQ(slices(c).size(), 2u);
  // One pod goes away: one update, nothing else.
  c.store.erase("Pod", "default", "p7");
  auto r = reconcile_endpoint_slices(*c.store.get("Service", "default", "web"), c.ctx());
  EXPECT_EQ(r.actions.size(), 1u);
  EXPECT_EQ(r.count(Verb::Update), 1u);
  c.apply(r);
  EXPECT_EQ(total_endpoints(c), 149u);
  // Two new pods fit into the slice with room: one update, no new slice.
  c.store.put(backend("new1", "web", 300, true), c.now);
  c.store.put(backend("new2", "web", 301, true), c.now);
  r = reconcile_endpoint_slices(*c.store.get("Service", "default", "web"), c.ctx());
  EXPECT_EQ(r.count(Verb::Create), 0u);
  EXPECT_EQ(r.count(Verb::Update), 1u);
  c.apply(r);
  EXPECT_EQ(total_endpoints(c), 151u);
  EXPECT_EQ(slices(c).size(), 2u);
  // A readiness change updates exactly one slice.
  Json* p = c.store.get_mutable("Pod", "default", "p3");
  (*p)["status"]["conditions"][0]["status"] = "False";
  r = reconcile_endpoint_slices(*c.store.get("Service", "default", "web"), c.ctx());
  EXPECT_EQ(r.actions.size(), 1u);
  c.apply(r);
  EXPECT_TRUE(reconcile_endpoint_slices(*c.store.get("Service", "default", "web"), c.ctx()).actions.empty());
}

TEST(EndpointSlice, NoPodsMeansOnePlaceholderSlice) {
  Cluster c;
  const Json& svc = c.store.put(make_service("empty"), c.now);
  auto r = reconcile_endpoint_slices(svc, c.ctx());
  ASSERT_EQ(r.count(Verb::Create), 1u);
  c.apply(r);
  ASSERT_EQ(slices(c).size(), 1u);
  EXPECT_TRUE(slices(c)[0]->at("endpoints").empty());
  EXPECT_TRUE(slices(c)[0]->at("ports").empty());
  EXPECT_TRUE(reconcile_endpoint_slices(svc, c.ctx()).actions.empty());
  // Pods arriving reuse the placeholder rather than delete + create.
  c.store.put(backend("a", "empty", 1, true), c.now);
  r = reconcile_endpoint_slices(svc, c.ctx());
  EXPECT_EQ(r.count(Verb::Create), 0u);
  EXPECT_EQ(r.count(Verb::Delete), 0u);
  EXPECT_EQ(r.count(Verb::Update), 1u);
}

TEST(EndpointSlice, ServicesWithoutSelectorAreNotManaged) {
  Cluster c;
  Json svc = make_service("manual");
  svc["spec"].erase("selector");
  EXPECT_TRUE(reconcile_endpoint_slices(c.store.put(svc, c.now), c.ctx()).actions.empty());
  EXPECT_TRUE(reconcile_endpoints(*c.store.get("Service", "default", "manual"), c.ctx()).actions.empty());
}

TEST(Endpoints, LegacyObjectHasReadyAndNotReadyAddresses) {
  Cluster c;
  const Json& svc = c.store.put(make_service("web"), c.now);
  c.store.put(backend("b", "web", 2, false), c.now);
  c.store.put(backend("a", "web", 1, true), c.now);
  auto r = reconcile_endpoints(svc, c.ctx());
  ASSERT_EQ(r.count(Verb::Create), 1u);
  c.apply(r);
  const Json* ep = c.store.get("Endpoints", "default", "web");
  ASSERT_TRUE(ep);
  const Json& subset = ep->at("subsets")[0];
  EXPECT_EQ(subset["addresses"][0]["ip"], "10.0.0.2");
  EXPECT_EQ(subset["addresses"][0]["targetRef"]["name"], "a");
  EXPECT_EQ(subset["notReadyAddresses"][0]["ip"], "10.0.0.3");
  EXPECT_EQ(subset["ports"], Json::parse(R"([{"name":"web","port":8080,"protocol":"TCP"}])"));
  EXPECT_TRUE(reconcile_endpoints(svc, c.ctx()).actions.empty());
}

TEST(Endpoints, KubernetesServicePointsAtTheApiServer) {
  Cluster c;
  auto r = reconcile_kubernetes_service_endpoints("192.168.1.5", 6443, c.ctx());
  ASSERT_EQ(r.count(Verb::Create), 2u);
  c.apply(r);
  const Json* ep = c.store.get("Endpoints", "default", "kubernetes");
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->at("subsets")[0]["addresses"][0]["ip"], "192.168.1.5");
  EXPECT_EQ(ep->at("subsets")[0]["ports"][0]["port"], 6443);
  const Json* slice = c.store.get("EndpointSlice", "default", "kubernetes");
  ASSERT_TRUE(slice);
  EXPECT_EQ(slice->at("endpoints")[0]["addresses"][0], "192.168.1.5");
  EXPECT_TRUE(reconcile_kubernetes_service_endpoints("192.168.1.5", 6443, c.ctx()).actions.empty());
  EXPECT_EQ(reconcile_kubernetes_service_endpoints("192.168.1.6", 6443, c.ctx()).count(Verb::Update), 2u);
}

}  // namespace
}  // namespace skiff::controllers
