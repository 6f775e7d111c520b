#include "skiff/lb/frontends.h"

#include <gtest/gtest.h>

#include "lb_fixtures.h"
#include "skiff/bpf/service_map.h"

namespace skiff::lb {
namespace {

using namespace skiff::lb::testing;

ServiceFrontends compute(const kube::Service& svc, const std::vector<kube::EndpointSlice>& slices,
                         const NodeInfo& node = node_a()) {
  std::vector<const kube::EndpointSlice*> ptrs;
  for (const auto& s : slices) ptrs.push_back(&s);
  return compute_frontends(svc, ptrs, node);
}

const FrontendState* find(const ServiceFrontends& result, const L4Addr& key) {
  for (const auto& fe : result.frontends) {
    if (fe.key == key) return &fe;
  }
  return nullptr;
}

TEST(ComputeFrontends, ClusterIP) {
  auto result = compute(service(), {slice("s1", {{"10.244.1.2"}, {"10.244.1.1", "node-b"}})});
  EXPECT_TRUE(result.problems.empty());
  ASSERT_EQ(result.frontends.size(), 1u);
  const auto& fe = result.frontends[0];
  EXPECT_EQ(fe.key, l4("10.96.0.10", 80));
  EXPECT_EQ(fe.key.str(), "10.96.0.10:80/tcp");
  EXPECT_EQ(fe.service, "shop/web");
  EXPECT_EQ(fe.port_name, "http");
  EXPECT_EQ(fe.flags, 0);
  EXPECT_EQ(fe.affinity_timeout, 0u);
  ASSERT_EQ(fe.active.size(), 2u);
  // Sorted by address; nodeName decides locality.
  EXPECT_EQ(fe.active[0].addr, l4("10.244.1.1", 8080));
  EXPECT_FALSE(fe.active[0].local);
  EXPECT_EQ(fe.active[1].addr, l4("10.244.1.2", 8080));
  EXPECT_TRUE(fe.active[1].local);
  EXPECT_FALSE(fe.active[1].terminating);
  EXPECT_TRUE(fe.draining.empty());
}

TEST(ComputeFrontends, NoEndpointsStillGivesAFrontendToReject) {
  auto result = compute(service(), {});
  ASSERT_EQ(result.frontends.size(), 1u);
  EXPECT_TRUE(result.frontends[0].active.empty());
  EXPECT_EQ(result.frontends[0].flags, 0);  // reject, not drop
  EXPECT_TRUE(result.problems.empty());
}

TEST(ComputeFrontends, MultiplePortsAndProtocols) {
  auto svc = service();
  svc.ports.push_back({"dns", kube::Protocol::UDP, 53, {5353, ""}, 0});
  auto result = compute(svc, {slice("s1", {{"10.244.1.1"}},
                                    {{"http", kube::Protocol::TCP, 8080}, {"dns", kube::Protocol::UDP, 5353}})});
  ASSERT_EQ(result.frontends.size(), 2u);
  auto* http = find(result, l4("10.96.0.10", 80));
  auto* dns = find(result, l4("10.96.0.10", 53, SKIFF_PROTO_UDP));
  ASSERT_TRUE(http && dns);
  EXPECT_EQ(dns->port_name, "dns");
  EXPECT_EQ(addrs(dns->active), (std::vector<L4Addr>{l4("10.244.1.1", 5353, SKIFF_PROTO_UDP)}));
  EXPECT_EQ(addrs(http->active), (std::vector<L4Addr>{l4("10.244.1.1", 8080)}));
  // Sorted by key: port 53 before port 80 in network order on this address.
  EXPECT_LT(result.frontends[0].key, result.frontends[1].key);
}

TEST(ComputeFrontends, ProtocolMustMatchTheSlicePort) {
  auto result = compute(service(), {slice("s1", {{"10.244.1.1"}}, {{"http", kube::Protocol::UDP, 8080}})});
  ASSERT_EQ(result.frontends.size(), 1u);
  EXPECT_TRUE(result.frontends[0].active.empty());
}

TEST(ComputeFrontends, NamedTargetPortsResolvedPerSlice) {
  auto svc = service();
  svc.ports[0].target_port = {0, "web"};
  // Two slices whose pods expose "web" on different numbers.
  auto result = compute(svc, {slice("s1", {{"10.244.1.1"}}, {{"http", kube::Protocol::TCP, 8080}}),
                              slice("s2", {{"10.244.2.1"}}, {{"http", kube::Protocol::TCP, 9090}})});
  ASSERT_EQ(result.frontends.size(), 1u);
  EXPECT_EQ(addrs(result.frontends[0].active),
            (std::vector<L4Addr>{l4("10.244.1.1", 8080), l4("10.244.2.1", 9090)}));
  EXPECT_TRUE(result.problems.empty());
}

TEST(ComputeFrontends, UnresolvedNamedPortIsAProblem) {
  auto svc = service();
  svc.ports[0].target_port = {0, "web"};
  auto result = compute(svc, {slice("s1", {{"10.244.1.1"}}, {{"other", kube::Protocol::TCP, 8080}})});
  ASSERT_EQ(result.frontends.size(), 1u);
  EXPECT_TRUE(result.frontends[0].active.empty());
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_EQ(result.problems[0].object, "Service shop/web");
  EXPECT_EQ(result.problems[0].field, "spec.ports[0].targetPort");
}

TEST(ComputeFrontends, NumericTargetPortIsNotGuessed) {
  auto result = compute(service(), {slice("s1", {{"10.244.1.1"}}, {})});
  ASSERT_EQ(result.frontends.size(), 1u);
  EXPECT_TRUE(result.frontends[0].active.empty());
  EXPECT_TRUE(result.problems.empty());
  // A slice port without a number serves nothing either.
  auto portless = compute(service(), {slice("s1", {{"10.244.1.1"}}, {{"http", kube::Protocol::TCP, std::nullopt}})});
  EXPECT_TRUE(portless.frontends[0].active.empty());
}

TEST(ComputeFrontends, NodePortOnEveryNodeAddress) {
  auto svc = service();
  svc.type = kube::ServiceType::NodePort;
  svc.ports[0].node_port = 30080;
  auto result = compute(svc, {slice("s1", {{"10.244.1.1"}})});
  ASSERT_EQ(result.frontends.size(), 3u);  // ClusterIP + two IPv4 node addresses (IPv6 skipped)
  for (const char* addr : {"192.168.1.10", "172.16.0.10"}) {
    auto* fe = find(result, l4(addr, 30080));
    ASSERT_NE(fe, nullptr) << addr;
    EXPECT_EQ(fe->flags, SKIFF_SVC_F_NODEPORT);
    EXPECT_EQ(fe->active.size(), 1u);
  }
  EXPECT_NE(find(result, l4("10.96.0.10", 80)), nullptr);
}

TEST(ComputeFrontends, NodePortOnlyForNodePortTypes) {
  auto svc = service();
  svc.ports[0].node_port = 30080;  // ClusterIP type: ignored
  EXPECT_EQ(compute(svc, {}).frontends.size(), 1u);
  svc.type = kube::ServiceType::LoadBalancer;
  svc.ports[0].node_port = 0;  // allocateLoadBalancerNodePorts: false
  EXPECT_EQ(compute(svc, {}).frontends.size(), 1u);
}

TEST(ComputeFrontends, LoadBalancerIngressAndExternalIPs) {
  auto svc = service();
  svc.type = kube::ServiceType::LoadBalancer;
  svc.ports[0].node_port = 30080;
  svc.load_balancer_ips = {ip("203.0.113.5"), ip("2001:db8::5")};
  svc.external_ips = {ip("198.51.100.7")};
  auto result = compute(svc, {slice("s1", {{"10.244.1.1"}})});
  ASSERT_EQ(result.frontends.size(), 5u);
  auto* lb = find(result, l4("203.0.113.5", 80));
  auto* ext = find(result, l4("198.51.100.7", 80));
  ASSERT_TRUE(lb && ext);
  EXPECT_EQ(lb->flags, SKIFF_SVC_F_EXTERNAL);
  EXPECT_EQ(ext->flags, SKIFF_SVC_F_EXTERNAL);
  EXPECT_EQ(lb->active.size(), 1u);
}

TEST(ComputeFrontends, IngressIPsOnlyForLoadBalancerType) {
  auto svc = service();
  svc.load_balancer_ips = {ip("203.0.113.5")};
  svc.external_ips = {ip("198.51.100.7")};
  auto result = compute(svc, {});
  EXPECT_EQ(find(result, l4("203.0.113.5", 80)), nullptr);
  EXPECT_NE(find(result, l4("198.51.100.7", 80)), nullptr);  // externalIPs work for any type
}

TEST(ComputeFrontends, SessionAffinity) {
  auto svc = service();
  svc.session_affinity_client_ip = true;
  svc.session_affinity_timeout = 600;
  svc.type = kube::ServiceType::NodePort;
  svc.ports[0].node_port = 30080;
  auto result = compute(svc, {slice("s1", {{"10.244.1.1"}})});
  for (const auto& fe : result.frontends) EXPECT_EQ(fe.affinity_timeout, 600u) << fe.key.str();
  svc.session_affinity_client_ip = false;
  for (const auto& fe : compute(svc, {}).frontends) EXPECT_EQ(fe.affinity_timeout, 0u);
}

TEST(ComputeFrontends, ExternalTrafficPolicyLocal) {
  auto svc = service();
  svc.type = kube::ServiceType::LoadBalancer;
  svc.ports[0].node_port = 30080;
  svc.load_balancer_ips = {ip("203.0.113.5")};
  svc.external_traffic_policy = kube::TrafficPolicy::Local;
  auto result = compute(svc, {slice("s1", {{"10.244.1.1", "node-a"}, {"10.244.2.1", "node-b"}})});
  auto* cluster = find(result, l4("10.96.0.10", 80));
  auto* node_port = find(result, l4("192.168.1.10", 30080));
  auto* lb = find(result, l4("203.0.113.5", 80));
  ASSERT_TRUE(cluster && node_port && lb);
  // ClusterIP ignores externalTrafficPolicy.
  EXPECT_EQ(cluster->flags, 0);
  EXPECT_EQ(cluster->active.size(), 2u);
  EXPECT_EQ(node_port->flags, SKIFF_SVC_F_NODEPORT | SKIFF_SVC_F_LOCAL);
  EXPECT_EQ(addrs(node_port->active), (std::vector<L4Addr>{l4("10.244.1.1", 8080)}));
  EXPECT_EQ(lb->flags, SKIFF_SVC_F_EXTERNAL | SKIFF_SVC_F_LOCAL);
  EXPECT_EQ(lb->active.size(), 1u);
}

TEST(ComputeFrontends, LocalWithoutLocalBackendDropsButWithoutAnyRejects) {
  auto svc = service();
  svc.type = kube::ServiceType::NodePort;
  svc.ports[0].node_port = 30080;
  svc.external_traffic_policy = kube::TrafficPolicy::Local;
  auto elsewhere = compute(svc, {slice("s1", {{"10.244.2.1", "node-b"}})});
  auto* fe = find(elsewhere, l4("192.168.1.10", 30080));
  ASSERT_NE(fe, nullptr);
  EXPECT_TRUE(fe->active.empty());
  EXPECT_EQ(fe->flags, SKIFF_SVC_F_NODEPORT | SKIFF_SVC_F_LOCAL | SKIFF_SVC_F_DROP_NO_BACKEND);

  auto nothing = compute(svc, {});
  fe = find(nothing, l4("192.168.1.10", 30080));
  ASSERT_NE(fe, nullptr);
  EXPECT_EQ(fe->flags, SKIFF_SVC_F_NODEPORT | SKIFF_SVC_F_LOCAL);
}

TEST(ComputeFrontends, InternalTrafficPolicyLocal) {
  auto svc = service();
  svc.type = kube::ServiceType::NodePort;
  svc.ports[0].node_port = 30080;
  svc.internal_traffic_policy = kube::TrafficPolicy::Local;
  auto result = compute(svc, {slice("s1", {{"10.244.1.1", "node-a"}, {"10.244.2.1", "node-b"}})});
  auto* cluster = find(result, l4("10.96.0.10", 80));
  auto* node_port = find(result, l4("192.168.1.10", 30080));
  ASSERT_TRUE(cluster && node_port);
  EXPECT_EQ(cluster->flags, SKIFF_SVC_F_LOCAL);
  EXPECT_EQ(addrs(cluster->active), (std::vector<L4Addr>{l4("10.244.1.1", 8080)}));
  // NodePort follows externalTrafficPolicy (Cluster here).
  EXPECT_EQ(node_port->flags, SKIFF_SVC_F_NODEPORT);
  EXPECT_EQ(node_port->active.size(), 2u);

  auto remote_only = compute(svc, {slice("s1", {{"10.244.2.1", "node-b"}})});
  cluster = find(remote_only, l4("10.96.0.10", 80));
  ASSERT_NE(cluster, nullptr);
  EXPECT_EQ(cluster->flags, SKIFF_SVC_F_LOCAL | SKIFF_SVC_F_DROP_NO_BACKEND);
}

TEST(ComputeFrontends, ReadyEndpointsOnlyTerminatingOnesDrain) {
  auto result = compute(service(), {slice("s1", {{"10.244.1.1"},
                                                 {"10.244.1.2", "node-a", false, true, true},     // serving, terminating
                                                 {"10.244.1.3", "node-a", false, false, true},    // terminating
                                                 {"10.244.1.4", "node-a", false, false, false}})});  // not ready
  const auto& fe = result.frontends.at(0);
  EXPECT_EQ(addrs(fe.active), (std::vector<L4Addr>{l4("10.244.1.1", 8080)}));
  EXPECT_EQ(addrs(fe.draining), (std::vector<L4Addr>{l4("10.244.1.2", 8080), l4("10.244.1.3", 8080)}));
  for (const auto& b : fe.draining) EXPECT_TRUE(b.terminating);
}

TEST(ComputeFrontends, ServingTerminatingFallbackWhenNoneReady) {
  auto result = compute(service(), {slice("s1", {{"10.244.1.2", "node-a", false, true, true},
                                                 {"10.244.1.3", "node-a", false, false, true},
                                                 {"10.244.1.4", "node-a", false, false, false}})});
  const auto& fe = result.frontends.at(0);
  ASSERT_EQ(addrs(fe.active), (std::vector<L4Addr>{l4("10.244.1.2", 8080)}));
  EXPECT_TRUE(fe.active[0].terminating);
  EXPECT_EQ(addrs(fe.draining), (std::vector<L4Addr>{l4("10.244.1.3", 8080)}));
}

TEST(ComputeFrontends, LocalFallbackIsPerNode) {
  // A ready endpoint elsewhere; only a serving-terminating one here: the
  // Local frontend falls back to it (kube-proxy does the same).
  auto svc = service();
  svc.internal_traffic_policy = kube::TrafficPolicy::Local;
  auto result = compute(svc, {slice("s1", {{"10.244.2.1", "node-b"}, {"10.244.1.2", "node-a", false, true, true}})});
  const auto& fe = result.frontends.at(0);
  EXPECT_EQ(addrs(fe.active), (std::vector<L4Addr>{l4("10.244.1.2", 8080)}));
  EXPECT_EQ(fe.flags, SKIFF_SVC_F_LOCAL);
}

TEST(ComputeFrontends, DeduplicatesAcrossSlices) {
  auto result = compute(service(), {slice("s1", {{"10.244.1.1"}, {"10.244.1.2", "node-a", false, false, true}}),
                                    slice("s2", {{"10.244.1.1"}, {"10.244.1.2"}, {"10.244.1.3"}})});
  const auto& fe = result.frontends.at(0);
  // 10.244.1.2 is ready in s2 (the controller moved it): it is active, once.
  EXPECT_EQ(addrs(fe.active),
            (std::vector<L4Addr>{l4("10.244.1.1", 8080), l4("10.244.1.2", 8080), l4("10.244.1.3", 8080)}));
  EXPECT_TRUE(fe.draining.empty());
}

TEST(ComputeFrontends, MultipleSlicesAreUnited) {
  auto result = compute(service(), {slice("s1", {{"10.244.1.1"}}), slice("s2", {{"10.244.2.1", "node-b"}}),
                                    slice("s3", {{"10.244.3.1", nullptr}})});
  const auto& fe = result.frontends.at(0);
  EXPECT_EQ(fe.active.size(), 3u);
  EXPECT_TRUE(fe.active[0].local);
  EXPECT_FALSE(fe.active[1].local);
  EXPECT_FALSE(fe.active[2].local);  // no nodeName: not local
}

TEST(ComputeFrontends, SlicesOfOtherServicesAreIgnored) {
  auto foreign = slice("x", {{"10.244.9.9"}});
  foreign.service_name = "other";
  auto other_ns = slice("y", {{"10.244.9.8"}});
  other_ns.meta.ns = "elsewhere";
  auto result = compute(service(), {foreign, other_ns});
  EXPECT_TRUE(result.frontends.at(0).active.empty());
}

TEST(ComputeFrontends, IPv6IsSkipped) {
  auto svc = service();
  svc.cluster_ips.push_back(ip("fd00::10"));
  svc.external_ips = {ip("2001:db8::7")};
  auto v6_slice = slice("s6", {}, {{"http", kube::Protocol::TCP, 8080}}, kube::AddressType::IPv6);
  kube::Endpoint v6ep;
  v6ep.addresses.push_back(ip("fd00::44"));
  v6_slice.endpoints.push_back(v6ep);
  auto result = compute(svc, {slice("s1", {{"10.244.1.1"}}), v6_slice});
  ASSERT_EQ(result.frontends.size(), 1u);
  EXPECT_EQ(result.frontends[0].key, l4("10.96.0.10", 80));
  EXPECT_EQ(result.frontends[0].active.size(), 1u);
  EXPECT_TRUE(result.problems.empty());
}

TEST(ComputeFrontends, HeadlessAndExternalNameHaveNone) {
  auto headless = service(nullptr);
  headless.headless = true;
  auto result = compute(headless, {slice("s1", {{"10.244.1.1"}})});
  EXPECT_TRUE(result.frontends.empty());
  EXPECT_TRUE(result.problems.empty());

  auto external = service(nullptr);
  external.type = kube::ServiceType::ExternalName;
  external.external_name = "db.example.com";
  external.external_ips = {ip("198.51.100.7")};
  EXPECT_TRUE(compute(external, {}).frontends.empty());
}

TEST(ComputeFrontends, SctpIsSkippedWithAProblem) {
  auto svc = service();
  svc.ports.push_back({"sctp", kube::Protocol::SCTP, 9999, {9999, ""}, 0});
  auto result = compute(svc, {slice("s1", {{"10.244.1.1"}})});
  ASSERT_EQ(result.frontends.size(), 1u);
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_EQ(result.problems[0].field, "spec.ports[1].protocol");
}

TEST(ComputeFrontends, ConflictingFrontendIsReported) {
  auto svc = service();
  svc.type = kube::ServiceType::NodePort;
  svc.ports[0].node_port = 30080;
  // An externalIP that is the node's address on the nodePort: same key twice.
  svc.ports.push_back({"alt", kube::Protocol::TCP, 30080, {8080, ""}, 0});
  svc.external_ips = {ip("192.168.1.10")};
  auto result = compute(svc, {slice("s1", {{"10.244.1.1"}})});
  ASSERT_EQ(result.problems.size(), 1u);
  auto* fe = find(result, l4("192.168.1.10", 30080));
  ASSERT_NE(fe, nullptr);
  EXPECT_EQ(fe->flags, SKIFF_SVC_F_NODEPORT);  // the first claim wins
}

TEST(ComputeFrontends, Deterministic) {
  auto svc = service();
  svc.type = kube::ServiceType::LoadBalancer;
  svc.ports[0].node_port = 30080;
  svc.load_balancer_ips = {ip("203.0.113.5")};
  auto a = compute(svc, {slice("s1", {{"10.244.1.1"}}), slice("s2", {{"10.244.2.1"}})});
  auto b = compute(svc, {slice("s2", {{"10.244.2.1"}}), slice("s1", {{"10.244.1.1"}})});
  EXPECT_EQ(a.frontends, b.frontends);
}

}  // namespace
}  // namespace skiff::lb
