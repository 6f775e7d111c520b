#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "skiff/apimachinery/openapi.h"

namespace skiff::apimachinery {
namespace {

using json = nlohmann::json;

const OpenApiV3& docs() {
  static const OpenApiV3 d = OpenApiV3::build(ResourceRegistry::builtin(), SchemaRegistry::builtin());
  return d;
}

json doc(const char* path) {
  const std::string* text = docs().document(path);
  EXPECT_NE(text, nullptr) << path;
  return text ? json::parse(*text) : json();
}

// Optional: SKIFF_OPENAPI_DUMP_DIR=dir writes the index and documents, to try kubectl against them.
void dump_if_asked() {
  const char* dir = std::getenv("SKIFF_OPENAPI_DUMP_DIR");
  if (!dir) return;
  std::ofstream(std::string(dir) + "/index.json") << docs().index();
  const json index = json::parse(docs().index());
  for (const auto& [path, _] : index["paths"].items()) {
    std::string file = path;
    for (auto& c : file)
      if (c == '/') c = '_';
    std::ofstream(std::string(dir) + "/" + file + ".json") << *docs().document(path);
  }
}

TEST(OpenApi, IndexListsEveryGroupVersionWithHash) {
  dump_if_asked();
  json index = json::parse(docs().index());
  for (const char* p : {"api/v1", "apis/apps/v1", "apis/batch/v1", "apis/networking.k8s.io/v1", "apis/autoscaling/v2",
                        "apis/rbac.authorization.k8s.io/v1", "apis/apiextensions.k8s.io/v1"}) {
    ASSERT_TRUE(index["paths"].contains(p)) << p;
    std::string url = index["paths"][p]["serverRelativeURL"];
    EXPECT_EQ(url, "/openapi/v3/" + std::string(p) + "?hash=" + docs().hash(p));
    EXPECT_EQ(docs().hash(p).size(), 32u);
  }
  EXPECT_EQ(docs().document("apis/nope/v1"), nullptr);
  EXPECT_NE(docs().document("/api/v1"), nullptr);
}

TEST(OpenApi, DeploymentContainersCarryMergeKey) {
  json d = doc("apis/apps/v1");
  const json& schemas = d["components"]["schemas"];
  const json& deployment = schemas["io.k8s.api.apps.v1.Deployment"];
  EXPECT_EQ(deployment["x-kubernetes-group-version-kind"][0], json::parse(R"({"group":"apps","version":"v1","kind":"Deployment"})"));
  const json& containers = schemas["io.k8s.api.core.v1.PodSpec"]["properties"]["containers"];
  EXPECT_EQ(containers["x-kubernetes-patch-merge-key"], "name");
  EXPECT_EQ(containers["x-kubernetes-patch-strategy"], "merge");
  EXPECT_EQ(containers["x-kubernetes-list-type"], "map");
  EXPECT_EQ(containers["x-kubernetes-list-map-keys"], json::array({"name"}));
  EXPECT_EQ(containers["items"]["allOf"][0]["$ref"], "#/components/schemas/io.k8s.api.core.v1.Container");
  EXPECT_EQ(schemas["io.k8s.api.apps.v1.DeploymentSpec"]["properties"]["strategy"]["x-kubernetes-patch-strategy"], "retainKeys");
  EXPECT_EQ(schemas["io.k8s.api.core.v1.PodSpec"]["properties"]["volumes"]["x-kubernetes-patch-strategy"], "merge,retainKeys");
  // every $ref resolves inside the document
  std::function<void(const json&)> check = [&](const json& v) {
    if (v.is_object()) {
      if (v.contains("$ref")) {
        std::string r = v["$ref"];
        EXPECT_TRUE(schemas.contains(r.substr(std::string("#/components/schemas/").size()))) << r;
      }
      for (const auto& [k, sub] : v.items()) check(sub);
    } else if (v.is_array()) {
      for (const auto& sub : v) check(sub);
    }
  };
  check(d);
}

TEST(OpenApi, PatchOperationsOfferFieldValidation) {
  // kubectl --validate=strict looks for a PATCH with the kind's GVK and a fieldValidation query parameter.
  json d = doc("apis/apps/v1");
  const json& patch = d["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"];
  EXPECT_EQ(patch["x-kubernetes-group-version-kind"], json::parse(R"({"group":"apps","version":"v1","kind":"Deployment"})"));
  bool has = false;
  for (const auto& p : patch["parameters"]) has = has || (p["name"] == "fieldValidation" && p["in"] == "query");
  EXPECT_TRUE(has);
  EXPECT_TRUE(patch["requestBody"]["content"].contains("application/strategic-merge-patch+json"));
  json core = doc("api/v1");
  EXPECT_TRUE(core["paths"].contains("/api/v1/namespaces/{namespace}/pods/{name}"));
  EXPECT_TRUE(core["paths"].contains("/api/v1/nodes/{name}"));
  EXPECT_TRUE(core["paths"]["/api/v1/namespaces/{name}"].contains("patch"));
  EXPECT_TRUE(d["paths"].contains("/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale"));
}

TEST(OpenApi, CustomResourcesAppearInTheirGroup) {
  auto resources = ResourceRegistry::builtin();
  auto schemas = SchemaRegistry::builtin();
  ResourceInfo crd{.group = "example.com", .version = "v1", .kind = "Widget", .plural = "widgets", .singular = "widget"};
  crd.verbs = {"create", "delete", "get", "list", "patch", "update", "watch"};
  ASSERT_TRUE(resources.add_custom(crd));
  auto schema = SchemaRegistry::from_openapi_v3(
      json::parse(R"({"type":"object","properties":{"spec":{"type":"object","properties":{"size":{"type":"integer","default":1}}}}})"),
      crd.gvk());
  ASSERT_TRUE(schema);
  schemas.add_custom(crd.gvk(), *schema);
  auto built = OpenApiV3::build(resources, schemas);
  const std::string* text = built.document("apis/example.com/v1");
  ASSERT_NE(text, nullptr);
  json d = json::parse(*text);
  EXPECT_EQ(d["components"]["schemas"]["com.example.v1.Widget"]["properties"]["spec"]["properties"]["size"]["default"], 1);
  EXPECT_TRUE(d["paths"]["/apis/example.com/v1/namespaces/{namespace}/widgets/{name}"].contains("patch"));
}

}  // namespace
}  // namespace skiff::apimachinery
