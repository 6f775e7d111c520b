#include "kubelet/container_config.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace skiff::kubelet {
namespace {

using nlohmann::json;

PodSpec pod(json containers, json extra = json::object()) {
  json spec = {{"containers", containers}};
  spec.update(extra);
  json p = {{"metadata", {{"name", "web-1"}, {"namespace", "shop"}, {"uid", "u-1"}, {"labels", {{"app", "web"}}},
                          {"annotations", {{"note", "x"}}}}},
            {"spec", spec}};
  auto r = parse_pod(p);
  EXPECT_TRUE(r) << (r ? "" : r.error().message);
  return *r;
}

TEST(ContainerConfig, SandboxCarriesIdentityDnsPortsAndLabels) {
  PodSpec p = pod({{{"name", "app"}, {"image", "i:1"},
                    {"ports", {{{"containerPort", 8080}, {"hostPort", 18080}}, {{"containerPort", 9090}}}}}},
                  {{"hostname", "front"}});
  DnsSettings dns{{"10.96.0.10"}, {"shop.svc.cluster.local"}, {"ndots:5"}};
  auto c = make_sandbox_config(p, dns, "/var/log/pods/shop_web-1_u-1", 2);
  EXPECT_EQ(c.metadata().name(), "web-1");
  EXPECT_EQ(c.metadata().namespace_(), "shop");
  EXPECT_EQ(c.metadata().uid(), "u-1");
  EXPECT_EQ(c.metadata().attempt(), 2u);
  EXPECT_EQ(c.hostname(), "front");
  EXPECT_EQ(c.log_directory(), "/var/log/pods/shop_web-1_u-1");
  EXPECT_EQ(c.dns_config().servers(0), "10.96.0.10");
  EXPECT_EQ(c.dns_config().options(0), "ndots:5");
  ASSERT_EQ(c.port_mappings_size(), 1);
  EXPECT_EQ(c.port_mappings(0).host_port(), 18080);
  EXPECT_EQ(c.labels().at("app"), "web");
  EXPECT_EQ(c.labels().at(kPodUidLabel), "u-1");
  EXPECT_EQ(c.annotations().at("note"), "x");
  EXPECT_EQ(c.linux().security_context().namespace_options().network(), cri::POD);
}

TEST(ContainerConfig, HostNetworkSandboxHasNoHostname) {
  PodSpec p = pod({{{"name", "app"}, {"image", "i:1"}}}, {{"hostNetwork", true}});
  auto c = make_sandbox_config(p, {}, "/l", 0);
  EXPECT_EQ(c.hostname(), "");
  EXPECT_EQ(c.linux().security_context().namespace_options().network(), cri::NODE);
}

TEST(ContainerConfig, ContainerCommandEnvMountsSecurityAndLogPath) {
  PodSpec p = pod({{{"name", "app"}, {"image", "busybox:1"},
                    {"command", {"sh", "-c"}}, {"args", {"echo $(GREETING)"}},
                    {"securityContext", {{"runAsUser", 1000}, {"readOnlyRootFilesystem", true},
                                         {"allowPrivilegeEscalation", false},
                                         {"capabilities", {{"add", {"NET_ADMIN"}}, {"drop", {"ALL"}}}}}}}});
  EnvList env = {{"GREETING", "hi"}};
  std::vector<HostMount> mounts = {{"/data", "/host/data", true}};
  auto c = make_container_config(p, p.containers[0], env, mounts, 3, "sha256:abc");
  EXPECT_EQ(c.metadata().name(), "app");
  EXPECT_EQ(c.metadata().attempt(), 3u);
  EXPECT_EQ(c.image().image(), "sha256:abc");
  EXPECT_EQ(c.args(0), "echo hi");
  EXPECT_EQ(c.envs(0).key(), "GREETING");
  EXPECT_EQ(c.mounts(0).host_path(), "/host/data");
  EXPECT_TRUE(c.mounts(0).readonly());
  EXPECT_EQ(c.log_path(), "app/3.log");
  const auto& sc = c.linux().security_context();
  EXPECT_EQ(sc.run_as_user().value(), 1000);
  EXPECT_TRUE(sc.readonly_rootfs());
  EXPECT_TRUE(sc.no_new_privs());
  EXPECT_EQ(sc.capabilities().add_capabilities(0), "NET_ADMIN");
  EXPECT_EQ(sc.capabilities().drop_capabilities(0), "ALL");
  EXPECT_EQ(c.annotations().at(kRestartCountAnnotation), "3");
}

TEST(ContainerConfig, ResourcesToCgroupSettings) {
  PodSpec burst = pod({{{"name", "app"}, {"image", "i:1"},
                        {"resources", {{"requests", {{"cpu", "250m"}, {"memory", "1Gi"}}},
                                       {"limits", {{"cpu", "500m"}, {"memory", "2Gi"}}}}}}});
  int64_t node = int64_t(16) << 30;
  auto r = linux_resources(burst, burst.containers[0].resources, node);
  EXPECT_EQ(r.cpu_shares(), 256);
  EXPECT_EQ(r.cpu_period(), 100000);
  EXPECT_EQ(r.cpu_quota(), 50000);
  EXPECT_EQ(r.memory_limit_in_bytes(), int64_t(2) << 30);
  EXPECT_EQ(r.oom_score_adj(), 1000 - 1000 / 16);
  EXPECT_EQ(qos_class(burst), "Burstable");

  PodSpec guaranteed = pod({{{"name", "app"}, {"image", "i:1"},
                             {"resources", {{"limits", {{"cpu", "1"}, {"memory", "128Mi"}}}}}}});
  EXPECT_EQ(qos_class(guaranteed), "Guaranteed");
  auto g = linux_resources(guaranteed, guaranteed.containers[0].resources, node);
  EXPECT_EQ(g.cpu_shares(), 1024);
  EXPECT_EQ(g.oom_score_adj(), -997);

  PodSpec best = pod({{{"name", "app"}, {"image", "i:1"}}});
  EXPECT_EQ(qos_class(best), "BestEffort");
  auto b = linux_resources(best, best.containers[0].resources, node);
  EXPECT_EQ(b.cpu_shares(), 2);
  EXPECT_EQ(b.cpu_quota(), 0);
  EXPECT_EQ(b.oom_score_adj(), 1000);
}

}  // namespace
}  // namespace skiff::kubelet
