#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "skiff/apimachinery/crd.h"
#include "skiff/apimachinery/defaulting.h"
#include "skiff/apimachinery/table.h"
#include "skiff/apimachinery/validation.h"

namespace skiff::apimachinery {
namespace {

using json = nlohmann::json;

const char* kCrd = R"({"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
  "metadata":{"name":"widgets.example.com"},
  "spec":{"group":"example.com","scope":"Namespaced",
    "names":{"plural":"widgets","singular":"widget","kind":"Widget","shortNames":["wd"],"categories":["all"]},
    "versions":[
      {"name":"v1","served":true,"storage":true,"subresources":{"status":{},"scale":{"specReplicasPath":".spec.size"}},
       "additionalPrinterColumns":[{"name":"Size","type":"integer","jsonPath":".spec.size"}],
       "schema":{"openAPIV3Schema":{"type":"object","properties":{
         "spec":{"type":"object","required":["color"],"properties":{
           "size":{"type":"integer","default":1},
           "color":{"type":"string","enum":["red","blue"]},
           "port":{"x-kubernetes-int-or-string":true},
           "extra":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}},
         "status":{"type":"object","properties":{"ready":{"type":"boolean"}}}}}}},
      {"name":"v1alpha1","served":false,"storage":false}]}})";

TEST(Crd, RegistersServedVersionsWithSchemaDrivenBehaviour) {
  auto resources = ResourceRegistry::builtin();
  auto schemas = SchemaRegistry::builtin();
  ASSERT_TRUE(register_crd(json::parse(kCrd), resources, schemas));
  const ResourceInfo* r = resources.find(GroupVersionResource{"example.com", "v1", "widgets"});
  ASSERT_NE(r, nullptr);
  EXPECT_TRUE(r->custom);
  EXPECT_EQ(r->short_names, std::vector<std::string>{"wd"});
  ASSERT_NE(r->subresource("scale"), nullptr);
  EXPECT_EQ(resources.find(GroupVersionResource{"example.com", "v1alpha1", "widgets"}), nullptr);

  const GroupVersionKind gvk = r->gvk();
  json w = json::parse(R"({"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w1"},"spec":{"color":"red","extra":{"any":1}}})");
  apply_defaults(schemas, gvk, w);
  EXPECT_EQ(w["spec"]["size"], 1);
  EXPECT_TRUE(validate(schemas, gvk, w).empty());
  EXPECT_TRUE(unknown_fields(schemas, gvk, w).empty());

  json bad = json::parse(R"({"metadata":{"name":"w2"},"spec":{"color":"green","size":"big","nope":1}})");
  auto causes = validate(schemas, gvk, bad);
  ASSERT_EQ(causes.size(), 2u);
  EXPECT_EQ(causes[0].field, "spec.color");
  EXPECT_EQ(causes[0].reason, "FieldValueNotSupported");
  EXPECT_EQ(causes[1].field, "spec.size");
  EXPECT_EQ(causes[1].reason, "FieldValueTypeInvalid");
  EXPECT_EQ(unknown_fields(schemas, gvk, bad), std::vector<std::string>{"spec.nope"});
  json missing = json::parse(R"({"metadata":{"name":"w3"},"spec":{}})");
  EXPECT_EQ(validate(schemas, gvk, missing).at(0).field, "spec.color");

  TableOptions o;
  o.printer_columns = r->printer_columns;
  json t = to_table(gvk, {&w}, o);
  EXPECT_EQ(t["rows"][0]["cells"], json::parse(R"(["w1",1])"));
}

TEST(Crd, MalformedDefinitionsAreErrors) {
  EXPECT_FALSE(custom_resources_from_crd(json::parse(R"({"spec":{"group":"a.b"}})")));
  EXPECT_FALSE(custom_resources_from_crd(json::parse(R"({"spec":{"group":"a.b","names":{"kind":"A","plural":"as"},"versions":[]}})")));
  auto bad_schema = custom_resources_from_crd(json::parse(
      R"({"spec":{"group":"a.b","names":{"kind":"A","plural":"as"},"versions":[{"name":"v1","served":true,"schema":{"openAPIV3Schema":{"type":"wat"}}}]}})"));
  ASSERT_FALSE(bad_schema);
  EXPECT_EQ(bad_schema.error().code, 400);
  // no printer columns: Age
  auto plain = custom_resources_from_crd(json::parse(
      R"({"spec":{"group":"a.b","scope":"Cluster","names":{"kind":"A","plural":"as"},"versions":[{"name":"v1","served":true}]}})"));
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->at(0).info.namespaced);
  EXPECT_EQ(plain->at(0).info.singular, "a");
  EXPECT_EQ(plain->at(0).info.printer_columns.at(0).name, "Age");
}

}  // namespace
}  // namespace skiff::apimachinery
