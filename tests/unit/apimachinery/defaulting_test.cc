#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "skiff/apimachinery/defaulting.h"

namespace skiff::apimachinery {
namespace {

using json = nlohmann::json;
const GroupVersionKind kPod{"", "v1", "Pod"};
const GroupVersionKind kDeployment{"apps", "v1", "Deployment"};
const GroupVersionKind kService{"", "v1", "Service"};

TEST(Defaulting, DeploymentGetsKubeDefaults) {
  json d = json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
    "spec":{"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},
    "spec":{"containers":[{"name":"nginx","image":"nginx:1.27","ports":[{"containerPort":80}]}]}}}})");
  apply_defaults(kDeployment, d);
  const json& spec = d["spec"];
  EXPECT_EQ(spec["replicas"], 1);
  EXPECT_EQ(spec["strategy"], json::parse(R"({"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":"25%","maxSurge":"25%"}})"));
  EXPECT_EQ(spec["revisionHistoryLimit"], 10);
  EXPECT_EQ(spec["progressDeadlineSeconds"], 600);
  const json& pod = spec["template"]["spec"];
  EXPECT_EQ(pod["restartPolicy"], "Always");
  EXPECT_EQ(pod["dnsPolicy"], "ClusterFirst");
  EXPECT_EQ(pod["terminationGracePeriodSeconds"], 30);
  EXPECT_EQ(pod["schedulerName"], "default-scheduler");
  EXPECT_EQ(pod["securityContext"], json::object());
  const json& c = pod["containers"][0];
  EXPECT_EQ(c["imagePullPolicy"], "IfNotPresent");
  EXPECT_EQ(c["terminationMessagePath"], "/dev/termination-log");
  EXPECT_EQ(c["terminationMessagePolicy"], "File");
  EXPECT_EQ(c["ports"][0]["protocol"], "TCP");
}

TEST(Defaulting, RecreateStrategyGetsNoRollingUpdate) {
  json d = {{"spec", {{"strategy", {{"type", "Recreate"}}}, {"replicas", 3}}}};
  apply_defaults(kDeployment, d);
  EXPECT_FALSE(d["spec"]["strategy"].contains("rollingUpdate"));
  EXPECT_EQ(d["spec"]["replicas"], 3);
}

TEST(Defaulting, ImagePullPolicyFollowsTag) {
  struct Case {
    const char* image;
    const char* policy;
  } cases[] = {{"nginx", "Always"},
               {"nginx:latest", "Always"},
               {"nginx:1.27", "IfNotPresent"},
               {"registry:5000/app", "Always"},
               {"registry:5000/app:v2", "IfNotPresent"},
               {"busybox@sha256:abcd", "IfNotPresent"}};
  for (const auto& c : cases) {
    json pod = {{"spec", {{"containers", json::array({{{"name", "c"}, {"image", c.image}}})}}}};
    apply_defaults(kPod, pod);
    EXPECT_EQ(pod["spec"]["containers"][0]["imagePullPolicy"], c.policy) << c.image;
  }
  json pinned = {{"spec", {{"containers", json::array({{{"name", "c"}, {"image", "nginx"}, {"imagePullPolicy", "Never"}}})}}}};
  apply_defaults(kPod, pinned);
  EXPECT_EQ(pinned["spec"]["containers"][0]["imagePullPolicy"], "Never");
}

TEST(Defaulting, PodRequestsDefaultToLimitsAndVolumesToEmptyDir) {
  json pod = json::parse(R"({"spec":{"containers":[{"name":"c","image":"x:1",
    "resources":{"limits":{"cpu":"500m","memory":"64Mi"},"requests":{"cpu":"100m"}}}],
    "volumes":[{"name":"scratch"},{"name":"cfg","configMap":{"name":"c"}}]}})");
  apply_defaults(kPod, pod);
  EXPECT_EQ(pod["spec"]["containers"][0]["resources"]["requests"], json::parse(R"({"cpu":"100m","memory":"64Mi"})"));
  EXPECT_EQ(pod["spec"]["volumes"][0]["emptyDir"], json::object());
  EXPECT_EQ(pod["spec"]["volumes"][1]["configMap"]["defaultMode"], 420);
  EXPECT_EQ(pod["spec"]["enableServiceLinks"], true);
}

TEST(Defaulting, ServiceDefaults) {
  json svc = json::parse(R"({"spec":{"selector":{"app":"web"},"ports":[{"port":80},{"port":443,"targetPort":8443,"name":"https"}]}})");
  apply_defaults(kService, svc);
  const json& spec = svc["spec"];
  EXPECT_EQ(spec["type"], "ClusterIP");
  EXPECT_EQ(spec["sessionAffinity"], "None");
  EXPECT_EQ(spec["internalTrafficPolicy"], "Cluster");
  EXPECT_EQ(spec["ipFamilyPolicy"], "SingleStack");
  EXPECT_EQ(spec["ipFamilies"], json::array({"IPv4"}));
  EXPECT_EQ(spec["ports"][0]["protocol"], "TCP");
  EXPECT_EQ(spec["ports"][0]["targetPort"], 80);
  EXPECT_EQ(spec["ports"][1]["targetPort"], 8443);
  EXPECT_FALSE(spec.contains("externalTrafficPolicy"));

  json np = json::parse(R"({"spec":{"type":"NodePort","sessionAffinity":"ClientIP","ports":[{"port":80,"targetPort":"http"}]}})");
  apply_defaults(kService, np);
  EXPECT_EQ(np["spec"]["externalTrafficPolicy"], "Cluster");
  EXPECT_EQ(np["spec"]["sessionAffinityConfig"]["clientIP"]["timeoutSeconds"], 10800);
  EXPECT_EQ(np["spec"]["ports"][0]["targetPort"], "http");

  json ext = json::parse(R"({"spec":{"type":"ExternalName","externalName":"example.com"}})");
  apply_defaults(kService, ext);
  EXPECT_FALSE(ext["spec"].contains("ipFamilies"));
  EXPECT_FALSE(ext["spec"].contains("internalTrafficPolicy"));
}

TEST(Defaulting, SecretNamespaceJobStatefulSetDaemonSet) {
  json secret = {{"data", {{"k", "dg=="}}}};
  apply_defaults({"", "v1", "Secret"}, secret);
  EXPECT_EQ(secret["type"], "Opaque");

  json ns = {{"metadata", {{"name", "team-a"}}}};
  apply_defaults({"", "v1", "Namespace"}, ns);
  EXPECT_EQ(ns["metadata"]["labels"]["kubernetes.io/metadata.name"], "team-a");
  EXPECT_EQ(ns["status"]["phase"], "Active");

  json job = json::parse(R"({"metadata":{"name":"pi","uid":"u-1"},"spec":{"template":{"spec":{"restartPolicy":"Never",
    "containers":[{"name":"pi","image":"perl:5"}]}}}})");
  apply_defaults({"batch", "v1", "Job"}, job);
  EXPECT_EQ(job["spec"]["completions"], 1);
  EXPECT_EQ(job["spec"]["parallelism"], 1);
  EXPECT_EQ(job["spec"]["backoffLimit"], 6);
  EXPECT_EQ(job["spec"]["completionMode"], "NonIndexed");
  EXPECT_EQ(job["spec"]["suspend"], false);
  EXPECT_EQ(job["spec"]["selector"]["matchLabels"]["batch.kubernetes.io/controller-uid"], "u-1");
  EXPECT_EQ(job["spec"]["template"]["metadata"]["labels"]["job-name"], "pi");
  EXPECT_EQ(job["spec"]["template"]["spec"]["restartPolicy"], "Never");

  json sts = json::parse(R"({"spec":{"serviceName":"db","template":{"spec":{"containers":[{"name":"db","image":"pg:16"}]}}}})");
  apply_defaults({"apps", "v1", "StatefulSet"}, sts);
  EXPECT_EQ(sts["spec"]["replicas"], 1);
  EXPECT_EQ(sts["spec"]["podManagementPolicy"], "OrderedReady");
  EXPECT_EQ(sts["spec"]["updateStrategy"], json::parse(R"({"type":"RollingUpdate","rollingUpdate":{"partition":0}})"));
  EXPECT_EQ(sts["spec"]["persistentVolumeClaimRetentionPolicy"]["whenDeleted"], "Retain");

  json ds = json::parse(R"({"spec":{"template":{"spec":{"containers":[{"name":"a","image":"a:1"}]}}}})");
  apply_defaults({"apps", "v1", "DaemonSet"}, ds);
  EXPECT_EQ(ds["spec"]["updateStrategy"]["rollingUpdate"], json::parse(R"({"maxUnavailable":1,"maxSurge":0})"));
  EXPECT_EQ(ds["spec"]["revisionHistoryLimit"], 10);

  json cj = json::parse(R"({"spec":{"schedule":"*/1 * * * *","jobTemplate":{"spec":{"template":{"spec":{"restartPolicy":"OnFailure","containers":[{"name":"a","image":"a"}]}}}}}})");
  apply_defaults({"batch", "v1", "CronJob"}, cj);
  EXPECT_EQ(cj["spec"]["concurrencyPolicy"], "Allow");
  EXPECT_EQ(cj["spec"]["successfulJobsHistoryLimit"], 3);
  EXPECT_EQ(cj["spec"]["failedJobsHistoryLimit"], 1);
  EXPECT_EQ(cj["spec"]["jobTemplate"]["spec"]["backoffLimit"], 6);
  EXPECT_EQ(cj["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"], "Always");
}

TEST(Defaulting, RbacSubjectsAndNetworkPolicyTypes) {
  json rb = json::parse(R"({"roleRef":{"kind":"Role","name":"r"},"subjects":[{"kind":"User","name":"jane"},{"kind":"ServiceAccount","name":"sa","namespace":"x"}]})");
  apply_defaults({"rbac.authorization.k8s.io", "v1", "RoleBinding"}, rb);
  EXPECT_EQ(rb["roleRef"]["apiGroup"], "rbac.authorization.k8s.io");
  EXPECT_EQ(rb["subjects"][0]["apiGroup"], "rbac.authorization.k8s.io");
  EXPECT_EQ(rb["subjects"][1]["apiGroup"], "");
  json np = json::parse(R"({"spec":{"podSelector":{},"egress":[{}]}})");
  apply_defaults({"networking.k8s.io", "v1", "NetworkPolicy"}, np);
  EXPECT_EQ(np["spec"]["policyTypes"], json::array({"Ingress", "Egress"}));
}

}  // namespace
}  // namespace skiff::apimachinery

namespace skiff::apimachinery {
namespace {

TEST(Defaulting, UpdateCarriesServiceAllocations) {
  json old = json::parse(R"({"spec":{"type":"NodePort","clusterIP":"10.96.0.7","clusterIPs":["10.96.0.7"],"ipFamilies":["IPv4"],
    "ipFamilyPolicy":"SingleStack","ports":[{"port":80,"protocol":"TCP","nodePort":30080},{"port":53,"protocol":"UDP","nodePort":30053}]}})");
  json replaced = json::parse(R"({"spec":{"type":"NodePort","ports":[{"port":80,"protocol":"TCP"},{"port":53,"protocol":"UDP"},{"port":8080,"protocol":"TCP"}]}})");
  apply_update_defaults(kService, replaced, old);
  EXPECT_EQ(replaced["spec"]["clusterIP"], "10.96.0.7");
  EXPECT_EQ(replaced["spec"]["clusterIPs"], json::array({"10.96.0.7"}));
  EXPECT_EQ(replaced["spec"]["ports"][0]["nodePort"], 30080);
  EXPECT_EQ(replaced["spec"]["ports"][1]["nodePort"], 30053);
  EXPECT_FALSE(replaced["spec"]["ports"][2].contains("nodePort"));
  json retyped = json::parse(R"({"spec":{"type":"ClusterIP","ports":[{"port":80}]}})");
  apply_update_defaults(kService, retyped, old);
  EXPECT_FALSE(retyped["spec"].contains("clusterIP"));  // a type change allocates afresh
}

}  // namespace
}  // namespace skiff::apimachinery
