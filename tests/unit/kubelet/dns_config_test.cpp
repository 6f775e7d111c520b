#include "kubelet/dns_config.h"

#include <gtest/gtest.h>

namespace skiff::kubelet {
namespace {

using V = std::vector<std::string>;

ClusterDns cluster() {
  ClusterDns c;
  c.servers = {"10.96.0.10"};
  c.zone = "cluster.local";
  read_resolv_conf("# node\nnameserver 192.0.2.53\nnameserver 192.0.2.54\nsearch corp.example lab.example\n"
                   "options edns0 timeout:2\n",
                   c);
  return c;
}

PodSpec pod(const std::string& policy) {
  PodSpec p;
  p.ns = "shop";
  p.name = "web";
  p.dns_policy = policy;
  return p;
}

TEST(DnsConfig, ReadsResolvConf) {
  ClusterDns c = cluster();
  EXPECT_EQ(c.host_servers, (V{"192.0.2.53", "192.0.2.54"}));
  EXPECT_EQ(c.host_searches, (V{"corp.example", "lab.example"}));
  EXPECT_EQ(c.host_options, (V{"edns0", "timeout:2"}));
}

TEST(DnsConfig, ClusterFirstUsesClusterDnsAndNamespaceSearchPath) {
  DnsSettings d = dns_for_pod(pod("ClusterFirst"), cluster());
  EXPECT_EQ(d.servers, (V{"10.96.0.10"}));
  EXPECT_EQ(d.searches, (V{"shop.svc.cluster.local", "svc.cluster.local", "cluster.local", "corp.example",
                           "lab.example"}));
  EXPECT_EQ(d.options, (V{"ndots:5"}));
}

TEST(DnsConfig, ClusterFirstOnHostNetworkFallsBackToDefault) {
  PodSpec p = pod("ClusterFirst");
  p.host_network = true;
  DnsSettings d = dns_for_pod(p, cluster());
  EXPECT_EQ(d.servers, (V{"192.0.2.53", "192.0.2.54"}));
  EXPECT_EQ(d.searches, (V{"corp.example", "lab.example"}));
}

TEST(DnsConfig, ClusterFirstWithHostNetKeepsClusterDns) {
  PodSpec p = pod("ClusterFirstWithHostNet");
  p.host_network = true;
  DnsSettings d = dns_for_pod(p, cluster());
  EXPECT_EQ(d.servers, (V{"10.96.0.10"}));
  EXPECT_EQ(d.searches.front(), "shop.svc.cluster.local");
  EXPECT_EQ(d.options, (V{"ndots:5"}));
}

TEST(DnsConfig, DefaultIsTheNodesResolver) {
  DnsSettings d = dns_for_pod(pod("Default"), cluster());
  EXPECT_EQ(d.servers, (V{"192.0.2.53", "192.0.2.54"}));
  EXPECT_EQ(d.options, (V{"edns0", "timeout:2"}));
}

TEST(DnsConfig, NoneTakesOnlyThePodsDnsConfig) {
  PodSpec p = pod("None");
  p.dns_config = PodDnsConfig{{"1.2.3.4"}, {"a.example"}, {{"ndots", "2"}, {"edns0", std::nullopt}}};
  DnsSettings d = dns_for_pod(p, cluster());
  EXPECT_EQ(d.servers, (V{"1.2.3.4"}));
  EXPECT_EQ(d.searches, (V{"a.example"}));
  EXPECT_EQ(d.options, (V{"ndots:2", "edns0"}));
}

TEST(DnsConfig, PodDnsConfigMergesAndOverridesOptionsByName) {
  PodSpec p = pod("ClusterFirst");
  p.dns_config = PodDnsConfig{{"10.96.0.10", "9.9.9.9"}, {"extra.example"}, {{"ndots", "1"}}};
  DnsSettings d = dns_for_pod(p, cluster());
  EXPECT_EQ(d.servers, (V{"10.96.0.10", "9.9.9.9"}));
  EXPECT_EQ(d.searches.back(), "extra.example");
  EXPECT_EQ(d.options, (V{"ndots:1"}));
}

TEST(DnsConfig, NoClusterDnsConfiguredFallsBackToDefault) {
  ClusterDns c = cluster();
  c.servers.clear();
  DnsSettings d = dns_for_pod(pod("ClusterFirst"), c);
  EXPECT_EQ(d.servers, (V{"192.0.2.53", "192.0.2.54"}));
}

TEST(DnsConfig, AtMostThreeServers) {
  PodSpec p = pod("None");
  p.dns_config = PodDnsConfig{{"1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4"}, {}, {}};
  EXPECT_EQ(dns_for_pod(p, cluster()).servers.size(), 3u);
}

}  // namespace
}  // namespace skiff::kubelet
