#include <gtest/gtest.h>

#include "skiff/kube/parse.h"
#include "test_json.h"

namespace skiff::kube {
namespace {

TEST(ParsePod, ReadsSpecAndStatus) {
  auto pod = parse_pod(J(R"({
    "kind": "Pod", "metadata": {"name": "web-0", "namespace": "shop"},
    "spec": {"hostname": "web-0", "subdomain": "web", "nodeName": "node-a", "hostNetwork": false},
    "status": {"phase": "Running", "podIP": "10.244.1.5",
               "podIPs": [{"ip": "10.244.1.5"}, {"ip": "fd00::5"}],
               "conditions": [{"type": "Initialized", "status": "True"}, {"type": "Ready", "status": "True"}]}
  })"));
  ASSERT_TRUE(pod) << pod.error().str();
  EXPECT_EQ(pod->meta.key(), "shop/web-0");
  EXPECT_EQ(pod->hostname, "web-0");
  EXPECT_EQ(pod->subdomain, "web");
  EXPECT_EQ(pod->node_name, "node-a");
  EXPECT_FALSE(pod->host_network);
  EXPECT_EQ(pod->phase, "Running");
  EXPECT_TRUE(pod->ready);
  ASSERT_EQ(pod->pod_ips.size(), 2u);
  EXPECT_EQ(pod->pod_ips[1].str(), "fd00::5");
}

TEST(ParsePod, PodIPFallbackAndNotReady) {
  auto pod = parse_pod(J(R"({
    "metadata": {"name": "p"}, "spec": {"hostNetwork": true},
    "status": {"podIP": "10.0.0.9", "conditions": [{"type": "Ready", "status": "False"}]}})"));
  ASSERT_TRUE(pod) << pod.error().str();
  EXPECT_EQ(pod->meta.key(), "default/p");
  EXPECT_TRUE(pod->host_network);
  EXPECT_FALSE(pod->ready);
  ASSERT_EQ(pod->pod_ips.size(), 1u);
  EXPECT_EQ(pod->pod_ips[0].str(), "10.0.0.9");
}

TEST(ParsePod, Errors) {
  auto bad_ip = parse_pod(J(R"({"metadata": {"name": "p"}, "status": {"podIPs": [{"ip": "x"}]}})"));
  ASSERT_FALSE(bad_ip);
  EXPECT_EQ(bad_ip.error().field, "status.podIPs[0].ip");
  EXPECT_EQ(bad_ip.error().object, "Pod default/p");
  auto bad_type = parse_pod(J(R"({"metadata": {"name": "p"}, "spec": {"hostNetwork": "true"}})"));
  ASSERT_FALSE(bad_type);
  EXPECT_EQ(bad_type.error().field, "spec.hostNetwork");
  EXPECT_FALSE(parse_pod(J(R"({"kind": "Service", "metadata": {"name": "p"}})")));
  EXPECT_FALSE(parse_pod(J(R"({"metadata": {}})")));
}

TEST(ParseNamespace, IsClusterScoped) {
  auto ns = parse_namespace(J(R"({"kind": "Namespace", "metadata": {"name": "shop", "labels": {"team": "a"}}})"));
  ASSERT_TRUE(ns);
  EXPECT_EQ(ns->meta.key(), "shop");
  EXPECT_EQ(ns->meta.ns, "");
  EXPECT_EQ(ns->meta.labels.at("team"), "a");
  auto err = parse_namespace(J(R"({"kind": "Namespace", "metadata": {"name": ""}})"));
  ASSERT_FALSE(err);
  EXPECT_EQ(err.error().field, "metadata.name");
}

}  // namespace
}  // namespace skiff::kube
