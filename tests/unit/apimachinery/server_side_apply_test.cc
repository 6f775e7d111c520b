#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "skiff/apimachinery/patch.h"

namespace skiff::apimachinery {
namespace {

using json = nlohmann::json;
const GroupVersionKind kDeployment{"apps", "v1", "Deployment"};

ApplyOptions as(const char* manager, bool force = false) {
  return ApplyOptions{.field_manager = manager, .force = force, .subresource = "", .now = "2025-01-01T00:00:00Z"};
}

const char* kApplied = R"(
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports:
        - containerPort: 80
)";

json entry(const json& obj, const std::string& manager) {
  for (const auto& e : obj["metadata"]["managedFields"])
    if (e["manager"] == manager) return e;
  return json();
}

TEST(ServerSideApply, CreatesAndRecordsOwnership) {
  auto r = apply_patch(PatchType::Apply, kDeployment, json(), kApplied, as("kubectl"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ((*r)["spec"]["replicas"], 2);
  json e = entry(*r, "kubectl");
  EXPECT_EQ(e["operation"], "Apply");
  EXPECT_EQ(e["apiVersion"], "apps/v1");
  EXPECT_EQ(e["fieldsType"], "FieldsV1");
  EXPECT_EQ(e["time"], "2025-01-01T00:00:00Z");
  const json& f = e["fieldsV1"];
  EXPECT_TRUE(f["f:spec"].contains("f:replicas"));
  EXPECT_TRUE(f["f:metadata"]["f:labels"].contains("f:app"));
  EXPECT_TRUE(f["f:metadata"]["f:labels"].contains("."));
  const json& container = f["f:spec"]["f:template"]["f:spec"]["f:containers"]["k:{\"name\":\"nginx\"}"];
  EXPECT_TRUE(container.contains("."));
  EXPECT_TRUE(container.contains("f:image"));
  // the port key is completed with the schema default protocol
  EXPECT_TRUE(container["f:ports"].contains("k:{\"containerPort\":80,\"protocol\":\"TCP\"}"));
  EXPECT_FALSE(f["f:metadata"].contains("f:name"));
}

TEST(ServerSideApply, ConflictBetweenTwoManagersUnlessForced) {
  auto created = apply_patch(PatchType::Apply, kDeployment, json(), kApplied, as("kubectl"));
  ASSERT_TRUE(created);
  // Another manager (e.g. an HPA via the scale subresource or kubectl scale) changes replicas with an update.
  json scaled = *created;
  scaled["spec"]["replicas"] = 5;
  compute_managed_fields(kDeployment, &*created, scaled, as("kube-controller-manager"));
  json hpa = entry(scaled, "kube-controller-manager");
  EXPECT_EQ(hpa["operation"], "Update");
  EXPECT_EQ(hpa["fieldsV1"], json::parse(R"({"f:spec":{"f:replicas":{}}})"));
  EXPECT_FALSE(entry(scaled, "kubectl")["fieldsV1"]["f:spec"].contains("f:replicas"));

  // Re-applying replicas: 2 now conflicts with the controller's value.
  auto conflict = apply_patch(PatchType::Apply, kDeployment, scaled, kApplied, as("kubectl"));
  ASSERT_FALSE(conflict);
  EXPECT_EQ(conflict.error().code, 409);
  EXPECT_EQ(conflict.error().reason, "Conflict");
  EXPECT_EQ(conflict.error().message,
            "Apply failed with 1 conflict: conflict with \"kube-controller-manager\" using apps/v1: .spec.replicas");
  ASSERT_EQ(conflict.error().causes.size(), 1u);
  EXPECT_EQ(conflict.error().causes[0].reason, "FieldManagerConflict");
  EXPECT_EQ(conflict.error().causes[0].field, ".spec.replicas");

  // Forcing takes the field over.
  auto forced = apply_patch(PatchType::Apply, kDeployment, scaled, kApplied, as("kubectl", true));
  ASSERT_TRUE(forced) << forced.error().message;
  EXPECT_EQ((*forced)["spec"]["replicas"], 2);
  EXPECT_TRUE(entry(*forced, "kube-controller-manager").is_null());
  EXPECT_TRUE(entry(*forced, "kubectl")["fieldsV1"]["f:spec"].contains("f:replicas"));
}

TEST(ServerSideApply, SameValueIsSharedNotConflicting) {
  auto created = apply_patch(PatchType::Apply, kDeployment, json(), kApplied, as("kubectl"));
  ASSERT_TRUE(created);
  auto other = apply_patch(PatchType::Apply, kDeployment, *created,
                           R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":2}})",
                           as("ci-bot"));
  ASSERT_TRUE(other) << other.error().message;
  EXPECT_TRUE(entry(*other, "ci-bot")["fieldsV1"]["f:spec"].contains("f:replicas"));
  EXPECT_TRUE(entry(*other, "kubectl")["fieldsV1"]["f:spec"].contains("f:replicas"));
}

TEST(ServerSideApply, DroppedFieldsAreRemovedWhenNobodyElseOwnsThem) {
  auto created = apply_patch(PatchType::Apply, kDeployment, json(), kApplied, as("kubectl"));
  ASSERT_TRUE(created);
  std::string without_labels = kApplied;
  without_labels.replace(without_labels.find("  labels:\n    app: web\n"), std::string("  labels:\n    app: web\n").size(), "");
  auto r = apply_patch(PatchType::Apply, kDeployment, *created, without_labels, as("kubectl"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE((*r)["metadata"].contains("labels") && (*r)["metadata"]["labels"].contains("app"));
  // the template label (still applied) stays
  EXPECT_EQ((*r)["spec"]["template"]["metadata"]["labels"]["app"], "web");
}

TEST(ServerSideApply, MergesListMapItemsByKey) {
  auto created = apply_patch(PatchType::Apply, kDeployment, json(), kApplied, as("kubectl"));
  ASSERT_TRUE(created);
  auto sidecar = apply_patch(PatchType::Apply, kDeployment, *created,
                             R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
                                 "spec":{"template":{"spec":{"containers":[{"name":"log","image":"fluent:1"}]}}}})",
                             as("injector"));
  ASSERT_TRUE(sidecar) << sidecar.error().message;
  const json& containers = (*sidecar)["spec"]["template"]["spec"]["containers"];
  ASSERT_EQ(containers.size(), 2u);
  EXPECT_EQ(containers[0]["name"], "nginx");
  EXPECT_EQ(containers[1]["name"], "log");
}

TEST(ServerSideApply, RequiresFieldManagerAndRejectsManagedFields) {
  auto no_manager = apply_patch(PatchType::Apply, kDeployment, json(), kApplied, ApplyOptions{});
  ASSERT_FALSE(no_manager);
  EXPECT_EQ(no_manager.error().code, 400);
  auto with_mf = apply_patch(PatchType::Apply, kDeployment, json(),
                             R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"w","managedFields":[{}]}})",
                             as("kubectl"));
  ASSERT_FALSE(with_mf);
  EXPECT_EQ(with_mf.error().message, "metadata.managedFields must be nil");
  auto bad_yaml = apply_patch(PatchType::Apply, kDeployment, json(), "a: [b", as("kubectl"));
  ASSERT_FALSE(bad_yaml);
  EXPECT_EQ(bad_yaml.error().code, 400);
}

TEST(ManagedFields, UpdatesMoveOwnershipAndDropRemovedFields) {
  json v1 = json::parse(R"({"metadata":{"name":"c","labels":{"a":"1"}},"data":{"x":"1","y":"2"}})");
  const GroupVersionKind cm{"", "v1", "ConfigMap"};
  compute_managed_fields(cm, nullptr, v1, as("kubectl-create"));
  ASSERT_EQ(v1["metadata"]["managedFields"].size(), 1u);
  EXPECT_EQ(entry(v1, "kubectl-create")["fieldsV1"],
            json::parse(R"({"f:data":{".":{},"f:x":{},"f:y":{}},"f:metadata":{"f:labels":{".":{},"f:a":{}}}})"));
  json v2 = v1;
  v2["data"]["x"] = "changed";
  v2["data"].erase("y");
  compute_managed_fields(cm, &v1, v2, as("kubectl-edit"));
  EXPECT_EQ(entry(v2, "kubectl-edit")["fieldsV1"], json::parse(R"({"f:data":{"f:x":{}}})"));
  EXPECT_EQ(entry(v2, "kubectl-create")["fieldsV1"],
            json::parse(R"({"f:data":{".":{}},"f:metadata":{"f:labels":{".":{},"f:a":{}}}})"));
  // an update that changes nothing adds no entry
  json v3 = v2;
  compute_managed_fields(cm, &v2, v3, as("noop"));
  EXPECT_TRUE(entry(v3, "noop").is_null());
}

}  // namespace
}  // namespace skiff::apimachinery

namespace skiff::apimachinery {
namespace {

TEST(ManagedFields, UpdateBookkeepingAfterApplyLeavesTheApplyEntryAlone) {
  auto created = apply_patch(PatchType::Apply, kDeployment, json(), kApplied, as("kubectl"));
  ASSERT_TRUE(created);
  std::string changed = kApplied;
  changed.replace(changed.find("replicas: 2"), 11, "replicas: 4");
  ApplyOptions opts = as("kubectl");
  opts.now = "2025-01-01T00:01:00Z";
  auto applied = apply_patch(PatchType::Apply, kDeployment, *created, changed, opts);
  ASSERT_TRUE(applied);
  json after = *applied;
  compute_managed_fields(kDeployment, &*created, after, opts);  // what a server does after any write
  EXPECT_EQ(after["metadata"]["managedFields"], (*applied)["metadata"]["managedFields"]);
  EXPECT_EQ(after["metadata"]["managedFields"].size(), 1u);
}

}  // namespace
}  // namespace skiff::apimachinery
