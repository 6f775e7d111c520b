#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "skiff/apimachinery/patch.h"

namespace skiff::apimachinery {
namespace {

using json = nlohmann::json;
const GroupVersionKind kDeployment{"apps", "v1", "Deployment"};
const GroupVersionKind kPod{"", "v1", "Pod"};

json live_deployment() {
  return json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment",
    "metadata":{"name":"web","labels":{"app":"web","tier":"front"},"finalizers":["a.example.com/x","b.example.com/y"]},
    "spec":{"replicas":2,"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"}},
      "template":{"spec":{"containers":[
        {"name":"nginx","image":"nginx:1.26","args":["-a","-b"],"ports":[{"containerPort":80,"protocol":"TCP"}],
         "env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]},
        {"name":"sidecar","image":"busybox:1.36"}]}}}})");
}

ApiResult<json> smp(const json& current, const char* patch) {
  return apply_patch(PatchType::StrategicMerge, kDeployment, current, patch);
}

TEST(StrategicMerge, Cases) {
  struct Case {
    const char* what;
    const char* patch;
    const char* pointer;   // where to look in the result
    const char* expected;  // JSON
  } cases[] = {
      {"merge container by name", R"({"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.27"}]}}}})",
       "/spec/template/spec/containers",
       R"([{"name":"nginx","image":"nginx:1.27","args":["-a","-b"],"ports":[{"containerPort":80,"protocol":"TCP"}],
           "env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]},{"name":"sidecar","image":"busybox:1.36"}])"},
      {"delete container", R"({"spec":{"template":{"spec":{"containers":[{"name":"sidecar","$patch":"delete"}]}}}})",
       "/spec/template/spec/containers/1", "null"},
      {"add container appends", R"({"spec":{"template":{"spec":{"containers":[{"name":"log","image":"fluent:1"}]}}}})",
       "/spec/template/spec/containers/2/name", R"("log")"},
      {"setElementOrder reorders",
       R"({"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"sidecar"},{"name":"nginx"}],
           "containers":[{"name":"sidecar","image":"busybox:1.37"}]}}}})",
       "/spec/template/spec/containers/0", R"({"name":"sidecar","image":"busybox:1.37"})"},
      {"env merged by name, null deletes a field",
       R"({"spec":{"template":{"spec":{"containers":[{"name":"nginx","env":[{"name":"B","value":null},{"name":"C","value":"3"}]}]}}}})",
       "/spec/template/spec/containers/0/env", R"([{"name":"A","value":"1"},{"name":"B"},{"name":"C","value":"3"}])"},
      {"args (no strategy) replaced", R"({"spec":{"template":{"spec":{"containers":[{"name":"nginx","args":["-c"]}]}}}})",
       "/spec/template/spec/containers/0/args", R"(["-c"])"},
      {"ports merged by containerPort",
       R"({"spec":{"template":{"spec":{"containers":[{"name":"nginx","ports":[{"containerPort":443}]}]}}}})",
       "/spec/template/spec/containers/0/ports", R"([{"containerPort":80,"protocol":"TCP"},{"containerPort":443}])"},
      {"retainKeys drops rollingUpdate on Recreate",
       R"({"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate","rollingUpdate":null}}})", "/spec/strategy",
       R"({"type":"Recreate"})"},
      {"finalizers are a merged set", R"({"metadata":{"finalizers":["c.example.com/z","a.example.com/x"]}})",
       "/metadata/finalizers", R"(["a.example.com/x","b.example.com/y","c.example.com/z"])"},
      {"deleteFromPrimitiveList", R"({"metadata":{"$deleteFromPrimitiveList/finalizers":["a.example.com/x"]}})",
       "/metadata/finalizers", R"(["b.example.com/y"])"},
      {"null deletes a label", R"({"metadata":{"labels":{"tier":null,"env":"prod"}}})", "/metadata/labels",
       R"({"app":"web","env":"prod"})"},
      {"$patch replace on a map", R"({"metadata":{"labels":{"$patch":"replace","only":"this"}}})", "/metadata/labels",
       R"({"only":"this"})"},
      {"$patch replace on a list",
       R"({"spec":{"template":{"spec":{"containers":[{"$patch":"replace"},{"name":"solo","image":"s:1"}]}}}})",
       "/spec/template/spec/containers", R"([{"name":"solo","image":"s:1"}])"},
      {"restartedAt annotation added to template",
       R"({"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2025-01-01T00:00:00Z"}}}}})",
       "/spec/template/metadata/annotations/kubectl.kubernetes.io~1restartedAt", R"("2025-01-01T00:00:00Z")"},
  };
  for (const auto& c : cases) {
    auto r = smp(live_deployment(), c.patch);
    ASSERT_TRUE(r) << c.what << ": " << r.error().message;
    json::json_pointer p(c.pointer);
    json got = r->contains(p) ? (*r)[p] : json();
    EXPECT_EQ(got, json::parse(c.expected)) << c.what << ": " << got.dump();
  }
}

TEST(StrategicMerge, KubectlApplyThreeWayPatch) {
  // What kubectl apply sends after a manifest changed the image and dropped the sidecar.
  const char* patch = R"({"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}"}},
    "spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"}],
    "containers":[{"image":"nginx:1.27","name":"nginx"},{"$patch":"delete","name":"sidecar"}]}}}})";
  auto r = smp(live_deployment(), patch);
  ASSERT_TRUE(r) << r.error().message;
  const json& containers = (*r)["spec"]["template"]["spec"]["containers"];
  ASSERT_EQ(containers.size(), 1u);
  EXPECT_EQ(containers[0]["image"], "nginx:1.27");
  EXPECT_EQ(containers[0]["args"], json::parse(R"(["-a","-b"])"));
  EXPECT_EQ((*r)["spec"]["replicas"], 2);
}

TEST(StrategicMerge, Errors) {
  auto missing_key = smp(live_deployment(), R"({"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}})");
  ASSERT_FALSE(missing_key);
  EXPECT_EQ(missing_key.error().code, 400);
  EXPECT_NE(missing_key.error().message.find("does not contain declared merge key: name"), std::string::npos);
  auto bad_directive = smp(live_deployment(), R"({"metadata":{"$patch":"explode"}})");
  ASSERT_FALSE(bad_directive);
  EXPECT_EQ(bad_directive.error().code, 400);
  auto custom = apply_patch(PatchType::StrategicMerge, {"example.com", "v1", "Widget"}, json::object(), "{}");
  ASSERT_FALSE(custom);
  EXPECT_EQ(custom.error().code, 415);
  auto not_json = smp(live_deployment(), "{nope");
  ASSERT_FALSE(not_json);
  EXPECT_EQ(not_json.error().code, 400);
}

TEST(MergePatch, NullDeletesAndListsReplace) {
  auto r = apply_patch(PatchType::Merge, kDeployment, live_deployment(),
                       R"({"metadata":{"labels":{"tier":null}},"spec":{"replicas":5,"template":{"spec":{"containers":[{"name":"only"}]}}}})");
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)["metadata"]["labels"], json::parse(R"({"app":"web"})"));
  EXPECT_EQ((*r)["spec"]["replicas"], 5);
  EXPECT_EQ((*r)["spec"]["template"]["spec"]["containers"], json::parse(R"([{"name":"only"}])"));
  auto scale = apply_patch(PatchType::Merge, {"autoscaling", "v1", "Scale"}, json::parse(R"({"spec":{"replicas":1}})"),
                           R"({"spec":{"replicas":3}})");
  ASSERT_TRUE(scale);
  EXPECT_EQ((*scale)["spec"]["replicas"], 3);
}

TEST(JsonPatch, OperationsAndTestFailure) {
  auto r = apply_patch(PatchType::Json, kDeployment, live_deployment(), R"([
    {"op":"test","path":"/spec/replicas","value":2},
    {"op":"replace","path":"/spec/replicas","value":4},
    {"op":"add","path":"/metadata/labels/env","value":"prod"},
    {"op":"remove","path":"/metadata/labels/tier"},
    {"op":"add","path":"/metadata/finalizers/-","value":"c.example.com/z"},
    {"op":"add","path":"/metadata/finalizers/0","value":"first.example.com/f"},
    {"op":"copy","from":"/spec/replicas","path":"/metadata/annotations"},
    {"op":"move","from":"/metadata/annotations","path":"/metadata/copied"}])");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ((*r)["spec"]["replicas"], 4);
  EXPECT_EQ((*r)["metadata"]["labels"], json::parse(R"({"app":"web","env":"prod"})"));
  EXPECT_EQ((*r)["metadata"]["finalizers"],
            json::parse(R"(["first.example.com/f","a.example.com/x","b.example.com/y","c.example.com/z"])"));
  EXPECT_EQ((*r)["metadata"]["copied"], 4);
  EXPECT_FALSE((*r)["metadata"].contains("annotations"));

  auto failed = apply_patch(PatchType::Json, kDeployment, live_deployment(), R"([{"op":"test","path":"/spec/replicas","value":3}])");
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, 422);
  EXPECT_EQ(failed.error().message, "testing value /spec/replicas failed: test failed");

  auto missing = apply_patch(PatchType::Json, kDeployment, live_deployment(), R"([{"op":"replace","path":"/spec/nope/x","value":1}])");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, 422);

  auto malformed = apply_patch(PatchType::Json, kDeployment, live_deployment(), R"({"op":"add"})");
  ASSERT_FALSE(malformed);
  EXPECT_EQ(malformed.error().code, 400);

  // rollout undo: replace the template and annotations
  auto undo = apply_patch(PatchType::Json, kDeployment, live_deployment(),
                          R"([{"op":"replace","path":"/spec/template","value":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.25"}]}}},
                              {"op":"replace","path":"/metadata/annotations","value":{"deployment.kubernetes.io/revision":"1"}}])");
  ASSERT_FALSE(undo);  // annotations absent: replace must fail like kube's jsonpatch
  EXPECT_EQ(undo.error().code, 422);
}

TEST(Patch, ContentTypes) {
  EXPECT_EQ(patch_type_from_content_type("application/json-patch+json"), PatchType::Json);
  EXPECT_EQ(patch_type_from_content_type("application/merge-patch+json; charset=utf-8"), PatchType::Merge);
  EXPECT_EQ(patch_type_from_content_type("application/strategic-merge-patch+json"), PatchType::StrategicMerge);
  EXPECT_EQ(patch_type_from_content_type("application/apply-patch+yaml"), PatchType::Apply);
  EXPECT_EQ(patch_type_from_content_type("application/json"), std::nullopt);
}

TEST(Patch, NonApplyPatchOfMissingObjectIsNotFound) {
  auto r = apply_patch(PatchType::Merge, kPod, json(), "{}");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, 404);
}

}  // namespace
}  // namespace skiff::apimachinery

namespace skiff::apimachinery {
namespace {

// The patch kubectl v1.32 `apply` sent (captured from a real run) when a
// manifest changed the image, replicas and strategy, replaced env B by C and
// the sidecar by another container.
TEST(StrategicMerge, RealKubectlApplyPatch) {
  json live = json::parse(R"J({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "default", "resourceVersion": "5", "uid": "u1"}, "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}}, "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": "25%"}}, "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "nginx", "image": "nginx:1.26", "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}], "imagePullPolicy": "IfNotPresent", "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File"}, {"name": "sidecar", "image": "busybox", "imagePullPolicy": "Always", "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File"}], "restartPolicy": "Always", "dnsPolicy": "ClusterFirst", "schedulerName": "default-scheduler", "securityContext": {}, "terminationGracePeriodSeconds": 30}}}})J");
  const char* patch = R"J({"metadata": {"annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{...}"}}, "spec": {"replicas": 3, "strategy": {"$retainKeys": ["type"], "rollingUpdate": null, "type": "Recreate"}, "template": {"spec": {"$setElementOrder/containers": [{"name": "nginx"}, {"name": "log"}], "containers": [{"$setElementOrder/env": [{"name": "A"}, {"name": "C"}], "env": [{"name": "C", "value": "3"}, {"$patch": "delete", "name": "B"}], "image": "nginx:1.27", "name": "nginx"}, {"image": "fluent:1", "name": "log"}, {"$patch": "delete", "name": "sidecar"}]}}}})J";
  auto r = apply_patch(PatchType::StrategicMerge, kDeployment, live, patch);
  ASSERT_TRUE(r) << r.error().message;
  const json& spec = (*r)["spec"];
  EXPECT_EQ(spec["replicas"], 3);
  EXPECT_EQ(spec["strategy"], json::parse(R"({"type":"Recreate"})"));
  const json& containers = spec["template"]["spec"]["containers"];
  ASSERT_EQ(containers.size(), 2u);
  EXPECT_EQ(containers[0]["name"], "nginx");
  EXPECT_EQ(containers[0]["image"], "nginx:1.27");
  EXPECT_EQ(containers[0]["imagePullPolicy"], "IfNotPresent");  // server-set fields survive
  EXPECT_EQ(containers[0]["env"], json::parse(R"([{"name":"A","value":"1"},{"name":"C","value":"3"}])"));
  EXPECT_EQ(containers[1], json::parse(R"({"name":"log","image":"fluent:1"})"));
  EXPECT_EQ((*r)["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"], "{...}");
  EXPECT_EQ(spec["template"]["spec"]["dnsPolicy"], "ClusterFirst");
}

}  // namespace
}  // namespace skiff::apimachinery

namespace skiff::apimachinery {
namespace {

TEST(StrategicMerge, VolumeSourceSwitchWithRetainKeys) {
  json pod = json::parse(R"({"spec":{"containers":[{"name":"c","image":"i"}],
    "volumes":[{"name":"cfg","configMap":{"name":"a","defaultMode":420}},{"name":"tmp","emptyDir":{}}]}})");
  // kubectl's patch when a manifest turns volume cfg from a configMap into a secret
  const char* patch = R"({"spec":{"$setElementOrder/volumes":[{"name":"cfg"},{"name":"tmp"}],
    "volumes":[{"$retainKeys":["name","secret"],"configMap":null,"name":"cfg","secret":{"secretName":"s"}}]}})";
  auto r = apply_patch(PatchType::StrategicMerge, {"", "v1", "Pod"}, pod, patch);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ((*r)["spec"]["volumes"], json::parse(R"([{"name":"cfg","secret":{"secretName":"s"}},{"name":"tmp","emptyDir":{}}])"));
}

TEST(StrategicMerge, ServicePortsMergeByPort) {
  json svc = json::parse(R"({"spec":{"ports":[{"name":"http","port":80,"targetPort":80,"protocol":"TCP"},{"name":"https","port":443,"protocol":"TCP"}]}})");
  auto r = apply_patch(PatchType::StrategicMerge, {"", "v1", "Service"}, svc,
                       R"({"spec":{"$setElementOrder/ports":[{"port":80}],"ports":[{"port":80,"targetPort":8080},{"$patch":"delete","port":443}]}})");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ((*r)["spec"]["ports"], json::parse(R"([{"name":"http","port":80,"targetPort":8080,"protocol":"TCP"}])"));
}

}  // namespace
}  // namespace skiff::apimachinery
