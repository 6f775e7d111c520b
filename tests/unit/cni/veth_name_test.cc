#include "cni/lib/veth_name.h"

#include <gtest/gtest.h>

#include "cni/lib/environment.h"

namespace skiff::cni {
namespace {

TEST(VethName, DeterministicShortAndDistinct) {
  std::string a = host_veth_name("0123456789abcdef", "eth0");
  EXPECT_EQ(a, host_veth_name("0123456789abcdef", "eth0"));
  EXPECT_EQ(a.size(), 13u);
  EXPECT_EQ(a.substr(0, 2), "sk");
  EXPECT_TRUE(is_valid_ifname(a));
  EXPECT_NE(a, host_veth_name("0123456789abcdef", "eth1"));
  EXPECT_NE(a, host_veth_name("0123456789abcdeg", "eth0"));
  // The separator keeps ("ab", "c") and ("a", "bc") apart.
  EXPECT_NE(host_veth_name("ab", "c"), host_veth_name("a", "bc"));
}

}  // namespace
}  // namespace skiff::cni
