#include "rest/object_codec.h"

#include <gtest/gtest.h>

namespace skiff::apiserver {
namespace {

using nlohmann::json;

TEST(WithResourceVersion, SplicesIntoTopLevelMetadata) {
  std::string stored = R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"web"},"spec":{}})";
  EXPECT_EQ(with_resource_version(stored, 42),
            R"({"apiVersion":"v1","kind":"Pod","metadata":{"resourceVersion":"42","name":"web"},"spec":{}})");
}

TEST(WithResourceVersion, EmptyMetadataGetsNoTrailingComma) {
  EXPECT_EQ(with_resource_version(R"({"metadata":{}})", 7), R"({"metadata":{"resourceVersion":"7"}})");
}

TEST(WithResourceVersion, IgnoresNestedAndQuotedMetadataKeys) {
  // A ConfigMap whose data mentions "metadata" and a template with its own metadata come first.
  std::string stored =
      R"({"a":{"metadata":{"x":1}},"data":{"k":"\"metadata\":{"},"metadata":{"name":"cm"}})";
  json out = json::parse(with_resource_version(stored, 9));
  EXPECT_EQ(out["metadata"]["resourceVersion"], "9");
  EXPECT_FALSE(out["a"]["metadata"].contains("resourceVersion"));
  EXPECT_EQ(out["data"]["k"], "\"metadata\":{");
}

TEST(EncodeForStorage, DropsResourceVersion) {
  json object = {{"metadata", {{"name", "x"}, {"resourceVersion", "5"}}}};
  EXPECT_EQ(encode_for_storage(object), R"({"metadata":{"name":"x"}})");
}

TEST(DecodeBody, YamlBecomesTypedJson) {
  auto body = decode_body("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  port: \"80\"\n  n: x\nreplicas: 3\nok: true\n",
                          "application/yaml");
  ASSERT_TRUE(body) << body.error().message;
  EXPECT_EQ((*body)["metadata"]["name"], "c");
  EXPECT_EQ((*body)["data"]["port"], "80");
  EXPECT_EQ((*body)["replicas"], 3);
  EXPECT_EQ((*body)["ok"], true);
}

TEST(DecodeBody, MalformedJsonIsBadRequest) {
  auto body = decode_body("{\"kind\": ", "application/json");
  ASSERT_FALSE(body);
  EXPECT_EQ(body.error().code, 400);
  EXPECT_EQ(body.error().reason, "BadRequest");
}

}  // namespace
}  // namespace skiff::apiserver
