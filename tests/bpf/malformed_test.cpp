// Truncated, malformed and fragmented packets must pass untouched through
// both per-packet programs, counted where they are recognisable.
#include <linux/bpf.h>

#include <cerrno>

#include "lb_fixture.h"

namespace skiff::test {
namespace {

constexpr std::uint32_t kTcActOk = 0;

class MalformedTest : public LbFixture {
 protected:
  void SetUp() override {
    LbFixture::SetUp();
    if (HasFatalFailure()) return;
    maps_->add_frontend({.addr = kVip, .port = 80, .proto = kTcp, .backends = {1}});
    maps_->add_frontend({.addr = kVip, .port = 53, .proto = kUdp, .backends = {1}});
  }
};

TEST_F(MalformedTest, EveryTruncationOfASynPassesUntouched) {
  auto syn = packet(kTcp, kClient, 40000, kVip, 80);
  syn.ip_options = {1, 1, 1, 1};
  Bytes full = build(syn);
  std::uint64_t ran_on_ipv4 = 0;
  for (std::size_t len = 0; len < full.size(); len++) {
    Bytes cut(full.begin(), full.begin() + len);
    for (auto* prog : {xdp_->progs.skiff_xdp_lb, tc_->progs.tc_from_pod, tc_->progs.tc_to_pod}) {
      auto r = test_run(prog, cut);
      if (len < kEthLen) {
        // The kernel refuses to run a program on less than an Ethernet header.
        EXPECT_EQ(r.err, -EINVAL) << "len " << len;
        continue;
      }
      // For skb programs the kernel also wants the IPv4 header it is told of.
      if (prog != xdp_->progs.skiff_xdp_lb && len < kEthLen + 20 && r.err == -EINVAL) continue;
      ran_on_ipv4++;
      ASSERT_EQ(r.err, 0) << "len " << len << " prog " << bpf_program__name(prog);
      EXPECT_EQ(r.retval, prog == xdp_->progs.skiff_xdp_lb ? std::uint32_t{XDP_PASS} : kTcActOk) << "len " << len;
      EXPECT_EQ(r.out, cut) << "len " << len << " prog " << bpf_program__name(prog);
    }
  }
  EXPECT_EQ(maps_->ct(ct_key(kClient, kVip, 40000, 80, kTcp, SKIFF_CT_FORWARD)), std::nullopt);
  // Every cut that keeps the IPv4 ethertype is malformed, in each program.
  EXPECT_EQ(maps_->event(SKIFF_EV_MALFORMED), ran_on_ipv4);
  EXPECT_GE(ran_on_ipv4, full.size() - kEthLen);
}

TEST_F(MalformedTest, InconsistentHeadersPassUntouched) {
  auto base = packet(kTcp, kClient, 40000, kVip, 80);
  std::vector<Bytes> frames;
  Bytes f = build(base);
  f[kEthLen] = 0x44;  // ihl 4
  frames.push_back(f);
  f = build(base);
  f[kEthLen] = 0x65;  // version 6 in an IPv4 frame
  frames.push_back(f);
  f = build(base);
  f[kEthLen + 2] = 0x05;  // total length beyond the frame
  frames.push_back(f);
  f = build(base);
  f[kEthLen + 20 + 12] = 0x40;  // TCP data offset 4
  frames.push_back(f);
  f = build(base);
  f[kEthLen + 20 + 12] = 0xf0;  // TCP data offset beyond the segment
  frames.push_back(f);
  for (const auto& in : frames) {
    auto r = xdp(in);
    EXPECT_EQ(r.retval, XDP_PASS);
    EXPECT_EQ(r.out, in);
    r = from_pod(in);
    EXPECT_EQ(r.retval, kTcActOk);
    EXPECT_EQ(r.out, in);
  }
  EXPECT_EQ(maps_->event(SKIFF_EV_MALFORMED), 2 * frames.size());
}

TEST_F(MalformedTest, FragmentsPassUntouchedAndFirstFragmentsAreCounted) {
  auto first = packet(kUdp, kClient, 5000, kVip, 53);
  first.frag = 0x2000;  // MF, offset 0
  first.payload.assign(64, 'a');
  auto later = packet(kUdp, kClient, 5000, kVip, 53);
  later.frag = 0x0008;  // offset 64 bytes, last
  later.payload.assign(16, 'b');
  auto elsewhere = first;
  elsewhere.daddr = ip4(1, 2, 3, 4);

  for (const auto& s : {first, later, elsewhere}) {
    Bytes in = build(s);
    auto r = xdp(in);
    EXPECT_EQ(r.retval, XDP_PASS);
    EXPECT_EQ(r.out, in);
    r = from_pod(in);
    EXPECT_EQ(r.retval, kTcActOk);
    EXPECT_EQ(r.out, in);
  }
  EXPECT_EQ(maps_->event(SKIFF_EV_FRAGMENT), 2u);  // the first fragment, once per program
  EXPECT_EQ(maps_->ct(ct_key(kClient, kVip, 5000, 53, kUdp, SKIFF_CT_FORWARD)), std::nullopt);
}

}  // namespace
}  // namespace skiff::test
