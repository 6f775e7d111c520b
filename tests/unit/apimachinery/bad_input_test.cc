// Bad input: every entry point must cope with values of the wrong type
// anywhere in an object (the server gets them straight from clients) without
// throwing. Deterministic mutations of valid objects: each field in turn is
// replaced by values of every JSON type.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "skiff/apimachinery/defaulting.h"
#include "skiff/apimachinery/patch.h"
#include "skiff/apimachinery/selectors.h"
#include "skiff/apimachinery/table.h"
#include "skiff/apimachinery/validation.h"

namespace skiff::apimachinery {
namespace {

using json = nlohmann::json;

struct Sample {
  GroupVersionKind gvk;
  const char* object;
};

const Sample kSamples[] = {
    {{"apps", "v1", "Deployment"},
     R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web"},"annotations":{"a":"b"},
       "ownerReferences":[{"apiVersion":"v1","kind":"X","name":"x","uid":"u","controller":true}],"finalizers":["a.io/b"]},
       "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"},"matchExpressions":[{"key":"a","operator":"In","values":["b"]}]},
       "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":1}},
       "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"i:1",
       "ports":[{"containerPort":80,"name":"http"}],"env":[{"name":"A","value":"1"}],"volumeMounts":[{"name":"v","mountPath":"/v"}],
       "resources":{"limits":{"cpu":"1"},"requests":{"cpu":"500m"}}}],"volumes":[{"name":"v","emptyDir":{}}]}}},
       "status":{"readyReplicas":1,"updatedReplicas":1,"availableReplicas":1}})"},
    {{"", "v1", "Service"},
     R"({"metadata":{"name":"s"},"spec":{"type":"NodePort","clusterIP":"10.0.0.1","selector":{"a":"b"},"sessionAffinity":"ClientIP",
       "sessionAffinityConfig":{"clientIP":{"timeoutSeconds":10}},"ports":[{"port":80,"targetPort":"http","nodePort":30001,"name":"a"}],
       "externalIPs":["1.2.3.4"]},"status":{"loadBalancer":{"ingress":[{"ip":"1.1.1.1"}]}}})"},
    {{"", "v1", "Pod"},
     R"({"metadata":{"name":"p","creationTimestamp":"2025-01-01T00:00:00Z","deletionTimestamp":"2025-01-01T00:00:00Z"},
       "spec":{"nodeName":"n","initContainers":[{"name":"i","image":"i","restartPolicy":"Always"}],"containers":[{"name":"c","image":"i"}],
       "readinessGates":[{"conditionType":"x"}],"dnsPolicy":"None","dnsConfig":{"nameservers":["1.1.1.1"]}},
       "status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}],
       "initContainerStatuses":[{"name":"i","ready":true,"state":{"terminated":{"exitCode":1,"signal":9}}}],
       "containerStatuses":[{"name":"c","restartCount":2,"state":{"waiting":{"reason":"X"}},"lastState":{"terminated":{"finishedAt":"2025-01-01T00:00:00Z"}}}]}})"},
    {{"", "v1", "Secret"}, R"({"metadata":{"name":"s"},"type":"kubernetes.io/tls","data":{"tls.crt":"YQ==","tls.key":"YQ=="},"stringData":{"a":"b"},"immutable":true})"},
    {{"", "v1", "Node"},
     R"({"metadata":{"name":"n","labels":{"node-role.kubernetes.io/x":""}},"spec":{"unschedulable":true,"taints":[{"key":"k","effect":"NoSchedule"}]},
       "status":{"conditions":[{"type":"Ready","status":"True"}],"addresses":[{"type":"InternalIP","address":"1.2.3.4"}],"nodeInfo":{"kubeletVersion":"v1"},"capacity":{"cpu":"2"}}})"},
    {{"batch", "v1", "CronJob"},
     R"({"metadata":{"name":"c","uid":"u"},"spec":{"schedule":"* * * * *","jobTemplate":{"spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"i"}]}}}}},
       "status":{"active":[{"name":"x"}],"lastScheduleTime":"2025-01-01T00:00:00Z"}})"},
    {{"rbac.authorization.k8s.io", "v1", "RoleBinding"},
     R"({"metadata":{"name":"r"},"roleRef":{"kind":"Role","name":"r","apiGroup":"rbac.authorization.k8s.io"},"subjects":[{"kind":"User","name":"u"}]})"},
    {{"", "v1", "Event"},
     R"({"metadata":{"name":"e"},"involvedObject":{"kind":"Pod","name":"p"},"reason":"r","message":"m","count":2,"lastTimestamp":"2025-01-01T00:00:00Z","source":{"component":"c","host":"h"}})"},
    {{"autoscaling", "v2", "HorizontalPodAutoscaler"},
     R"({"metadata":{"name":"h"},"spec":{"scaleTargetRef":{"kind":"Deployment","name":"d"},"minReplicas":1,"maxReplicas":3,
       "metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":50}}}]},
       "status":{"currentMetrics":[{"resource":{"current":{"averageUtilization":10}}}]}})"},
};

const json kReplacements[] = {nullptr, true, 7, -1, 2.5, "text", "", json::array(), json::array({1, "x", nullptr}),
                              json::object(), json{{"x", {{"y", 1}}}}};

std::string escape(std::string s) {
  for (size_t i = 0; (i = s.find('~', i)) != std::string::npos; i += 2) s.replace(i, 1, "~0");
  for (size_t i = 0; (i = s.find('/', i)) != std::string::npos; i += 2) s.replace(i, 1, "~1");
  return s;
}

// Every path (JSON pointer) to a value inside `v`.
void pointers(const json& v, const std::string& prefix, std::vector<std::string>& out) {
  out.push_back(prefix);
  if (v.is_object())
    for (const auto& [k, sub] : v.items()) pointers(sub, prefix + "/" + escape(k), out);
  else if (v.is_array())
    for (size_t i = 0; i < v.size(); ++i) pointers(v[i], prefix + "/" + std::to_string(i), out);
}

void exercise(const GroupVersionKind& gvk, const json& original, json obj) {
  apply_defaults(gvk, obj);
  apply_update_defaults(gvk, obj, original);
  (void)validate(gvk, obj);
  (void)validate(gvk, obj, &original);
  (void)validate(gvk, original, &obj);
  (void)unknown_fields(gvk, obj);
  (void)to_table(gvk, {&obj});
  for (const char* f : {"metadata.name=x", "spec.nodeName=n", "involvedObject.name=p", "type=x", "status.phase!=Running"})
    if (auto sel = FieldSelector::parse(f, gvk)) (void)sel->matches(obj);
  if (obj.is_object() && obj.contains("metadata") && obj["metadata"].is_object() && obj["metadata"].contains("labels"))
    if (auto sel = LabelSelector::parse("app in (web),!x")) (void)sel->matches(obj["metadata"]["labels"]);
  std::string as_patch = obj.dump();
  (void)apply_patch(PatchType::StrategicMerge, gvk, original, as_patch);
  (void)apply_patch(PatchType::StrategicMerge, gvk, obj, original.dump());
  (void)apply_patch(PatchType::Merge, gvk, original, as_patch);
  ApplyOptions opts{.field_manager = "m", .force = false, .subresource = "", .now = "2025-01-01T00:00:00Z"};
  auto applied = apply_patch(PatchType::Apply, gvk, original, as_patch, opts);
  if (applied) (void)apply_patch(PatchType::Apply, gvk, *applied, original.dump(), ApplyOptions{.field_manager = "n"});
  json updated = obj;
  compute_managed_fields(gvk, &original, updated, opts);
}

TEST(BadInput, WrongTypesAnywhereNeverThrow) {
  size_t runs = 0;
  for (const auto& sample : kSamples) {
    json original = json::parse(sample.object);
    apply_defaults(sample.gvk, original);
    std::vector<std::string> paths;
    pointers(original, "", paths);
    for (const auto& p : paths) {
      for (const auto& replacement : kReplacements) {
        json obj = original;
        if (p.empty()) obj = replacement;
        else obj[json::json_pointer(p)] = replacement;
        EXPECT_NO_THROW(exercise(sample.gvk, original, obj)) << sample.gvk.kind << " " << p << " = " << replacement.dump();
        ++runs;
      }
    }
  }
  EXPECT_GT(runs, 1000u);
}

TEST(BadInput, MalformedPatchesAreErrorsNotExceptions) {
  json live = json::parse(kSamples[0].object);
  const GroupVersionKind& gvk = kSamples[0].gvk;
  const char* bodies[] = {"", "null", "[]", "[1]", "{\"spec\":{\"template\":{\"spec\":{\"containers\":{\"x\":1}}}}}",
                          "{\"spec\":{\"template\":{\"spec\":{\"containers\":[1,{\"$patch\":\"delete\"}]}}}}",
                          "{\"metadata\":{\"$retainKeys\":\"x\"}}", "{\"$setElementOrder/x\":7,\"x\":[1]}",
                          "[{\"op\":\"add\",\"path\":\"no-slash\",\"value\":1}]", "[{\"op\":\"move\",\"from\":\"/spec\",\"path\":\"/spec/x\"}]",
                          "[{\"op\":\"remove\",\"path\":\"/spec/template/spec/containers/9\"}]",
                          "[{\"op\":\"add\",\"path\":\"/metadata/finalizers/x\",\"value\":1}]", "{: bad yaml", "- a\n- b"};
  for (const char* body : bodies)
    for (auto type : {PatchType::Json, PatchType::Merge, PatchType::StrategicMerge, PatchType::Apply})
      EXPECT_NO_THROW((void)apply_patch(type, gvk, live, body, ApplyOptions{.field_manager = "m"})) << body;
}

}  // namespace
}  // namespace skiff::apimachinery
