// skiff_tc: ClusterIP traffic from pods, replies into pods, hairpin, rejects.
#include <arpa/inet.h>
#include <linux/pkt_cls.h>

#include "lb_fixture.h"

namespace skiff::test {
namespace {

constexpr std::uint32_t kClientPod = ip4(10, 0, 2, 20);

class TcTest : public LbFixture {};

TEST_F(TcTest, PodToClusterIpIsDnatedAndTheReplyRestoredOnIngress) {
  auto id = maps_->add_frontend({.addr = kClusterIp, .port = 80, .proto = kTcp, .backends = {2}});
  auto in = packet(kTcp, kClientPod, 33000, kClusterIp, 80);
  auto r = from_pod(build(in));
  EXPECT_EQ(r.retval, TC_ACT_OK);
  auto want = in;
  want.daddr = kPodB;
  want.dport = kBackendPort;
  EXPECT_FRAME(r.out, build(want));

  // The backend pod answers; its veth's ingress restores the frontend.
  auto reply = packet(kTcp, kPodB, kBackendPort, kClientPod, 33000);
  reply.tcp_flags = kSyn | kAck;
  r = from_pod(build(reply));
  EXPECT_EQ(r.retval, TC_ACT_OK);
  auto back = reply;
  back.saddr = kClusterIp;
  back.sport = 80;
  EXPECT_FRAME(r.out, build(back));
  EXPECT_EQ(maps_->stats(id).packets, 2u);
}

TEST_F(TcTest, ReplyFromARemoteBackendIsRestoredOnTheWayIntoThePod) {
  maps_->add_frontend({.addr = kClusterIp, .port = 53, .proto = kUdp, .backends = {3}});
  auto in = packet(kUdp, kClientPod, 6000, kClusterIp, 53);
  in.payload = {9, 9, 9};
  ASSERT_EQ(from_pod(build(in)).retval, TC_ACT_OK);

  auto reply = packet(kUdp, kPodC, kBackendPort, kClientPod, 6000);
  reply.payload = {1, 2, 3, 4};
  auto r = to_pod(build(reply));
  EXPECT_EQ(r.retval, TC_ACT_OK);
  auto back = reply;
  back.saddr = kClusterIp;
  back.sport = 53;
  EXPECT_FRAME(r.out, build(back));

  // The XDP object sees the same conntrack: the maps are shared by pin.
  EXPECT_TRUE(maps_->ct(ct_key(kPodC, kClientPod, kBackendPort, 6000, kUdp, SKIFF_CT_REVERSE)));
}

TEST_F(TcTest, UdpWithoutChecksumKeepsNone) {
  maps_->add_frontend({.addr = kClusterIp, .port = 53, .proto = kUdp, .backends = {1}});
  auto in = packet(kUdp, kClientPod, 6001, kClusterIp, 53);
  in.udp_no_checksum = true;
  in.payload = {1, 2, 3};
  auto r = from_pod(build(in));
  auto want = in;
  want.daddr = kPodA;
  want.dport = kBackendPort;
  EXPECT_FRAME(r.out, build(want));
  EXPECT_EQ(rd16(r.out, 34 + 6), 0);
}

TEST_F(TcTest, HairpinIsSnatedToTheHairpinAddressAndReversed) {
  maps_->add_frontend({.addr = kClusterIp, .port = 80, .proto = kTcp, .backends = {1}});
  auto in = packet(kTcp, kPodA, 34000, kClusterIp, 80);
  auto r = from_pod(build(in));
  EXPECT_EQ(r.retval, TC_ACT_OK);
  auto want = in;
  want.saddr = kHairpin;
  want.daddr = kPodA;
  want.dport = kBackendPort;
  EXPECT_FRAME(r.out, build(want));

  auto reply = packet(kTcp, kPodA, kBackendPort, kHairpin, 34000);
  reply.tcp_flags = kSyn | kAck;
  r = from_pod(build(reply));
  EXPECT_EQ(r.retval, TC_ACT_OK);
  auto back = reply;
  back.saddr = kClusterIp;
  back.sport = 80;
  back.daddr = kPodA;
  EXPECT_FRAME(r.out, build(back));

  auto e = maps_->ct(ct_key(kPodA, kHairpin, kBackendPort, 34000, kTcp, SKIFF_CT_REVERSE));
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->flags & SKIFF_CT_F_SNAT);
}

TEST_F(TcTest, NoBackendRejectsAreRedirectedBackIntoThePod) {
  maps_->add_frontend({.addr = kClusterIp, .port = 80, .proto = kTcp});
  maps_->add_frontend({.addr = kClusterIp, .port = 53, .proto = kUdp});

  auto syn = packet(kTcp, kClientPod, 35000, kClusterIp, 80);
  auto r = from_pod(build(syn));
  EXPECT_EQ(r.retval, TC_ACT_REDIRECT);
  PacketSpec rst = packet(kTcp, kClusterIp, 80, kClientPod, 35000);
  rst.src_mac = syn.dst_mac;
  rst.dst_mac = syn.src_mac;
  rst.tcp_flags = kRst | kAck;
  rst.seq = 0;
  rst.ack = syn.seq + 1;
  rst.window = 0;
  rst.id = 0;
  rst.frag = 0x4000;
  EXPECT_FRAME(r.out, build(rst));

  auto dgram = packet(kUdp, kClientPod, 6002, kClusterIp, 53);
  dgram.payload.assign(30, 'd');
  Bytes frame = build(dgram);
  r = from_pod(frame);
  EXPECT_EQ(r.retval, TC_ACT_REDIRECT);
  EXPECT_FRAME(r.out, build_port_unreachable(frame));
  EXPECT_EQ(maps_->event(SKIFF_EV_NO_BACKEND_REJECT), 2u);
}

TEST_F(TcTest, NoBackendWithDropFlagIsShot) {
  maps_->add_frontend(
      {.addr = kClusterIp, .port = 80, .proto = kTcp, .flags = SKIFF_SVC_F_DROP_NO_BACKEND});
  auto r = from_pod(build(packet(kTcp, kClientPod, 36000, kClusterIp, 80)));
  EXPECT_EQ(r.retval, TC_ACT_SHOT);
}

TEST_F(TcTest, NonServiceTrafficIsByteIdentical) {
  maps_->add_frontend({.addr = kClusterIp, .port = 80, .proto = kTcp, .backends = {1}});
  for (const auto& s : {packet(kTcp, kClientPod, 1, kPodB, 80), packet(kUdp, kClientPod, 1, kClusterIp, 80),
                        packet(kIcmp, kClientPod, 0, kClusterIp, 0)}) {
    Bytes in = build(s);
    for (auto* prog : {tc_->progs.tc_from_pod, tc_->progs.tc_to_pod}) {
      auto r = test_run(prog, in);
      EXPECT_EQ(r.retval, TC_ACT_OK);
      EXPECT_EQ(r.out, in);
    }
  }
}

TEST_F(TcTest, ConntrackKeepsBackendWhenSlotsChange) {
  maps_->add_frontend({.addr = kClusterIp, .port = 80, .proto = kTcp, .backends = {1, 2, 3}});
  auto flow = packet(kTcp, kClientPod, 37000, kClusterIp, 80);
  from_pod(build(flow));
  std::uint32_t first = ct_backend(flow);
  ASSERT_NE(first, 0u);
  auto s = maps_->service(kClusterIp, 80, kTcp);
  maps_->fill_slots(s->slot_offset, s->slot_count, {first == 1 ? 2u : 1u});
  flow.tcp_flags = kAck;
  auto r = from_pod(build(flow));
  EXPECT_EQ(rd32(r.out, 30), backend_addr(first));
}

}  // namespace
}  // namespace skiff::test
