#include <gtest/gtest.h>

#include <set>

#include "controllers/allocators.h"
#include "harness.h"

namespace skiff::controllers {
namespace {
using testing::Cluster;

Json svc(const std::string& name, const std::string& type = "ClusterIP", Json ports = nullptr) {
  if (ports.is_null()) ports = Json::array({{{"port", 80}}});
  return Json{{"apiVersion", "v1"}, {"kind", "Service"},
              {"metadata", {{"name", name}, {"namespace", "default"}}},
              {"spec", {{"type", type}, {"ports", ports}}}};
}

TEST(ServiceIpAllocator, AllocatesWithoutDuplicatesAndRecoversAfterRestart) {
  auto ips = ServiceIpAllocator::create("10.96.0.0/28");  // 14 usable, first kept for `kubernetes`
  ASSERT_TRUE(ips);
  EXPECT_EQ(ips->first_address(), "10.96.0.1");
  Cluster c;
  std::set<std::string> seen;
  for (int i = 0; i < 13; ++i) {
    auto ip = ips->allocate();
    ASSERT_TRUE(ip) << i;
    EXPECT_TRUE(seen.insert(*ip).second) << *ip;
    EXPECT_NE(*ip, "10.96.0.1");
    EXPECT_NE(*ip, "10.96.0.15");  // broadcast
    Json s = svc("s" + std::to_string(i));
    s["spec"]["clusterIP"] = *ip;
    s["spec"]["clusterIPs"] = Json::array({*ip});
    c.store.put(s, c.now);
  }
  auto full = ips->allocate();
  ASSERT_FALSE(full);
  EXPECT_NE(full.error().message.find("range is full"), std::string::npos);
  // A restarted server rebuilds the same state from the Services.
  auto again = ServiceIpAllocator::create("10.96.0.0/28");
  again->recover(c.store);
  EXPECT_FALSE(again->allocate("10.96.0.5"));
  EXPECT_EQ(again->free(), 1u);  // only 10.96.0.1 (the kubernetes service's) remains
  EXPECT_TRUE(again->allocate("10.96.0.1"));
  EXPECT_FALSE(ServiceIpAllocator::create("10.96.0.0"));
  EXPECT_FALSE(ServiceIpAllocator::create("fd00::/64"));
  EXPECT_FALSE(ips->allocate("10.97.0.1"));
}

TEST(NodePortAllocator, RangeDuplicatesAndRecovery) {
  NodePortAllocator ports;
  EXPECT_TRUE(ports.allocate(30080));
  auto dup = ports.allocate(30080);
  ASSERT_FALSE(dup);
  EXPECT_NE(dup.error().message.find("already allocated"), std::string::npos);
  auto out = ports.allocate(8080);
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("30000-32767"), std::string::npos);
  std::set<int> seen{30080};
  for (int i = 0; i < 2767; ++i) {
    auto p = ports.allocate();
    ASSERT_TRUE(p);
    EXPECT_TRUE(seen.insert(*p).second);
  }
  EXPECT_FALSE(ports.allocate());

  Cluster c;
  c.store.put(svc("np", "NodePort", Json::array({{{"port", 80}, {"nodePort", 31000}}})), c.now);
  NodePortAllocator recovered;
  recovered.recover(c.store);
  EXPECT_FALSE(recovered.allocate(31000));
  EXPECT_EQ(recovered.free(), 2767u);
}

TEST(AllocateService, FillsClusterIpAndNodePortsOrFailsCleanly) {
  auto ips = ServiceIpAllocator::create("10.96.0.0/24");
  NodePortAllocator ports;
  auto spec = allocate_service(svc("lb", "LoadBalancer", Json::array({{{"port", 80}}, {{"port", 443}}})), *ips, ports);
  ASSERT_TRUE(spec);
  EXPECT_FALSE(str((*spec)["clusterIP"]).empty());
  EXPECT_EQ((*spec)["clusterIPs"].size(), 1u);
  EXPECT_GE((*spec)["ports"][0]["nodePort"].get<int>(), 30000);
  EXPECT_NE((*spec)["ports"][0]["nodePort"], (*spec)["ports"][1]["nodePort"]);
  // A conflicting nodePort gives the error and releases what was taken.
  uint64_t free_ips = ips->free();
  int taken = (*spec)["ports"][0]["nodePort"];
  auto bad = allocate_service(svc("dup", "NodePort", Json::array({{{"port", 80}, {"nodePort", taken}}})), *ips, ports);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("already allocated"), std::string::npos);
  EXPECT_EQ(ips->free(), free_ips);
  Json headless = svc("h");
  headless["spec"]["clusterIP"] = "None";
  EXPECT_EQ((*allocate_service(headless, *ips, ports))["clusterIP"], "None");
  Json ext = svc("e", "ExternalName");
  EXPECT_FALSE(allocate_service(ext, *ips, ports)->contains("clusterIP"));
}

TEST(LoadBalancerPool, RangesCidrsAndRecovery) {
  auto pool = LoadBalancerPool::create({"192.168.10.240-192.168.10.241", "10.0.0.8/31"});
  ASSERT_TRUE(pool);
  std::set<std::string> got;
  for (int i = 0; i < 4; ++i) got.insert(*pool->allocate());
  EXPECT_EQ(got, (std::set<std::string>{"192.168.10.240", "192.168.10.241", "10.0.0.8", "10.0.0.9"}));
  EXPECT_FALSE(pool->allocate());
  pool->release("10.0.0.9");
  EXPECT_EQ(*pool->allocate(), "10.0.0.9");
  EXPECT_FALSE(LoadBalancerPool::create({"10.0.0.0/30", "10.0.0.2"}));  // overlap
  EXPECT_FALSE(LoadBalancerPool::create({"banana"}));

  Cluster c;
  Json s = svc("lb", "LoadBalancer");
  s["status"] = {{"loadBalancer", {{"ingress", Json::array({{{"ip", "192.168.10.240"}}})}}}};
  c.store.put(s, c.now);
  auto fresh = LoadBalancerPool::create({"192.168.10.240-192.168.10.241"});
  fresh->recover(c.store);
  EXPECT_EQ(*fresh->allocate(), "192.168.10.241");
}

}  // namespace
}  // namespace skiff::controllers
