#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "skiff/apimachinery/defaulting.h"
#include "skiff/apimachinery/validation.h"

namespace skiff::apimachinery {
namespace {

using json = nlohmann::json;
const GroupVersionKind kPod{"", "v1", "Pod"};
const GroupVersionKind kDeployment{"apps", "v1", "Deployment"};
const GroupVersionKind kService{"", "v1", "Service"};

json deployment() {
  return json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
    "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},
    "spec":{"containers":[{"name":"nginx","image":"nginx:1.27","ports":[{"containerPort":80,"name":"http"}]}]}}}})");
}

json defaulted(const GroupVersionKind& gvk, json obj) {
  apply_defaults(gvk, obj);
  return obj;
}

// Causes as "field: message" lines, the way kubectl prints them.
std::vector<std::string> lines(const std::vector<FieldCause>& causes) {
  std::vector<std::string> out;
  for (const auto& c : causes) out.push_back(c.field + ": " + c.message);
  return out;
}

TEST(Validation, ValidDeploymentHasNoCauses) {
  EXPECT_TRUE(validate(kDeployment, defaulted(kDeployment, deployment())).empty());
}

TEST(Validation, DeploymentCausesWithExactPaths) {
  struct Case {
    const char* what;
    std::function<void(json&)> mutate;
    const char* field;
    const char* reason;
    const char* message;
  } cases[] = {
      {"negative replicas", [](json& d) { d["spec"]["replicas"] = -1; }, "spec.replicas", "FieldValueInvalid",
       "Invalid value: -1: must be greater than or equal to 0"},
      {"selector mismatch", [](json& d) { d["spec"]["template"]["metadata"]["labels"]["app"] = "other"; },
       "spec.template.metadata.labels", "FieldValueInvalid",
       "Invalid value: \"map[string]string{\\\"app\\\":\\\"other\\\"}\": `selector` does not match template `labels`"},
      {"missing selector", [](json& d) { d["spec"].erase("selector"); }, "spec.selector", "FieldValueRequired", "Required value"},
      {"missing image", [](json& d) { d["spec"]["template"]["spec"]["containers"][0].erase("image"); },
       "spec.template.spec.containers[0].image", "FieldValueRequired", "Required value"},
      {"bad container port", [](json& d) { d["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] = 70000; },
       "spec.template.spec.containers[0].ports[0].containerPort", "FieldValueInvalid",
       "Invalid value: 70000: must be between 1 and 65535, inclusive"},
      {"restart policy", [](json& d) { d["spec"]["template"]["spec"]["restartPolicy"] = "Never"; },
       "spec.template.spec.restartPolicy", "FieldValueNotSupported", "Unsupported value: \"Never\": supported values: \"Always\""},
      {"bad pull policy", [](json& d) { d["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] = "Sometimes"; },
       "spec.template.spec.containers[0].imagePullPolicy", "FieldValueNotSupported",
       "Unsupported value: \"Sometimes\": supported values: \"Always\", \"IfNotPresent\", \"Never\""},
      {"duplicate container", [](json& d) {
         d["spec"]["template"]["spec"]["containers"].push_back({{"name", "nginx"}, {"image", "x"}});
       },
       "spec.template.spec.containers[1].name", "FieldValueDuplicate", "Duplicate value: \"nginx\""},
      {"bad name", [](json& d) { d["metadata"]["name"] = "Web_App"; }, "metadata.name", "FieldValueInvalid",
       "Invalid value: \"Web_App\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
       "'-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
       "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"},
      {"type invalid", [](json& d) { d["spec"]["replicas"] = "two"; }, "spec.replicas", "FieldValueTypeInvalid",
       "Invalid value: \"two\": must be of type integer"},
      {"mount of unknown volume", [](json& d) {
         d["spec"]["template"]["spec"]["containers"][0]["volumeMounts"] = json::array({{{"name", "data"}, {"mountPath", "/data"}}});
       },
       "spec.template.spec.containers[0].volumeMounts[0].name", "FieldValueNotFound", "Not found: \"data\""},
      {"request over limit", [](json& d) {
         d["spec"]["template"]["spec"]["containers"][0]["resources"] = {{"limits", {{"cpu", "1"}}}, {"requests", {{"cpu", "2"}}}};
       },
       "spec.template.spec.containers[0].resources.requests[cpu]", "FieldValueInvalid",
       "Invalid value: \"2\": must be less than or equal to cpu limit of 1"},
      {"bad label", [](json& d) { d["metadata"]["labels"] = {{"app", "has space"}}; }, "metadata.labels", "FieldValueInvalid",
       "Invalid value: \"has space\": a valid label must be an empty string or consist of alphanumeric characters, '-', "
       "'_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', "
       "regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"},
  };
  for (const auto& c : cases) {
    json d = defaulted(kDeployment, deployment());
    c.mutate(d);
    auto causes = validate(kDeployment, d);
    ASSERT_FALSE(causes.empty()) << c.what;
    bool found = false;
    for (const auto& cause : causes)
      if (cause.field == c.field) {
        found = true;
        EXPECT_EQ(cause.reason, c.reason) << c.what;
        EXPECT_EQ(cause.message, c.message) << c.what;
      }
    EXPECT_TRUE(found) << c.what << ": got " << testing::PrintToString(lines(causes));
  }
}

TEST(Validation, DeploymentSelectorIsImmutable) {
  json old = defaulted(kDeployment, deployment());
  json now = old;
  now["spec"]["selector"]["matchLabels"]["tier"] = "front";
  now["spec"]["template"]["metadata"]["labels"]["tier"] = "front";
  auto causes = validate(kDeployment, now, &old);
  ASSERT_EQ(causes.size(), 1u) << testing::PrintToString(lines(causes));
  EXPECT_EQ(causes[0].field, "spec.selector");
  EXPECT_NE(causes[0].message.find("field is immutable"), std::string::npos);
  // replicas may change
  json scaled = old;
  scaled["spec"]["replicas"] = 5;
  EXPECT_TRUE(validate(kDeployment, scaled, &old).empty());
}

TEST(Validation, InvalidErrorMessageAsKubectlPrintsIt) {
  json d = defaulted(kDeployment, deployment());
  d["spec"]["replicas"] = -1;
  ApiError e = invalid_error(kDeployment, "web", validate(kDeployment, d));
  EXPECT_EQ(e.code, 422);
  EXPECT_EQ(e.reason, "Invalid");
  EXPECT_EQ(e.message, "Deployment.apps \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0");
  std::vector<FieldCause> two{{"FieldValueRequired", "Required value", "a"}, {"FieldValueRequired", "Required value", "b"}};
  EXPECT_EQ(invalid_error(kPod, "p", two).message, "Pod \"p\" is invalid: [a: Required value, b: Required value]");
}

TEST(Validation, ServicePortsAndNodePorts) {
  auto svc = [](const char* spec) {
    return defaulted(kService, json{{"metadata", {{"name", "web"}}}, {"spec", json::parse(spec)}});
  };
  struct Case {
    const char* spec;
    const char* field;
    const char* message;
  } cases[] = {
      {R"({"ports":[{"port":0}]})", "spec.ports[0].port", "Invalid value: 0: must be between 1 and 65535, inclusive"},
      {R"({"ports":[{"port":80,"name":"a"},{"port":81,"name":"a"}]})", "spec.ports[1].name", "Duplicate value: \"a\""},
      {R"({"ports":[{"port":80},{"port":81}]})", "spec.ports[0].name", "Required value"},
      {R"({"type":"NodePort","ports":[{"port":80,"nodePort":80}]})", "spec.ports[0].nodePort",
       "Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767"},
      {R"({"ports":[{"port":80,"nodePort":30080}]})", "spec.ports[0].nodePort", "Forbidden: may not be used when `type` is 'ClusterIP'"},
      {R"({"type":"ClusterIP"})", "spec.ports", "Required value"},
      {R"({"type":"Bogus","ports":[{"port":1}]})", "spec.type",
       "Unsupported value: \"Bogus\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\""},
      {R"({"ports":[{"port":80,"targetPort":70000}]})", "spec.ports[0].targetPort", "Invalid value: 70000: must be between 1 and 65535, inclusive"},
  };
  for (const auto& c : cases) {
    auto causes = validate(kService, svc(c.spec));
    bool found = false;
    for (const auto& cause : causes)
      if (cause.field == c.field && cause.message == c.message) found = true;
    EXPECT_TRUE(found) << c.spec << " -> " << testing::PrintToString(lines(causes));
  }
  EXPECT_TRUE(validate(kService, svc(R"({"type":"NodePort","ports":[{"port":80,"nodePort":30080}]})")).empty());
  EXPECT_TRUE(validate(kService, svc(R"({"clusterIP":"None","selector":{"app":"db"}})")).empty());
  // Service names are DNS-1035 labels: no leading digit.
  json bad = svc(R"({"ports":[{"port":80}]})");
  bad["metadata"]["name"] = "1web";
  EXPECT_EQ(validate(kService, bad).at(0).field, "metadata.name");
}

TEST(Validation, ServiceClusterIPIsImmutable) {
  json old = defaulted(kService, json::parse(R"({"metadata":{"name":"web"},"spec":{"clusterIP":"10.96.0.10","clusterIPs":["10.96.0.10"],"ports":[{"port":80}]}})"));
  json now = old;
  now["spec"]["clusterIP"] = "10.96.0.11";
  now["spec"]["clusterIPs"] = {"10.96.0.11"};
  auto causes = validate(kService, now, &old);
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].field, "spec.clusterIPs[0]");
  EXPECT_EQ(causes[0].message, "Invalid value: [\"10.96.0.11\"]: may not change once set");
}

TEST(Validation, PodUpdatesOnlyImages) {
  json old = defaulted(kPod, json::parse(R"({"metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"a:1"}]}})"));
  json image = old;
  image["spec"]["containers"][0]["image"] = "a:2";
  EXPECT_TRUE(validate(kPod, image, &old).empty());
  json env = old;
  env["spec"]["containers"][0]["env"] = json::array({{{"name", "X"}, {"value", "1"}}});
  auto causes = validate(kPod, env, &old);
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].field, "spec");
  EXPECT_EQ(causes[0].reason, "FieldValueForbidden");
  EXPECT_EQ(causes[0].message.rfind("Forbidden: pod updates may not change fields other than `spec.containers[*].image`", 0), 0u);
}

TEST(Validation, ObjectMetaAndConfigMaps) {
  json cm = {{"metadata", {{"generateName", "cfg-"}}}, {"data", {{"ok.key", "1"}, {"bad key", "2"}}}};
  auto causes = validate({"", "v1", "ConfigMap"}, cm);
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].field, "data[bad key]");
  json none = {{"metadata", json::object()}};
  causes = validate({"", "v1", "ConfigMap"}, none);
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].field + ": " + causes[0].message, "metadata.name: Required value: name or generateName is required");
  json immutable = {{"metadata", {{"name", "c"}}}, {"immutable", true}, {"data", {{"a", "1"}}}};
  json changed = immutable;
  changed["data"]["a"] = "2";
  causes = validate({"", "v1", "ConfigMap"}, changed, &immutable);
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].message, "Forbidden: field is immutable when `immutable` is set");
  json ns = {{"metadata", {{"name", "Team.A"}}}};
  EXPECT_EQ(validate({"", "v1", "Namespace"}, ns).at(0).field, "metadata.name");
}

TEST(Validation, SecretsAndJobs) {
  json tls = {{"metadata", {{"name", "t"}}}, {"type", "kubernetes.io/tls"}, {"data", {{"tls.crt", "YQ=="}}}};
  auto causes = validate({"", "v1", "Secret"}, tls);
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].field, "data[tls.key]");
  const GroupVersionKind job{"batch", "v1", "Job"};
  json j = defaulted(job, json::parse(R"({"metadata":{"name":"j","uid":"u"},"spec":{"template":{"spec":{"containers":[{"name":"c","image":"i"}]}}}})"));
  causes = validate(job, j);
  ASSERT_EQ(causes.size(), 1u) << testing::PrintToString(lines(causes));
  EXPECT_EQ(causes[0].message, "Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\"");
}

TEST(Validation, UnknownFieldsForStrictValidation) {
  json d = deployment();
  d["spec"]["replica"] = 3;
  d["spec"]["template"]["spec"]["containers"][0]["imagePullPolicyy"] = "Always";
  d["metadata"]["labelz"] = json::object();
  d["spec"]["template"]["spec"]["affinity"] = {{"nodeAffinity", {{"anything", 1}}}};  // opaque subtree
  auto unknown = unknown_fields(kDeployment, d);
  std::sort(unknown.begin(), unknown.end());
  EXPECT_EQ(unknown, (std::vector<std::string>{"metadata.labelz", "spec.replica",
                                               "spec.template.spec.containers[0].imagePullPolicyy"}));
  EXPECT_TRUE(unknown_fields(kDeployment, deployment()).empty());
}

TEST(Validation, NameRules) {
  EXPECT_TRUE(dns1123_subdomain_errors("a.b-c").empty());
  EXPECT_FALSE(dns1123_subdomain_errors("-a").empty());
  EXPECT_EQ(dns1123_subdomain_errors(std::string(254, 'a')).at(0), "must be no more than 253 characters");
  EXPECT_TRUE(dns1123_label_errors("a-1").empty());
  EXPECT_FALSE(dns1123_label_errors("a.b").empty());
  EXPECT_FALSE(dns1035_label_errors("1a").empty());
  EXPECT_TRUE(qualified_name_errors("app.kubernetes.io/name").empty());
  EXPECT_EQ(qualified_name_errors("/x").at(0), "prefix part must be non-empty");
  EXPECT_TRUE(label_value_errors("").empty());
}

}  // namespace
}  // namespace skiff::apimachinery
