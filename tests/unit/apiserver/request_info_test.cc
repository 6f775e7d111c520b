#include "rest/request_info.h"

#include <gtest/gtest.h>

namespace skiff::apiserver {
namespace {

class RequestInfoTest : public ::testing::Test {
 protected:
  apimachinery::ResourceRegistry registry = apimachinery::ResourceRegistry::builtin();
  ResourceRequest parse(std::string_view method, std::string_view path, bool watch = false) {
    ResourceRequest out;
    EXPECT_EQ(parse_resource_path(registry, method, path, watch, out), PathMatch::Ok) << path;
    return out;
  }
};

TEST_F(RequestInfoTest, NamespacedObjectWithSubresource) {
  auto r = parse("PATCH", "/apis/apps/v1/namespaces/prod/deployments/web/scale");
  ASSERT_NE(r.resource, nullptr);
  EXPECT_EQ(r.resource->plural, "deployments");
  EXPECT_EQ(r.namespace_name, "prod");
  EXPECT_EQ(r.name, "web");
  EXPECT_EQ(r.subresource, "scale");
  EXPECT_EQ(r.verb, "patch");
}

TEST_F(RequestInfoTest, NamespaceItselfAndItsStatus) {
  auto ns = parse("GET", "/api/v1/namespaces/kube-system");
  EXPECT_EQ(ns.resource->plural, "namespaces");
  EXPECT_EQ(ns.name, "kube-system");
  EXPECT_EQ(ns.verb, "get");
  auto status = parse("PUT", "/api/v1/namespaces/kube-system/status");
  EXPECT_EQ(status.resource->plural, "namespaces");
  EXPECT_EQ(status.subresource, "status");
}

TEST_F(RequestInfoTest, VerbsFromMethodAndWatch) {
  EXPECT_EQ(parse("GET", "/api/v1/pods").verb, "list");
  EXPECT_EQ(parse("GET", "/api/v1/namespaces/a/pods", true).verb, "watch");
  EXPECT_EQ(parse("DELETE", "/api/v1/namespaces/a/pods").verb, "deletecollection");
  EXPECT_EQ(parse("DELETE", "/api/v1/namespaces/a/pods/p").verb, "delete");
  EXPECT_EQ(parse("POST", "/api/v1/namespaces/a/pods").verb, "create");
}

TEST_F(RequestInfoTest, UnknownResourceAndDiscoveryPaths) {
  ResourceRequest out;
  EXPECT_EQ(parse_resource_path(registry, "GET", "/api/v1/frobs", false, out), PathMatch::UnknownResource);
  EXPECT_EQ(parse_resource_path(registry, "GET", "/apis/apps/v1", false, out), PathMatch::NotApi);
  EXPECT_EQ(parse_resource_path(registry, "GET", "/healthz", false, out), PathMatch::NotApi);
}

}  // namespace
}  // namespace skiff::apiserver
