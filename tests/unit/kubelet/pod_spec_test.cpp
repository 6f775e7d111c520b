#include "kubelet/pod_spec.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "kubelet/quantity.h"

namespace skiff::kubelet {
namespace {

using nlohmann::json;

TEST(Quantity, CpuAndBytes) {
  EXPECT_EQ(parse_cpu_millis("250m"), 250);
  EXPECT_EQ(parse_cpu_millis("2"), 2000);
  EXPECT_EQ(parse_cpu_millis("0.5"), 500);
  EXPECT_EQ(parse_bytes("128Mi"), 128 << 20);
  EXPECT_EQ(parse_bytes("1G"), 1000000000);
  EXPECT_EQ(parse_bytes("1e3"), 1000);
  EXPECT_FALSE(parse_bytes("12Q"));
  EXPECT_FALSE(parse_cpu_millis(""));
  EXPECT_FALSE(parse_cpu_millis("m"));
}

TEST(PodSpec, ParsesTheFieldsTheKubeletUses) {
  json p = json::parse(R"({
    "metadata": {"name": "web", "namespace": "shop", "uid": "u-1"},
    "spec": {
      "restartPolicy": "OnFailure", "terminationGracePeriodSeconds": 5,
      "initContainers": [{"name": "setup", "image": "busybox:1", "command": ["true"]}],
      "containers": [{
        "name": "app", "image": "busybox",
        "ports": [{"name": "http", "containerPort": 8080}],
        "readinessProbe": {"httpGet": {"path": "/ready", "port": "http"}, "periodSeconds": 2},
        "livenessProbe": {"exec": {"command": ["true"]}, "failureThreshold": 1},
        "startupProbe": {"tcpSocket": {"port": 8080}},
        "lifecycle": {"preStop": {"exec": {"command": ["sh", "-c", "sleep 1"]}}}
      }]
    }})");
  auto r = parse_pod(p);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->restart_policy, "OnFailure");
  EXPECT_EQ(r->termination_grace_period_seconds, 5);
  ASSERT_EQ(r->init_containers.size(), 1u);
  EXPECT_EQ(r->init_containers[0].image_pull_policy, "IfNotPresent");
  const auto& c = r->containers[0];
  EXPECT_EQ(c.image_pull_policy, "Always");  // no tag
  EXPECT_EQ(c.readiness.kind, Probe::Kind::HttpGet);
  EXPECT_EQ(c.readiness.port, 8080);  // named port resolved
  EXPECT_EQ(c.readiness.path, "/ready");
  EXPECT_EQ(c.readiness.period_seconds, 2);
  EXPECT_EQ(c.liveness.kind, Probe::Kind::Exec);
  EXPECT_EQ(c.liveness.failure_threshold, 1);
  EXPECT_EQ(c.startup.kind, Probe::Kind::TcpSocket);
  EXPECT_EQ(c.pre_stop_exec.size(), 3u);
  EXPECT_EQ(r->dns_policy, "ClusterFirst");
}

TEST(PodSpec, ErrorsNameTheField) {
  auto bad_policy = parse_pod(json::parse(
      R"({"metadata":{"name":"a","uid":"u"},"spec":{"restartPolicy":"Sometimes","containers":[{"name":"c","image":"i"}]}})"));
  ASSERT_FALSE(bad_policy);
  EXPECT_NE(bad_policy.error().message.find("spec.restartPolicy"), std::string::npos);
  auto no_image = parse_pod(json::parse(R"({"metadata":{"name":"a","uid":"u"},"spec":{"containers":[{"name":"c"}]}})"));
  ASSERT_FALSE(no_image);
  EXPECT_NE(no_image.error().message.find("spec.containers[0].image"), std::string::npos);
  auto wrong_type = parse_pod(json::parse(
      R"({"metadata":{"name":"a","uid":"u"},"spec":{"containers":[{"name":"c","image":"i","command":"ls"}]}})"));
  ASSERT_FALSE(wrong_type);
  EXPECT_NE(wrong_type.error().message.find("command"), std::string::npos);
  auto bad_port = parse_pod(json::parse(
      R"({"metadata":{"name":"a","uid":"u"},"spec":{"containers":[{"name":"c","image":"i","readinessProbe":{"tcpSocket":{"port":"web"}}}]}})"));
  ASSERT_FALSE(bad_port);
  EXPECT_NE(bad_port.error().message.find("readinessProbe.tcpSocket.port"), std::string::npos);
  EXPECT_FALSE(parse_pod(json::array()));
}

}  // namespace
}  // namespace skiff::kubelet
