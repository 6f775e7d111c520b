#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "skiff/kube/parse.h"

namespace skiff::kube {
namespace {

TEST(Manifest, YamlMultiDocumentWithTypedScalars) {
  auto docs = read_manifest_text(R"(# leading comment
---
apiVersion: v1
kind: Service
metadata:
  name: web
  labels:
    version: "80"
    enabled: 'true'
spec:
  clusterIP: 10.96.0.20
  publishNotReadyAddresses: yes
  ports:
  - name: http
    port: 80
    targetPort: http-alt
---
# an empty document between separators is skipped
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: web-1
  labels: {kubernetes.io/service-name: web}
addressType: IPv4
endpoints:
- addresses: [10.244.0.5]
  conditions: {ready: true}
ports:
- {name: http, port: 8080}
...
)",
                                 "web.yaml");
  ASSERT_TRUE(docs.errors.empty()) << docs.errors[0].str();
  ASSERT_EQ(docs.objects.size(), 2u);
  const auto& svc_json = docs.objects[0];
  EXPECT_TRUE(svc_json["spec"]["ports"][0]["port"].is_number_integer());
  EXPECT_TRUE(svc_json["metadata"]["labels"]["version"].is_string());
  EXPECT_TRUE(svc_json["metadata"]["labels"]["enabled"].is_string());
  EXPECT_EQ(svc_json["spec"]["publishNotReadyAddresses"], true);
  auto svc = parse_service(svc_json);
  ASSERT_TRUE(svc) << svc.error().str();
  EXPECT_EQ(svc->ports[0].target_port.name, "http-alt");
  EXPECT_EQ(svc->cluster_ips[0].str(), "10.96.0.20");
  auto slice = parse_endpoint_slice(docs.objects[1]);
  ASSERT_TRUE(slice) << slice.error().str();
  EXPECT_EQ(slice->ports[0].port, 8080);
}

TEST(Manifest, ScalarResolution) {
  auto docs = read_manifest_text(R"(kind: X
a: 0x1F
b: -12
c: 1.5
d: ~
e: "007"
f: 007
g: 1e3
h: 10.0.0.1
i: |
  block
j: Off
k: 99999999999999999999
)",
                                 "s.yaml");
  ASSERT_TRUE(docs.errors.empty());
  const auto& d = docs.objects.at(0);
  EXPECT_EQ(d["a"], 31);
  EXPECT_EQ(d["b"], -12);
  EXPECT_EQ(d["c"], 1.5);
  EXPECT_TRUE(d["d"].is_null());
  EXPECT_EQ(d["e"], "007");
  EXPECT_EQ(d["f"], 7);
  EXPECT_EQ(d["g"], 1000.0);
  EXPECT_EQ(d["h"], "10.0.0.1");
  EXPECT_EQ(d["i"], "block\n");
  EXPECT_EQ(d["j"], false);
  EXPECT_TRUE(d["k"].is_number_float());
}

TEST(Manifest, Json) {
  auto docs = read_manifest_text(R"(  {"kind": "Service", "metadata": {"name": "a"}, "spec": {"ports": [{"port": 80}]}})",
                                 "a.json");
  ASSERT_TRUE(docs.errors.empty());
  ASSERT_EQ(docs.objects.size(), 1u);
  EXPECT_TRUE(parse_service(docs.objects[0]));
}

TEST(Manifest, ListsAreFlattened) {
  auto docs = read_manifest_text(R"({"kind": "List", "apiVersion": "v1", "items": [
      {"kind": "Service", "metadata": {"name": "a"}},
      {"kind": "ServiceList", "items": [{"kind": "Service", "metadata": {"name": "b"}}]},
      {"metadata": {"name": "kindless"}},
      {"kind": "Pod", "metadata": {"name": "c"}}]})",
                                 "list.json");
  ASSERT_EQ(docs.objects.size(), 3u);
  EXPECT_EQ(docs.objects[0]["metadata"]["name"], "a");
  EXPECT_EQ(docs.objects[1]["metadata"]["name"], "b");
  EXPECT_EQ(docs.objects[2]["metadata"]["name"], "c");
  ASSERT_EQ(docs.errors.size(), 1u);
  EXPECT_EQ(docs.errors[0].object, "list.json document 1 item 3");
  EXPECT_EQ(docs.errors[0].field, "kind");

  auto yaml = read_manifest_text("kind: EndpointSliceList\nitems:\n- kind: EndpointSlice\n  metadata: {name: s}\n",
                                 "l.yaml");
  ASSERT_EQ(yaml.objects.size(), 1u);
  EXPECT_EQ(yaml.objects[0]["kind"], "EndpointSlice");
}

TEST(Manifest, BadDocumentDoesNotSpoilTheOthers) {
  auto docs = read_manifest_text(R"(kind: Service
metadata: {name: a}
---
kind: Service
metadata: {name: [unclosed
---
- just
- a list
---
kind: Service
metadata: {name: c}
)",
                                 "mixed.yaml");
  ASSERT_EQ(docs.objects.size(), 2u);
  EXPECT_EQ(docs.objects[1]["metadata"]["name"], "c");
  ASSERT_EQ(docs.errors.size(), 2u);
  EXPECT_EQ(docs.errors[0].object, "mixed.yaml document 2");
  EXPECT_NE(docs.errors[0].reason.find("line 6"), std::string::npos) << docs.errors[0].reason;
  EXPECT_EQ(docs.errors[1].object, "mixed.yaml document 3");
  EXPECT_EQ(docs.errors[1].reason, "must be an object");
}

TEST(Manifest, GarbageNeverThrows) {
  const char* inputs[] = {"{", "[1,2", "\x01\x02\xff\xfe", "key: [a, {b: ]", ": : :", "{\"kind\": 5}", "42",
                          "kind: [", "\t\tkind: x", "&a [*a]", "*undefined"};
  for (const char* text : inputs) {
    ManifestDocuments docs;
    EXPECT_NO_THROW(docs = read_manifest_text(text, "junk"));
    EXPECT_TRUE(docs.objects.empty()) << text;
    EXPECT_FALSE(docs.errors.empty()) << text;
  }
  std::string deep(100000, '[');
  EXPECT_NO_THROW(read_manifest_text("kind: x\na: " + deep, "deep"));
  EXPECT_NO_THROW(read_manifest_text(deep, "deep.json"));
  EXPECT_TRUE(read_manifest_text("", "empty").objects.empty());
  EXPECT_TRUE(read_manifest_text("", "empty").errors.empty());
}

TEST(Manifest, NonStringKeys) {
  auto docs = read_manifest_text("kind: X\n? [a, b]\n: 1\n", "k.yaml");
  EXPECT_TRUE(docs.objects.empty());
  ASSERT_EQ(docs.errors.size(), 1u);
}

TEST(Manifest, ReadsFiles) {
  char path[] = "/tmp/skiff-manifest-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  {
    std::ofstream out(path);
    out << "kind: Namespace\nmetadata: {name: shop}\n";
  }
  auto docs = read_manifest_file(path);
  std::remove(path);
  ASSERT_EQ(docs.objects.size(), 1u);
  EXPECT_TRUE(parse_namespace(docs.objects[0]));

  auto missing = read_manifest_file("/nonexistent/skiff.yaml");
  ASSERT_EQ(missing.errors.size(), 1u);
  EXPECT_EQ(missing.errors[0].object, "/nonexistent/skiff.yaml");
}

}  // namespace
}  // namespace skiff::kube
