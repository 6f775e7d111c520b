// Shared fixture: one private pin root with the XDP, tc and sock objects
// loaded into it (so every test also checks that they share the maps), and
// the addresses the tests use.
#pragma once

#include <gtest/gtest.h>

#include "bpf_env.h"

namespace skiff::test {

constexpr std::uint32_t kClient = ip4(192, 0, 2, 10);
constexpr std::uint32_t kNode = ip4(192, 0, 2, 1);  // SNAT address
constexpr std::uint32_t kVip = ip4(203, 0, 113, 5);
constexpr std::uint32_t kClusterIp = ip4(10, 96, 0, 10);
constexpr std::uint32_t kPodA = ip4(10, 0, 1, 1);
constexpr std::uint32_t kPodB = ip4(10, 0, 1, 2);
constexpr std::uint32_t kPodC = ip4(10, 0, 1, 3);
constexpr std::uint32_t kHairpin = ip4(169, 254, 42, 1);
constexpr std::uint16_t kBackendPort = 8080;

class LbFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(root_.ok()) << "cannot create a pin root under /sys/fs/bpf";
    LoadConfig cfg;
    cfg.snat_addr = kNode;
    xdp_ = load_xdp(root_, cfg);
    ASSERT_TRUE(xdp_) << "skiff_xdp failed to load (verifier log above)";
    tc_ = load_tc(root_, cfg);
    ASSERT_TRUE(tc_) << "skiff_tc failed to load (verifier log above)";
    maps_.emplace(*xdp_);
    maps_->set_backend(1, kPodA, kBackendPort, kTcp);
    maps_->set_backend(2, kPodB, kBackendPort, kTcp);
    maps_->set_backend(3, kPodC, kBackendPort, kTcp);
  }

  RunResult xdp(const Bytes& in) { return test_run(xdp_->progs.skiff_xdp_lb, in); }
  // An external device's whole ingress: XDP, then tc_from_external on what
  // XDP passes (it leaves translations it cannot send out itself to tc).
  RunResult external(const Bytes& in) {
    RunResult r = xdp(in);
    if (r.err || r.retval != XDP_PASS) return r;
    RunResult t = test_run(tc_->progs.tc_from_external, r.out);
    if (!t.err && t.retval == 0) t.retval = XDP_PASS;  // TC_ACT_OK: the stack takes it, as after XDP_PASS
    return t;
  }
  RunResult from_pod(const Bytes& in) { return test_run(tc_->progs.tc_from_pod, in); }
  RunResult to_pod(const Bytes& in) { return test_run(tc_->progs.tc_to_pod, in); }

  // The backend the forward conntrack entry of this flow points at.
  std::uint32_t ct_backend(const PacketSpec& s) {
    auto e = maps_->ct(ct_key(s.saddr, s.daddr, s.sport, s.dport, s.proto, SKIFF_CT_FORWARD));
    return e ? e->backend_id : 0;
  }

  static PacketSpec packet(std::uint8_t proto, std::uint32_t src, std::uint16_t sport, std::uint32_t dst,
                           std::uint16_t dport) {
    PacketSpec s;
    s.proto = proto;
    s.saddr = src;
    s.sport = sport;
    s.daddr = dst;
    s.dport = dport;
    return s;
  }

  static std::uint32_t backend_addr(std::uint32_t id) { return id == 1 ? kPodA : id == 2 ? kPodB : kPodC; }

  PinRoot root_;
  Owned<skiff_xdp> xdp_{nullptr, skiff_xdp__destroy};
  Owned<skiff_tc> tc_{nullptr, skiff_tc__destroy};
  std::optional<LbMaps> maps_;
};

// Byte-exact comparison with a readable diff.
#define EXPECT_FRAME(actual, expected)                                          \
  do {                                                                          \
    const Bytes& a_ = (actual);                                                 \
    const Bytes& e_ = (expected);                                               \
    EXPECT_EQ(a_, e_) << "actual:\n" << hex(a_) << "\nexpected:\n" << hex(e_); \
    EXPECT_EQ(verify_checksums(a_), "");                                        \
  } while (0)

}  // namespace skiff::test
