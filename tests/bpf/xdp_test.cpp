// The external interface's ingress (skiff_xdp, then tc_from_external on what
// XDP passes): north-south frontends.
#include <arpa/inet.h>
#include <linux/bpf.h>

#include "lb_fixture.h"

namespace skiff::test {
namespace {

class XdpTest : public LbFixture {};

TEST_F(XdpTest, TcpDnatToLocalBackendKeepsClientAndChecksums) {
  maps_->set_backend(1, kPodA, kBackendPort, kTcp, SKIFF_BACKEND_F_LOCAL);
  maps_->add_frontend({.addr = kVip, .port = 80, .proto = kTcp, .backends = {1}});
  auto in = packet(kTcp, kClient, 40000, kVip, 80);
  in.payload = {'h', 'e', 'l', 'l', 'o'};
  in.tcp_flags = kAck | kPsh;

  auto r = external(build(in));
  ASSERT_EQ(r.err, 0);
  EXPECT_EQ(r.retval, XDP_PASS);
  auto want = in;
  want.daddr = kPodA;
  want.dport = kBackendPort;
  EXPECT_FRAME(r.out, build(want));
}

TEST_F(XdpTest, UdpDnatAndZeroChecksumStaysZero) {
  maps_->set_backend(1, kPodA, 53, kUdp, SKIFF_BACKEND_F_LOCAL);
  maps_->add_frontend({.addr = kVip, .port = 53, .proto = kUdp, .backends = {1}});
  auto in = packet(kUdp, kClient, 5353, kVip, 53);
  in.payload = {1, 2, 3, 4, 5, 6, 7};
  auto want = in;
  want.daddr = kPodA;

  auto r = external(build(in));
  EXPECT_EQ(r.retval, XDP_PASS);
  EXPECT_FRAME(r.out, build(want));

  in.udp_no_checksum = want.udp_no_checksum = true;
  r = external(build(in));
  EXPECT_EQ(r.retval, XDP_PASS);
  EXPECT_FRAME(r.out, build(want));
  EXPECT_EQ(rd16(r.out, 34 + 6), 0);
}

TEST_F(XdpTest, ReplyFromBackendIsRestoredToFrontend) {
  maps_->set_backend(2, kPodB, kBackendPort, kTcp, SKIFF_BACKEND_F_LOCAL);
  std::uint32_t id = maps_->add_frontend({.addr = kVip, .port = 80, .proto = kTcp, .backends = {2}});
  ASSERT_EQ(external(build(packet(kTcp, kClient, 40001, kVip, 80))).retval, XDP_PASS);

  auto reply = packet(kTcp, kPodB, kBackendPort, kClient, 40001);
  reply.tcp_flags = kSyn | kAck;
  auto r = external(build(reply));
  EXPECT_EQ(r.retval, XDP_PASS);
  auto want = reply;
  want.saddr = kVip;
  want.sport = 80;
  EXPECT_FRAME(r.out, build(want));

  auto rev = maps_->ct(ct_key(kPodB, kClient, kBackendPort, 40001, kTcp, SKIFF_CT_REVERSE));
  ASSERT_TRUE(rev);
  EXPECT_TRUE(rev->flags & SKIFF_CT_F_SEEN_REPLY);
  EXPECT_EQ(rev->service_id, id);
  EXPECT_EQ(maps_->event(SKIFF_EV_REVNAT), 1u);
  EXPECT_EQ(maps_->stats(id).packets, 2u);
}

TEST_F(XdpTest, ConntrackKeepsBackendWhenSlotsChange) {
  auto svc = maps_->add_frontend({.addr = kVip, .port = 80, .proto = kTcp, .backends = {1, 2, 3}});
  auto flow = packet(kTcp, kClient, 41000, kVip, 80);
  ASSERT_EQ(external(build(flow)).retval, XDP_PASS);
  std::uint32_t first = ct_backend(flow);
  ASSERT_NE(first, 0u);

  // Every slot now names another backend: only new flows may follow.
  std::uint32_t other = first == 3 ? 1 : first + 1;
  auto s = maps_->service(kVip, 80, kTcp);
  maps_->fill_slots(s->slot_offset, s->slot_count, {other});
  flow.tcp_flags = kAck;
  auto r = external(build(flow));
  EXPECT_EQ(r.retval, XDP_PASS);
  EXPECT_EQ(rd32(r.out, 30), backend_addr(first));

  auto fresh = packet(kTcp, kClient, 41001, kVip, 80);
  r = external(build(fresh));
  EXPECT_EQ(rd32(r.out, 30), backend_addr(other));
  EXPECT_EQ(maps_->stats(svc).packets, 3u);
}

TEST_F(XdpTest, FreedBackendMakesTheFlowReselect) {
  maps_->add_frontend({.addr = kVip, .port = 80, .proto = kTcp, .backends = {1}});
  auto flow = packet(kTcp, kClient, 42000, kVip, 80);
  ASSERT_EQ(external(build(flow)).retval, XDP_PASS);
  ASSERT_EQ(ct_backend(flow), 1u);

  maps_->free_backend(1);
  auto s = maps_->service(kVip, 80, kTcp);
  maps_->fill_slots(s->slot_offset, s->slot_count, {3});
  flow.tcp_flags = kAck;
  auto r = external(build(flow));
  EXPECT_EQ(r.retval, XDP_PASS);
  EXPECT_EQ(rd32(r.out, 30), kPodC);
  EXPECT_EQ(ct_backend(flow), 3u);
}

TEST_F(XdpTest, AffinityHoldsAcrossSourcePortsAndExpires) {
  auto id = maps_->add_frontend(
      {.addr = kVip, .port = 80, .proto = kTcp, .backends = {1, 2, 3}, .affinity_timeout = 60});
  ASSERT_EQ(external(build(packet(kTcp, kClient, 43000, kVip, 80))).retval, XDP_PASS);
  auto a = maps_->affinity(kClient, id);
  ASSERT_TRUE(a);
  std::uint32_t pinned = a->backend_id;

  // Point every slot elsewhere: affinity, not the hash, must decide now.
  std::uint32_t other = pinned == 3 ? 1 : pinned + 1;
  auto s = maps_->service(kVip, 80, kTcp);
  maps_->fill_slots(s->slot_offset, s->slot_count, {other});
  for (std::uint16_t port = 43001; port < 43020; port++) {
    auto r = external(build(packet(kTcp, kClient, port, kVip, 80)));
    ASSERT_EQ(r.retval, XDP_PASS);
    EXPECT_EQ(rd32(r.out, 30), backend_addr(pinned)) << "source port " << port;
  }

  // 61 s since last use with a 60 s timeout: expired, Maglev decides again.
  maps_->put_affinity(kClient, id, {monotonic_ns() - 61'000'000'000ull, pinned, 0});
  auto r = external(build(packet(kTcp, kClient, 43100, kVip, 80)));
  EXPECT_EQ(rd32(r.out, 30), backend_addr(other));
  EXPECT_EQ(maps_->affinity(kClient, id)->backend_id, other);
}

TEST_F(XdpTest, AffinityIgnoresTerminatingBackend) {
  auto id = maps_->add_frontend(
      {.addr = kVip, .port = 80, .proto = kTcp, .backends = {2}, .affinity_timeout = 3600});
  maps_->put_affinity(kClient, id, {monotonic_ns(), 1, 0});
  maps_->set_backend(1, kPodA, kBackendPort, kTcp, SKIFF_BACKEND_F_TERMINATING);
  auto r = external(build(packet(kTcp, kClient, 43500, kVip, 80)));
  EXPECT_EQ(rd32(r.out, 30), kPodB);
}

TEST_F(XdpTest, NoBackendSynGetsRstTheClientAccepts) {
  auto id = maps_->add_frontend({.addr = kVip, .port = 80, .proto = kTcp});
  auto in = packet(kTcp, kClient, 44000, kVip, 80);
  in.seq = 0xfffffff0;  // the ack wraps
  in.ip_options = {1, 1, 1, 0};
  auto r = external(build(in));
  EXPECT_EQ(r.retval, XDP_TX);

  PacketSpec want = packet(kTcp, kVip, 80, kClient, 44000);
  want.src_mac = in.dst_mac;
  want.dst_mac = in.src_mac;
  want.tcp_flags = kRst | kAck;
  want.seq = 0;
  want.ack = 0xfffffff1;
  want.window = 0;
  want.id = 0;
  want.frag = 0x4000;
  EXPECT_FRAME(r.out, build(want));
  EXPECT_EQ(maps_->event(SKIFF_EV_NO_BACKEND_REJECT), 1u);
  EXPECT_EQ(maps_->stats(id).packets, 1u);
}

TEST_F(XdpTest, NoBackendDataSegmentGetsRstAtItsAck) {
  maps_->add_frontend({.addr = kVip, .port = 80, .proto = kTcp});
  auto in = packet(kTcp, kClient, 44001, kVip, 80);
  in.tcp_flags = kAck | kPsh;
  in.seq = 777;
  in.ack = 0x12345678;
  in.payload.assign(100, 'x');
  auto r = external(build(in));
  EXPECT_EQ(r.retval, XDP_TX);

  PacketSpec want = packet(kTcp, kVip, 80, kClient, 44001);
  want.src_mac = in.dst_mac;
  want.dst_mac = in.src_mac;
  want.tcp_flags = kRst;
  want.seq = 0x12345678;
  want.ack = 0;
  want.window = 0;
  want.id = 0;
  want.frag = 0x4000;
  EXPECT_FRAME(r.out, build(want));
}

TEST_F(XdpTest, NoBackendUdpGetsPortUnreachable) {
  maps_->add_frontend({.addr = kVip, .port = 53, .proto = kUdp});
  for (Bytes opts : {Bytes{}, Bytes{7, 7, 4, 0, 0, 0, 0, 0}}) {
    auto in = packet(kUdp, kClient, 5000, kVip, 53);
    in.ip_options = opts;
    in.payload.assign(40, 'q');
    Bytes frame = build(in);
    auto r = external(frame);
    EXPECT_EQ(r.retval, XDP_TX);
    EXPECT_FRAME(r.out, build_port_unreachable(frame));
  }
  EXPECT_EQ(maps_->event(SKIFF_EV_NO_BACKEND_REJECT), 2u);
}

TEST_F(XdpTest, NoBackendWithDropFlagDrops) {
  maps_->add_frontend({.addr = kVip, .port = 80, .proto = kTcp, .flags = SKIFF_SVC_F_DROP_NO_BACKEND});
  auto r = external(build(packet(kTcp, kClient, 45000, kVip, 80)));
  EXPECT_EQ(r.retval, XDP_DROP);
  EXPECT_EQ(maps_->event(SKIFF_EV_NO_BACKEND_DROP), 1u);
  EXPECT_EQ(maps_->event(SKIFF_EV_NO_BACKEND_REJECT), 0u);
}

TEST_F(XdpTest, RemoteBackendIsSnatedAndItsReplyReversed) {
  auto id = maps_->add_frontend({.addr = kVip, .port = 80, .proto = kTcp, .backends = {3}});
  auto in = packet(kTcp, kClient, 46000, kVip, 80);
  auto r = external(build(in));
  EXPECT_EQ(r.retval, XDP_PASS);
  auto want = in;
  want.saddr = kNode;
  want.daddr = kPodC;
  want.dport = kBackendPort;
  EXPECT_FRAME(r.out, build(want));

  auto reply = packet(kTcp, kPodC, kBackendPort, kNode, 46000);
  reply.tcp_flags = kSyn | kAck;
  r = external(build(reply));
  EXPECT_EQ(r.retval, XDP_PASS);
  auto back = reply;
  back.saddr = kVip;
  back.sport = 80;
  back.daddr = kClient;
  EXPECT_FRAME(r.out, build(back));
  EXPECT_EQ(maps_->stats(id).packets, 2u);
}

TEST_F(XdpTest, LocalPolicyFrontendIsNotSnated) {
  maps_->add_frontend({.addr = kVip, .port = 80, .proto = kTcp, .backends = {3}, .flags = SKIFF_SVC_F_LOCAL});
  auto r = external(build(packet(kTcp, kClient, 46500, kVip, 80)));
  EXPECT_EQ(rd32(r.out, 26), kClient);
}

TEST_F(XdpTest, SnatProbesAnotherPortWhenTheClientPortIsTaken) {
  maps_->add_frontend({.addr = kVip, .port = 80, .proto = kTcp, .backends = {3}});
  // Another client's flow already owns node:47000 towards this backend.
  skiff_ct_entry other{};
  other.client_addr = htonl(ip4(198, 51, 100, 7));
  other.client_port = htons(47000);
  other.nat_addr = htonl(kVip);
  other.nat_port = htons(80);
  other.flags = SKIFF_CT_F_SNAT;
  maps_->put_ct(ct_key(kPodC, kNode, kBackendPort, 47000, kTcp, SKIFF_CT_REVERSE), other);

  auto r = external(build(packet(kTcp, kClient, 47000, kVip, 80)));
  EXPECT_EQ(r.retval, XDP_PASS);
  EXPECT_EQ(rd32(r.out, 26), kNode);
  std::uint16_t port = rd16(r.out, 34);
  EXPECT_NE(port, 47000);
  EXPECT_GE(port, 1024);
  EXPECT_EQ(verify_checksums(r.out), "");

  auto reply = packet(kTcp, kPodC, kBackendPort, kNode, port);
  reply.tcp_flags = kSyn | kAck;
  r = external(build(reply));
  EXPECT_EQ(rd32(r.out, 30), kClient);
  EXPECT_EQ(rd16(r.out, 36), 47000);
  EXPECT_EQ(rd32(r.out, 26), kVip);
  // The other flow's entry is untouched.
  EXPECT_EQ(maps_->ct(ct_key(kPodC, kNode, kBackendPort, 47000, kTcp, SKIFF_CT_REVERSE))->client_addr,
            other.client_addr);
}

TEST_F(XdpTest, FinMarksTheFlowClosing) {
  maps_->set_backend(1, kPodA, kBackendPort, kTcp, SKIFF_BACKEND_F_LOCAL);
  maps_->add_frontend({.addr = kVip, .port = 80, .proto = kTcp, .backends = {1}});
  auto flow = packet(kTcp, kClient, 48000, kVip, 80);
  external(build(flow));
  flow.tcp_flags = kFin | kAck;
  external(build(flow));
  auto e = maps_->ct(ct_key(kClient, kVip, 48000, 80, kTcp, SKIFF_CT_FORWARD));
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->flags & SKIFF_CT_F_CLOSING);
}

TEST_F(XdpTest, NonServiceTrafficIsByteIdentical) {
  maps_->add_frontend({.addr = kVip, .port = 80, .proto = kTcp, .backends = {1}});
  std::vector<Bytes> frames = {
      build(packet(kTcp, kClient, 40000, kVip, 81)),           // other port
      build(packet(kUdp, kClient, 40000, kVip, 80)),           // other protocol
      build(packet(kTcp, kClient, 40000, ip4(1, 1, 1, 1), 80)),  // other address
      build(packet(kIcmp, kClient, 0, kVip, 0)),
  };
  Bytes arp = build(packet(kTcp, kClient, 1, kVip, 80));
  arp[12] = 0x08;
  arp[13] = 0x06;
  frames.push_back(arp);
  for (const auto& f : frames) {
    auto r = external(f);
    EXPECT_EQ(r.retval, XDP_PASS);
    EXPECT_EQ(r.out, f);
  }
  EXPECT_EQ(maps_->event(SKIFF_EV_MALFORMED), 0u);
}

TEST_F(XdpTest, IpOptionsAreKeptAndSkippedCorrectly) {
  maps_->set_backend(1, kPodA, kBackendPort, kTcp, SKIFF_BACKEND_F_LOCAL);
  maps_->add_frontend({.addr = kVip, .port = 80, .proto = kTcp, .backends = {1}});
  for (std::size_t n : {4u, 8u, 40u}) {
    auto in = packet(kTcp, kClient, static_cast<std::uint16_t>(49000 + n), kVip, 80);
    in.ip_options.assign(n, 1);  // NOPs
    auto r = external(build(in));
    EXPECT_EQ(r.retval, XDP_PASS);
    auto want = in;
    want.daddr = kPodA;
    want.dport = kBackendPort;
    EXPECT_FRAME(r.out, build(want));
  }
}

TEST_F(XdpTest, CountersAddPacketsAndBytes) {
  maps_->set_backend(1, kPodA, kBackendPort, kTcp, SKIFF_BACKEND_F_LOCAL);
  auto id = maps_->add_frontend({.addr = kVip, .port = 80, .proto = kTcp, .backends = {1}});
  auto in = packet(kTcp, kClient, 50000, kVip, 80);
  in.payload.assign(60, 'z');
  for (int i = 0; i < 3; i++) external(build(in));
  auto st = maps_->stats(id);
  EXPECT_EQ(st.packets, 3u);
  EXPECT_EQ(st.bytes, 3u * (20 + 20 + 60));
}

}  // namespace
}  // namespace skiff::test
