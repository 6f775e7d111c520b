#include "cni/lib/result.h"

#include <gtest/gtest.h>

namespace skiff::cni {
namespace {

using nlohmann::json;

CniResult sample() {
  CniResult r;
  r.interfaces.push_back({"sk0123456789a", "02:00:00:00:00:01", "", 1500});
  r.interfaces.push_back({"eth0", "02:00:00:00:00:02", "/var/run/netns/p", 1500});
  r.ips.push_back({*Ipv4Cidr::parse("10.244.0.5/32"), *Ipv4::parse("10.244.0.1"), 1});
  r.routes.push_back({*Ipv4Cidr::parse("0.0.0.0/0"), *Ipv4::parse("10.244.0.1")});
  r.dns.nameservers = {"10.96.0.10"};
  return r;
}

TEST(Result, Encodes110WithInterfaceMtu) {
  json j = encode_result(sample(), "1.1.0");
  EXPECT_EQ(j["cniVersion"], "1.1.0");
  EXPECT_EQ(j["interfaces"][1]["sandbox"], "/var/run/netns/p");
  EXPECT_EQ(j["interfaces"][1]["mtu"], 1500);
  EXPECT_FALSE(j["interfaces"][0].contains("sandbox"));
  EXPECT_EQ(j["ips"][0]["address"], "10.244.0.5/32");
  EXPECT_EQ(j["ips"][0]["gateway"], "10.244.0.1");
  EXPECT_EQ(j["ips"][0]["interface"], 1);
  EXPECT_FALSE(j["ips"][0].contains("version"));
  EXPECT_EQ(j["routes"][0]["dst"], "0.0.0.0/0");
  EXPECT_EQ(j["dns"]["nameservers"][0], "10.96.0.10");
}

TEST(Result, Encodes100WithoutMtuAnd040WithIpVersion) {
  json v1 = encode_result(sample(), "1.0.0");
  EXPECT_FALSE(v1["interfaces"][1].contains("mtu"));
  json v04 = encode_result(sample(), "0.4.0");
  EXPECT_EQ(v04["ips"][0]["version"], "4");
}

TEST(Result, MergesIntoPrevResultShiftingInterfaceIndices) {
  json prev = {{"cniVersion", "1.0.0"},
               {"interfaces", {{{"name", "lo"}}}},
               {"ips", {{{"address", "fd00::1/64"}, {"interface", 0}}}}};
  json merged = merge_into_prev_result(prev, sample(), "1.0.0");
  EXPECT_EQ(merged["interfaces"].size(), 3u);
  EXPECT_EQ(merged["ips"].size(), 2u);
  EXPECT_EQ(merged["ips"][1]["interface"], 2);
}

TEST(Result, DecodeRoundTripsAndSkipsOtherFamilies) {
  json j = encode_result(sample(), "1.1.0");
  j["ips"].push_back({{"address", "fd00::5/64"}, {"interface", 1}});
  j["routes"].push_back({{"dst", "::/0"}});
  auto r = decode_result(j);
  ASSERT_TRUE(r) << r.error().msg;
  ASSERT_EQ(r->interfaces.size(), 2u);
  EXPECT_EQ(r->interfaces[1].sandbox, "/var/run/netns/p");
  ASSERT_EQ(r->ips.size(), 1u);
  EXPECT_EQ(r->ips[0].address.str(), "10.244.0.5/32");
  EXPECT_EQ(r->ips[0].interface, 1);
  ASSERT_EQ(r->routes.size(), 1u);
}

TEST(Result, DecodeRejectsMalformedWithCode7) {
  for (json bad : {json{{"ips", {{{"address", "nope"}}}}}, json{{"interfaces", {{{"name", 3}}}}},
                   json{{"interfaces", {{{"name", "eth0"}, {"mac", 5}}}}}, json{{"routes", {"x"}}}}) {
    auto r = decode_result(bad);
    ASSERT_FALSE(r) << bad.dump();
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidConfig) << bad.dump();
  }
}

}  // namespace
}  // namespace skiff::cni
