#include "discovery.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace skiff::apiserver {
namespace {

using nlohmann::json;

class DiscoveryTest : public ::testing::Test {
 protected:
  DiscoveryDocuments docs{apimachinery::ResourceRegistry::builtin(), "127.0.0.1:6443"};
};

TEST_F(DiscoveryTest, AggregatedAppsHasDeploymentsWithScale) {
  json groups = json::parse(docs.aggregated_groups());
  EXPECT_EQ(groups["apiVersion"], "apidiscovery.k8s.io/v2");
  const json* deployments = nullptr;
  for (const auto& item : groups["items"])
    if (item["metadata"]["name"] == "apps")
      for (const auto& r : item["versions"][0]["resources"])
        if (r["resource"] == "deployments") deployments = &r;
  ASSERT_NE(deployments, nullptr);
  EXPECT_EQ((*deployments)["scope"], "Namespaced");
  EXPECT_EQ((*deployments)["shortNames"], json({"deploy"}));
  EXPECT_EQ((*deployments)["categories"], json({"all"}));
  bool scale = false;
  for (const auto& sub : (*deployments)["subresources"])
    if (sub["subresource"] == "scale") scale = sub["responseKind"]["kind"] == "Scale";
  EXPECT_TRUE(scale);
}

TEST_F(DiscoveryTest, CoreIsOneItemNamedEmpty) {
  json core = json::parse(docs.aggregated_core());
  ASSERT_EQ(core["items"].size(), 1u);
  EXPECT_EQ(core["items"][0]["metadata"]["name"], "");
}

TEST_F(DiscoveryTest, LegacyListsCarrySubresourcesAndSingularNames) {
  ASSERT_NE(docs.resource_list("apps/v1"), nullptr);
  json list = json::parse(*docs.resource_list("apps/v1"));
  bool scale = false, singular = false;
  for (const auto& r : list["resources"]) {
    if (r["name"] == "deployments/scale") scale = r["group"] == "autoscaling" && r["kind"] == "Scale";
    if (r["name"] == "deployments") singular = r["singularName"] == "deployment";
  }
  EXPECT_TRUE(scale);
  EXPECT_TRUE(singular);
  EXPECT_EQ(docs.resource_list("nope/v1"), nullptr);
  json versions = json::parse(docs.api_versions());
  EXPECT_EQ(versions["versions"], json({"v1"}));
  EXPECT_TRUE(versions["serverAddressByClientCIDRs"].is_array());
}

TEST(AggregatedDiscovery, AcceptHeaderDetection) {
  EXPECT_TRUE(wants_aggregated_discovery(
      "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"));
  EXPECT_FALSE(wants_aggregated_discovery("application/json"));
}

}  // namespace
}  // namespace skiff::apiserver
