#include <gtest/gtest.h>

#include "skiff/kube/parse.h"
#include "test_json.h"

namespace skiff::kube {
namespace {

using nlohmann::json;

json base_service() {
  return J(R"({
    "apiVersion": "v1", "kind": "Service",
    "metadata": {"name": "web", "namespace": "shop", "uid": "u-1", "resourceVersion": "7",
                 "labels": {"app": "web"}, "annotations": {"note": "x"}},
    "spec": {"type": "ClusterIP", "clusterIP": "10.96.0.20", "selector": {"app": "web"},
             "ports": [{"name": "http", "port": 80, "targetPort": 8080}]}
  })");
}

// Applies an RFC 7386 merge patch to the base service.
json service_with(std::string_view patch) {
  json doc = base_service();
  doc.merge_patch(J(patch));
  return doc;
}

ParseError expect_error(const json& doc) {
  auto result = parse_service(doc);
  EXPECT_FALSE(result.has_value());
  return result ? ParseError{} : result.error();
}

TEST(ParseService, ReadsTheBasics) {
  auto svc = parse_service(base_service());
  ASSERT_TRUE(svc) << svc.error().str();
  EXPECT_EQ(svc->meta.key(), "shop/web");
  EXPECT_EQ(svc->meta.uid, "u-1");
  EXPECT_EQ(svc->meta.resource_version, "7");
  EXPECT_EQ(svc->meta.labels.at("app"), "web");
  EXPECT_EQ(svc->meta.annotations.at("note"), "x");
  EXPECT_EQ(svc->type, ServiceType::ClusterIP);
  ASSERT_EQ(svc->cluster_ips.size(), 1u);
  EXPECT_EQ(svc->cluster_ips[0].str(), "10.96.0.20");
  EXPECT_FALSE(svc->headless);
  ASSERT_EQ(svc->ports.size(), 1u);
  EXPECT_EQ(svc->ports[0].name, "http");
  EXPECT_EQ(svc->ports[0].protocol, Protocol::TCP);
  EXPECT_EQ(svc->ports[0].port, 80);
  EXPECT_EQ(svc->ports[0].target_port.number, 8080);
  EXPECT_FALSE(svc->ports[0].target_port.is_name());
  EXPECT_EQ(svc->ports[0].node_port, 0);
  EXPECT_EQ(svc->selector.at("app"), "web");
  EXPECT_FALSE(svc->session_affinity_client_ip);
  EXPECT_EQ(svc->session_affinity_timeout, 10800);
  EXPECT_EQ(svc->external_traffic_policy, TrafficPolicy::Cluster);
  EXPECT_EQ(svc->internal_traffic_policy, TrafficPolicy::Cluster);
  EXPECT_FALSE(svc->publish_not_ready_addresses);
}

TEST(ParseService, NamespaceDefaultsAndKindMayBeAbsent) {
  json doc = base_service();
  doc["metadata"].erase("namespace");
  doc.erase("kind");  // list items from the API server carry no kind
  auto svc = parse_service(doc);
  ASSERT_TRUE(svc) << svc.error().str();
  EXPECT_EQ(svc->meta.key(), "default/web");
}

TEST(ParseService, NameIsRequired) {
  json doc = base_service();
  doc["metadata"].erase("name");
  auto err = expect_error(doc);
  EXPECT_EQ(err.field, "metadata.name");
  EXPECT_EQ(err.reason, "required");
  EXPECT_EQ(err.object, "Service <unnamed>");

  json no_meta = base_service();
  no_meta.erase("metadata");
  EXPECT_EQ(expect_error(no_meta).field, "metadata.name");
}

TEST(ParseService, WrongKindIsAnError) {
  auto err = expect_error(service_with(R"({"kind": "Pod"})"));
  EXPECT_EQ(err.field, "kind");
  EXPECT_NE(err.reason.find("must be Service"), std::string::npos);
}

TEST(ParseService, NotAnObject) {
  EXPECT_FALSE(parse_service(J("[1,2]")));
  EXPECT_FALSE(parse_service(J("null")));
  EXPECT_FALSE(parse_service(J("\"Service\"")));
}

TEST(ParseService, ErrorNamesObjectFieldAndReason) {
  auto err = expect_error(service_with(R"({"spec": {"ports": [{"name": "http", "port": 70000}]}})"));
  EXPECT_EQ(err.object, "Service shop/web");
  EXPECT_EQ(err.field, "spec.ports[0].port");
  EXPECT_EQ(err.reason, "must be between 1 and 65535, got 70000");
  EXPECT_EQ(err.str(), "Service shop/web: spec.ports[0].port: must be between 1 and 65535, got 70000");
}

TEST(ParseService, PortRules) {
  EXPECT_EQ(expect_error(service_with(R"({"spec": {"ports": [{"name": "a", "port": 0}]}})")).field,
            "spec.ports[0].port");
  EXPECT_EQ(expect_error(service_with(R"({"spec": {"ports": [{"name": "a"}]}})")).reason, "required");
  EXPECT_EQ(expect_error(service_with(R"({"spec": {"ports": [{"name": "a", "port": -1}]}})")).field,
            "spec.ports[0].port");
  EXPECT_EQ(expect_error(service_with(R"({"spec": {"ports": [{"name": "a", "port": 80, "nodePort": 65536}]}})"))
                .field,
            "spec.ports[0].nodePort");
  EXPECT_EQ(expect_error(service_with(R"({"spec": {"ports": [{"name": "a", "port": 80, "targetPort": 70000}]}})"))
                .field,
            "spec.ports[0].targetPort");
  EXPECT_EQ(expect_error(service_with(R"({"spec": {"ports": [{"name": "a", "port": 80.5}]}})")).reason,
            "must be an integer, got a number with a fraction");
  EXPECT_EQ(expect_error(service_with(R"({"spec": {"ports": [{"name": "a", "port": "80"}]}})")).reason,
            "must be an integer, got a string");
  EXPECT_EQ(expect_error(service_with(R"({"spec": {"ports": {"name": "a"}}})")).field, "spec.ports");
  EXPECT_EQ(expect_error(service_with(R"({"spec": {"ports": [7]}})")).field, "spec.ports[0]");
}

TEST(ParseService, Protocols) {
  auto udp = parse_service(service_with(R"({"spec": {"ports": [{"name": "dns", "port": 53, "protocol": "UDP"}]}})"));
  ASSERT_TRUE(udp);
  EXPECT_EQ(udp->ports[0].protocol, Protocol::UDP);
  auto sctp = parse_service(service_with(R"({"spec": {"ports": [{"name": "s", "port": 9, "protocol": "SCTP"}]}})"));
  ASSERT_TRUE(sctp);
  EXPECT_EQ(sctp->ports[0].protocol, Protocol::SCTP);
  auto err = expect_error(service_with(R"({"spec": {"ports": [{"name": "x", "port": 9, "protocol": "ICMP"}]}})"));
  EXPECT_EQ(err.field, "spec.ports[0].protocol");
  EXPECT_NE(err.reason.find("unsupported protocol"), std::string::npos);
  EXPECT_FALSE(parse_service(service_with(R"({"spec": {"ports": [{"name": "x", "port": 9, "protocol": "tcp"}]}})")));
}

TEST(ParseService, MultiplePortsNeedUniqueNames) {
  auto ok = parse_service(service_with(
      R"({"spec": {"ports": [{"name": "http", "port": 80}, {"name": "https", "port": 443, "targetPort": "tls"}]}})"));
  ASSERT_TRUE(ok) << ok.error().str();
  ASSERT_EQ(ok->ports.size(), 2u);
  EXPECT_EQ(ok->ports[1].target_port.name, "tls");
  EXPECT_TRUE(ok->ports[1].target_port.is_name());

  auto dup = expect_error(service_with(R"({"spec": {"ports": [{"name": "a", "port": 80}, {"name": "a", "port": 81}]}})"));
  EXPECT_EQ(dup.field, "spec.ports[1].name");
  EXPECT_NE(dup.reason.find("duplicate port name"), std::string::npos);

  auto unnamed = expect_error(service_with(R"({"spec": {"ports": [{"name": "a", "port": 80}, {"port": 81}]}})"));
  EXPECT_EQ(unnamed.field, "spec.ports[1].name");

  auto same_port = expect_error(service_with(R"({"spec": {"ports": [{"name": "a", "port": 80}, {"name": "b", "port": 80}]}})"));
  EXPECT_EQ(same_port.field, "spec.ports[1].port");
  // The same number over two protocols is fine (DNS on 53/UDP and 53/TCP).
  EXPECT_TRUE(parse_service(service_with(
      R"({"spec": {"ports": [{"name": "a", "port": 53, "protocol": "UDP"}, {"name": "b", "port": 53}]}})")));
}

TEST(ParseService, TargetPortDefaultsAndForms) {
  auto no_target = parse_service(service_with(R"({"spec": {"ports": [{"name": "a", "port": 80}]}})"));
  ASSERT_TRUE(no_target);
  EXPECT_EQ(no_target->ports[0].target_port.number, 80);
  auto zero = parse_service(service_with(R"({"spec": {"ports": [{"name": "a", "port": 80, "targetPort": 0}]}})"));
  ASSERT_TRUE(zero);
  EXPECT_EQ(zero->ports[0].target_port.number, 80);
  auto empty = parse_service(service_with(R"({"spec": {"ports": [{"name": "a", "port": 80, "targetPort": ""}]}})"));
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->ports[0].target_port.number, 80);
  EXPECT_FALSE(empty->ports[0].target_port.is_name());
  auto bad_name = expect_error(service_with(R"({"spec": {"ports": [{"name": "a", "port": 80, "targetPort": "Not_A_Name"}]}})"));
  EXPECT_EQ(bad_name.field, "spec.ports[0].targetPort");
  EXPECT_FALSE(parse_service(service_with(R"({"spec": {"ports": [{"name": "a", "port": 80, "targetPort": "8080"}]}})")));
  EXPECT_FALSE(parse_service(service_with(R"({"spec": {"ports": [{"name": "a", "port": 80, "targetPort": true}]}})")));
}

TEST(ParseService, NodePorts) {
  auto svc = parse_service(service_with(
      R"({"spec": {"type": "NodePort", "ports": [{"name": "a", "port": 80, "nodePort": 30080}]}})"));
  ASSERT_TRUE(svc);
  EXPECT_EQ(svc->type, ServiceType::NodePort);
  EXPECT_EQ(svc->ports[0].node_port, 30080);
  auto lb = parse_service(service_with(R"({"spec": {"type": "LoadBalancer"}})"));
  ASSERT_TRUE(lb);
  EXPECT_EQ(lb->type, ServiceType::LoadBalancer);
  EXPECT_EQ(expect_error(service_with(R"({"spec": {"type": "Magic"}})")).field, "spec.type");
}

TEST(ParseService, ClusterIPs) {
  auto headless = parse_service(service_with(R"({"spec": {"clusterIP": "None"}})"));
  ASSERT_TRUE(headless);
  EXPECT_TRUE(headless->headless);
  EXPECT_TRUE(headless->cluster_ips.empty());

  auto plural = parse_service(service_with(R"({"spec": {"clusterIP": "10.96.0.99", "clusterIPs": ["10.96.0.20", "fd00::20"]}})"));
  ASSERT_TRUE(plural);
  ASSERT_EQ(plural->cluster_ips.size(), 2u);
  EXPECT_EQ(plural->cluster_ips[0].str(), "10.96.0.20");
  EXPECT_EQ(plural->cluster_ips[1].str(), "fd00::20");

  auto headless_plural = parse_service(service_with(R"({"spec": {"clusterIP": null, "clusterIPs": ["None"]}})"));
  ASSERT_TRUE(headless_plural);
  EXPECT_TRUE(headless_plural->headless);

  auto unallocated = parse_service(service_with(R"({"spec": {"clusterIP": ""}})"));
  ASSERT_TRUE(unallocated);
  EXPECT_TRUE(unallocated->cluster_ips.empty());
  EXPECT_FALSE(unallocated->headless);

  auto bad = expect_error(service_with(R"({"spec": {"clusterIP": "10.96.0.300"}})"));
  EXPECT_EQ(bad.field, "spec.clusterIP");
  EXPECT_NE(bad.reason.find("10.96.0.300"), std::string::npos);
  EXPECT_EQ(expect_error(service_with(R"({"spec": {"clusterIPs": ["10.96.0.1", "x"]}})")).field, "spec.clusterIPs[1]");
  EXPECT_EQ(expect_error(service_with(R"({"spec": {"clusterIP": 5}})")).field, "spec.clusterIP");
}

TEST(ParseService, ExternalName) {
  auto svc = parse_service(service_with(R"({"spec": {"type": "ExternalName", "externalName": "db.example.com"}})"));
  ASSERT_TRUE(svc);
  EXPECT_EQ(svc->type, ServiceType::ExternalName);
  EXPECT_EQ(svc->external_name, "db.example.com");
  EXPECT_TRUE(svc->cluster_ips.empty());
  EXPECT_EQ(expect_error(service_with(R"({"spec": {"type": "ExternalName"}})")).field, "spec.externalName");
}

TEST(ParseService, ExternalAndLoadBalancerIPs) {
  auto svc = parse_service(service_with(R"({
    "spec": {"type": "LoadBalancer", "externalIPs": ["192.0.2.10", "192.0.2.11"]},
    "status": {"loadBalancer": {"ingress": [{"ip": "203.0.113.5"}, {"hostname": "lb.example.com"}]}}})"));
  ASSERT_TRUE(svc) << svc.error().str();
  ASSERT_EQ(svc->external_ips.size(), 2u);
  EXPECT_EQ(svc->external_ips[1].str(), "192.0.2.11");
  ASSERT_EQ(svc->load_balancer_ips.size(), 1u);
  EXPECT_EQ(svc->load_balancer_ips[0].str(), "203.0.113.5");

  EXPECT_EQ(expect_error(service_with(R"({"spec": {"externalIPs": ["192.0.2.10", "nope"]}})")).field,
            "spec.externalIPs[1]");
  EXPECT_EQ(expect_error(service_with(R"({"status": {"loadBalancer": {"ingress": [{"ip": "1.2.3"}]}}})")).field,
            "status.loadBalancer.ingress[0].ip");
}

TEST(ParseService, SessionAffinity) {
  auto defaulted = parse_service(service_with(R"({"spec": {"sessionAffinity": "ClientIP"}})"));
  ASSERT_TRUE(defaulted);
  EXPECT_TRUE(defaulted->session_affinity_client_ip);
  EXPECT_EQ(defaulted->session_affinity_timeout, 10800);

  auto timed = parse_service(service_with(
      R"({"spec": {"sessionAffinity": "ClientIP", "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 60}}}})"));
  ASSERT_TRUE(timed);
  EXPECT_EQ(timed->session_affinity_timeout, 60);

  auto zero = expect_error(service_with(
      R"({"spec": {"sessionAffinity": "ClientIP", "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 0}}}})"));
  EXPECT_EQ(zero.field, "spec.sessionAffinityConfig.clientIP.timeoutSeconds");
  EXPECT_FALSE(parse_service(service_with(
      R"({"spec": {"sessionAffinity": "ClientIP", "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 86401}}}})")));
  EXPECT_TRUE(parse_service(service_with(
      R"({"spec": {"sessionAffinity": "ClientIP", "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 86400}}}})")));
  EXPECT_EQ(expect_error(service_with(R"({"spec": {"sessionAffinity": "Cookie"}})")).field, "spec.sessionAffinity");
  auto none = parse_service(service_with(R"({"spec": {"sessionAffinity": "None"}})"));
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->session_affinity_client_ip);
}

TEST(ParseService, TrafficPolicies) {
  auto local = parse_service(service_with(R"({"spec": {"externalTrafficPolicy": "Local", "internalTrafficPolicy": "Local"}})"));
  ASSERT_TRUE(local);
  EXPECT_EQ(local->external_traffic_policy, TrafficPolicy::Local);
  EXPECT_EQ(local->internal_traffic_policy, TrafficPolicy::Local);
  auto legacy = parse_service(service_with(R"({"spec": {"externalTrafficPolicy": "Global"}})"));
  ASSERT_TRUE(legacy);
  EXPECT_EQ(legacy->external_traffic_policy, TrafficPolicy::Cluster);
  EXPECT_EQ(expect_error(service_with(R"({"spec": {"externalTrafficPolicy": "Nearby"}})")).field,
            "spec.externalTrafficPolicy");
  EXPECT_EQ(expect_error(service_with(R"({"spec": {"internalTrafficPolicy": "Global"}})")).field,
            "spec.internalTrafficPolicy");
}

TEST(ParseService, PublishNotReadyAddresses) {
  auto svc = parse_service(service_with(R"({"spec": {"publishNotReadyAddresses": true}})"));
  ASSERT_TRUE(svc);
  EXPECT_TRUE(svc->publish_not_ready_addresses);
  EXPECT_EQ(expect_error(service_with(R"({"spec": {"publishNotReadyAddresses": "yes"}})")).reason,
            "must be a boolean, got a string");
}

TEST(ParseService, TypeErrorsCarryPaths) {
  EXPECT_EQ(expect_error(service_with(R"({"spec": "oops"})")).field, "spec");
  EXPECT_EQ(expect_error(service_with(R"({"metadata": {"labels": {"app": 5}}})")).field, "metadata.labels.app");
  EXPECT_EQ(expect_error(service_with(R"({"metadata": {"labels": {"app.kubernetes.io/name": 5}}})")).field,
            "metadata.labels[app.kubernetes.io/name]");
  EXPECT_EQ(expect_error(service_with(R"({"metadata": {"namespace": 3}})")).field, "metadata.namespace");
  EXPECT_EQ(expect_error(service_with(R"({"spec": {"selector": []}})")).field, "spec.selector");
  EXPECT_EQ(expect_error(service_with(R"({"spec": {"sessionAffinityConfig": {"clientIP": {"timeoutSeconds": "1"}}, "sessionAffinity": "ClientIP"}})")).field,
            "spec.sessionAffinityConfig.clientIP.timeoutSeconds");
  json no_spec = base_service();
  no_spec.erase("spec");
  EXPECT_EQ(expect_error(no_spec).field, "spec");
}

}  // namespace
}  // namespace skiff::kube
