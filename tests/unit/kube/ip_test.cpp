#include "skiff/net/ip.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

namespace skiff::net {
namespace {

TEST(IpAddr, ParsesV4) {
  auto ip = IpAddr::parse("10.96.0.10");
  ASSERT_TRUE(ip);
  EXPECT_TRUE(ip->is_v4());
  EXPECT_EQ(ip->v4_be(), htonl(0x0a60000a));
  EXPECT_EQ(ip->str(), "10.96.0.10");
}

TEST(IpAddr, ParsesV6AndPrintsCanonically) {
  auto ip = IpAddr::parse("fd00:0:0::0a");
  ASSERT_TRUE(ip);
  EXPECT_FALSE(ip->is_v4());
  EXPECT_EQ(ip->str(), "fd00::a");
}

TEST(IpAddr, RejectsGarbage) {
  for (const char* text : {"", "10.0.0", "10.0.0.256", "10.0.0.1 ", " 10.0.0.1", "abc", "1.2.3.4/24", "::g"}) {
    EXPECT_FALSE(IpAddr::parse(text)) << text;
  }
  EXPECT_FALSE(IpAddr::parse(std::string_view("10.0.0.1\0", 9)));
  EXPECT_FALSE(IpAddr::parse(std::string(100, '1')));
}

TEST(IpAddr, V4RoundTripAndOrdering) {
  auto a = IpAddr::v4(htonl(0x0a000001));
  EXPECT_EQ(a.str(), "10.0.0.1");
  EXPECT_EQ(a, *IpAddr::parse("10.0.0.1"));
  EXPECT_LT(*IpAddr::parse("10.0.0.1"), *IpAddr::parse("10.0.0.2"));
}

}  // namespace
}  // namespace skiff::net
