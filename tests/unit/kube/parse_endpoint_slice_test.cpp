#include <gtest/gtest.h>

#include "skiff/kube/parse.h"
#include "test_json.h"

namespace skiff::kube {
namespace {

using nlohmann::json;

json base_slice() {
  return J(R"({
    "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
    "metadata": {"name": "web-abc", "namespace": "shop", "labels": {"kubernetes.io/service-name": "web"}},
    "addressType": "IPv4",
    "endpoints": [
      {"addresses": ["10.244.1.5"], "nodeName": "node-a", "zone": "z1", "hostname": "web-0",
       "conditions": {"ready": true, "serving": true, "terminating": false},
       "targetRef": {"kind": "Pod", "namespace": "shop", "name": "web-0"}},
      {"addresses": ["10.244.2.6"]}
    ],
    "ports": [{"name": "http", "protocol": "TCP", "port": 8080}]
  })");
}

json slice_with(std::string_view patch) {
  json doc = base_slice();
  doc.merge_patch(J(patch));
  return doc;
}

ParseError expect_error(const json& doc) {
  auto result = parse_endpoint_slice(doc);
  EXPECT_FALSE(result.has_value());
  return result ? ParseError{} : result.error();
}

EndpointConditions conditions_of(std::string_view conditions_json) {
  json doc = base_slice();
  doc["endpoints"][0]["conditions"] = J(conditions_json);
  auto slice = parse_endpoint_slice(doc);
  EXPECT_TRUE(slice);
  return slice ? slice->endpoints[0].conditions : EndpointConditions{};
}

TEST(ParseEndpointSlice, ReadsEverything) {
  auto slice = parse_endpoint_slice(base_slice());
  ASSERT_TRUE(slice) << slice.error().str();
  EXPECT_EQ(slice->meta.key(), "shop/web-abc");
  EXPECT_EQ(slice->service_name, "web");
  EXPECT_EQ(slice->address_type, AddressType::IPv4);
  ASSERT_EQ(slice->endpoints.size(), 2u);
  const Endpoint& ep = slice->endpoints[0];
  ASSERT_EQ(ep.addresses.size(), 1u);
  EXPECT_EQ(ep.addresses[0].str(), "10.244.1.5");
  EXPECT_EQ(ep.node_name, "node-a");
  EXPECT_EQ(ep.zone, "z1");
  EXPECT_EQ(ep.hostname, "web-0");
  ASSERT_TRUE(ep.target_ref);
  EXPECT_EQ(ep.target_ref->kind, "Pod");
  EXPECT_EQ(ep.target_ref->ns, "shop");
  EXPECT_EQ(ep.target_ref->name, "web-0");
  EXPECT_FALSE(slice->endpoints[1].node_name);
  EXPECT_FALSE(slice->endpoints[1].target_ref);
  ASSERT_EQ(slice->ports.size(), 1u);
  EXPECT_EQ(slice->ports[0].name, "http");
  EXPECT_EQ(slice->ports[0].protocol, Protocol::TCP);
  EXPECT_EQ(slice->ports[0].port, 8080);
}

TEST(ParseEndpointSlice, ConditionDefaultsFollowTheApi) {
  // Unset everything: ready, serving (= ready), not terminating.
  auto none = conditions_of("{}");
  EXPECT_TRUE(none.ready);
  EXPECT_TRUE(none.serving);
  EXPECT_FALSE(none.terminating);
  // Unset serving defers to ready.
  auto not_ready = conditions_of(R"({"ready": false})");
  EXPECT_FALSE(not_ready.ready);
  EXPECT_FALSE(not_ready.serving);
  auto terminating = conditions_of(R"({"ready": false, "serving": true, "terminating": true})");
  EXPECT_FALSE(terminating.ready);
  EXPECT_TRUE(terminating.serving);
  EXPECT_TRUE(terminating.terminating);
  auto nulls = conditions_of(R"({"ready": null, "serving": null, "terminating": null})");
  EXPECT_TRUE(nulls.ready);
  EXPECT_TRUE(nulls.serving);
  EXPECT_FALSE(nulls.terminating);
  // No conditions object at all.
  json doc = base_slice();
  auto slice = parse_endpoint_slice(doc);
  ASSERT_TRUE(slice);
  EXPECT_TRUE(slice->endpoints[1].conditions.ready);
  EXPECT_TRUE(slice->endpoints[1].conditions.serving);
}

TEST(ParseEndpointSlice, ServiceNameLabelIsRequired) {
  json doc = base_slice();
  doc["metadata"]["labels"].erase("kubernetes.io/service-name");
  auto err = expect_error(doc);
  EXPECT_EQ(err.object, "EndpointSlice shop/web-abc");
  EXPECT_EQ(err.field, "metadata.labels[kubernetes.io/service-name]");
}

TEST(ParseEndpointSlice, AddressTypeIsRequiredAndChecked) {
  json doc = base_slice();
  doc.erase("addressType");
  EXPECT_EQ(expect_error(doc).field, "addressType");
  EXPECT_EQ(expect_error(slice_with(R"({"addressType": "IPv5"})")).field, "addressType");
  auto err = expect_error(slice_with(R"({"addressType": "IPv6"})"));
  EXPECT_EQ(err.field, "endpoints[0].addresses[0]");
  EXPECT_NE(err.reason.find("IPv6"), std::string::npos);
}

TEST(ParseEndpointSlice, IPv6AndFqdnSlices) {
  auto v6 = parse_endpoint_slice(slice_with(R"({"addressType": "IPv6", "endpoints": [{"addresses": ["fd00::5"]}]})"));
  ASSERT_TRUE(v6) << v6.error().str();
  EXPECT_EQ(v6->address_type, AddressType::IPv6);
  EXPECT_EQ(v6->endpoints[0].addresses[0].str(), "fd00::5");
  auto fqdn = parse_endpoint_slice(slice_with(R"({"addressType": "FQDN", "endpoints": [{"addresses": ["db.example.com"]}]})"));
  ASSERT_TRUE(fqdn) << fqdn.error().str();
  EXPECT_EQ(fqdn->address_type, AddressType::FQDN);
  EXPECT_TRUE(fqdn->endpoints[0].addresses.empty());
}

TEST(ParseEndpointSlice, AddressesAreRequiredAndValid) {
  EXPECT_EQ(expect_error(slice_with(R"({"endpoints": [{"nodeName": "a"}]})")).field, "endpoints[0].addresses");
  EXPECT_EQ(expect_error(slice_with(R"({"endpoints": [{"addresses": []}]})")).field, "endpoints[0].addresses");
  EXPECT_EQ(expect_error(slice_with(R"({"endpoints": [{"addresses": ["10.0.0.1"]}, {"addresses": ["10.0.0.x"]}]})")).field,
            "endpoints[1].addresses[0]");
  EXPECT_EQ(expect_error(slice_with(R"({"endpoints": [{"addresses": [7]}]})")).field, "endpoints[0].addresses[0]");
  EXPECT_EQ(expect_error(slice_with(R"({"endpoints": [{"addresses": ["10.0.0.1"], "conditions": {"ready": "yes"}}]})")).field,
            "endpoints[0].conditions.ready");
  EXPECT_EQ(expect_error(slice_with(R"({"endpoints": [{"addresses": ["10.0.0.1"], "nodeName": 3}]})")).field,
            "endpoints[0].nodeName");
  EXPECT_EQ(expect_error(slice_with(R"({"endpoints": "none"})")).field, "endpoints");
}

TEST(ParseEndpointSlice, EmptyEndpointsAreFine) {
  auto slice = parse_endpoint_slice(slice_with(R"({"endpoints": null})"));
  ASSERT_TRUE(slice);
  EXPECT_TRUE(slice->endpoints.empty());
}

TEST(ParseEndpointSlice, Ports) {
  auto unnamed = parse_endpoint_slice(slice_with(R"({"ports": [{"port": 80}]})"));
  ASSERT_TRUE(unnamed);
  EXPECT_EQ(unnamed->ports[0].name, "");
  EXPECT_EQ(unnamed->ports[0].protocol, Protocol::TCP);
  auto portless = parse_endpoint_slice(slice_with(R"({"ports": [{"name": "x", "protocol": "UDP"}]})"));
  ASSERT_TRUE(portless);
  EXPECT_FALSE(portless->ports[0].port);
  EXPECT_EQ(portless->ports[0].protocol, Protocol::UDP);
  EXPECT_EQ(expect_error(slice_with(R"({"ports": [{"name": "x", "port": 0}]})")).field, "ports[0].port");
  EXPECT_EQ(expect_error(slice_with(R"({"ports": [{"name": "x", "port": 1, "protocol": "GRE"}]})")).reason.find(
                "unsupported protocol"),
            0u);
  EXPECT_EQ(expect_error(slice_with(R"({"ports": [{"name": "x", "port": 1}, {"name": "x", "port": 2}]})")).field,
            "ports[1].name");
}

TEST(ParseEndpointSlice, WrongKind) {
  EXPECT_EQ(expect_error(slice_with(R"({"kind": "Endpoints"})")).field, "kind");
}

}  // namespace
}  // namespace skiff::kube
